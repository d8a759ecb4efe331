//! The repo's own directive texts against their expected extraction: summaries in the
//! style of the provincial ones (`core/tests/directives/`) and the corpus of short texts,
//! one phrasing class each (`core/tests/corpus/`); rules that must hold however a text is
//! reworded; and hostile input.

use super::*;
use crate::domain::unit_import::plan_csv;
use std::path::PathBuf;

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/directives")
}

pub(crate) fn test_tree() -> Vec<Unit> {
    let csv = std::fs::read_to_string(folder().join("units.csv")).expect("the test unit tree");
    plan_csv(&[], &csv).expect("the test unit tree is valid")
}

fn corpus_folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

#[test]
fn every_own_summary_gives_its_expected_draft() {
    assert!(texts_give_their_drafts(&folder()) >= 2);
}

#[test]
fn every_corpus_text_gives_its_expected_draft() {
    assert!(texts_give_their_drafts(&corpus_folder()) >= 30);
}

/// Checks each `.txt` of `folder` against its `.expected.json`; how many were checked.
fn texts_give_their_drafts(folder: &std::path::Path) -> usize {
    let units = test_tree();
    let mut checked = 0;
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let expected_path = path.with_extension("expected.json");
        let expected: ExchangeDraft = serde_json::from_str(&std::fs::read_to_string(&expected_path).unwrap()).unwrap();
        let draft = extract(&text, &units).unwrap();
        // Each task points at the words it was read from.
        let source: Vec<char> = draft.source.chars().collect();
        for task in draft.sections.iter().flat_map(|section| &section.tasks) {
            let marked: String = source[task.source.start as usize..task.source.end as usize].iter().collect();
            assert!(
                task.text.starts_with(marked.split('\n').next().unwrap()),
                "{}: {marked:?} is not where {:?} was read",
                path.display(),
                task.text
            );
        }
        let actual = draft.exchange();
        // After a deliberate change to the reader, `UPDATE_READER_EXPECTED=1` writes the
        // new drafts for review in the diff.
        if actual != expected && std::env::var_os("UPDATE_READER_EXPECTED").is_some() {
            std::fs::write(&expected_path, serde_json::to_string_pretty(&actual).unwrap() + "\n").unwrap();
            continue;
        }
        if actual != expected {
            panic!(
                "{}: the draft differs from {}\n{}",
                path.display(),
                expected_path.display(),
                serde_json::to_string_pretty(&actual).unwrap()
            );
        }
        checked += 1;
    }
    checked
}

#[test]
fn a_draft_becomes_a_form_that_keeps_units_groups_and_dates_and_publishes_once_units_are_chosen() {
    let text = std::fs::read_to_string(folder().join("tinh-mau-2024-03-12.txt")).unwrap();
    let units = test_tree();
    let draft = extract(&text, &units).unwrap();
    let today = NaiveDate::from_ymd_opt(2030, 1, 1).unwrap();
    let form = draft.to_input("UBND tỉnh".into(), today);
    assert_eq!(form.issued_on, draft.issued_on.unwrap_or(today));
    assert_eq!(form.sections.len(), draft.sections.len());
    let tasks: Vec<_> = form.sections.iter().flat_map(|section| &section.tasks).collect();
    let drafted: Vec<_> = draft.sections.iter().flat_map(|section| &section.tasks).collect();
    assert_eq!(tasks.len(), drafted.len());
    let notes = draft.notes();
    assert_eq!(notes.iter().map(Vec::len).collect::<Vec<_>>(), form.sections.iter().map(|section| section.tasks.len()).collect::<Vec<_>>());
    let source: Vec<char> = draft.source.chars().collect();
    for (note, task) in notes.iter().flatten().zip(&tasks) {
        let clause: String = source[note.source.start as usize..note.source.end as usize].iter().collect();
        assert!(clause.starts_with(task.text.split_whitespace().next().unwrap()), "{clause} / {}", task.text);
    }
    for (task, drafted) in tasks.iter().zip(&drafted) {
        assert_eq!(task.text, drafted.text);
        assert_eq!(task.deadline, drafted.deadline);
        assert_eq!(task.checklist.len(), 1);
        assert!(task.checklist[0].chars().count() <= ChecklistItem::LABEL_MAX);
        match drafted.lead.kind {
            PartyKind::Unit => assert_eq!(task.lead, Party::Unit(drafted.lead.unit.clone().unwrap())),
            _ => assert_eq!(task.lead, Party::phrase(&drafted.lead.name).unwrap()),
        }
    }
    // Every task whose lead is a unit of the tree publishes as it stands; each group lead
    // is the one problem left to settle, and says where it is.
    let problems = crate::domain::authoring::plan(&form, &units, crate::domain::new_id).err().unwrap_or_default();
    let group_leads = drafted.iter().filter(|task| task.lead.kind != PartyKind::Unit).count();
    assert!(group_leads > 0);
    assert_eq!(problems.len(), group_leads, "{problems:#?}");
    for problem in &problems {
        assert_eq!(problem.place.field, Some(crate::domain::authoring::InputField::Lead));
    }
}

