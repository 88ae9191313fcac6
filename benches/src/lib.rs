//! Servers and handlers shared by the benchmarks and the HTTP comparison.
