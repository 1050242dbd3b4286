//! Vietnamese names into MRZ characters (Doc 9303 Part 3 §4.6 and §6: transliteration,
//! punctuation, truncation), and the name field of the zone.

use crate::error::LdsError;
use unicode_normalization::UnicodeNormalization;

/// ICAO transliteration of Vietnamese text into MRZ characters: compatibility decomposition,
/// every combining mark dropped (tone marks, breve, circumflex, horn), `Đ`/`đ` → `D` (they do not
/// decompose), upper case; spaces and hyphens become `<`, apostrophes are omitted (Doc 9303
/// Part 3 punctuation rule). Runs of separators collapse to one `<`; leading and trailing
/// separators are dropped. Characters that have no Latin transliteration are an error.
pub fn transliterate(text: &str) -> Result<String, LdsError> {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if ('\u{0300}'..='\u{036F}').contains(&c) {
            continue;
        }
        match c {
            'Đ' | 'đ' => out.push('D'),
            'a'..='z' => out.push(c.to_ascii_uppercase()),
            'A'..='Z' => out.push(c),
            ' ' | '-' | '\u{2010}' | '\u{2011}' | '<' => {
                if !out.is_empty() && !out.ends_with('<') {
                    out.push('<');
                }
            }
            '\'' | '\u{2019}' | '\u{02BC}' => {}
            _ => {
                return Err(LdsError::mrz(
                    "name",
                    format!("character {c:?} has no MRZ transliteration"),
                ));
            }
        }
    }
    while out.ends_with('<') {
        out.pop();
    }
    Ok(out)
}

/// Builds a name field of `width` characters from the transliterated primary identifier (family
/// name) and secondary identifier (middle and given names), components separated by `<`.
///
/// Truncation, when `PRIMARY<<SECONDARY` does not fit (Doc 9303 Part 3 §4.6; the exact step
/// order is an open question in vietnam-cccd.md §5, this is the order we chose):
/// 1. secondary components are cut to their initial, last component first, until it fits;
/// 2. then the primary identifier is cut from its end so that the field is exactly full;
/// 3. without a secondary identifier the primary is cut at `width`.
///
/// A truncated field always ends with a letter in its last position and has no filler, which
/// tells a reader that truncation may have happened.
pub fn name_field(primary: &str, secondary: &str, width: usize) -> Result<String, LdsError> {
    if primary.is_empty() {
        return Err(LdsError::mrz("name", "the primary identifier is empty"));
    }
    let join = |p: &str, s: &str| {
        if s.is_empty() {
            p.to_string()
        } else {
            format!("{p}<<{s}")
        }
    };
    let full = join(primary, secondary);
    if full.len() <= width {
        return Ok(pad(&full, width));
    }
    // Step 1: initials for secondary components, from the last one backwards.
    let mut parts: Vec<String> = secondary
        .split('<')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    for i in (0..parts.len()).rev() {
        parts[i].truncate(1);
        let candidate = join(primary, &parts.join("<"));
        if candidate.len() <= width {
            return Ok(pad(&candidate, width));
        }
    }
    let secondary = parts.join("<");
    if secondary.is_empty() {
        // Step 3: the primary alone is too long.
        return Ok(cut_ending_in_letter(primary, width));
    }
    // Step 2: cut the primary identifier so the field is exactly full.
    let room = width.saturating_sub(secondary.len() + 2);
    if room == 0 {
        return Ok(cut_ending_in_letter(&join(primary, &secondary), width));
    }
    let mut p = primary[..room.min(primary.len())].to_string();
    while p.ends_with('<') {
        p.pop();
    }
    let candidate = join(&p, &secondary);
    if candidate.len() == width {
        Ok(candidate)
    } else {
        Ok(cut_ending_in_letter(&candidate, width))
    }
}

fn pad(s: &str, width: usize) -> String {
    let mut out = s.to_string();
    while out.len() < width {
        out.push('<');
    }
    out
}

/// Cuts `s` (MRZ characters only) to exactly `width` characters ending in a letter: separators
/// in the cut part are dropped until the last position holds a letter.
fn cut_ending_in_letter(s: &str, width: usize) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    loop {
        if chars.len() <= width {
            // Shorter after dropping separators: pad (cannot happen for inputs longer than width
            // with enough letters, kept for safety).
            let out: String = chars.into_iter().collect();
            return pad(&out, width);
        }
        if chars[width - 1] != '<' {
            chars.truncate(width);
            return chars.into_iter().collect();
        }
        chars.remove(width - 1);
    }
}

/// The MRZ name field (`SURNAME<<MIDDLE<GIVEN`) of a full Vietnamese name, family name first.
pub fn name_from_full_name(
    full_name: &str,
    family_name_words: usize,
    width: usize,
) -> Result<String, LdsError> {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    if words.is_empty() {
        return Err(LdsError::mrz("name", "the name is empty"));
    }
    let n = family_name_words.clamp(1, words.len());
    let primary = transliterate(&words[..n].join(" "))?;
    let secondary = transliterate(&words[n..].join(" "))?;
    name_field(&primary, &secondary, width)
}
