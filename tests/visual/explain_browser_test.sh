#!/usr/bin/env bash
# tests/visual/explain_browser_test.sh MAPSCOPE SOURCE_DIR
#
# `mapscope explain --html` opened in headless Chromium: the page runs with
# no console message and no script error, the DOM holds what the scenario
# says (SEMANTICS N1, N6: the drive mapped by the limited half is in {A}'s
# directory and not in {A.elevated}'s), the arrow keys step (a page-side
# hook dispatches real KeyboardEvents: headless Chromium has no way to
# press a key from the command line), the page reads without JavaScript,
# and a screenshot is a PNG of the window's size that is not blank.
set -u
MAPSCOPE=$1
SRC=$2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
. "$SRC/tests/visual/chromium.sh"
chromium_find
fail=0
check(){ if eval "$2"; then echo "ok - $1"; else echo "FAIL - $1"; fail=1; fi; }

SCN=$SRC/scenarios/scopes/limited-maps-elevated-blind.scn
"$MAPSCOPE" explain --html "$WORK/page.html" "$SCN" >"$WORK/text.txt" \
  || { echo "FAIL: explain exited $?"; exit 1; }
nSteps=$(grep -c '^Step [0-9]' "$WORK/text.txt")

# self-contained: nothing fetched from anywhere
check "no external address in the page" \
  "! grep -Eq '(src|href)=\"(https?:)?//' '$WORK/page.html'"

# scripts ran, without errors; the key hook stepped 1 -> 2 -> 1
chromium_run --dump-dom "file://$WORK/page.html#selftest" >"$WORK/dom.html"
check "page reports ready" "grep -q 'data-ready=\"1\"' '$WORK/dom.html'"
check "no script error" "! grep -q 'data-errors=' '$WORK/dom.html'"
check "arrow keys step 1,2,1" "grep -q 'data-selftest=\"1,2,1\"' '$WORK/dom.html'"
check "no console message" "[ -z \"\$(console_messages)\" ]"

# the DOM holds the story: at step 4 Z: is a link in {A}'s directory, and
# the elevated half's directory has no Z:
sed -n '/<section class="step" id="step-4"/,/<\/section>/p' "$WORK/dom.html" >"$WORK/step4.html"
check "step 4 exists" "[ -s '$WORK/step4.html' ]"
check "step 4: {A} has Z:" "grep -q 'data-key=\"link A Z:\"' '$WORK/step4.html'"
check "step 4: {A.elevated} drawn" "grep -q 'data-key=\"session {A.elevated}\"' '$WORK/step4.html'"
check "step 4: {A.elevated} has no Z:" "! grep -q 'data-key=\"link A.elevated Z:\"' '$WORK/step4.html'"
check "step 4: picture has a text equivalent" "grep -q '<desc id=\"svg-step-4-d\">' '$WORK/step4.html'"
check "step 7 links rule N6 into docs/rules.md" "sed -n '/id=\"step-7\"/,/<\/section>/p' '$WORK/dom.html' | grep -q 'href=\"[^\"]*docs/rules.md#n6\">N6</a>'"
check "step 7 links rule C13 into docs/rules.md" "sed -n '/id=\"step-7\"/,/<\/section>/p' '$WORK/dom.html' | grep -q 'href=\"[^\"]*docs/rules.md#c13\">C13</a>'"
missing=""
for id in $(grep -o 'rules.md#[a-z0-9]*">[A-Z0-9]*</a>' "$WORK/page.html" | sed 's/.*">//; s/<.*//' | sort -u); do
  grep -q "^### $id\$" "$SRC/docs/rules.md" || missing="$missing $id"
done
check "every linked rule has its heading in docs/rules.md${missing:+ (missing:$missing)}" "[ -z '$missing' ]"
check "step 7 shows the comment" "sed -n '/id=\"step-7\"/,/<\/section>/p' '$WORK/dom.html' | grep -q 'cannot even reach the drive letter'"

