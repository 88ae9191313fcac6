use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered]
#[metered]
async fn twice() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn main() {}
