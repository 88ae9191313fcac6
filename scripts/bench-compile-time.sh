#!/usr/bin/env bash
# Compile-time cost of the attribute: a generated crate with 100 handlers, built in release with
# warm dependencies, with and without `#[metered]` on every handler (a cargo feature toggles it),
# for actix-web and for axum. Prints the median of N rebuilds of the crate itself (the variants
# alternate within every round), in wall-clock time and in CPU time (user + sys of cargo and the
# compiler, from GNU time: less moved by what else the VM's host runs), and the expansion size
# per handler (from rustc's expanded output; -Zunpretty needs RUSTC_BOOTSTRAP=1 on a stable
# toolchain).
#
# A third variant, `nested`, has no metrics at all: each handler only awaits an inner copy of
# itself. It is the cost of any attribute that keeps the user's function intact inside another.
# A fourth, `by hand`, is the recording written by hand the cheapest way the runtime's public API
# allows: each handler awaits an inner copy of itself between `Metrics::begin` and
# `Recording::finish` with the status of its response, both in functions out of line shared by
# every handler (a panic or a cancellation is still counted, by the recording's `Drop`; an
# extractor's rejection is not, as the handler never runs). It is what the same recording costs
# without an attribute.
#
# Usage: scripts/bench-compile-time.sh [rebuilds per variant, default 5] [actix|axum|both, default both]
#        scripts/bench-compile-time.sh ir [actix|axum|both]
#        scripts/bench-compile-time.sh instructions [actix|axum|both]
#
# The `ir` form times nothing: it counts the lines of the crate's LLVM IR before optimisation
# (`--emit=llvm-ir -C no-prepopulate-passes -C codegen-units=1`), which repeat exactly, and prints
# what each variant adds per handler over the crate without the attribute: the code the compiler
# is given per handler, the steady counterpart of the timings. It also prints the machine code
# each variant adds per handler in a normal release build (the sizes of the functions in the
# crate's object files, after optimisation, with the default codegen units), which is what LLVM
# spends its time making: the unit holding the handlers is the longest job of the build.
#
# The `instructions` form counts the instructions the compiler executes to build the crate, each
# variant once, under valgrind's callgrind (every thread of rustc and LLVM counted; about 50
# times slower than a build, some 4 to 5 minutes a variant here). The count repeats within a
# fraction of a percent where the timings on these VMs move by 10 %, so it is the steady form of
# the timed ratio. Keeps each variant's profile under target/compile-bench/callgrind, to see where
# the instructions go. Installs Debian's valgrind if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
# One target directory for every variant and framework: the dependencies are built once.
export CARGO_TARGET_DIR="$root/target/compile-bench/target"
runs="${1:-5}"
frameworks="${2:-both}"
mode=time
if [ "$runs" = ir ] || [ "$runs" = instructions ]; then mode="$runs"; fi
if [ "$frameworks" = both ]; then frameworks="actix axum"; fi

. scripts/lib/debian.sh
[ -x /usr/bin/time ] || install_debian_packages time

