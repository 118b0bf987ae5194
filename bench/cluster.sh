#!/usr/bin/env bash
# Freight as a cluster on one PostgreSQL job store, measured on this machine: how soon an idle worker takes a job
# that was just queued (LISTEN/NOTIFY against polling only), and the throughput of 1, 2 and 3 nodes over the same
# queued jobs. Nodes are separate JVMs started with the launcher's defaults.
# Usage: bench/cluster.sh
# Environment:
#   PGHOST/PGPORT/PGUSER   PostgreSQL (default 127.0.0.1:5432, postgres)
#   BENCH_DB               database holding the demo orders (default freight_bench; loaded with 1,000,000 rows when empty)
#   LATENCY_JOBS           jobs queued one at a time for the claim latency (default 40)
#   SCALE_JOBS/SCALE_ROWS  jobs queued at once for the throughput, and rows each (default 60 and 100,000)
#   STORAGE_RUNS           1M-row jobs per file store for local disk against S3 (s3proxy on this machine; default 3)
# Prints the tables and writes them into docs/BENCHMARKS.md between its cluster markers. Not a test.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
. bench/lib.sh
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
db="${BENCH_DB:-freight_bench}"
latency_jobs="${LATENCY_JOBS:-40}"
scale_jobs="${SCALE_JOBS:-60}"
scale_rows="${SCALE_ROWS:-100000}"
storage_runs="${STORAGE_RUNS:-3}"
url="jdbc:postgresql://$PGHOST:$PGPORT/$db?user=$PGUSER"
schema="bench_cluster"
work="$(mktemp -d)"
pids=()
s3_pid=""
cleanup() {
  for p in "${pids[@]}" $s3_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
note() { echo "$*" >&2; }
sql() { psql -qtAX -d "$db" -c "$1"; }

./freight demo load --target "$url" --rows 1000000 >&2
link_key="$(head -c 32 /dev/urandom | base64)"
export BENCH_LINK_KEY="$link_key"

# A node's configuration: NAME LISTEN CONCURRENCY [STORAGE_YAML] [RESUME (true|false)].
config() {
  local name="$1" listen="$2" concurrency="$3" dir="$work/$1"
  local storage="${4:-storage:
  path: $work/files}"
  local resume="${5:-true}"
  mkdir -p "$dir"
  cat > "$dir/freight.yml" <<YML
data_dir: $dir
server:
  port: 0
  signed_links:
    key: \${env:BENCH_LINK_KEY}
job_store:
  url: "jdbc:postgresql://$PGHOST:$PGPORT/$db?user=$PGUSER&currentSchema=$schema"
  listen: $listen
$storage
sources:
  bench:
    url: "$url"
    include: ["orders"]
exports:
  worker_concurrency: $concurrency
  resume: $resume
limits:
  concurrent_jobs: 1000
  exports_per_hour: 100000
YML
  echo "$dir/freight.yml"
}

fresh_schema() {
  PGOPTIONS="--client-min-messages=warning" psql -qX -d "$db" -c "DROP SCHEMA IF EXISTS $schema CASCADE" \
    -c "CREATE SCHEMA $schema"
}

# Starts `freight serve` with CONFIG; sets base, key and appends the pid.
serve() {
  local log="$work/serve.$RANDOM.log"
  ./freight serve --config "$1" > "$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do grep -q "Admin API key" "$log" && break; sleep 0.5; done
  base="$(sed -n 's/.* at \(http:[^ ]*\)$/\1/p' "$log" | head -1)/api/v1"
  key="$(grep -o 'frt_[A-Za-z0-9_-]*' "$log" | head -1)"
  [ -n "$key" ] || { cat "$log" >&2; exit 1; }
}

worker() {
  ./freight worker --config "$1" > "$work/worker.$RANDOM.log" 2>&1 &
  pids+=($!)
}

stop_nodes() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}

post_job() {   # BODY -> job id
  curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$1" "$base/export/jobs" \
    | sed -n 's/^{"id":"\([a-z0-9]*\)".*/\1/p'
}

