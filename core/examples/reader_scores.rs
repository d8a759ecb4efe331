//! Precision and recall of the directive reader on the corpus (`core/tests/corpus/`), per
//! phrasing class: `cargo run -p chidao-core --example reader_scores`. Two measures, as
//! a supervisor checks a draft: the dated assignments read with the right lead and date,
//! and every assignment read with the right lead. The exact drafts are asserted by the
//! corpus test; this prints how far from them a reader is, so that readers can be compared.

use chidao_core::domain::unit_import::plan_csv;
use chidao_core::import::extract;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Counts for one measure: found among wanted, right among read.
#[derive(Default, Clone, Copy)]
struct Tally {
    wanted: usize,
    found: usize,
    read: usize,
    right: usize,
}

impl Tally {
    fn add(&mut self, wanted: &[String], read: &[String]) {
        let mut unmatched = wanted.to_vec();
        let mut right = 0;
        for item in read {
            if let Some(at) = unmatched.iter().position(|want| want == item) {
                unmatched.swap_remove(at);
                right += 1;
            }
        }
        self.wanted += wanted.len();
        self.found += right;
        self.read += read.len();
        self.right += right;
    }

    fn show(&self) -> String {
        let percent = |part: usize, whole: usize| if whole == 0 { 100.0 } else { 100.0 * part as f64 / whole as f64 };
        format!(
            "precision {:>5.1}% ({:>2}/{:<2}) recall {:>5.1}% ({:>2}/{:<2})",
            percent(self.right, self.read),
            self.right,
            self.read,
            percent(self.found, self.wanted),
            self.found,
            self.wanted
        )
    }
}

/// Each task of an exchange draft as (lead) and, when dated, (lead, date).
fn tasks(draft: &Value) -> (Vec<String>, Vec<String>) {
    let mut leads = Vec::new();
    let mut dated = Vec::new();
    for task in draft["sections"].as_array().into_iter().flatten().flat_map(|section| section["tasks"].as_array().into_iter().flatten()) {
        let lead = task["lead"].as_str().unwrap_or_default().to_owned();
        if let Some(date) = task["deadline"].as_str() {
            dated.push(format!("{lead} @ {date}"));
        }
        leads.push(lead);
    }
    (leads, dated)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let core = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::env::args().nth(1).map_or_else(|| core.join("tests/corpus"), PathBuf::from);
    let units_csv = std::fs::read_to_string(core.join("tests/directives/units.csv"))?;
    let units = plan_csv(&[], &units_csv).map_err(|errors| format!("the test unit tree: {errors:?}"))?;

    let mut by_class: BTreeMap<String, (usize, Tally, Tally)> = BTreeMap::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&corpus)?.map(|entry| entry.map(|entry| entry.path())).collect::<Result<_, _>>()?;
    names.retain(|path| path.extension().and_then(|e| e.to_str()) == Some("txt"));
    names.sort();
    for path in names {
        let class = class_of(&path);
        let expected: Value = serde_json::from_str(&std::fs::read_to_string(path.with_extension("expected.json"))?)?;
        let draft = serde_json::to_value(extract(&std::fs::read_to_string(&path)?, &units)?.exchange())?;
        let ((wanted_leads, wanted_dated), (read_leads, read_dated)) = (tasks(&expected), tasks(&draft));
        let entry = by_class.entry(class).or_default();
        entry.0 += 1;
        entry.1.add(&wanted_dated, &read_dated);
        entry.2.add(&wanted_leads, &read_leads);
    }

    println!("{:<18} {:>5}  {:<48} assignments, right lead", "class", "texts", "dated assignments, right lead and date");
    let mut all = (0, Tally::default(), Tally::default());
    for (class, (texts, dated, leads)) in &by_class {
        println!("{class:<18} {texts:>5}  {:<48} {}", dated.show(), leads.show());
        all.0 += texts;
        for (total, part) in [(&mut all.1, dated), (&mut all.2, leads)] {
            total.wanted += part.wanted;
            total.found += part.found;
            total.read += part.read;
            total.right += part.right;
        }
    }
    println!("{:<18} {:>5}  {:<48} {}", "all", all.0, all.1.show(), all.2.show());
    Ok(())
}

/// `clause-subjects-03.txt` is of class `clause-subjects`.
fn class_of(path: &Path) -> String {
    let stem = path.file_stem().and_then(|stem| stem.to_str()).unwrap_or_default();
    stem.rsplit_once('-').map_or(stem, |(class, _)| class).to_owned()
}