# without JavaScript every step is there to read. Chromium's
# scriptEnabled=false also stops --dump-dom and --screenshot, so the page
# is opened with its <script> element cut out instead: the same thing a
# browser without JavaScript shows.
sed '/^<script>$/,/^<\/script>$/d' "$WORK/page.html" >"$WORK/nojs-page.html"
check "the copy has no script" "! grep -q '<script' '$WORK/nojs-page.html'"
chromium_run --dump-dom "file://$WORK/nojs-page.html" >"$WORK/nojs.html"
nSections=$(grep -c '<section class="step"' "$WORK/nojs.html")
check "without JS: all $((nSteps+1)) sections" "[ '$nSections' = '$((nSteps+1))' ]"
check "without JS: not in stepping mode" "! grep -q 'class=\"js\"' '$WORK/nojs.html'"
check "without JS: only the stepping mode hides steps" \
  "[ \"\$(grep -o '[^}]*{display:none}' '$WORK/page.html' | grep -v 'html.js .step{display:none}' | grep -v '#errors:empty')\" = '' ]"
# one tall window shows the whole page: every step, one under the other
chromium_run --window-size=1000,7000 --screenshot="$WORK/nojs.png" "file://$WORK/nojs-page.html" >/dev/null
check "without JS: whole-page screenshot taken" "png_check '$WORK/nojs.png' 1000 7000"

# screenshot: right size, and far from blank (a blank page of the same
# size compresses to a few kilobytes)
chromium_run --window-size=1400,1000 --screenshot="$WORK/shot.png" "file://$WORK/page.html#step-4" >/dev/null
printf '<!DOCTYPE html><html><body></body></html>' >"$WORK/blank.html"
chromium_run --window-size=1400,1000 --screenshot="$WORK/blank.png" "file://$WORK/blank.html" >/dev/null
check "screenshot is a 1400x1000 PNG" "png_check '$WORK/shot.png' 1400 1000"
shot=$(stat -c %s "$WORK/shot.png"); blank=$(stat -c %s "$WORK/blank.png")
echo "# screenshot $shot bytes, blank page $blank bytes"
check "screenshot is not blank (> 10x the blank page)" "[ $shot -gt $((blank*10)) ]"
nojs=$(stat -c %s "$WORK/nojs.png")
check "without JS: the whole page is not blank" "[ $nojs -gt $((blank*40)) ]"
# a tool's scenario (Ansible become, SEMANTICS C7 R1): the picture tells
# it. Step 3 maps Y: from the full half (connected, not remembered); step 7
# logs off and removes both halves; step 8 is an interactive logon whose
# restore gives {A} the remembered Z:.
"$MAPSCOPE" explain --html "$WORK/tool.html" "$SRC/scenarios/credentials/ansible-become-flow.scn" >/dev/null \
  || { echo "FAIL: explain of the tool scenario"; fail=1; }
: >"$WORK/chromium.log"
chromium_run --dump-dom "file://$WORK/tool.html" >"$WORK/tool-dom.html"
check "tool: ready, no error, no console message" \
  "grep -q 'data-ready=\"1\"' '$WORK/tool-dom.html' && ! grep -q 'data-errors=' '$WORK/tool-dom.html' && [ -z \"\$(console_messages)\" ]"
sect(){ sed -n "/<section class=\"step\" id=\"step-$1\"/,/<\/section>/p" "$WORK/tool-dom.html"; }
check "tool: step 3 adds Y: in {B}, and the comment says C7" \
  "sect 3 | grep -q 'class=\"row add\" data-key=\"link B Y:\"' && sect 3 | grep -q 'does not persist (C7)'"
check "tool: step 7 lists what logoff removed" "sect 7 | grep -q '<g class=\"rm\">'"
check "tool: step 8 restores Z: into {A} (R1)" \
  "sect 8 | grep -q 'class=\"row add\" data-key=\"link A Z:\"'"

if [ -n "${MAPSCOPE_KEEP_SHOT:-}" ]; then cp "$WORK/shot.png" "$MAPSCOPE_KEEP_SHOT"; fi
exit $fail
