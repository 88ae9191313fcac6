use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered]
async unsafe fn handler() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
