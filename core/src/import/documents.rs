//! Referenced document numbers: `21/KH-UBND`, `121-KL/TW`, `680/CĐ-TTg`, written after
//! "số" or standing alone, normalised (no inner spaces, no trailing punctuation) and
//! checked by the domain's own rule.

use crate::domain::DocumentNumber;

/// Every document number in `text`, each once, in the order first written.
pub fn document_numbers(text: &str) -> Vec<DocumentNumber> {
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<DocumentNumber> = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let starts_number =
            chars[at].is_ascii_digit() && (at == 0 || !chars[at - 1].is_alphanumeric() && chars[at - 1] != '/' && chars[at - 1] != '-');
        if !starts_number {
            at += 1;
            continue;
        }
        let (candidate, end) = candidate_at(&chars, at);
        if let Some(number) = candidate.and_then(|raw| DocumentNumber::parse(&raw).ok()) {
            if !found.contains(&number) {
                found.push(number);
            }
        }
        at = end.max(at + 1);
    }
    found
}

/// Digits, then `/` or `-`, then a code: letters (at least one capital) and digits in
/// parts joined by `/` or `-`. Spaces around the joins are dropped ("21 / KH-UBND").
fn candidate_at(chars: &[char], start: usize) -> (Option<String>, usize) {
    let mut at = start;
    let mut out = String::new();
    while at < chars.len() && chars[at].is_ascii_digit() {
        out.push(chars[at]);
        at += 1;
    }
    let mut parts = 0;
    let mut has_capital = false;
    loop {
        let mut join = at;
        while chars.get(join) == Some(&' ') {
            join += 1;
        }
        let Some(&separator) = chars.get(join).filter(|c| matches!(c, '/' | '-')) else { break };
        let mut part_start = join + 1;
        while chars.get(part_start) == Some(&' ') {
            part_start += 1;
        }
        let mut part_end = part_start;
        while chars.get(part_end).is_some_and(|c| c.is_alphanumeric() || *c == '&') {
            part_end += 1;
        }
        let part: String = chars[part_start..part_end].iter().collect();
        if part.is_empty() || !part.chars().any(char::is_alphabetic) {
            break;
        }
        has_capital |= part.chars().any(char::is_uppercase);
        out.push(separator);
        out.push_str(&part);
        parts += 1;
        at = part_end;
    }
    let plausible = parts >= 1 && has_capital && out.chars().filter(|c| c.is_alphabetic()).count() >= 2;
    (plausible.then_some(out), at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<String> {
        document_numbers(text).into_iter().map(String::from).collect()
    }

    #[test]
    fn each_number_form_is_found_and_normalised() {
        assert_eq!(numbers("theo Kế hoạch số 21/KH-UBND ngày 18/01/2022 của Chủ tịch"), ["21/KH-UBND"]);
        assert_eq!(numbers("Kết luận số 121-KL/TW của Bộ Chính trị"), ["121-KL/TW"]);
        assert_eq!(numbers("tại Công điện số 680/CĐ-TTg về tăng cường"), ["680/CĐ-TTg"]);
        assert_eq!(numbers("công văn số 4009/BTTTT-CATTT của Bộ"), ["4009/BTTTT-CATTT"]);
        assert_eq!(numbers("Quyết định 766 / QĐ-TTg."), ["766/QĐ-TTg"]);
        assert_eq!(numbers("Chỉ thị số 05/CT-UBND, Chỉ thị số 05/CT-UBND"), ["05/CT-UBND"], "each once");
    }

    #[test]
    fn dates_spans_and_addresses_are_not_documents() {
        assert!(numbers("ngày 18/01/2022, giai đoạn 2022 - 2025, từ ngày 01-5/8/2022").is_empty());
        assert!(numbers("https://dichvucong.gov.vn/p/home/dashboard-chi-tieu.html").is_empty());
        assert!(numbers("cấp độ 3,4,5 và 100% hồ sơ").is_empty());
    }
}
