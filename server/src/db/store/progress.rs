//! The office's counts, made in the database from the kept assignments (never from the
//! items): each assignment is classified by comparing instants that the core's calendar
//! rule computed (`Thresholds`), then grouped.

use super::Store;
use crate::db::DbError;
use chidao_core::domain::{ChecklistItem, Period, TaskState, Thresholds, UnitCode, UnitRole};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

/// Which assignments to count.
#[derive(Debug, Clone, Default)]
pub struct AssignmentScope {
    /// Only these units; `None` for all.
    pub units: Option<Vec<UnitCode>>,
    pub directive: Option<Uuid>,
    /// Only work whose due end falls in this range, both ends kept (`DueRange`); work
    /// without a due end is then left out.
    pub due_end_ms: Option<(Option<i64>, Option<i64>)>,
    /// Only assignments in which the task asks this of the unit.
    pub role: Option<UnitRole>,
    pub state: Option<TaskState>,
}

/// Which due end an assignment is judged by: its task's, or, for a recurring task's
/// period, that period's. The migration that keeps assignments writes the same key.
pub fn due_key(task: Uuid, period: Option<Period>) -> String {
    match period {
        Some(period) => format!("{task}/{period}"),
        None => task.to_string(),
    }
}

/// A count of assignments in one state, with the due-soon ones among them, grouped by
/// `key` (a task id, a unit code or a directive id).
#[derive(Debug, Clone, Deserialize)]
pub struct StateCount {
    pub key: String,
    pub state: TaskState,
    pub count: u32,
    pub soon: u32,
    pub items_done: u32,
    pub items_total: u32,
}

/// How many assignments were in one state.
#[derive(Debug, Clone, Deserialize)]
pub struct StateTally {
    pub state: TaskState,
    pub count: u32,
}

/// One assignment as classified.
#[derive(Debug, Clone, Deserialize)]
pub struct ClassifiedAssignment {
    pub task: Uuid,
    pub unit: UnitCode,
    #[serde(default)]
    pub period: Option<Period>,
    pub directive: Uuid,
    pub total: u32,
    pub done: u32,
    pub done_at_ms: Option<i64>,
    pub state: TaskState,
    pub role: UnitRole,
    pub soon: bool,
}

/// What the counting query gives back.
#[derive(Debug, Clone, Default)]
pub struct Counted {
    pub by_task: Vec<StateCount>,
    pub by_unit: Vec<StateCount>,
    /// Overdue ones, earliest deadline first, then due-soon ones, earliest first.
    pub attention: Vec<ClassifiedAssignment>,
    /// The newest assignment write when counted, whatever the filters: a live stream
    /// from here reports every later change.
    pub cursor: u64,
}

/// The due end of an assignment, kept on it from its task's calendar (migration 12).
const DUE_END: &str = "due_end_ms";

/// SurrealQL that names an assignment's state with the words of [`TaskState`], from its
/// task's due end and its `done_at_ms` and the bound `$now`: the same comparisons as
/// `Thresholds::classify`, which a property test holds to the calendar rule, and a server
/// test holds this query to.
fn state_expression() -> String {
    state_then_expression("done_at_ms != NONE")
}

/// [`state_expression`] with what counts as done given: at `$now`, or (for a past `$now`)
/// done before it, as `Thresholds::classify_then` judges.
fn state_then_expression(done: &str) -> String {
    format!(
        "IF {done} THEN (IF {DUE_END} != NONE AND done_at_ms >= {DUE_END} THEN '{late}' ELSE '{on_time}' END) \
         ELSE (IF {DUE_END} != NONE AND {DUE_END} <= $now THEN '{overdue}' ELSE '{in_progress}' END) END",
        late = TaskState::DoneLate.as_str(),
        on_time = TaskState::DoneOnTime.as_str(),
        overdue = TaskState::Overdue.as_str(),
        in_progress = TaskState::InProgress.as_str(),
    )
}

/// SurrealQL true for an assignment in progress whose last day is within the due-soon
/// window (`Thresholds::classify` again).
fn soon_expression() -> String {
    format!("done_at_ms = NONE AND {DUE_END} != NONE AND {DUE_END} > $now AND {DUE_END} <= $soon_end")
}

