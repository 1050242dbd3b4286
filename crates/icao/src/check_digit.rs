//! The MRZ check digit (Doc 9303 Part 3 §4.9): each character gets a value (digits are
//! themselves, `A`–`Z` are 10–35, the filler `<` is 0), the values are weighted 7, 3, 1, 7, 3, 1,
//! … from the left, and the check digit is the sum modulo 10.
//!
//! It protects the document number, dates and composite of every MRZ (Parts 4–7), and BAC and
//! PACE derive their keys from fields with their check digits (Part 11 §4.3.2, §9.7.3), so the
//! LDS builder, the MRZ parser, the reader and PACE all compute it: here, once.

/// A character the check digit cannot be computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckDigitError {
    /// Not `0`–`9`, `A`–`Z` or `<` (Part 3 §4.3 character set). `position` counts characters
    /// from 1, as Doc 9303 numbers MRZ positions.
    #[error("character {character:?} at position {position} is not an MRZ character")]
    NotMrzCharacter { position: usize, character: char },
}

/// The value of one MRZ character in the check-digit sum, or `None` for a character outside
/// the MRZ set.
#[inline]
pub fn char_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32 + 10),
        '<' => Some(0),
        _ => None,
    }
}

/// The check digit over `data`, as its ASCII digit (`'0'`–`'9'`).
///
/// Lower-case letters are refused, not folded: the MRZ is upper case by definition (Part 3 §4.3),
/// and a lower-case letter in input means the field was not read or built correctly.
#[inline]
pub fn check_digit(data: &str) -> Result<char, CheckDigitError> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    // At most 35 × 7 per character: a u64 sum cannot overflow for any string that fits in
    // memory.
    let mut sum = 0u64;
    for (i, c) in data.chars().enumerate() {
        let v = char_value(c).ok_or(CheckDigitError::NotMrzCharacter {
            position: i + 1,
            character: c,
        })?;
        sum += u64::from(v * WEIGHTS[i % 3]);
    }
    Ok(char::from(b'0' + (sum % 10) as u8))
}

/// Whether `printed` is the check digit of `data` (false for data outside the MRZ set).
pub fn is_valid(data: &str, printed: char) -> bool {
    check_digit(data) == Ok(printed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_errors() {
        assert_eq!(
            [char_value('0'), char_value('9'), char_value('A')],
            [Some(0), Some(9), Some(10)]
        );
        assert_eq!([char_value('Z'), char_value('<')], [Some(35), Some(0)]);
        assert_eq!([char_value('a'), char_value(' ')], [None, None]);
        assert_eq!(check_digit(""), Ok('0'));
        let e = check_digit("AB1a").unwrap_err();
        assert_eq!(
            e.to_string(),
            "character 'a' at position 4 is not an MRZ character"
        );
        assert!(is_valid("520727", '3'));
        assert!(!is_valid("520727", '4'));
        assert!(!is_valid("52072a", '3'));
    }
}
