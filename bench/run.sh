#!/usr/bin/env bash
# Freight export throughput against PostgreSQL's own COPY, measured in one run on this machine.
# Usage: bench/run.sh [rows]   (default 1,000,000; env PGHOST/PGPORT/PGUSER, BENCH_DB, RUNS)
# Prints a table and rewrites docs/BENCHMARKS.md. Not a test: numbers depend on the machine and its load.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
rows="${1:-1000000}"
runs="${RUNS:-5}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
db="${BENCH_DB:-freight_bench}"
url="jdbc:postgresql://$PGHOST:$PGPORT/$db?user=$PGUSER"
out_dir="$(mktemp -d)"
trap 'rm -rf "$out_dir"' EXIT
server_pid=""

psql -qtAc "SELECT 1 FROM pg_database WHERE datname = '$db'" postgres | grep -q 1 || psql -qc "CREATE DATABASE $db" postgres
./freight demo load --target "$url" --rows "$rows" >&2
./freight export --source "$url" --table orders --limit 1 -o "$out_dir/warmup.csv" -q   # builds the jar and the CDS archive

median() { sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
minimum() { sort -n | head -1; }
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# One timed run of a command: sets t (wall s), m (peak RSS KB); the command's stderr stays in $out_dir/stderr.
timed() {
  local output="$1"; shift
  /usr/bin/time -f "%e %M" -o "$out_dir/time" "$@" > "$output" 2> "$out_dir/stderr" || { cat "$out_dir/stderr" >&2; exit 1; }
  read -r t m < "$out_dir/time"
}

# Runs a Freight case and its reference in turn, $runs times each (case, reference, case, reference …), so both
# see the same machine. Prints "case_median case_min ref_median ref_min ratio_median case_rss_kb bytes in_process_s":
# ratio_median is the median of the per-pair ratios case/reference. In-process time is what Freight's summary line
# reports (export only, without JVM start).
pair() {
  local output="$1" reference="$2"; shift 2
  local times=() refs=() ratios=() inner=() rss=0
  for _ in $(seq 1 "$runs"); do
    timed "$output" "$@"
    local case_t="$t"; [ "$m" -gt "$rss" ] && rss="$m"
    inner+=("$(sed -n 's/.* in \([0-9.]*\) s, .*/\1/p' "$out_dir/stderr" | tail -1)")
    timed "$out_dir/reference.out" sh -c "$reference"
    times+=("$case_t"); refs+=("$t")
    ratios+=("$(awk -v a="$case_t" -v b="$t" 'BEGIN { printf "%.3f", a / b }')")
  done
  local in_process; in_process="$(printf '%s\n' "${inner[@]}" | median)"
  echo "$(printf '%s\n' "${times[@]}" | median) $(printf '%s\n' "${times[@]}" | minimum)" \
       "$(printf '%s\n' "${refs[@]}" | median) $(printf '%s\n' "${refs[@]}" | minimum)" \
       "$(printf '%s\n' "${ratios[@]}" | median) $rss $(stat -c %s "$output") ${in_process:--}"
}

declare -a names refnames results
run_case() {
  local name="$1" refname="$2"; shift 2
  names+=("$name"); refnames+=("$refname"); results+=("$(pair "$@")")
  echo "  measured: $name against $refname" >&2
}

copy_csv="psql -qX -d $db -c 'COPY (SELECT * FROM orders) TO STDOUT (FORMAT csv, HEADER)'"
echo "Benchmark: $rows rows of orders, $runs runs of each case alternating with its reference (load: $load_before)" >&2
run_case "freight export csv" "COPY csv (psql)" "$out_dir/f.csv" "$copy_csv" \
  ./freight export --source "$url" --table orders -o -
run_case "freight export csv, filtered (JDBC cursor path)" "COPY csv with the same filter (psql)" "$out_dir/fj.csv" \
  "psql -qX -d $db -c 'COPY (SELECT * FROM orders WHERE id > 0) TO STDOUT (FORMAT csv, HEADER)'" \
  ./freight export --source "$url" --table orders --where 'id gt 0' -o -
run_case "freight export ndjson" "COPY row_to_json (psql)" "$out_dir/f.ndjson" \
  "psql -qX -d $db -c 'COPY (SELECT row_to_json(o) FROM orders o) TO STDOUT'" \
  ./freight export --source "$url" --table orders -f ndjson -o -
run_case "freight export csv --gzip" "COPY csv \\| gzip -1" "$out_dir/f.csv.gz" "$copy_csv | gzip -1" \
  ./freight export --source "$url" --table orders --gzip -o -
run_case "freight export xlsx" "COPY csv (no XLSX writer reference yet)" "$out_dir/f.xlsx" "$copy_csv" \
  ./freight export --source "$url" --table orders -f xlsx -o -
run_case "freight export parquet (snappy)" "COPY csv (no Parquet writer reference yet)" "$out_dir/f.parquet" "$copy_csv" \
  ./freight export --source "$url" --table orders -f parquet -o -
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

ratios="| case | reference (same run, alternating) | Freight median s (min) | reference median s (min) | ratio (median of pairs; above 1 is slower) |
|---|---|---:|---:|---:|"
table="| case | median wall s | rows/s (wall) | MB/s (output) | peak RSS MB | in-process s |
|---|---:|---:|---:|---:|---:|"
for i in "${!names[@]}"; do
  read -r s smin ref rmin ratio rss bytes inner <<< "${results[$i]}"
  ratios+=$'\n'"| ${names[$i]} | ${refnames[$i]} | $s ($smin) | $ref ($rmin) | $ratio |"
  table+=$'\n'"$(awk -v n="${names[$i]}" -v s="$s" -v rss="$rss" -v b="$bytes" -v r="$rows" -v inner="$inner" \
    'BEGIN { printf "| %s | %.2f | %d | %.0f | %.0f | %s |", n, s, r / s, b / 1e6 / s, rss / 1024, inner }')"
done
echo
echo "$ratios"
echo
echo "$table"

# ---- HTTP: sync CSV over the API, and 20 concurrent async jobs on the PostgreSQL job store --------------------
srv_dir="$out_dir/server"
mkdir -p "$srv_dir"
PGOPTIONS="--client-min-messages=warning" psql -qX -d "$db" -c "DROP SCHEMA IF EXISTS bench_jobs CASCADE" -c "CREATE SCHEMA bench_jobs"
cat > "$srv_dir/freight.yml" <<YML
data_dir: $srv_dir
server:
  port: 0
job_store:
  url: "jdbc:postgresql://$PGHOST:$PGPORT/$db?user=$PGUSER&currentSchema=bench_jobs"
sources:
  bench:
    url: "$url"
    include: ["orders"]
exports:
  sync_max_rows: 10000
# One admin submits all 20 jobs: the default concurrent_jobs (5) would refuse 15 of them.
limits:
  concurrent_jobs: 100
  exports_per_hour: 10000
YML
FREIGHT_JAVA_OPTS="-Xmx256m -XX:+UseParallelGC" ./freight serve --config "$srv_dir/freight.yml" > "$srv_dir/serve.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; rm -rf "$out_dir"' EXIT
for _ in $(seq 1 60); do grep -q "Admin API key" "$srv_dir/serve.log" && break; sleep 0.5; done
base="$(sed -n 's/.* at \(http:[^ ]*\)$/\1/p' "$srv_dir/serve.log" | head -1)/api/v1"
key="$(grep -o 'frt_[A-Za-z0-9_-]*' "$srv_dir/serve.log" | head -1)"
[ -n "$key" ] || { cat "$srv_dir/serve.log" >&2; exit 1; }
auth="Authorization: Bearer $key"

http_times=() ttfbs=()
for _ in $(seq 1 "$runs"); do
  read -r ttfb total size < <(curl -sS -o "$out_dir/http.csv" -w '%{time_starttransfer} %{time_total} %{size_download}\n' \
    -H "$auth" -H 'Content-Type: application/json' -d '{"dataset":"orders","format":"csv","delivery":"sync"}' "$base/export/jobs")
  http_times+=("$total"); ttfbs+=("$ttfb")
done
http_s="$(printf '%s\n' "${http_times[@]}" | median)"
ttfb_s="$(printf '%s\n' "${ttfbs[@]}" | median)"
echo "  measured: sync CSV over HTTP" >&2

jobs=20 job_rows=100000
start_ns=$(date +%s%N)
posts=()
for i in $(seq 1 "$jobs"); do
  fmt=csv; [ $((i % 2)) -eq 0 ] && fmt=ndjson
  curl -sS -o "$out_dir/job$i.json" -H "$auth" -H 'Content-Type: application/json' \
    -d "{\"dataset\":\"orders\",\"format\":\"$fmt\",\"delivery\":\"async\",\"row_limit\":$job_rows,\"filters\":[{\"column\":\"id\",\"op\":\"gt\",\"value\":$((i * 1000))}]}" \
    "$base/export/jobs" &
  posts+=($!)
done
wait "${posts[@]}"   # not a bare wait: that would wait for the server too
ids="$(sed -n 's/^{"id":"\([a-z0-9]*\)".*/\1/p' "$out_dir"/job*.json)"
[ "$(echo "$ids" | wc -w)" -eq "$jobs" ] || { echo "not all $jobs jobs were accepted" >&2; cat "$out_dir"/job*.json >&2; exit 1; }
while :; do
  done_count=0 failed=0
  for id in $ids; do
    status="$(curl -sS -H "$auth" "$base/export/jobs/$id" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')"
    case "$status" in completed) done_count=$((done_count + 1));; failed|cancelled) failed=$((failed + 1));; esac
  done
  [ $((done_count + failed)) -eq "$jobs" ] && break
  sleep 0.2
