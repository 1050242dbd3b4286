//! Data-driven APDU scripts: card behaviour written as data (command, expected status or
//! matcher), run against any [`Transport`]: the in-process chip in unit tests, a card behind
//! pcscd in PC/SC tests. One step per line, `#` starts a comment:
//!
//! ```text
//! reset                                   # card reset (ends secure messaging)
//! send 00A4040C 07 A0000002471001 => 9000 # hex may be spaced
//! send 0084000008 => 9000 len=8           # response data length
//! send 00B09E0000 => 9000 data=6014…      # exact response data
//! send 00460001 00 => 9000 prefix=7F4943  # response data prefix
//! send 00B0000004 => 6Axx                 # x = any nibble
//! bac L898902C,690806,940623 => ok        # BAC; later sends go through secure messaging
//! bac L898902C,690806,940624 => fail      # BAC must fail (wrong MRZ)
//! plain                                   # later sends are plain again
//! ```

use crate::apdu::Command;
use crate::bac::{self, BacKeys, MrzInfo};
use crate::error::Error;
use crate::session::Session;
use crate::sm::SecureChannel;
use crate::transport::Transport;

/// A script step that did not do what the script says.
#[derive(Debug, thiserror::Error)]
#[error("script {script} line {line}: `{step}`: {reason}")]
pub struct ScriptError {
    pub script: String,
    pub line: usize,
    pub step: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Reset,
    Plain,
    Send { apdu: Vec<u8>, expect: Expect },
    Bac { mrz: MrzInfo, ok: bool },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Expect {
    /// SW pattern, 4 characters of hex or `x`.
    sw: String,
    len: Option<usize>,
    data: Option<Vec<u8>>,
    prefix: Option<Vec<u8>>,
}

fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    hex::decode(&compact).map_err(|e| format!("bad hex: {e}"))
}

fn parse_step(text: &str) -> Result<Step, String> {
    let (verb, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    match verb {
        "reset" if rest.trim().is_empty() => Ok(Step::Reset),
        "plain" if rest.trim().is_empty() => Ok(Step::Plain),
        "send" => {
            let (apdu, expect) = rest.split_once("=>").ok_or("missing `=> SW`")?;
            let apdu = parse_hex(apdu)?;
            Command::parse(&apdu).map_err(|e| e.to_string())?;
            let mut tokens = expect.split_whitespace();
            let sw = tokens
                .next()
                .ok_or("missing expected status word")?
                .to_ascii_uppercase();
            if sw.len() != 4 || !sw.chars().all(|c| c.is_ascii_hexdigit() || c == 'X') {
                return Err(format!("status pattern `{sw}` is not 4 hex digits or x"));
            }
            let mut e = Expect {
                sw,
                ..Expect::default()
            };
            for t in tokens {
                let (k, v) = t
                    .split_once('=')
                    .ok_or_else(|| format!("matcher `{t}` is not key=value"))?;
                match k {
                    "len" => {
                        e.len = Some(
                            v.parse()
                                .map_err(|_| format!("len `{v}` is not a number"))?,
                        )
                    }
                    "data" => e.data = Some(parse_hex(v)?),
                    "prefix" => e.prefix = Some(parse_hex(v)?),
                    other => return Err(format!("unknown matcher `{other}`")),
                }
            }
            Ok(Step::Send { apdu, expect: e })
        }
        "bac" => {
            let (mrz, outcome) = rest.split_once("=>").ok_or("missing `=> ok|fail`")?;
            let mrz = MrzInfo::parse(mrz.trim()).map_err(|e| e.to_string())?;
            let ok = match outcome.trim() {
                "ok" => true,
                "fail" => false,
                other => return Err(format!("BAC outcome `{other}` is neither ok nor fail")),
            };
            Ok(Step::Bac { mrz, ok })
        }
        other => Err(format!("unknown step `{other}`")),
    }
}

fn sw_matches(pattern: &str, sw: u16) -> bool {
    let got = format!("{sw:04X}");
    pattern
        .chars()
        .zip(got.chars())
        .all(|(p, g)| p == 'X' || p == g)
}

/// Outcome of a script run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScriptRun {
    pub steps: usize,
    pub apdus: usize,
}

