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
expect_in err.txt "--format takes text, tap or junit, not 'xml' (try 'mapscope run --help')" "format message"
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
# The logon has no expected block: it ran, was not checked, and counts
# as skipped (unchecked), not passed (the counting rule, docs/scenarios.md).
expect_in out.txt "3 passed, 0 failed, 1 skipped (1 unchecked: no expected block)" "closing line"
expect_in out.txt "results: stored in p.db as run " "store location"
expect_in out.txt "sim: 1 step had nothing to compare with (no expected block)" "unchecked steps are counted"
[ -s p.db ] && pass=$((pass + 1)) || { echo "not ok: p.db not written"; nfail=$((nfail+1)); }
# The per-scenario and per-backend lines and -v follow the same rule: the
# unchecked step is shown as unchecked, never counted or labelled as a pass.
expect_in out.txt "split.scn  (3 pass, 1 unchecked)" "scenario line counts unchecked apart"
expect_in out.txt "1 scenario, sim: 3 pass, 1 unchecked" "backend line counts unchecked apart"
check "passing scenario, -v" 0 "$mapscope" run --no-db -v "$data/pass"
expect_in out.txt "split.scn:7: unchecked: logon A alice interactive" "-v labels an unchecked step unchecked"
if grep -q "split.scn:7: pass:" out.txt; then
  echo "not ok: -v labels an unchecked step pass"; nfail=$((nfail+1))
else pass=$((pass+1)); fi

# A failing expectation: exit 1, FILE:LINE, expected and actual.
check "failing scenario" 1 "$mapscope" run --no-db "$data/fail/wrong.scn"
expect_in out.txt "$data/fail/wrong.scn:14: fail: as A.elevated drives" "failure location"
expect_in out.txt "    expected:" "expected shown"
expect_in out.txt "      (none)" "actual shown"
expect_in out.txt "1 passed, 1 failed, 1 skipped (1 unchecked: no expected block)" "closing line on failure"

# TAP and JUnit keep stdout for the report; the closing line goes to stderr.
check "tap format" 1 "$mapscope" run --no-db --format tap "$data/pass" "$data/fail"
head -1 out.txt | grep -qx "TAP version 13" && pass=$((pass+1)) || { echo "not ok: TAP header"; nfail=$((nfail+1)); }
tail -1 out.txt | grep -qx "1..7" && pass=$((pass+1)) || { echo "not ok: TAP plan at the end"; nfail=$((nfail+1)); }
expect_in err.txt "4 passed, 1 failed, 2 skipped (2 unchecked: no expected block)" "TAP closing line on stderr"
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
expect_in out.txt "3 passed, 0 failed" "a directory loop runs each file once"
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

# One option parser (getopt_long) for every subcommand: --help, help CMD,
# --opt=value, options after the operands, -V, one-line usage errors.
for cmd in run diff explain bench explore check results report tools; do
  check "$cmd --help" 0 "$mapscope" $cmd --help
  expect_in out.txt "usage: mapscope $cmd" "$cmd --help prints its usage"
  check "help $cmd" 0 "$mapscope" help $cmd
  expect_in out.txt "usage: mapscope $cmd" "help $cmd prints its usage"
done
check "help of no command" 2 "$mapscope" help frobnicate
# `help --help` and `help -h` are the overview, like `help` alone.
for opt in --help -h help; do
  check "help $opt" 0 "$mapscope" help $opt
  expect_in out.txt "usage: mapscope COMMAND" "help $opt prints the overview"
