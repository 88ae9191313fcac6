use actix_web::HttpResponse;
use handler_metrics::metered;

#[metered]
async fn generic<T: Default>() -> HttpResponse {
    let _ = T::default();
    HttpResponse::Ok().finish()
}

fn main() {}
