#!/usr/bin/env bash
# tests/results/kill_test.sh: kill a run with SIGKILL part-way; the database
# must pass PRAGMA integrity_check, show the run incomplete, and hold only
# whole scenarios.
#
#   kill_test.sh store STORE_TOOL RESULTS_CLI WORKDIR
#       the writer is `store_tool forever` (scenarios of 20 steps)
#   kill_test.sh run MAPSCOPE RESULTS_CLI WORKDIR
#       the writer is the real `mapscope run --db` over a generated
#       directory of 4000 scenarios
set -euo pipefail
mode=$1 bin=$2 cli=$3 work=$4
rm -rf "$work"; mkdir -p "$work"
db=$work/kill.db
fail(){ echo "FAIL: $*" >&2; exit 1; }
q(){ sqlite3 -batch -noheader "$db" "$1"; }
command -v sqlite3 >/dev/null || fail "the sqlite3 shell is needed"
[ -x "$bin" ] || fail "$bin is not built"

if [ "$mode" = run ]; then
  scn=$work/scn; mkdir -p "$scn"
  for i in $(seq -w 1 4000); do
    cat > "$scn/k$i.scn" <<SCN
title   kill test $i
tags    generated

user    alice admin password=Kill-pw-$i
share   \\\\fs1\\data grant=alice

logon   A alice interactive
----
ok

as A net use Z: \\\\fs1\\data
----
ok

as A net use
----
OK Z: \\\\fs1\\data

as A net use Z: /delete
----
ok
SCN
  done
  # One whole run of one file tells how many steps a scenario has.
  "$bin" run --db "$work/one.db" "$scn/k0001.scn" >"$work/one.out" 2>&1 || true
  want=$(sqlite3 -batch -noheader "$work/one.db" "SELECT n_steps FROM runs") \
    || fail "a single run did not store (see $work/one.out)"
  [ "${want:-0}" -gt 0 ] || fail "a single run stored no step"
  "$bin" run --db "$db" "$scn" >"$work/run.out" 2>&1 &
else
  want=20
  "$bin" forever "$db" 20 >"$work/run.out" 2>&1 &
fi
pid=$!

# Wait until some scenarios are committed, then kill without warning.
stored=0
for _ in $(seq 1 3000); do
  if [ -s "$db" ]; then
    stored=$(q "SELECT count(*) FROM scenarios" 2>/dev/null || echo 0)
    [ "${stored:-0}" -ge 25 ] && break
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.02
done
kill -0 "$pid" 2>/dev/null || fail "the writer ended before it was killed (stored $stored)"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
echo "killed $mode writer after $stored scenarios"

[ "$(q 'PRAGMA integrity_check')" = ok ] || fail "integrity_check: $(q 'PRAGMA integrity_check')"
[ "$(q 'SELECT count(*) FROM runs')" = 1 ] || fail "expected one run"
[ "$(q 'SELECT completed FROM runs')" = 0 ] || fail "the killed run is marked complete"
[ "$(q 'SELECT ended_at IS NULL FROM runs')" = 1 ] || fail "the killed run has an end time"
nscn=$(q "SELECT count(*) FROM scenarios")
[ "$nscn" -ge 25 ] || fail "only $nscn scenarios stored"
"$cli" --db "$db" list | grep -q "INCOMPLETE .* $nscn  *$((nscn * want)) " \
  || fail "results list does not count the incomplete run's $nscn scenarios"
bad=$(q "SELECT count(*) FROM scenarios sc WHERE (SELECT count(*) FROM steps st
          WHERE st.scenario_id = sc.scenario_id) <> $want")
[ "$bad" = 0 ] || fail "$bad scenarios are not whole (want $want steps each)"
[ "$(q 'SELECT count(*) FROM steps st WHERE NOT EXISTS (SELECT 1 FROM step_results r
        WHERE r.scenario_id = st.scenario_id AND r.position = st.position)')" = 0 ] || fail "a step lost its result"
"$cli" --db "$db" list | grep -q INCOMPLETE || fail "results list does not show INCOMPLETE"
echo "ok: integrity_check ok, run incomplete, $nscn whole scenarios of $want steps"
