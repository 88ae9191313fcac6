use actix_web::HttpResponse;
use handler_metrics::metered;

struct Api;

impl Api {
    #[metered]
    async fn list(&self) -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

fn main() {}
