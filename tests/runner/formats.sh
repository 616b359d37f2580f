#!/usr/bin/env bash
# tests/runner/formats.sh MAPSCOPE DATA CONSUMER [NODE_DIR]: the machine
# formats, read by the tools CI systems use, from `run --format` and from
# `results export` (one writer each: the two must agree).
#
#   prove       Perl's TAP harness (Debian: perl): `prove -e cat FILE`
#   tap-parser  node's tap-parser, installed by the test set-up into
#               NODE_DIR (tests/runner/setup-tap-parser.sh); exit 77 (skip)
#               when it could not be installed (no npm, no network)
#   xmllint     libxml2-utils against junit-jenkins.xsd, the Jenkins xunit
#               plugin's JUnit structure
#
# Every consumer sees an all-green run (the bundled suite) and a run with
# every verdict (data/mixed): it must read both without a format error,
# and count what mapscope counts.
set -u
mapscope=$1
data=$2
consumer=$3
nodedir=${4:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
suite=$(cd "$here/../.." && pwd)/scenarios
. "$here/../lib/check.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The outputs: green and mixed, from the run and from the store.
"$mapscope" run --db r.db --format tap "$suite" >green.tap 2>/dev/null
"$mapscope" results --db r.db export --format tap last >green-export.tap
"$mapscope" run --db r.db --format tap "$data/mixed" >mixed.tap 2>/dev/null
"$mapscope" results --db r.db export --format tap last >mixed-export.tap
"$mapscope" run --db r.db --format junit "$suite" >green.xml 2>/dev/null
"$mapscope" results --db r.db export --format junit last >green-export.xml
"$mapscope" run --db r.db --format junit "$data/mixed" "$data/fail" >mixed.xml 2>/dev/null
"$mapscope" results --db r.db export --format junit last >mixed-export.xml
ngreen=$(grep -c '^ok ' green.tap)

case "$consumer" in
prove)
  command -v prove >/dev/null || { echo "not ok: prove is not installed (perl)"; exit 1; }
  for f in green.tap green-export.tap; do
    check "prove accepts $f (all green)" 0 prove -e cat "$f"
    expect_in out.txt "Result: PASS" "prove: $f passes"
    expect_in out.txt "Tests=$ngreen," "prove: $f counts every step"
  done
  for f in mixed.tap mixed-export.tap; do
    # Two real failures (fail, fixed); todo and skip are not failures.
    check "prove reads $f" 1 prove -e cat "$f"
    expect_in out.txt "Failed 2/7 subtests" "prove: $f has two failures"
    expect_in out.txt "Failed tests:  5, 7" "prove: $f: which ones"
    if grep -q "Parse errors" out.txt; then
      echo "not ok: prove: parse errors in $f"; sed 's/^/  | /' out.txt; nfail=$((nfail+1))
    else pass=$((pass+1)); fi
  done
  ;;
tap-parser)
  if [ -z "$nodedir" ] || [ ! -d "$nodedir/node_modules/tap-parser" ]; then
    echo "SKIP: tap-parser is not installed (see tests/runner/setup-tap-parser.sh)"
    exit 77
  fi
  cat >check.cjs <<'EOF'
const { Parser } = require('tap-parser');
const p = new Parser(r => {
  const bad = r.failures.filter(f => f.tapError).map(f => f.tapError);
  const failed = r.failures.filter(f => !f.tapError && !f.todo).length;
  console.log(`count=${r.count} plan=${r.plan.start}..${r.plan.end} ` +
              `failed=${failed} todo=${r.todo} skip=${r.skip} taperrors=${bad.length}`);
  for (const e of bad) console.log('taperror: ' + e);
});
process.stdin.pipe(p);
EOF
  for f in green.tap green-export.tap; do
    NODE_PATH="$nodedir/node_modules" node check.cjs <"$f" >out.txt 2>&1
    expect_in out.txt "count=$ngreen plan=1..$ngreen failed=0 todo=0 skip=0 taperrors=0" \
      "tap-parser: $f"
  done
  for f in mixed.tap mixed-export.tap; do
    NODE_PATH="$nodedir/node_modules" node check.cjs <"$f" >out.txt 2>&1
    expect_in out.txt "count=7 plan=1..7 failed=2 todo=1 skip=3 taperrors=0" "tap-parser: $f"
  done
  ;;
xmllint)
  command -v xmllint >/dev/null || { echo "not ok: xmllint is not installed (libxml2-utils)"; exit 1; }
  for f in green.xml green-export.xml mixed.xml mixed-export.xml; do
    check "junit-10 schema: $f" 0 xmllint --noout --schema "$here/junit-jenkins.xsd" "$f"
  done
  # File and line for CI annotations, the topic folder as the class.
  expect_in mixed.xml 'classname="mixed" file="'"$data"'/mixed/mixed.scn" line="37"' \
    "testcase file, line and topic"
  expect_in mixed.xml "<testsuite name=\"$data/mixed/mixed.scn\" file=\"$data/mixed/mixed.scn\" tests=\"7\" failures=\"2\" errors=\"0\" skipped=\"3\"" \
    "suite counts: the counting rule"
  # The run and the export say the same, apart from times and the run id.
  norm() { sed -e 's/ time="[^"]*"//g' -e 's/<testsuites name="[^"]*"/<testsuites/' \
               -e '/<\/\?propert/d' "$1"; }
  if diff <(norm mixed.xml) <(norm mixed-export.xml) >d.txt; then pass=$((pass+1)); else
    echo "not ok: run and export JUnit differ"; sed 's/^/  | /' d.txt; nfail=$((nfail+1)); fi
  ;;
*)
  echo "usage: formats.sh MAPSCOPE DATA prove|tap-parser|xmllint [NODE_DIR]" >&2
  exit 2
  ;;
esac
# TAP: the run and the export are the same text but for the export's
# first comment (the run id).
if diff <(grep -v '^# mapscope run ' mixed-export.tap) mixed.tap >d.txt; then pass=$((pass+1)); else
  echo "not ok: run and export TAP differ"; sed 's/^/  | /' d.txt; nfail=$((nfail+1)); fi

echo "$pass passed, $nfail failed"
[ "$nfail" -eq 0 ]
