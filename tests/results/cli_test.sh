#!/usr/bin/env bash
# tests/results/cli_test.sh: `mapscope results` end to end over databases
# written by store_tool: list, show, compare (regression first, exit 1),
# merge (both runs, idempotent, refusals), export (JUnit parses, TAP
# counts), evidence (observations apart from acknowledgements, steps after
# a divergence, host events), control characters escaped on a terminal
# only, and bad input (exit 2, one line, database untouched).
#
#   cli_test.sh RESULTS_CMD STORE_TOOL WORKDIR
# RESULTS_CMD runs `mapscope results` (results_cli, or "mapscope results").
set -euo pipefail
read -r -a cli <<< "$1"
tool=$2 work=$3
rm -rf "$work"; mkdir -p "$work"; cd "$work"
fail(){ echo "FAIL: $*" >&2; exit 1; }
sum(){ md5sum "$@" | awk '{print $1}' | tr '\n' ' '; }
# expect_bad DESCRIPTION ARGS...: exit 2, exactly one line on stderr
expect_bad(){
  local what=$1; shift
  local rc=0
  "${cli[@]}" "$@" > out.txt 2> err.txt || rc=$?
  [ "$rc" = 2 ] || fail "$what: exit $rc, want 2"
  [ "$(wc -l < err.txt)" = 1 ] || fail "$what: stderr is not one line: $(cat err.txt)"
  echo "bad input ok ($what): $(cat err.txt)"
}

"$tool" demo demo.db > ids.txt
"$tool" fill a.db 3 4 > a.txt
"$tool" fill b.db 2 5 fail > b.txt

# list: both runs, newest first, aligned header
"${cli[@]}" --db demo.db list > list.txt
head -1 list.txt | grep -q '^REF  *RUN  *STARTED' || fail "list header: $(head -1 list.txt)"
[ "$(grep -c '^last' list.txt)" = 2 ] || fail "list should show two runs"
sed -n 2p list.txt | grep -q "^last  *$(sed -n 2p ids.txt | cut -c1-12)" || fail "newest run not first"
# columns line up: the RUN column starts at the same offset on every line
[ "$(awk '{print index($0, $2)}' list.txt | sort -u | wc -l)" = 1 ] || fail "list columns not aligned"

# show: by prefix, by last~1
"${cli[@]}" --db demo.db show "$(head -1 ids.txt | cut -c1-8)" > show.txt
grep -q "^run  *$(head -1 ids.txt)" show.txt || fail "show by prefix"
grep -q 'no failures' show.txt || fail "the first demo run has no failure"
"${cli[@]}" show last --db demo.db > show2.txt
grep -q 'scopes.scn:8  \[wine\] fail' show2.txt || fail "show last lists the failure"

# compare: the regression comes first and makes the exit status 1
rc=0; "${cli[@]}" --db demo.db compare last~1 last > cmp.txt || rc=$?
[ "$rc" = 1 ] || fail "compare with a regression exits $rc, want 1"
sed -n 3p cmp.txt | grep -q '^regression  *scenarios/demo/scopes.scn:8  *wine  *pass -> fail' \
  || fail "first change is not the regression: $(cat cmp.txt)"
rc=0; "${cli[@]}" --db demo.db compare last last > cmp2.txt || rc=$?
[ "$rc" = 0 ] && grep -q 'no step changed' cmp2.txt || fail "a run compared with itself"
rc=0; "${cli[@]}" --db demo.db compare last last~1 > cmp3.txt || rc=$?
[ "$rc" = 0 ] && grep -q '^fix ' cmp3.txt || fail "reverse compare shows a fix"

# merge: two databases from separate runs give one with both runs
"${cli[@]}" merge out.db a.db b.db > merge1.txt
grep -q '2 runs added' merge1.txt || fail "merge: $(cat merge1.txt)"
[ "$(sqlite3 out.db 'SELECT count(*) FROM runs')" = 2 ] || fail "merged runs"
[ "$(sqlite3 out.db 'SELECT count(*) FROM steps')" = 22 ] || fail "merged steps"
before=$(sqlite3 out.db 'SELECT count(*) FROM step_results')
"${cli[@]}" merge out.db b.db a.db > merge2.txt
grep -q '0 runs added, 0 replaced, 2 already present' merge2.txt || fail "merge twice: $(cat merge2.txt)"
[ "$(sqlite3 out.db 'SELECT count(*) FROM step_results')" = "$before" ] || fail "merge twice changed rows"
"${cli[@]}" --db out.db show "$(cat a.txt)" > /dev/null || fail "merged run shows by full id"
"${cli[@]}" --db out.db list | grep -q 'complete' || fail "merged list"

# export
"${cli[@]}" --db demo.db export --format junit last > junit.xml
python3 -c 'import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]);
assert len(d.getElementsByTagName("testcase")) == 36
assert len(d.getElementsByTagName("failure")) == 1' junit.xml || fail "junit export"
"${cli[@]}" --db demo.db export --format=tap last > tap.txt
grep -q '^1\.\.36$' tap.txt || fail "tap plan"
[ "$(grep -c '^ok \|^not ok ' tap.txt)" = 36 ] || fail "tap lines"
[ "$(grep -c '^not ok .*# TODO' tap.txt)" = 5 ] || fail "tap todo lines"

