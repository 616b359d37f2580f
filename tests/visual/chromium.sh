# tests/visual/chromium.sh: headless Chromium for the browser tests (sourced).
#
#   chromium_find        sets $CHROMIUM, or exits 77 (CTest: skipped) when
#                        Debian's chromium is not installed (scripts/setup
#                        installs it)
#   chromium_run ARGS... runs it headless with a fresh profile; its log
#                        (console messages included) goes to $WORK/chromium.log
#   png_check FILE W H   the file is a PNG of W x H pixels

chromium_find(){
  CHROMIUM=$(command -v chromium || true)
  if [ -z "$CHROMIUM" ]; then
    echo "SKIP: chromium is not installed (scripts/setup installs it)"
    exit 77
  fi
}

chromium_run(){
  local profile
  profile=$(mktemp -d "$WORK/profile.XXXXXX")
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --user-data-dir="$profile" --enable-logging=stderr --v=0 \
    "$@" 2>>"$WORK/chromium.log"
}

# The console messages the pages wrote (there must be none).
console_messages(){
  grep -E ':CONSOLE[:(]' "$WORK/chromium.log" || true
}

png_check(){
  local f=$1 w=$2 h=$3 sig dims
  sig=$(od -An -tx1 -N8 "$f" | tr -d ' \n')
  [ "$sig" = "89504e470d0a1a0a" ] || { echo "FAIL: $f is not a PNG"; return 1; }
  dims=$(od -An -tu1 -j16 -N8 "$f" | tr -s ' ' | sed 's/^ //')
  set -- $dims
  local pw=$(( ($1<<24) + ($2<<16) + ($3<<8) + $4 ))
  local ph=$(( ($5<<24) + ($6<<16) + ($7<<8) + $8 ))
  [ "$pw" = "$w" ] && [ "$ph" = "$h" ] \
    || { echo "FAIL: $f is ${pw}x${ph}, not ${w}x${h}"; return 1; }
}
