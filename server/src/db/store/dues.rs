//! When each assignment's work began and when it stops being on time, kept in the `due`
//! table by task and period and copied onto the assignments by `fn::recount` (migration
//! 12). Only Rust runs the calendar rules, so every write that brings a task or a period
//! into being writes its rows first, in the same transaction.

use super::PeriodStore;
use crate::db::DbError;
use chidao_core::domain::{vietnam_day_start, Period, Task};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// The instants of one task, or of one period of a recurring task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueRow {
    pub task: Uuid,
    pub period: Option<Period>,
    /// When the work stops being on time; `None` for work with no deadline.
    pub end_ms: Option<i64>,
    /// When the work began: the directive's issue date, or the period's first day if later.
    pub opened_ms: i64,
}

impl DueRow {
    /// The key its `due` record is kept under: task and period name ('' for none).
    pub fn key(&self) -> (String, String) {
        (self.task.to_string(), self.period.map(|period| period.to_string()).unwrap_or_default())
    }

    pub fn of(task: &Task, issued_on: NaiveDate, period: Option<Period>) -> Self {
        let began = period.map_or(issued_on, |period| period.first_day().max(issued_on));
        Self {
            task: task.id,
            period,
            end_ms: task.deadline_in(period).and_then(|deadline| deadline.due_end()).map(|end| end.timestamp_millis()),
            opened_ms: vietnam_day_start(began).timestamp_millis(),
        }
    }
}

/// SurrealQL that writes the bound `$dues`, for the transactions that create tasks or
/// periods; it must run before they recount.
pub(super) const WRITE_DUES: &str = "FOR $d IN $dues { \
     UPSERT type::record('due', [$d.task, $d.period ?? '']) CONTENT { end_ms: $d.end_ms, opened_ms: $d.opened_ms } RETURN NONE; };";

impl PeriodStore {
    /// Every kept due row, keyed by task and period name ('' for work that does not recur).
    pub async fn kept_dues(&self) -> Result<std::collections::BTreeMap<(String, String), (Option<i64>, i64)>, DbError> {
        #[derive(serde::Deserialize)]
        struct Kept {
            key: (String, String),
            end_ms: Option<i64>,
            opened_ms: i64,
        }
        let rows: Vec<Kept> =
            self.db.select("reading due instants", "SELECT record::id(id) AS key, end_ms, opened_ms FROM due;", json!({})).await?;
        Ok(rows.into_iter().map(|row| (row.key, (row.end_ms, row.opened_ms))).collect())
    }

    /// Writes `rows` and brings the kept assignments of each into line, leaving those
    /// already right untouched: how the server fills in what an older version did not keep
    /// and follows a changed calendar rule.
    pub async fn keep_dues(&self, rows: &[DueRow]) -> Result<(), DbError> {
        let context = "keeping due instants";
        let keyed: Vec<serde_json::Value> = rows
            .iter()
            .map(|row| {
                let mut value = super::to_json(row, context)?;
                value["key"] = json!(super::due_key(row.task, row.period));
                Ok(value)
            })
            .collect::<Result<_, DbError>>()?;
        let query = format!(
            "BEGIN TRANSACTION;
             {WRITE_DUES}
             FOR $d IN $dues {{
                 UPDATE assignment SET due_end_ms = $d.end_ms, opened_ms = $d.opened_ms
                     WHERE due_key = $d.key AND (due_end_ms != $d.end_ms OR opened_ms != $d.opened_ms) RETURN NONE;
             }};
             COMMIT TRANSACTION;"
        );
        self.db.run(context, &query, json!({ "dues": keyed })).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::province;
    use super::*;

    #[tokio::test]
    async fn a_task_seeded_keeps_its_due_and_a_due_kept_again_is_replaced() {
        let province = province().await;
        let periods = &province.store.periods;
        let seeded = DueRow::of(&province.task, province.directive.issued_on, None);
        let kept = periods.kept_dues().await.unwrap();
        assert_eq!(kept.get(&seeded.key()), Some(&(seeded.end_ms, seeded.opened_ms)));

        let moved = DueRow { end_ms: seeded.end_ms.map(|end| end + 86_400_000), ..seeded.clone() };
        periods.keep_dues(std::slice::from_ref(&moved)).await.unwrap();
        assert_eq!(periods.kept_dues().await.unwrap().get(&moved.key()), Some(&(moved.end_ms, moved.opened_ms)));
    }
}
