#!/usr/bin/env bash
# tests/results/readonly_test.sh: results databases in read-only places
# (issue 9 item 10). A WAL database in a folder nobody may write, and a
# read-only file in a writable folder, can be listed, shown, compared,
# exported and merged from, and get no -wal or -shm file beside them; with
# the mapscope command, `run` refuses a database it cannot write at once
# (exit 2, one line, no scenario run) instead of running everything first.
#
#   readonly_test.sh RESULTS_CMD STORE_TOOL WORKDIR [MAPSCOPE SCENARIO]
# RESULTS_CMD runs `mapscope results` (results_cli, or "mapscope results").
# Permissions do not bind root: run as root, the commands under test run
# as nobody (setpriv); the script exits 77 (skipped) if that cannot be done.
set -euo pipefail
read -r -a cli <<< "$1"
tool=$2 work=$3 mapscope=${4:-} scenario=${5:-}
rm -rf "$work"; mkdir -p "$work"; cd "$work"
fail(){ echo "FAIL: $*" >&2; exit 1; }
as_user=()
if [ "$(id -u)" = 0 ]; then
  command -v setpriv > /dev/null || { echo "skip: root without setpriv"; exit 77; }
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  "${as_user[@]}" test -r "$work" -a -x "$work" \
    || { echo "skip: nobody cannot reach $work"; exit 77; }
fi
# user CMD...: CMD as the unprivileged user
user(){ "${as_user[@]}" "$@"; }

"$tool" fill src.db 3 4 > id.txt
[ "$(sqlite3 src.db 'PRAGMA journal_mode')" = wal ] || fail "store_tool made no WAL file"
[ ! -e src.db-wal ] || fail "src.db-wal left by store_tool"
mkdir rodir rofile out
cp src.db rodir/r.db; chmod 444 rodir/r.db; chmod 555 rodir
cp src.db rofile/r.db; chmod 444 rofile/r.db; chmod 777 rofile out
sum0=$(md5sum < src.db)
user test -w rodir/r.db && { echo "skip: permissions do not bind this user"; exit 77; }

for place in rodir rofile; do
  db=$place/r.db
  for action in "list" "show last --all" "compare last last" \
                "export --format tap last" "export --format junit last"; do
    rc=0; user "${cli[@]}" --db "$db" $action > out.txt 2> err.txt || rc=$?
    [ "$rc" = 0 ] || fail "$action on $db: exit $rc: $(cat err.txt)"
  done
  user "${cli[@]}" --db "$db" show last | grep -q "^run  *$(cat id.txt)" || fail "show $db"
  rc=0; user "${cli[@]}" merge "out/m-$place.db" "$db" > out.txt 2> err.txt || rc=$?
  [ "$rc" = 0 ] || fail "merge from $db: exit $rc: $(cat err.txt)"
  grep -q '1 runs added' out.txt || fail "merge from $db: $(cat out.txt)"
  [ "$(sqlite3 "out/m-$place.db" 'SELECT count(*) FROM steps')" = 12 ] || fail "merged steps"
  [ "$(ls "$place")" = r.db ] || fail "files left beside $db: $(ls "$place" | tr '\n' ' ')"
  [ "$(md5sum < "$db")" = "$sum0" ] || fail "$db changed"
  echo "read-only place ok: $place"
done

if [ -n "$mapscope" ]; then
  for db in rodir/r.db rofile/r.db rodir/new.db; do
    rc=0; user "$mapscope" run --db "$db" "$scenario" > out.txt 2> err.txt || rc=$?
    [ "$rc" = 2 ] || fail "run --db $db: exit $rc, want 2 (stderr: $(cat err.txt))"
    [ "$(wc -l < err.txt)" = 1 ] && grep -q 'cannot store a run there' err.txt \
      || fail "run --db $db: $(cat err.txt)"
    [ ! -s out.txt ] || fail "run --db $db ran scenarios first: $(head -3 out.txt)"
    echo "run refused ok: $(cat err.txt)"
  done
  [ ! -e rodir/new.db ] || fail "run created rodir/new.db"
  [ "$(ls rodir)" = r.db ] && [ "$(ls rofile)" = r.db ] || fail "run left files"
fi
echo "ok: read-only places"
