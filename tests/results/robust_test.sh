#!/usr/bin/env bash
# tests/results/robust_test.sh: `mapscope results` on damaged and foreign
# files. A reader that meets an SQLite error exits 2 with one line on stderr,
# and a report it had begun (reports stream) is marked as cut short: a text
# report's last line says so, TAP ends with "Bail out!", JUnit is left
# unterminated (no XML parser accepts it); a merge whose
# input is damaged, or that fails part-way, leaves no new OUT behind and an
# existing OUT as it was; reading a foreign file says it is not a results
# database, not that it will not be modified.
#
#   robust_test.sh RESULTS_CMD STORE_TOOL WORKDIR
# RESULTS_CMD runs `mapscope results` (results_cli, or "mapscope results").
set -euo pipefail
read -r -a cli <<< "$1"
tool=$2 work=$3
rm -rf "$work"; mkdir -p "$work"; cd "$work"
fail(){ echo "FAIL: $*" >&2; exit 1; }
# expect_sql_err DESCRIPTION ARGS...: exit 2, one stderr line naming the
# SQLite problem, empty stdout
expect_sql_err(){
  local what=$1; shift
  local rc=0
  "${cli[@]}" "$@" > out.txt 2> err.txt || rc=$?
  [ "$rc" = 2 ] || fail "$what: exit $rc, want 2 (stdout: $(head -3 out.txt))"
  [ "$(wc -l < err.txt)" = 1 ] || fail "$what: stderr is not one line: $(cat err.txt)"
  grep -q '^mapscope results: .*: .*\(malformed\|corrupt\|not a database\)' err.txt \
    || fail "$what: stderr does not report the SQLite error: $(cat err.txt)"
  if [ -s out.txt ]; then
    case "$what" in
      *junit*)
        python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' out.txt \
          2> /dev/null && fail "$what: a cut-short JUnit file parses as whole XML" ;;
      *tap*)
        tail -1 out.txt | grep -q '^Bail out! database error: ' \
          || fail "$what: a cut-short TAP stream does not bail out: $(tail -1 out.txt)" ;;
      *)
        [ "$(tail -1 out.txt)" = "mapscope results: REPORT CUT SHORT by a database error (see standard error)" ] \
          || fail "$what: a cut-short report does not say so: $(tail -2 out.txt)" ;;
    esac
  fi
  echo "damaged ok ($what): $(cat err.txt)"
}
dump(){ sqlite3 "$1" .dump; }

# A sound database, checkpointed so every page is in the main file.
"$tool" fill good.db 20 30 > good.txt
sqlite3 good.db 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null
# Damage one leaf page of step_results (the runs and schema pages stay
# sound, so the run still resolves and only reading its steps fails).
page=$(sqlite3 good.db "SELECT pageno FROM dbstat WHERE name = 'step_results'
                        AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 2")
[ -n "$page" ] || fail "no step_results leaf page to damage"
cp good.db bad.db
head -c 4096 /dev/zero | tr '\0' '\377' \
  | dd of=bad.db bs=4096 seek=$((page-1)) count=1 conv=notrunc status=none
rc=0; sqlite3 bad.db 'PRAGMA quick_check' > qc.txt 2>&1 || rc=$?
[ "$rc" != 0 ] || ! grep -qx ok qc.txt || fail "the damage did not show: $(cat qc.txt)"

# 1. Readers: the error, not an empty or partial report.
expect_sql_err "show --all" --db bad.db show last --all
expect_sql_err "show" --db bad.db show last
expect_sql_err "export junit" --db bad.db export --format junit last
expect_sql_err "export tap" --db bad.db export --format tap last
expect_sql_err "compare" --db bad.db compare last last
# list reads only the runs table, which is sound: it still works.
"${cli[@]}" --db bad.db list > list.txt || fail "list of the sound runs table"
grep -q "^last  *$(cut -c1-12 good.txt)" list.txt || fail "list: $(cat list.txt)"
# The same commands on the sound copy succeed with full output.
"${cli[@]}" --db good.db export --format junit last > good.xml
python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]);
assert len(d.getElementsByTagName("testcase")) == 600' good.xml || fail "junit of the sound copy"

# 2. Merge: a damaged or truncated input is refused before OUT is made.
head -c $(( $(stat -c %s good.db) / 2 )) good.db > trunc.db
for input in trunc.db bad.db; do
  rc=0; "${cli[@]}" merge new.db "$input" > out.txt 2> err.txt || rc=$?
  [ "$rc" = 2 ] || fail "merge of $input: exit $rc"
  [ "$(wc -l < err.txt)" = 1 ] || fail "merge of $input: $(cat err.txt)"
  ls new.db* > /dev/null 2>&1 && fail "a refused merge of $input left $(ls new.db*)"
  echo "merge refused ok ($input): $(cat err.txt)"
done
# An input that passes every check but fails while copying (duplicate step
# rows in a table without its primary key): no new OUT is left behind ...
"$tool" fill dup.db 2 3 > /dev/null
sqlite3 dup.db 'CREATE TABLE s2 AS SELECT * FROM steps; DROP TABLE steps;
  CREATE TABLE steps AS SELECT * FROM s2 UNION ALL SELECT * FROM s2; DROP TABLE s2;'
