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
  "$work/lines.txt" | grep -v -i -E '^(password=|/pass:)""$' \
  | sort -u > "$work/contexts.txt" || true
# (An empty password, `password=""` of SEMANTICS C9, is no secret.)
# The bare secret of each context, quotes removed.
sed -E -e 's/^[Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]=//' -e 's/^\/[Pp][Aa][Ss][Ss]://' \
       -e 's/^\/[Uu][Ss][Ee][Rr]:[^[:space:]]+[[:space:]]+//' -e 's/^"(.*)"$/\1/' \
  "$work/contexts.txt" | grep -v '^\*\*\*$' | sort -u > "$work/passwords.txt" || true
npw=$(wc -l < "$work/passwords.txt")
[ "$npw" -gt 0 ] || fail "found no password in ${#files[@]} scenario files: nothing was checked"
echo "checking $npw distinct passwords ($(wc -l < "$work/contexts.txt") contexts) from ${#files[@]} files"

# A second connection holds the database open while the runs write, so the
# WAL file outlives them and its frames can be searched too.
holder=
start_holder(){
  python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1]); c.execute("SELECT count(*) FROM runs").fetchall()
time.sleep(120)' "$db" &
  holder=$!
  sleep 0.3
}
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; true' EXIT

if [ "$mode" = run ]; then
  "$bin" run --db "$db" "$scn" > "$work/out.txt" 2>&1 || true
  start_holder
  "$bin" run --db "$db" -v "$scn" >> "$work/out.txt" 2>&1 || true
  "$bin" run --db "$db" --format tap "$scn" >> "$work/out.txt" 2>&1 || true
  "$bin" run --db "$db" --format junit "$scn" >> "$work/out.txt" 2>&1 || true
  nrun=$(sqlite3 -batch -noheader "$db" "SELECT count(*) FROM runs WHERE n_steps > 0")
  [ "$nrun" = 4 ] || fail "expected 4 stored runs with steps, found $nrun (see $work/out.txt)"
  targets=("$work/out.txt")
else
  "$bin" fill "$db" 1 1 > /dev/null
  start_holder
  "$bin" feed "$db" "${files[@]}" > "$work/out.txt"
  targets=()
fi
[ -s "$db-wal" ] || fail "no WAL file to search: the holder did not keep it"
for f in "$db" "$db-wal" "$db-shm" "$db-journal"; do
  [ -e "$f" ] && targets+=("$f")
done
echo "searching: ${targets[*]}"

# leaks FILE...: print and count every context or long password found.
leaks(){
  local n=0 ctx pw t
  while IFS= read -r ctx; do
    case "$ctx" in *'***'*) continue ;; esac
    for t in "$@"; do
      if grep -a -q -i -F -- "$ctx" "$t"; then echo "LEAK: '$ctx' in $t" >&2; n=$((n+1)); fi
    done
  done < "$work/contexts.txt"
  while IFS= read -r pw; do
    [ "${#pw}" -ge 6 ] || continue
    for t in "$@"; do
      if grep -a -q -F -- "$pw" "$t"; then echo "LEAK: '$pw' in $t" >&2; n=$((n+1)); fi
    done
  done < "$work/passwords.txt"
  [ "$n" -eq 0 ]
}
# The search itself must work: the raw scenario text is full of them.
leaks "$work/lines.txt" 2> /dev/null && fail "the search finds no password in the scenarios themselves"
leaks "${targets[@]}" || fail "passwords reached the database or the output"
echo "ok: no password in ${targets[*]}"
