#!/usr/bin/env bash
# The three published crates, packaged as `cargo publish` would upload them, build from their
# `.crate` files with every feature: Cargo unpacks each into `target/package/` and builds it
# there against the others' packaged files (not the workspace's sources), as a user downloads
# them. Also shows what the facade ships: its library, README and changelog, no tests or scripts.
set -euo pipefail
cd "$(dirname "$0")/.."

crates=(-p handler-metrics -p handler-metrics-macros -p handler-metrics-runtime)

echo "check-package: the files of the facade's package"
cargo package --locked --allow-dirty --list -p handler-metrics 2>/dev/null | sed 's/^/    /'
# `--allow-dirty`: CI's checkout is clean, but a developer runs this mid-change too. Cargo says
# "ignoring test ..." for each test the package leaves out; those lines are expected.
set +o pipefail
cargo package --locked --allow-dirty --all-features "${crates[@]}" 2>&1 |
    grep -v '^warning: ignoring \(test\|example\) '
status=${PIPESTATUS[0]}
set -o pipefail
if [ "$status" -ne 0 ]; then
    echo "check-package: packaging or building the packaged crates failed" >&2
    exit 1
fi
echo "check-package: the packaged crates build from their .crate files"
