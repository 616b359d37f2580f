#!/usr/bin/env bash
# tests/runner/agent_trust.sh MAPSCOPE DATA: the agent backends trust only
# a real mapscope-agent speaking protocol 1, and only replies that answer a
# request. Fake agents (shell scripts behind --agent-cmd) must produce
# `error` verdicts, never an agreement with the model; one that fails the
# handshake stops the command at once with exit 2 (docs/evidence.md).
set -u
mapscope=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
nfail=0
pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "not ok: $1"; sed 's/^/  | /' out.txt err.txt; nfail=$((nfail + 1)); }

# 1. Answers `ok` to everything, `done 1 / ok` to steps: not an agent.
cat > yes-agent.sh <<'SH'
while IFS= read -r line; do
  case "$line" in
    step*) printf 'done 1\nok\n' ;;
    *)     printf 'ok 0\n' ;;
  esac
done
SH
MAPSCOPE_AGENT_START_TIMEOUT_MS=10000 "$mapscope" diff --no-db --against windows \
  --agent-cmd "sh $work/yes-agent.sh" "$data/pass/split.scn" >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && ok || bad "yes-agent: exit $rc, wanted 2"
grep -q "did not identify itself as mapscope-agent" out.txt err.txt && ok || bad "yes-agent: no identification message"
grep -q "agree" out.txt && bad "yes-agent: something was compared" || ok

# 2. A proper handshake, then one line nobody asked for: replies would
#    shift onto the wrong steps, so every step is an error.
cat > chatty-agent.sh <<'SH'
while IFS= read -r line; do
  case "$line" in
    hello*) printf 'ok 1 mapscope-agent 1\nprotocol 1\n' ;;
    start)  printf 'ok 0\nok 0\n' ;;
    step*)  printf 'done 1\nok\n' ;;
    *)      printf 'ok 0\n' ;;
  esac
done
SH
MAPSCOPE_AGENT_START_TIMEOUT_MS=10000 "$mapscope" diff --no-db --against windows \
  --agent-cmd "sh $work/chatty-agent.sh" "$data/pass/split.scn" >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && ok || bad "chatty-agent: exit $rc, wanted 1"
grep -q "output nobody asked for" out.txt && ok || bad "chatty-agent: stray output not reported"
grep -q "comparisons: 0 agree" out.txt && ok || bad "chatty-agent: something agreed"

# 3. Never answers: the probe gives up after the start timeout, and the run
#    does not wait again for every scenario.
MAPSCOPE_AGENT_START_TIMEOUT_MS=1500 timeout 60 "$mapscope" run --no-db --backend windows \
  --agent-cmd "sleep 30" "$data/pass" "$data/fail" >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && ok || bad "silent agent: exit $rc, wanted 2 (124 = hung)"
grep -q "could not start" err.txt && ok || bad "silent agent: no reason shown"

# 4. An empty --agent-cmd is a usage error.
"$mapscope" run --no-db --backend windows --agent-cmd "" "$data/pass" >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && ok || bad "empty --agent-cmd: exit $rc, wanted 2"

echo "$pass passed, $nfail failed"
[ "$nfail" -eq 0 ]