# Writes the crate for framework $1 into $2.
generate() {
    local framework="$1" dir="$2"
    mkdir -p "$dir/src"
    local deps imports attr signature call by_hand_signature by_hand_begin by_hand_finish by_hand_helpers
    if [ "$framework" = actix ]; then
        deps='handler-metrics = { path = "'"$root"'" }
actix-web = { version = "4.18", default-features = false, features = ["macros"] }'
        imports="use actix_web::{get, web};"
        attr="handler_metrics::metered"
        signature="(id: web::Path<u32>) -> Result<String, actix_web::Error>"
        call="(id)"
        by_hand_signature="(id: web::Path<u32>, request: actix_web::HttpRequest) -> actix_web::HttpResponse"
        by_hand_begin="by_hand::begin(&SITE, &request)"
        by_hand_finish="by_hand::finish(recording, output, &request)"
        by_hand_helpers='    use actix_web::{HttpRequest, HttpResponse, Responder};
    use handler_metrics::{HandlerSite, Metrics, Recording};

    #[inline(never)]
    pub fn begin(site: &'"'"'static HandlerSite, request: &HttpRequest) -> Recording {
        let template = request.match_pattern();
        Metrics::global().begin(site, template.as_deref(), request.method().as_str())
    }

    #[inline(never)]
    pub fn finish<O: Responder>(recording: Recording, output: O, request: &HttpRequest) -> HttpResponse {
        let response = output.respond_to(request).map_into_boxed_body();
        recording.finish(response.status().as_u16());
        response
    }'
    else
        deps='handler-metrics = { path = "'"$root"'", default-features = false, features = ["axum"] }
axum = { version = "0.8", default-features = false, features = ["matched-path"] }'
        imports="use axum::{extract::Path, http::StatusCode, routing::get, Router};"
        attr="handler_metrics::axum::metered"
        signature="(Path(id): Path<u32>) -> Result<String, StatusCode>"
        call="(Path(id))"
        by_hand_signature="(template: axum::extract::MatchedPath, method: axum::http::Method, Path(id): Path<u32>) -> axum::response::Response"
        by_hand_begin="by_hand::begin(&SITE, &template, &method)"
        by_hand_finish="by_hand::finish(recording, output)"
        by_hand_helpers='    use axum::extract::MatchedPath;
    use axum::http::Method;
    use axum::response::{IntoResponse, Response};
    use handler_metrics::{HandlerSite, Metrics, Recording};

    #[inline(never)]
    pub fn begin(site: &'"'"'static HandlerSite, template: &MatchedPath, method: &Method) -> Recording {
        Metrics::global().begin(site, Some(template.as_str()), method.as_str())
    }

    #[inline(never)]
    pub fn finish<O: IntoResponse>(recording: Recording, output: O) -> Response {
        let response = output.into_response();
        recording.finish(response.status().as_u16());
        response
    }'
    fi
    cat >"$dir/Cargo.toml" <<TOML
[package]
name = "hundred-handlers-$framework"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[features]
metered = []
nested = []
by-hand = []

[dependencies]
$deps
TOML
    {
        echo "//! 100 $framework handlers; \`--features metered\` puts #[metered] on each."
        echo "$imports"
        echo "/// The recording written by hand, shared by every handler."
        echo "#[cfg(feature = \"by-hand\")]"
        echo "mod by_hand {"
        echo "$by_hand_helpers"
        echo "}"
        for i in $(seq 1 100); do
            local body="Ok(format!(\"$i {id}\"))"
            local route=""
            if [ "$framework" = actix ]; then route="#[get(\"/r$i/{id}\")]"; fi
            echo "#[cfg(not(any(feature = \"nested\", feature = \"by-hand\")))]"
            echo "$route"
            echo "#[cfg_attr(feature = \"metered\", $attr)]"
            echo "async fn h$i$signature { $body }"
            echo "#[cfg(feature = \"nested\")]"
            echo "$route"
            echo "async fn h$i$signature {"
            echo "    async fn h$i$signature { $body }"
            echo "    h$i$call.await"
            echo "}"
            echo "#[cfg(feature = \"by-hand\")]"
            echo "$route"
            echo "async fn h$i$by_hand_signature {"
            echo "    async fn h$i$signature { $body }"
            echo "    static SITE: handler_metrics::HandlerSite = handler_metrics::HandlerSite::new(\"h$i\", &[], &[]);"
            echo "    let recording = $by_hand_begin;"
            echo "    let output = h$i$call.await;"
            echo "    $by_hand_finish"
            echo "}"
        done
        if [ "$framework" = actix ]; then
            echo "/// Registers every handler."
            echo "pub fn configure(cfg: &mut web::ServiceConfig) {"
            for i in $(seq 1 100); do echo "    cfg.service(h$i);"; done
            echo "}"
        else
            echo "/// Every handler, routed."
            echo "pub fn router() -> Router {"
            echo "    Router::new()"
            for i in $(seq 1 100); do echo "        .route(\"/r$i/{id}\", get(h$i))"; done
            echo "}"
        fi
    } >"$dir/src/lib.rs"
}

# Sets `dir` to framework $1's crate and writes the crate there.
prepare() {
    dir="$root/target/compile-bench/$1"
    generate "$1" "$dir"
}

# Builds the crate in `dir`, with cargo's arguments $@ (`--features metered`, say).
build() { cargo build -q --release --manifest-path "$dir/Cargo.toml" "$@"; }

# Builds the dependencies of every variant, so that a measured build rebuilds the crate alone.
warm() { build; build --features metered; build --features nested; build --features by-hand; }

if [ "$mode" = ir ]; then
    command -v nm >/dev/null || install_debian_packages binutils
    echo "Added per handler over the crate without the attribute: LLVM IR lines before optimisation, and bytes of machine code in a release build; $(rustc --version)"
    echo
    printf '| framework | IR, nested | IR, by hand | IR, #[metered] | code bytes, nested | code bytes, by hand | code bytes, #[metered] |\n|---|---|---|---|---|---|---|\n'
    for framework in $frameworks; do
        prepare "$framework"
        ir_lines() {
            local file="$CARGO_TARGET_DIR/ir-$framework.ll"
            touch "$dir/src/lib.rs"
            cargo rustc -q --release --lib --manifest-path "$dir/Cargo.toml" "$@" -- \
                --emit=llvm-ir="$file" -C no-prepopulate-passes -C codegen-units=1
            wc -l <"$file"
        }
        code_bytes() {
            local file="$CARGO_TARGET_DIR/code-$framework.rlib"
            touch "$dir/src/lib.rs"
            cargo rustc -q --release --lib --manifest-path "$dir/Cargo.toml" "$@" -- --emit=link="$file"
            nm -S -t d --defined-only "$file" 2>/dev/null | awk '$3 ~ /^[tTwW]$/ {sum += $2} END {print sum}'
        }
        plain=$(ir_lines); nested=$(ir_lines --features nested); metered=$(ir_lines --features metered)
        by_hand=$(ir_lines --features by-hand)
        plain_code=$(code_bytes); nested_code=$(code_bytes --features nested)
        metered_code=$(code_bytes --features metered); by_hand_code=$(code_bytes --features by-hand)
        echo "| $framework | +$(( (nested - plain) / 100 )) | +$(( (by_hand - plain) / 100 ))" \
            "| **+$(( (metered - plain) / 100 ))** | +$(( (nested_code - plain_code) / 100 ))" \
            "| +$(( (by_hand_code - plain_code) / 100 )) | **+$(( (metered_code - plain_code) / 100 ))** |"
    done
    exit 0
