//! (issue 5, see docs/twin-design.md: being written)

use axum::Router;

use crate::state::AppState;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
}
