#!/usr/bin/env bash
# What exemplars cost per request, in instructions (callgrind, as scripts/bench-instructions.sh):
# the `#[metered]` request of `benches/src/bin/service_stack.rs` on both frameworks, built
# without the `opentelemetry` feature (today's hot path), with it but no trace present, and with
# it inside a sampled OpenTelemetry context (each request offers an exemplar; a bucket takes one
# at most every 100 ms, so nearly all of them only check the slot's time).
#
# Usage: scripts/bench-exemplars.sh [N, default 2000]   (installs Debian's valgrind if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"

. scripts/lib/debian.sh
. scripts/lib/service-stack.sh
command -v valgrind >/dev/null || install_debian_packages valgrind

plain_dir="${CARGO_TARGET_DIR:-$PWD/target/benches}"
otel_dir="$PWD/target/benches-opentelemetry"
CARGO_TARGET_DIR="$plain_dir" cargo build -q --release --manifest-path benches/Cargo.toml --bin service_stack
CARGO_TARGET_DIR="$otel_dir" cargo build -q --release --manifest-path benches/Cargo.toml --bin service_stack --features opentelemetry

per_request() {
    service_stack_per_request "$1/release/service_stack" "$2" "$n" "${3:-}"
}

echo "valgrind --tool=callgrind, instructions in $n requests / $n, after warm-up; $(valgrind --version)"
echo
echo "| framework | bare handler | \`#[metered]\`, feature off | feature on, no trace | feature on, sampled trace |"
echo "|---|---|---|---|---|"
for framework in actix axum; do
    bare="$(per_request "$plain_dir" "$framework-bare-4")"
    off="$(per_request "$plain_dir" "$framework-metered-4")"
    on="$(per_request "$otel_dir" "$framework-metered-4")"
    traced="$(per_request "$otel_dir" "$framework-metered-4" traced)"
    echo "| $framework | $bare | $off (+$((off - bare))) | $on (+$((on - bare))) | $traced (+$((traced - bare))) |"
done
