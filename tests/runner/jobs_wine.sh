#!/usr/bin/env bash
# tests/runner/jobs_wine.sh MAPSCOPE SCENARIOS: -j under Wine. Each worker
# has its own prefix ($MAPSCOPE_WINEPREFIX, then -j1, -j2...), and the text
# report and the stored run of `run --backend wine -j 2` equal those of the
# serial run, apart from times and run ids; so does `diff -j 2`'s report.
#
# The runs compared must start from prefixes with the same history: a
# prefix left with a killed agent's journal (by test_real_wine's killed
# runs, or a run of this test that CTest killed) makes the first run on it
# report, truthfully, `host event: recovered N journal entries...`, and
# the next run not. So this test has prefixes of its own
# ($MAPSCOPE_WINEPREFIX-jobs, -jobs-j1), and a settling `-j 2` run (not
# compared) first undoes whatever an earlier killed run left in either.
set -u
mapscope=$1
scenarios=$2
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
export MAPSCOPE_WINEPREFIX="$MAPSCOPE_WINEPREFIX-jobs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
check "settling wine run -j 2" 0 "$mapscope" run --db settle.db -j 2 --backend wine "$scenarios/wine"
check "serial wine run" 0 "$mapscope" run --db w.db --backend wine "$scenarios/wine"
grep -v '^results: stored' out.txt >serial.txt
check "wine run -j 2" 0 "$mapscope" run --db w.db -j 2 --backend wine "$scenarios/wine"
grep -v '^results: stored' out.txt >parallel.txt
if diff serial.txt parallel.txt >d.txt; then pass=$((pass+1)); else
  echo "not ok: -j 2 report differs under Wine"; sed 's/^/  | /' d.txt; nfail=$((nfail+1)); fi
"$mapscope" results --db w.db export --format tap last~1 | grep -v '^# mapscope run' >s.tap
"$mapscope" results --db w.db export --format tap last | grep -v '^# mapscope run' >p.tap
if cmp -s s.tap p.tap; then pass=$((pass+1)); else
  echo "not ok: -j 2 stored run differs under Wine"; diff s.tap p.tap | head; nfail=$((nfail+1)); fi
# diff: two sides on every tape.
check "serial diff" 0 "$mapscope" diff --no-db --against wine "$scenarios/wine"
cp out.txt diff-serial.txt
check "diff -j 2" 0 "$mapscope" diff --no-db -j 2 --against wine "$scenarios/wine"
if cmp -s diff-serial.txt out.txt; then pass=$((pass+1)); else
  echo "not ok: diff -j 2 differs under Wine"; diff diff-serial.txt out.txt | head; nfail=$((nfail+1)); fi
[ -d "$MAPSCOPE_WINEPREFIX-j1" ] && pass=$((pass+1)) || { echo "not ok: worker 1 had no prefix of its own"; nfail=$((nfail+1)); }
echo "$pass passed, $nfail failed"
[ "$nfail" -eq 0 ]
