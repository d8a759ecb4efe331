//! A directive's checklists written in steps of bounded size. A publication or an edit
//! first writes the directive, its tasks and due rows with the form it is writing towards
//! (a `publication` record, leased to one writer); then its items go in steps, each one
//! transaction that also renews the lease; the last step clears the record. A writer that
//! stops half-way (a crash, a lost database) leaves the record behind, and once its lease
//! has run out any app server takes it and writes the rest.

use super::{to_json, DirectiveStore, Recorded};
use crate::db::DbError;
use chidao_core::domain::{ChecklistItem, Directive, Period, Task, UnitCode};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

/// Items written (or marked removed) per transaction. A transaction must fit the embedded
/// engine's write buffer whole, and at the least buffer allowed (16 MiB) this many items
/// with the longest labels do, with room to spare: a test writes them.
pub const ITEMS_PER_WRITE: usize = 2_000;

/// Assignments recounted per transaction when a directive's writing ends.
const GROUPS_PER_WRITE: usize = 500;

/// How long a writer may go without writing a step before another may take its work over.
pub const LEASE_SECONDS: u32 = 60;

/// One checklist (a task's items for a unit, in a period for recurring work): what a
/// recount works on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, Deserialize)]
pub struct ChecklistKey {
    pub task: Uuid,
    pub unit: UnitCode,
    pub period: Option<Period>,
}

impl ChecklistKey {
    pub fn of(item: &ChecklistItem) -> Self {
        Self { task: item.task, unit: item.unit.clone(), period: item.period }
    }
}

/// What the last step of a directive's writing recounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalRecount {
    /// Nothing more: every checklist is new, and the step that wrote it recounted it (a
    /// directive published).
    Nothing,
    /// Every checklist of the directive: an edit may move a deadline, a role or a
    /// recurrence, which reach checklists that none of its steps touched.
    Every,
}

/// A directive whose checklists are still being written.
#[derive(Debug, Clone, Deserialize)]
pub struct Unfinished {
    pub directive: Uuid,
    /// The form as it will be when written, serialised as JSON.
    pub target: String,
    pub holder: String,
}

impl DirectiveStore {
    /// Writes the directive, its tasks and their due rows, and records `target` (the form,
    /// as JSON) as what `holder` is now writing the checklists towards. Stale when another
    /// writer holds the directive's lease; nothing is written then.
    pub async fn begin_checklists(
        &self,
        directive: &Directive,
        tasks: &[Task],
        dues: &[super::DueRow],
        target: &str,
        holder: &str,
        recount: FinalRecount,
    ) -> Result<Recorded, DbError> {
        let context = "writing a directive and its tasks";
        let task_rows = tasks
            .iter()
            .map(|task| Ok(json!({"key": task.id, "content": super::without_id(to_json(task, context)?)})))
            .collect::<Result<Vec<_>, DbError>>()?;
        let query = format!(
            r#"
            BEGIN TRANSACTION;
            LET $current = (SELECT holder, lease_until FROM type::record('publication', $directive.key))[0];
            IF $current != NONE AND $current.holder != $holder AND $current.lease_until > time::now() {{ THROW 'held by another writer' }};
            UPSERT type::record('publication', $directive.key)
                CONTENT {{ target: $target, holder: $holder, lease_until: time::now() + {LEASE_SECONDS}s, recount_all: $recount_all }}
                RETURN NONE;
            UPSERT type::record('directive', $directive.key) CONTENT $directive.content RETURN NONE;
            FOR $t IN $tasks {{ UPSERT type::record('task', $t.key) CONTENT $t.content RETURN NONE; }};
            {write_dues}
            COMMIT TRANSACTION;
        "#,
            write_dues = super::dues::WRITE_DUES,
        );
        let vars = json!({
            "directive": {"key": directive.id, "content": super::without_id(to_json(directive, context)?)},
            "tasks": task_rows,
            "dues": to_json(&dues, context)?,
            "target": target,
            "holder": holder,
            "recount_all": recount == FinalRecount::Every,
        });
        self.db.write_transaction(context, &query, vars).await
    }

