use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered(labels(team = "billing", outcome = "x"))]
async fn pay() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
