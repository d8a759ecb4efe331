//! The units' sign-offs of their tasks.

use super::{to_json, DbError, ReportStore};
use chidao_core::domain::{Period, TaskReport, UnitCode};
use serde_json::{json, Value};

impl ReportStore {
    /// Sign-offs in `units` (all when `None`).
    pub async fn task_reports(&self, units: Option<&[UnitCode]>) -> Result<Vec<TaskReport>, DbError> {
        let filter = if units.is_some() { "WHERE unit IN $units" } else { "" };
        let query = format!("SELECT task, unit, period, by, at_ms, open_items FROM task_report {filter} ORDER BY task, unit, period;");
        self.db.select("reading task reports", &query, json!({"units": units})).await
    }

    /// Whether `unit` has work on `task` (in `period`, for recurring work; a recurring
    /// task's templates are no one's work), i.e. was assigned it.
    pub async fn task_assigned_to(&self, task: uuid::Uuid, unit: &UnitCode, period: Option<Period>) -> Result<bool, DbError> {
        let found: Vec<Value> = self
            .db
            .select(
                "looking up an assignment",
                "SELECT VALUE total FROM type::record('assignment', [$task, $unit, $period ?? '']) WHERE total > 0;",
                json!({"task": task, "unit": unit, "period": period}),
            )
            .await?;
        Ok(!found.is_empty())
    }

    /// Records the sign-off, replacing an earlier one of the same task and unit.
    pub async fn put_task_report(&self, report: &TaskReport) -> Result<(), DbError> {
        let context = "signing off a task report";
        self.db
            .run(
                context,
                "UPSERT type::record('task_report', [$report.task, $report.unit, $report.period ?? '']) CONTENT $report;",
                json!({"report": to_json(report, context)?}),
            )
            .await
            .map(|_| ())
    }

    pub async fn delete_task_report(&self, task: uuid::Uuid, unit: &UnitCode, period: Option<Period>) -> Result<(), DbError> {
        self.db
            .run(
                "taking back a task report",
                "DELETE type::record('task_report', [$task, $unit, $period ?? '']);",
                json!({"task": task, "unit": unit, "period": period}),
            )
            .await
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixture::{code, province};
    use super::*;

    #[tokio::test]
    async fn a_sign_off_replaces_the_earlier_one_of_its_assignment_and_can_be_taken_back() {
        let province = province().await;
        let reports = &province.store.reports;
        let report = |by: &str, at_ms| TaskReport {
            task: province.task.id,
            unit: province.lead.clone(),
            period: None,
            by: by.to_owned(),
            at_ms,
            open_items: 0,
        };
        assert!(reports.task_assigned_to(province.task.id, &province.lead, None).await.unwrap());
        assert!(!reports.task_assigned_to(province.task.id, &code("H-SON-TINH"), None).await.unwrap(), "the district has no items of it");

        reports.put_task_report(&report("truong.a", 1_000)).await.unwrap();
        reports.put_task_report(&report("truong.b", 2_000)).await.unwrap();
        let kept = reports.task_reports(None).await.unwrap();
        assert_eq!(kept.iter().map(|kept| (kept.by.as_str(), kept.at_ms)).collect::<Vec<_>>(), [("truong.b", 2_000)]);
        assert!(reports.task_reports(Some(std::slice::from_ref(&province.coordinating))).await.unwrap().is_empty());

        reports.delete_task_report(province.task.id, &province.lead, None).await.unwrap();
        assert!(reports.task_reports(None).await.unwrap().is_empty());
    }
}
