//! Nothing here: the test in `tests/` counts allocations per request with a counting global
//! allocator, which a crate of its own keeps out of every other test binary.
#![forbid(unsafe_code)]
