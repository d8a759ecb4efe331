//! Who a sentence gives work to: the units of the tree (by name, abbreviation or a close
//! misspelling), group phrases ("các sở, ban ngành", "UBND các huyện, thị xã, thành phố")
//! and unit-like names the tree lacks, and which of them leads or coordinates.

use super::text::{fold, fold_str, skip_spaces, word_at};
use crate::domain::{Unit, UnitCode};

/// One party as the draft names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// A unit of the tree.
    Unit { code: UnitCode, name: String },
    /// Several units named as a group; kept as written.
    Group(String),
    /// Looks like a unit but is not in the tree; kept as written for the supervisor.
    Unmatched(String),
    /// "sở" standing for the department named before it; the reader resolves it.
    Reference(String),
}

impl Named {
    pub fn text(&self) -> &str {
        match self {
            Named::Unit { name, .. } => name,
            Named::Group(text) | Named::Unmatched(text) | Named::Reference(text) => text,
        }
    }
}

/// Phrases that name many units at once; where several match, the longest wins.
const GROUPS: [&str; 34] = [
    "các sở, ban ngành, ubnd các huyện, thị xã, thành phố",
    "các cơ quan, đơn vị, địa phương liên quan",
    "các cơ quan, đơn vị, địa phương",
    "các sở, ban, ngành, địa phương",
    "ubnd các xã, phường, thị trấn",
    "ủy ban nhân dân các huyện, thị xã, thành phố",
    "ủy ban nhân dân các xã, phường, thị trấn",
    "ubnd các huyện, thị xã, thành phố",
    "các huyện, thị xã, thành phố",
    "các sở, ngành, địa phương",
    "các cơ quan, đơn vị liên quan",
    "các sở, ngành liên quan",
    "các sở, ban, ngành",
    "các sở, ban ngành",
    "các cơ quan, đơn vị",
    "ubnd các xã, phường",
    "ủy ban nhân dân các huyện",
    "ubnd các huyện",
    "ubnd các xã",
    "ubnd cấp huyện",
    "ubnd cấp xã",
    "các sở, ngành",
    "các chủ đầu tư",
    "chủ đầu tư các dự án",
    "các ban quản lý dự án",
    "các đơn vị liên quan",
    "các cơ quan liên quan",
    "các địa phương liên quan",
    "cơ quan, đơn vị liên quan",
    "cơ quan liên quan",
    "đơn vị liên quan",
    "các địa phương",
    "các đơn vị",
    "các trường học",
];

/// How unit-like names start, for names the tree does not have.
const UNIT_WORDS: [&str; 10] =
    ["sở", "ban quản lý", "ubnd", "ủy ban nhân dân", "công an", "bộ chỉ huy", "trung tâm", "chi cục", "văn phòng", "đài"];

/// The verbs that follow a subject: where an unmatched unit-like name stops, and what
/// tells a new clause's subject from a name in a list.
const VERBS: [&str; 58] = [
    "chủ trì",
    "khẩn trương",
    "tổ chức",
    "thực hiện",
    "tiếp tục",
    "phối hợp",
    "tham mưu",
    "triển khai",
    "xây dựng",
    "rà soát",
    "hướng dẫn",
    "chịu trách nhiệm",
    "có trách nhiệm",
    "theo dõi",
    "kiểm tra",
    "yêu cầu",
    "chỉ đạo",
    "giao",
    "đề nghị",
    "căn cứ",
    "gửi",
    "báo cáo",
    "cử",
    "hoàn thiện",
    "hoàn thành",
    "chủ động",
    "tăng cường",
    "đẩy mạnh",
    "nghiên cứu",
    "đôn đốc",
    "trình",
    "tập trung",
    "lập",
    "ban hành",
    "bố trí",
    "quản lý",
    "giải quyết",
    "thẩm định",
    "cung cấp",
    "tổng hợp",
    "xử lý",
    "đánh giá",
    "duy trì",
    "bảo đảm",
    "đảm bảo",
    "khắc phục",
    "chuẩn bị",
    "thành lập",
    "huy động",
    "giám sát",
    "cập nhật",
    "sớm",
    "kịp thời",
    "khảo sát",
    "thông báo",
    "tuyên truyền",
    "vận động",
    "nắm",
];

