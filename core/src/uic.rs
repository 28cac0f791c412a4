//! The client's unique identifier code (UIC): a pseudonymous code computed on
//! the device from stable attributes, identical for the same person on every
//! device of the team, so contacts and referrals can be linked without names.
//!
//! Unlike classic UICs (initials + birth year in clear), the attributes go
//! through HMAC-SHA256 under the team's UIC subkey
//! ([`KeyPurpose::Uic`](crate::crypto::KeyPurpose::Uic)): someone holding a
//! list of names cannot recompute codes without the team key.
//!
//! Normalization (must never change: it would change every code):
//! - parents' names: the given name is the LAST word (Vietnamese order is
//!   family, middle, given: "Nguyễn Thị Hoa" → "Hoa"); words that keep no
//!   letter after folding are skipped. Folding: Unicode NFD, drop combining
//!   marks, map đ/Đ → D, uppercase, keep only A–Z. The first two letters are
//!   used, padded with 'X' if the name has one letter.
//! - sex: folded the same way; "M", "MALE", "NAM" → M; "F", "FEMALE", "NU" → F;
//!   "O", "OTHER", "KHAC" → O; any other value is used folded as is.
//! - birth year: 1900 to the current year.
//!
//! Code: 40 bits of the HMAC as 8 Crockford base32 characters, then one check
//! character computed with Luhn mod 32 over the same alphabet (it catches
//! every single-character error and every adjacent transposition except
//! 0↔Z), formatted "ABCD-EFGH-K". Input accepts lowercase, missing hyphens and
//! spaces, and Crockford's confusables (O → 0, I/L → 1).

use chrono::Datelike;
use fieldbook_trust::codes::{decode_symbol, format_grouped, luhn_mod32_check};
use hmac::Mac;
use thiserror::Error;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::crypto::{hmac_sha256, mac_field, Domain, SecretKey};

/// The attributes a UIC is computed from.
#[derive(Debug, Clone, Copy)]
pub struct UicInputs<'a> {
    /// The mother's full name, family name first; only the given name's first two letters count.
    pub mother_name: &'a str,
    /// The father's full name, family name first; only the given name's first two letters count.
    pub father_name: &'a str,
    /// Year of birth, from 1900 to the current year.
    pub birth_year: i32,
    /// The client's sex as entered (`M`, `nam`, `female`…), folded before use.
    pub sex: &'a str,
}

/// Why a UIC cannot be computed or read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum UicError {
    /// A required attribute is empty (or has no letters); names the field.
    #[error("missing or unusable input: {0}")]
    MissingInput(&'static str),
    /// The birth year is before 1900 or after the current year.
    #[error("birth year out of range")]
    InvalidBirthYear,
    /// Not 9 characters of the Crockford base32 alphabet.
    #[error("malformed code: expected 9 characters like ABCD-EFGH-K")]
    Malformed,
    /// Well formed, but the check character does not match: a typo.
    #[error("check character does not match: the code was mistyped")]
    CheckCharacterMismatch,
}

const PAYLOAD_LEN: usize = 8;
const MIN_BIRTH_YEAR: i32 = 1900;

/// Computes the UIC for `inputs` under the team's UIC subkey.
pub fn compute_uic(key: &SecretKey, inputs: &UicInputs) -> Result<String, UicError> {
    let mother = name_code(inputs.mother_name, "mother_name")?;
    let father = name_code(inputs.father_name, "father_name")?;
    let sex = sex_code(inputs.sex)?;
    let this_year = chrono::Utc::now().year();
    if !(MIN_BIRTH_YEAR..=this_year).contains(&inputs.birth_year) {
        return Err(UicError::InvalidBirthYear);
    }

    let mut mac = hmac_sha256(key.expose());
    mac_field(&mut mac, Domain::Uic.bytes());
    mac_field(&mut mac, &mother);
    mac_field(&mut mac, &father);
    mac.update(&inputs.birth_year.to_be_bytes());
    mac_field(&mut mac, sex.as_bytes());
    let digest = mac.finalize().into_bytes();

    // The first 40 bits, as eight 5-bit symbols, most significant first.
    let bits = digest[..5]
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut symbols = [0u8; PAYLOAD_LEN + 1];
    for (i, s) in symbols[..PAYLOAD_LEN].iter_mut().enumerate() {
        *s = ((bits >> (5 * (PAYLOAD_LEN - 1 - i))) & 0x1F) as u8;
    }
    symbols[PAYLOAD_LEN] = luhn_mod32_check(&symbols[..PAYLOAD_LEN]);
    Ok(format_symbols(&symbols))
}

