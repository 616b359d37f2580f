#!/usr/bin/env bash
# tests/results/no_secret_test.sh: no password of the bundled scenarios
# reaches the results database (main file, WAL, shm) or, for a real run,
# the outputs.
#
#   no_secret_test.sh run MAPSCOPE SCENARIO_DIR WORKDIR
#       `mapscope run --db` over every bundled scenario, in the text, TAP,
#       JUnit and verbose formats
#   no_secret_test.sh store STORE_TOOL SCENARIO_DIR WORKDIR
#       the store's own defence: every raw line of every scenario, secrets
#       included, is fed into every text field the store has
#
# Passwords are taken from the .scn files: password=, /pass:, and the word
# after /user:U. Each is looked for in context (password=PW, /pass:PW,
# /user:U PW); one of six characters or more is also looked for bare.
set -euo pipefail
mode=$1 bin=$2 scn=$3 work=$4
rm -rf "$work"; mkdir -p "$work"
db=$work/secrets.db
fail(){ echo "FAIL: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "$bin is not built"

mapfile -t files < <(find "$scn" -name '*.scn' -type f | sort)
[ "${#files[@]}" -gt 0 ] || fail "no .scn files under $scn"

# Statement lines only: comment lines dropped, trailing comments cut.
sed -e 's/^[[:space:]]*#.*$//' -e 's/[[:space:]]#[^"]*$//' "${files[@]}" > "$work/lines.txt"
grep -oP '(?i)password=("([^"\\]|\\.)*"|\S+)|/pass:\S+|/user:\S+\s+[^/\s]\S*' \
  "$work/lines.txt" | sort -u > "$work/contexts.txt" || true
# The bare secret of each context, quotes removed.
sed -E -e 's/^[Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]=//' -e 's/^\/[Pp][Aa][Ss][Ss]://' \
       -e 's/^\/[Uu][Ss][Ee][Rr]:[^[:space:]]+[[:space:]]+//' -e 's/^"(.*)"$/\1/' \
  "$work/contexts.txt" | grep -v '^\*\*\*$' | sort -u > "$work/passwords.txt" || true
npw=$(wc -l < "$work/passwords.txt")
[ "$npw" -gt 0 ] || fail "found no password in ${#files[@]} scenario files: nothing was checked"
echo "checking $npw distinct passwords ($(wc -l < "$work/contexts.txt") contexts) from ${#files[@]} files"

if [ "$mode" = run ]; then
  "$bin" run --db "$db" "$scn" > "$work/out.txt" 2>&1 || true
  "$bin" run --db "$db" -v "$scn" >> "$work/out.txt" 2>&1 || true
  "$bin" run --db "$db" --format tap "$scn" >> "$work/out.txt" 2>&1 || true
  "$bin" run --db "$db" --format junit "$scn" >> "$work/out.txt" 2>&1 || true
  nrun=$(sqlite3 -batch -noheader "$db" "SELECT count(*) FROM runs WHERE n_steps > 0")
  [ "$nrun" = 4 ] || fail "expected 4 stored runs with steps, found $nrun (see $work/out.txt)"
  targets=("$work/out.txt")
else
  "$bin" feed "$db" "${files[@]}" > "$work/out.txt"
  targets=()
fi
# The database as bytes, the WAL included. The store is reopened without
# being closed by a second process here, so copy the WAL while it exists:
# a fresh connection holding the database open keeps it.
for f in "$db" "$db-wal" "$db-shm" "$db-journal"; do
  [ -e "$f" ] && targets+=("$f")
done
echo "searching: ${targets[*]}"

found=0
while IFS= read -r ctx; do
  for t in "${targets[@]}"; do
    if grep -a -q -i -F -- "$ctx" "$t"; then
      case "$ctx" in *'***'*) continue ;; esac
      echo "LEAK: '$ctx' in $t" >&2; found=1
    fi
  done
done < "$work/contexts.txt"
while IFS= read -r pw; do
  [ "${#pw}" -ge 6 ] || continue
  for t in "${targets[@]}"; do
    if grep -a -q -F -- "$pw" "$t"; then echo "LEAK: '$pw' in $t" >&2; found=1; fi
  done
done < "$work/passwords.txt"
[ "$found" = 0 ] || fail "passwords reached the database or the output"
echo "ok: no password in ${targets[*]}"
