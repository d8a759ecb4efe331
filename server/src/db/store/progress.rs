//! The office's counts, made in the database from the kept assignments (never from the
//! items): each assignment is classified by comparing instants that the core's calendar
//! rule computed (`Thresholds`), then grouped.

use super::ProgressStore;
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

impl AssignmentScope {
    /// Whether the kept tallies (migration 14) answer this view: they are kept by role for
    /// the whole province, so a view narrowed to units, a directive or a range of due ends
    /// reads its assignments instead (through an index, and fewer of them).
    fn answered_by_tallies(&self) -> bool {
        self.units.is_none() && self.directive.is_none() && self.due_end_ms.is_none()
    }
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StateCount {
    pub key: String,
    pub state: TaskState,
    pub count: u32,
    pub soon: u32,
    pub items_done: u32,
    pub items_total: u32,
}

/// How many assignments were in one state.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StateTally {
    pub state: TaskState,
    pub count: u32,
}

/// One assignment as classified.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

impl ProgressStore {
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
        let mut response = self.db.run(context, &query, variables(scope, at)).await?;
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
        self.db.select("reading changed assignments", &query, json!({"cursor": cursor, "units": units, "limit": limit})).await
    }

    /// Where a live stream starts: the last number the shared counter gave out. An
    /// assignment takes the number of its newest item write, so every assignment written
    /// later has a higher one (read from the one counter record, not by sorting them all).
    pub async fn assignment_cursor(&self) -> Result<u64, DbError> {
        let context = "reading the assignment cursor";
        let mut response = self.db.run(context, CURSOR, json!({})).await?;
        let cursor: Option<u64> = response.take(0).map_err(|source| DbError::query(context, source))?;
        Ok(cursor.unwrap_or(0))
    }

    /// Counts the assignments in `scope` by state, per task and unit, and lists up to
    /// `attention_max` that need chasing. Work without a due end is never late. The kept
    /// tallies answer when they cover the view; otherwise the assignments are read.
    pub async fn count_assignments(&self, scope: &AssignmentScope, at: Thresholds, attention_max: usize) -> Result<Counted, DbError> {
        if scope.answered_by_tallies() {
            self.count_from_tallies(scope, at, attention_max).await
        } else {
            self.count_by_reading_assignments(scope, at, attention_max).await
        }
    }

    /// [`ProgressStore::count_assignments`] by reading every assignment of the view: what the
    /// tallies must agree with, and the way narrowed views are counted.
    pub async fn count_by_reading_assignments(
        &self,
        scope: &AssignmentScope,
        at: Thresholds,
        attention_max: usize,
    ) -> Result<Counted, DbError> {
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
        // The cursor first: whatever is written after it reaches a live stream from it.
        let query = format!(
            "{CURSOR}
             {by_task}
             {by_unit}
             {attention}",
            by_task = group("task"),
            by_unit = group("unit"),
            attention = attention_statement(&in_scope(scope)),
        );
        let mut vars = variables(scope, at);
        vars["limit"] = json!(attention_max);
        let mut response = self.db.run(context, &query, vars).await?;
        let cursor: Option<u64> = response.take(0).map_err(|source| DbError::query(context, source))?;
        let mut by_task: Vec<StateCount> = super::rows(&mut response, 1, context)?;
        let mut by_unit: Vec<StateCount> = super::rows(&mut response, 2, context)?;
        by_task.sort_by(|a, b| (&a.key, a.state).cmp(&(&b.key, b.state)));
        by_unit.sort_by(|a, b| (&a.key, a.state).cmp(&(&b.key, b.state)));
        Ok(Counted { by_task, by_unit, attention: super::rows(&mut response, 3, context)?, cursor: cursor.unwrap_or(0) })
    }

    /// [`ProgressStore::count_assignments`] from the kept tallies: a few hundred rows for a whole
    /// province, judged here at `at` by the core's rule, then the open work to chase read
    /// by its due key.
    async fn count_from_tallies(&self, scope: &AssignmentScope, at: Thresholds, attention_max: usize) -> Result<Counted, DbError> {
        #[derive(Deserialize)]
        struct DueTally {
            task: Uuid,
            #[serde(default)]
            period: Option<Period>,
            due_end_ms: Option<i64>,
            on_time: u32,
            on_time_items: u32,
            late: u32,
            late_items: u32,
            open: u32,
            open_items_done: u32,
            open_items_total: u32,
        }
        #[derive(Deserialize)]
        struct OpenWork {
            due_end_ms: Option<i64>,
            done: u32,
            total: u32,
        }
        #[derive(Deserialize)]
        struct UnitTally {
            unit: String,
            on_time: u32,
            on_time_items: u32,
            late: u32,
            late_items: u32,
            open: Vec<OpenWork>,
        }
        let context = "counting from the kept tallies";
        // The cursor before the stale tallies are written: a write marked before it is in
        // the tallies read, and one after it reaches a live stream from it.
        let cursor = self.assignment_cursor().await?;
        self.retally_stale().await?;
        let by_role = if scope.role.is_some() { "WHERE role = $role" } else { "" };
        let query = format!(
            "SELECT task, period, due_end_ms, on_time, on_time_items, late, late_items, open, open_items_done, open_items_total \
                FROM due_tally {by_role};
             SELECT unit, on_time, on_time_items, late, late_items, open FROM unit_tally {by_role};"
        );
        let mut response = self.db.run(context, &query, variables(scope, at)).await?;
        let dues: Vec<DueTally> = super::rows(&mut response, 0, context)?;
        let units: Vec<UnitTally> = super::rows(&mut response, 1, context)?;

        let mut by_task = Grouped::new(scope.state);
        for due in &dues {
            let key = due.task.to_string();
            by_task.add(&key, TaskState::DoneOnTime, due.on_time, false, due.on_time_items, due.on_time_items);
            by_task.add(&key, TaskState::DoneLate, due.late, false, due.late_items, due.late_items);
            let (state, soon) = at.classify(due.due_end_ms, None);
            by_task.add(&key, state, due.open, soon, due.open_items_done, due.open_items_total);
        }
        let mut by_unit = Grouped::new(scope.state);
        for unit in &units {
            by_unit.add(&unit.unit, TaskState::DoneOnTime, unit.on_time, false, unit.on_time_items, unit.on_time_items);
            by_unit.add(&unit.unit, TaskState::DoneLate, unit.late, false, unit.late_items, unit.late_items);
            for open in &unit.open {
                let (state, soon) = at.classify(open.due_end_ms, None);
                by_unit.add(&unit.unit, state, 1, soon, open.done, open.total);
            }
        }

        // The work to chase lies in the (task, period)s with open work due by the end of
        // the due-soon window, earliest first: read those up to the one that fills the
        // list, and every one due at the same instant, so the order matches a full read.
        let mut chased: Vec<&DueTally> = dues
            .iter()
            .filter(|due| due.open > 0 && due.due_end_ms.is_some_and(|end| end <= at.soon_end_ms))
            .filter(|due| scope.state.is_none_or(|state| at.classify(due.due_end_ms, None).0 == state))
            .collect();
        chased.sort_by_key(|due| due.due_end_ms);
        let mut enough_by = None;
        let mut open_so_far = 0usize;
        for due in &chased {
            open_so_far += due.open as usize;
            if open_so_far >= attention_max {
                enough_by = due.due_end_ms;
                break;
            }
        }
        let keys: std::collections::BTreeSet<String> = chased
            .iter()
            .filter(|due| enough_by.is_none_or(|last| due.due_end_ms.is_some_and(|end| end <= last)))
            .map(|due| due_key(due.task, due.period))
            .collect();
        let attention = if keys.is_empty() || attention_max == 0 {
            Vec::new()
        } else {
            let mut vars = variables(scope, at);
            vars["limit"] = json!(attention_max);
            vars["keys"] = json!(keys);
            let context = "reading the work to chase";
            let mut response = self.db.run(context, &attention_of_keys_statement(&in_scope(scope)), vars).await?;
            super::rows(&mut response, 1, context)?
        };
        Ok(Counted { by_task: by_task.rows(), by_unit: by_unit.rows(), attention, cursor })
    }
}