    /// One step: `new_items` created, numbered from the item counter so that devices pull
    /// them, and `removed` marked removed with fresh numbers; the checklists in `touched`
    /// recounted; the lease renewed. Stale when `holder` no longer holds the lease or a
    /// concurrent write got in first; nothing is written then.
    pub async fn write_checklist_step(
        &self,
        directive: Uuid,
        holder: &str,
        new_items: &[ChecklistItem],
        removed: &[Uuid],
        touched: &[ChecklistKey],
    ) -> Result<Recorded, DbError> {
        let context = "writing a step of a directive's checklists";
        let item_rows = super::numbered_rows(new_items, context)?;
        let removed_rows: Vec<Value> = removed.iter().enumerate().map(|(n, id)| json!({"id": id, "n": new_items.len() + n + 1})).collect();
        let query = format!(
            r#"
            BEGIN TRANSACTION;
            LET $held = (UPDATE type::record('publication', $directive) SET lease_until = time::now() + {LEASE_SECONDS}s
                WHERE holder = $holder RETURN VALUE id);
            IF array::len($held) = 0 {{ THROW 'the lease was lost' }};
            LET $count = array::len($items) + array::len($removed);
            LET $first = (UPDATE ONLY counter:items SET value += $count RETURN AFTER).value - $count;
            FOR $i IN $items {{
                CREATE type::record('item', $i.key) CONTENT object::extend($i.content, {{ seq: $first + $i.n, version: 1 }}) RETURN NONE;
            }};
            FOR $r IN $removed {{
                UPDATE type::record('item', $r.id) SET removed = true, seq = $first + $r.n, version = version + 1 RETURN NONE;
            }};
            {recount}
            COMMIT TRANSACTION;
        "#,
            recount = super::RECOUNT_GROUPS
        );
        let vars = json!({
            "directive": directive,
            "holder": holder,
            "items": item_rows,
            "removed": removed_rows,
            "groups": to_json(&touched, context)?,
        });
        self.db.write_transaction(context, &query, vars).await
    }

    /// Ends the writing of `directive`'s checklists: when the writing asks for it
    /// ([`FinalRecount`]), every checklist of its tasks recounted, a bounded number per
    /// transaction; then its publication record cleared. Stale when `holder` no longer
    /// holds the lease.
    pub async fn finish_checklists(&self, directive: Uuid, holder: &str) -> Result<Recorded, DbError> {
        let context = "recounting a directive's checklists";
        let recount_all: Option<bool> = self
            .db
            .select_first(
                context,
                "SELECT VALUE recount_all FROM type::record('publication', $directive) WHERE holder = $holder;",
                json!({"directive": directive, "holder": holder}),
            )
            .await?;
        // Not found, the lease was lost: the transactions below find that out and write nothing.
        let groups: Vec<ChecklistKey> = if recount_all == Some(false) {
            Vec::new()
        } else {
            self.db
                .select(
                    context,
                    "SELECT task, unit, period FROM item WHERE task IN (SELECT VALUE record::id(id) FROM task WHERE directive = $directive)
                 GROUP BY task, unit, period;",
                    json!({"directive": directive}),
                )
                .await?
        };
        let recount = format!(
            "BEGIN TRANSACTION;
             LET $held = (UPDATE type::record('publication', $directive) SET lease_until = time::now() + {LEASE_SECONDS}s
                 WHERE holder = $holder RETURN VALUE id);
             IF array::len($held) = 0 {{ THROW 'the lease was lost' }};
             {recount}
             COMMIT TRANSACTION;",
            recount = super::RECOUNT_GROUPS
        );
        for chunk in groups.chunks(GROUPS_PER_WRITE) {
            let vars = json!({"directive": directive, "holder": holder, "groups": to_json(&chunk, context)?});
            if self.db.write_transaction(context, &recount, vars).await? == Recorded::Stale {
                return Ok(Recorded::Stale);
            }
        }
        let clear = "BEGIN TRANSACTION;
             LET $cleared = (DELETE type::record('publication', $directive) WHERE holder = $holder RETURN BEFORE);
             IF array::len($cleared) = 0 { THROW 'the lease was lost' };
             COMMIT TRANSACTION;";
        self.db.write_transaction("ending a directive's writing", clear, json!({"directive": directive, "holder": holder})).await
    }

    /// The directive's unfinished writing, if any.
    pub async fn unfinished_checklists(&self, directive: Uuid) -> Result<Option<Unfinished>, DbError> {
        self.db
            .select_first(
                "reading a directive's unfinished writing",
                "SELECT record::id(id) AS directive, target, holder FROM type::record('publication', $directive);",
                json!({"directive": directive}),
            )
            .await
    }

    /// Takes over, as `holder`, every unfinished writing whose lease has run out; answers
    /// the directives taken.
    pub async fn take_abandoned_checklists(&self, holder: &str) -> Result<Vec<Uuid>, DbError> {
        let context = "taking over abandoned directive writes";
        let query = format!(
            "UPDATE publication SET holder = $holder, lease_until = time::now() + {LEASE_SECONDS}s
                 WHERE lease_until <= time::now() RETURN VALUE record::id(id);"
        );
        self.db.select(context, &query, json!({"holder": holder})).await
    }
}
