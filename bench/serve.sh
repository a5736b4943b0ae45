#!/usr/bin/env bash
# Load benchmark of dnshunt-serve with wrk (Debian package): domains per second and latency
# percentiles for batches of 1 and of 100 names, against the release binary on 127.0.0.1.
#
# Environment: PORT (default 18080), DURATION (default 20s), CONNECTIONS (default 32),
# THREADS (wrk threads, default 1: the server gets the other core).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
port="${PORT:-18080}"
duration="${DURATION:-20s}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-1}"

command -v wrk >/dev/null || { echo "error: wrk is missing: apt-get install wrk" >&2; exit 1; }
cargo build --release -p dnshunt-serve
home="$(mktemp -d)"
"$target/release/dnshunt-serve" --home "$home" --listen "127.0.0.1:$port" 2>"$home/serve.log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$home"' EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.1
done

for batch in 1 100; do
    echo "== batches of $batch name(s), $connections connections, $duration"
    BATCH="$batch" wrk -t "$threads" -c "$connections" -d "$duration" --latency \
        -s bench/serve/score.lua "http://127.0.0.1:$port/v1/score"
done
