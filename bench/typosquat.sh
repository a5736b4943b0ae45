#!/usr/bin/env bash
# Typosquat benchmarks, dnstwist in the same run:
#  1. permutation generation: dnstwist 20250130 (in-process, generation only) against
#     `dnshunt typo permute` (whole process, output included) on the 20 oracle brands, dnstwist's
#     sixteen fuzzers, the same dictionary and TLD files; prints both rates and the ratio.
#  2. lookalike search: `dnshunt typo match` over 1,000,000 distinct names against 500 brands,
#     whole process (index build, reading, normalizing, matching, writing); target < 60 s.
# Results are written up in docs/performance.md and docs/typosquat.md.
#
# Environment:
#   DNSHUNT_SHARED  directory holding seed-data/ (default ../shared from the repo root)
#   PYTHON          interpreter with dnstwist (default .venv/bin/python, made by `make setup`)
#   REPEATS         timed passes of each permutation run (default 3)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
python="${PYTHON:-$root/.venv/bin/python}"
shared="${DNSHUNT_SHARED:-$root/../shared}"
repeats="${REPEATS:-3}"
work="$target/bench-typosquat"
mkdir -p "$work"

if ! "$python" -c 'import dnstwist' 2>/dev/null; then
    echo "error: $python cannot import dnstwist; run \`make setup\` (or set PYTHON)" >&2
    exit 1
fi

cargo build --release --quiet -p dnshunt-cli
dnshunt="$target/release/dnshunt"

brands=google.com,paypal.com,microsoft.com,apple.com,amazon.com,facebook.com,netflix.com,linkedin.com,bankofamerica.com,wellsfargo.com,t-mobile.com,dropbox.com,www.ebay.com,bbc.co.uk,spiegel.de,orange.fr,wikipedia.org,example.info,mail.ru,xn--bcher-kva.de
fuzzers=addition,bitsquatting,cyrillic,homoglyph,hyphenation,insertion,omission,plural,repetition,replacement,subdomain,transposition,vowel-swap,dictionary,tld-swap,various
dictionary=typosquat/data/dictionary.txt
tlds=typosquat/data/tlds.txt

echo "== permutation generation: dnstwist" >&2
"$python" bench/baselines/dnstwist_bench.py --brands "$brands" --fuzzers "$fuzzers" \
    --dictionary "$dictionary" --tld "$tlds" --repeats "$repeats" > "$work/dnstwist.json"
cat "$work/dnstwist.json"

echo "== permutation generation: dnshunt typo permute" >&2
IFS=, read -r -a brand_args <<< "$brands"
# Wall and CPU (user + system) seconds of each pass, from GNU time.
times=()
for _ in $(seq "$repeats"); do
    /usr/bin/time -f "%e %U %S" -o "$work/time.txt" \
        "$dnshunt" typo permute "${brand_args[@]}" --fuzzers "$fuzzers" > "$work/ours.csv"
    times+=("$(tail -n 1 "$work/time.txt" | tr ' ' ,)")
done
rows=$(($(wc -l < "$work/ours.csv") - 1))
"$python" - "$work/dnstwist.json" "$rows" "${times[@]}" <<'PY'
import json, statistics, sys
theirs = json.load(open(sys.argv[1]))
rows = int(sys.argv[2])
passes = [[float(x) for x in t.split(",")] for t in sys.argv[3:]]
seconds = statistics.median(p[0] for p in passes)
cpu = statistics.median(p[1] + p[2] for p in passes)
print(json.dumps({"tool": "dnshunt (whole process, output included)", "permutations": rows,
                  "seconds": seconds, "permutations_per_second": rows / seconds,
                  "cpu_seconds": cpu, "permutations_per_cpu_second": rows / cpu,
                  "ratio_vs_dnstwist_wall": rows / seconds / theirs["permutations_per_second"],
                  "ratio_vs_dnstwist_cpu": rows / cpu / theirs["permutations_per_cpu_second"]}))
PY

echo "== lookalike search: 1,000,000 names against 500 brands" >&2
# The brands: the first 500 distinct registered labels of the Alexa list, split by dnshunt itself
# (public suffixes such as blogspot.com are not brands).
awk -F, 'NR > 1 && $2 !~ /\// { print $2; if (++n == 2000) exit }' "$shared/seed-data/alexa_100k.txt" > "$work/top.txt"
"$dnshunt" features --file "$work/top.txt" --format json > "$work/top.json"
"$python" - "$shared/seed-data/alexa_100k.txt" "$work" <<'PY'
import json, sys
brands, labels = [], set()
for line in open(sys.argv[2] + "/top.json"):
    row = json.loads(line)
    label, domain = row.get("domain_label"), row.get("registered_domain")
    if label and domain and len(label) >= 2 and label not in labels:
        labels.add(label); brands.append(domain)
    if len(brands) == 500:
        break
assert len(brands) == 500, len(brands)
open(sys.argv[2] + "/watchlist.txt", "w").write("\n".join(brands) + "\n")
rows = [l.split(",", 1)[1].strip() for l in open(sys.argv[1]).read().splitlines()[1:]]
rows = [r for r in rows if "/" not in r]
prefixes = ["www", "mail", "api", "cdn", "m", "shop", "login", "static", "img", "dev", "portal"]
names = list(dict.fromkeys(f"{p}.{r}" for p in prefixes for r in rows))[:1_000_000]
assert len(names) == 1_000_000, len(names)
open(sys.argv[2] + "/names.txt", "w").write("\n".join(names) + "\n")
PY
status=0
/usr/bin/time -f "%e %U %S" -o "$work/time.txt" \
    "$dnshunt" typo match --brands "$work/watchlist.txt" --file "$work/names.txt" \
    > "$work/matches.csv" 2> "$work/match-stderr.txt" || status=$?
if [ "$status" -gt 1 ]; then cat "$work/match-stderr.txt" >&2; exit "$status"; fi
read -r wall user sys < <(tail -n 1 "$work/time.txt")
echo "{\"tool\": \"dnshunt typo match\", \"names\": 1000000, \"brands\": 500, \"seconds\": $wall, \"cpu_seconds\": $(echo "$user + $sys" | bc), \"matches\": $(($(wc -l < "$work/matches.csv") - 1))}"
