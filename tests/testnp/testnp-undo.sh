#!/bin/sh
# tests/testnp/testnp-undo.sh: CTest testnp_wine_undo. After testnp_wine's
# run every agent has said `bye` (it undoes what it changed, and reports
# what it could not: docs/protocol.md), so HKCU\Network of the test prefix
# must be as the run found it: empty (testnp-prefix.sh empties it first).
#
#   testnp-undo.sh WORK_DIR     (the file testnp.sh wrote there)
#
# Exit 0 nothing left; 1 something left (listed); 77 (skip) no record.
f="${1:?usage: testnp-undo.sh WORK_DIR}/hkcu-network-after.txt"
[ -f "$f" ] || { echo "testnp-undo: no $f (testnp_wine did not run)"; exit 77; }
if [ -s "$f" ]; then
  echo "testnp-undo: left in HKCU\\Network after every agent's bye:"
  sed 's/^/  /' "$f"
  exit 1
fi
echo "testnp-undo: HKCU\\Network is empty after the run"
