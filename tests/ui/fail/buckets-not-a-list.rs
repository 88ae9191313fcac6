use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered(buckets = 0.5)]
async fn upload() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
