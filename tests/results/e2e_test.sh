#!/usr/bin/env bash
# tests/results/e2e_test.sh: the real `mapscope run` stores its run and says
# where; `mapscope results compare` shows a deliberately changed expectation
# as a regression; merging the databases of two separate runs gives one
# database with both runs.
#
#   e2e_test.sh MAPSCOPE WORKDIR
set -euo pipefail
ms=$1 work=$2
unset MAPSCOPE_DB
rm -rf "$work"; mkdir -p "$work/scn"; cd "$work"
fail(){ echo "FAIL: $*" >&2; exit 1; }
[ -x "$ms" ] || fail "$ms is not built"
cat > scn/map.scn <<'SCN'
title   e2e: a mapping shows in net use
tags    generated

user    alice admin password=E2e-Secret-pw
share   \\fs1\data grant=alice

logon   A alice interactive
----
ok

as A net use Z: \\fs1\data /user:alice E2e-Secret-pw
----
ok

as A net use
----
OK Z: \\fs1\data
SCN

# 1. the default database in the working directory, named in the summary
"$ms" run scn > run1.txt 2>&1 || fail "the first run failed: $(cat run1.txt)"
grep -q 'results: stored in mapscope-results.db as run [0-9a-f]\{32\}' run1.txt \
  || fail "the summary does not say where: $(cat run1.txt)"
[ -s mapscope-results.db ] || fail "no default database"

# 2. the expectation changed on purpose: a regression
sed -i 's/^OK Z: \\\\fs1\\data$/OK Y: \\\\fs1\\data/' scn/map.scn
grep -q '^OK Y:' scn/map.scn || fail "could not edit the scenario"
rc=0; "$ms" run scn > run2.txt 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "the changed expectation should fail the run (exit $rc)"
rc=0; "$ms" results compare last~1 last > cmp.txt || rc=$?
[ "$rc" = 1 ] || fail "compare exit $rc, want 1: $(cat cmp.txt)"
sed -n 3p cmp.txt | grep -q '^regression  *scn/map.scn:[0-9]*  *sim  *pass -> fail  *as A net use$' \
  || fail "the regression is not first: $(cat cmp.txt)"

# 3. a separate run into its own database, then merge both
MAPSCOPE_DB=other.db "$ms" run scn > run3.txt 2>&1 || true
grep -q 'stored in other.db' run3.txt || fail "MAPSCOPE_DB not honoured: $(cat run3.txt)"
"$ms" results merge all.db mapscope-results.db other.db > merge.txt
[ "$(sqlite3 all.db 'SELECT count(*) FROM runs WHERE completed = 1')" = 3 ] || fail "merge: $(cat merge.txt)"
"$ms" results merge all.db other.db mapscope-results.db | grep -q '0 runs added, 0 replaced, 3 already present' \
  || fail "merge is not idempotent"
"$ms" results --db all.db list
"$ms" results --db all.db export --format junit last | python3 -c \
  'import sys, xml.dom.minidom as m; m.parseString(sys.stdin.read())' || fail "junit"

# 4. --no-db writes nothing
rm -f none.db
MAPSCOPE_DB=none.db "$ms" run --no-db scn > run4.txt 2>&1 || true
[ ! -e none.db ] || fail "--no-db wrote a database"

# 5. two runs writing to one database at once both land whole
for i in 1 2 3; do cp scn/map.scn "scn/map$i.scn"; done
"$ms" run --db both.db scn > both1.txt 2>&1 &
p1=$!
"$ms" run --db both.db scn > both2.txt 2>&1 &
p2=$!
wait "$p1" || true
wait "$p2" || true
[ "$(sqlite3 both.db 'SELECT count(*) FROM runs WHERE completed = 1 AND n_scenarios = 4')" = 2 ] \
  || fail "concurrent runs: $(sqlite3 both.db 'SELECT completed, n_scenarios FROM runs') $(cat both1.txt both2.txt)"
[ "$(sqlite3 both.db 'PRAGMA integrity_check')" = ok ] || fail "concurrent runs: integrity"

# 6. the password of the scenario is nowhere
if grep -a -q 'E2e-Secret-pw' ./*.db ./*.db-wal run*.txt cmp.txt 2>/dev/null; then
  fail "the password leaked: $(grep -a -l 'E2e-Secret-pw' ./*.db* run*.txt cmp.txt)"
fi
echo "ok: run stored and named, regression shown first, merge of two runs, no leak"