done
jobs_s="$(awk -v a="$start_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
server_rss_mb="$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")"
echo "  measured: $jobs concurrent async jobs" >&2
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true

read -r cli_s _ copy_s _ _ _ _ cli_inner <<< "${results[0]}"
http_table="| case | median s | rows/s | vs COPY | vs CLI export (in-process) | time to first byte |
|---|---:|---:|---:|---:|---:|
$(awk -v s="$http_s" -v r="$rows" -v c="$copy_s" -v ci="$cli_inner" -v t="$ttfb_s" \
  'BEGIN { printf "| sync CSV over HTTP (curl, server already running) | %.2f | %d | %.0f%% | %.0f%% | %.0f ms |", s, r / s, 100 * c / s, 100 * ci / s, t * 1000 }')

| concurrent jobs | rows each | formats | completed | failed | total wall s | server peak RSS (-Xmx256m) |
|---:|---:|---|---:|---:|---:|---:|
| $jobs | $job_rows | csv + ndjson, filtered (JDBC cursor path) | $done_count | $failed | $jobs_s | $server_rss_mb MB |"
echo
echo "$http_table"

machine="$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
pg_version="$(psql -qtAXc 'SHOW server_version' postgres)"
java_version="$(java -version 2>&1 | head -1)"
cat > docs/BENCHMARKS.md <<MD
# Benchmarks

