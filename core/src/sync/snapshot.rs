use super::{apply, replay, Change, PullResponse};
use crate::domain::{ChecklistItem, Directive, Party, Task, Unit, UnitCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What a device last heard from the server, kept in browser storage.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub cursor: u64,
    pub items: BTreeMap<Uuid, ChecklistItem>,
    pub tasks: BTreeMap<Uuid, Task>,
    pub directives: BTreeMap<Uuid, Directive>,
    pub units: BTreeMap<UnitCode, Unit>,
}

/// One task with its checklist as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskView {
    pub task: Task,
    pub items: Vec<ChecklistItem>,
}

/// A directive's tasks, grouped by section in the directive's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectiveView {
    pub directive: Directive,
    pub sections: Vec<(usize, Vec<TaskView>)>,
}

impl Snapshot {
    /// Takes in one page of a pull. The server's word replaces ours record by record; the
    /// cursor only moves forward.
    pub fn absorb(&mut self, page: PullResponse) {
        self.cursor = self.cursor.max(page.cursor);
        self.items.extend(page.items.into_iter().map(|item| (item.id, item)));
        self.tasks.extend(page.tasks.into_iter().map(|task| (task.id, task)));
        self.directives.extend(page.directives.into_iter().map(|directive| (directive.id, directive)));
        self.units.extend(page.units.into_iter().map(|unit| (unit.code.clone(), unit)));
    }

    /// Folds changes the server has acknowledged into the snapshot, by the rule the server
    /// applied, so that between dropping them from the outbox and the next pull the screen
    /// never shows an item without them.
    pub fn acknowledge<'a>(&mut self, changes: impl IntoIterator<Item = &'a Change>, author: &str) {
        for change in changes {
            if let Some(item) = self.items.get_mut(&change.item) {
                apply(item, change, author);
            }
        }
    }

    /// The newest stamp the server has shown this device, which the device's clock must
    /// pass before its next edit.
    pub fn newest_stamp(&self) -> Option<super::Stamp> {
        self.items.values().filter_map(|item| item.last_change()).map(|mark| mark.stamp).max()
    }

    /// A unit's name, or a group phrase as written.
    pub fn party_name(&self, party: &Party) -> String {
        match party {
            Party::Unit(code) => self.units.get(code).map_or_else(|| code.to_string(), |unit| unit.name.to_string()),
            Party::Phrase(text) => text.to_string(),
        }
    }

    /// The screen: server state with pending changes replayed on top, directives newest
    /// first, sections and items in their written order.
    pub fn view(&self, pending: &[Change], author: &str) -> Vec<DirectiveView> {
        let mut by_task: BTreeMap<Uuid, Vec<ChecklistItem>> = BTreeMap::new();
        for item in self.items.values().filter(|item| !item.removed) {
            by_task.entry(item.task).or_default().push(replay(item, pending, author));
        }
        let mut directives: Vec<&Directive> = self.directives.values().collect();
        // Orders with a last tie-break make unstable sorts (smaller in the wasm) repeatable.
        directives
            .sort_unstable_by(|a, b| b.issued_on.cmp(&a.issued_on).then(a.title.as_str().cmp(b.title.as_str())).then(a.id.cmp(&b.id)));
        directives
            .into_iter()
            .map(|directive| {
                let mut sections: BTreeMap<usize, Vec<TaskView>> = BTreeMap::new();
                for task in self.tasks.values().filter(|task| task.directive == directive.id) {
                    let Some(mut items) = by_task.get(&task.id).cloned() else { continue };
                    // A head sees several units' checklists under one task: one unit's after another.
                    items.sort_unstable_by(|a, b| a.unit.cmp(&b.unit).then(a.position.cmp(&b.position)).then(a.id.cmp(&b.id)));
                    sections.entry(task.section).or_default().push(TaskView { task: task.clone(), items });
                }
                DirectiveView { directive: directive.clone(), sections: sections.into_iter().collect() }
            })
            .filter(|view| !view.sections.is_empty())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{Base, Edit, Stamp};
    use chrono::NaiveDate;

    fn fixture() -> (Directive, Task, ChecklistItem) {
        let directive = Directive::new(
            Uuid::from_u128(1),
            "Chỉ đạo",
            "UBND tỉnh",
            NaiveDate::from_ymd_opt(2022, 8, 5).unwrap(),
            vec![],
            &["An toàn giao thông"],
        )
        .unwrap();
        let unit = UnitCode::parse("XA-1").unwrap();
        let task = Task::new(Uuid::from_u128(2), &directive, 0, "Bảo đảm TTATGT", Party::Unit(unit.clone()), vec![], None, None).unwrap();
        let item = ChecklistItem::new(Uuid::from_u128(3), task.id, unit, "Làm gờ giảm tốc", 1).unwrap();
        (directive, task, item)
    }

    fn page(cursor: u64, item: ChecklistItem) -> PullResponse {
        let (directive, task, _) = fixture();
        PullResponse { cursor, more: false, items: vec![item], tasks: vec![task], directives: vec![directive], units: vec![] }
    }

    fn tick(item: Uuid) -> Change {
        let stamp = Stamp { wall_ms: 10, counter: 0, device: Uuid::nil() };
        Change { id: Uuid::from_u128(9), item, seq: 1, stamp, base: Base::default(), edit: Edit::Done { value: true } }
    }

    #[test]
    fn pending_changes_show_over_the_server_state() {
        let (_, _, item) = fixture();
        let mut snapshot = Snapshot::default();
        snapshot.absorb(page(5, item.clone()));
        let tick = tick(item.id);
        let view = snapshot.view(&[tick], "official");
        assert!(view[0].sections[0].1[0].items[0].done);
        assert!(!snapshot.items[&item.id].done, "the snapshot itself holds only what the server said");
    }

    #[test]
    fn an_acknowledged_change_stays_visible_without_the_outbox() {
        let (_, _, item) = fixture();
        let mut snapshot = Snapshot::default();
        snapshot.absorb(page(5, item.clone()));
        snapshot.acknowledge([&tick(item.id)], "official");
        assert!(snapshot.view(&[], "official")[0].sections[0].1[0].items[0].done);
    }

    #[test]
    fn the_cursor_never_moves_back() {
        let (_, _, item) = fixture();
        let mut snapshot = Snapshot::default();
        snapshot.absorb(page(7, item.clone()));
        snapshot.absorb(page(3, item));
        assert_eq!(snapshot.cursor, 7);
    }
}
