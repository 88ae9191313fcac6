#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine: unit, integration (real actix servers on
# 127.0.0.1), trybuild UI cases, the quickstart example end to end, the real-Prometheus tests, doc
# tests, and the crate as users get it: user crates outside the workspace resolved afresh from
# crates.io, every feature combination under clippy, the packaged crates, the dependency floors.
#
# Setup: the stable Rust toolchain and the nightly one (for `-Z direct-minimal-versions` only),
# access to crates.io, plus Prometheus and promtool from Debian's `prometheus` package, installed
# here when missing (as root, or through sudo), and the Python Prometheus client
# (`prometheus_client` from PyPI, whose OpenMetrics parser checks our output) and grpcio-tools
# (its `protoc` and protobuf runtime decode our protobuf output), installed with pip for the
# current user's python3 when missing.
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

if ! python3 -c 'import prometheus_client.openmetrics.parser' 2>/dev/null; then
    echo "test-all: installing the Python Prometheus client (prometheus_client) with pip"
    python3 -m pip install --quiet --disable-pip-version-check 'prometheus_client==0.26.0' \
        || python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages \
            'prometheus_client==0.26.0'
fi
python3 -c 'import importlib.metadata as m; print("prometheus_client", m.version("prometheus_client"))'

# The independent protobuf decoder: Google's protobuf runtime, and the `protoc` that grpcio-tools
# ships to compile client_model's `metrics.proto` (tests/support/decode_protobuf.py).
if ! python3 -c 'import grpc_tools.protoc, google.protobuf' 2>/dev/null; then
    echo "test-all: installing grpcio-tools (protoc and the protobuf runtime) with pip"
    python3 -m pip install --quiet --disable-pip-version-check 'grpcio-tools==1.85.4' \
        || python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages \
            'grpcio-tools==1.85.4'
fi
python3 -c 'import importlib.metadata as m; print("grpcio-tools", m.version("grpcio-tools"), "protobuf", m.version("protobuf"))'

# The crate as users get it: every feature combination (ours with `prometheus`'s) passes clippy,
# the packaged crates build from their `.crate` files, and the declared dependency floors build.
# The user crates outside the workspace are built and scraped by `tests/user_crates.rs` below.
# Each says how long it took, to keep CI's time in view.
for check in check-features check-package check-minimal-versions; do
    started=$SECONDS
    "./scripts/${check}.sh"
    echo "test-all: ${check} took $((SECONDS - started)) s"
done

# Keep trybuild's expectations authoritative: never let a stray TRYBUILD=overwrite rewrite them.
unset TRYBUILD

# --show-output: the load, fault, hostile-traffic and Prometheus tests print what they measured.
cargo test --workspace --locked --no-fail-fast -- --show-output