/// Parses a typed UIC into its canonical form "ABCD-EFGH-K".
pub fn parse_uic(s: &str) -> Result<String, UicError> {
    let mut symbols = [0u8; PAYLOAD_LEN + 1];
    let mut n = 0;
    for c in s.chars() {
        if c == '-' || c.is_whitespace() {
            continue;
        }
        if n == symbols.len() {
            return Err(UicError::Malformed);
        }
        symbols[n] = decode_symbol(c).ok_or(UicError::Malformed)?;
        n += 1;
    }
    if n != symbols.len() {
        return Err(UicError::Malformed);
    }
    if luhn_mod32_check(&symbols[..PAYLOAD_LEN]) != symbols[PAYLOAD_LEN] {
        return Err(UicError::CheckCharacterMismatch);
    }
    Ok(format_symbols(&symbols))
}

fn format_symbols(symbols: &[u8; PAYLOAD_LEN + 1]) -> String {
    format_grouped(symbols, 4)
}

/// Diacritics stripped, đ → D, uppercased, only A–Z kept.
fn fold(word: &str) -> Zeroizing<String> {
    Zeroizing::new(
        word.nfd()
            .filter(|c| !is_combining_mark(*c))
            .map(|c| match c {
                'đ' | 'Đ' | 'Ð' => 'D',
                other => other,
            })
            .flat_map(char::to_uppercase)
            .filter(char::is_ascii_uppercase)
            .collect(),
    )
}

/// The first two letters of the given (last) name, padded with 'X'.
fn name_code(name: &str, field: &'static str) -> Result<[u8; 2], UicError> {
    let given = name
        .split_whitespace()
        .rev()
        .map(fold)
        .find(|w| !w.is_empty())
        .ok_or(UicError::MissingInput(field))?;
    let b = given.as_bytes();
    Ok([b[0], *b.get(1).unwrap_or(&b'X')])
}