#[test]
fn a_source_tag_in_brackets_is_left_out_but_a_number_is_kept() {
    assert_eq!(strip_source_tag("(Baomau.vn) - Ngày 28-1, UBND tỉnh"), "Ngày 28-1, UBND tỉnh");
    assert_eq!(strip_source_tag("(1) Sở Y tế chủ trì"), "(1) Sở Y tế chủ trì");
    assert_eq!(strip_source_tag("(chưa đóng"), "(chưa đóng");
}

#[test]
fn the_marked_source_is_cut_where_spans_start_and_end_and_covers_it_whole() {
    let span = |start, end| SourceSpan { start, end };
    let stretches = marked_stretches(&[span(2, 5), span(2, 5), span(8, 20)], 12);
    assert_eq!(stretches, [(0..2, vec![]), (2..5, vec![0, 1]), (5..8, vec![]), (8..12, vec![2])]);
    assert_eq!(marked_stretches(&[], 3), [(0..3, vec![])]);
    assert!(marked_stretches(&[], 0).is_empty());
}

#[test]
fn an_unmatched_unit_is_kept_as_written_and_listed() {
    let text = std::fs::read_to_string(folder().join("tinh-mau-2024-03-12.txt")).unwrap();
    let draft = extract(&text, &test_tree()).unwrap();
    assert_eq!(draft.unmatched(), ["Sở Khoa học và Công nghệ"]);
}

#[test]
fn empty_huge_and_sectionless_text_get_a_clear_answer() {
    assert_eq!(extract("", &[]), Err(ImportError::Empty));
    assert_eq!(extract(" \r\n\t \n", &[]), Err(ImportError::Empty));
    let huge = "Sở Y tế chủ trì thực hiện. ".repeat(200_000);
    assert!(huge.len() > 5 * 1024 * 1024);
    assert_eq!(extract(&huge, &[]), Err(ImportError::TooLong { max: MAX_TEXT_BYTES }));
    let near_limit = "Sở Y tế chủ trì, phối hợp với Công an tỉnh thực hiện trước ngày 15/8/2022.\n".repeat(10_000);
    let draft = extract(&near_limit[..MAX_TEXT_BYTES.min(near_limit.len())], &test_tree()).unwrap();
    assert_eq!(draft.sections.len(), 1);
    let plain = extract("Sở Y tế khẩn trương rà soát.", &test_tree()).unwrap();
    assert_eq!(plain.sections[0].tasks.len(), 1);
    assert_eq!(plain.sections[0].tasks[0].lead.name, "Sở Y tế");
}

#[test]
fn decomposed_accents_and_windows_line_ends_read_the_same() {
    use unicode_normalization::UnicodeNormalization;
    let text = std::fs::read_to_string(folder().join("tinh-mau-2024-03-12.txt")).unwrap();
    let mangled: String = text.replace('\n', "\r\n").nfd().collect();
    assert_eq!(extract(&mangled, &test_tree()).unwrap(), extract(&text, &test_tree()).unwrap());
}

