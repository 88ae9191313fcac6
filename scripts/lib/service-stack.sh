# Counting instructions per request in `benches/src/bin/service_stack.rs`, sourced by the
# `scripts/bench-*.sh` that do.

# Instructions per request of `service_stack one SPEC REQUESTS [EXTRA]` run from the binary BIN,
# counted by callgrind inside the request loop only (`counted_requests`), so that start-up and
# the warm-up are left out.
# Usage: service_stack_per_request BIN SPEC REQUESTS [EXTRA]
service_stack_per_request() {
    local bin="$1" spec="$2" requests="$3" extra="${4:-}" collected
    collected="$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        --toggle-collect='*counted_requests*' "$bin" one "$spec" "$requests" $extra 2>&1 \
        | sed -n 's/.*Collected : *\([0-9]*\).*/\1/p')"
    echo $((collected / requests))
}
