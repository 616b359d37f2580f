#!/bin/bash
# tests/check/store_test.sh MAPSCOPE SCHEMA_V4_SQL: every `mapscope check`
# run is stored in the results database as a run of kind check (issue 14
# item 3; docs/results.md, docs/check.md "Counterexamples"):
#   1. a check that holds: its summary, every invariant held, the states by
#      depth, readable with sqlite3 and `mapscope results show/list/export`
#   2. a violated check (planted bug 2, depth 2): the summary, the one
#      violated invariant, the counterexample as the run's scenario
#   3. --no-db stores nothing, even with $MAPSCOPE_DB set
#   4. a database the run cannot be stored in: one line, exit 2, before
#      the search, nothing written (a missing folder, a text file, a file
#      of a newer schema, one with a trigger, a read-only file unless we
#      are root)
#   5. `mapscope report` draws check runs; `results merge` carries them
#   6. a schema-4 file (made by the schema-4 code) is read as it is, then
#      migrated by the next check: old runs kept, no row refers to no run
#   7. world_hash is the world's, not the file's bytes
# Needs the sqlite3 shell and python3 (the JUnit export is parsed).
set -u
M="$1"
V4SQL="$2"
WORLDS="$(cd "$(dirname "$0")/../../worlds" && pwd)"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail(){ echo "FAIL: $*"; exit 1; }
q(){ sqlite3 "$1" "$2"; }
cd "$T" || exit 1

# ---- 1. a check that holds -------------------------------------------------
"$M" check --depth 1 --quiet --db h.db >out 2>err; rc=$?
[ $rc -eq 0 ] || { cat out err; fail "held check: exit $rc"; }
grep -q "^stored         run [0-9a-f]\{32\} in h.db$" out || { cat out; fail "no 'stored run' line"; }
id=$(sed -n 's/^stored         run \([0-9a-f]*\) in h.db$/\1/p' out)
states=$(sed -n 's/^states      \([0-9]*\) .*/\1/p' out)
ninv=$(sed -n '/^invariants$/,/^rules fired/p' out | grep -c '^  ')
[ -n "$states" ] && [ "$ninv" -gt 10 ] || fail "cannot read the report: states '$states', $ninv invariants"
[ "$(q h.db 'PRAGMA user_version')" = 5 ] || fail "schema version"
[ "$(q h.db "SELECT kind || ' ' || completed || ' ' || n_scenarios || ' ' || n_passed || ' ' || n_failed FROM runs WHERE run_id = '$id'")" = "check 1 0 $ninv 0" ] \
  || fail "runs row: $(q h.db 'SELECT * FROM runs')"
[ "$(q h.db "SELECT verdict || ' ' || stop_reason || ' ' || depth_requested || ' ' || depth_completed || ' ' || states || ' ' || world || ' ' || (violation_steps IS NULL) FROM check_runs WHERE run_id = '$id'")" = "held depth 1 1 $states built-in 1" ] \
  || fail "check_runs row: $(q h.db 'SELECT * FROM check_runs')"
[ "$(q h.db "SELECT count(*) FROM check_invariants WHERE run_id = '$id' AND verdict = 'held'")" = "$ninv" ] \
  || fail "check_invariants: $(q h.db 'SELECT * FROM check_invariants')"
[ "$(q h.db "SELECT count(*) || ' ' || sum(states) FROM check_depths WHERE run_id = '$id'")" = "2 $states" ] \
  || fail "check_depths: $(q h.db 'SELECT * FROM check_depths')"
# the rules the report printed as never fired are the stored ones
never=$(sed -n 's/^rules never    *//p' out)
[ "$(q h.db "SELECT rules_never FROM check_runs WHERE run_id = '$id'")" = "$never" ] || fail "rules_never"
[ "$(q h.db 'SELECT count(*) FROM pragma_foreign_key_check')" = 0 ] || fail "foreign_key_check"
"$M" results --db h.db show last >show 2>&1 || { cat show; fail "results show"; }
for w in "kind       check, complete" "check      held" "depth      1 completed of 1" \
         "states     $states" "link-owner" "rules      fired:" "never:"; do
  grep -q "$w" show || { cat show; fail "show lacks '$w'"; }
done
[ "$(grep -c ' held ' show)" -ge "$ninv" ] || { cat show; fail "show: not every invariant held"; }
"$M" results --db h.db list >list 2>&1 || fail "results list"
grep -q "^last  *${id:0:12}  .* check  *complete " list || { cat list; fail "list: no check run"; }
"$M" results --db h.db export --format tap last >tap 2>&1 || fail "export tap"
grep -q "^1\.\.$ninv$" tap || { cat tap; fail "tap plan"; }
[ "$(grep -c '^ok ' tap)" = "$ninv" ] || { cat tap; fail "tap: not every invariant ok"; }

# a search stopped by --states, scoped by --families, with no time limit:
# the limits and families stored, the cut-short depth counted apart
"$M" check --depth 3 --families connect,cancel --seconds 0 --states 5 --quiet --db f.db >out 2>err \
  || { cat out err; fail "stopped check: exit $?"; }
