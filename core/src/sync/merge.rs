//! How one change applies to one item: field-level last-writer-wins by hybrid-logical-clock
//! stamp, with concurrent edits by different people flagged rather than silently merged.
//! The browser (replaying its outbox) and the server (the authoritative apply) both call
//! [`apply`], so the two cannot drift.

use super::{Change, Edit, Stamp};
use crate::domain::ChecklistItem;
pub use crate::domain::Mark;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The stamps a device saw on an item's fields when it made an edit. An edit whose base
/// differs from the server's marks was made without knowing the other edit: concurrent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Base {
    pub done: Option<Stamp>,
    pub note: Option<Stamp>,
}

impl Base {
    pub fn of(item: &ChecklistItem) -> Self {
        Self { done: item.done_mark.as_ref().map(|m| m.stamp), note: item.note_mark.as_ref().map(|m| m.stamp) }
    }
}

/// What became of a change, as the change log stores it. Merging gives `applied` or
/// `superseded`; the push decision adds `rejected`, a supervisor's review `reviewed`. The
/// device hears it as a [`super::ChangeStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LoggedOutcome {
    /// The change is now the field's value.
    Applied,
    /// A later edit of the same field already stands; the change is kept in the log only.
    Superseded,
    /// Refused, with its reason; never read back as an edit.
    Rejected,
    /// Chosen by a supervisor over the other edits of its field.
    Reviewed,
}

/// Whether `mark` is an edit by someone else that the editor had not seen.
fn unseen_edit_by_other(mark: Option<&Mark>, seen: Option<Stamp>, author: &str) -> bool {
    mark.is_some_and(|mark| Some(mark.stamp) != seen && mark.by != author)
}

/// Whether `change` by `author` meets an edit of the same field by someone else that its
/// author had not seen: the two people worked concurrently and one of them will lose.
pub fn clashes(item: &ChecklistItem, change: &Change, author: &str) -> bool {
    let (mark, seen) = match change.edit {
        Edit::Done { .. } => (&item.done_mark, change.base.done),
        Edit::Note { .. } => (&item.note_mark, change.base.note),
    };
    mark.as_ref().is_some_and(|existing| existing.stamp != change.stamp) && unseen_edit_by_other(mark.as_ref(), seen, author)
}

/// Applies `change` made by `author`. The value follows the newest stamp whatever the order
/// of arrival, and applying the same change twice leaves the item as once. A concurrent
/// edit of the same field by another person marks a conflict for review (both values stay
/// in the change log); of the other field, a parallel update.
pub fn apply(item: &mut ChecklistItem, change: &Change, author: &str) -> LoggedOutcome {
    let (mark, other_mark, other_seen) = match change.edit {
        Edit::Done { .. } => (&item.done_mark, &item.note_mark, change.base.note),
        Edit::Note { .. } => (&item.note_mark, &item.done_mark, change.base.done),
    };
    if mark.as_ref().is_some_and(|existing| existing.stamp == change.stamp) {
        // This very change set the field already.
        return LoggedOutcome::Applied;
    }
    if clashes(item, change, author) {
        item.conflict = true;
    }
    if unseen_edit_by_other(other_mark.as_ref(), other_seen, author) {
        item.parallel_update = true;
    }
    if mark.as_ref().is_some_and(|existing| existing.stamp > change.stamp) {
        if let Edit::Done { value } = change.edit {
            heard_late(item, value, change.stamp);
        }
        return LoggedOutcome::Superseded;
    }
    let new_mark = Some(Mark { stamp: change.stamp, by: author.to_owned() });
    match &change.edit {
        Edit::Done { value } => {
            let at = change.stamp.wall_ms;
            item.done_since_ms = match (*value, item.became_done_ms()) {
                (false, _) => None,
                (true, None) => Some(at),
                (true, Some(since)) => Some(since.min(at)),
            };
            if !value {
                item.last_undone_ms = item.last_undone_ms.max(Some(at));
            }
            item.done = *value;
            item.done_mark = new_mark;
        }
        Edit::Note { value } => {
            item.note = value.clone();
            item.note_mark = new_mark;
        }
    }
    LoggedOutcome::Applied
}

