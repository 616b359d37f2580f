#!/usr/bin/env bash
# tests/runner/evidence.sh MAPSCOPE DATA: the command-line side of issue 8
# (docs/evidence.md): labels go to the backend they are given for, version
# labels, a backend that cannot start stops the command (exit 2, nothing
# stored), and what a host lacks is said once, up front.
#
# A fake agent behind --agent-cmd speaks protocol 1 and performs nothing:
# every step is unsupported. FAKE_WINE sets the Wine version it reports.
set -u
mapscope=$1
data=$2
repo=$(cd "$data/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
nfail=0
pass=0
ok() { pass=$((pass + 1)); }
bad() { echo "not ok: $1"; sed 's/^/  | /' out.txt err.txt; nfail=$((nfail + 1)); }

cat > fake-agent.sh <<'AGENT'
while IFS= read -r line; do
  case "$line" in
    hello*) printf 'ok 6 mapscope-agent 1\nprotocol 1\nagent 0.0-fake\nos %s\nwine %s\ncaps %s\nrecovered 0\n' \
              "Fake" "${FAKE_WINE:--}" "${FAKE_CAPS:-logon-current}" ;;
    step*)  printf 'unsupported 0 the fake agent performs nothing\n' ;;
    bye)    printf 'ok 0 bye undone=0 failed=0\n'; exit 0 ;;
    *)      printf 'ok 0\n' ;;
  esac
done
AGENT
fake="sh $work/fake-agent.sh"

# 1. A bare --label goes to the backend under test, never the model: the
#    model's `todo wine` steps must not turn into `fixed` (before: 21 failed).
"$mapscope" diff --no-db --against windows --agent-cmd "$fake" --label wine \
  "$repo/scenarios/wine" >out.txt 2>err.txt
rc=$?
[ $rc -eq 0 ] && ok || bad "bare --label: exit $rc, wanted 0"
grep -q "fixed" out.txt && bad "bare --label: the model got the label" || ok
grep -q ", 0 failed," out.txt && ok || bad "bare --label: failures"

# 2. BACKEND:LABEL labels that backend; a backend the command does not run
#    is a usage error.
"$mapscope" diff --no-db --against windows --agent-cmd "$fake" --label sim:wine \
  "$repo/scenarios/wine/halves-separate-namespaces.scn" >out.txt 2>err.txt
rc=$?
[ $rc -eq 1 ] && grep -q "sim: .*fixed" out.txt && ok || bad "sim:wine: exit $rc, wanted 1 with fixed on the model"
"$mapscope" diff --no-db --against windows --agent-cmd "$fake" --label wine:x \
  "$data/evidence/versions.scn" >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && grep -q "names a backend this command does not run" err.txt && ok \
  || bad "wine:x in a windows diff: exit $rc, wanted 2"

# 3. A host on Wine 9 answers to wine9 and wine, not wine8: 3 of the 4
#    annotated steps are skipped on it, in run and in diff.
FAKE_WINE=9.0 "$mapscope" run --no-db --backend windows --agent-cmd "$fake" \
  "$data/evidence/versions.scn" >out.txt 2>err.txt
grep -q "windows: 3 skip, 2 unsupported" out.txt && ok || bad "wine 9 run: wanted 3 skip, 2 unsupported"
FAKE_WINE=9.0 "$mapscope" diff --no-db --against windows --agent-cmd "$fake" \
  "$data/evidence/versions.scn" >out.txt 2>err.txt
grep -q "windows: 3 skip, 2 unsupported" out.txt && ok || bad "wine 9 diff: wanted 3 skip, 2 unsupported"
# --label windows:wine8 on a host without Wine: wine8 carries wine, so
# `skipif wine` and `skipif wine8` skip, `onlyif wine8` runs.
"$mapscope" run --no-db --backend windows --agent-cmd "$fake" --label windows:wine8 \
  "$data/evidence/versions.scn" >out.txt 2>err.txt
