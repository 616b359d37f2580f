#!/usr/bin/env bash
# tests/runner/agent_facts.sh MAPSCOPE DATA: every fact an agent reports in
# its handshake (issue 8: elevated, token-elevation, uac, split-token,
# system-token-from, baseline-drives, ...) is stored with the run
# (runs.host_facts), shown by `mapscope results show`, and printed in the
# run's up-front host report; with -j too. A fake agent (a shell script
# behind --agent-cmd) speaks protocol 1 and answers every step `ok`.
set -u
mapscope=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
nfail=0
pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "not ok: $1"; sed 's/^/  | /' out.txt err.txt 2>/dev/null; nfail=$((nfail + 1)); }

cat > facts-agent.sh <<'SH'
while IFS= read -r line; do
  case "$line" in
    hello*) printf 'ok 13 mapscope-agent 1\nprotocol 1\nagent 9.9-fake\nos Windows 10.0.20348\n'
            printf 'wine -\nelevated yes\nsystem-token yes\n'
            printf 'system-token-from winlogon.exe pid 612 (not restricted)\n'
            printf 'token-elevation full\nuac on\nsplit-token no (UAC is off here)\n'
            printf 'recovered 0\ncaps logon-current no-split-token\nbaseline-drives C:\n' ;;
    step*)  printf 'done 1\nok\n' ;;
    *)      printf 'ok 0\n' ;;
  esac
done
SH

# 1. A run stores every handshake fact, one `key value` a line.
MAPSCOPE_AGENT_START_TIMEOUT_MS=10000 "$mapscope" run --db r.db --backend windows \
  --agent-cmd "sh $work/facts-agent.sh" "$data/pass/split.scn" >out.txt 2>err.txt
facts=$(sqlite3 -batch -noheader r.db "SELECT host_facts FROM runs ORDER BY seq DESC LIMIT 1")
printf '%s\n' "$facts" | grep -qx 'elevated yes' && ok || bad "host_facts lacks 'elevated yes': $facts"
printf '%s\n' "$facts" | grep -qx 'system-token-from winlogon.exe pid 612 (not restricted)' \
  && ok || bad "host_facts lacks system-token-from: $facts"
printf '%s\n' "$facts" | grep -qx 'token-elevation full' && ok || bad "host_facts lacks token-elevation"
printf '%s\n' "$facts" | grep -qx 'baseline-drives C:' && ok || bad "host_facts lacks baseline-drives"

# 2. `results show` prints them.
"$mapscope" results --db r.db show last >out.txt 2>err.txt
grep -q '^facts  *.*elevated yes\|^  *elevated yes' out.txt && ok || bad "results show: no 'elevated yes'"
grep -q '^  *system-token-from winlogon.exe pid 612' out.txt && ok || bad "results show: no system-token-from"

# 3. The up-front host report (the host lacks a split token) prints them.
"$mapscope" run --no-db --backend windows --agent-cmd "sh $work/facts-agent.sh" \
  "$data/pass/split.scn" >out.txt 2>err.txt
grep -q '^  host fact: uac on$' out.txt && ok || bad "host report: no 'host fact: uac on'"

# 4. With -j (workers replay tapes) the run stores the same facts.
"$mapscope" run --db j.db -j 2 --backend windows --agent-cmd "sh $work/facts-agent.sh" \
  "$data/pass" >out.txt 2>err.txt
facts=$(sqlite3 -batch -noheader j.db "SELECT host_facts FROM runs ORDER BY seq DESC LIMIT 1")
printf '%s\n' "$facts" | grep -qx 'elevated yes' && ok || bad "-j: host_facts lacks 'elevated yes': $facts"

echo "agent_facts: $pass ok, $nfail not ok"
[ $nfail -eq 0 ]
