#!/usr/bin/env bash
# tests/visual/report_browser_test.sh MAPSCOPE SOURCE_DIR GEN_RESULTS
#
# `mapscope report` opened in headless Chromium.
#  1. The demo database of tests/results (two sim,wine runs, the second
#     with one regression): no console message or script error, the
#     regression is listed first and its row is first in the matrix, every
#     cell says its verdict in words (aria-label) and symbols, a click opens
#     the steps with expected and actual output, the verdict filter leaves
#     the one failing row (page-side hook: dispatched events), and without
#     JavaScript the step tables are all in the page.
#  2. A large database, $MAPSCOPE_REPORT_RUNS runs (default 1000) x 100
#     scenarios (x $MAPSCOPE_REPORT_STEPS steps, default 2) on sim and wine:
#     the page opens with no error and stays under 8 MB. The time to write
#     it and the time the page takes to be ready are printed as figures,
#     not checked (speed claims come from benchmarks, not timed tests).
set -u
MAPSCOPE=$1
SRC=$2
GEN=$3
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$SRC/tests/visual/chromium.sh"
chromium_find
fail=0
check(){ if eval "$2"; then echo "ok - $1"; else echo "FAIL - $1"; fail=1; fi; }
STORE_TOOL=$(dirname "$GEN")/../results/store_tool

# 1. the demo database
"$STORE_TOOL" demo "$WORK/demo.db" >/dev/null || { echo "FAIL: store_tool demo"; exit 1; }
"$MAPSCOPE" report "$WORK/demo.db" -o "$WORK/demo.html" || { echo "FAIL: report exited $?"; exit 1; }
check "usage error without -o" "! '$MAPSCOPE' report '$WORK/demo.db' 2>/dev/null"
check "a missing database is one line and exit 1" \
  "[ \"\$('$MAPSCOPE' report '$WORK/none.db' -o '$WORK/x.html' 2>&1 | wc -l)\" = 1 ] && [ ! -e '$WORK/x.html' ]"
check "no external address in the page" \
  "! grep -Eq '(src|href)=\"(https?:)?//' '$WORK/demo.html'"
"$GEN" "$WORK/empty.db" 0 0 0
check "a database without runs gives a page" "'$MAPSCOPE' report '$WORK/empty.db' -o '$WORK/empty.html' && grep -q 'none: every scenario' '$WORK/empty.html'"
chromium_run --dump-dom "file://$WORK/demo.html#selftest" >"$WORK/demo-dom.html"
check "page reports ready" "grep -q 'data-ready=\"1\"' '$WORK/demo-dom.html'"
check "no script error" "! grep -q 'data-errors=' '$WORK/demo-dom.html'"
check "no console message" "[ -z \"\$(console_messages)\" ]"
check "a click opened one step table" "grep -q 'data-selftest=\"1\"' '$WORK/demo-dom.html'"
check "the verdict filter leaves the failing row" "grep -q 'data-selftest-fail-rows=\"1\"' '$WORK/demo-dom.html'"
first=$(grep -o '<tr id="row[0-9]*"[^>]*><th class="p"[^>]*>[^<]*<span class="reg">regression' "$WORK/demo-dom.html" | head -1)
firstRow=$(grep -o '<tr id="row[0-9]*"' "$WORK/demo-dom.html" | head -1)
check "the regression's row is first" "[ -n '$first' ] && echo '$first' | grep -q '^$firstRow'"
check "the regression is listed, with its backend and what it was" \
  "grep -q 'class=\"reg\">regression</span> (wine: fail, was [a-z]*): <a' '$WORK/demo-dom.html'"
check "the newest run's known divergences are listed" \
  "sed -n '/id=\"todo\"/,/<\/ul>/p' '$WORK/demo-dom.html' | grep -q '<span class=\"v4\">T todo</span>'"
nCells=$(grep -o '<td class="c v[1-8]"' "$WORK/demo-dom.html" | wc -l)
nLabelled=$(grep -o '<td class="c v[1-8]"[^>]*title="[a-z-]*"><[a-z]* [^>]*aria-label="[a-z-]*">[^<]' "$WORK/demo-dom.html" | wc -l)
check "every cell ($nCells) says its verdict in words and a symbol" "[ $nCells -gt 0 ] && [ $nCells = $nLabelled ]"
check "expected and actual side by side" "grep -q '<th>expected</th><th>sim output</th><th>wine output</th>' '$WORK/demo-dom.html'"
sed -e '/^<script>.*<\/script>$/d' -e '/^<script>$/,/^<\/script>$/d' "$WORK/demo.html" >"$WORK/nojs.html"
chromium_run --dump-dom "file://$WORK/nojs.html" >"$WORK/nojs-dom.html"
nDetail=$(grep -c '<section class="detail"' "$WORK/nojs-dom.html")
check "without JS: the step tables are there ($nDetail)" "[ $nDetail -gt 0 ] && ! grep -q 'class=\"js\"' '$WORK/nojs-dom.html'"
chromium_run --window-size=1300,900 --screenshot="$WORK/demo.png" "file://$WORK/demo.html" >/dev/null
printf '<!DOCTYPE html><html><body></body></html>' >"$WORK/blank.html"
chromium_run --window-size=1300,900 --screenshot="$WORK/blank.png" "file://$WORK/blank.html" >/dev/null
check "screenshot is a 1300x900 PNG" "png_check '$WORK/demo.png' 1300 900"
check "screenshot is not blank" "[ \$(stat -c %s '$WORK/demo.png') -gt \$((\$(stat -c %s '$WORK/blank.png')*5)) ]"

# 2. a large database
runs=${MAPSCOPE_REPORT_RUNS:-1000}
steps=${MAPSCOPE_REPORT_STEPS:-2}
"$GEN" "$WORK/big.db" "$runs" 100 "$steps" || { echo "FAIL: gen_results"; exit 1; }
t0=$(date +%s%N)
"$MAPSCOPE" report "$WORK/big.db" -o "$WORK/big.html" || { echo "FAIL: report on the large db"; exit 1; }
t1=$(date +%s%N)
: >"$WORK/chromium.log"
chromium_run --dump-dom "file://$WORK/big.html" >"$WORK/big-dom.html"
t2=$(date +%s%N)
size=$(stat -c %s "$WORK/big.html")
ready=$(grep -o 'data-ready-ms="[0-9]*"' "$WORK/big-dom.html" | grep -o '[0-9]*')
echo "# large db: $runs runs x 100 scenarios x $steps steps x 2 backends, $(stat -c %s "$WORK/big.db") bytes"
echo "# report written in $(( (t1-t0)/1000000 )) ms; page $size bytes; ready in the page after ${ready:-?} ms; chromium start to exit $(( (t2-t1)/1000000 )) ms"
check "large: page ready, no error" "grep -q 'data-ready=\"1\"' '$WORK/big-dom.html' && ! grep -q 'data-errors=' '$WORK/big-dom.html'"
check "large: no console message" "[ -z \"\$(console_messages)\" ]"
check "large: page under 8 MB" "[ $size -lt 8000000 ]"
if [ -n "${MAPSCOPE_KEEP_REPORT:-}" ]; then cp "$WORK/big.html" "$MAPSCOPE_KEEP_REPORT"; fi
exit $fail
