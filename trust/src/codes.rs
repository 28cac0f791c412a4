//! Codes people read aloud and type: Crockford base32 symbols (no I, L, O,
//! U; those letters read as 1, 1 and 0) with a Luhn mod 32 check symbol that
//! catches every single mistyped symbol and almost every swap of neighbours.
//! Used by client identifier codes and enrollment codes.

/// Crockford's base32 alphabet.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The value of a typed symbol, forgiving case and the confusable letters.
pub fn decode_symbol(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| char::from(a) == c)
        .map(|p| p as u8)
}

/// The character a 5-bit symbol is typed as (only the low five bits count).
pub fn symbol_char(symbol: u8) -> char {
    char::from(ALPHABET[usize::from(symbol & 0x1F)])
}

/// The symbols of a typed code, skipping hyphens and spaces; `None` when a
/// character is not a symbol.
pub fn parse_symbols(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(decode_symbol)
        .collect()
}

/// The check symbol of Luhn mod N with N = 32: from the right, every other
/// symbol (starting with the rightmost payload symbol) is doubled and its
/// base-32 digits summed; the check makes the total a multiple of 32.
/// Doubling permutes 0..32, hence every single substitution is caught.
pub fn luhn_mod32_check(payload: &[u8]) -> u8 {
    let mut sum = 0u32;
    for (i, &s) in payload.iter().rev().enumerate() {
        let factor = if i % 2 == 0 { 2 } else { 1 };
        let addend = factor * u32::from(s);
        sum += addend / 32 + addend % 32;
    }
    ((32 - sum % 32) % 32) as u8
}

/// Bytes as 5-bit symbols, most significant first (the last symbol padded with zeros).
pub fn bytes_to_symbols(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(((acc >> bits) & 0x1F) as u8);
        }
    }
    if bits > 0 {
        out.push(((acc << (5 - bits)) & 0x1F) as u8);
    }
    out
}

/// The inverse of [`bytes_to_symbols`] for `len` bytes; `None` when the
/// symbols are too few or the padding bits are not zero.
pub fn symbols_to_bytes(symbols: &[u8], len: usize) -> Option<Vec<u8>> {
    if symbols.len() != (len * 8).div_ceil(5) {
        return None;
    }
    let mut out = Vec::with_capacity(len);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &s in symbols {
        acc = (acc << 5) | u32::from(s & 0x1F);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
        }
    }
    let padding_is_zero = acc & ((1 << bits) - 1) == 0;
    (out.len() == len && padding_is_zero).then_some(out)
}

/// Symbols as text in groups of `group`, separated by hyphens.
pub fn format_grouped(symbols: &[u8], group: usize) -> String {
    let mut out = String::with_capacity(symbols.len() + symbols.len() / group);
    for (i, &s) in symbols.iter().enumerate() {
        if i > 0 && i % group == 0 {
            out.push('-');
        }
        out.push(symbol_char(s));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip_through_symbols() {
        for len in [1usize, 5, 16, 32] {
            let bytes: Vec<u8> = (0..len as u8)
                .map(|b| b.wrapping_mul(37).wrapping_add(11))
                .collect();
            let symbols = bytes_to_symbols(&bytes);
            assert_eq!(symbols_to_bytes(&symbols, len).unwrap(), bytes);
        }
    }

    #[test]
    fn confusable_letters_read_as_digits_and_noise_is_refused() {
        assert_eq!(parse_symbols("o-i l"), Some(vec![0, 1, 1]));
        assert_eq!(parse_symbols("AB*"), None);
    }

    #[test]
    fn nonzero_padding_is_refused() {
        let mut symbols = bytes_to_symbols(&[0xFF]);
        *symbols.last_mut().unwrap() |= 1;
        assert_eq!(symbols_to_bytes(&symbols, 1), None);
    }
}
