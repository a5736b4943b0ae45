#!/usr/bin/env bash
# Benchmarks of dnshunt against tldextract, both pinned to one core, on the same names.
# Called by `make bench` from the repo root; results are written up in docs/performance.md.
#
# Environment:
#   DNSHUNT_SHARED  directory holding seed-data/ (default ../shared from the repo root)
#   BENCH_CPU       core to pin to (default 1; pinning is skipped without taskset)
#   PYTHON          interpreter with tldextract (default .venv/bin/python, made by `make setup`)
#   REPEATS         timed passes of the Python baseline (default 5)
# Extra arguments go to criterion (e.g. --quiet); do not filter: the summary needs all three groups.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
python="${PYTHON:-$root/.venv/bin/python}"
names="$target/bench-names.txt"
baseline_json="$target/bench-tldextract.json"
summary_json="$target/bench-summary.json"
cpu="${BENCH_CPU:-1}"

if ! "$python" -c 'import tldextract' 2>/dev/null; then
    echo "error: $python cannot import tldextract; run \`make setup\` (or set PYTHON)" >&2
    exit 1
fi

pin=()
if command -v taskset >/dev/null 2>&1 && taskset -c "$cpu" true 2>/dev/null; then
    pin=(taskset -c "$cpu")
    echo "pinned to core $cpu of $(nproc)"
else
    echo "warning: not pinned (no taskset, or no core $cpu); figures are noisier" >&2
fi

# Build unpinned (all cores), then run the built benchmark pinned.
cargo bench -p dnshunt-bench --bench features --no-run
started="$(date +%s)"
DNSHUNT_BENCH_NAMES="$names" "${pin[@]}" cargo bench -p dnshunt-bench --bench features -- --noplot "$@"

echo
echo "tldextract baseline on $(wc -l <"$names") names from $names"
"${pin[@]}" "$python" "$root/bench/baselines/tldextract_bench.py" "$names" --repeats "${REPEATS:-5}" \
    >"$baseline_json"
cat "$baseline_json"
echo

"$python" "$root/bench/summarize.py" "$target/criterion" "$baseline_json" "$summary_json" "$started"