"$tool" fill other.db 1 2 > /dev/null
rc=0; "${cli[@]}" merge new.db other.db dup.db > out.txt 2> err.txt || rc=$?
[ "$rc" = 2 ] && grep -q 'dup.db: cannot merge' err.txt || fail "merge of dup.db: $rc $(cat err.txt)"
ls new.db* > /dev/null 2>&1 && fail "a failed merge left $(ls new.db*)"
# ... and an existing OUT keeps exactly its rows, though other.db, merged
# before dup.db, was sound.
"${cli[@]}" merge old.db good.db > /dev/null
dump old.db > before.sql
rc=0; "${cli[@]}" merge old.db other.db dup.db > out.txt 2> err.txt || rc=$?
[ "$rc" = 2 ] || fail "merge into old.db: exit $rc"
dump old.db > after.sql
cmp -s before.sql after.sql || fail "a failed merge changed the existing OUT"
[ ! -s out.txt ] || fail "a failed merge reported progress: $(cat out.txt)"
"${cli[@]}" merge old.db other.db > /dev/null || fail "the sound input alone merges"
[ "$(sqlite3 old.db 'SELECT count(*) FROM runs')" = 2 ] || fail "old.db runs after merge"

# More inputs than SQLite attaches at once (10) still merge, in batches.
for i in $(seq 1 11); do "$tool" fill "j$i.db" 1 1 > /dev/null; done
"${cli[@]}" merge many.db j{1..11}.db > many.txt || fail "merge of 11 inputs"
grep -q '^merged into many.db: 11 runs added' many.txt || fail "11 inputs: $(tail -1 many.txt)"

# 3. Reading a foreign SQLite file: the reason fits a read.
sqlite3 foreign.db 'CREATE TABLE t(x); INSERT INTO t VALUES(1)'
for action in list "show last" "export --format tap last"; do
  rc=0; "${cli[@]}" --db foreign.db $action > out.txt 2> err.txt || rc=$?
  [ "$rc" = 2 ] || fail "$action on a foreign file: exit $rc"
  grep -q 'not a mapscope results database (application_id 0): nothing to '"${action%% *}"'$' err.txt \
    || fail "$action on a foreign file: $(cat err.txt)"
  grep -q 'modify' err.txt && fail "$action speaks of modifying: $(cat err.txt)"
done
# Writing to it is still refused in those words.
rc=0; "${cli[@]}" merge foreign.db good.db 2> err.txt > /dev/null || rc=$?
[ "$rc" = 2 ] && grep -q 'refusing to modify it' err.txt || fail "merge into foreign: $(cat err.txt)"

# 4. A hostile file (issue 9 item 8): views that never end stand where
# mapscope's views were; the reading commands read the tables and finish.
# endless NAME: a view with step_outcomes' columns whose rows never come.
endless(){ echo "CREATE VIEW $1 AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL
  SELECT x + 1 FROM c) SELECT r.run_id, x AS seq, x AS started_at,
  x AS completed, x AS host_name, x AS scenario_id, x AS path, x AS title,
  x AS content_hash, x AS position, x AS line, x AS who, x AS command,
  x AS expected, x AS comparison, x AS evidence, x AS diverged_line,
  x AS backend, x AS verdict, x AS output, x AS reason, x AS duration_ms
  FROM runs r, c WHERE x < 0;"; }
"$tool" fill hostile.db 2 3 > hostile.txt
sqlite3 hostile.db "DROP VIEW step_outcomes; DROP VIEW failures; DROP VIEW verdict_changes;
  $(endless step_outcomes) $(endless failures) $(endless verdict_changes)"
for action in "show last --all" "show last" "list" "compare last last" \
              "export --format tap last" "export --format junit last"; do
  rc=0; timeout 120 "${cli[@]}" --db hostile.db $action > out.txt 2> err.txt || rc=$?
  [ "$rc" = 0 ] || fail "$action on a file with endless views: exit $rc $(cat err.txt)"
done
"${cli[@]}" --db hostile.db show last --all | grep -q '^  gen/s000001.scn:12  \[sim\] pass' \
  || fail "show of the hostile file lost its steps"
rc=0; timeout 120 "${cli[@]}" merge hostile-out.db hostile.db > out.txt 2> err.txt || rc=$?
[ "$rc" = 0 ] || fail "merge of a file with endless views: exit $rc $(cat err.txt)"
# A table replaced by such a view is refused at once, reading or merging.
"$tool" fill hostile2.db 1 2 > /dev/null
sqlite3 hostile2.db "DROP TABLE step_results; $(endless step_results)"
for action in "show last" "list" "export --format tap last"; do
  rc=0; timeout 120 "${cli[@]}" --db hostile2.db $action > out.txt 2> err.txt || rc=$?
  [ "$rc" = 2 ] && grep -q 'step_results is a view' err.txt \
    || fail "$action on a file whose table is a view: exit $rc $(cat err.txt)"
done
rc=0; timeout 120 "${cli[@]}" merge hostile-out.db hostile2.db > out.txt 2> err.txt || rc=$?
[ "$rc" = 2 ] && grep -q 'step_results is a view' err.txt || fail "merge of hostile2: $rc $(cat err.txt)"
echo "hostile ok"
echo "ok: results on damaged and foreign files"
