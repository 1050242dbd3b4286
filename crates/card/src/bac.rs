//! Basic Access Control (ICAO 9303-11 §4.3, Appendix D): the key seed from the MRZ, the
//! document keys, and mutual authentication, terminal side ([`authenticate`]) and the pieces the
//! chip side needs ([`chip_respond`]), both ending in the same 3DES [`SecureChannel`].

use crate::apdu::Command;
use crate::crypto;
use crate::error::Error;
use crate::sm::SecureChannel;
use crate::transport::Exchange;
use sha1::{Digest, Sha1};
use std::fmt;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// Why BAC failed (beyond transport and status errors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BacError {
    #[error("BAC: MRZ field {field} invalid: {reason}")]
    BadMrz { field: &'static str, reason: String },
    #[error("BAC: cryptogram of {len} bytes, expected 40 (32 encrypted + 8 MAC)")]
    BadLength { len: usize },
    #[error("BAC: the MAC over the {who} cryptogram does not verify (wrong MRZ?)")]
    BadMac { who: &'static str },
    #[error("BAC: the {who} cryptogram does not echo our nonce")]
    NonceMismatch { who: &'static str },
    #[error("BAC: the chip rejected EXTERNAL AUTHENTICATE with {sw:04X} (wrong MRZ?)")]
    Rejected { sw: u16 },
    #[error("BAC: GET CHALLENGE returned {len} bytes, expected 8")]
    BadChallenge { len: usize },
}

/// ICAO 9303-3 §4.9 check digit as a number, `None` for a character outside `0-9A-Z<`: the
/// form BAC's MRZ_information builder wants; the digit itself is [`icao::check_digit`]'s.
pub fn check_digit(s: &str) -> Option<u8> {
    let digit = icao::check_digit::check_digit(s).ok()?;
    Some(digit as u8 - b'0')
}

/// The MRZ expiry of a card without expiry (Vietnam: issued at 58 or later, printed "Không thời
/// hạn"), as `lds` prints it by default (`NoExpiryField::Fillers`, check digit `<`). What real
/// Vietnamese cards print there is an open question (vietnam-cccd.md \[U\]); a country that prints a
/// date instead needs nothing special.
pub const NO_EXPIRY: &str = "<<<<<<";

/// The three MRZ fields BAC (and PACE with an MRZ password) uses. Personal data: redacted Debug.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct MrzInfo {
    /// Document number without `<` filler, upper case.
    pub document_number: String,
    /// Date of birth YYMMDD.
    pub date_of_birth: String,
    /// Date of expiry YYMMDD, or `<<<<<<` on a card without expiry (see [`NO_EXPIRY`]).
    pub date_of_expiry: String,
}

impl fmt::Debug for MrzInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MrzInfo { redacted }")
    }
}

