#!/usr/bin/env bash
# HTTP comparison in one run: a hello-world handler served seven ways — on actix-web: no
# instrumentation, #[metered], actix-web-prom's middleware, and no instrumentation but the
# route-template lookup (`match_pattern()`) every route-labelled metric needs; on axum: no
# instrumentation, #[metered], axum-prometheus's layer — each under wrk on 127.0.0.1. The server gets one
# worker pinned to CPU 0, wrk one thread pinned to CPU 1 (64 connections), so they do not fight
# for a core. Rounds alternate the builds; the table shows the median of the rounds.
#
# Two ratios to the uninstrumented server of the same framework, each the median over rounds of
# the ratio within a round (a build and its plain one run a few seconds apart, so the VM's drift
# between rounds cancels): requests per second, and the server's CPU time per request (user +
# system, from /proc, over the measured run only; the steadier of the two where the server is not
# the only bottleneck: it is what a request costs the server, whatever wrk manages to send).
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
# The server's user + system CPU time so far, in clock ticks (fields 14 and 15 of its stat; the
# command name before them is in parentheses and has no spaces here).
server_cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

for round in $(seq 1 "$rounds"); do
    for mode in plain metered actix-web-prom match-pattern axum-plain axum-metered axum-prometheus; do
        taskset -c 0 "$server_bin" "$mode" "$port" 1 &
        server_pid=$!
        for _ in $(seq 1 100); do
            curl -fs "http://127.0.0.1:$port/hello" >/dev/null 2>&1 && break
            sleep 0.05
        done
        taskset -c 1 wrk -t1 -c64 -d2s "http://127.0.0.1:$port/hello" >/dev/null   # warm-up
        cpu_before="$(server_cpu_ticks)"
        out="$(taskset -c 1 wrk -t1 -c64 -d"${seconds}s" --latency "http://127.0.0.1:$port/hello")"
        cpu_ticks=$(( $(server_cpu_ticks) - cpu_before ))
        requests="$(awk '/requests in/ {print $1}' <<<"$out")"
        rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
        p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
        errors="$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')"
        cpu_ns=$(( cpu_ticks * 1000000000 / $(getconf CLK_TCK) / requests ))
        echo "$mode $round $rps $p99 $cpu_ns $errors" >>"$results"
        kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
    done
done

echo "wrk -t1 -c64 -d${seconds}s, $rounds rounds, server 1 worker on CPU 0, wrk on CPU 1; $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
python3 - "$results" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    mode, rnd, rps, p99, cpu_ns, *errors = line.split()
    rows.setdefault(mode, {})[int(rnd)] = (float(rps), p99, int(cpu_ns), " ".join(errors))
def thousands(x):
    return f"{x:,.0f}".replace(",", " ")
def ms(text):
    for unit, f in (("us", 1e-3), ("ms", 1.0), ("s", 1e3)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * f
    return float("nan")
print("| server | req/s (median) | rounds req/s | req/s vs plain (paired median) | server CPU per request (median) | CPU per request vs plain (paired median) | p99 (median) |")
print("|---|---|---|---|---|---|---|")
for mode in ("plain", "metered", "actix-web-prom", "match-pattern", "axum-plain", "axum-metered", "axum-prometheus"):
    plain = rows["axum-plain" if mode.startswith("axum") else "plain"]
    runs = rows[mode]
    rps = [runs[r][0] for r in sorted(runs)]
    rps_ratio = statistics.median(runs[r][0] / plain[r][0] for r in runs)
    cpu = statistics.median(runs[r][2] for r in runs)
    cpu_ratio = statistics.median(runs[r][2] / plain[r][2] for r in runs)
    p99 = statistics.median(ms(runs[r][1]) for r in runs)
    errors = {runs[r][3] for r in runs if runs[r][3]}
    note = f" ({'; '.join(errors)})" if errors else ""
    print(f"| {mode} | {thousands(statistics.median(rps))} | {' / '.join(thousands(r) for r in rps)} | {rps_ratio:.3f}{note} | {cpu / 1000:.2f} µs | {cpu_ratio:.3f} | {p99:.2f} ms |")
PY
