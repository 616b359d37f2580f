#!/usr/bin/env bash
# tests/runner/cli.sh MAPSCOPE DATA: the command line's contract.
# Exit statuses (0 ok, 1 failed step, 2 usage/input), FILE:LINE errors that
# run nothing, the closing line, the report formats and --db.
set -u
mapscope=$1
data=$2
. "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

check "no arguments is a usage error" 2 "$mapscope"
check "unknown command" 2 "$mapscope" frobnicate
expect_in err.txt "unknown command 'frobnicate'" "unknown command message"
check "bad --format" 2 "$mapscope" run --format xml "$data/pass"
expect_in err.txt "--format takes text, tap or junit" "format message"
check "diff needs --against" 2 "$mapscope" diff "$data/pass"
check "missing path" 2 "$mapscope" run --no-db "$work/nothing-here"
check "--db and --no-db" 2 "$mapscope" run --db x.db --no-db "$data/pass"

# A malformed file: FILE:LINE: message, exit 2, nothing run, nothing stored.
check "malformed scenario" 2 "$mapscope" run --db m.db "$data/malformed/bad.scn" "$data/pass"
expect_in err.txt "$data/malformed/bad.scn:6:" "parse error names file and line"
if [ -s out.txt ]; then echo "not ok: a malformed file still ran something"; nfail=$((nfail+1)); fi
if [ -e m.db ]; then echo "not ok: a malformed file still created the database"; nfail=$((nfail+1)); fi

# A passing scenario: exit 0, the closing line, the store.
check "passing scenario" 0 "$mapscope" run --db p.db "$data/pass"
expect_in out.txt "4 passed, 0 failed, 0 skipped" "closing line"
expect_in out.txt "results: stored in p.db as run " "store location"
expect_in out.txt "sim: 1 of the passes had nothing to compare with" "unchecked steps are counted"
[ -s p.db ] && pass=$((pass + 1)) || { echo "not ok: p.db not written"; nfail=$((nfail+1)); }

# A failing expectation: exit 1, FILE:LINE, expected and actual.
check "failing scenario" 1 "$mapscope" run --no-db "$data/fail/wrong.scn"
expect_in out.txt "$data/fail/wrong.scn:14: fail: as A.elevated drives" "failure location"
expect_in out.txt "    expected:" "expected shown"
expect_in out.txt "      (none)" "actual shown"
expect_in out.txt "2 passed, 1 failed, 0 skipped" "closing line on failure"

# TAP and JUnit keep stdout for the report; the closing line goes to stderr.
check "tap format" 1 "$mapscope" run --no-db --format tap "$data/pass" "$data/fail"
head -1 out.txt | grep -qx "TAP version 14" && pass=$((pass+1)) || { echo "not ok: TAP header"; nfail=$((nfail+1)); }
expect_in out.txt "1..2" "TAP plan"
expect_in err.txt "6 passed, 1 failed, 0 skipped" "TAP closing line on stderr"
check "junit format" 1 "$mapscope" run --no-db --format junit "$data/fail"
expect_in out.txt '<testsuites name="mapscope" tests="3" failures="1"' "JUnit totals"

# explain reads well enough to show a learner the output and the state.
check "explain" 0 "$mapscope" explain "$data/pass/split.scn"
expect_in out.txt "Step 3 (line 13): as A drives" "explain step heading"
expect_in out.txt "as the scenario expects" "explain agreement"
check "explain a failing scenario" 1 "$mapscope" explain "$data/fail/wrong.scn"
expect_in out.txt "BUT the scenario expects:" "explain disagreement"

# Paths: a loop of symlinks is entered once, a file named twice runs once,
# special files and dangling links are errors before anything runs.
mkdir -p loop && ln -s ../loop loop/self && cp "$data/pass/split.scn" loop/
check "symlink loop" 0 "$mapscope" run --no-db loop
expect_in out.txt "4 passed, 0 failed" "a directory loop runs each file once"
check "same file twice" 0 "$mapscope" run --no-db loop/split.scn loop/self/split.scn
expect_in out.txt "1 scenario," "a file named twice runs once"
check "device file" 2 "$mapscope" run --no-db /dev/null
expect_in err.txt "/dev/null: not a regular file" "device file message"
mkfifo pipe.scn
check "fifo" 2 timeout 10 "$mapscope" run --no-db pipe.scn
expect_in err.txt "pipe.scn: not a regular file" "fifo message"
ln -s "$work/nowhere" loop/dangling.scn
check "dangling link in a directory" 2 "$mapscope" run --no-db loop
expect_in err.txt "loop/dangling.scn: No such file or directory" "dangling link message"
rm loop/dangling.scn
check "label with a newline" 2 "$mapscope" run --no-db --label "$(printf 'a\nb')" loop

echo "$pass passed, $nfail failed"
[ "$nfail" -eq 0 ]
