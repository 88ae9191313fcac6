#!/usr/bin/env bash
# A RUSTC_WRAPPER for scripts/bench-compile-time.sh: runs rustc as cargo asks, except for the
# crate named by $COUNT_CRATE, which it runs under valgrind's callgrind (no cache simulation) and
# whose instruction count, every thread of the compiler included, it writes to $COUNT_OUT; the
# profile itself goes to $COUNT_PROFILE (read it with `callgrind_annotate --inclusive=yes`).
set -euo pipefail
rustc="$1"
shift
case " $* " in
*" --crate-name $COUNT_CRATE "*)
    log="$(mktemp)"
    valgrind --tool=callgrind --callgrind-out-file="$COUNT_PROFILE" --cache-sim=no --branch-sim=no \
        "$rustc" "$@" 2>"$log" || { cat "$log" >&2; rm -f "$log"; exit 1; }
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$log" >"$COUNT_OUT"
    rm -f "$log"
    ;;
*) exec "$rustc" "$@" ;;
esac
