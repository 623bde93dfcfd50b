//! Digit normalisation.
//!
//! Learners type PINs and numeric answers on keyboards that produce ASCII,
//! Arabic-Indic (U+0660–0669) or Extended Arabic-Indic (U+06F0–06F9, Dari
//! and Pashto keyboards) digits. The same PIN must work on every laptop, so
//! every check compares the ASCII form.

/// Replaces Arabic-Indic and Extended Arabic-Indic digits with ASCII digits,
/// the Arabic decimal separator `٫` with `.`, and the Arabic thousands
/// separator `٬` with nothing. Every other character is kept as it is.
pub fn normalize_digits(input: &str) -> String {
    input
        .chars()
        .filter(|&c| c != '\u{066C}')
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => ascii_digit(c as u32 - 0x0660),
            '\u{06F0}'..='\u{06F9}' => ascii_digit(c as u32 - 0x06F0),
            '\u{066B}' => '.',
            other => other,
        })
        .collect()
}

fn ascii_digit(value: u32) -> char {
    char::from_digit(value, 10).unwrap_or('0')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn all_three_digit_sets_agree() {
        assert_eq!(normalize_digits("٠١٢٣٤٥٦٧٨٩"), "0123456789");
        assert_eq!(normalize_digits("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
        assert_eq!(normalize_digits("0123456789"), "0123456789");
    }

    #[test]
    fn arabic_separators_become_ascii() {
        assert_eq!(normalize_digits("١٢٫٥"), "12.5");
        assert_eq!(normalize_digits("١٬٠٠٠"), "1000");
    }

    proptest! {
        #[test]
        fn normalisation_is_idempotent(s in "\\PC*") {
            let once = normalize_digits(&s);
            prop_assert_eq!(normalize_digits(&once), once.clone());
        }

        #[test]
        fn any_number_typed_in_any_digit_set_reads_the_same(n in 0u64..10_000_000) {
            let ascii = n.to_string();
            let arabic: String = ascii.chars().map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap_or(0)).unwrap_or('?')).collect();
            let extended: String = ascii.chars().map(|c| char::from_u32(0x06F0 + c.to_digit(10).unwrap_or(0)).unwrap_or('?')).collect();
            prop_assert_eq!(normalize_digits(&arabic), ascii.clone());
            prop_assert_eq!(normalize_digits(&extended), ascii);
        }
    }
}