/// The number the shared counter last gave out: a live stream's cursor (see
/// [`ProgressStore::assignment_cursor`]), read first by the counting queries.
const CURSOR: &str = "RETURN (SELECT VALUE value FROM counter:items)[0] ?? 0;";

/// The open work of the assignments meeting `condition` that is overdue or due soon, most
/// days overdue first, then the soonest due.
fn attention_statement(condition: &str) -> String {
    format!("{} {ATTENTION_ORDER};", attention_select("assignment", condition))
}

/// [`attention_statement`] for the assignments of the bound `$keys` (due keys) only: one
/// read of the due-key index per key, then ordered as a full read orders them. SurrealDB
/// reads every assignment for `due_key IN $keys`, and left to choose, it walks the due-end
/// index over every past deadline (seconds for a province).
fn attention_of_keys_statement(condition: &str) -> String {
    format!(
        "LET $found = array::flatten($keys.map(|$key| ({select})));
         SELECT * FROM $found {ATTENTION_ORDER};",
        select = attention_select("assignment WITH INDEX assignment_due_key", &format!("due_key = $key AND {condition}")),
    )
}

/// The open work to chase among the assignments of `source` meeting `condition`.
fn attention_select(source: &str, condition: &str) -> String {
    format!(
        "SELECT task, unit, period, directive, total, done, done_at_ms, ({state}) AS state, role, ({soon}) AS soon, {DUE_END} AS due_end \
            FROM {source} WHERE {condition} AND done_at_ms = NONE AND {DUE_END} != NONE AND {DUE_END} <= $soon_end",
        state = state_expression(),
        soon = soon_expression(),
    )
}

