#!/usr/bin/env bash
# Time-series exports against the same aggregation run by psql, measured on this machine: the demo orders (1M rows,
# 2024 to 2033) cut into hour, day, week and month buckets in Europe/Berlin, per status, with a count and a sum.
# Usage: bench/series.sh
# Environment:
#   PGHOST/PGPORT/PGUSER   PostgreSQL (default 127.0.0.1:5432, postgres)
#   BENCH_DB               database holding the demo orders (default freight_bench; loaded with 1,000,000 rows when empty)
#   RUNS                   alternating runs per granularity (default 5)
# Prints the table and writes it into docs/BENCHMARKS.md between its series markers. Not a test.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
. bench/lib.sh
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
db="${BENCH_DB:-freight_bench}"
runs="${RUNS:-5}"
url="jdbc:postgresql://$PGHOST:$PGPORT/$db?user=$PGUSER"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
note() { echo "$*" >&2; }

./freight demo load --target "$url" --rows 1000000 >&2
from="2024-01-01" to="2034-01-01" zone="Europe/Berlin"
rows_in="$(psql -qtAX -d "$db" -c "SELECT count(*) FROM orders WHERE created_at >= TIMESTAMPTZ '$from 00:00 $zone'
  AND created_at < TIMESTAMPTZ '$to 00:00 $zone'")"
declare -a table_rows
for granularity in hour day week month; do
  freight_times=() psql_times=() ratios=()
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -f "%e" -o "$work/t" ./freight export --source "$url" --table orders -q -o "$work/freight.csv" \
      --series "from=$from,to=$to,time_zone=$zone,granularity=$granularity,measure=count,measure=sum:unit_price,group_by=status"
    f="$(cat "$work/t")"
    # The same buckets by date_trunc in the zone; psql writes only the buckets that have rows (Freight fills the rest).
    /usr/bin/time -f "%e" -o "$work/t" psql -qX -d "$db" -c "COPY (SELECT date_trunc('$granularity', created_at AT TIME ZONE '$zone')
      AS bucket, status, count(*), sum(unit_price) FROM orders WHERE created_at >= TIMESTAMPTZ '$from 00:00 $zone'
      AND created_at < TIMESTAMPTZ '$to 00:00 $zone' GROUP BY 1, 2 ORDER BY 2, 1) TO STDOUT (FORMAT csv, HEADER)" > "$work/psql.csv"
    p="$(cat "$work/t")"
    freight_times+=("$f"); psql_times+=("$p")
    ratios+=("$(awk -v a="$f" -v b="$p" 'BEGIN { printf "%.3f", a / b }')")
  done
  fm="$(printf '%s\n' "${freight_times[@]}" | median)"
  pm="$(printf '%s\n' "${psql_times[@]}" | median)"
  rm_="$(printf '%s\n' "${ratios[@]}" | median)"
  table_rows+=("| $granularity | $(($(wc -l < "$work/freight.csv") - 1)) | $(($(wc -l < "$work/psql.csv") - 1)) | $fm | $pm | $rm_ |")
  note "  series by $granularity: freight $fm s, psql $pm s"
done
table="| granularity | rows written by Freight | rows written by psql | Freight median s | psql median s | ratio (median of pairs) |
|---|---:|---:|---:|---:|---:|
$(printf '%s\n' "${table_rows[@]}")"
echo "$table"

section="<!-- series:begin (bench/series.sh writes this section) -->
## Time series (\`bench/series.sh\`, $(date -u +%Y-%m-%d))

\`freight export --series\` of the $rows_in demo orders from $from to $to in $zone, per \`status\`, with \`count\`
and \`sum:unit_price\`, against psql running the same aggregation (\`date_trunc\` in the zone, \`GROUP BY\`, COPY to
standard output), $runs runs each, alternating, on this machine ($(nproc) cores). Freight's wall time includes JVM
start-up (about 0.4 s here) and its output fills the empty buckets (\`fill: zero\`), which psql's does not.

$table
<!-- series:end -->"
write_section series "$section"
note "Wrote the series section of docs/BENCHMARKS.md"