done
check "-V" 0 "$mapscope" -V
expect_in out.txt "mapscope " "-V prints the version"
check "--version" 0 "$mapscope" --version
check "--format=tap" 0 "$mapscope" run --no-db --format=tap "$data/pass"
expect_in out.txt "TAP version 13" "--format=tap is taken"
check "options after the paths" 0 "$mapscope" run "$data/pass" --format tap --no-db
expect_in out.txt "TAP version 13" "--format after a path is an option, not a path"
check "unknown option" 2 "$mapscope" run --frob "$data/pass"
[ "$(wc -l <err.txt)" -eq 1 ] && pass=$((pass+1)) || { echo "not ok: a usage error is one line"; nfail=$((nfail+1)); }
expect_in err.txt "mapscope run: unknown option '--frob' (try 'mapscope run --help')" "usage error with a hint"
check "missing value" 2 "$mapscope" run --no-db "$data/pass" --db
expect_in err.txt "mapscope run: option '--db' needs a value (try 'mapscope run --help')" "missing value message"
check "value to a flag" 2 "$mapscope" run --no-db=yes "$data/pass"
expect_in err.txt "option '--no-db' takes no value" "flag with a value"
check "bench usage error" 2 "$mapscope" bench --ops=many
expect_in err.txt "mapscope bench: --ops takes a number from 1 to" "bench value message"
check "explore usage error" 2 "$mapscope" explore --bogus
expect_in err.txt "(try 'mapscope explore --help')" "explore hint"
check "-j out of range" 2 "$mapscope" run --no-db -j 0 "$data/pass"
check "--dry-run alone" 2 "$mapscope" run --no-db --dry-run "$data/pass"
check "--override on diff" 2 "$mapscope" diff --against wine --override "$data/pass"

# Selection: --filter on path or title, --tag (repeatable, !T), --list.
check "--list" 0 "$mapscope" run --list "$data/pass" "$data/fail" "$data/mixed"
[ "$(wc -l <out.txt)" -eq 3 ] && pass=$((pass+1)) || { echo "not ok: --list lists 3"; nfail=$((nfail+1)); }
expect_in out.txt "$data/pass/split.scn: The elevated half does not see the limited half's drive" "--list: path and title"
check "--filter on the path" 0 "$mapscope" run --list --filter 'wrong' "$data/pass" "$data/fail" "$data/mixed"
[ "$(cat out.txt)" = "$data/fail/wrong.scn: A deliberately wrong expectation" ] && pass=$((pass+1)) || { echo "not ok: --filter path"; cat out.txt; nfail=$((nfail+1)); }
check "--filter glob on the title" 0 "$mapscope" run --list --filter='*elevated half*' "$data/pass" "$data/fail" "$data/mixed"
[ "$(wc -l <out.txt)" -eq 1 ] && pass=$((pass+1)) || { echo "not ok: --filter title"; cat out.txt; nfail=$((nfail+1)); }
check "--tag" 0 "$mapscope" run --list --tag demo "$data/pass" "$data/mixed"
[ "$(cat out.txt | cut -d: -f1)" = "$data/mixed/mixed.scn" ] && pass=$((pass+1)) || { echo "not ok: --tag"; cat out.txt; nfail=$((nfail+1)); }
check "--tag !T" 0 "$mapscope" run --list --tag '!demo' "$data/pass" "$data/mixed"
[ "$(cat out.txt | cut -d: -f1)" = "$data/pass/split.scn" ] && pass=$((pass+1)) || { echo "not ok: --tag !T"; cat out.txt; nfail=$((nfail+1)); }
check "nothing selected" 2 "$mapscope" run --no-db --tag nosuchtag "$data/pass"
expect_in err.txt "no scenario matches" "empty selection message"

# -x stops after the first failing scenario; -j N reports and stores what a
# serial run does (times apart), in input order.
check "-x" 1 "$mapscope" run --no-db -x "$data/fail" "$data/pass"
expect_in out.txt "stopped after the first failure (-x): 1 scenario not run" "-x says so"
if grep -q "split.scn" out.txt; then echo "not ok: -x ran the next scenario"; nfail=$((nfail+1)); else pass=$((pass+1)); fi
check "-x tap" 1 "$mapscope" run --no-db -x --format tap "$data/fail" "$data/pass"
tail -1 out.txt | grep -qx "1..3" && pass=$((pass+1)) || { echo "not ok: -x TAP plan"; nfail=$((nfail+1)); }
suite=$(cd "$data/../../.." && pwd)/scenarios
"$mapscope" run --db serial.db "$suite" "$data/mixed" "$data/fail" >serial.txt 2>&1
"$mapscope" run --db parallel.db -j 3 "$suite" "$data/mixed" "$data/fail" >parallel.txt 2>&1
if diff <(grep -v '^results: stored' serial.txt) <(grep -v '^results: stored' parallel.txt) >d.txt; then
  pass=$((pass+1)); else echo "not ok: -j 3 text report differs"; sed 's/^/  | /' d.txt; nfail=$((nfail+1)); fi