impl MrzInfo {
    /// Validates and normalizes (trims `<` and spaces, upper-cases the document number).
    pub fn new(
        document_number: &str,
        date_of_birth: &str,
        date_of_expiry: &str,
    ) -> Result<Self, BacError> {
        let doc: String = document_number
            .trim()
            .trim_end_matches('<')
            .to_ascii_uppercase();
        if doc.is_empty()
            || doc.len() > 22
            || !doc
                .chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || c == '<')
        {
            return Err(BacError::BadMrz {
                field: "document number",
                reason: "must be 1-22 characters of 0-9, A-Z, <".into(),
            });
        }
        for (field, v) in [
            ("date of birth", date_of_birth),
            ("date of expiry", date_of_expiry),
        ] {
            let v = v.trim();
            if field == "date of expiry" && v == NO_EXPIRY {
                continue;
            }
            if v.len() != 6 || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(BacError::BadMrz {
                    field,
                    reason: "must be 6 digits YYMMDD".into(),
                });
            }
            let (mm, dd) = (&v[2..4], &v[4..6]);
            let (m, d): (u32, u32) = (mm.parse().unwrap_or(0), dd.parse().unwrap_or(0));
            if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
                return Err(BacError::BadMrz {
                    field,
                    reason: format!("{v} is not a date YYMMDD"),
                });
            }
        }
        Ok(MrzInfo {
            document_number: doc,
            date_of_birth: date_of_birth.trim().to_string(),
            date_of_expiry: date_of_expiry.trim().to_string(),
        })
    }

    /// Parses `DOC,YYMMDD,YYMMDD` (the `--mrz` argument).
    pub fn parse(s: &str) -> Result<Self, BacError> {
        let parts: Vec<&str> = s.split(',').collect();
        match parts.as_slice() {
            [d, b, e] => MrzInfo::new(d, b, e),
            _ => Err(BacError::BadMrz {
                field: "--mrz",
                reason: "expected DOCUMENT_NUMBER,YYMMDD(birth),YYMMDD(expiry)".into(),
            }),
        }
    }

    /// The fields of a TD1 MRZ (three lines of 30), including a long document number whose
    /// overflow sits in the optional data of line 1 (position 15 is then `<`).
    pub fn from_td1(lines: &[String]) -> Result<Self, BacError> {
        let bad = |reason: &str| BacError::BadMrz {
            field: "TD1 MRZ",
            reason: reason.into(),
        };
        let [l1, l2, _] = lines else {
            return Err(bad("expected three lines"));
        };
        if l1.len() != 30 || l2.len() != 30 || !l1.is_ascii() || !l2.is_ascii() {
            return Err(bad("lines must be 30 ASCII characters"));
        }
        let mut doc = l1[5..14].to_string();
        if &l1[14..15] == "<" {
            // long number: overflow digits then their check digit, up to the first filler
            let overflow: String = l1[15..].chars().take_while(|&c| c != '<').collect();
            if overflow.len() < 2 {
                return Err(bad(
                    "position 15 is < but no document number overflow follows",
                ));
            }
            doc = format!(
                "{}{}",
                doc.trim_end_matches('<'),
                &overflow[..overflow.len() - 1]
            );
        }
        MrzInfo::new(&doc, &l2[0..6], &l2[8..14])
    }

    /// MRZ_information: document number (padded to 9 with `<`) + check digit, date of birth +
    /// check digit, date of expiry + check digit (Part 11 §4.3.2.2 / App. D.2). The key comes
    /// from the MRZ as printed, so a filler expiry (`<<<<<<`) takes the filler check digit `<`
    /// that `lds` prints after it.
    pub fn mrz_information(&self) -> Zeroizing<String> {
        let mut doc = self.document_number.clone();
        while doc.len() < 9 {
            doc.push('<');
        }
        let cd = |s: &str| icao::check_digit::check_digit(s).unwrap_or('0');
        let mut out = Zeroizing::new(String::with_capacity(40));
        out.push_str(&doc);
        out.push(cd(&doc));
        out.push_str(&self.date_of_birth);
        out.push(cd(&self.date_of_birth));
        out.push_str(&self.date_of_expiry);
        if self.date_of_expiry == NO_EXPIRY {
            out.push('<');
        } else {
            out.push(cd(&self.date_of_expiry));
        }
        out
    }

    /// K_seed = SHA-1(MRZ_information)[0..16].
    pub fn key_seed(&self) -> Zeroizing<[u8; 16]> {
        let digest: Zeroizing<[u8; 20]> =
            Zeroizing::new(Sha1::digest(self.mrz_information().as_bytes()).into());
        let mut seed = Zeroizing::new([0u8; 16]);
        seed.copy_from_slice(&digest[..16]);
        seed
    }
}

/// The document basic access keys K_Enc and K_MAC.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct BacKeys {
    pub kenc: [u8; 16],
    pub kmac: [u8; 16],
}

impl fmt::Debug for BacKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BacKeys { redacted }")
    }
}

impl BacKeys {
    /// Keys from a key seed (App. D.1).
    pub fn from_seed(seed: &[u8; 16]) -> Self {
        BacKeys {
            kenc: *crypto::kdf_3des(seed, 1),
            kmac: *crypto::kdf_3des(seed, 2),
        }
    }

    /// Keys from the MRZ fields.
    pub fn from_mrz(mrz: &MrzInfo) -> Self {
        BacKeys::from_seed(&mrz.key_seed())
    }
}

/// E_IFD || M_IFD, the EXTERNAL AUTHENTICATE data (App. D.3): S = RND.IFD || RND.IC || K.IFD.
pub fn terminal_cryptogram(
    keys: &BacKeys,
    rnd_ic: &[u8; 8],
    rnd_ifd: &[u8; 8],
    k_ifd: &[u8; 16],
) -> Vec<u8> {
    let mut s = Zeroizing::new(Vec::with_capacity(32));
    s.extend_from_slice(rnd_ifd);
    s.extend_from_slice(rnd_ic);
    s.extend_from_slice(k_ifd);
    let e = crypto::tdes_cbc_encrypt(&keys.kenc, &[0; 8], &s);
    let m = crypto::retail_mac(&keys.kmac, &crypto::pad(&e, 8));
    let mut out = e;
    out.extend_from_slice(&m);
    out
}

