//! Text as the extractor reads it: one Unicode form, one line ending, paragraphs and
//! sentences, and a folded copy for matching (the domain's folding, `crate::domain::text`)
//! in which every character stands where the original's does.

pub use crate::domain::text::{fold, fold_str};
use unicode_normalization::UnicodeNormalization;

/// NFC (pasted text mixes precomposed and combining accents), LF line ends, no BOM, no
/// control characters but line breaks and tabs.
pub fn normalise(raw: &str) -> String {
    let text = raw.strip_prefix('\u{feff}').unwrap_or(raw).replace("\r\n", "\n").replace('\r', "\n");
    text.nfc().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').map(|c| if c == '\t' || c == '\u{a0}' { ' ' } else { c }).collect()
}

/// Non-empty lines, trimmed: the summaries put one paragraph or heading on each line.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.lines().map(|line| line.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|line| !line.is_empty()).collect()
}

/// Where a sentence ends: a full stop followed by a space and a capital letter or digit.
/// Initials ("T.T"), dates and numbers have no space after their dots.
fn ends_sentence(chars: &[char], index: usize) -> bool {
    chars[index] == '.'
        && chars.get(index + 1) == Some(&' ')
        && chars.get(index + 2).is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// A paragraph's clauses as char ranges: split after each sentence's full stop and each
/// semicolon, spaces left out.
pub fn clauses(paragraph: &str) -> Vec<std::ops::Range<usize>> {
    let chars: Vec<char> = paragraph.chars().collect();
    let mut clauses = Vec::new();
    let mut start = 0;
    let mut push = |start: usize, end: usize| {
        let start = start + chars[start..end].iter().take_while(|c| c.is_whitespace()).count();
        let end = end - chars[start..end].iter().rev().take_while(|c| c.is_whitespace()).count();
        if start < end {
            clauses.push(start..end);
        }
    };
    for index in 0..chars.len() {
        if ends_sentence(&chars, index) || chars[index] == ';' {
            push(start, index + 1);
            start = index + 1;
        }
    }
    push(start.min(chars.len()), chars.len());
    clauses
}

/// Whether `folded[at..]` starts with `word` and ends there on a word boundary.
pub fn word_at(folded: &[char], at: usize, word: &str) -> Option<usize> {
    let mut end = at;
    for expected in word.chars() {
        if folded.get(end) != Some(&expected) {
            return None;
        }
        end += 1;
    }
    let boundary_before = at == 0 || !folded[at - 1].is_alphanumeric();
    let boundary_after = folded.get(end).is_none_or(|c| !c.is_alphanumeric());
    (boundary_before && boundary_after).then_some(end)
}

/// Every start of `word` in `folded`, on word boundaries.
pub fn find_all(folded: &[char], word: &str) -> Vec<(usize, usize)> {
    (0..folded.len()).filter_map(|at| word_at(folded, at, word).map(|end| (at, end))).collect()
}

/// Skips spaces from `at`.
pub fn skip_spaces(folded: &[char], mut at: usize) -> usize {
    while folded.get(at) == Some(&' ') {
        at += 1;
    }
    at
}

/// The number starting at `at`, if any, and where it ends.
pub fn number_at(folded: &[char], at: usize) -> Option<(u32, usize)> {
    let digits: String = folded[at.min(folded.len())..].iter().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    Some((digits.parse().ok()?, at + digits.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_accents_and_windows_line_ends_read_like_the_plain_text() {
        let decomposed: String = "Sở Y tế\r\nchủ trì".nfd().collect();
        assert_eq!(normalise(&decomposed), "Sở Y tế\nchủ trì");
        assert_eq!(normalise("\u{feff}a\tb\u{0}c"), "a bc");
    }

    #[test]
    fn clauses_end_at_a_sentence_stop_or_a_semicolon() {
        let paragraph = "UBND các huyện chỉ đạo rà soát; Chi cục Kiểm lâm xây dựng phương án. Sở Y tế báo cáo.";
        let parts: Vec<String> =
            clauses(paragraph).into_iter().map(|range| paragraph.chars().skip(range.start).take(range.len()).collect()).collect();
        assert_eq!(parts, ["UBND các huyện chỉ đạo rà soát;", "Chi cục Kiểm lâm xây dựng phương án.", "Sở Y tế báo cáo."]);
        assert!(clauses("   ").is_empty());
        let initials = "Sở Y tế chủ trì. Đồng thời, báo cáo trước ngày 15/8/2022. T.T ký.";
        assert_eq!(clauses(initials).len(), 3, "initials and dates do not end a sentence");
    }

    #[test]
    fn words_match_only_whole() {
        let folded = fold("Sở Nội vụ và Sở Nội vụ2");
        assert_eq!(find_all(&folded, "sở nội vụ"), [(0, 9)]);
    }
}