# ---- claim latency: queued -> running with an idle worker, one job at a time ---------------------------------------
declare -a latency_rows
for mode in notify poll; do
  listen=true; [ "$mode" = poll ] && listen=false
  fresh_schema
  # The request reaches a node that runs no job (worker_concurrency 0); an idle worker node must learn of it.
  serve "$(config "latency-$mode-api" "$listen" 0)"
  worker "$(config "latency-$mode-worker" "$listen" 2)"
  sleep 3   # idle: the workers have looked once and wait
  for i in $(seq 1 "$latency_jobs"); do
    id="$(post_job '{"dataset":"orders","format":"csv","delivery":"async","row_limit":1}')"
    while [ "$(sql "SELECT status FROM $schema.export_job WHERE id = '$id'")" != completed ]; do sleep 0.05; done
    sleep 0.$((RANDOM % 5))   # queued at a random moment of the poll cycle
  done
  # started_at and created_at: both the job store's clock, read by the same node.
  read -r p50 p99 max <<< "$(sql "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d)::numeric, 1),
      round(percentile_cont(0.99) WITHIN GROUP (ORDER BY d)::numeric, 1), round(max(d)::numeric, 1)
      FROM (SELECT extract(epoch FROM started_at - created_at) * 1000 AS d FROM $schema.export_job) t" | tr '|' ' ')"
  latency_rows+=("| $mode | $latency_jobs | $p50 | $p99 | $max |")
  note "  claim latency ($mode): p50 $p50 ms, p99 $p99 ms"
  stop_nodes
done

# ---- throughput: the same queued jobs on 1, 2 and 3 nodes ------------------------------------------------------------
declare -a scale_rows_out
for nodes in 1 2 3; do
  fresh_schema
  serve "$(config "scale-$nodes-0" true 2)"
  for n in $(seq 2 "$nodes"); do worker "$(config "scale-$nodes-$n" true 2)"; done
  sleep 3
  load_before="$(cut -d' ' -f1 /proc/loadavg)"
  start_ns=$(date +%s%N)
  for i in $(seq 1 "$scale_jobs"); do
    post_job "{\"dataset\":\"orders\",\"format\":\"csv\",\"delivery\":\"async\",\"row_limit\":$scale_rows,\"filters\":[{\"column\":\"id\",\"op\":\"gt\",\"value\":$((i * 1000))}]}" > /dev/null
  done
  while [ "$(sql "SELECT count(*) FROM $schema.export_job WHERE status IN ('completed', 'failed')")" -lt "$scale_jobs" ]; do
    sleep 0.2
  done
  wall="$(awk -v a="$start_ns" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
  failed="$(sql "SELECT count(*) FROM $schema.export_job WHERE status = 'failed'")"
  scale_rows_out+=("| $nodes | $((nodes * 2)) | $scale_jobs × $scale_rows | $wall | $(awk -v j="$scale_jobs" -v r="$scale_rows" -v w="$wall" 'BEGIN { printf "%d", j * r / w }') | $failed | $load_before |")
  note "  throughput, $nodes node(s): $wall s"
  stop_nodes
done
# ---- file stores: the same 1M-row CSV job written to local disk and to S3 (s3proxy, on this machine) ---------------
s3_jar="target/bench/s3proxy-4.1.0-jar-with-dependencies.jar"
if [ ! -f "$s3_jar" ]; then
  note "Fetching s3proxy (the S3 server of this comparison) into target/bench"
  MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -B -q dependency:copy \
    -Dartifact=org.gaul:s3proxy:4.1.0:jar:jar-with-dependencies -DoutputDirectory=target/bench >&2
fi
s3_port=$((20000 + RANDOM % 20000))
mkdir -p "$work/s3/exports"
cat > "$work/s3.properties" <<PROPS
s3proxy.endpoint=http://127.0.0.1:$s3_port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-access
s3proxy.credential=bench-secret-0123456789
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3
PROPS
java -jar "$s3_jar" --properties "$work/s3.properties" > "$work/s3proxy.log" 2>&1 &
s3_pid=$!
for _ in $(seq 1 60); do curl -s -o /dev/null "http://127.0.0.1:$s3_port/" && break; sleep 0.5; done
export BENCH_S3_KEY=bench-access BENCH_S3_SECRET=bench-secret-0123456789
s3_storage="storage:
  type: s3
  s3:
    bucket: exports
    region: us-east-1
    endpoint: http://127.0.0.1:$s3_port
    path_style: true
    access_key_id: \${env:BENCH_S3_KEY}
    secret_access_key: \${env:BENCH_S3_SECRET}"
