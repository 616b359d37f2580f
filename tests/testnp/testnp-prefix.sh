#!/bin/sh
# tests/testnp/testnp-prefix.sh: make PREFIX a Wine prefix with the test
# network provider (mapscope-testnp.dll) registered, for the wine-testnp
# tests. Only ever run it on a prefix the project owns for this test (the
# CTest gives ${CMAKE_BINARY_DIR}/wineprefix-testnp): it writes HKLM of the
# prefix, never anything of the user's.
#
#   testnp-prefix.sh PREFIX AGENT_EXE TESTNP_DLL
#
# The prefix is created by running the agent once (as the wine backend
# does); the DLL is copied into its C:\windows\system32 every time (so a new
# build is picked up); the registry values are written with Wine's reg.exe
# when they are missing. No mapscope stamp is put in the prefix, so the
# wine backend never deletes it (it only rebuilds prefixes it made itself).
set -eu
prefix=${1:?usage: testnp-prefix.sh PREFIX AGENT_EXE TESTNP_DLL}
agent=${2:?agent .exe}
dll=${3:?testnp .dll}
wine=${MAPSCOPE_WINE:-wine}
export WINEPREFIX="$prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=

svc='HKLM\System\CurrentControlSet\Services\MapscopeTestNP\NetworkProvider'
order='HKLM\System\CurrentControlSet\Control\NetworkProvider\Order'

if [ ! -f "$prefix/system.reg" ]; then
  mkdir -p "$(dirname "$prefix")"
  "$wine" "$agent" --version >/dev/null 2>&1 || true
  wineserver -w || true
  [ -f "$prefix/system.reg" ] || { echo "testnp-prefix: Wine did not create $prefix" >&2; exit 1; }
fi
sys32="$prefix/drive_c/windows/system32"
[ -d "$sys32" ] || { echo "testnp-prefix: no $sys32" >&2; exit 1; }
cp "$dll" "$sys32/mapscope-testnp.dll"

if ! grep -q 'MapscopeTestNP' "$prefix/system.reg"; then
  "$wine" reg add "$svc" /v Name /t REG_SZ /d 'Mapscope Test Network' /f >/dev/null
  "$wine" reg add "$svc" /v ProviderPath /t REG_EXPAND_SZ \
      /d '%SystemRoot%\System32\mapscope-testnp.dll' /f >/dev/null
  "$wine" reg add "$svc" /v Class /t REG_DWORD /d 1 /f >/dev/null
  "$wine" reg add "$order" /v ProviderOrder /t REG_SZ /d MapscopeTestNP /f >/dev/null
  wineserver -w
  grep -q 'MapscopeTestNP' "$prefix/system.reg" \
    || { echo "testnp-prefix: the registration did not reach $prefix/system.reg" >&2; exit 1; }
fi
# Every run starts as a new profile does: no HKCU\Network key. (Wine's mpr
# answers a RESOURCE_REMEMBERED enumeration with 8 while the key is missing,
# and the key stays once made, so without this the outcome would depend on
# the runs before.)
"$wine" reg delete 'HKCU\Network' /f >/dev/null 2>&1 || true
wineserver -w || true
echo "testnp-prefix: $prefix has MapscopeTestNP, and no HKCU\\Network"
