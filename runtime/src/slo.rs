//! The SLO tooling: Prometheus rules and a Grafana dashboard generated from the declared
//! [`Objective`](crate::Objective)s and the configured family names, with every PromQL
//! expression built in one place ([`promql`]).

pub(crate) mod dashboard;
pub(crate) mod promql;
pub(crate) mod rules;
