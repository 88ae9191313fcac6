use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered(name)]
async fn list_users() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
