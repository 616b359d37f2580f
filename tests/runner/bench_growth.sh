#!/usr/bin/env bash
# tests/runner/bench_growth.sh MAPSCOPE SCENARIOS [FACTORS...]: a benchmark,
# not a test. The whole-process cost of `mapscope run --no-db` per scenario
# at 1x, 100x and 300x the bundled suite (copies in a temporary folder),
# side by side in one run: wall time (best of 3) and, with valgrind
# installed and MAPSCOPE_CALLGRIND=1, callgrind's instruction count (one
# run: it is deterministic). MAPSCOPE_COMPARE=OTHER_MAPSCOPE measures a
# second binary (e.g. the one before a change) on the same copies, in the
# same run, for columns side by side. Linear growth means the per-scenario
# figures stay flat: the ratio columns are to the 1x row of the same binary
# (docs/performance.md, "Growth").
set -eu
mapscope=$1
scenarios=$2
shift 2
factors=${*:-1 100 300}
compare=${MAPSCOPE_COMPARE:-}
cg=${MAPSCOPE_CALLGRIND:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# wall_us BINARY DIR N: best-of-3 wall microseconds per scenario
wall_us() {
  local best= t0 t1 us
  for r in 1 2 3; do
    t0=$(date +%s%N)
    "$1" run --no-db "$2" >/dev/null
    t1=$(date +%s%N)
    us=$(( (t1 - t0) / 1000 ))
    if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; fi
  done
  echo $(( best / $3 ))
}
# instr BINARY DIR N: callgrind instructions per scenario
instr() {
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
    "$1" run --no-db "$2" >/dev/null 2>"$work/cg.log"
  local ir
  ir=$(grep -m1 '^summary:' "$work/cg.out" | awk '{print $2}')
  rm -f "$work/cg.out"
  echo $(( ir / $3 ))
}
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }

names="new"
[ -n "$compare" ] && names="new old"
printf '%-6s %9s' factor scenarios
for b in $names; do
  printf ' | %s: %11s %6s' "$b" "us/scn" ratio
  [ "$cg" = 1 ] && printf ' %13s %6s' "instr/scn" ratio
done
printf '\n'
declare -A base
for k in $factors; do
  dir=$work/x$k
  mkdir -p "$dir"
  for i in $(seq 1 "$k"); do cp -r "$scenarios" "$dir/c$i"; done
  n=$(find "$dir" -name '*.scn' | wc -l)
  printf '%-6s %9d' "${k}x" "$n"
  for b in $names; do
    bin=$mapscope
    [ "$b" = old ] && bin=$compare
    us=$(wall_us "$bin" "$dir" "$n")
    [ -z "${base[$b-us]:-}" ] && base[$b-us]=$us
    printf ' | %s: %11d %6s' "$b" "$us" "$(ratio "$us" "${base[$b-us]}")"
    if [ "$cg" = 1 ]; then
      ir=$(instr "$bin" "$dir" "$n")
      [ -z "${base[$b-ir]:-}" ] && base[$b-ir]=$ir
      printf ' %13d %6s' "$ir" "$(ratio "$ir" "${base[$b-ir]}")"
    fi
  done
  printf '\n'
  rm -rf "$dir"
done
