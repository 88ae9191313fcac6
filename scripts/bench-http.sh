#!/usr/bin/env bash
# HTTP comparison in one run: a hello-world handler served seven ways — on actix-web: no
# instrumentation, #[metered], actix-web-prom's middleware, and no instrumentation but the
# route-template lookup (`match_pattern()`) every route-labelled metric needs; on axum: no
# instrumentation, #[metered], axum-prometheus's layer — each under wrk on 127.0.0.1. The server gets one
# worker pinned to CPU 0, wrk one thread pinned to CPU 1 (64 connections), so they do not fight
# for a core. Rounds alternate the builds; the table shows the median of the rounds.
#
# Usage: scripts/bench-http.sh [seconds per run, default 10] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
rounds="${2:-3}"
port=18090

. scripts/lib/debian.sh
command -v wrk >/dev/null || install_debian_packages wrk

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/benches}"
cargo build -q --release --manifest-path benches/Cargo.toml --bin hello_server
server_bin="$CARGO_TARGET_DIR/release/hello_server"

results="$(mktemp)"
server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi; rm -f "$results"; }
trap cleanup EXIT

for round in $(seq 1 "$rounds"); do
    for mode in plain metered actix-web-prom match-pattern axum-plain axum-metered axum-prometheus; do
        taskset -c 0 "$server_bin" "$mode" "$port" 1 &
        server_pid=$!
        for _ in $(seq 1 100); do
            curl -fs "http://127.0.0.1:$port/hello" >/dev/null 2>&1 && break
            sleep 0.05
        done
        taskset -c 1 wrk -t1 -c64 -d2s "http://127.0.0.1:$port/hello" >/dev/null   # warm-up
        out="$(taskset -c 1 wrk -t1 -c64 -d"${seconds}s" --latency "http://127.0.0.1:$port/hello")"
        rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
        p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
        errors="$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')"
        echo "$mode $round $rps $p99 $errors" >>"$results"
        kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
    done
done

echo "wrk -t1 -c64 -d${seconds}s, $rounds rounds, server 1 worker on CPU 0, wrk on CPU 1; $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
python3 - "$results" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    mode, rnd, rps, p99, *errors = line.split()
    rows.setdefault(mode, []).append((float(rps), p99, " ".join(errors)))
def ms(text):
    for unit, f in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * f
    return float("nan")
print(f"| server | req/s (median) | rounds req/s | p99 (median) | vs plain of its framework |")
print(f"|---|---|---|---|---|")
for mode in ("plain", "metered", "actix-web-prom", "match-pattern", "axum-plain", "axum-metered", "axum-prometheus"):
    plain = statistics.median(r for r, _, _ in rows["axum-plain" if mode.startswith("axum") else "plain"])
    rps = [r for r, _, _ in rows[mode]]
    p99 = statistics.median(ms(p) for _, p, _ in rows[mode])
    errors = {e for _, _, e in rows[mode] if e}
    note = f" ({'; '.join(errors)})" if errors else ""
    print(f"| {mode} | {statistics.median(rps):,.0f} | {' / '.join(f'{r:,.0f}' for r in rps)} | {p99:.2f} ms | {statistics.median(rps) / plain:.3f}{note} |")
PY
