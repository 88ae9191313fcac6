#!/usr/bin/env bash
# The three published crates, packaged as `cargo publish` would upload them, build from their
# `.crate` files with every feature: Cargo unpacks each into `target/check-package/package/` and
# builds it there against the others' packaged files (not the workspace's sources), as a user
# downloads them. Also shows what the facade ships: its library, README and changelog, no tests or
# scripts.
set -euo pipefail
cd "$(dirname "$0")/.."

crates=(-p handler-metrics -p handler-metrics-macros -p handler-metrics-runtime)

# Cargo verifies the facade against the other two through a temporary local registry under
# `<target>/package/`, and reuses what it made of an earlier run's copies with the same version:
#   - it unpacks their `.crate` files into `$CARGO_HOME/registry/src/-<hash of that path>/` and
#     never unpacks the same name and version there again, so a checkout at a path that was
#     packaged before (CI's, a developer's) would build against that earlier run's sources;
#   - a registry crate's build counts as fresh whatever its sources, so an earlier build of the
#     copies would be linked too.
# So both go first: the unpacked copies (only local registries' folders start with `-`; crates.io's
# are left alone), and the builds in a target folder of the check's own, where the only crates of
# these names are the packaged copies (the workspace's own builds stay as they are).
cargo_home=${CARGO_HOME:-$HOME/.cargo}
rm -rf "$cargo_home"/registry/src/-*/handler-metrics-{macros,runtime}-[0-9]*
export CARGO_TARGET_DIR=target/check-package
rm -rf "$CARGO_TARGET_DIR"/debug/{.fingerprint,deps,build,incremental}/*handler[-_]metrics*

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
