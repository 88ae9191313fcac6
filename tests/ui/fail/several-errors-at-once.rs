use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered(name = "", buckets = [1, 0.5], labels(le = "x"))]
async fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
