"""Baseline for bench/typosquat.sh: dnstwist's permutation generation, timed in-process.

For each brand, dnstwist.Fuzzer(...).generate(fuzzers=...) runs the given fuzzers with the word
and TLD lists loaded as its command line loads them (--dictionary, --tld). Only generation is
timed (no DNS, no output). Prints one JSON object: permutations, seconds and CPU seconds (medians of the
passes), and the rates.
"""

import argparse
import json
import re
import statistics
import time

import dnstwist


def load(path, pattern):
    with open(path, encoding="utf-8") as f:
        return [x for x in set(f.read().lower().splitlines()) if pattern.match(x)]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--brands", required=True, help="comma-separated domains")
    parser.add_argument("--fuzzers", required=True, help="comma-separated dnstwist fuzzer ids")
    parser.add_argument("--dictionary", required=True)
    parser.add_argument("--tld", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    words = load(args.dictionary, re.compile(r"^(?:(?:xn--)[a-z0-9-]{3,59}|[a-z0-9-]{1,63})$"))
    tlds = load(args.tld, re.compile(r"^[a-z0-9-]{2,63}(?:\.[a-z0-9-]{2,63})?$"))
    brands = args.brands.split(",")
    fuzzers = args.fuzzers.split(",")

    passes, cpu = [], []
    count = 0
    for _ in range(args.repeats):
        count = 0
        start, start_cpu = time.perf_counter(), time.process_time()
        for brand in brands:
            fuzz = dnstwist.Fuzzer(brand, dictionary=words, tld_dictionary=tlds)
            fuzz.generate(fuzzers=fuzzers)
            count += len(fuzz.domains)
        passes.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    seconds = statistics.median(passes)
    cpu_seconds = statistics.median(cpu)
    print(json.dumps({
        "tool": "dnstwist " + dnstwist.__version__,
        "brands": len(brands),
        "permutations": count,
        "seconds": seconds,
        "permutations_per_second": count / seconds,
        "cpu_seconds": cpu_seconds,
        "permutations_per_cpu_second": count / cpu_seconds,
    }))


if __name__ == "__main__":
    main()