/// Whether a verb starts at `at`.
pub fn verb_at(folded: &[char], at: usize) -> bool {
    VERBS.iter().any(|verb| word_at(folded, at, verb).is_some())
}

/// Who issues the directive: named first, they give the work rather than take it.
const SPEAKERS: [&str; 7] = [
    "phó chủ tịch ubnd tỉnh",
    "chủ tịch ubnd tỉnh",
    "chủ tịch ủy ban nhân dân tỉnh",
    "ubnd tỉnh",
    "ủy ban nhân dân tỉnh",
    "thủ tướng chính phủ",
    "tỉnh ủy",
];

/// Every way the tree's units are written, folded once when the matcher is made.
pub struct UnitMatcher {
    aliases: Vec<(Vec<char>, usize)>,
    units: Vec<Unit>,
    /// Each unit's folded name, for close spellings.
    folded_names: Vec<Vec<char>>,
}

fn initials(words: &str) -> String {
    words.split_whitespace().filter_map(|word| word.chars().next()).flat_map(char::to_uppercase).collect()
}

/// "Sở Thông tin và Truyền thông" → "Sở TTTT", "Sở TT&TT", "Sở TT và TT".
fn abbreviations(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for prefix in ["Sở ", "Ban "] {
        if let Some(rest) = name.strip_prefix(prefix) {
            let groups: Vec<String> = rest.split(" và ").map(initials).collect();
            out.push(format!("{prefix}{}", groups.concat()));
            if groups.len() > 1 {
                out.push(format!("{prefix}{}", groups.join("&")));
                out.push(format!("{prefix}{}", groups.join(" và ")));
            }
        }
    }
    if let Some(rest) = name.strip_prefix("UBND ") {
        out.push(format!("Ủy ban nhân dân {rest}"));
        out.push(rest.to_owned());
    }
    if let Some(rest) = name.strip_prefix("Công an ") {
        out.push(format!("CA {rest}"));
    }
    out
}

impl UnitMatcher {
    pub fn new(units: &[Unit]) -> Self {
        let mut aliases = Vec::new();
        for (index, unit) in units.iter().enumerate() {
            let name = unit.name.as_str();
            for alias in std::iter::once(name.to_owned()).chain(abbreviations(name)) {
                aliases.push((fold(&alias), index));
            }
        }
        // Longest first, so "Sở Thông tin và Truyền thông" wins over "Sở TT".
        aliases.sort_by_key(|(alias, _)| std::cmp::Reverse(alias.len()));
        let folded_names = units.iter().map(|unit| fold(unit.name.as_str())).collect();
        Self { aliases, units: units.to_vec(), folded_names }
    }

    /// A unit, group or unit-like name starting at `at`, and where it ends.
    pub fn party_at(&self, text: &[char], folded: &[char], at: usize) -> Option<(Named, usize)> {
        if at > 0 && folded[at - 1].is_alphanumeric() {
            return None;
        }
        if let Some(end) = GROUPS.iter().filter_map(|group| word_at(folded, at, group)).max() {
            return Some((Named::Group(text[at..end].iter().collect()), end));
        }
        for (alias, index) in &self.aliases {
            if let Some(end) = name_at(folded, at, alias) {
                let unit = &self.units[*index];
                return Some((Named::Unit { code: unit.code.clone(), name: unit.name.to_string() }, after_unit_name(text, folded, end)));
            }
        }
        self.close_match(folded, at).or_else(|| unmatched_at(text, folded, at))
    }

    /// A party at `at` that a verb follows: the subject of a new clause.
    pub fn subject_at(&self, text: &[char], folded: &[char], at: usize) -> Option<(Named, usize)> {
        if SPEAKERS.iter().any(|speaker| word_at(folded, at, speaker).is_some()) {
            return None;
        }
        let (party, end) = reference_at(text, folded, at).or_else(|| self.party_at(text, folded, at))?;
        let next = skip_spaces(folded, end);
        (verb_at(folded, next) && word_at(folded, next, "phối hợp").is_none()).then_some((party, end))
    }

