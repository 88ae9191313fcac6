#!/usr/bin/env bash
# Runs every test of the workspace on a fresh machine: unit, integration (real actix servers on
# 127.0.0.1), trybuild UI cases, the quickstart example end to end, and doc tests.
#
# Setup: only a Rust toolchain is needed so far. Tests that need system tools install them here,
# from Debian's packages, when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Keep trybuild's expectations authoritative: never let a stray TRYBUILD=overwrite rewrite them.
unset TRYBUILD

cargo test --workspace --locked --no-fail-fast