/// Parses and runs `text` (named `name` in errors) against `transport`.
pub fn run(
    name: &str,
    text: &str,
    transport: &mut dyn Transport,
) -> Result<ScriptRun, ScriptError> {
    let mut steps = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let step = parse_step(line).map_err(|reason| ScriptError {
            script: name.into(),
            line: i + 1,
            step: line.into(),
            reason,
        })?;
        steps.push((i + 1, line.to_string(), step));
    }
    let mut sm: Option<SecureChannel> = None;
    let mut apdus = 0;
    for (line, text, step) in &steps {
        let fail = |reason: String| ScriptError {
            script: name.into(),
            line: *line,
            step: text.clone(),
            reason,
        };
        match step {
            Step::Reset => {
                sm = None;
                transport.reset().map_err(|e| fail(e.to_string()))?;
            }
            Step::Plain => sm = None,
            Step::Send { apdu, expect } => {
                apdus += 1;
                let cmd = Command::parse(apdu).map_err(|e| fail(e.to_string()))?;
                let mut tx = transport.transaction().map_err(|e| fail(e.to_string()))?;
                let mut s = Session::new(&mut *tx);
                if let Some(ch) = sm.take() {
                    s.secure(ch);
                }
                let r = s.transmit(&cmd);
                sm = s.take_secure();
                let r = r.map_err(|e| fail(e.to_string()))?;
                if !sw_matches(&expect.sw, r.sw) {
                    return Err(fail(format!("status {:04X}, expected {}", r.sw, expect.sw)));
                }
                if let Some(n) = expect.len
                    && r.data.len() != n
                {
                    return Err(fail(format!("{} data bytes, expected {n}", r.data.len())));
                }
                if let Some(d) = &expect.data
                    && &r.data != d
                {
                    return Err(fail(format!(
                        "data {}, expected {}",
                        hex::encode_upper(&r.data),
                        hex::encode_upper(d)
                    )));
                }
                if let Some(p) = &expect.prefix
                    && !r.data.starts_with(p)
                {
                    return Err(fail(format!(
                        "data {} does not start with {}",
                        hex::encode_upper(&r.data),
                        hex::encode_upper(p)
                    )));
                }
            }
            Step::Bac { mrz, ok } => {
                apdus += 2;
                let mut tx = transport.transaction().map_err(|e| fail(e.to_string()))?;
                let result =
                    bac::authenticate(&mut *tx, &BacKeys::from_mrz(mrz), &mut rand::rngs::OsRng);
                match (result, ok) {
                    (Ok(ch), true) => sm = Some(ch),
                    (Err(Error::Bac(_)), false) => sm = None,
                    (Ok(_), false) => {
                        return Err(fail("BAC succeeded, the script expects it to fail".into()));
                    }
                    (Err(e), _) => return Err(fail(format!("BAC: {e}"))),
                }
            }
        }
    }
    Ok(ScriptRun {
        steps: steps.len(),
        apdus,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_the_problem() {
        assert!(parse_step("send 00A4 => 9000").is_err());
        assert!(parse_step("send 00A4040C").is_err());
        assert!(parse_step("send 00A4040C => 90").is_err());
        assert!(parse_step("send 00A4040C => 9000 foo=1").is_err());
        assert!(parse_step("send 00A4040C => 9000 len=x").is_err());
        assert!(parse_step("bac A,B,C => ok").is_err());
        assert!(parse_step("bac L898902C,690806,940623 => maybe").is_err());
        assert!(parse_step("jump 3").is_err());
        assert_eq!(parse_step("reset"), Ok(Step::Reset));
        assert!(sw_matches("6AXX", 0x6A82));
        assert!(!sw_matches("6AXX", 0x6982));
    }
}