states=$(sed -n 's/^states      \([0-9]*\) .*/\1/p' out)
[ "$(q f.db "SELECT families || ' ' || max_states || ' ' || (max_seconds IS NULL) || ' ' || stop_reason || ' ' || states || ' ' || tool_steps FROM check_runs")" = "connect,cancel 5 1 states $states 0" ] \
  || fail "stopped check_runs row: $(q f.db 'SELECT * FROM check_runs')"
[ "$(q f.db "SELECT (count(*) = depth_completed + 2) || ' ' || sum(d.states) FROM check_depths d JOIN check_runs USING (run_id)")" = "1 $states" ] \
  || fail "stopped check_depths: $(q f.db 'SELECT * FROM check_depths')"
"$M" results --db f.db show last >show 2>&1 || fail "show (stopped)"
grep -q "the last depth cut short" show && grep -q "stopped by --states (--states 5)" show \
  && grep -q "families connect,cancel" show || { cat show; fail "show (stopped)"; }
[ "$(q h.db "SELECT max_seconds FROM check_runs")" = 60.0 ] || fail "the default --seconds is not stored"

# ---- 2. a violated check ---------------------------------------------------
"$M" check --plant-bug 2 --depth 2 --quiet --db v.db --out cx.scn >out 2>err; rc=$?
[ $rc -eq 1 ] || { cat out err; fail "violated check: exit $rc, not 1"; }
id=$(sed -n 's/^stored         run \([0-9a-f]*\) in v.db$/\1/p' out)
[ -n "$id" ] || { cat out; fail "violated check: no 'stored run' line"; }
failed=$(sed -n 's/^FAILED         \([^ ]*\) (.*) after \([0-9]*\) steps: .*/\1 \2/p' out)
inv=${failed% *}; nsteps=${failed#* }
[ -n "$inv" ] || { cat out; fail "no FAILED line"; }
[ "$(q v.db "SELECT verdict || ' ' || stop_reason || ' ' || violation_steps || ' ' || planted_bug FROM check_runs WHERE run_id = '$id'")" = "violated violation $nsteps 2" ] \
  || fail "check_runs row: $(q v.db 'SELECT * FROM check_runs')"
[ "$(q v.db "SELECT group_concat(name) FROM check_invariants WHERE run_id = '$id' AND verdict = 'violated'")" = "$inv" ] \
  || fail "violated invariant: $(q v.db 'SELECT * FROM check_invariants')"
[ "$(q v.db "SELECT count(*) FROM check_invariants WHERE reason IS NOT NULL")" = 1 ] || fail "reasons"
[ "$(q v.db "SELECT kind || ' ' || n_scenarios || ' ' || n_steps || ' ' || n_failed FROM runs")" = "check 1 $nsteps 1" ] \
  || fail "runs row: $(q v.db 'SELECT * FROM runs')"
[ "$(q v.db "SELECT path FROM scenarios WHERE run_id = '$id'")" = cx.scn ] || fail "counterexample scenario"
[ "$(q v.db "SELECT sr.verdict FROM steps st JOIN step_results sr USING (scenario_id, position) ORDER BY st.position DESC LIMIT 1")" = fail ] \
  || fail "the counterexample's last step does not fail"
"$M" results --db v.db show last >show 2>&1 || fail "results show (violated)"
for w in "check      VIOLATED (a counterexample of $nsteps steps)" "planted    model bug 2" \
         "stopped at the first violation" "cx.scn:$nsteps  \[sim\] fail"; do
  grep -q "$w" show || { cat show; fail "show lacks '$w'"; }
done
grep -q "^  $inv  .* violated " show || { cat show; fail "show: $inv not violated"; }
"$M" results --db v.db export --format tap last >tap 2>&1 || fail "export tap (violated)"
[ "$(grep -c '^not ok ' tap)" = 1 ] && grep -q "^not ok .*\] $inv " tap || { cat tap; fail "tap: not one 'not ok' for $inv"; }
"$M" results --db v.db export --format junit last >junit.xml 2>&1 || fail "export junit"
python3 - junit.xml "$inv" <<'EOF' || fail "junit"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall('.//testcase')
bad = [c.get('name') for c in cases if c.find('failure') is not None]
assert root.get('failures') == '1' and len(bad) == 1 and sys.argv[2] in bad[0], (root.attrib, bad)
EOF

# ---- 3. --no-db stores nothing ---------------------------------------------
MAPSCOPE_DB="$T/env.db" "$M" check --depth 1 --quiet --no-db >out 2>err || fail "--no-db exit"
[ ! -e env.db ] && [ ! -e mapscope-results.db ] || fail "--no-db made a database"
grep -q "^stored" out && fail "--no-db says it stored"
MAPSCOPE_DB="$T/env.db" "$M" check --depth 1 --quiet >out 2>err || fail "\$MAPSCOPE_DB exit"
[ "$(q env.db 'SELECT kind FROM runs')" = check ] || fail "\$MAPSCOPE_DB not used"

# ---- 4. a database the run cannot be stored in -----------------------------
printf 'notes, not a database\n' > notes.txt
cp notes.txt notes.orig
cp h.db newer.db && sqlite3 newer.db 'PRAGMA user_version=9' && cp newer.db newer.orig
cp h.db trig.db && sqlite3 trig.db 'CREATE TRIGGER t AFTER INSERT ON runs BEGIN SELECT 1; END' \
  && cp trig.db trig.orig
bad=("$T/no/such/dir/x.db" notes.txt newer.db trig.db)
if [ "$(id -u)" != 0 ]; then cp h.db ro.db && chmod 444 ro.db && cp ro.db ro.orig && bad+=(ro.db); fi
for db in "${bad[@]}"; do
  "$M" check --depth 1 --db "$db" >out 2>err; rc=$?
  [ $rc -eq 2 ] || { cat out err; fail "--db $db: exit $rc, not 2"; }
  [ "$(wc -l <err)" -eq 1 ] || { cat err; fail "--db $db: not one line"; }
  grep -q "^mapscope check: " err || { cat err; fail "--db $db: the line"; }
  [ -s out ] && { cat out; fail "--db $db: the search ran"; }
done
[ ! -e no ] || fail "a folder was made"
cmp -s notes.txt notes.orig || fail "the text file was changed"
cmp -s newer.db newer.orig || fail "the newer database was changed"
[ ! -e newer.db-wal ] || fail "the newer database got a -wal"
cmp -s trig.db trig.orig || fail "the database with a trigger was changed"
[ ! -e ro.db ] || cmp -s ro.db ro.orig || fail "the read-only database was changed"

# ---- 5. report and merge ---------------------------------------------------
"$M" results merge all.db h.db v.db >out 2>&1 || { cat out; fail "merge"; }
"$M" results merge all.db h.db v.db >out 2>&1 || { cat out; fail "merge again"; }
[ "$(q all.db 'SELECT count(*) FROM check_runs')" = 2 ] || fail "merge: check_runs"
[ "$(q all.db 'SELECT count(*) FROM check_invariants')" = $((2 * ninv)) ] || fail "merge: check_invariants"
[ "$(q all.db 'SELECT count(*) FROM check_depths')" = "$(( $(q h.db 'SELECT count(*) FROM check_depths') + $(q v.db 'SELECT count(*) FROM check_depths') ))" ] \
  || fail "merge: check_depths"
"$M" report all.db -o report.html >out 2>&1 || { cat out; fail "report over check runs"; }
for i in $(q all.db 'SELECT run_id FROM runs'); do
  grep -q "${i:0:12}" report.html || fail "report lacks run $i"
done
grep -q '>check<' report.html || fail "report: no run of kind check"
grep -q 'cx\.scn' report.html || fail "report: no counterexample row"

# ---- 6. a schema-4 file ----------------------------------------------------
sqlite3 v4.db < "$V4SQL" || fail "cannot load $V4SQL"
[ "$(q v4.db 'PRAGMA user_version')" = 4 ] || fail "fixture version"
"$M" results --db v4.db list >out 2>&1 || { cat out; fail "list of a v4 file"; }
"$M" results --db v4.db show last~3 >out 2>&1 || { cat out; fail "show of a v4 file"; }
grep -q "kind       explore" out || { cat out; fail "v4: the old counterexample run"; }
grep -q "^check " out && fail "v4: a summary out of nowhere"
[ "$(q v4.db 'PRAGMA user_version')" = 4 ] || fail "a reader migrated the file"
"$M" check --depth 1 --quiet --db v4.db >out 2>err || { cat out err; fail "check into a v4 file"; }
[ "$(q v4.db 'PRAGMA user_version')" = 5 ] || fail "not migrated"
[ "$(q v4.db "SELECT group_concat(seq || kind, ' ') FROM (SELECT seq, kind FROM runs ORDER BY seq)")" = "1explore 2run 3diff 4diff 5check" ] \
  || fail "runs after the migration: $(q v4.db 'SELECT seq, kind FROM runs')"
[ "$(q v4.db 'SELECT count(*) FROM pragma_foreign_key_check')" = 0 ] || fail "v4: foreign_key_check"
[ "$(q v4.db 'PRAGMA integrity_check')" = ok ] || fail "v4: integrity_check"
"$M" results --db v4.db show last~4 >out 2>&1 && grep -q "kind       explore" out || fail "v4: old run after migration"
# world_hash names the world the search read, not the file's bytes: the
# built-in world written out with a comment and other spacing hashes alike
printf '# a comment\ntitle  another title\n\n' >w.scn
grep -E '^(machine|user|share)' "$WORLDS/check-default.scn" | sed 's/  */   /' >>w.scn
"$M" check --depth 1 --world w.scn --db wh.db --quiet >/dev/null 2>&1 || fail "check --world w.scn"
"$M" check --depth 1 --db wh.db --quiet >/dev/null 2>&1 || fail "check built-in for the hash"
[ "$(q wh.db 'SELECT count(DISTINCT world_hash) FROM check_runs')" = 1 ] || fail "world_hash differs for one world"
echo "ok"