fn sex_code(sex: &str) -> Result<Zeroizing<String>, UicError> {
    let folded = fold(sex);
    let code = match folded.as_str() {
        "" => return Err(UicError::MissingInput("sex")),
        "M" | "MALE" | "NAM" => "M",
        "F" | "FEMALE" | "NU" => "F",
        "O" | "OTHER" | "KHAC" => "O",
        _ => return Ok(folded),
    };
    Ok(Zeroizing::new(code.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> SecretKey {
        SecretKey::from_bytes(&[b; 32]).unwrap()
    }

    fn hoa() -> UicInputs<'static> {
        UicInputs {
            mother_name: "Nguyễn Thị Hoa",
            father_name: "Trần Văn Đức",
            birth_year: 1990,
            sex: "Nam",
        }
    }

    fn symbols_of(code: &str) -> Vec<u8> {
        code.chars()
            .filter(|&c| c != '-')
            .map(|c| decode_symbol(c).unwrap())
            .collect()
    }

    fn code_of(symbols: &[u8]) -> String {
        format_symbols(symbols.try_into().unwrap())
    }

    #[test]
    fn deterministic_and_keyed() {
        let a = compute_uic(&key(1), &hoa()).unwrap();
        assert_eq!(a, compute_uic(&key(1), &hoa()).unwrap());
        assert_ne!(a, compute_uic(&key(2), &hoa()).unwrap());
        assert_eq!(a.len(), 11);
        assert_eq!(parse_uic(&a).unwrap(), a);
    }

    /// Frozen vector: every device and every version must compute this code.
    #[test]
    fn frozen_vector() {
        // Cross-checked with an independent Python (hmac, hashlib) computation.
        assert_eq!(compute_uic(&key(7), &hoa()).unwrap(), "XVG3-98CC-S");
    }

    #[test]
    fn normalization() {
        let base = compute_uic(&key(1), &hoa()).unwrap();
        let plain = UicInputs {
            mother_name: "  nguyen thi hoa ",
            father_name: "TRAN VAN DUC",
            birth_year: 1990,
            sex: "male",
        };
        assert_eq!(compute_uic(&key(1), &plain).unwrap(), base);
        // Only the given name matters.
        let given_only = UicInputs {
            mother_name: "Hoà",
            father_name: "đức",
            birth_year: 1990,
            sex: "M",
        };
        assert_eq!(compute_uic(&key(1), &given_only).unwrap(), base);
        assert_eq!(name_code("Nguyễn Thị Hoa", "m").unwrap(), *b"HO");
        assert_eq!(name_code("Đức", "m").unwrap(), *b"DU");
        assert_eq!(name_code("Lê Y", "m").unwrap(), *b"YX");
        assert_eq!(name_code("Lan 2", "m").unwrap(), *b"LA");
        assert_eq!(sex_code("Nữ").unwrap().as_str(), "F");
    }

    #[test]
    fn each_attribute_matters() {
        let base = compute_uic(&key(1), &hoa()).unwrap();
        let variants = [
            UicInputs {
                mother_name: "Lan",
                ..hoa()
            },
            UicInputs {
                father_name: "Hùng",
                ..hoa()
            },
            UicInputs {
                birth_year: 1991,
                ..hoa()
            },
            UicInputs {
                sex: "Nữ", ..hoa()
            },
            // Swapping the parents changes the code.
            UicInputs {
                mother_name: "Đức",
                father_name: "Hoa",
                ..hoa()
            },
        ];
        for v in variants {
            assert_ne!(compute_uic(&key(1), &v).unwrap(), base);
        }
    }

    #[test]
    fn missing_inputs() {
        let k = key(1);
        let cases = [
            (
                UicInputs {
                    mother_name: " ",
                    ..hoa()
                },
                UicError::MissingInput("mother_name"),
            ),
            (
                UicInputs {
                    father_name: "123",
                    ..hoa()
                },
                UicError::MissingInput("father_name"),
            ),
            (
                UicInputs { sex: "", ..hoa() },
                UicError::MissingInput("sex"),
            ),
            (
                UicInputs {
                    birth_year: 1899,
                    ..hoa()
                },
                UicError::InvalidBirthYear,
            ),
            (
                UicInputs {
                    birth_year: 3000,
                    ..hoa()
                },
                UicError::InvalidBirthYear,
            ),
        ];
        for (inputs, err) in cases {
            assert_eq!(compute_uic(&k, &inputs).unwrap_err(), err);
        }
    }

    #[test]
    fn parse_is_lenient_on_form() {
        // A valid code made of confusable-prone symbols 0 and 1.
        let mut s = vec![0u8, 1, 0, 1, 1, 0, 1, 0];
        s.push(luhn_mod32_check(&s));
        let canonical = code_of(&s);
        let raw: String = canonical.chars().filter(|&c| c != '-').collect();
        let typed = raw
            .replace('0', "o")
            .replacen('1', "l", 1)
            .replacen('1', "I", 1);
        assert_eq!(parse_uic(&typed).unwrap(), canonical);
        assert_eq!(parse_uic(&raw.to_lowercase()).unwrap(), canonical);
        assert_eq!(parse_uic(&format!(" {} ", canonical)).unwrap(), canonical);
        for bad in [
            "",
            "ABCD-EFGH",
            "ABCD-EFGH-KK",
            "ABCD-EFGU-K",
            "ABCD-EFG!-K",
        ] {
            assert_eq!(parse_uic(bad).unwrap_err(), UicError::Malformed, "{bad}");
        }
    }

    #[test]
    fn every_single_substitution_is_rejected() {
        for b in 0..20u8 {
            let code = compute_uic(&key(b), &hoa()).unwrap();
            let symbols = symbols_of(&code);
            for pos in 0..symbols.len() {
                for v in 0..32u8 {
                    if v == symbols[pos] {
                        continue;
                    }
                    let mut bad = symbols.clone();
                    bad[pos] = v;
                    assert_eq!(
                        parse_uic(&code_of(&bad)).unwrap_err(),
                        UicError::CheckCharacterMismatch
                    );
                }
            }
        }
    }

    #[test]
    fn adjacent_transpositions_mostly_rejected() {
        let (mut tried, mut caught) = (0u32, 0u32);
        for b in 0..=255u8 {
            let code = compute_uic(&key(b), &hoa()).unwrap();
            let symbols = symbols_of(&code);
            for pos in 0..symbols.len() - 1 {
                if symbols[pos] == symbols[pos + 1] {
                    continue;
                }
                let mut swapped = symbols.clone();
                swapped.swap(pos, pos + 1);
                tried += 1;
                if parse_uic(&code_of(&swapped)).is_err() {
                    caught += 1;
                }
            }
        }
        // Also every pair of symbols exhaustively, at every position.
        let (mut all, mut all_caught) = (0u32, 0u32);
        for pos in 0..PAYLOAD_LEN {
            for x in 0..32u8 {
                for y in 0..32u8 {
                    if x == y {
                        continue;
                    }
                    let mut s = [5u8; PAYLOAD_LEN + 1];
                    s[pos] = x;
                    s[pos + 1] = y;
                    if pos + 1 < PAYLOAD_LEN {
                        s[PAYLOAD_LEN] = luhn_mod32_check(&s[..PAYLOAD_LEN]);
                    } else {
                        // The pair includes the check symbol: make it valid.
                        let c = luhn_mod32_check(&s[..PAYLOAD_LEN]);
                        if c != y {
                            continue;
                        }
                    }
                    s.swap(pos, pos + 1);
                    all += 1;
                    if parse_uic(&format_symbols(&s)).is_err() {
                        all_caught += 1;
                    }
                }
            }
        }
        let rate = f64::from(caught) / f64::from(tried);
        let all_rate = f64::from(all_caught) / f64::from(all);
        println!("transpositions caught: {caught}/{tried} ({rate:.4}); exhaustive {all_caught}/{all} ({all_rate:.4})");
        assert!(rate >= 0.90);
        assert!(all_rate >= 0.90);
    }
}