/// Ties in a fixed order, so the tallies' way and a full read list the same rows.
const ATTENTION_ORDER: &str = "ORDER BY due_end ASC, task ASC, period ASC, unit ASC LIMIT $limit";

/// Counts being grouped by key and state, keeping only the state asked for.
struct Grouped {
    only: Option<TaskState>,
    counts: std::collections::BTreeMap<(String, TaskState), StateCount>,
}

impl Grouped {
    fn new(only: Option<TaskState>) -> Self {
        Self { only, counts: Default::default() }
    }

    fn add(&mut self, key: &str, state: TaskState, count: u32, soon: bool, items_done: u32, items_total: u32) {
        if count == 0 || self.only.is_some_and(|only| only != state) {
            return;
        }
        let row = self.counts.entry((key.to_owned(), state)).or_insert_with(|| StateCount {
            key: key.to_owned(),
            state,
            count: 0,
            soon: 0,
            items_done: 0,
            items_total: 0,
        });
        row.count += count;
        if soon {
            row.soon += count;
        }
        row.items_done += items_done;
        row.items_total += items_total;
    }

    /// By key, then state.
    fn rows(self) -> Vec<StateCount> {
        self.counts.into_values().collect()
    }
}

impl ProgressStore {
    /// How many assignments of `scope` that had begun by each of `instants` were in each
    /// state then (states in their order, none counted left out). The kept tallies answer
    /// when they cover the view.
    pub async fn count_as_of(&self, scope: &AssignmentScope, instants: &[i64]) -> Result<Vec<Vec<StateTally>>, DbError> {
        if !scope.answered_by_tallies() {
            return self.count_as_of_by_reading_assignments(scope, instants).await;
        }
        #[derive(Deserialize)]
        struct DueHistory {
            due_end_ms: Option<i64>,
            opened_ms: Option<i64>,
            done_at: Vec<i64>,
            open: u32,
        }
        self.retally_stale().await?;
        let by_role = if scope.role.is_some() { "WHERE role = $role" } else { "" };
        let query = format!("SELECT due_end_ms, opened_ms, done_at, open FROM due_tally {by_role};");
        let dues: Vec<DueHistory> =
            self.db.select("reading the kept tallies' history", &query, variables(scope, Thresholds { now_ms: 0, soon_end_ms: 0 })).await?;
        Ok(instants
            .iter()
            .map(|&instant| {
                let then = Thresholds { now_ms: instant, soon_end_ms: instant };
                let mut counts = std::collections::BTreeMap::<TaskState, u32>::new();
                for due in dues.iter().filter(|due| due.opened_ms.unwrap_or(0) <= instant) {
                    for done_at in &due.done_at {
                        *counts.entry(then.classify_then(due.due_end_ms, Some(*done_at))).or_default() += 1;
                    }
                    if due.open > 0 {
                        *counts.entry(then.classify_then(due.due_end_ms, None)).or_default() += due.open;
                    }
                }
                counts.into_iter().map(|(state, count)| StateTally { state, count }).collect()
            })
            .collect())
    }

