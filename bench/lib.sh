# Shared by the bench scripts (sourced, not run).

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
minimum() { sort -n | head -1; }

# write_section NAME TEXT: replaces the part of docs/BENCHMARKS.md between <!-- NAME:begin … --> and
# <!-- NAME:end --> with TEXT (which holds both markers), or appends TEXT when the file has no such part yet.
# Each script owns its section, so a run of one leaves the others' numbers as they were measured.
write_section() {
  local name="$1" text="$2" tmp
  if grep -q "<!-- $name:begin" docs/BENCHMARKS.md; then
    tmp="$(mktemp)"
    awk -v s="$text" -v b="<!-- $name:begin" -v e="<!-- $name:end -->" \
      'index($0, b) == 1 { print s; skip = 1; next } index($0, e) == 1 { skip = 0; next } !skip' \
      docs/BENCHMARKS.md > "$tmp" && cp "$tmp" docs/BENCHMARKS.md && rm -f "$tmp"
  else
    printf '\n%s\n' "$text" >> docs/BENCHMARKS.md
  fi
}