/// A done edit older than the value standing, heard now. The value does not move, but
/// when the item became done may: a tick made offline before the moment kept, and after
/// every untick heard, means it was done from then; an untick after that moment means the
/// current run of ticks began later, by the standing tick at the latest. (Exact unless a
/// tick between such an untick and the standing one was heard before the untick.)
fn heard_late(item: &mut ChecklistItem, value: bool, stamp: super::Stamp) {
    let at = stamp.wall_ms;
    if !value {
        item.last_undone_ms = item.last_undone_ms.max(Some(at));
    }
    let (Some(since), Some(standing)) = (item.became_done_ms(), item.done_mark.as_ref().map(|mark| mark.stamp.wall_ms)) else { return };
    item.done_since_ms = Some(match value {
        true if item.last_undone_ms.is_none_or(|undone| at > undone) => since.min(at),
        true => since,
        false if at >= since => standing,
        false => since,
    });
}

/// The guarantee the merge rule gives every edit, checked over a log of `(change id, item,
/// edit, kept stamp)`: each edit is its field's value now or was beaten by an edit with a
/// later stamp, and no two edits of a field share a stamp. Returns why it does not hold
/// for the first edit it fails on. The sync model and the server's random schedules check
/// their logs with it.
pub fn unaccounted_edit<'a>(
    log: impl IntoIterator<Item = (Uuid, Uuid, &'a Edit, Stamp)>,
    items: &std::collections::BTreeMap<Uuid, ChecklistItem>,
) -> Option<String> {
    let mut stamps = std::collections::BTreeSet::new();
    for (change, item, edit, stamp) in log {
        if !stamps.insert((item, edit.field(), stamp)) {
            return Some(format!("two edits of a field share the stamp {stamp:?}"));
        }
        let Some(now) = items.get(&item) else { return Some(format!("change {change} is on an item that is gone")) };
        let (mark, stands) = match edit {
            Edit::Done { value } => (&now.done_mark, now.done == *value),
            Edit::Note { value } => (&now.note_mark, now.note == *value),
        };
        let mark = mark.as_ref().map(|mark| mark.stamp);
        if mark < Some(stamp) {
            return Some(format!("change {change} is neither its field's value nor beaten by a later edit"));
        }
        if mark == Some(stamp) && !stands {
            return Some(format!("change {change} holds its field's stamp but not its value"));
        }
    }
    None
}

