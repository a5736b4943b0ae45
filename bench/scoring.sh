#!/usr/bin/env bash
# DGA scoring and training benchmarks, the seed notebook's approach in the same run:
#  1. `cargo bench --bench scoring -- --train`: the built-in model (the champion) scores 1,000,000
#     names from the dataset's test split (normalize + features + predict + calibrate, one thread,
#     median of 5 passes), then every algorithm is fitted with its defaults (training time);
#  2. bench/baselines/notebook_rf.py: the notebook's features + 20-tree scikit-learn random forest,
#     fitted on the same training rows, one domain per Python call on the same test names;
#  3. prints both and the ratio, and writes them to $CARGO_TARGET_DIR/bench-scoring-summary.json.
# Results are written up in docs/performance.md and docs/model.md.
#
# Environment:
#   BENCH_CPU   core to pin to (default 1; pinning is skipped without taskset)
#   PYTHON      interpreter with scikit-learn and tldextract (default .venv/bin/python, `make setup`)
#   UDF_NAMES   test names the Python UDF path scores (default 20000; it runs at about 1 ms a name)
#   NO_TRAIN    set to skip the training-time part of step 1
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
python="${PYTHON:-$root/.venv/bin/python}"
cpu="${BENCH_CPU:-1}"

if ! "$python" -c 'import sklearn, tldextract' 2>/dev/null; then
    echo "error: $python cannot import sklearn and tldextract; run \`make setup\` (or set PYTHON)" >&2
    exit 1
fi

pin=()
if command -v taskset >/dev/null 2>&1 && taskset -c "$cpu" true 2>/dev/null; then
    pin=(taskset -c "$cpu")
    echo "pinned to core $cpu of $(nproc)" >&2
else
    echo "warning: not pinned (no taskset, or no core $cpu); figures are noisier" >&2
fi

train_flag=(--train)
if [ -n "${NO_TRAIN:-}" ]; then train_flag=(); fi

# Build unpinned (all cores), then run pinned.
cargo bench -p dnshunt-bench --bench scoring --no-run
echo "== dnshunt: built-in model" >&2
"${pin[@]}" cargo bench -p dnshunt-bench --bench scoring -- --bench "${train_flag[@]}" \
    > "$target/bench-scoring.stdout"
cat "$target/bench-scoring.json"

echo "== seed notebook approach (scikit-learn RandomForest, Python UDF)" >&2
"${pin[@]}" "$python" bench/baselines/notebook_rf.py \
    "$target/bench-scoring-train.csv" "$target/bench-scoring-test.txt" \
    features/data/english_words.txt --test-labels "$target/bench-scoring-test.csv" \
    --udf-names "${UDF_NAMES:-20000}" > "$target/bench-scoring-notebook.json"
cat "$target/bench-scoring-notebook.json"

"$python" - "$target/bench-scoring.json" "$target/bench-scoring-notebook.json" \
    "$target/bench-scoring-summary.json" <<'EOF'
import json, sys
ours, notebook = (json.load(open(p)) for p in sys.argv[1:3])
ratio = ours["score_names_per_second"] / notebook["udf_names_per_second"]
summary = {"dnshunt": ours, "notebook": notebook, "scoring_ratio": round(ratio, 1),
           "target_names_per_second": 1_000_000,
           "meets_target": ours["score_names_per_second"] >= 1_000_000}
json.dump(summary, open(sys.argv[3], "w"), indent=2)
print(f"\nscoring, one core: dnshunt {ours['score_names_per_second']:,.0f} names/s, "
      f"notebook UDF {notebook['udf_names_per_second']:,.0f} names/s: {ratio:,.0f}x; "
      f"target 1,000,000 names/s {'met' if summary['meets_target'] else 'NOT met'}")
for name, t in ours.get("training", {}).items():
    print(f"training {name}: {t['fit_seconds']:.1f} s on {t['train_rows']} rows, test ROC AUC {t['test_roc_auc']}")
print(f"training notebook RF: {notebook['fit_seconds']:.1f} s, test ROC AUC {notebook.get('test_roc_auc')}")
EOF