/// Session keys and SSC from the key halves and nonces: K_seed = K.IFD xor K.IC; SSC =
/// RND.IC[4..8] || RND.IFD[4..8].
pub fn session(
    k_ifd: &[u8; 16],
    k_ic: &[u8; 16],
    rnd_ic: &[u8; 8],
    rnd_ifd: &[u8; 8],
) -> SecureChannel {
    let mut seed = Zeroizing::new([0u8; 16]);
    for i in 0..16 {
        seed[i] = k_ifd[i] ^ k_ic[i];
    }
    let mut ssc = [0u8; 8];
    ssc[..4].copy_from_slice(&rnd_ic[4..]);
    ssc[4..].copy_from_slice(&rnd_ifd[4..]);
    SecureChannel::tdes(
        *crypto::kdf_3des(&*seed, 1),
        *crypto::kdf_3des(&*seed, 2),
        ssc,
    )
}

/// Checks a 40-byte cryptogram's MAC and decrypts its 32 bytes.
fn open_cryptogram(
    keys: &BacKeys,
    data: &[u8],
    who: &'static str,
) -> Result<Zeroizing<Vec<u8>>, BacError> {
    if data.len() != 40 {
        return Err(BacError::BadLength { len: data.len() });
    }
    let (e, m) = data.split_at(32);
    let expect = crypto::retail_mac(&keys.kmac, &crypto::pad(e, 8));
    if !crypto::ct_eq(m, &expect) {
        return Err(BacError::BadMac { who });
    }
    let plain = crypto::tdes_cbc_decrypt(&keys.kenc, &[0; 8], e)
        .ok_or(BacError::BadLength { len: data.len() })?;
    Ok(Zeroizing::new(plain))
}

/// Terminal: checks the chip's EXTERNAL AUTHENTICATE response (E_IC || M_IC, R = RND.IC ||
/// RND.IFD || K.IC) and opens the session.
pub fn terminal_finish(
    keys: &BacKeys,
    rnd_ic: &[u8; 8],
    rnd_ifd: &[u8; 8],
    k_ifd: &[u8; 16],
    response: &[u8],
) -> Result<SecureChannel, BacError> {
    let r = open_cryptogram(keys, response, "chip's")?;
    if !crypto::ct_eq(&r[..8], rnd_ic) || !crypto::ct_eq(&r[8..16], rnd_ifd) {
        return Err(BacError::NonceMismatch { who: "chip's" });
    }
    let mut k_ic = Zeroizing::new([0u8; 16]);
    k_ic.copy_from_slice(&r[16..32]);
    Ok(session(k_ifd, &k_ic, rnd_ic, rnd_ifd))
}

/// Chip: answers EXTERNAL AUTHENTICATE. `rnd_ic` is the challenge the chip gave out, `k_ic` its
/// fresh key half. Returns the response data (E_IC || M_IC) and the chip's session.
pub fn chip_respond(
    keys: &BacKeys,
    rnd_ic: &[u8; 8],
    k_ic: &[u8; 16],
    command_data: &[u8],
) -> Result<(Vec<u8>, SecureChannel), BacError> {
    let s = open_cryptogram(keys, command_data, "terminal's")?;
    if !crypto::ct_eq(&s[8..16], rnd_ic) {
        return Err(BacError::NonceMismatch { who: "terminal's" });
    }
    let mut rnd_ifd = [0u8; 8];
    rnd_ifd.copy_from_slice(&s[..8]);
    let mut k_ifd = Zeroizing::new([0u8; 16]);
    k_ifd.copy_from_slice(&s[16..32]);
    let mut r = Zeroizing::new(Vec::with_capacity(32));
    r.extend_from_slice(rnd_ic);
    r.extend_from_slice(&rnd_ifd);
    r.extend_from_slice(k_ic);
    let e = crypto::tdes_cbc_encrypt(&keys.kenc, &[0; 8], &r);
    let m = crypto::retail_mac(&keys.kmac, &crypto::pad(&e, 8));
    let mut out = e;
    out.extend_from_slice(&m);
    Ok((out, session(&k_ifd, k_ic, rnd_ic, &rnd_ifd)))
}

/// GET CHALLENGE (8 bytes).
pub fn get_challenge_command() -> Command {
    Command::new(0x00, 0x84, 0x00, 0x00).with_le(8)
}

