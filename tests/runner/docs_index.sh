#!/usr/bin/env bash
# tests/runner/docs_index.sh SOURCE_DIR: docs/scenarios.md's index matches
# scenarios/: every .scn file has one row under its topic, each topic's
# heading counts its files, and the total is right. (The index used to say
# 97 while there were 98; new topics went unlisted.)
set -u
src=$1
doc=$src/docs/scenarios.md
nfail=0
pass=0
total=0
for dir in "$src"/scenarios/*/; do
  topic=$(basename "$dir")
  n=$(ls "$dir"*.scn 2>/dev/null | wc -l)
  total=$((total + n))
  if grep -qx "### $topic/ ($n)" "$doc"; then pass=$((pass+1)); else
    echo "not ok: docs/scenarios.md has no heading '### $topic/ ($n)'"; nfail=$((nfail+1)); fi
  for f in "$dir"*.scn; do
    b=$(basename "$f")
    # the row under this topic's heading
    c=$(awk -v h="### $topic/ ($n)" -v b="| \`$b\`" '
          $0 == h { inb = 1; next } /^### / { inb = 0 } inb && index($0, b) == 1 { c++ }
          END { print c + 0 }' "$doc")
    if [ "$c" -eq 1 ]; then pass=$((pass+1)); else
      echo "not ok: $topic/$b has $c rows in the index of docs/scenarios.md"; nfail=$((nfail+1)); fi
  done
done
if grep -q "^$total scenarios\. " "$doc"; then pass=$((pass+1)); else
  echo "not ok: docs/scenarios.md does not say '$total scenarios.'"; nfail=$((nfail+1)); fi
echo "$pass passed, $nfail failed"
[ "$nfail" -eq 0 ]
