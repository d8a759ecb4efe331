use super::{Change, Edit};
use crate::domain::ChecklistItem;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use uuid::Uuid;

/// Orders concurrent edits of one field. The device's clock comes first; ties fall to the
/// device id and then the change id so every replica picks the same winner.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Stamp {
    pub at_ms: i64,
    pub device: Uuid,
    pub change: Uuid,
}

impl Stamp {
    pub fn of(change: &Change) -> Self {
        Self { at_ms: change.at_ms, device: change.device, change: change.id }
    }
}

impl Ord for Stamp {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at_ms, self.device, self.change).cmp(&(other.at_ms, other.device, other.change))
    }
}

impl PartialOrd for Stamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The change is now the field's value.
    Applied,
    /// A later edit of the same field already stands; the change is kept in the log only.
    Superseded,
}

/// Field-level last-writer-wins: a change sets its field only if its stamp is newer than
/// the stamp of whatever set that field before. Applying the same change twice leaves the
/// item as once.
pub fn apply(item: &mut ChecklistItem, change: &Change, author: &str) -> Outcome {
    let stamp = Stamp::of(change);
    let current = match &change.edit {
        Edit::Done { .. } => &item.done_stamp,
        Edit::Note { .. } => &item.note_stamp,
    };
    if current.as_ref().is_some_and(|existing| *existing >= stamp) {
        return Outcome::Superseded;
    }
    match &change.edit {
        Edit::Done { value } => {
            item.done = *value;
            item.done_stamp = Some(stamp);
        }
        Edit::Note { value } => {
            item.note = value.clone();
            item.note_stamp = Some(stamp);
        }
    }
    if item.changed_at_ms.is_none_or(|at| at <= change.at_ms) {
        item.changed_by = Some(author.to_owned());
        item.changed_at_ms = Some(change.at_ms);
    }
    Outcome::Applied
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

    fn item() -> ChecklistItem {
        ChecklistItem::new(Uuid::from_u128(1), Uuid::nil(), UnitCode::parse("XA-1").unwrap(), "Gờ giảm tốc", 1).unwrap()
    }

    fn change(id: u128, device: u128, at_ms: i64, edit: Edit) -> Change {
        Change { id: Uuid::from_u128(id), item: Uuid::from_u128(1), device: Uuid::from_u128(device), at_ms, edit }
    }

    #[test]
    fn the_later_edit_of_a_field_wins_whatever_the_arrival_order() {
        let early = change(10, 1, 1_000, Edit::Done { value: true });
        let late = change(11, 2, 2_000, Edit::Done { value: false });
        let mut a = item();
        apply(&mut a, &early, "a");
        apply(&mut a, &late, "b");
        let mut b = item();
        apply(&mut b, &late, "b");
        assert_eq!(apply(&mut b, &early, "a"), Outcome::Superseded);
        assert_eq!(a, b);
        assert!(!a.done);
        assert_eq!(a.changed_by.as_deref(), Some("b"));
    }

    #[test]
    fn edits_of_different_fields_both_stand() {
        let mut merged = item();
        apply(&mut merged, &change(10, 1, 2_000, Edit::Done { value: true }), "a");
        let note = Note::parse("đã lắp 3 biển").unwrap();
        assert_eq!(apply(&mut merged, &change(11, 2, 1_000, Edit::Note { value: note.clone() }), "b"), Outcome::Applied);
        assert!(merged.done);
        assert_eq!(merged.note, note);
    }

    #[test]
    fn applying_a_change_twice_is_the_same_as_once() {
        let tick = change(10, 1, 1_000, Edit::Done { value: true });
        let mut once = item();
        apply(&mut once, &tick, "a");
        let mut twice = once.clone();
        assert_eq!(apply(&mut twice, &tick, "a"), Outcome::Superseded);
        assert_eq!(once, twice);
    }

    #[test]
    fn replay_only_touches_its_own_item() {
        let mut other = change(10, 1, 1_000, Edit::Done { value: true });
        other.item = Uuid::from_u128(99);
        let shown = replay(&item(), [&other], "a");
        assert_eq!(shown, item());
    }

    fn arbitrary_change() -> impl Strategy<Value = Change> {
        (0u128..40, 0u128..3, 0i64..50, any::<bool>(), "[a-z ]{0,8}").prop_map(|(id, device, at, is_done, text)| {
            let edit = if is_done { Edit::Done { value: at % 2 == 0 } } else { Edit::Note { value: Note::parse(&text).unwrap() } };
            change(id + 100, device, at, edit)
        })
    }

    proptest! {
        #[test]
        fn the_final_item_does_not_depend_on_delivery_order(
            changes in proptest::collection::vec(arbitrary_change(), 0..12),
            seed in any::<u64>(),
        ) {
            // Duplicates of one change id must carry one content, as on the wire.
            let mut unique = std::collections::BTreeMap::new();
            for c in changes { unique.entry(c.id).or_insert(c); }
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
            prop_assert_eq!(a.done_stamp, b.done_stamp);
            prop_assert_eq!(a.note_stamp, b.note_stamp);
        }
    }
}