    /// [`ProgressStore::count_as_of`] by reading every assignment of the view, one statement per
    /// instant in one round trip: what the tallies must agree with.
    pub async fn count_as_of_by_reading_assignments(
        &self,
        scope: &AssignmentScope,
        instants: &[i64],
    ) -> Result<Vec<Vec<StateTally>>, DbError> {
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
        let mut response = self.db.run(context, &query, vars).await?;
        (0..instants.len())
            .map(|index| {
                let mut tallies: Vec<StateTally> = super::rows(&mut response, 2 * index + 1, context)?;
                tallies.sort_by_key(|tally| tally.state);
                Ok(tallies)
            })
            .collect()
    }
}

impl ProgressStore {
    /// Every logged change (ticks, notes, photos; refusals left out) of `items`, newest first.
    pub async fn item_history(&self, items: &[Uuid]) -> Result<Vec<LoggedChange>, DbError> {
        self.db.select(
            "reading items' history",
            "SELECT record::id(id) AS change, item, field, value, author, device, at_ms, time::unix(received_at) AS synced_s, outcome FROM change \
             WHERE item IN $items AND outcome != $rejected ORDER BY at_ms DESC;",
            json!({"items": items, "rejected": chidao_core::sync::LoggedOutcome::Rejected}),
        )
        .await
    }

    /// The items (removed ones too: they are history) of one unit's checklist for a task,
    /// in one period for a recurring task.
    pub async fn assignment_items(&self, task: Uuid, unit: &UnitCode, period: Option<Period>) -> Result<Vec<ChecklistItem>, DbError> {
        let query = format!(
            "SELECT {} FROM item WITH INDEX item_task_unit_period WHERE task = $task AND unit = $unit AND period = $period ORDER BY position;",
            super::ITEM_FIELDS
        );
        let rows: Vec<super::StoredItem> =
            self.db.select("reading an assignment's items", &query, json!({"task": task, "unit": unit, "period": period})).await?;
        Ok(rows.into_iter().map(|stored| stored.item).collect())
    }
}

/// A change as the log holds it: the field it set and the value, as sent.
#[derive(Debug, Deserialize)]
pub struct LoggedChange {
    pub change: Uuid,
    pub item: Uuid,
    pub field: String,
    pub value: serde_json::Value,
    pub author: String,
    pub device: Uuid,
    pub at_ms: i64,
    /// When the server received it, in whole seconds.
    pub synced_s: i64,
    pub outcome: chidao_core::sync::LoggedOutcome,
}

#[cfg(test)]
mod tests {
    use super::super::fixture::province;
    use super::*;
    use chidao_core::domain::UnitRole;

    #[tokio::test]
    async fn each_units_work_on_a_task_is_one_assignment_with_its_role_and_state() {
        let province = province().await;
        let now = chrono::DateTime::parse_from_rfc3339("2022-08-20T03:00:00Z").unwrap().to_utc();
        let mut listed = province.store.progress.list_assignments(&AssignmentScope::default(), Thresholds::at(now, 3)).await.unwrap();
        listed.sort_by(|a, b| a.unit.cmp(&b.unit));
        let shape: Vec<(&str, UnitRole, TaskState, u32, u32)> =
            listed.iter().map(|listed| (listed.unit.as_str(), listed.role, listed.state, listed.done, listed.total)).collect();
        assert_eq!(
            shape,
            [("XA-TINH-HA", UnitRole::Lead, TaskState::Overdue, 0, 2), ("XA-TINH-SON", UnitRole::Coordinating, TaskState::Overdue, 0, 2)]
        );
        let items = province.store.progress.assignment_items(province.task.id, &province.lead, None).await.unwrap();
        assert_eq!(items.iter().map(|item| item.label.as_str()).collect::<Vec<_>>(), ["Lập danh sách", "Gửi báo cáo"]);
    }
}
