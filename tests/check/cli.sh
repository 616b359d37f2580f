#!/bin/bash
# tests/check/cli.sh MAPSCOPE: `mapscope check` from the command line.
set -u
M="$1"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail(){ echo "FAIL: $*"; exit 1; }

# a clean search: exit 0, the report's lines
"$M" check --depth 1 --no-db --quiet >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 0 ] || { cat "$T/err"; fail "clean search exit $rc"; }
for w in "depth       1" "states" "invariants" "rules fired" "rules never" "coverage"; do
  grep -q "$w" "$T/out" || fail "report lacks '$w'"
done

# usage errors: one line, exit 2
for args in "--depth 0" "--depth x" "--slots 9" "--letters C" "--families bogus" "--families -all" "--bogus" "--world $T/nope.scn" "extra"; do
  "$M" check $args --no-db >"$T/out" 2>"$T/err"; rc=$?
  [ $rc -eq 2 ] || fail "check $args: exit $rc, not 2"
  [ "$(wc -l <"$T/err")" -eq 1 ] || fail "check $args: not one line: $(cat "$T/err")"
done

# a scoped search (--families): the report names its families, and with the
# tool family left out it says there are no tool steps
"$M" check --depth 1 --seconds 0 --no-db --quiet --families logon,connect >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 0 ] || { cat "$T/err"; fail "scoped search exit $rc"; }
grep -q "families logon connect)" "$T/out" || { cat "$T/out"; fail "report lacks the families"; }
grep -q "tool branches  no tool steps in the alphabet" "$T/out" || fail "tool branches listed without tool steps"

# a search stopped by --seconds says so, names the depth it completed and
# counts the level it was building apart
"$M" check --seconds 1 --depth 6 --no-db --quiet >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 0 ] || { cat "$T/err"; fail "timed search exit $rc"; }
grep -Eq "^depth       [0-9]+ \(stopped: --seconds\)" "$T/out" || { cat "$T/out"; fail "no stop line"; }
grep -Eq "^states .*; [0-9]+ at depth [0-9]+ when it stopped\)" "$T/out" || { cat "$T/out"; fail "partial level not counted apart"; }

# a planted bug (D4): exit 1, the counterexample written, accepted by
# `mapscope run` on the same (buggy) model, stored in the database
"$M" check --plant-bug 4 --depth 3 --slots 1 --letters Q --no-reads --quiet \
    --out "$T/cx.scn" --db "$T/r.db" >"$T/out" 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || { cat "$T/out" "$T/err"; fail "planted bug exit $rc, not 1"; }
grep -q "FAILED         undefine-pops-current (D4) after 3 steps" "$T/out" || { cat "$T/out"; fail "no D4 failure line"; }
[ -s "$T/cx.scn" ] || fail "no counterexample file"
grep -q "^# invariant undefine-pops-current (D4)" "$T/cx.scn" || fail "no invariant comment"
MAPSCOPE_SIM_PLANT_BUG=4 "$M" run --no-db "$T/cx.scn" >"$T/run" 2>&1 || { cat "$T/run"; fail "mapscope run rejects the counterexample"; }
"$M" results list --db "$T/r.db" >"$T/list" 2>&1 || fail "results list"
grep -q "check  *complete" "$T/list" || { cat "$T/list"; fail "no run stored"; }
echo "ok"