#[test]
fn arbitrary_text_never_panics() {
    let long = "x".repeat(300);
    let samples = [
        "...",
        "1.",
        "\u{0301}\u{0301}",
        "trước ngày 99/99/9999",
        "quý",
        "Sở",
        "số 1/",
        "/KH-",
        "Đồng thời,",
        "a\n\n\nb",
        "ngày 5 tháng",
        &long,
    ];
    for sample in samples {
        let _ = extract(sample, &test_tree());
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Text built from the pieces the reader looks for, in any order and number.
    fn summary_like() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "Sở Y tế",
            "giao",
            "chủ trì",
            "phối hợp với",
            "các sở, ban ngành",
            "trước ngày",
            "15/8/2022",
            "chậm nhất",
            "quý I năm",
            "hằng tháng",
            "ngày 25",
            "số 21/KH-UBND",
            "Đồng thời,",
            ". ",
            ", ",
            "\n",
            "\r\n",
            "…",
            "UBND các xã, phường",
            "tháng 13",
            "0",
            "Ủy",
            "uỷ",
            "\u{0301}",
        ]);
        prop::collection::vec(prop_oneof![pieces.prop_map(str::to_owned), "\\PC{0,8}"], 0..60).prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn any_text_gives_a_draft_or_a_clear_error(text in summary_like()) {
            static TREE: std::sync::OnceLock<Vec<Unit>> = std::sync::OnceLock::new();
            match extract(&text, TREE.get_or_init(test_tree)) {
                Ok(draft) => {
                    for task in draft.sections.iter().flat_map(|s| &s.tasks) {
                        prop_assert!(!task.lead.name.trim().is_empty());
                    }
                }
                Err(error) => prop_assert_eq!(error, ImportError::Empty),
            }
        }
    }
}

/// What a draft says, leaving out the words of each task and where they stand: what a
/// rewording that keeps the meaning must not change. Tasks are sorted, as the order of
/// assignments written apart is free.
fn reading(draft: &Draft) -> Vec<String> {
    let mut tasks: Vec<String> = draft
        .sections
        .iter()
        .flat_map(|section| &section.tasks)
        .map(|task| {
            let coordinating: Vec<&str> = task.coordinating.iter().map(|party| party.name.as_str()).collect();
            format!(
                "{} {:?} | {:?} {:?} inferred={} {:?} | {:?}",
                task.lead.name,
                task.lead.unit,
                coordinating,
                task.deadline,
                task.deadline_inferred,
                task.deadline_as_written,
                task.recurrence
            )
        })
        .collect();
    tasks.sort();
    tasks.push(format!("issued {:?}, number {:?}, cites {:?}", draft.issued_on, draft.document_number, draft.referenced_documents));
    tasks
}

fn corpus_text(name: &str) -> String {
    std::fs::read_to_string(corpus_folder().join(format!("{name}.txt"))).unwrap()
}

mod metamorphic {
    use super::*;
    use proptest::prelude::*;

    /// Title and date line as the corpus writes them, then `body`.
    fn with_header(issued: NaiveDate, body: &str) -> String {
        format!("Chỉ đạo về một việc\nMẫu, ngày {} tháng {} năm {}\n{body}\n", issued.day(), issued.month(), issued.year())
    }

    use chrono::Datelike;

    #[test]
    fn assignments_written_in_the_other_order_read_the_same() {
        let units = test_tree();
        let texts = [
            "clause-subjects-01",
            "clause-subjects-03",
            "deadline-words-02",
            "deadline-words-04",
            "group-subjects-01",
            "unit-spellings-03",
            "yearless-dates-01",
            "yearless-dates-02",
            "yearless-dates-05",
        ];
        for name in texts {
            let text = corpus_text(name);
            let lines: Vec<&str> = text.lines().collect();
            let body = lines[2];
            // Each assignment its own paragraph, last first.
            let mut sentences: Vec<String> =
                super::text::clauses(body).into_iter().map(|range| body.chars().skip(range.start).take(range.len()).collect()).collect();
            // A comma before a new subject ends its clause: give it a full stop instead.
            if sentences.len() == 1 {
                let (first, second) = body.split_once(", Sở").expect("two subjects");
                sentences = vec![format!("{first}."), format!("Sở{second}")];
            }
            sentences.reverse();
            let reordered = format!("{}\n{}\n{}\n", lines[0], lines[1], sentences.join("\n"));
            assert_eq!(reading(&extract(&reordered, &units).unwrap()), reading(&extract(&text, &units).unwrap()), "{name}:\n{reordered}");
        }
    }