declare -a storage_rows
local_storage="storage:
  path: $work/files"
for store in "local, exports.resume: false" local s3; do
  fresh_schema
  case "$store" in
    s3) serve "$(config store-s3 true 1 "$s3_storage")" ;;
    local) serve "$(config store-local true 1)" ;;
    *) serve "$(config store-local-noresume true 1 "$local_storage" false)" ;;
  esac
  sleep 2
  for i in $(seq 1 "$storage_runs"); do
    id="$(post_job '{"dataset":"orders","format":"csv","delivery":"async"}')"
    while ! sql "SELECT status FROM $schema.export_job WHERE id = '$id'" | grep -q -E 'completed|failed'; do sleep 0.1; done
  done
  read -r secs bytes failed <<< "$(sql "SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY
      extract(epoch FROM completed_at - started_at))::numeric, 2), max(file_size_bytes),
      count(*) FILTER (WHERE status = 'failed') FROM $schema.export_job" | tr '|' ' ')"
  storage_rows+=("| $store | $storage_runs | $bytes | $secs | $(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.0f", b / 1e6 / s }') | $failed |")
  note "  file store $store: $secs s per 1M-row CSV job"
  stop_nodes
done
kill "$s3_pid" 2>/dev/null || true

fresh_schema > /dev/null
PGOPTIONS="--client-min-messages=warning" psql -qX -d "$db" -c "DROP SCHEMA IF EXISTS $schema CASCADE"

latency_table="| wake-up | jobs | claim latency p50 ms | p99 ms | max ms |
|---|---:|---:|---:|---:|
$(printf '%s\n' "${latency_rows[@]}")"
scale_table="| nodes | workers in all | jobs × rows | wall s | rows/s | failed | load before |
|---:|---:|---|---:|---:|---:|---:|
$(printf '%s\n' "${scale_rows_out[@]}")"
storage_table="| file store | jobs | file bytes | median job s (started → completed) | MB/s | failed |
|---|---:|---:|---:|---:|---:|
$(printf '%s\n' "${storage_rows[@]}")"
echo
echo "$latency_table"
echo
echo "$scale_table"
echo
echo "$storage_table"

section="<!-- cluster:begin (bench/cluster.sh writes this section) -->
## Cluster (\`bench/cluster.sh\`, $(date -u +%Y-%m-%d))

Nodes are separate JVMs (\`freight serve\` plus \`freight worker\`s, the launcher's defaults, 2 workers each) on one
PostgreSQL job store on this machine ($(nproc) cores).

Claim latency: one job at a time (1 row, queued at a random moment) through a \`serve\` node that runs no job
(\`worker_concurrency: 0\`), taken by an idle \`freight worker\` node; from \`created_at\` to \`started_at\` (the
job store's clock, as each node reads it), with LISTEN/NOTIFY (\`job_store.listen: true\`, the default) and with
polling only (every 500 ms).

$latency_table

Throughput: $scale_jobs jobs of $scale_rows rows (CSV, filtered) queued at once, until the last completes. With 2
cores, every node shares the same two with PostgreSQL: more nodes add workers, not CPU, so the wall time cannot
fall much below what two cores do; on separate machines each node brings its own.

$scale_table

File stores: the same 1M-row CSV job ($storage_runs runs each, one worker) written to the local disk and to S3
(multipart, 16 MiB parts) served by s3proxy from this machine's disk: what Freight's upload path costs, not a
network's speed. Jobs are resumable by default (\`exports.resume: true\`): their rows ordered by the key (an index
scan of \`orders\` by \`id\`) and a checkpoint flushed and recorded every second; the first row is the same job with
\`exports.resume: false\`, in the order PostgreSQL returns the rows, what that costs.

$storage_table
<!-- cluster:end -->"
write_section cluster "$section"
note "Wrote the cluster section of docs/BENCHMARKS.md"
