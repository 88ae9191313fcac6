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

# Installs the PyPI package SPEC (name==version) with pip when `import MODULES` fails, for the
# machine's python3, or for the current user where the system's packages are not writable.
python_package() {
    local modules="$1" spec="$2"
    if ! python3 -c "import $modules" 2>/dev/null; then
        echo "test-all: installing $spec with pip"
        python3 -m pip install --quiet --disable-pip-version-check "$spec" \
            || python3 -m pip install --quiet --disable-pip-version-check --user \
                --break-system-packages "$spec"
    fi
    python3 -c "import importlib.metadata as m; print('$spec'.split('==')[0], m.version('$spec'.split('==')[0]))"
}
# The Python Prometheus client, whose parsers check our text formats.
python_package prometheus_client.openmetrics.parser 'prometheus_client==0.26.0'
# The independent protobuf decoder: Google's protobuf runtime, and the `protoc` that grpcio-tools
# ships to compile client_model's `metrics.proto` (tests/support/decode_protobuf.py).
python_package 'grpc_tools.protoc, google.protobuf' 'grpcio-tools==1.85.4'

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