/// The condition that picks the assignments of `scope`, state included, computed in the
/// one pass that reads them.
fn in_scope(scope: &AssignmentScope) -> String {
    // An assignment whose items were all taken off is no longer work.
    let mut filters = vec!["total > 0".to_owned()];
    if scope.units.is_some() {
        filters.push("unit IN $units".into());
    }
    if scope.directive.is_some() {
        filters.push("directive = $directive".into());
    }
    if let Some((from, to)) = scope.due_end_ms {
        filters.push(format!("{DUE_END} != NONE"));
        if from.is_some() {
            filters.push(format!("{DUE_END} >= $due_from"));
        }
        if to.is_some() {
            filters.push(format!("{DUE_END} <= $due_to"));
        }
    }
    if scope.state.is_some() {
        filters.push(format!("({}) = $state", state_expression()));
    }
    if scope.role.is_some() {
        filters.push("role = $role".into());
    }
    filters.join(" AND ")
}

/// An assignment written after a cursor: its key and its new place in the write order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct ChangedAssignment {
    pub task: Uuid,
    pub unit: UnitCode,
    #[serde(default)]
    pub period: Option<Period>,
    pub seq: u64,
}

/// The variables the counting and listing queries bind.
fn variables(scope: &AssignmentScope, at: Thresholds) -> serde_json::Value {
    let (due_from, due_to) = scope.due_end_ms.unwrap_or_default();
    json!({
        "units": scope.units, "directive": scope.directive.map(|id| id.to_string()), "due_from": due_from, "due_to": due_to,
        "state": scope.state, "role": scope.role, "now": at.now_ms, "soon_end": at.soon_end_ms,
    })
}

impl Store {
    /// Every assignment of `scope`, classified, by directive, task and unit: what an
    /// export lists.
    pub async fn list_assignments(&self, scope: &AssignmentScope, at: Thresholds) -> Result<Vec<ClassifiedAssignment>, DbError> {
        let context = "listing assignments";
        let query = format!(
            "SELECT task, unit, period, directive, total, done, done_at_ms, ({state}) AS state, role, ({soon}) AS soon \
             FROM assignment WHERE {scope} ORDER BY directive, task, period, unit;",
            state = state_expression(),
            soon = soon_expression(),
            scope = in_scope(scope),
        );
        let mut response = self.run(context, &query, variables(scope, at)).await?;
        super::rows(&mut response, 0, context)
    }

    /// Assignments of `units` (all when `None`) written after `cursor`, oldest first.
    pub async fn assignments_after(
        &self,
        cursor: u64,
        units: Option<&[UnitCode]>,
        limit: usize,
    ) -> Result<Vec<ChangedAssignment>, DbError> {
        let filter = if units.is_some() { "AND unit IN $units" } else { "" };
        let query = format!("SELECT task, unit, period, seq FROM assignment WHERE seq > $cursor {filter} ORDER BY seq LIMIT $limit;");
        self.select("reading changed assignments", &query, json!({"cursor": cursor, "units": units, "limit": limit})).await
    }

    /// The newest write among all assignments: where a live stream starts.
    pub async fn assignment_cursor(&self) -> Result<u64, DbError> {
        let rows: Vec<u64> =
            self.select("reading the assignment cursor", "SELECT VALUE seq FROM assignment ORDER BY seq DESC LIMIT 1;", json!({})).await?;
        Ok(rows.first().copied().unwrap_or(0))
    }

