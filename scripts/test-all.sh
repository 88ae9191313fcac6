#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine: unit, integration (real actix servers on
# 127.0.0.1), trybuild UI cases, the quickstart example end to end, the real-Prometheus tests, and
# doc tests.
#
# Setup: a Rust toolchain, plus Prometheus and promtool from Debian's `prometheus` package,
# installed here when missing (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib/debian.sh
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
    echo "test-all: installing Debian's prometheus package (prometheus, promtool)"
    install_debian_packages prometheus
    # The package enables a service; tests start their own servers on free ports instead.
    as_root pkill -x prometheus 2>/dev/null || true
fi
prometheus --version 2>&1 | head -n 1
promtool --version 2>&1 | head -n 1

# Keep trybuild's expectations authoritative: never let a stray TRYBUILD=overwrite rewrite them.
unset TRYBUILD

# --show-output: the load, fault, hostile-traffic and Prometheus tests print what they measured.
cargo test --workspace --locked --no-fail-fast -- --show-output