    #[test]
    fn a_unit_written_by_its_abbreviation_or_another_spelling_reads_the_same() {
        let units = test_tree();
        let spellings = [
            ("Sở Thông tin và Truyền thông", ["Sở TT&TT", "Sở TTTT", "Sở Thông tin - Truyền thông"]),
            ("Sở Tài nguyên và Môi trường", ["Sở TN&MT", "Sở TNMT", "Sở Tài nguyên và Môi trường tỉnh"]),
            ("Sở Kế hoạch và Đầu tư", ["Sở KH&ĐT", "Sở KHĐT", "Sở Kế hoạch – Đầu tư"]),
            ("UBND huyện Bình Minh", ["Ủy ban nhân dân huyện Bình Minh", "Uỷ ban nhân dân huyện Bình Minh", "UBND huyện Bình Minh"]),
            ("Sở Giao thông vận tải", ["Sở Giao thông - Vận tải", "Sở GTVT", "Sở Giao thông vận tải tỉnh Mẫu"]),
        ];
        let mut rewritten = 0;
        for entry in std::fs::read_dir(corpus_folder()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("txt") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let expected = reading(&extract(&text, &units).unwrap());
            for (name, others) in &spellings {
                if !text.contains(name) {
                    continue;
                }
                for other in others {
                    let respelled = text.replace(name, other);
                    assert_eq!(reading(&extract(&respelled, &units).unwrap()), expected, "{}: {name} as {other}", path.display());
                    rewritten += 1;
                }
            }
        }
        assert!(rewritten >= 15, "{rewritten} rewritings");
    }

    /// A date as the texts write it: with or without its year, in each of the forms.
    fn written(date: NaiveDate, form: usize) -> String {
        let (d, m, y) = (date.day(), date.month(), date.year());
        match form {
            0 => format!("{d}-{m}"),
            1 => format!("{d}/{m}"),
            2 => format!("{d} tháng {m}"),
            3 => format!("{d:02}/{m:02}/{y}"),
            4 => format!("{d}-{m}-{y}"),
            _ => format!("{d} tháng {m} năm {y}"),
        }
    }

    proptest! {
        #[test]
        fn a_dates_form_does_not_change_its_reading(
            issued_days in 0i64..3650,
            ahead in 0i64..360,
            form in 0usize..3,
            other_form in 0usize..3,
            phrase in prop::sample::select(vec!["trước ngày", "chậm nhất ngày", "chậm nhất là ngày", "xong trước ngày"]),
        ) {
            static TREE: std::sync::OnceLock<Vec<Unit>> = std::sync::OnceLock::new();
            let units = TREE.get_or_init(test_tree);
            let issued = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(issued_days as u64);
            let due = issued + chrono::Days::new(ahead as u64);
            let body = |form: usize| format!("Sở Y tế chủ trì, phối hợp với Công an tỉnh kiểm tra {phrase} {}. Sở Tài chính bố trí kinh phí.", written(due, form));
            let one = extract(&with_header(issued, &body(form)), units).unwrap();
            let other = extract(&with_header(issued, &body(other_form)), units).unwrap();
            prop_assert_eq!(reading(&one), reading(&other));
            // Within a year of the text's date, a year-less date is the one meant.
            let task = &one.sections[0].tasks[0];
            prop_assert_eq!(task.deadline.map(|deadline| deadline.date), Some(due));
            prop_assert!(task.deadline_inferred);
            let with_year = extract(&with_header(issued, &body(form + 3)), units).unwrap();
            let dated = &with_year.sections[0].tasks[0];
            prop_assert_eq!(dated.deadline, task.deadline);
            prop_assert!(!dated.deadline_inferred);
        }
    }
}
