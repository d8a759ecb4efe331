use super::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
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
    pub reason: Option<&'static str>,
}

/// 200 only when the database answers a query; 503 otherwise.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    match state.store.ping().await {
        Ok(()) => {
            (StatusCode::OK, Json(Health { status: HealthStatus::Ok, schema_version: Some(crate::db::SCHEMA_VERSION), reason: None }))
        }
        Err(error) => {
            tracing::error!(%error, "health check failed");
            let reason = Some("database is not answering");
            (StatusCode::SERVICE_UNAVAILABLE, Json(Health { status: HealthStatus::Unavailable, schema_version: None, reason }))
        }
    }
}
