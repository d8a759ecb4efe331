//! The golden test: the real Quảng Ngãi summary (`../shared/fixtures/directives/`, present
//! in CI) read against the demo unit tree must yield every heading, deadline, assignment
//! and document its annotation lists. Precision and recall are printed. Without the
//! fixture the test says so and passes; the repo's own texts are tested in `app`.

use chidao_core::import::parties::loose;
use chidao_core::import::{extract, Draft};
use chidao_server::demo::DemoSet;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn fixture() -> Option<(String, Value)> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/directives");
    let text = std::fs::read_to_string(folder.join("quangngai-2022-08-05.txt")).ok()?;
    let expected = serde_json::from_str(&std::fs::read_to_string(folder.join("quangngai-2022-08-05.expected.json")).ok()?).ok()?;
    Some((text, expected))
}

/// The same party, allowing a group written longer or shorter ("các cơ quan, đơn vị" for
/// "các cơ quan, đơn vị, địa phương").
fn same_party(found: &str, expected: &str) -> bool {
    let (found, expected) = (loose(found), loose(expected));
    !found.is_empty() && (found == expected || found.contains(&expected) || expected.contains(&found))
}

struct Score {
    name: &'static str,
    found: usize,
    expected: usize,
    correct: usize,
    extracted: usize,
}

impl Score {
    fn recall(&self) -> f64 {
        self.found as f64 / self.expected.max(1) as f64
    }
    fn precision(&self) -> f64 {
        self.correct as f64 / self.extracted.max(1) as f64
    }
}

fn strs(value: &Value) -> Vec<String> {
    value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
}

fn score(draft: &Draft, expected: &Value) -> (Vec<Score>, Vec<String>) {
    let mut missing = Vec::new();
    let tasks: Vec<(usize, &chidao_core::import::DraftTask)> =
        draft.sections.iter().enumerate().flat_map(|(index, section)| section.tasks.iter().map(move |task| (index + 1, task))).collect();

    let headings: Vec<String> = draft.sections.iter().map(|s| s.heading.clone()).collect();
    let wanted_headings = strs(&expected["sections"]);
    let found = wanted_headings.iter().filter(|h| headings.contains(h)).count();
    missing.extend(wanted_headings.iter().filter(|h| !headings.contains(h)).map(|h| format!("heading: {h}")));
    let sections = Score {
        name: "section headings",
        found,
        expected: wanted_headings.len(),
        correct: headings.iter().filter(|h| wanted_headings.contains(h)).count(),
        extracted: headings.len(),
    };

    let wanted_deadlines = expected["deadlines"].as_array().unwrap();
    let dated: Vec<(String, &str, &str)> = tasks
        .iter()
        .filter_map(|(_, task)| task.deadline.map(|d| (d.date.to_string(), d.kind.as_str(), task.lead.name.as_str())))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let matches_deadline = |(date, kind, lead): &(String, &str, &str), want: &Value| {
        date == want["date"].as_str().unwrap()
            && *kind == want["kind"].as_str().unwrap()
            && same_party(lead, want["lead"].as_str().unwrap())
    };
    let found = wanted_deadlines.iter().filter(|want| dated.iter().any(|d| matches_deadline(d, want))).count();
    missing.extend(
        wanted_deadlines.iter().filter(|want| !dated.iter().any(|d| matches_deadline(d, want))).map(|want| format!("deadline: {want}")),
    );
    let deadlines = Score {
        name: "deadlines (date, kind, lead)",
        found,
        expected: wanted_deadlines.len(),
        correct: dated.iter().filter(|d| wanted_deadlines.iter().any(|want| matches_deadline(d, want))).count(),
        extracted: dated.len(),
    };

    let wanted_assignments = expected["assignments"].as_array().unwrap();
    let assigned: Vec<(usize, &chidao_core::import::DraftTask)> = tasks.clone();
    let matches_assignment = |(section, task): &(usize, &chidao_core::import::DraftTask), want: &Value| {
        *section == want["section"].as_u64().unwrap() as usize
            && same_party(&task.lead.name, want["lead"].as_str().unwrap())
            && strs(&want["coordinate"]).iter().all(|c| task.coordinating.iter().any(|party| same_party(&party.name, c)))
    };
    let found = wanted_assignments.iter().filter(|want| assigned.iter().any(|a| matches_assignment(a, want))).count();
    missing.extend(
        wanted_assignments
            .iter()
            .filter(|want| !assigned.iter().any(|a| matches_assignment(a, want)))
            .map(|want| format!("assignment: {want}")),
    );
    // Precision over distinct (section, lead): several tasks of one lead in a section are
    // one assignment in the annotation.
    let distinct: BTreeSet<(usize, String)> = tasks.iter().map(|(section, task)| (*section, loose(&task.lead.name))).collect();
    let correct = distinct
        .iter()
        .filter(|(section, lead)| {
            wanted_assignments
                .iter()
                .any(|want| want["section"].as_u64().unwrap() as usize == *section && same_party(lead, want["lead"].as_str().unwrap()))
        })
        .count();
    let assignments = Score {
        name: "assignments (section, lead, coordinating)",
        found,
        expected: wanted_assignments.len(),
        correct,
        extracted: distinct.len(),
    };

    let documents: Vec<String> = draft.referenced_documents.iter().map(ToString::to_string).collect();
    let wanted_documents = strs(&expected["referenced_documents"]);
    let found = wanted_documents.iter().filter(|d| documents.contains(d)).count();
    missing.extend(wanted_documents.iter().filter(|d| !documents.contains(d)).map(|d| format!("document: {d}")));
    let cited = Score {
        name: "referenced documents",
        found,
        expected: wanted_documents.len(),
        correct: documents.iter().filter(|d| wanted_documents.contains(d)).count(),
        extracted: documents.len(),
    };

    (vec![sections, deadlines, assignments, cited], missing)
}

#[test]
fn the_quang_ngai_summary_yields_every_annotated_fact() {
    let Some((text, expected)) = fixture() else {
        eprintln!("../shared/fixtures/directives is not here: the golden test on the real summary is skipped; app's own texts still run");
        return;
    };
    let units = DemoSet::build().expect("the demo unit tree").units;
    let draft = extract(&text, &units).expect("the summary reads");
    assert_eq!(draft.title, expected["title"].as_str().unwrap());
    assert_eq!(draft.issued_on.map(|d| d.to_string()).as_deref(), expected["published"].as_str());

    let (scores, missing) = score(&draft, &expected);
    println!("fixture {}: precision / recall", expected["source"].as_str().unwrap_or("?"));
    for score in &scores {
        println!(
            "  {:<44} precision {:>5.1}% ({}/{})  recall {:>5.1}% ({}/{})",
            score.name,
            100.0 * score.precision(),
            score.correct,
            score.extracted,
            100.0 * score.recall(),
            score.found,
            score.expected
        );
    }
    println!("  unmatched names left for the supervisor: {:?}", draft.unmatched());
    assert!(
        missing.is_empty(),
        "not found:\n{}\n\ndraft:\n{}",
        missing.join("\n"),
        serde_json::to_string_pretty(&draft.exchange()).unwrap()
    );
}
