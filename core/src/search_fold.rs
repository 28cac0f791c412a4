//! Folding text for search: Vietnamese diacritics and case must not matter
//! ("Hoà", "hoa" and "HOA" find the same client). Below the store and the
//! queries alike: the store keeps folded search keys, queries fold what is typed.

use unicode_normalization::UnicodeNormalization;

/// `text` trimmed, lowercased and stripped of diacritics (`đ` becomes `d`), as search keys are kept
/// and compared.
pub fn fold_for_search(text: &str) -> String {
    text.trim()
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            other => other,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diacritics_and_case_fold_away() {
        assert_eq!(fold_for_search("  Hoà Đức "), "hoa duc");
        assert_eq!(fold_for_search("NGUYỄN"), "nguyen");
    }
}