/// Terminal side of BAC over any exchange: GET CHALLENGE, EXTERNAL AUTHENTICATE, session.
/// A wrong MRZ ends in [`Error::Bac`] (the chip answers 6300/6982, or its cryptogram fails our
/// MAC), never in a panic.
pub fn authenticate(
    ch: &mut dyn Exchange,
    keys: &BacKeys,
    rng: &mut dyn rand::RngCore,
) -> Result<SecureChannel, Error> {
    let challenge = crate::transport::transmit_ok(ch, &get_challenge_command(), "GET CHALLENGE")?;
    let rnd_ic: [u8; 8] = challenge
        .as_slice()
        .try_into()
        .map_err(|_| BacError::BadChallenge {
            len: challenge.len(),
        })?;
    let mut rnd_ifd = [0u8; 8];
    rng.fill_bytes(&mut rnd_ifd);
    let mut k_ifd = Zeroizing::new([0u8; 16]);
    rng.fill_bytes(&mut k_ifd[..]);
    let data = terminal_cryptogram(keys, &rnd_ic, &rnd_ifd, &k_ifd);
    let cmd = Command::new(0x00, 0x82, 0x00, 0x00)
        .with_data(data)
        .with_le(40);
    let resp = crate::transport::transmit(ch, &cmd)?;
    if !resp.is_ok() {
        return Err(BacError::Rejected { sw: resp.sw }.into());
    }
    Ok(terminal_finish(
        keys, &rnd_ic, &rnd_ifd, &k_ifd, &resp.data,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits() {
        assert_eq!(check_digit("520727"), Some(3));
        assert_eq!(check_digit("AB2134<<<"), Some(5));
        assert_eq!(check_digit("ab"), None);
    }

    #[test]
    fn td1_fields() {
        let lines = |a: &str, b: &str| {
            [
                a.to_string(),
                b.to_string(),
                "ERIKSSON<<ANNA<MARIA<<<<<<<<<<".to_string(),
            ]
        };
        let m = MrzInfo::from_td1(&lines(
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
        ))
        .unwrap();
        assert_eq!(
            (
                m.document_number.as_str(),
                m.date_of_birth.as_str(),
                m.date_of_expiry.as_str()
            ),
            ("D23145890", "740812", "120415")
        );
        let long = MrzInfo::from_td1(&lines(
            "I<UTOD23145890<7349<<<<<<<<<<<",
            "3407127M9507122UTO<<<<<<<<<<<2",
        ))
        .unwrap();
        assert_eq!(long.document_number, "D23145890734");
        assert_eq!(
            long.mrz_information().as_str(),
            "D23145890734934071279507122"
        );
        assert!(
            MrzInfo::from_td1(&lines(
                "I<UTOD23145890<<<<<<<<<<<<<<<<",
                "3407127M9507122UTO<<<<<<<<<<<2"
            ))
            .is_err()
        );
        assert!(MrzInfo::from_td1(&lines("short", "7408122F1204159UTO<<<<<<<<<<<6")).is_err());
        assert!(MrzInfo::from_td1(&["a".to_string()]).is_err());
    }

    #[test]
    fn mrz_validation() {
        assert!(MrzInfo::parse("L898902C,690806,940623").is_ok());
        assert!(MrzInfo::parse("L898902C,690806").is_err());
        assert!(MrzInfo::parse("L898902C,69O806,940623").is_err());
        assert!(MrzInfo::parse("L898902C,691306,940623").is_err());
        assert!(MrzInfo::parse(",690806,940623").is_err());
        assert!(MrzInfo::parse("L8989-2C,690806,940623").is_err());
        let m = MrzInfo::parse("l898902c<<,690806,940623").unwrap();
        assert_eq!(m.document_number, "L898902C");
        assert_eq!(format!("{m:?}"), "MrzInfo { redacted }");
    }

    /// A card without expiry: the MRZ prints `<<<<<<` and the filler check digit `<`, and the
    /// key comes from exactly those characters. Fillers stay refused for the date of birth.
    #[test]
    fn a_filler_expiry_keys_from_the_printed_characters() {
        let lines = [
            "IDVNM0460123451<<<<<<<<<<<<<<<".to_string(),
            "4601014M<<<<<<<VNM<<<<<<<<<<<0".to_string(),
            "LE<<VAN<BINH<<<<<<<<<<<<<<<<<<".to_string(),
        ];
        let m = MrzInfo::from_td1(&lines).unwrap();
        assert_eq!(m.date_of_expiry, NO_EXPIRY);
        assert_eq!(m.mrz_information().as_str(), "04601234514601014<<<<<<<");
        assert_eq!(
            MrzInfo::parse("046012345,460101,<<<<<<").unwrap(),
            m,
            "--mrz takes the fillers too"
        );
        assert!(MrzInfo::parse("046012345,<<<<<<,460101").is_err());
        assert!(MrzInfo::parse("046012345,460101,<<<<<").is_err());
        // A different key from any dated card with the same number and birth date.
        let dated = MrzInfo::parse("046012345,460101,000000").unwrap_err();
        assert!(dated.to_string().contains("date of expiry"));
        let other = MrzInfo::parse("046012345,460101,260101").unwrap();
        assert_ne!(other.key_seed().as_slice(), m.key_seed().as_slice());
    }
}
