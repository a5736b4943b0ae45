"""Throughput of Python's tldextract on the names the Rust benchmark wrote: the baseline.

tldextract runs offline on the suffix list bundled with the package (no download, private
suffixes included, the disk cache disabled with cache_dir=None). The list is parsed on the first
call, which is done and timed separately before the measured passes, so the measured passes see a
warm, in-memory suffix trie (tldextract keeps no per-name cache). Each pass calls the extractor on
every name, as a user would (one call per name); the result is the median pass over --repeats.

Usage: tldextract_bench.py NAMES_FILE [--repeats 5]   (prints one JSON object)
"""

import argparse
import json
import platform
import statistics
import sys
import time

import tldextract


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", help="file of names, one a line (target/bench-names.txt)")
    parser.add_argument("--repeats", type=int, default=5, help="timed passes (default 5)")
    args = parser.parse_args()

    with open(args.names, encoding="utf-8") as f:
        # Keep the names as the Rust benchmark sees them: only the line break is removed.
        names = f.read().split("\n")
    if names and names[-1] == "":
        names.pop()
    if not names:
        print(f"{args.names}: no names", file=sys.stderr)
        return 1

    extract = tldextract.TLDExtract(
        suffix_list_urls=(), include_psl_private_domains=True, cache_dir=None
    )
    start = time.perf_counter()
    extract(names[0])  # parses the bundled suffix list
    list_load_seconds = time.perf_counter() - start

    passes = []
    registered = 0
    for _ in range(args.repeats):
        start = time.perf_counter()
        for name in names:
            extract(name)
        passes.append(time.perf_counter() - start)
    # Checked outside the timed passes: the extractor did real work.
    registered = sum(1 for name in names if extract(name).top_domain_under_public_suffix)

    median = statistics.median(passes)
    print(
        json.dumps(
            {
                "tool": "tldextract",
                "version": tldextract.__version__,
                "python": platform.python_version(),
                "names": len(names),
                "with_registered_domain": registered,
                "repeats": args.repeats,
                "seconds_per_pass": passes,
                "median_seconds": median,
                "names_per_second": len(names) / median,
                "list_load_seconds": list_load_seconds,
                "cache": "disabled (cache_dir=None); bundled list parsed once before timing",
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
