#!/usr/bin/env bash
# tests/runner/bench_growth.sh MAPSCOPE SCENARIOS [FACTORS...]: a benchmark,
# not a test. The whole-process cost of `mapscope run --no-db` per scenario
# at 1x, 100x and 300x the bundled suite (copies in a temporary folder),
# side by side in one run: wall time (best of 3) and, with valgrind
# installed and MAPSCOPE_CALLGRIND=1, callgrind's instruction count.
# Linear growth means the per-scenario columns stay flat (docs/performance.md,
# "Growth"); the last column is the ratio to the 1x row.
set -eu
mapscope=$1
scenarios=$2
shift 2
factors=${*:-1 100 300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

n1=$(find "$scenarios" -name '*.scn' | wc -l)
printf '%-7s %9s %12s %14s %7s' factor scenarios "wall ms" "us/scenario" ratio
[ "${MAPSCOPE_CALLGRIND:-0}" = 1 ] && printf ' %16s %7s' "instr/scenario" ratio
printf '\n'
base_us=
base_ir=
for k in $factors; do
  dir=$work/x$k
  mkdir -p "$dir"
  for i in $(seq 1 "$k"); do cp -r "$scenarios" "$dir/c$i"; done
  n=$(find "$dir" -name '*.scn' | wc -l)
  best=
  for r in 1 2 3; do
    t0=$(date +%s%N)
    "$mapscope" run --no-db "$dir" >/dev/null
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  us=$(( best * 1000 / n ))
  [ -z "$base_us" ] && base_us=$us
  printf '%-7s %9d %12d %14d %7.2f' "${k}x" "$n" "$best" "$us" \
    "$(echo "$us / $base_us" | bc -l)"
  if [ "${MAPSCOPE_CALLGRIND:-0}" = 1 ]; then
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.$k" \
      "$mapscope" run --no-db "$dir" >/dev/null 2>"$work/cg.log"
    ir=$(grep -m1 '^summary:' "$work/cg.$k" | awk '{print $2}')
    per=$(( ir / n ))
    [ -z "$base_ir" ] && base_ir=$per
    printf ' %16d %7.2f' "$per" "$(echo "$per / $base_ir" | bc -l)"
  fi
  printf '\n'
  rm -rf "$dir"
done