    /// A long name written with a slip ("KTT" for "KKT"): the same length give or take,
    /// at most two letters different.
    fn close_match(&self, folded: &[char], at: usize) -> Option<(Named, usize)> {
        for (unit, name) in self.units.iter().zip(&self.folded_names) {
            if name.len() < 24 || folded.len() < at + name.len() || folded[at..at + 4] != name[..4] {
                continue;
            }
            let window = &folded[at..at + name.len()];
            let boundary = folded.get(at + name.len()).is_none_or(|c| !c.is_alphanumeric());
            if boundary && edit_distance(window, name) <= 2 {
                return Some((Named::Unit { code: unit.code.clone(), name: unit.name.to_string() }, at + name.len()));
            }
        }
        None
    }
}

/// Whether `folded[at..]` spells the folded name `name`, a space in the name standing for
/// any run of spaces and dashes in the text ("Sở Giao thông - Vận tải"), and " và " for a
/// dash ("Sở Tài nguyên - Môi trường").
fn name_at(folded: &[char], at: usize, name: &[char]) -> Option<usize> {
    let is_gap = |c: &char| matches!(c, ' ' | '-' | '–' | '—');
    let (mut end, mut index) = (at, 0);
    while index < name.len() {
        if name[index] == ' ' {
            let gap_start = end;
            while folded.get(end).is_some_and(is_gap) {
                end += 1;
            }
            if end == gap_start {
                return None;
            }
            let dashed = folded[gap_start..end].iter().any(|c| *c != ' ');
            index += if dashed && name[index..].starts_with(&[' ', 'v', 'à', ' ']) { 4 } else { 1 };
        } else if folded.get(end) == Some(&name[index]) {
            end += 1;
            index += 1;
        } else {
            return None;
        }
    }
    let boundary_before = at == 0 || !folded[at - 1].is_alphanumeric();
    (boundary_before && folded.get(end).is_none_or(|c| !c.is_alphanumeric())).then_some(end)
}

/// Past what may follow a unit's name without naming another party: "tỉnh" (and the
/// province's name after it) and a standing role ("– Cơ quan Thường trực Ban An toàn
/// giao thông tỉnh").
fn after_unit_name(text: &[char], folded: &[char], mut end: usize) -> usize {
    let province_word = skip_spaces(folded, end);
    if !folded[..end].ends_with(&['t', 'ỉ', 'n', 'h']) {
        if let Some(after) = word_at(folded, province_word, "tỉnh") {
            end = after;
            // "tỉnh Quảng Ngãi": the capitalised words of its name.
            loop {
                let next = skip_spaces(folded, end);
                if next == end || !text.get(next).is_some_and(|c| c.is_uppercase()) || verb_at(folded, next) {
                    break;
                }
                end = next + folded[next..].iter().take_while(|c| c.is_alphanumeric()).count();
            }
        }
    }
    let dash = skip_spaces(folded, end);
    if matches!(folded.get(dash), Some('-' | '–' | '—')) && word_at(folded, skip_spaces(folded, dash + 1), "cơ quan thường trực").is_some()
    {
        let mut role_end = dash + 1;
        while role_end < folded.len()
            && !matches!(folded[role_end], ',' | ';' | '.' | '(' | ':')
            && !(folded[role_end] == ' ' && verb_at(folded, role_end + 1))
        {
            role_end += 1;
        }
        end = role_end;
    }
    end
}

