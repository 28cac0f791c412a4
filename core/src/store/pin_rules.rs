//! What a PIN must be: at least six digits (or the team's minimum), and not
//! one of the PINs people pick first (all one digit, a run up or down, a
//! repeated pair or triple, the usual suspects). A passphrase (anything with
//! a character other than a digit) needs eight characters or more.
//!
//! A guess costs the attacker one operation of the phone's hardware key (see
//! `store::vault`), so the number of PINs to try is what protects a seized
//! phone: a 6-digit PIN outside this list leaves a million.

use std::fmt;

/// The fewest digits a PIN may have, whatever the team's policy says (the
/// floor of the policy's `min_pin_digits`).
pub use fieldbook_trust::policy::MIN_PIN_DIGITS;
/// The fewest characters a passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Why a PIN is refused. Never carries the PIN itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinProblem {
    /// Fewer digits than the policy asks for.
    TooShort {
        /// The fewest digits allowed: the policy's, never below [`MIN_PIN_DIGITS`].
        min_digits: u32,
    },
    /// A passphrase shorter than [`MIN_PASSPHRASE_CHARS`].
    PassphraseTooShort,
    /// All one digit, a run up or down, or a repeated short pattern.
    Pattern,
    /// One of the PINs people pick first.
    Common,
}

/// PINs people pick first, beyond the patterns [`is_pattern`] catches.
const COMMON: &[&str] = &[
    "123456", "654321", "123123", "112233", "121212", "123321", "696969", "159753", "147258",
    "102030", "111222", "000111", "520520", "131313", "202020", "101010", "123654", "789456",
    "147852", "258369", "987654", "456789", "012345", "246810", "135790", "200000", "100000",
    "999999", "000000", "2580", "852456",
];

/// Whether `pin` may be used as a PIN (or a passphrase) when the team asks for `min_digits` digits;
/// never fewer than [`MIN_PIN_DIGITS`].
pub fn check_pin(pin: &str, min_digits: u32) -> Result<(), PinProblem> {
    let min_digits = min_digits.max(MIN_PIN_DIGITS);
    if !pin.chars().all(|c| c.is_ascii_digit()) {
        let chars: Vec<char> = pin.chars().collect();
        if chars.len() < MIN_PASSPHRASE_CHARS {
            return Err(PinProblem::PassphraseTooShort);
        }
        if chars.iter().all(|c| *c == chars[0]) {
            return Err(PinProblem::Pattern);
        }
        return Ok(());
    }
    if (pin.len() as u32) < min_digits {
        return Err(PinProblem::TooShort { min_digits });
    }
    if is_pattern(pin.as_bytes()) {
        return Err(PinProblem::Pattern);
    }
    if COMMON.contains(&pin) {
        return Err(PinProblem::Common);
    }
    Ok(())
}

/// All one digit, a run up or down (`345678`, `987654`, wrapping past 9 or
/// 0 too), or a repetition of a pattern of one to three digits (`121212`,
/// `123123`).
fn is_pattern(digits: &[u8]) -> bool {
    let step = |a: u8, b: u8| (i16::from(b) - i16::from(a)).rem_euclid(10);
    let run = |d: i16| digits.windows(2).all(|w| step(w[0], w[1]) == d);
    if run(0) || run(1) || run(9) {
        return true;
    }
    (1..=3).any(|period| {
        digits.len() >= 2 * period
            && digits.len() % period == 0
            && digits.chunks(period).all(|c| c == &digits[..period])
    })
}

impl PinProblem {
    /// The problem told in English.
    pub fn en(self) -> String {
        match self {
            PinProblem::TooShort { min_digits } => {
                format!("the PIN must have at least {min_digits} digits")
            }
            PinProblem::PassphraseTooShort => format!(
                "a passphrase must have at least {MIN_PASSPHRASE_CHARS} characters"
            ),
            PinProblem::Pattern => {
                "the PIN is too easy to guess (one digit repeated, a run or a pattern); choose another".into()
            }
            PinProblem::Common => {
                "this PIN is one of the first anyone would try; choose another".into()
            }
        }
    }

    /// The problem told in Vietnamese.
    pub fn vi(self) -> String {
        match self {
            PinProblem::TooShort { min_digits } => {
                format!("Mã PIN phải có ít nhất {min_digits} chữ số")
            }
            PinProblem::PassphraseTooShort => format!(
                "Cụm mật khẩu phải có ít nhất {MIN_PASSPHRASE_CHARS} ký tự"
            ),
            PinProblem::Pattern => {
                "Mã PIN quá dễ đoán (một chữ số lặp lại, dãy số liên tiếp hoặc một mẫu lặp); hãy chọn mã khác".into()
            }
            PinProblem::Common => {
                "Mã PIN này là một trong những mã người ta thử đầu tiên; hãy chọn mã khác".into()
            }
        }
    }
}

impl fmt::Display for PinProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_patterned_and_common_pins_are_refused() {
        for (pin, problem) in [
            ("4821", PinProblem::TooShort { min_digits: 6 }),
            ("48291", PinProblem::TooShort { min_digits: 6 }),
            ("000000", PinProblem::Pattern),
            ("777777", PinProblem::Pattern),
            ("123456", PinProblem::Pattern),
            ("345678", PinProblem::Pattern),
            ("987654", PinProblem::Pattern),
            ("890123", PinProblem::Pattern),
            ("121212", PinProblem::Pattern),
            ("123123", PinProblem::Pattern),
            ("112233", PinProblem::Common),
            ("696969", PinProblem::Pattern),
            ("159753", PinProblem::Common),
            ("abc", PinProblem::PassphraseTooShort),
            ("aaaaaaaaa", PinProblem::Pattern),
        ] {
            assert_eq!(check_pin(pin, 6), Err(problem), "{pin}");
        }
        assert_eq!(
            check_pin("482916", 8),
            Err(PinProblem::TooShort { min_digits: 8 })
        );
        assert_eq!(check_pin("482916", 4), Ok(()), "never below six digits");
    }

    #[test]
    fn ordinary_pins_and_passphrases_pass() {
        for pin in [
            "482916",
            "73910284",
            "301985",
            "sông Hồng chảy",
            "correct horse",
        ] {
            assert_eq!(check_pin(pin, 6), Ok(()), "{pin}");
        }
    }

    #[test]
    fn messages_exist_in_both_languages_and_never_repeat_the_pin() {
        for problem in [
            PinProblem::TooShort { min_digits: 6 },
            PinProblem::PassphraseTooShort,
            PinProblem::Pattern,
            PinProblem::Common,
        ] {
            assert!(!problem.en().is_empty() && !problem.vi().is_empty());
            assert_ne!(problem.en(), problem.vi());
        }
    }
}
