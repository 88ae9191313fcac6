use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered(labels(team = "billing", http_route = "x"))]
async fn pay() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