/// "sở" in lower case before a verb ("để sở tổ chức thẩm định"), or "sở này", "đơn vị
/// này": the department the text named before.
fn reference_at(text: &[char], folded: &[char], at: usize) -> Option<(Named, usize)> {
    if at > 0 && folded[at - 1].is_alphanumeric() {
        return None;
    }
    if let Some(end) = ["sở này", "đơn vị này", "cơ quan này"].iter().find_map(|words| word_at(folded, at, words)) {
        return Some((Named::Reference(text[at..end].iter().collect()), end));
    }
    // "Sở" in capitals starts a name; "sở" alone before a verb refers back.
    if text.get(at).is_none_or(|c| c.is_uppercase()) {
        return None;
    }
    let end = word_at(folded, at, "sở")?;
    verb_at(folded, skip_spaces(folded, end)).then(|| (Named::Reference(text[at..end].iter().collect()), end))
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// "Sở Khoa học và Công nghệ" when the tree has no such unit: from a unit word up to the
/// verb, comma or link that follows the name.
fn unmatched_at(text: &[char], folded: &[char], at: usize) -> Option<(Named, usize)> {
    let word_end = UNIT_WORDS.iter().find_map(|word| word_at(folded, at, word))?;
    // A unit name is capitalised: "Sở Y tế", not "sở hữu".
    if !text[at].is_uppercase() {
        return None;
    }
    let mut end = word_end;
    while end < folded.len() {
        let next_party = |at: usize| {
            word_at(folded, at, "và")
                .is_some_and(|after| UNIT_WORDS.iter().any(|word| word_at(folded, skip_spaces(folded, after), word).is_some()))
        };
        let stop =
            matches!(folded[end], ',' | ';' | '.' | '(' | ':') || (folded[end] == ' ' && (verb_at(folded, end + 1) || next_party(end + 1)));
        if stop {
            break;
        }
        end += 1;
    }
    let name: String = text[at..end].iter().collect::<String>().trim().to_owned();
    (name.chars().count() > word_end - at + 1 && name.chars().count() <= 120).then_some((Named::Unmatched(name), end))
}

/// What one sentence assigns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assignment {
    pub lead: Option<Named>,
    pub coordinating: Vec<Named>,
}

/// Words before the subject that do not change it.
const OPENERS: [&str; 9] = ["đồng thời,", "theo đó,", "bên cạnh đó,", "ngoài ra,", "mặt khác,", "đồng thời", "trong đó,", "riêng", "để"];
/// Words that put the units after them in charge.
const CHARGING: [&str; 7] = ["giao cho", "giao", "yêu cầu", "chỉ đạo", "đề nghị", "phân công", "kính đề nghị"];
/// Titles before a unit that name its head, not another party.
const TITLES: [&str; 6] = ["thủ trưởng", "chủ tịch", "giám đốc", "lãnh đạo", "trưởng ban", "người đứng đầu"];
/// Where a word that puts others in charge ends, if one starts at `at`.
pub fn charging_at(folded: &[char], at: usize) -> Option<usize> {
    CHARGING.iter().find_map(|word| word_at(folded, at, word))
}

const COORDINATING: [&str; 4] = ["phối hợp chặt chẽ với", "phối hợp với", "phối hợp", "cùng với"];

fn skip_words(folded: &[char], mut at: usize, words: &[&str]) -> usize {
    loop {
        at = skip_spaces(folded, at);
        match words.iter().find_map(|word| word_at(folded, at, word)) {
            Some(end) => at = end,
            None => return at,
        }
    }
}

/// The parties listed from `at`: one, then more joined by ",", ";" or "và".
fn list_at(matcher: &UnitMatcher, text: &[char], folded: &[char], at: usize) -> (Vec<(Named, usize, usize)>, usize) {
    let mut parties = Vec::new();
    let mut at = skip_words(folded, at, &TITLES);
    let mut end_of_list = at;
    while let Some((party, end)) = matcher.party_at(text, folded, at) {
        parties.push((party, at, end));
        end_of_list = end;
        let mut next = skip_spaces(folded, end);
        if matches!(folded.get(next), Some(',' | ';')) {
            next += 1;
        } else if let Some(after) = word_at(folded, next, "và") {
            next = after;
        } else {
            break;
        }
        at = skip_words(folded, next, &TITLES);
    }
    (parties, end_of_list)
}

/// The lead and the coordinating parties of one sentence. The first party named as the
/// subject leads; units named with it share the work and are listed as coordinating; a
/// list of groups only is one lead, as written.
pub fn assignment(matcher: &UnitMatcher, sentence: &str) -> Assignment {
    assignment_of(matcher, &sentence.chars().collect::<Vec<_>>(), &fold(sentence))
}

