#!/bin/sh
# tests/real/testnp-v2.sh: CTest test_real_wine_testnp_v2.
#
#   testnp-v2.sh MAPSCOPE AGENT_EXE TESTNP_DLL PREFIX SCN_DIR
#
# The agent's language-v2 network steps (issue 10 item 3: deviceless
# connections, net use * through CONNECT_REDIRECT, their listing and
# cancelling) run for real through Wine's mpr and the test network provider
# (real/testnp) in a prefix of their own. Every step must run and agree with
# the model (no unsupported, no error); afterwards HKCU\Network must be gone
# (the journal undid the key the run made). A control run without
# --existing-shares must fail the same check, so the check can fail.
# Exit 77 (skipped) when the provider DLL was not built.
set -u
mapscope=$1 agent=$2 dll=$3 prefix=$4 scn=$5
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "testnp-v2: FAIL: $*" >&2; exit 1; }
[ -f "$dll" ] || { echo "testnp-v2: no $dll: skipped"; exit 77; }

sh "$here/../testnp/testnp-prefix.sh" "$prefix" "$agent" "$dll" || fail "could not prepare $prefix"
export MAPSCOPE_WINEPREFIX="$prefix" MAPSCOPE_AGENT_EXE="$agent"

# all_ran OUTPUT: the summary says every comparison ran and none failed
all_ran() {
  echo "$1" | grep -q ' 0 diverge, 0 unsupported, 0 skipped, 0 error' \
    && echo "$1" | grep -q ' 0 failed, 0 skipped'
}

out=$(MAPSCOPE_AGENT_ARGS=--existing-shares "$mapscope" diff --against wine --no-db \
        --label wine-testnp "$scn" 2>&1)
rc=$?
echo "$out" | tail -3
[ $rc -eq 0 ] || { echo "$out" >&2; fail "mapscope diff exited $rc"; }
all_ran "$out" || { echo "$out" >&2; fail "a step did not run or did not agree"; }

# the backend stopped the prefix's server at the end: user.reg is written
WINEPREFIX="$prefix" wineserver -w 2>/dev/null || true
if grep -q '^\[Network' "$prefix/user.reg"; then
  grep '^\[Network' "$prefix/user.reg" >&2
  fail "HKCU\\Network is left in $prefix after the run"
fi

# control: without --existing-shares the agent refuses the net steps
ctl=$(env -u MAPSCOPE_AGENT_ARGS "$mapscope" diff --against wine --no-db "$scn" 2>&1)
if all_ran "$ctl"; then
  fail "control: a run without --existing-shares passed the check"
fi
echo "testnp-v2: control run refused as it should be"
echo "testnp-v2: ok"
