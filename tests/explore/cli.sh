#!/usr/bin/env bash
# tests/explore/cli.sh MAPSCOPE SCENARIOS: `mapscope bench` and
# `mapscope explore` from the command line.
# bench: tiny sizes only, to check every part runs and prints its rows (the
# figures are not checked: a benchmark is not a timed test). explore: exit
# statuses, determinism per seed, the results database, and (when the
# model has the test-only planted bug) that shrinking finds it and writes a
# scenario that `mapscope run` fails on with the bug and passes without.
set -u
mapscope=$1
scenarios=$2
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# bench, every model part, tiny
check "bench model parts" 0 "$mapscope" bench --only ops,sessions,store,explore --no-wine \
  --ops 2000 --sessions 10,100 --store-rows 300 --explore-steps 20000
expect_in out.txt "model define/query/remove (sim calls)" "ops row"
expect_in out.txt "model add/get/cancel (backend steps)" "ops row via the backend"
expect_in out.txt "Wine                                         not measured" "no-wine row"
expect_in out.txt "100 sessions: 8 sessions" "sessions row"
expect_in out.txt "ratio" "sessions ratio"
expect_in out.txt "300 rows in" "store row"
expect_in out.txt "(0 episodes with a failed invariant)" "explore row"
check "bench suite on the model" 0 "$mapscope" bench --only suite --no-wine --suite "$scenarios"
expect_in out.txt "model: " "suite row"
expect_in out.txt "target < 1000 ms" "suite target"
check "bench logons part" 0 "$mapscope" bench --only logons --ops 2000 --sessions 10,100
expect_in out.txt "100 logons:" "logons row (the CLI path, issue 9 item 11)"
check "bench bad part" 2 "$mapscope" bench --only frob
check "bench bad number" 2 "$mapscope" bench --ops -3

# explore: usage
check "explore unknown option" 2 "$mapscope" explore --frob
check "explore bad seed" 2 "$mapscope" explore --seed x
check "explore bad against" 2 "$mapscope" explore --against nowhere
check "explore windows needs agent-cmd" 2 "$mapscope" explore --against windows
check "explore world must parse" 2 "$mapscope" explore --no-db --world /nonexistent.scn

# explore: model only, deterministic per seed
check "explore model only" 0 "$mapscope" explore --seed 5 --steps 30000 --no-db
expect_in out.txt "seed 5, 30000 steps" "seed and steps echoed"
expect_in out.txt "no invariant failed" "model keeps its invariants"
grep -v "steps/s" out.txt > run1.txt
"$mapscope" explore --seed 5 --steps 30000 --no-db | grep -v "steps/s" > run2.txt
if cmp -s run1.txt run2.txt; then pass=$((pass + 1)); else
  echo "not ok: same seed, different output"; nfail=$((nfail + 1)); fi

# explore with a --world file (a scenario whose steps are ignored)
cat > world.scn <<'SCN'
title w
source test
machine linked-connections=on
user zed admin password=Zed-pw-1
user yan standard password=Yan-pw-2
share \\srv\s1 grant=zed

logon A zed interactive
SCN
check "explore --world" 0 "$mapscope" explore --seed 9 --steps 20000 --no-db --world world.scn

# explore: stored as a run of kind explore
check "explore stores" 0 "$mapscope" explore --seed 3 --steps 5000 --db ex.db
expect_in out.txt "results: stored in ex.db as run" "stored line"
if [ "$(sqlite3 ex.db "select count(*) from runs where kind='explore'")" = "1" ]; then
  pass=$((pass + 1)); else echo "not ok: no explore run in the database"; nfail=$((nfail + 1)); fi

# the planted bug (test-only switch in the model), when this model has it
"$mapscope" explore --against sim --plant-bug 1 --seed 1 --steps 1 --no-db >probe.txt 2>&1
if grep -q "no planted bug" probe.txt; then
  echo "# skipped: this model has no planted bug"
else
  check "planted bug is found" 1 "$mapscope" explore --against sim --plant-bug 1 --seed 21 \
    --steps 10000 --no-db --out found.scn
  expect_in out.txt "FAILED at episode 0" "failure reported"
  expect_in out.txt "wrote found.scn" "scenario written"
  nsteps=$(grep -cE '^(logon|logoff|reboot|set|bootdevice|as)( |$)' found.scn)
  if [ "$nsteps" -ge 1 ] && [ "$nsteps" -le 10 ]; then pass=$((pass + 1)); else
    echo "not ok: shrunk scenario has $nsteps steps"; cat found.scn; nfail=$((nfail + 1)); fi
  expect_in found.scn "# found by: mapscope explore --seed 21" "seed comment"
  expect_in found.scn "original length" "original length comment"
  check "the scenario passes on the clean model" 0 "$mapscope" run --no-db found.scn
  MAPSCOPE_SIM_PLANT_BUG=1 "$mapscope" run --no-db found.scn >out.txt 2>err.txt
  if [ $? -eq 1 ]; then pass=$((pass + 1)); else
    echo "not ok: mapscope run does not fail with the bug planted"; cat out.txt err.txt
    nfail=$((nfail + 1)); fi
fi

# Options that cannot work are refused before any work is done.
check "--out in a missing folder" 2 "$mapscope" explore --against sim --plant-bug 1 \
  --seed 21 --steps 10000 --no-db --out "$PWD/no/such/folder/x.scn"
check "--sessions too large" 2 "$mapscope" bench --only sessions --sessions 99999999999

echo "# $pass checks passed, $nfail failed"
[ "$nfail" -eq 0 ]
