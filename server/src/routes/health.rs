use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Draining,
    Unavailable,
}

/// Whether the server can do its work, for load balancers and people.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: HealthStatus,
    /// The schema version the database is at, when it answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

fn draining() -> (StatusCode, Json<Health>) {
    let reason = Some("shutting down: finishing the requests in flight".to_owned());
    (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: HealthStatus::Draining, schema_version: None, reason }))
}

fn unavailable(reason: String) -> (StatusCode, Json<Health>) {
    (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: HealthStatus::Unavailable, schema_version: None, reason: Some(reason) }))
}

/// Alive: 200 until the server starts shutting down. It asks nothing of the database, so
/// a database outage does not get every app server restarted.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    if state.operations.is_draining() {
        return draining();
    }
    (StatusCode::OK, Json(Health { status: HealthStatus::Ok, schema_version: None, reason: None }))
}

/// Ready: not draining, the database answers, and its schema is the one this build writes.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    if state.operations.is_draining() {
        return draining();
    }
    let found = match state.store.maintenance.schema_version().await {
        Ok(found) => found,
        Err(error) => {
            tracing::error!(%error, "readiness check: the database does not answer");
            return unavailable("the database is not answering".to_owned());
        }
    };
    if let Err(mismatch) = crate::db::check_version(found) {
        return unavailable(mismatch.to_string());
    }
    (StatusCode::OK, Json(Health { status: HealthStatus::Ok, schema_version: Some(found), reason: None }))
}