fi

if [ "$mode" = instructions ]; then
    command -v valgrind >/dev/null || install_debian_packages valgrind
    profiles="$root/target/compile-bench/callgrind"
    mkdir -p "$profiles"
    echo "Instructions executed by rustc to build the crate (valgrind --tool=callgrind, all threads); $(rustc --version), $(valgrind --version)"
    echo "Profiles: $profiles/<framework>-<variant>.out (callgrind_annotate --inclusive=yes)"
    echo
    printf '| framework | without the attribute | nested | ratio | by hand | ratio | **#[metered]** | **ratio** |\n|---|---|---|---|---|---|---|---|\n'
    for framework in $frameworks; do
        prepare "$framework"
        warm
        count="$(mktemp)"
        # $1: the variant; the rest, cargo's arguments for it.
        instructions() {
            local variant="$1"
            shift
            touch "$dir/src/lib.rs"
            RUSTC_WRAPPER="$root/scripts/lib/callgrind-rustc.sh" COUNT_CRATE="hundred_handlers_$framework" \
                COUNT_OUT="$count" COUNT_PROFILE="$profiles/$framework-$variant.out" build "$@"
            cat "$count"
        }
        plain=$(instructions plain); nested=$(instructions nested --features nested)
        by_hand=$(instructions by-hand --features by-hand)
        metered=$(instructions metered --features metered)
        rm -f "$count"
        awk -v f="$framework" -v p="$plain" -v n="$nested" -v h="$by_hand" -v m="$metered" 'BEGIN {
            printf "| %s | %.3f G | %.3f G | %.3f | %.3f G | %.3f | **%.3f G** | **%.3f** |\n", f, p / 1e9, n / 1e9, n / p, h / 1e9, h / p, m / 1e9, m / p
        }'
    done
    exit 0
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "100 handlers, release, warm dependencies, median of $runs rebuilds, variants alternated; $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(rustc --version)"
echo
printf '| framework | variant | build, wall (s) | ratio | build, CPU user+sys (s) | ratio | expanded source (bytes) |\n|---|---|---|---|---|---|---|\n'
for framework in $frameworks; do
    prepare "$framework"
    warm
    times="$(mktemp)"; cpu="$(mktemp)"
    for _ in $(seq 1 "$runs"); do
        for variant in plain nested by-hand metered; do
            features=()
            if [ "$variant" != plain ]; then features=(--features "$variant"); fi
            touch "$dir/src/lib.rs"
            start=$(date +%s%N)
            /usr/bin/time -f "%U %S" -o "$cpu" cargo build -q --release --manifest-path "$dir/Cargo.toml" "${features[@]}"
            end=$(date +%s%N)
            echo "$variant $(( (end - start) / 1000000 )) $(awk '{printf "%d", ($1 + $2) * 1000}' "$cpu")" >>"$times"
        done
    done
    of() { awk -v v="$1" -v c="$2" '$1 == v {print $c}' "$times" | median; }
    plain=$(of plain 2); nested=$(of nested 2); by_hand=$(of by-hand 2); metered=$(of metered 2)
    plain_cpu=$(of plain 3); nested_cpu=$(of nested 3); by_hand_cpu=$(of by-hand 3)
    metered_cpu=$(of metered 3)
    rm -f "$times" "$cpu"
    expanded_size() {
        RUSTC_BOOTSTRAP=1 cargo rustc -q --release --lib --manifest-path "$dir/Cargo.toml" "$@" -- -Zunpretty=expanded | wc -c
    }
    plain_bytes=$(expanded_size)
    metered_bytes=$(expanded_size --features metered)
    awk -v f="$framework" -v p="$plain" -v n="$nested" -v h="$by_hand" -v m="$metered" \
        -v pc="$plain_cpu" -v nc="$nested_cpu" -v hc="$by_hand_cpu" -v mc="$metered_cpu" \
        -v pb="$plain_bytes" -v mb="$metered_bytes" 'BEGIN {
        printf "| %s | without attribute | %.2f | 1.00 | %.2f | 1.00 | %d |\n", f, p / 1000, pc / 1000, pb
        printf "| %s | nested: each handler awaits an inner copy of itself, no metrics | %.2f | %.3f | %.2f | %.3f | |\n", f, n / 1000, n / p, nc / 1000, nc / pc
        printf "| %s | by hand: the same recording written without the attribute | %.2f | %.3f | %.2f | %.3f | |\n", f, h / 1000, h / p, hc / 1000, hc / pc
        printf "| %s | **#[metered] on each** | %.2f | **%.3f** | %.2f | **%.3f** | %d (+%d per handler) |\n", f, m / 1000, m / p, mc / 1000, mc / pc, mb, (mb - pb) / 100
    }'
done
