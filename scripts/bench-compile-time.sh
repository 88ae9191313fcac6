#!/usr/bin/env bash
# Compile-time cost of the attribute: a generated crate with 100 actix handlers, built in release
# with warm dependencies, with and without `#[metered]` on every handler (a cargo feature toggles
# it). Prints the median of N rebuilds of the crate itself and the expansion size per handler
# (from rustc's expanded output; -Zunpretty needs RUSTC_BOOTSTRAP=1 on a stable toolchain).
#
# A third variant, `nested`, has no metrics at all: each handler only awaits an inner copy of
# itself. It is the cost of any attribute that keeps the user's function intact inside another.
#
# Usage: scripts/bench-compile-time.sh [rebuilds per variant, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
runs="${1:-5}"
dir="$root/target/compile-bench"
mkdir -p "$dir/src"
export CARGO_TARGET_DIR="$dir/target"

cat >"$dir/Cargo.toml" <<TOML
[package]
name = "hundred-handlers"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[features]
metered = []
nested = []

[dependencies]
handler-metrics = { path = "$root" }
actix-web = { version = "4.18", default-features = false, features = ["macros"] }
TOML

{
    echo "//! 100 handlers; \`--features metered\` puts #[metered] on each."
    echo "use actix_web::{get, web};"
    for i in $(seq 1 100); do
        body="Ok(format!(\"$i {id}\"))"
        echo "#[cfg(not(feature = \"nested\"))]"
        echo "#[get(\"/r$i/{id}\")]"
        echo "#[cfg_attr(feature = \"metered\", handler_metrics::metered)]"
        echo "async fn h$i(id: web::Path<u32>) -> Result<String, actix_web::Error> { $body }"
        echo "#[cfg(feature = \"nested\")]"
        echo "#[get(\"/r$i/{id}\")]"
        echo "async fn h$i(id: web::Path<u32>) -> Result<String, actix_web::Error> {"
        echo "    async fn h$i(id: web::Path<u32>) -> Result<String, actix_web::Error> { $body }"
        echo "    h$i(id).await"
        echo "}"
    done
    echo "/// Registers every handler."
    echo "pub fn configure(cfg: &mut web::ServiceConfig) {"
    for i in $(seq 1 100); do echo "    cfg.service(h$i);"; done
    echo "}"
} >"$dir/src/lib.rs"

build() { cargo build -q --release --manifest-path "$dir/Cargo.toml" "$@"; }
build; build --features metered; build --features nested   # warm the dependencies

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
time_variant() {
    for _ in $(seq 1 "$runs"); do
        touch "$dir/src/lib.rs"
        start=$(date +%s%N)
        build "$@"
        end=$(date +%s%N)
        echo $(( (end - start) / 1000000 ))
    done | median
}
plain=$(time_variant)
nested=$(time_variant --features nested)
metered=$(time_variant --features metered)

expanded_size() {
    RUSTC_BOOTSTRAP=1 cargo rustc -q --release --lib --manifest-path "$dir/Cargo.toml" "$@" -- -Zunpretty=expanded | wc -c
}
plain_bytes=$(expanded_size)
metered_bytes=$(expanded_size --features metered)

echo "100 handlers, release, warm dependencies, median of $runs rebuilds; $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(rustc --version)"
printf '| variant | build (s) | ratio | expanded source (bytes) |\n|---|---|---|---|\n'
awk -v p="$plain" -v n="$nested" -v m="$metered" -v pb="$plain_bytes" -v mb="$metered_bytes" 'BEGIN {
    printf "| without attribute | %.2f | 1.00 | %d |\n", p / 1000, pb
    printf "| nested: each handler awaits an inner copy of itself, no metrics | %.2f | %.3f | |\n", n / 1000, n / p
    printf "| #[metered] on each | %.2f | %.3f | %d |\n", m / 1000, m / p, mb
}'
echo "expansion added per handler: $(( (metered_bytes - plain_bytes) / 100 )) bytes of expanded source"
