//! A supervisor's review of a conflict: which values of which fields were in contention,
//! and how keeping one of them becomes an ordinary, logged edit that every device pulls.

use super::{apply, Base, Change, Edit, LoggedOutcome, Stamp};
use crate::domain::ChecklistItem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The device id under which reviews are stamped and logged. No tablet has it: clients
/// make v7 ids, and the nil id is not one.
pub const REVIEW_DEVICE: Uuid = Uuid::nil();

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Done,
    Note,
}

impl Edit {
    pub fn field(&self) -> Field {
        match self {
            Edit::Done { .. } => Field::Done,
            Edit::Note { .. } => Field::Note,
        }
    }
}

/// One edit of an item as the change log holds it (refusals are not edits and never
/// contend).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoggedEdit {
    pub change: Uuid,
    #[serde(flatten)]
    pub edit: Edit,
    pub author: String,
    pub stamp: Stamp,
    pub outcome: LoggedOutcome,
    /// It met another person's unseen edit of the same field (see [`super::clashes`]).
    pub clash: bool,
}

/// A field in contention and the edits a supervisor chooses among, oldest first: every
/// edit of the field since its last review (that review included, as the value that stood).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contest {
    pub field: Field,
    pub edits: Vec<LoggedEdit>,
}

impl Contest {
    /// The edit that stands now: the one whose stamp is the item's mark on the field. A
    /// review starts from it, so keeping the value as it is takes no choosing.
    pub fn standing(&self, item: &ChecklistItem) -> Option<Uuid> {
        let mark = match self.field {
            Field::Done => item.done_mark.as_ref(),
            Field::Note => item.note_mark.as_ref(),
        }?;
        self.edits.iter().find(|edit| edit.stamp == mark.stamp).map(|edit| edit.change)
    }
}

fn since_last_review(log: &[LoggedEdit], field: Field) -> Vec<LoggedEdit> {
    let mut edits: Vec<LoggedEdit> = log.iter().filter(|edit| edit.edit.field() == field).cloned().collect();
    edits.sort_by_key(|edit| edit.stamp);
    let start = edits.iter().rposition(|edit| edit.outcome == LoggedOutcome::Reviewed).unwrap_or(0);
    edits.split_off(start)
}

/// The contested fields of one item, from its log. A field is contested when one of its
/// edits since the last review clashed. An item flagged before clashes were logged has no
/// such edit; then every field edited since its last review is offered, so the flag can
/// always be cleared.
pub fn contests(log: &[LoggedEdit]) -> Vec<Contest> {
    let windows: Vec<Contest> = [Field::Done, Field::Note]
        .into_iter()
        .map(|field| Contest { field, edits: since_last_review(log, field) })
        .filter(|contest| !contest.edits.is_empty())
        .collect();
    let clashed: Vec<Contest> = windows.iter().filter(|contest| contest.edits.iter().any(|edit| edit.clash)).cloned().collect();
    if clashed.is_empty() {
        windows
    } else {
        clashed
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("this item has no conflict to review (someone may have reviewed it already)")]
    NothingToReview,
    #[error("choose one value for each field in conflict")]
    NothingKept,
    #[error("change {0} is not one of the values in contention for this item")]
    NotInContention(Uuid),
    #[error("only one value can be kept for the {0:?} field")]
    TwoForOneField(Field),
    #[error("the {0:?} field is in conflict too: choose a value for it")]
    FieldLeftOpen(Field),
}