/// [`assignment`] of a clause already split into characters and folded.
pub fn assignment_of(matcher: &UnitMatcher, text: &[char], folded: &[char]) -> Assignment {
    let start = skip_words(folded, 0, &OPENERS);
    let spoken = SPEAKERS.iter().any(|speaker| word_at(folded, start, speaker).is_some());
    let mut subject = match reference_at(text, folded, start) {
        _ if spoken => Vec::new(),
        Some((reference, end)) => vec![(reference, start, end)],
        None => list_at(matcher, text, folded, start).0,
    };
    if subject.is_empty() && !spoken {
        // A short lead-in before the subject: "Định kỳ hằng tháng, Sở … tổng hợp".
        // "Ngày 28-1, UBND tỉnh ban hành …" gives no work: the speaker is no subject.
        if let Some(comma) = folded.iter().take(40).position(|c| *c == ',') {
            let after = skip_words(folded, comma + 1, &TITLES);
            if !SPEAKERS.iter().any(|speaker| word_at(folded, after, speaker).is_some()) {
                subject = list_at(matcher, text, folded, comma + 1).0;
            }
        }
    }
    if subject.is_empty() {
        // "Chủ tịch UBND tỉnh yêu cầu các sở…", "Giao Sở Y tế chủ trì…"
        subject = (start..folded.len())
            .filter_map(|at| CHARGING.iter().find_map(|word| word_at(folded, at, word)))
            .map(|end| list_at(matcher, text, folded, end).0)
            .find(|parties| !parties.is_empty())
            .unwrap_or_default();
    }
    let mut coordinating: Vec<Named> = Vec::new();
    for (at, _) in (0..folded.len()).filter_map(|at| COORDINATING.iter().find_map(|word| word_at(folded, at, word).map(|end| (at, end)))) {
        let end = COORDINATING.iter().find_map(|word| word_at(folded, at, word)).unwrap_or(at);
        for (party, _, _) in list_at(matcher, text, folded, end).0 {
            if !coordinating.contains(&party) {
                coordinating.push(party);
            }
        }
    }
    // "Sở Y tế chủ trì, Sở Tài chính phối hợp …": named after a comma, before "phối hợp".
    for comma in (0..folded.len()).filter(|at| folded[*at] == ',') {
        let (parties, end) = list_at(matcher, text, folded, skip_spaces(folded, comma + 1));
        if word_at(folded, skip_spaces(folded, end), "phối hợp").is_some() {
            for (party, _, _) in parties {
                if !coordinating.contains(&party) {
                    coordinating.push(party);
                }
            }
        }
    }
    let mut subject = subject.into_iter();
    let Some((first, first_start, mut last_end)) = subject.next() else {
        return Assignment { lead: None, coordinating };
    };
    let rest: Vec<(Named, usize, usize)> = subject.collect();
    let lead = if matches!(first, Named::Group(_)) && rest.iter().all(|(party, _, _)| matches!(party, Named::Group(_))) && !rest.is_empty()
    {
        last_end = rest.last().map_or(last_end, |(_, _, end)| *end);
        Named::Group(text[first_start..last_end].iter().collect())
    } else {
        for (party, _, _) in rest.into_iter().rev() {
            if !coordinating.contains(&party) {
                coordinating.insert(0, party);
            }
        }
        first
    };
    coordinating.retain(|party| *party != lead);
    Assignment { lead: Some(lead), coordinating }
}

