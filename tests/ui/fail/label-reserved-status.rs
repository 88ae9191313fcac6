use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered(labels(team = "billing", status = "ok"))]
async fn pay() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