Produced by \`bench/run.sh\` on $(date -u +%Y-%m-%d) — do not edit by hand, re-run the script.

- Machine: $machine; PostgreSQL $pg_version on the same machine; $java_version.
- Data: the demo \`orders\` table, $rows rows, 10 columns (bigint, int, varchar, text with commas/quotes/newlines/emoji,
  int, numeric(10,2), double (30% NULL), varchar, timestamptz, boolean).
- Each case runs $runs times **alternating with its reference** (case, reference, case, reference …), so both see
  the same machine; the ratio is the median of the per-pair ratios (case / reference; above 1 is slower). Wall times
  include JVM start-up (~0.3 s with the CDS archive the launcher keeps in \`target/\`). Output goes to stdout
  redirected to a file. Peak RSS is the maximum over the runs. Load average before / after the paired cases:
  $load_before / $load_after.

$ratios

$table

## Over HTTP (\`freight serve\`, PostgreSQL job store)

$http_table

## Reading the numbers
- Unfiltered PostgreSQL → CSV/TSV uses the COPY fast path: the server renders plain columns and Freight rewrites the
  byte stream (ISO timestamps, true/false, formula neutralisation, CRLF) in one pass, so the in-process export time
  is close to COPY's; the remaining wall-clock gap is JVM start-up plus connecting and reading the catalog
  (~0.3 s with the CDS archive, a constant that matters less the bigger the export).
- Filtered exports (any bound value) and all other formats use the JDBC cursor path: typed getters, one reused row
  array, FastCSV/Jackson writers. Its cost per row is decoding the PostgreSQL wire format into Java values and
  formatting them again. A JFR profile of the cursor path shows no single hotspot: roughly a third in pgjdbc
  (socket reads, parsing numerics and timestamps from the text protocol, building Strings), a third in
  turning values back into text (Long/BigDecimal/ISO timestamps), and a third in FastCSV/Jackson and UTF-8
  encoding. Forcing binary transfer (\`prepareThreshold=-1\`) did not help; C1-only JIT made it slower.
- gzip uses level 1 (fastest): about 3x smaller than plain CSV for this data.
- Over HTTP the server is already running, so the sync CSV is compared with the CLI's in-process time; the
  concurrent run checks that 20 jobs at once complete on a 256 MB heap (workers: 2 x cores, the rest queue).
- XLSX and Parquet take the JDBC cursor path (typed values); targets (issue #4) on this machine: XLSX >= 150,000
  rows/s, Parquet >= 300,000 rows/s, peak RSS <= 400 MB.
- Targets: CSV throughput >= 70% of COPY (stretch 90%), peak RSS <= 300 MB (issue #2); over-HTTP CSV >= 90% of
  the CLI export, server heap bounded by -Xmx256m through the concurrent run (issue #3).
MD
echo
echo "Wrote docs/BENCHMARKS.md" >&2
