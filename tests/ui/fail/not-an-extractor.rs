use actix_web::HttpResponse;
use handler_metrics::metered;

struct NotAnExtractor;

#[metered]
async fn handler(_x: NotAnExtractor) -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
