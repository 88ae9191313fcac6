use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered(labels(le = "0.5"))]
async fn pay() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
