#!/usr/bin/env bash
# tests/runner/docs_commands.sh SOURCE_DIR: the commands in README.md and
# docs/*.md run as written.
#
# A fenced block whose info string is `sh test` (GitHub highlights it as sh)
# is a block of commands a reader can paste into a shell at the top of a
# fresh clone. This test copies the repository's tracked files (git
# ls-files, or every file but build trees) into a temporary folder, makes
# the fresh build the docs assume (`cmake -S . -B build`, agent and tests
# off to save time; `build/mapscope` is the command), then runs every such
# block with bash -e -o pipefail in that folder, in document order, and
# reports FILE:LINE of each block that fails. Blocks that need Wine, a
# Windows host or minutes of time are fenced `sh` without `test`: they are
# the checklist docs/scenarios.md ("Docs that run") lists.
set -u
src=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0
nfail=0

# A fresh copy of the tree.
mkdir -p "$work/clone"
if git -C "$src" ls-files >/dev/null 2>&1; then
  (cd "$src" && git ls-files -z --cached --others --exclude-standard | \
     grep -zv '^build' | xargs -0 cp --parents -t "$work/clone" 2>/dev/null)
else
  (cd "$src" && find . -path './build*' -prune -o -type f -print0 | \
     xargs -0 cp --parents -t "$work/clone")
fi
cd "$work/clone"
if ! cmake -S . -B build -DMAPSCOPE_AGENT=OFF -DMAPSCOPE_TESTS=OFF >"$work/build.log" 2>&1 \
   || ! cmake --build build -j2 >>"$work/build.log" 2>&1; then
  echo "not ok: the fresh build failed"; tail -20 "$work/build.log"; exit 1
fi

# Every `sh test` block, marked by @@BLOCK FILE:LINE.
n=0
mkdir -p "$work/blocks"
for md in README.md docs/*.md; do
  [ -f "$md" ] || continue
  awk -v f="$md" '
    /^```sh test[ \t]*$/ { inb = 1; printf "@@BLOCK %s:%d\n", f, NR; next }
    inb && /^```/ { inb = 0; next }
    inb { print }
  ' "$md"
done >"$work/all-blocks"

# Split into one script per block and run each.
awk -v dir="$work/blocks" '
  /^@@BLOCK / { n++; where[n] = $2; file = sprintf("%s/%04d.sh", dir, n); print $2 > (file ".where"); next }
  { print > file }
' "$work/all-blocks"
for script in "$work"/blocks/*.sh; do
  [ -e "$script" ] || continue
  where=$(cat "$script.where")
  n=$((n + 1))
  if timeout 600 bash -e -o pipefail "$script" >"$work/out.txt" 2>&1; then
    pass=$((pass + 1))
  else
    echo "not ok: $where: a block of commands failed:"
    sed 's/^/  | /' "$script"
    echo "  output:"
    tail -20 "$work/out.txt" | sed 's/^/  | /'
    nfail=$((nfail + 1))
  fi
done
if [ "$n" -eq 0 ]; then echo "not ok: no 'sh test' block found"; nfail=$((nfail + 1)); fi
echo "$pass blocks ran, $nfail failed"
[ "$nfail" -eq 0 ]
