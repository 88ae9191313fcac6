use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered]
fn health() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
