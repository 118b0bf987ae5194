#!/usr/bin/env bash
# Reproduces the evidence behind the CSV/TSV formula rule (README, "Formula-looking text"): Freight's own CSV
# writer exports every candidate cell (src/test/java/dev/freight/testing/FormulaCandidates.java) raw and
# neutralised, LibreOffice headless imports each file under the settings users meet, and a Markdown table shows
# which cells became formulas. Exits non-zero when a neutralised cell became one.
# Installs nothing: it needs soffice (Debian: apt-get install -y libreoffice-calc-nogui) and Maven.
# Arguments go to Maven, e.g. scripts/formula-evidence.sh -o to stay offline. Takes a minute or two.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null; then
  echo "formula-evidence: soffice not found; install LibreOffice (Debian: apt-get install -y libreoffice-calc-nogui)" >&2
  exit 2
fi
mkdir -p target
out="$PWD/target/formula-evidence.md"
log="$PWD/target/formula-evidence.log"
rm -f "$out"
status=0
# jansi.noreset: see ./freight (Debian's jansi writes a colour reset at exit otherwise).
FREIGHT_FORMULA_EVIDENCE=1 MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" mvn -B -q "$@" test -Dtest=LibreOfficeFormulaEvidenceTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dformula.evidence.out="$out" </dev/null >"$log" 2>&1 || status=$?
[ -f "$out" ] && cat "$out"
if [ "$status" -ne 0 ]; then
  echo "formula-evidence: failed (a neutralised cell became a formula, or the run broke); Maven's output: $log" >&2
fi
exit "$status"
