"""Summary table of one bench/run.sh run: criterion medians next to the tldextract baseline.

Reads target/criterion/<group>/seed_mix/new/{estimates,benchmark}.json (criterion's median time per
iteration, one iteration being the whole batch of names) and the baseline's JSON, prints a Markdown
table with names per second and the ratio ours / tldextract, checks the targets, and writes the
figures as JSON next to the baseline's.

Usage: summarize.py CRITERION_DIR BASELINE_JSON SUMMARY_JSON STARTED_EPOCH
"""

import json
import os
import sys

GROUPS = [
    ("normalize", "normalize: IDNA + validation + public suffix split"),
    ("extract", "extract: feature vectors of a normalized batch"),
    ("normalize_extract", "normalize + extract, end to end"),
]
INPUT = "seed_mix"
NORMALIZE_RATIO_TARGET = 20.0
FEATURES_TARGET = 2_000_000.0


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    criterion_dir, baseline_path, summary_path, started = sys.argv[1:5]
    started = float(started)
    baseline = load(baseline_path)
    base = baseline["names_per_second"]
    rows = {}
    for group, _ in GROUPS:
        new = os.path.join(criterion_dir, group, INPUT, "new")
        estimates_path = os.path.join(new, "estimates.json")
        if os.path.getmtime(estimates_path) < started:
            sys.exit(f"{estimates_path} is older than this run: did the benchmark run?")
        median = load(estimates_path)["median"]
        names = load(os.path.join(new, "benchmark.json"))["throughput"]["Elements"]
        if names != baseline["names"]:
            sys.exit(f"{group}: criterion ran {names} names, the baseline {baseline['names']}")
        ns = median["point_estimate"]
        low, high = median["confidence_interval"]["lower_bound"], median["confidence_interval"]["upper_bound"]
        rows[group] = {
            "names": names,
            "median_ms_per_batch": ns / 1e6,
            "names_per_second": names / (ns * 1e-9),
            # A longer time means fewer names per second: the bounds swap.
            "names_per_second_ci95": [names / (high * 1e-9), names / (low * 1e-9)],
            "ratio_to_tldextract": names / (ns * 1e-9) / base,
        }

    print(f"{baseline['names']} names, one core; medians (95% CI of the median in brackets)\n")
    print("| benchmark | ms per batch | names/s | ours / tldextract |")
    print("|---|---:|---:|---:|")
    for group, title in GROUPS:
        r = rows[group]
        low, high = r["names_per_second_ci95"]
        print(
            f"| {title} | {r['median_ms_per_batch']:.1f} | {r['names_per_second']:,.0f} "
            f"[{low:,.0f} – {high:,.0f}] | {r['ratio_to_tldextract']:.1f}x |"
        )
    print(
        f"| tldextract {baseline['version']} (Python {baseline['python']}), median of "
        f"{baseline['repeats']} passes | {baseline['median_seconds'] * 1e3:.1f} | {base:,.0f} | 1.0x |"
    )

    normalize_ratio = rows["normalize"]["ratio_to_tldextract"]
    checks = [
        (
            f"normalization >= {NORMALIZE_RATIO_TARGET:.0f}x tldextract",
            normalize_ratio >= NORMALIZE_RATIO_TARGET,
            f"{normalize_ratio:.1f}x",
        ),
        (
            f"feature vectors (extract) >= {FEATURES_TARGET:,.0f} names/s",
            rows["extract"]["names_per_second"] >= FEATURES_TARGET,
            f"{rows['extract']['names_per_second']:,.0f}",
        ),
        (
            f"feature vectors end to end >= {FEATURES_TARGET:,.0f} names/s",
            rows["normalize_extract"]["names_per_second"] >= FEATURES_TARGET,
            f"{rows['normalize_extract']['names_per_second']:,.0f}",
        ),
    ]
    print("\ntargets:")
    for what, met, got in checks:
        print(f"  {'met   ' if met else 'MISSED'}  {what}: {got}")

    with open(summary_path, "w", encoding="utf-8") as f:
        json.dump(
            {
                "criterion": rows,
                "tldextract": baseline,
                "targets": [{"target": w, "met": m, "measured": g} for w, m, g in checks],
            },
            f,
            indent=2,
        )
    print(f"\nfigures written to {summary_path}")


if __name__ == "__main__":
    main()
