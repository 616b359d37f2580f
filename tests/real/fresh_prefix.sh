#!/bin/sh
# tests/real/fresh_prefix.sh PREFIX: remove the build tree's shared Wine
# prefix before the Wine tests of a CTest run (fixture mapscope_wineprefix).
#
# Why: the tests assume a prefix with nothing of theirs in it. A run that
# CTest killed on a timeout can leave a test's marker behind with no journal
# (seen: a boot device "Y:" -> "\??\C:\killed" in HKLM that an agent then
# took for the operator's and, rightly, kept), and every later run in that
# build tree failed the same way. The agent cannot tell such a leftover
# from an operator's setting, so the harness starts from a clean prefix
# (about 10 s to recreate); a fresh clone, as in CI, always did.
set -u
P="$1"
case "$P" in
  */wineprefix) ;;
  *) echo "fresh_prefix.sh: refusing to remove '$P' (not a build tree's wineprefix)"; exit 1 ;;
esac
if [ -d "$P" ]; then
  WINEPREFIX="$P" wineserver -k >/dev/null 2>&1 || true
  rm -rf "$P" || { echo "fresh_prefix.sh: cannot remove $P"; exit 1; }
fi
exit 0
