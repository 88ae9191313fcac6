#!/usr/bin/env bash
# What a change costs a request that does not use it: instructions per request of the bare and
# the `#[metered]` handler, counted by callgrind as `scripts/bench-instructions.sh` counts them, in
# the benchmark program of REV built twice: against the crates of REV ("before") and against the
# crates of the working tree ("after"). The benchmark program is the same on both sides, so a new
# variant added to it (which can change what the compiler inlines into the others) is not counted.
#
# Usage: scripts/bench-instructions-before-after.sh REV [N, default 2000]   (e.g. `HEAD~1`)
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:?usage: scripts/bench-instructions-before-after.sh <git revision> [requests]}"
n="${2:-2000}"

. scripts/lib/debian.sh
. scripts/lib/service-stack.sh
command -v valgrind >/dev/null || install_debian_packages valgrind

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/benches}"
work="$(mktemp -d)"
cleanup() {
    git worktree remove --force "$work/before" >/dev/null 2>&1 || true
    git worktree remove --force "$work/after" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

git worktree add -q --detach "$work/before" "$rev"
git worktree add -q --detach "$work/after" "$rev"
for path in Cargo.toml Cargo.lock src macros runtime benches/Cargo.lock; do
    rm -rf "${work:?}/after/$path"
    cp -r "$path" "$work/after/$path"
done
for side in before after; do
    cargo build -q --release --manifest-path "$work/$side/benches/Cargo.toml" --bin service_stack
    cp "$CARGO_TARGET_DIR/release/service_stack" "$work/service_stack.$side"
done

per_request() {
    service_stack_per_request "$work/service_stack.$1" "$2" "$n"
}

echo "valgrind --tool=callgrind, instructions per request ($n requests after warm-up); the benchmark program of $rev ($(git rev-parse --short "$rev")), its crates at $rev (before) and in the working tree (after)"
echo
echo "| framework | routes | bare before | bare after | \`#[metered]\` before | \`#[metered]\` after | \`#[metered]\` after − before |"
echo "|---|---|---|---|---|---|---|"
for framework in actix axum; do
    for routes in 4 13 53 203; do
        bare_before="$(per_request before "$framework-bare-$routes")"
        bare_after="$(per_request after "$framework-bare-$routes")"
        metered_before="$(per_request before "$framework-metered-$routes")"
        metered_after="$(per_request after "$framework-metered-$routes")"
        echo "| $framework | $routes | $bare_before | $bare_after | $metered_before | $metered_after | **$((metered_after - metered_before))** |"
    done
done