grep -q "windows: 2 skip, 3 unsupported" out.txt && ok || bad "--label windows:wine8: wanted 2 skip"
"$mapscope" run --no-db --backend windows --agent-cmd "$fake" \
  "$data/evidence/versions.scn" >out.txt 2>err.txt
grep -q "windows: 1 skip, 4 unsupported" out.txt && ok || bad "no Wine: wanted 1 skip (onlyif wine8)"

# 4. A backend that cannot start stops the command at once: exit 2, the
#    reason on standard error, no report, nothing stored.
"$mapscope" diff --db "$work/r.db" --against windows \
  --agent-cmd "sh -c 'echo boom >&2; exit 7'" "$repo/scenarios" >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] && ok || bad "dead agent: exit $rc, wanted 2"
grep -q "could not start" err.txt && ok || bad "dead agent: no reason"
[ ! -s out.txt ] && ok || bad "dead agent: a report was printed"
[ ! -e "$work/r.db" ] && ok || bad "dead agent: the database was created"
[ "$(wc -l < err.txt)" -le 12 ] && ok || bad "dead agent: more than 12 lines of errors"

# 5. What the host lacks is said once, before anything runs, with its facts.
"$mapscope" diff --no-db --against windows --agent-cmd "$fake" \
  "$data/evidence/needs.scn" "$data/evidence/versions.scn" >out.txt 2>err.txt
[ "$(grep -c 'lacks what some scenarios need' out.txt)" -eq 1 ] && ok || bad "needs: not said once"
grep -q "no as-system .*: 1 scenario" out.txt && ok || bad "needs: as-system"
grep -q "no logon-user .*: 1 scenario" out.txt && ok || bad "needs: logon-user"
grep -q "no shares .*: 1 scenario" out.txt && ok || bad "needs: shares"
grep -q "host facts: os=Fake" out.txt && ok || bad "needs: no host facts"
[ "$(head -1 out.txt | grep -c lacks)" -eq 1 ] && ok || bad "needs: not up front"

# 6. A host without a split token (the agent says no-split-token): every
#    uac=on scenario needs one.
FAKE_CAPS="logon-current logon-user as-system shares no-split-token" \
  "$mapscope" diff --no-db --against windows --agent-cmd "$fake" \
  "$data/evidence/needs.scn" "$data/evidence/versions.scn" >out.txt 2>err.txt
grep -q "no-split-token .*: 2 scenarios" out.txt && ok || bad "no split token not reported"
grep -q "no shares" out.txt && bad "shares reported although the host has them" || ok

# 8. In the verbose report an agreement on an acknowledgement (`ok` of a
#    `logon current`) is labelled `acknowledged`, not `agree`, as the
#    headline counts it (before: `agree: logon A alice current`).
cat > ack-agent.sh <<'AGENT'
while IFS= read -r line; do
  case "$line" in
    hello*) printf 'ok 6 mapscope-agent 1\nprotocol 1\nagent 0.0-fake\nos Fake\nwine -\ncaps logon-current\nrecovered 0\n' ;;
    step*logon*) printf 'done 1\nok\n' ;;
    step*)  printf 'unsupported 0 the fake agent performs nothing\n' ;;
    bye)    printf 'ok 0 bye undone=0 failed=0\n'; exit 0 ;;
    *)      printf 'ok 0\n' ;;
  esac
done
AGENT
printf 'title ack\nuser alice standard password=Al1ce-pw\nlogon A alice current\nas A drives\n' > ack.scn
"$mapscope" diff -v --no-db --against windows --agent-cmd "sh $work/ack-agent.sh" ack.scn >out.txt 2>err.txt
grep -q "acknowledged: logon A alice current" out.txt && ok || bad "an acknowledged agreement is not labelled so in -v"
grep -q "agree: logon A alice current" out.txt && bad "an acknowledgement labelled agree in -v" || ok

echo "$pass passed, $nfail failed"
[ "$nfail" -eq 0 ]