/// Keeps the chosen edits (change ids, one per contested field): each becomes the field's
/// value again under the reviewer's name, stamped after every edit the item has seen, and
/// the item's flags are cleared. Returns the item as it now stands and the review edits to
/// log, each with the id of the edit it kept.
pub fn resolve(
    item: &ChecklistItem,
    log: &[LoggedEdit],
    keep: &[Uuid],
    reviewer: &str,
    now_ms: i64,
) -> Result<(ChecklistItem, Vec<(Change, Uuid)>), ReviewError> {
    if !item.conflict {
        return Err(ReviewError::NothingToReview);
    }
    if keep.is_empty() {
        return Err(ReviewError::NothingKept);
    }
    let open = contests(log);
    let mut chosen: Vec<&LoggedEdit> = Vec::with_capacity(keep.len());
    for id in keep {
        let edit = open
            .iter()
            .flat_map(|contest| contest.edits.iter())
            .find(|edit| edit.change == *id)
            .ok_or(ReviewError::NotInContention(*id))?;
        if chosen.iter().any(|earlier| earlier.edit.field() == edit.edit.field()) {
            return Err(ReviewError::TwoForOneField(edit.edit.field()));
        }
        chosen.push(edit);
    }
    if let Some(left) = open.iter().find(|contest| chosen.iter().all(|edit| edit.edit.field() != contest.field)) {
        return Err(ReviewError::FieldLeftOpen(left.field));
    }
    let mut reviewed = item.clone();
    let mut clock: Option<Stamp> = item.last_change().map(|mark| mark.stamp);
    let mut edits = Vec::with_capacity(chosen.len());
    for kept in chosen {
        let stamp = Stamp::next(clock, now_ms, REVIEW_DEVICE);
        clock = Some(stamp);
        let change =
            Change { id: crate::domain::new_id(), item: item.id, seq: 0, stamp, base: Base::of(&reviewed), edit: kept.edit.clone() };
        apply(&mut reviewed, &change, reviewer);
        if kept.edit == (Edit::Done { value: true }) {
            // The work was done when the kept tick was made, not when it was reviewed.
            reviewed.done_since_ms = Some(item.became_done_ms().map_or(kept.stamp.wall_ms, |since| since.min(kept.stamp.wall_ms)));
        }
        edits.push((change, kept.change));
    }
    reviewed.conflict = false;
    reviewed.parallel_update = false;
    Ok((reviewed, edits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Note, UnitCode};

    fn item() -> ChecklistItem {
        ChecklistItem::new(Uuid::from_u128(1), Uuid::nil(), UnitCode::parse("XA-1").unwrap(), "Biển báo", 1).unwrap()
    }

    /// Applies edits in arrival order as the server does, and logs them as it does.
    fn server(arrivals: &[(u128, &str, i64, Edit)]) -> (ChecklistItem, Vec<LoggedEdit>) {
        let mut item = item();
        let mut log = Vec::new();
        for (id, author, wall_ms, edit) in arrivals {
            let change = Change {
                id: Uuid::from_u128(*id),
                item: item.id,
                seq: 1,
                stamp: Stamp { wall_ms: *wall_ms, counter: 0, device: Uuid::from_u128(*id) },
                base: Base::default(),
                edit: edit.clone(),
            };
            let clash = crate::sync::clashes(&item, &change, author);
            let outcome = apply(&mut item, &change, author);
            log.push(LoggedEdit { change: change.id, edit: change.edit, author: author.to_string(), stamp: change.stamp, outcome, clash });
        }
        (item, log)
    }

    fn log_review(log: &mut Vec<LoggedEdit>, edits: &[(Change, Uuid)], reviewer: &str) {
        for (change, _) in edits {
            let (id, edit, stamp) = (change.id, change.edit.clone(), change.stamp);
            log.push(LoggedEdit { change: id, edit, author: reviewer.into(), stamp, outcome: LoggedOutcome::Reviewed, clash: false });
        }
    }

    #[test]
    fn the_losing_value_can_be_kept_and_the_flag_clears() {
        let (flagged, log) = server(&[(10, "an", 1_000, Edit::Done { value: true }), (11, "binh", 2_000, Edit::Done { value: false })]);
        assert!(flagged.conflict && !flagged.done);
        let open = contests(&log);
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].field, Field::Done);
        assert_eq!(open[0].edits.iter().map(|e| e.change).collect::<Vec<_>>(), [Uuid::from_u128(10), Uuid::from_u128(11)]);

        let (reviewed, edits) = resolve(&flagged, &log, &[Uuid::from_u128(10)], "supervisor", 1_500).unwrap();
        assert!(reviewed.done, "An's value stands again");
        assert!(!reviewed.conflict && !reviewed.parallel_update);
        assert_eq!(edits.len(), 1);
        let (change, kept) = &edits[0];
        assert_eq!(*kept, Uuid::from_u128(10));
        assert!(
            change.stamp > Stamp { wall_ms: 2_000, counter: 0, device: Uuid::from_u128(11) },
            "after the edit it overrules, whatever the clock"
        );
        assert_eq!(reviewed.done_mark.as_ref().unwrap().by, "supervisor");
    }

    #[test]
    fn the_standing_edit_is_the_newest_stamp_whatever_the_order_of_arrival() {
        let arrivals = [(10, "an", 2_000, Edit::Done { value: true }), (11, "binh", 1_000, Edit::Done { value: false })];
        let (flagged, log) = server(&arrivals);
        let open = contests(&log);
        assert_eq!(open[0].standing(&flagged), Some(Uuid::from_u128(10)));
        let (reviewed, edits) = resolve(&flagged, &log, &[Uuid::from_u128(11)], "supervisor", 3_000).unwrap();
        let mut after = log.clone();
        log_review(&mut after, &edits, "supervisor");
        let reopened = Contest { field: Field::Done, edits: after.clone() };
        assert_eq!(reopened.standing(&reviewed), Some(edits[0].0.id), "the review's own edit stands after it");
        assert_eq!(Contest { field: Field::Note, edits: after }.standing(&reviewed), None, "no note was written");
    }

    #[test]
    fn an_edit_made_before_the_review_reached_the_tablet_raises_the_conflict_again() {
        let (flagged, mut log) = server(&[(10, "an", 1_000, Edit::Done { value: true }), (11, "binh", 2_000, Edit::Done { value: false })]);
        let (mut reviewed, edits) = resolve(&flagged, &log, &[Uuid::from_u128(11)], "supervisor", 3_000).unwrap();
        log_review(&mut log, &edits, "supervisor");
        // An, offline, had not seen the review.
        let late = Change {
            id: Uuid::from_u128(12),
            item: reviewed.id,
            seq: 2,
            stamp: Stamp { wall_ms: 4_000, counter: 0, device: Uuid::from_u128(10) },
            base: Base::default(),
            edit: Edit::Done { value: true },
        };
        let clash = crate::sync::clashes(&reviewed, &late, "an");
        apply(&mut reviewed, &late, "an");
        assert!(clash && reviewed.conflict);
        log.push(LoggedEdit {
            change: late.id,
            edit: late.edit,
            author: "an".into(),
            stamp: late.stamp,
            outcome: LoggedOutcome::Applied,
            clash,
        });
        let open = contests(&log);
        let ids: Vec<Uuid> = open[0].edits.iter().map(|e| e.change).collect();
        assert_eq!(ids.len(), 2, "the review's value and An's later edit; older rounds are settled");
        assert_eq!(ids[1], Uuid::from_u128(12));
        assert_eq!(open[0].edits[0].outcome, LoggedOutcome::Reviewed);
    }

    #[test]
    fn every_contested_field_needs_exactly_one_choice_from_its_contenders() {
        let note = |text: &str| Edit::Note { value: Note::parse(text).unwrap() };
        let (flagged, log) = server(&[
            (10, "an", 1_000, Edit::Done { value: true }),
            (11, "an", 1_000, note("ba biển")),
            (12, "binh", 2_000, Edit::Done { value: false }),
            (13, "binh", 2_000, note("hai biển")),
        ]);
        assert_eq!(contests(&log).len(), 2);
        let ten = Uuid::from_u128(10);
        assert_eq!(resolve(&flagged, &log, &[ten], "s", 0), Err(ReviewError::FieldLeftOpen(Field::Note)));
        assert_eq!(resolve(&flagged, &log, &[ten, Uuid::from_u128(12)], "s", 0), Err(ReviewError::TwoForOneField(Field::Done)));
        assert_eq!(resolve(&flagged, &log, &[ten, Uuid::from_u128(99)], "s", 0), Err(ReviewError::NotInContention(Uuid::from_u128(99))));
        assert_eq!(resolve(&flagged, &log, &[], "s", 0), Err(ReviewError::NothingKept));
        let (reviewed, edits) = resolve(&flagged, &log, &[ten, Uuid::from_u128(13)], "s", 0).unwrap();
        assert_eq!((reviewed.done, reviewed.note.as_str()), (true, "hai biển"));
        assert!(edits[1].0.stamp > edits[0].0.stamp);
    }

    #[test]
    fn an_item_without_a_conflict_has_nothing_to_review() {
        let (calm, log) = server(&[(10, "an", 1_000, Edit::Done { value: true })]);
        assert!(!calm.conflict);
        assert_eq!(resolve(&calm, &log, &[Uuid::from_u128(10)], "s", 0), Err(ReviewError::NothingToReview));
    }
}
