use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered(labels(quantile = "0.99"))]
async fn pay() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
