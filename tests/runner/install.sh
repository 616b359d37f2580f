#!/usr/bin/env bash
# tests/runner/install.sh BUILD_DIR AGENT_BUILT: `cmake --install` into a
# temporary prefix puts mapscope, the agent (when built), the man page,
# the bash completion, the scenarios and the docs in place, and the
# installed mapscope runs the installed scenarios. The completion offers
# every long option each command's --help lists.
set -u
build=$1
agent=$2
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

check "cmake --install" 0 cmake --install "$build" --prefix "$work/usr"
for f in bin/mapscope share/man/man1/mapscope.1 \
         share/bash-completion/completions/mapscope \
         share/mapscope/scenarios/tokens/batch-highest.scn share/doc/mapscope/README.md \
         share/doc/mapscope/scenarios.md; do
  [ -e "usr/$f" ] && pass=$((pass+1)) || { echo "not ok: usr/$f not installed"; nfail=$((nfail+1)); }
done
if [ "$agent" = ON ]; then
  [ -e usr/libexec/mapscope/mapscope-agent.exe ] && pass=$((pass+1)) \
    || { echo "not ok: the agent was built but not installed"; nfail=$((nfail+1)); }
fi

# The installed command, from anywhere, on the installed scenarios.
check "installed mapscope runs" 0 usr/bin/mapscope run --no-db usr/share/mapscope/scenarios
expect_in out.txt " passed, 0 failed" "installed run passes"
check "installed -V" 0 usr/bin/mapscope -V
if command -v man >/dev/null; then
  check "man page renders" 0 man -l usr/share/man/man1/mapscope.1
  expect_in out.txt "RUN AND DIFF OPTIONS" "man page content"
fi

# Completion: commands, options, values.
complete_words() {
  # complete_words WORD... : what the completion offers for the last word
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ));
           COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; _mapscope; printf "%s\n" "${COMPREPLY[@]}"' \
       _ usr/share/bash-completion/completions/mapscope "$@"
}
[ "$(complete_words mapscope rep)" = report ] && pass=$((pass+1)) || { echo "not ok: complete 'rep'"; nfail=$((nfail+1)); }
[ "$(complete_words mapscope too)" = tools ] && pass=$((pass+1)) || { echo "not ok: complete 'too'"; nfail=$((nfail+1)); }
[ "$(complete_words mapscope ru)" = run ] && pass=$((pass+1)) || { echo "not ok: complete 'ru'"; nfail=$((nfail+1)); }
[ "$(complete_words mapscope run --form)" = --format ] && pass=$((pass+1)) || { echo "not ok: complete --form"; nfail=$((nfail+1)); }
[ "$(complete_words mapscope run --format '' | tr '\n' ' ')" = "text tap junit " ] && pass=$((pass+1)) \
  || { echo "not ok: complete --format values"; nfail=$((nfail+1)); }
for cmd in run diff explain bench explore check report tools; do
  for opt in $(usr/bin/mapscope $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
    case $opt in --opt|--help) continue ;; esac
    if complete_words mapscope $cmd -- | grep -qx -- "$opt"; then pass=$((pass+1)); else
      echo "not ok: completion of '$cmd' lacks $opt"; nfail=$((nfail+1)); fi
  done
done

echo "$pass passed, $nfail failed"
[ "$nfail" -eq 0 ]
