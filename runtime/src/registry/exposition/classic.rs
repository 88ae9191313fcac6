//! The families `gather()` returns (the user's own `prometheus` metrics, and anything else
//! registered in the registry) in the classic text format: the `prometheus` crate's
//! `TextEncoder`, which writes every kind of family but one. An untyped family, which a custom
//! collector can return, makes it panic (`unimplemented!()` in `prometheus` 0.14), and a scrape
//! must never panic: such a family is written by the same encoder as a gauge, whose samples look
//! exactly as untyped ones do, with its `# TYPE` line saying `untyped`.

use prometheus::proto::{Gauge, MetricFamily, MetricType};
use prometheus::TextEncoder;

/// Appends `families` to `out` in the classic text format.
pub(super) fn write_families(
    families: &[MetricFamily],
    out: &mut String,
) -> Result<(), prometheus::Error> {
    let encoder = TextEncoder::new();
    for family in families {
        if family.get_field_type() != MetricType::UNTYPED {
            encoder.encode_utf8(std::slice::from_ref(family), out)?;
            continue;
        }
        let mut as_gauge = family.clone();
        as_gauge.set_field_type(MetricType::GAUGE);
        for metric in as_gauge.mut_metric() {
            let mut gauge = Gauge::default();
            gauge.set_value(metric.untyped.value());
            metric.set_gauge(gauge);
        }
        let mut text = String::new();
        encoder.encode_utf8(std::slice::from_ref(&as_gauge), &mut text)?;
        let name = family.name();
        let gauge = format!("# TYPE {name} gauge\n");
        for line in text.split_inclusive('\n') {
            if line == gauge {
                out.push_str(&format!("# TYPE {name} untyped\n"));
            } else {
                out.push_str(line);
            }
        }
    }
    Ok(())
}
