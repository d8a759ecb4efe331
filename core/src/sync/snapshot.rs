use super::{apply, replay, Change, PullResponse};
use crate::domain::{ChecklistItem, Deadline, Directive, Party, Period, Task, Unit, UnitCode};
use chrono::NaiveDate;
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
    /// For recurring work, the current period's copies of the template.
    pub items: Vec<ChecklistItem>,
    /// For recurring work: the period shown and its deadline.
    pub period: Option<(Period, Deadline)>,
    /// For recurring work: how the earlier periods this device holds ended, newest first.
    pub earlier: Vec<PeriodTally>,
}

/// One unit's checklist in one earlier period, counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodTally {
    pub period: Period,
    pub unit: UnitCode,
    pub done: usize,
    pub total: usize,
    /// That period's last day, and when its checklist became complete: where it stands is
    /// judged from them by the one rule (`domain::standing`).
    pub deadline: Deadline,
    pub done_at_ms: Option<i64>,
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
            // A change to a period's copy that no pull has brought yet was made in the
            // period its device's clock was in.
            let made_on = Deadline::today_in_vietnam(chrono::DateTime::from_timestamp_millis(change.stamp.wall_ms).unwrap_or_default());
            let Some(mut item) = self.item(change.item, made_on) else { continue };
            apply(&mut item, change, author);
            self.items.insert(item.id, item);
        }
    }

    /// An item as the server last sent it, or, for the copy of a recurring task's template
    /// in the period holding `today` that the server has not sent yet, that copy as it
    /// starts.
    pub fn item(&self, id: Uuid, today: NaiveDate) -> Option<ChecklistItem> {
        if let Some(item) = self.items.get(&id) {
            return Some(item.clone());
        }
        self.items.values().filter(|item| item.period.is_none() && !item.removed).find_map(|template| {
            let period = self.tasks.get(&template.task)?.recurrence.as_ref()?.period_of(today);
            (ChecklistItem::id_in(template.id, period) == id).then(|| template.in_period(period))
        })
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

    /// The screen on `today`: server state with pending changes replayed on top,
    /// directives newest first, sections and items in their written order; for recurring
    /// work, the current period's checklist (made here from the template when the server
    /// has not sent it yet) and a tally of the earlier ones.
    pub fn view(&self, pending: &[Change], author: &str, today: NaiveDate) -> Vec<DirectiveView> {
        let mut by_task: Vec<(Uuid, Vec<&ChecklistItem>)> = Vec::new();
        for item in self.items.values().filter(|item| !item.removed) {
            group_into(&mut by_task, item.task).push(item);
        }
        let mut directives: Vec<&Directive> = self.directives.values().collect();
        // Orders with a last tie-break make unstable sorts (smaller in the wasm) repeatable.
        directives
            .sort_unstable_by(|a, b| b.issued_on.cmp(&a.issued_on).then(a.title.as_str().cmp(b.title.as_str())).then(a.id.cmp(&b.id)));
        directives
            .into_iter()
            .map(|directive| {
                let mut sections: Vec<(usize, Vec<TaskView>)> = Vec::new();
                for task in self.tasks.values().filter(|task| task.directive == directive.id) {
                    let Ok(at) = by_task.binary_search_by_key(&task.id, |(id, _)| *id) else { continue };
                    let stored = &by_task[at].1;
                    let mut shown = self.task_view(task, stored, today);
                    for item in &mut shown.items {
                        *item = replay(item, pending, author);
                    }
                    // A head sees several units' checklists under one task: one unit's after another.
                    shown.items.sort_unstable_by(|a, b| a.unit.cmp(&b.unit).then(a.position.cmp(&b.position)).then(a.id.cmp(&b.id)));
                    group_into(&mut sections, task.section).push(shown);
                }
                DirectiveView { directive: directive.clone(), sections }
            })
            .filter(|view| !view.sections.is_empty())
            .collect()
    }
}

impl Snapshot {
    /// A task's checklist on `today`, before pending changes: its items, or for recurring
    /// work the current period's copies of the templates and the earlier periods' tallies.
    fn task_view(&self, task: &Task, stored: &[&ChecklistItem], today: NaiveDate) -> TaskView {
        let Some(recurrence) = &task.recurrence else {
            let items = stored.iter().filter(|item| item.period.is_none()).map(|item| (*item).clone()).collect();
            return TaskView { task: task.clone(), items, period: None, earlier: Vec::new() };
        };
        let current = recurrence.period_of(today);
        let items = stored
            .iter()
            .filter(|item| item.period.is_none())
            .map(|template| {
                let id = ChecklistItem::id_in(template.id, current);
                self.items.get(&id).cloned().unwrap_or_else(|| template.in_period(current))
            })
            .collect();
        let mut runs: Vec<((Period, UnitCode), Vec<&ChecklistItem>)> = Vec::new();
        for item in stored {
            if let Some(period) = item.period.filter(|period| *period < current) {
                group_into(&mut runs, (period, item.unit.clone())).push(*item);
            }
        }
        let earlier = runs
            .into_iter()
            .rev()
            .map(|((period, unit), items)| PeriodTally {
                period,
                unit,
                done: items.iter().filter(|item| item.done).count(),
                total: items.len(),
                deadline: recurrence.deadline_in(period),
                done_at_ms: crate::domain::checklist_done_at_ms(items.iter().copied()),
            })
            .collect();
        TaskView { task: task.clone(), items, period: Some((current, recurrence.deadline_in(current))), earlier }
    }
}

