#!/usr/bin/env bash
# The dependency floors we declare are true: with every direct dependency at the lowest version
# its requirement allows (Cargo's nightly `-Z direct-minimal-versions`; what they depend on at
# the newest that fits), the three published crates build with every feature. (The test crates'
# and dev-dependencies' floors must resolve for that, but their targets are not built here: they
# reach no user.)
#
# This checks the floors, not `rust-version`: no toolchain older than the installed stable and
# nightly can be installed on these machines (see README, "Supported versions").
#
# Runs in a copy of the checkout, so the workspace's `Cargo.lock` is never touched; builds in
# `target/minimal-versions`. Needs the nightly toolchain (installed beside stable here).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "check-minimal-versions: the nightly toolchain is missing (rustup toolchain install nightly)" >&2
    exit 1
fi

copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
tar --exclude=./target --exclude=./benches --exclude=./.git -cf - . | tar -xf - -C "$copy"
cd "$copy"
export CARGO_TARGET_DIR="$root/target/minimal-versions"

cargo +nightly update --quiet -Z direct-minimal-versions
cargo +nightly check --quiet -p handler-metrics -p handler-metrics-runtime -p handler-metrics-macros \
    --all-features
echo "check-minimal-versions: the declared dependency floors build"