"$mapscope" results --db serial.db export --format tap last | grep -v '^# mapscope run' >serial.tap
"$mapscope" results --db parallel.db export --format tap last | grep -v '^# mapscope run' >parallel.tap
if cmp -s serial.tap parallel.tap && [ -s serial.tap ]; then pass=$((pass+1)); else
  echo "not ok: -j 3 stored run differs from the serial one"; diff serial.tap parallel.tap | head; nfail=$((nfail+1)); fi

# Colour: never into a pipe or a file, unless asked; NO_COLOR wins over auto.
check "no colour into a file" 1 "$mapscope" run --no-db "$data/fail"
if grep -q $'\033' out.txt; then echo "not ok: colour into a file"; nfail=$((nfail+1)); else pass=$((pass+1)); fi
check "--color=always" 1 "$mapscope" run --no-db --color=always "$data/fail"
grep -q $'\033\[1;31mFAIL' out.txt && pass=$((pass+1)) || { echo "not ok: --color=always"; nfail=$((nfail+1)); }
check "--color=bogus" 2 "$mapscope" run --no-db --color=bogus "$data/fail"
if command -v script >/dev/null; then
  script -qec "$mapscope run --no-db $data/fail" /dev/null >tty.txt 2>&1
  grep -q $'\033\[1;31mFAIL' tty.txt && pass=$((pass+1)) || { echo "not ok: colour on a terminal"; nfail=$((nfail+1)); }
  NO_COLOR=1 script -qec "$mapscope run --no-db $data/fail" /dev/null >tty.txt 2>&1
  if grep -q $'\033\[1;31m' tty.txt; then echo "not ok: NO_COLOR ignored"; nfail=$((nfail+1)); else pass=$((pass+1)); fi
  script -qec "$mapscope run --no-db --color=never $data/fail" /dev/null >tty.txt 2>&1
  if grep -q $'\033\[1;31m' tty.txt; then echo "not ok: --color=never ignored"; nfail=$((nfail+1)); else pass=$((pass+1)); fi
  # A path with control characters in it is shown, not obeyed, on a
  # terminal (runner/util/termsafe), colours or not; --list too.
  mkdir -p esc && cp "$data/fail/wrong.scn" "esc/x"$'\033'"]0;owned"$'\007'".scn"
  for c in always never; do
    script -qec "$mapscope run --no-db --color=$c esc" /dev/null >tty.txt 2>&1
    if grep -q $'\033\\]0;owned' tty.txt; then echo "not ok: a control character in a path reached the terminal ($c)"; nfail=$((nfail+1)); else pass=$((pass+1)); fi
    grep -qF 'x\x1b]0;owned\x07.scn' tty.txt && pass=$((pass+1)) || { echo "not ok: the escaped path is not shown ($c)"; cat -v tty.txt | head -3; nfail=$((nfail+1)); }
  done
  script -qec "$mapscope run --list esc" /dev/null >tty.txt 2>&1
  grep -qF 'x\x1b]0;owned\x07.scn' tty.txt && pass=$((pass+1)) || { echo "not ok: --list path not escaped"; cat -v tty.txt | head -3; nfail=$((nfail+1)); }
fi

# explore --seconds stops on the model too (it used to run its whole step
# count, 1,000,000 by default: several seconds, more under ASan).
t0=$(date +%s%N)
check "explore --seconds 1" 0 "$mapscope" explore --seconds 1 --seed 1 --no-db --out ex.scn
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -lt 3000 ] && pass=$((pass+1)) || { echo "not ok: explore --seconds 1 took $ms ms"; nfail=$((nfail+1)); }

echo "$pass passed, $nfail failed"
[ "$nfail" -eq 0 ]