/// Folded text for comparing names loosely (tests, golden checks).
pub fn loose(text: &str) -> String {
    fold_str(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::UnitKind;

    fn tree() -> Vec<Unit> {
        let code = |raw: &str| UnitCode::parse(raw).unwrap();
        let province = || Some((code("TINH"), UnitKind::Province));
        vec![
            Unit::new(code("TINH"), "UBND tỉnh Quảng Ngãi", UnitKind::Province, None).unwrap(),
            Unit::new(code("SO-TTTT"), "Sở Thông tin và Truyền thông", UnitKind::Department, province()).unwrap(),
            Unit::new(code("SO-YT"), "Sở Y tế", UnitKind::Department, province()).unwrap(),
            Unit::new(code("CA-TINH"), "Công an tỉnh", UnitKind::Department, province()).unwrap(),
            Unit::new(code("BQL-KKT"), "Ban Quản lý KKT Dung Quất và các KCN Quảng Ngãi", UnitKind::Department, province()).unwrap(),
            Unit::new(code("HUYEN-BS"), "UBND huyện Bình Sơn", UnitKind::District, province()).unwrap(),
        ]
    }

    fn names(assignment: &Assignment) -> (String, Vec<String>) {
        (
            assignment.lead.as_ref().map(|lead| lead.text().to_owned()).unwrap_or_default(),
            assignment.coordinating.iter().map(|party| party.text().to_owned()).collect(),
        )
    }

    fn assigned(sentence: &str) -> (String, Vec<String>) {
        names(&assignment(&UnitMatcher::new(&tree()), sentence))
    }

    #[test]
    fn a_unit_at_the_start_leads_and_phoi_hop_names_the_coordinating() {
        assert_eq!(
            assigned("Công an tỉnh chủ trì, phối hợp với Sở Thông tin và Truyền thông thực hiện tích hợp."),
            ("Công an tỉnh".into(), vec!["Sở Thông tin và Truyền thông".into()])
        );
        assert_eq!(
            assigned("Giao Sở Y tế chủ trì, phối hợp với các cơ quan, đơn vị, địa phương liên quan theo dõi."),
            ("Sở Y tế".into(), vec!["các cơ quan, đơn vị, địa phương liên quan".into()])
        );
    }

    #[test]
    fn abbreviations_and_slips_match_the_tree() {
        for written in ["Sở TT&TT", "Sở TTTT", "Sở TT và TT", "Sở Thông tin và Truyền Thông"] {
            assert_eq!(assigned(&format!("{written} khẩn trương đánh giá.")).0, "Sở Thông tin và Truyền thông", "{written}");
        }
        assert_eq!(
            assigned("Ban Quản lý KTT Dung Quất và các KCN Quảng Ngãi tổ chức thực hiện.").0,
            "Ban Quản lý KKT Dung Quất và các KCN Quảng Ngãi"
        );
        assert_eq!(assigned("Ủy ban nhân dân huyện Bình Sơn rà soát.").0, "UBND huyện Bình Sơn");
    }

    #[test]
    fn groups_after_a_charging_word_are_one_lead_as_written() {
        assert_eq!(
            assigned("Chủ tịch UBND tỉnh yêu cầu các sở, ban ngành, UBND các huyện, thị xã, thành phố gửi báo cáo."),
            ("các sở, ban ngành, UBND các huyện, thị xã, thành phố".into(), vec![])
        );
        assert_eq!(
            assigned("Theo đó, yêu cầu Thủ trưởng các cơ quan, đơn vị, địa phương tiếp tục thực hiện.").0,
            "các cơ quan, đơn vị, địa phương"
        );
        assert_eq!(assigned("UBND các xã, phường rà soát danh sách.").0, "UBND các xã, phường");
    }

    #[test]
    fn units_named_together_share_the_work_behind_the_first() {
        let (lead, coordinating) = assigned("Sở Y tế, Công an tỉnh, UBND các huyện, thị xã, thành phố khẩn trương thực hiện.");
        assert_eq!(lead, "Sở Y tế");
        assert_eq!(coordinating, ["Công an tỉnh", "UBND các huyện, thị xã, thành phố"]);
    }

    #[test]
    fn a_name_the_tree_lacks_is_kept_as_written_and_marked() {
        let assignment = assignment(&UnitMatcher::new(&tree()), "Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Y tế xây dựng đề án.");
        assert_eq!(assignment.lead, Some(Named::Unmatched("Sở Khoa học và Công nghệ".into())));
        assert_eq!(names(&assignment).1, ["Sở Y tế"]);
    }

    #[test]
    fn a_sentence_that_gives_no_work_has_no_lead() {
        assert_eq!(assigned("Tăng cường tuyên truyền vận động cán bộ, đảng viên.").0, "");
        assert_eq!(assigned("Bên cạnh đó, sở hữu trí tuệ được bảo vệ.").0, "");
    }
}