    /// Counts the assignments in `scope` by state, per task and unit, and lists up to
    /// `attention_max` that need chasing. Work without a due end is never late.
    pub async fn count_assignments(&self, scope: &AssignmentScope, at: Thresholds, attention_max: usize) -> Result<Counted, DbError> {
        let context = "counting assignments";
        // Each statement reads the assignments once; the state is worked out as they are
        // read, not stored in between (materialised rows cost SurrealDB a pass each).
        let group = |key: &str| {
            format!(
                "SELECT {key} AS key, ({state}) AS state, count() AS count, math::sum(IF {soon} THEN 1 ELSE 0 END) AS soon, \
                 math::sum(done) AS items_done, math::sum(total) AS items_total FROM assignment WHERE {scope} GROUP BY key, state;",
                state = state_expression(),
                soon = soon_expression(),
                scope = in_scope(scope),
            )
        };
        // Overdue and due-soon work both end before `soon_end`; earliest first puts the
        // most days overdue at the top and the soonest due after them.
        let query = format!(
            "{by_task}
             {by_unit}
             SELECT task, unit, period, directive, total, done, done_at_ms, ({state}) AS state, role, ({soon}) AS soon, {DUE_END} AS due_end \
                FROM assignment WHERE {scope} AND done_at_ms = NONE AND {DUE_END} != NONE AND {DUE_END} <= $soon_end ORDER BY due_end ASC LIMIT $limit;
             RETURN (SELECT VALUE seq FROM assignment ORDER BY seq DESC LIMIT 1)[0] ?? 0;",
            by_task = group("task"),
            by_unit = group("unit"),
            state = state_expression(),
            soon = soon_expression(),
            scope = in_scope(scope),
        );
        let mut vars = variables(scope, at);
        vars["limit"] = json!(attention_max);
        let mut response = self.run(context, &query, vars).await?;
        let cursor: Option<u64> = response.take(3).map_err(|source| DbError::query(context, source))?;
        Ok(Counted {
            by_task: super::rows(&mut response, 0, context)?,
            by_unit: super::rows(&mut response, 1, context)?,
            attention: super::rows(&mut response, 2, context)?,
            cursor: cursor.unwrap_or(0),
        })
    }
}

impl Store {
    /// How many assignments of `scope` that had begun by each of `instants` were in each
    /// state then: one statement per instant, in one round trip.
    pub async fn count_as_of(&self, scope: &AssignmentScope, instants: &[i64]) -> Result<Vec<Vec<StateTally>>, DbError> {
        let context = "counting assignments week by week";
        let state = state_then_expression("done_at_ms != NONE AND done_at_ms < $now");
        let scope_condition = in_scope(scope);
        let mut query = String::new();
        for index in 0..instants.len() {
            query.push_str(&format!(
                "LET $now = $instants[{index}];
                 SELECT ({state}) AS state, count() AS count \
                 FROM assignment WHERE {scope_condition} AND (opened_ms ?? 0) <= $now GROUP BY state;\n"
            ));
        }
        let mut vars = variables(scope, Thresholds { now_ms: 0, soon_end_ms: 0 });
        vars["instants"] = json!(instants);
        let mut response = self.run(context, &query, vars).await?;
        (0..instants.len()).map(|index| super::rows(&mut response, 2 * index + 1, context)).collect()
    }
}

impl Store {
    /// Every logged change (ticks, notes, photos; refusals left out) of `items`, newest first.
    pub async fn item_history(&self, items: &[Uuid]) -> Result<Vec<chidao_core::api::HistoryEntry>, DbError> {
        #[derive(Deserialize)]
        struct Row {
            item: Uuid,
            field: String,
            value: serde_json::Value,
            author: String,
            device: Uuid,
            at_ms: i64,
            synced_s: i64,
            outcome: chidao_core::sync::LoggedOutcome,
        }
        let rows: Vec<Row> = self
            .select(
                "reading items' history",
                "SELECT item, field, value, author, device, at_ms, time::unix(received_at) AS synced_s, outcome FROM change \
                 WHERE item IN $items AND outcome != $rejected ORDER BY at_ms DESC;",
                json!({"items": items, "rejected": chidao_core::sync::LoggedOutcome::Rejected}),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let text = || row.value.as_str().map(str::to_owned);
                chidao_core::api::HistoryEntry {
                    item: row.item,
                    done: (row.field == "done").then(|| row.value.as_bool()).flatten(),
                    note: (row.field == "note").then(text).flatten(),
                    photo: (row.field == "photo").then(text).flatten(),
                    author: row.author,
                    device: row.device,
                    made_at_ms: row.at_ms,
                    synced_at_ms: row.synced_s * 1000,
                    outcome: row.outcome,
                }
            })
            .collect())
    }

    /// The items (removed ones too: they are history) of one unit's checklist for a task,
    /// in one period for a recurring task.
    pub async fn assignment_items(&self, task: Uuid, unit: &UnitCode, period: Option<Period>) -> Result<Vec<ChecklistItem>, DbError> {
        let query = format!(
            "SELECT {} FROM item WITH INDEX item_task_unit_period WHERE task = $task AND unit = $unit AND period = $period ORDER BY position;",
            super::ITEM_FIELDS
        );
        let rows: Vec<super::StoredItem> =
            self.select("reading an assignment's items", &query, json!({"task": task, "unit": unit, "period": period})).await?;
        Ok(rows.into_iter().map(|stored| stored.item).collect())
    }
}
