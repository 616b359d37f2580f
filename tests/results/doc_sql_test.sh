#!/usr/bin/env bash
# tests/results/doc_sql_test.sh: every ```sql block of docs/results.md runs
# without error against a populated database and returns at least one row.
#
#   doc_sql_test.sh DOC STORE_TOOL WORKDIR
set -euo pipefail
doc=$1 tool=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
fail(){ echo "FAIL: $*" >&2; exit 1; }
db=$work/doc.db
# check runs first: the queries about "the last two runs" mean the demo's
"$tool" check "$db" > /dev/null
"$tool" fill "$db" 2 3 > /dev/null
"$tool" demo "$db" > /dev/null
# Split the blocks into q1.sql, q2.sql, ...
awk -v dir="$work" '
  /^```sql[[:space:]]*$/ { n++; f = dir "/q" n ".sql"; inblock = 1; next }
  /^```/ && inblock { inblock = 0; close(f); next }
  inblock { print > f }
' "$doc"
n=$(find "$work" -name 'q*.sql' | wc -l)
[ "$n" -ge 5 ] || fail "found only $n sql blocks in $doc"
for i in $(seq 1 "$n"); do
  q=$work/q$i.sql
  out=$(sqlite3 -bail -batch -header -column "$db" < "$q" 2>&1) || fail "query $i failed: $out
$(cat "$q")"
  rows=$(sqlite3 -bail -batch -noheader -list "$db" < "$q" | wc -l)
  [ "$rows" -ge 1 ] || fail "query $i returned no row:
$(cat "$q")"
  echo "query $i: $rows rows"
done
echo "ok: $n documented queries run"
