#!/usr/bin/env bash
# tests/runner/explain_secrets.sh MAPSCOPE DATA: explain (text, --html,
# --svg) never prints a password an author wrote into a title, a source
# line or a comment (issue 9 item 7; the store already redacts them).
set -u
mapscope=$1 data=$2
scn=$data/secrets/title-and-comments.scn
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
check(){ # name file
  if grep -q 'Zq2[0-9]-Secret' "$2"; then
    echo "not ok: $1 shows a secret:"; grep -o '.\{20\}Zq2[0-9]-Secret' "$2" | head -3
    fail=$((fail+1))
  else pass=$((pass+1)); fi
}
"$mapscope" explain "$scn" > "$tmp/text" 2>&1
check "explain (text)" "$tmp/text"
grep -q 'password=\*\*\*' "$tmp/text" || { echo "not ok: the redacted title is missing"; fail=$((fail+1)); }
"$mapscope" explain --full "$scn" > "$tmp/full" 2>&1
check "explain --full" "$tmp/full"
"$mapscope" explain --html "$tmp/page.html" "$scn" > "$tmp/out" 2>&1
check "explain --html (stdout)" "$tmp/out"
check "explain --html (page)" "$tmp/page.html"
mkdir -p "$tmp/svg"; "$mapscope" explain --svg "$tmp/svg" "$scn" > /dev/null 2>&1
cat "$tmp/svg"/*.svg > "$tmp/svgs" 2>/dev/null
check "explain --svg" "$tmp/svgs"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