/// The value kept under `key` in a list sorted by key, added (as its default) where the
/// order puts it when absent. The screen's groupings are small; sorted lists keep the
/// offline shell free of a B-tree's code for each of them.
fn group_into<K: Ord, V: Default>(groups: &mut Vec<(K, V)>, key: K) -> &mut V {
    let at = match groups.binary_search_by(|(held, _)| held.cmp(&key)) {
        Ok(at) => at,
        Err(at) => {
            groups.insert(at, (key, V::default()));
            at
        }
    };
    &mut groups[at].1
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
    fn groups_stay_sorted_by_key_and_gather_their_values() {
        let mut groups: Vec<(u32, Vec<char>)> = Vec::new();
        for (key, value) in [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')] {
            group_into(&mut groups, key).push(value);
        }
        assert_eq!(groups, vec![(1, vec!['b', 'e']), (2, vec!['d']), (3, vec!['a', 'c'])]);
    }

    #[test]
    fn pending_changes_show_over_the_server_state() {
        let (_, _, item) = fixture();
        let mut snapshot = Snapshot::default();
        snapshot.absorb(page(5, item.clone()));
        let tick = tick(item.id);
        let view = snapshot.view(&[tick], "official", day());
        assert!(view[0].sections[0].1[0].items[0].done);
        assert!(!snapshot.items[&item.id].done, "the snapshot itself holds only what the server said");
    }

    #[test]
    fn an_acknowledged_change_stays_visible_without_the_outbox() {
        let (_, _, item) = fixture();
        let mut snapshot = Snapshot::default();
        snapshot.absorb(page(5, item.clone()));
        snapshot.acknowledge([&tick(item.id)], "official");
        assert!(snapshot.view(&[], "official", day())[0].sections[0].1[0].items[0].done);
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    /// The fixture's task recurring monthly, with its template item.
    fn monthly() -> Snapshot {
        let (_, mut task, template) = fixture();
        task.recurrence = Some(crate::domain::Recurrence::parse("monthly:25").unwrap());
        let mut snapshot = Snapshot::default();
        let mut first = page(5, template);
        first.tasks = vec![task];
        snapshot.absorb(first);
        snapshot
    }

    #[test]
    fn a_recurring_task_shows_the_current_periods_copy_before_any_server_sends_it() {
        let snapshot = monthly();
        let (_, _, template) = fixture();
        let november = Period::parse("2026-11").unwrap();
        let view = snapshot.view(&[], "official", day());
        let shown = &view[0].sections[0].1[0];
        assert_eq!(shown.items.len(), 1);
        assert_eq!(shown.items[0].id, ChecklistItem::id_in(template.id, november));
        assert_eq!(
            shown.period.map(|(period, deadline)| (period, deadline.date)),
            Some((november, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()))
        );
        let tick = tick(shown.items[0].id);
        assert!(snapshot.view(&[tick], "official", day())[0].sections[0].1[0].items[0].done, "a tick on the copy shows at once");
        let december = snapshot.view(&[], "official", NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_ne!(december[0].sections[0].1[0].items[0].id, shown.items[0].id, "a new month is a new checklist");
    }

    #[test]
    fn the_servers_copy_replaces_the_devices_and_earlier_periods_are_tallied() {
        let mut snapshot = monthly();
        let (_, _, template) = fixture();
        let november = Period::parse("2026-11").unwrap();
        let mut october = template.in_period(november.previous());
        october.done = true;
        // Ticked at noon on 20 October in Vietnam.
        let ticked_ms = 1_792_472_400_000;
        october.done_since_ms = Some(ticked_ms);
        let mut from_server = template.in_period(november);
        from_server.note = crate::domain::Note::parse("đã gửi").unwrap();
        let mut later = page(9, from_server.clone());
        later.tasks.clear();
        later.items.push(october);
        snapshot.absorb(later);
        let shown = &snapshot.view(&[], "official", day())[0].sections[0].1[0];
        assert_eq!(shown.items, vec![from_server]);
        let earlier = &shown.earlier;
        assert_eq!(earlier.len(), 1);
        assert_eq!((earlier[0].period, &earlier[0].unit, earlier[0].done, earlier[0].total), (november.previous(), &template.unit, 1, 1));
        assert_eq!(earlier[0].deadline.date, NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(), "October's own last day");
        assert_eq!(earlier[0].done_at_ms, Some(ticked_ms));
    }

    #[test]
    fn an_acknowledged_tick_on_a_copy_no_pull_brought_stays_visible() {
        let mut snapshot = monthly();
        let (_, _, template) = fixture();
        // The fixture's tick is stamped at 10 ms after the epoch: January 1970 in Vietnam.
        let january = Period::parse("1970-01").unwrap();
        let copy = ChecklistItem::id_in(template.id, january);
        snapshot.acknowledge([&tick(copy)], "official");
        assert!(snapshot.items[&copy].done);
        assert_eq!(snapshot.items[&copy].period, Some(january));
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
