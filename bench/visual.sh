#!/usr/bin/env bash
# Renders per minute of a 4-widget report (two charts, a KPI and a table over the demo orders) as a 1280x800 PNG,
# with visual.max_browsers 1 and 2, and the peak memory (PSS) of the browser processes; measured on this machine.
# Usage: bench/visual.sh
# Environment:
#   SECONDS_PER_CASE   how long each case renders (default 60)
#   CLIENTS            sync requests in flight at once (default: twice max_browsers, so a browser never waits for work)
# A `freight serve --demo` node per case (its own data dir, a free port), requests by curl. Prints the table and
# writes it into docs/BENCHMARKS.md between its visual markers. Not a test; needs /usr/bin/chromium.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
duration="${SECONDS_PER_CASE:-60}"
work="$(mktemp -d)"
server_pid=""
cleanup() { [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
note() { echo "$*" >&2; }
browser_pss() {
  ps -eo pid=,ppid=,args= | awk '
    { parent[$1] = $2; if ($0 ~ /freight-chromium-/ && $0 !~ /--type=/ && $0 !~ /awk/) root[$1] = 1 }
    END { for (p in parent) { q = p; while (q in parent) { if (q in root) { print p; break } q = parent[q] } } }' |
    while read -r p; do awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || true; done |
    awk '{ s += $1 } END { print s + 0 }'
}
[ -x /usr/bin/chromium ] || { note "bench/visual.sh needs /usr/bin/chromium (scripts/install-browser.sh)"; exit 1; }

cat > "$work/freight.yml" <<'YML'
reports:
  bench:
    title: Benchmark report
    widgets:
      revenue:
        type: chart
        chart: bar
        dataset: orders
        series: {from: "2024-01-01", to: "2024-03-01", time_zone: Europe/Berlin, granularity: day, measures: [{column: unit_price, agg: sum}]}
        position: {x: 0, y: 0}
        size: {w: 8, h: 4}
      orders:
        type: kpi
        dataset: orders
        series: {from: "2024-01-01", to: "2024-02-01", time_zone: Europe/Berlin, granularity: month, measures: [{agg: count}]}
        position: {x: 8, y: 0}
        size: {w: 4, h: 2}
      by_status:
        type: chart
        chart: stacked_bar
        dataset: orders
        series: {from: "2024-01-01", to: "2024-07-01", time_zone: Europe/Berlin, granularity: week, measures: [{agg: count}], group_by: [status]}
        position: {x: 0, y: 4}
        size: {w: 8, h: 4}
      latest:
        type: table
        dataset: orders
        columns: [id, status, unit_price]
        row_limit: 20
        position: {x: 8, y: 2}
        size: {w: 4, h: 6}
YML

./freight --version >/dev/null 2>&1 || true   # builds the jar first, outside the measured time
body='{"report": "bench", "format": "png", "delivery": "sync", "options": {"width": 1280, "height": 800}}'
declare -a rows
for browsers in 1 2; do
  clients="${CLIENTS:-$((2 * browsers))}"
  data="$work/data-$browsers"
  FREIGHT_VISUAL_MAX_BROWSERS="$browsers" FREIGHT_DATA_DIR="$data" ./freight serve --demo --config "$work/freight.yml" \
    --port 0 > "$work/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do grep -q 'Admin API key' "$work/serve.log" && break; sleep 0.2; done
  base="$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -1)"
  key="$(sed -n 's/.*Admin API key (shown once, stored hashed): //p' "$work/serve.log")"
  [ -n "$base" ] && [ -n "$key" ] || { cat "$work/serve.log" >&2; exit 1; }
  # One render first: the browsers start and the demo database warms up outside the measured minute.
  curl -sf -o "$work/first.png" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" \
    "$base/api/v1/export/jobs"
  peak=0
  end=$(( $(date +%s) + duration ))
  client_pids=()
  for c in $(seq 1 "$clients"); do
    ( n=0; while [ "$(date +%s)" -lt "$end" ]; do
        if curl -sf -o /dev/null -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$body" \
          "$base/api/v1/export/jobs"; then n=$((n + 1)); fi
      done; echo "$n" > "$work/count-$c" ) &
    client_pids+=("$!")
  done
  # Peak memory of the browsers: PSS (shared pages counted once, not in every process as RSS counts them) of each
  # browser (its profile is a freight-chromium-* directory) and all its helper processes.
  while [ "$(date +%s)" -lt "$end" ]; do
    pss="$(browser_pss)"
    [ "$pss" -gt "$peak" ] && peak="$pss"
    sleep 0.5
  done
  wait "${client_pids[@]}"
  total=0; for c in $(seq 1 "$clients"); do total=$((total + $(cat "$work/count-$c"))); done
  per_min="$(awk -v n="$total" -v s="$duration" 'BEGIN { printf "%.1f", n * 60 / s }')"
  rows+=("| $browsers | $clients | $total | $per_min | $((peak / 1024)) |")
  note "  max_browsers $browsers: $total renders in $duration s ($per_min/min), browsers' peak PSS $((peak / 1024)) MB"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
done
table="| max_browsers | clients | renders | renders per minute | browsers' peak memory, PSS (MB) |
|---:|---:|---:|---:|---:|
$(printf '%s\n' "${rows[@]}")"
echo "$table"

section="<!-- visual:begin (bench/visual.sh writes this section) -->
## Visual exports (\`bench/visual.sh\`, $(date -u +%Y-%m-%d))

Sync PNG renders (1280×800) of a 4-widget report (a bar chart of 60 days, a KPI, a stacked bar chart of 26 weeks
per status, a 20-row table) over the embedded demo orders, by \`freight serve --demo\` for $duration s per case, with
twice as many clients as browsers, on this machine ($(nproc) cores). Peak memory: the proportional set size (PSS,
shared pages counted once) of all Chromium processes together, sampled every 0.5 s.

$table
<!-- visual:end -->"
if grep -q '<!-- visual:begin' docs/BENCHMARKS.md; then
  awk -v s="$section" '/<!-- visual:begin/ { print s; skip = 1; next } /<!-- visual:end -->/ { skip = 0; next } !skip' \
    docs/BENCHMARKS.md > "$work/b.md" && cp "$work/b.md" docs/BENCHMARKS.md
else
  printf '\n%s\n' "$section" >> docs/BENCHMARKS.md
fi
note "Wrote the visual section of docs/BENCHMARKS.md"