# bad input: exit 2, one line, nothing written
printf 'my notes\n' > notes.txt
sqlite3 other.db 'CREATE TABLE t(x); INSERT INTO t VALUES(1)'
s0=$(sum demo.db out.db notes.txt other.db)
expect_bad "no action"
expect_bad "unknown action" --db demo.db frobnicate
expect_bad "show without run" --db demo.db show
expect_bad "unknown run" --db demo.db show ffffffffffff
expect_bad "not a run" --db demo.db show 'last;drop'
expect_bad "too far back" --db demo.db show last~9
expect_bad "compare one run" --db demo.db compare last
expect_bad "export without format" --db demo.db export last
expect_bad "export bad format" --db demo.db export --format xml last
expect_bad "unknown option" --db demo.db list --colour
expect_bad "missing database" --db missing.db list
[ ! -e missing.db ] || fail "reading a missing database created it"
expect_bad "foreign text file" --db notes.txt list
expect_bad "foreign sqlite file" --db other.db list
expect_bad "merge a foreign input" merge out.db a.db other.db
expect_bad "merge a text input" merge out.db notes.txt
expect_bad "merge into a foreign output" merge other.db a.db
expect_bad "merge with no input" merge out.db
expect_bad "merge a missing input" merge new.db nothere.db
[ ! -e new.db ] || fail "a refused merge created its output"
[ "$(sum demo.db out.db notes.txt other.db)" = "$s0" ] || fail "bad input modified a file"

# Evidence (issue 8, store side): show and list keep observations apart
# from acknowledgements and count the steps after a divergence.
"${cli[@]}" --db demo.db show last > ev.txt
grep -q '^evidence   9 observations, 9 acknowledgements$' ev.txt || fail "evidence line: $(cat ev.txt)"
grep -q '^compared   1 agree on observations (the evidence), 1 on acknowledgements; 6 after-divergence, 6 diverge, 4 unsupported, 0 skip, 0 error$' ev.txt \
  || fail "compared line: $(grep compared ev.txt)"
grep -q '^  scenarios/demo/restore.scn:20  \[wine\] pass, after-divergence (follows the divergence at line 14)$' ev.txt \
  || fail "after-divergence step not listed"
grep -q '^  \[wine\] agent recovered 2 journal entries$' ev.txt || fail "host event not shown"
grep -q '^SCENARIO  *STEPS  *PASS  *FAIL  *TODO  *SKIP  *AGREE  *ACK  *AFTER  *DIVERGE  *HASH$' ev.txt \
  || fail "scenario table header: $(grep SCENARIO ev.txt)"
"${cli[@]}" --db demo.db list > evl.txt
head -1 evl.txt | grep -q ' AGREE  ACK  AFTER ' || fail "list header: $(head -1 evl.txt)"
sed -n 2p evl.txt | grep -q ' 1  *1  *6  *vm  *nightly$' || fail "list counts: $(sed -n 2p evl.txt)"
"${cli[@]}" --db a.db list | sed -n 2p | grep -q ' -  *-  *-  ' || fail "single-backend run counts"

# Terminal escapes (issue 9 item 6): a scenario file name and stored texts
# holding ESC reach a terminal as \x1b; a pipe and the exports get the bytes.
esc=$'\033'
evil="evil${esc}[2J${esc}]8;;e.example${esc}\\.scn"
printf 'as A drives %s[31mred\nas A drives %s]0;title\a\n' "$esc" "$esc" > "$evil"
"$tool" feed esc.db "$evil" > /dev/null
"${cli[@]}" --db esc.db show last --all > raw.txt
grep -q "$esc" raw.txt || fail "piped show should keep the stored bytes"
if command -v script > /dev/null; then
  on_tty(){ script -q -e -c "$(printf '%q ' "${cli[@]}" "$@")" /dev/null; }
  for action in "list" "show last --all" "compare last~1 last --verbose" "compare last~1 last"; do
    rc=0; on_tty --db esc.db $action > tty.txt || rc=$?
    [ "$rc" -le 1 ] || fail "$action on a terminal: exit $rc"
    grep -q "$esc" tty.txt && fail "$action printed a raw ESC to a terminal: $(grep -a "$esc" tty.txt | head -2 | od -c | head -3)"
    grep -q '\\x1b' tty.txt || fail "$action shows no escaped ESC: $(head -5 tty.txt)"
  done
  on_tty --db esc.db show last > tty.txt
  grep -q 'evil\\x1b\[2J\\x1b\]8;;e.example\\x1b\\\.scn' tty.txt || fail "escaped file name: $(grep evil tty.txt | head -1)"
  grep -q 'as A drives \\x1b\]0;title\\x07' tty.txt || fail "escaped step: $(grep drives tty.txt | head -1)"
  on_tty --db esc.db export --format tap last > tty.txt
  grep -q "$esc" tty.txt || fail "TAP on a terminal must be unchanged"
  echo "terminal ok"
else
  echo "no script(1): terminal escapes checked by test_termsafe only"
fi
echo "ok: results list/show/compare/merge/export"
