#!/usr/bin/env bash
# Instructions per request through the framework's service stack, counted by valgrind's
# callgrind (repeatable where wall-clock time on these VMs drifts ±10 %): every variant of
# `benches/src/bin/service_stack.rs` serves N requests after its warm-up, and callgrind collects
# only inside the function that makes them, so start-up (the clock's calibration, which varies
# from run to run) is left out; the count divided by N is one request's instructions.
#
# Usage: scripts/bench-instructions.sh [N, default 2000]   (installs Debian's valgrind if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-2000}"

. scripts/lib/debian.sh
. scripts/lib/service-stack.sh
command -v valgrind >/dev/null || install_debian_packages valgrind

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/benches}"
cargo build -q --release --manifest-path benches/Cargo.toml --bin service_stack
bin="$CARGO_TARGET_DIR/release/service_stack"

# Instructions per request of the variant `$1` (with the `service_stack one` option `$2`, if
# any), each measured once: the tables below share variants.
cache="$(mktemp -d)"
trap 'rm -rf "$cache"' EXIT
per_request() {
    local file="$cache/$1${2:+-$2}"
    [ -f "$file" ] || service_stack_per_request "$bin" "$1" "$n" "${2:-}" >"$file"
    cat "$file"
}

echo "valgrind --tool=callgrind, instructions in $n requests / $n, after warm-up; $(valgrind --version)"
echo
echo "| framework | routes | bare handler | \`#[metered]\` | \`#[metered]\` adds | the same by hand adds | \`HttpRequest\` + \`match_pattern()\` alone adds |"
echo "|---|---|---|---|---|---|---|"
for framework in actix axum; do
    for routes in 4 13 53 203; do
        bare="$(per_request "$framework-bare-$routes")"
        metered="$(per_request "$framework-metered-$routes")"
        by_hand="$(per_request "$framework-byhand-$routes")"
        if [ "$framework" = actix ]; then
            pattern="$(( $(per_request "$framework-pattern-$routes") - bare ))"
        else
            pattern="— (none needed: \`MatchedPath\`)"
        fi
        echo "| $framework | $routes | $bare | $metered | **$((metered - bare))** | $((by_hand - bare)) | $pattern |"
    done
done

# The companion layer (`handler_metrics::axum::layer()` with `Router::layer`,
# `handler_metrics::actix::middleware()` with `App::wrap`) against the bare handler of the same app;
# what any layer costs there (a layer that only forwards: axum's `Router::layer` clones each route's
# boxed service and boxes its future once more per request); on axum, the companion layer wrapped
# around the whole `Router` instead; and the peers' middleware counted the same way in the same
# run: actix-web-prom's (actix-web) and axum-prometheus's layer (axum), each at its defaults.
echo
echo "| framework | routes | bare handler | \`#[metered]\` adds | a forwarding layer adds | layer + \`#[metered]\` adds | layer, unmetered handler adds | layer around the whole \`Router\`, unmetered, adds | peer adds (actix-web-prom / axum-prometheus) |"
echo "|---|---|---|---|---|---|---|---|---|"
for framework in actix axum; do
    for routes in 4 13 53 203; do
        bare="$(per_request "$framework-bare-$routes")"
        metered="$(per_request "$framework-metered-$routes")"
        forward="$(per_request "$framework-forward-$routes")"
        layered="$(per_request "$framework-layered-$routes")"
        layer_bare="$(per_request "$framework-layerbare-$routes")"
        if [ "$framework" = axum ]; then
            outer="$(( $(per_request "$framework-outer-$routes") - bare ))"
        else
            outer="—"
        fi
        peer="$(per_request "$framework-peer-$routes")"
        echo "| $framework | $routes | $bare | $((metered - bare)) | $((forward - bare)) | **$((layered - bare))** | **$((layer_bare - bare))** | $outer | $((peer - bare)) |"
    done
done

# Native histograms (`Config::native_histograms`): the same `#[metered]` and layered requests with
# them on. The durations of a run stay in a few buckets, whose chunks the warm-up allocates.
echo
echo "| framework | routes | \`#[metered]\` | \`#[metered]\`, native on | native adds | layer + \`#[metered]\` | the same, native on | native adds |"
echo "|---|---|---|---|---|---|---|---|"
for framework in actix axum; do
    for routes in 4 203; do
        metered="$(per_request "$framework-metered-$routes")"
        metered_native="$(per_request "$framework-metered-$routes" native)"
        layered="$(per_request "$framework-layered-$routes")"
        layered_native="$(per_request "$framework-layered-$routes" native)"
        echo "| $framework | $routes | $metered | $metered_native | **$((metered_native - metered))** | $layered | $layered_native | **$((layered_native - layered))** |"
    done
done
