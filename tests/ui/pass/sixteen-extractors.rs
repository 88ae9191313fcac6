//! The most extractors actix accepts, 16, is fine; destructuring patterns in arguments are kept.
use actix_web::{web, App, HttpRequest, HttpResponse};
use handler_metrics::metered;

#[metered]
#[allow(clippy::too_many_arguments)]
async fn sixteen(
    path: web::Path<(u32, u32)>,
    _r1: HttpRequest, _r2: HttpRequest, _r3: HttpRequest, _r4: HttpRequest, _r5: HttpRequest,
    _r6: HttpRequest, _r7: HttpRequest, _r8: HttpRequest, _r9: HttpRequest, _r10: HttpRequest,
    _r11: HttpRequest, _r12: HttpRequest, _r13: HttpRequest, _r14: HttpRequest,
    mut body: String,
) -> HttpResponse {
    let (a, b) = path.into_inner();
    body.push('!');
    HttpResponse::Ok().body(format!("{a}{b}{body}"))
}

fn main() {
    let _ = App::new().route("/{a}/{b}", web::post().to(sixteen));
}
