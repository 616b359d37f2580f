#!/bin/sh
# tests/testnp/testnp.sh: CTest testnp_wine (see CMakeLists.txt here).
#
#   testnp.sh MAPSCOPE AGENT_EXE TESTNP_DLL PREFIX SCN_DIR WORK_DIR
#
# 1. PREFIX gets the test network provider (testnp-prefix.sh);
# 2. `mapscope run --backend wine --label wine-testnp` runs SCN_DIR with
#    the agent told that the world's shares exist (--existing-shares: the
#    provider serves them); it must exit 0;
# 3. the stored run must show that every step really ran (check_run);
# 4. control: the same run without --existing-shares makes the net steps
#    unsupported, and check_run must refuse it (the checks can fail).
set -u
mapscope=$1 agent=$2 dll=$3 prefix=$4 scn=$5 work=$6
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "testnp: FAIL: $*" >&2; exit 1; }

sh "$here/testnp-prefix.sh" "$prefix" "$agent" "$dll" || fail "could not prepare $prefix"

export MAPSCOPE_WINEPREFIX="$prefix" MAPSCOPE_AGENT_EXE="$agent"

q() { sqlite3 -batch -noheader "$1" "$2"; }

# check_run DB: 0 when the last run ran every step of every scenario on
# wine (pass or todo only), with the label and the capabilities that say
# the provider answered; else 1 with the reason on stderr.
check_run() {
  db=$1
  n_bad=$(q "$db" "SELECT count(*) FROM step_results WHERE backend='wine'
                   AND verdict NOT IN ('pass','todo')")
  n_pass=$(q "$db" "SELECT count(*) FROM step_results WHERE backend='wine' AND verdict='pass'")
  labels=$(q "$db" "SELECT labels FROM runs ORDER BY seq DESC LIMIT 1")
  caps=$(q "$db" "SELECT capabilities FROM runs ORDER BY seq DESC LIMIT 1")
  echo "testnp: $db: pass=$n_pass not-pass-nor-todo=$n_bad labels=$labels caps=$caps"
  if [ "$n_bad" != 0 ]; then
    q "$db" "SELECT s.line, s.command, r.verdict, r.reason FROM step_results r
             JOIN steps s USING(scenario_id, position)
             WHERE r.backend='wine' AND r.verdict NOT IN ('pass','todo') LIMIT 10" >&2
    echo "testnp: $n_bad steps did not run as pass or todo" >&2; return 1
  fi
  [ "${n_pass:-0}" -ge 25 ] || { echo "testnp: only ${n_pass:-0} passes (want >= 25)" >&2; return 1; }
  case ",$labels," in *wine-testnp*) ;; *) echo "testnp: label wine-testnp missing" >&2; return 1;; esac
  case " $caps " in *" wnet "*) ;; *) echo "testnp: the agent saw no provider (no 'wnet' capability)" >&2; return 1;; esac
  return 0
}

mkdir -p "$work"
db="$work/testnp.db"
rm -f "$db" "$db-journal" "$db-wal"
MAPSCOPE_AGENT_ARGS=--existing-shares \
  "$mapscope" run --backend wine --label wine-testnp --db "$db" "$scn"
rc=$?
[ $rc -eq 0 ] || fail "mapscope run exited $rc"
check_run "$db" || fail "the wine-testnp run did not run every step"

# What the agents left in HKCU\Network after their `bye` (each undoes its
# changes): read from user.reg once the prefix's wineserver has saved it.
# testnp_wine_undo checks the list (testnp-undo.sh).
WINEPREFIX="$prefix" wineserver -w 2>/dev/null || true
grep -o '^\[Network\\\\[A-Za-z]\]' "$prefix/user.reg" | sed 's/^\[Network\\\\/HKCU\\Network\\/; s/\]$//' \
  > "$work/hkcu-network-after.txt" || true
echo "testnp: left in HKCU\\Network after the run: $(tr '\n' ' ' < "$work/hkcu-network-after.txt")"

# control: no --existing-shares, so the agent refuses every net step
ctl="$work/testnp-control.db"
rm -f "$ctl" "$ctl-journal" "$ctl-wal"
env -u MAPSCOPE_AGENT_ARGS "$mapscope" run --backend wine --label wine-testnp --db "$ctl" "$scn" >/dev/null
if check_run "$ctl" 2>/dev/null; then
  fail "control: a run without --existing-shares passed the checks"
fi
echo "testnp: control run refused as it should be"
echo "testnp: ok"