/// What the screen shows: the last server snapshot of an item with the device's pending
/// changes laid over it, by the same rule the server will use.
pub fn replay<'a>(item: &ChecklistItem, pending: impl IntoIterator<Item = &'a Change>, author: &str) -> ChecklistItem {
    let mut shown = item.clone();
    for change in pending.into_iter().filter(|change| change.item == item.id) {
        apply(&mut shown, change, author);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Note, UnitCode};
    use proptest::prelude::*;
    use uuid::Uuid;

    fn item() -> ChecklistItem {
        ChecklistItem::new(Uuid::from_u128(1), Uuid::nil(), UnitCode::parse("XA-1").unwrap(), "Gờ giảm tốc", 1).unwrap()
    }

    fn stamp(wall_ms: i64, device: u128) -> Stamp {
        Stamp { wall_ms, counter: 0, device: Uuid::from_u128(device) }
    }

    fn change(id: u128, at: Stamp, base: Base, edit: Edit) -> Change {
        Change { id: Uuid::from_u128(id), item: Uuid::from_u128(1), seq: 1, stamp: at, base, edit }
    }

    #[test]
    fn the_later_edit_of_a_field_wins_whatever_the_arrival_order() {
        let early = change(10, stamp(1_000, 1), Base::default(), Edit::Done { value: true });
        let late = change(11, stamp(2_000, 2), Base::default(), Edit::Done { value: false });
        let mut a = item();
        apply(&mut a, &early, "an");
        apply(&mut a, &late, "binh");
        let mut b = item();
        apply(&mut b, &late, "binh");
        assert_eq!(apply(&mut b, &early, "an"), LoggedOutcome::Superseded);
        assert_eq!(a, b);
        assert!(!a.done);
        assert!(a.conflict, "two people changed the same field without seeing each other");
    }

    #[test]
    fn an_edit_made_after_seeing_the_other_is_no_conflict() {
        let first = change(10, stamp(1_000, 1), Base::default(), Edit::Done { value: true });
        let mut server = item();
        apply(&mut server, &first, "an");
        let informed = change(11, stamp(2_000, 2), Base::of(&server), Edit::Done { value: false });
        apply(&mut server, &informed, "binh");
        assert!(!server.conflict && !server.parallel_update);
        assert!(!server.done);
    }

    #[test]
    fn the_same_person_on_two_tablets_is_no_conflict() {
        let mut server = item();
        apply(&mut server, &change(10, stamp(1_000, 1), Base::default(), Edit::Done { value: true }), "an");
        apply(&mut server, &change(11, stamp(2_000, 2), Base::default(), Edit::Done { value: false }), "an");
        assert!(!server.conflict);
    }

    #[test]
    fn concurrent_edits_of_different_fields_both_stand_and_are_flagged() {
        let mut merged = item();
        apply(&mut merged, &change(10, stamp(2_000, 1), Base::default(), Edit::Done { value: true }), "an");
        let note = Note::parse("đã lắp 3 biển").unwrap();
        let outcome = apply(&mut merged, &change(11, stamp(1_000, 2), Base::default(), Edit::Note { value: note.clone() }), "binh");
        assert_eq!(outcome, LoggedOutcome::Applied);
        assert!(merged.done);
        assert_eq!(merged.note, note);
        assert!(merged.parallel_update && !merged.conflict);
    }

    #[test]
    fn a_later_tick_of_an_item_already_ticked_does_not_move_when_it_became_done() {
        let mut server = item();
        apply(&mut server, &change(10, stamp(1_000, 1), Base::default(), Edit::Done { value: true }), "an");
        apply(&mut server, &change(11, stamp(5_000, 2), Base::default(), Edit::Done { value: true }), "binh");
        assert_eq!((server.done_since_ms, server.done_mark.as_ref().map(|mark| mark.stamp.wall_ms)), (Some(1_000), Some(5_000)));
    }

    #[test]
    fn an_earlier_tick_heard_late_moves_when_it_became_done_back() {
        let mut server = item();
        apply(&mut server, &change(11, stamp(5_000, 2), Base::default(), Edit::Done { value: true }), "binh");
        assert_eq!(server.done_since_ms, Some(5_000));
        let outcome = apply(&mut server, &change(10, stamp(1_000, 1), Base::default(), Edit::Done { value: true }), "an");
        assert_eq!((outcome, server.done_since_ms), (LoggedOutcome::Superseded, Some(1_000)));
    }

    #[test]
    fn after_an_untick_the_item_became_done_again_with_the_next_tick() {
        for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            let edits = [(1_000, true), (2_000, false), (3_000, true)];
            let mut server = item();
            for index in order {
                let (at, value) = edits[index];
                apply(&mut server, &change(10 + index as u128, stamp(at, index as u128), Base::default(), Edit::Done { value }), "an");
            }
            assert_eq!((server.done, server.done_since_ms), (true, Some(3_000)), "delivered in the order {order:?}");
        }
        let mut unticked = item();
        apply(&mut unticked, &change(10, stamp(1_000, 1), Base::default(), Edit::Done { value: true }), "an");
        apply(&mut unticked, &change(11, stamp(2_000, 1), Base::default(), Edit::Done { value: false }), "an");
        assert_eq!(unticked.done_since_ms, None);
    }

    #[test]
    fn applying_a_change_twice_is_the_same_as_once() {
        let tick = change(10, stamp(1_000, 1), Base::default(), Edit::Done { value: true });
        let mut once = item();
        apply(&mut once, &tick, "an");
        let mut twice = once.clone();
        apply(&mut twice, &tick, "an");
        assert_eq!(once, twice);
    }

    #[test]
    fn an_edit_that_is_neither_the_value_nor_beaten_is_caught() {
        let early = change(10, stamp(1_000, 1), Base::default(), Edit::Done { value: true });
        let late = change(11, stamp(2_000, 1), Base::default(), Edit::Done { value: false });
        let mut server = item();
        apply(&mut server, &early, "an");
        apply(&mut server, &late, "an");
        let items = std::collections::BTreeMap::from([(server.id, server.clone())]);
        fn log<'a>(changes: &[&'a Change]) -> Vec<(Uuid, Uuid, &'a Edit, Stamp)> {
            changes.iter().map(|c| (c.id, c.item, &c.edit, c.stamp)).collect()
        }
        assert_eq!(unaccounted_edit(log(&[&early, &late]), &items), None);
        let mut lost = items.clone();
        lost.get_mut(&server.id).unwrap().done_mark = Some(Mark { stamp: early.stamp, by: "an".into() });
        assert!(unaccounted_edit(log(&[&late]), &lost).is_some_and(|why| why.contains("neither")));
        assert!(unaccounted_edit(log(&[&early]), &lost).is_some_and(|why| why.contains("not its value")));
        let tie = change(12, late.stamp, Base::default(), Edit::Done { value: true });
        assert!(unaccounted_edit(log(&[&late, &tie]), &items).is_some_and(|why| why.contains("share the stamp")));
    }

    #[test]
    fn replay_only_touches_its_own_item() {
        let mut other = change(10, stamp(1_000, 1), Base::default(), Edit::Done { value: true });
        other.item = Uuid::from_u128(99);
        assert_eq!(replay(&item(), [&other], "an"), item());
    }

    fn arbitrary_change() -> impl Strategy<Value = Change> {
        (0u128..40, 0u128..3, 0i64..50, any::<bool>(), "[a-z ]{0,8}").prop_map(|(id, device, at, is_done, text)| {
            let edit = if is_done { Edit::Done { value: at % 2 == 0 } } else { Edit::Note { value: Note::parse(&text).unwrap() } };
            change(id + 100, stamp(at, device), Base::default(), edit)
        })
    }

    proptest! {
        #[test]
        fn the_final_values_do_not_depend_on_delivery_order(
            changes in proptest::collection::vec(arbitrary_change(), 0..12),
            seed in any::<u64>(),
        ) {
            // One stamp per change, as on the wire.
            let mut unique = std::collections::BTreeMap::new();
            for c in changes { unique.entry(c.stamp).or_insert(c); }
            let in_order: Vec<Change> = unique.into_values().collect();
            let mut shuffled = in_order.clone();
            let mut state = seed;
            for i in (1..shuffled.len()).rev() {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (state >> 33) as usize % (i + 1));
            }
            let mut a = item();
            for c in &in_order { apply(&mut a, c, "u"); }
            let mut b = item();
            for c in shuffled.iter().chain(shuffled.iter()) { apply(&mut b, c, "u"); }
            prop_assert_eq!(a.done, b.done);
            prop_assert_eq!(a.note, b.note);
            prop_assert_eq!(&a.done_mark, &b.done_mark);
            prop_assert_eq!(a.note_mark, b.note_mark);

            // When the item became done: exact when heard in order; in any order never
            // earlier than that (late work is never made to look on time) nor later than
            // the standing tick.
            let dones: Vec<(Stamp, bool)> =
                in_order.iter().filter_map(|c| match c.edit { Edit::Done { value } => Some((c.stamp, value)), _ => None }).collect();
            let newest_untick = dones.iter().filter(|(_, value)| !value).map(|(stamp, _)| *stamp).max();
            let exact = a.done.then(|| {
                dones.iter().filter(|(stamp, value)| *value && newest_untick.is_none_or(|untick| *stamp > untick)).map(|(stamp, _)| stamp.wall_ms).min()
            }).flatten();
            prop_assert_eq!(a.done_since_ms, exact);
            if let (Some(since), Some(exact)) = (b.done_since_ms, exact) {
                prop_assert!(exact <= since && since <= b.done_mark.as_ref().unwrap().stamp.wall_ms, "{} not in {}..", since, exact);
            }
            prop_assert_eq!(b.done_since_ms.is_some(), b.done);
        }
    }
}
