use axum::http::HeaderMap;
use handler_metrics::axum::metered;

#[metered]
async fn handler(
    _a: HeaderMap, _b: HeaderMap, _c: HeaderMap, _d: HeaderMap, _e: HeaderMap, _f: HeaderMap,
    _g: HeaderMap, _h: HeaderMap, _i: HeaderMap, _j: HeaderMap, _k: HeaderMap, _l: HeaderMap,
    _m: HeaderMap, _n: HeaderMap, _o: HeaderMap, _p: HeaderMap, _q: String,
) {
}

fn main() {}
