#!/usr/bin/env bash
# Every combination of our features with every combination of the `prometheus` features a user
# can turn on builds and passes `clippy -D warnings`.
#
# - The runtime: each subset of `actix`, `axum`, `opentelemetry` (none: the runtime alone), with
#   each subset of `prometheus`'s `protobuf`, `process`, `push`, turned on from the command line
#   the way a user's own `prometheus` dependency turns them on (Cargo unifies them). The runtime
#   turns `protobuf` on itself, so the subsets with and without it are one build, which Cargo
#   finds fresh; they are listed anyway, so that the list is the user's and not our shortcut.
# - The facade: each subset of its features (its code differs only by them); clippy lints the
#   runtime and the macros beside it, as workspace members.
#
# Libraries only: the workspace's `clippy --all-targets` in `.ci/run` covers tests and examples,
# which turn every feature on. Shares `target/` with the rest of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

ours=("" actix axum opentelemetry actix,axum actix,opentelemetry axum,opentelemetry
    actix,axum,opentelemetry)
theirs=("" protobuf process push protobuf,process protobuf,push process,push protobuf,process,push)

clippy() {
    cargo clippy --locked --quiet --no-default-features "$@" -- -D warnings
}

checked=0
for features in "${ours[@]}"; do
    for prometheus in "${theirs[@]}"; do
        with="${features}${prometheus:+${features:+,}prometheus/${prometheus//,/,prometheus/}}"
        echo "check-features: handler-metrics-runtime --features '${with}'"
        clippy -p handler-metrics-runtime --features "$with"
        checked=$((checked + 1))
    done
    echo "check-features: handler-metrics --features '${features}'"
    clippy -p handler-metrics --lib --features "$features"
    checked=$((checked + 1))
done
echo "check-features: ${checked} combinations build and pass clippy -D warnings"
