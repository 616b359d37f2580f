#!/usr/bin/env bash
# tests/runner/setup-tap-parser.sh DIR: install node's tap-parser into DIR
# (DIR/node_modules/tap-parser) for the runner_formats_tap_parser test, with
# npm from the npm registry. Only that test uses it, and only from DIR: the
# system stays as it is. Already installed: nothing to do. No node, no npm
# or no network: says so and exits 0; the test then reports itself skipped.
set -u
dir=${1:?usage: setup-tap-parser.sh DIR}
if [ -d "$dir/node_modules/tap-parser" ]; then exit 0; fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup-tap-parser: node or npm is missing: the tap-parser test will be skipped"
  exit 0
fi
mkdir -p "$dir"
if ! timeout 300 npm install --prefix "$dir" --no-audit --no-fund --silent tap-parser >/dev/null 2>"$dir/npm.log"; then
  echo "setup-tap-parser: npm install failed (see $dir/npm.log): the tap-parser test will be skipped"
fi
exit 0
