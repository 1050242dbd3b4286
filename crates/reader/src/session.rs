//! A card session: an exchange plus, once access control ran, the secure-messaging channel
//! every command then goes through. Also the file reader both personalization (read-back) and
//! inspection use: SFI read of the first chunk (no SELECT), then offsets in P1-P2, then odd-INS
//! READ BINARY with an offset data object past 32767.

use crate::apdu::{Command, Response};
use crate::error::Error;
use crate::files::Ef;
use crate::sm::SecureChannel;
use crate::sw::StatusWord;
use crate::tlv;
use crate::transport::{Exchange, transmit};

/// Counts of what went over the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Command APDUs sent (GET RESPONSE rounds included).
    pub apdus: u64,
    /// Command bytes sent.
    pub bytes_sent: u64,
    /// Response bytes received (status words included).
    pub bytes_received: u64,
}

impl Counts {
    /// `self - earlier`.
    pub fn since(&self, earlier: &Counts) -> Counts {
        Counts {
            apdus: self.apdus - earlier.apdus,
            bytes_sent: self.bytes_sent - earlier.bytes_sent,
            bytes_received: self.bytes_received - earlier.bytes_received,
        }
    }
}

/// An exchange that counts APDUs and bytes.
pub struct Counting<E> {
    inner: E,
    counts: Counts,
}

impl<E: Exchange> Counting<E> {
    pub fn new(inner: E) -> Self {
        Counting {
            inner,
            counts: Counts::default(),
        }
    }
    pub fn counts(&self) -> Counts {
        self.counts
    }
}

impl<E: Exchange> Exchange for Counting<E> {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, Error> {
        self.counts.apdus += 1;
        self.counts.bytes_sent += command.len() as u64;
        let r = self.inner.exchange(command)?;
        self.counts.bytes_received += r.len() as u64;
        Ok(r)
    }
}

/// How READ BINARY is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadPlan {
    /// Plain data bytes asked for per READ BINARY.
    pub chunk: usize,
    /// Extended Le allowed.
    pub extended: bool,
    /// Read INS (B0) and odd read INS (B1), CLA 00.
    pub ins: u8,
    pub odd_ins: Option<u8>,
}

impl ReadPlan {
    /// Short APDUs under 3DES secure messaging: 231 bytes per read (fits Le 256 protected).
    pub fn short_sm() -> Self {
        ReadPlan {
            chunk: crate::sm::max_plain_for(256, 8),
            extended: false,
            ins: 0xB0,
            odd_ins: Some(0xB1),
        }
    }
}

/// An exchange with an optional secure-messaging channel.
pub struct Session<'a> {
    ch: &'a mut dyn Exchange,
    sm: Option<SecureChannel>,
}

impl<'a> Session<'a> {
    pub fn new(ch: &'a mut dyn Exchange) -> Self {
        Session { ch, sm: None }
    }

    /// Every later command goes through `sm`.
    pub fn secure(&mut self, sm: SecureChannel) {
        self.sm = Some(sm);
    }

    /// Drops the secure-messaging channel (the chip ends it on the next plain command).
    pub fn end_secure(&mut self) {
        self.sm = None;
    }

    /// Takes the secure-messaging channel out (to carry it to another exchange).
    pub fn take_secure(&mut self) -> Option<SecureChannel> {
        self.sm.take()
    }

    pub fn is_secure(&self) -> bool {
        self.sm.is_some()
    }

    /// The secure-messaging cipher's block length (8 for 3DES, 16 for AES), if a channel is open.
    pub fn block_len(&self) -> Option<usize> {
        self.sm.as_ref().map(SecureChannel::block_len)
    }

    /// The secure-messaging cipher's name, if a channel is open.
    pub fn cipher_name(&self) -> Option<&'static str> {
        self.sm.as_ref().map(SecureChannel::cipher_name)
    }

    /// The raw exchange (for access protocols that run before secure messaging).
    pub fn exchange(&mut self) -> &mut dyn Exchange {
        &mut *self.ch
    }

    /// Sends a plain command, protected when a channel is open.
    pub fn transmit(&mut self, cmd: &Command) -> Result<Response, Error> {
        match self.sm.as_mut() {
            None => transmit(self.ch, cmd),
            Some(sm) => {
                let protected = sm.protect_command(cmd)?;
                let resp = transmit(self.ch, &protected)?;
                match sm.unprotect_response(&resp) {
                    Ok(r) => Ok(r),
                    Err(e) => {
                        self.sm = None;
                        Err(e.into())
                    }
                }
            }
        }
    }

    /// Sends and requires 9000.
    pub fn transmit_ok(&mut self, cmd: &Command, what: &str) -> Result<Vec<u8>, Error> {
        let r = self.transmit(cmd)?;
        if r.is_ok() {
            Ok(r.data)
        } else {
            Err(Error::Status {
                command: what.to_string(),
                sw: r.status_word(),
            })
        }
    }

    /// Reads a whole EF. With `len` known (read-back) exactly that many bytes are read; without
    /// it the length comes from the file's TLV header. The first chunk is read by SFI.
    pub fn read_ef(
        &mut self,
        ef: Ef,
        len: Option<usize>,
        plan: &ReadPlan,
    ) -> Result<Vec<u8>, Error> {
        let max_le = if plan.extended { 65_536 } else { 256 };
        let chunk = plan.chunk.clamp(1, max_le);
        let want_first = len.map_or(chunk, |l| l.clamp(1, chunk));
        let first = Command::new(0x00, plan.ins, 0x80 | ef.sfi(), 0).with_le(want_first);
        let mut data = self.read_chunk(&first, ef, 0)?;
        if data.is_empty() {
            return Err(Error::Inspect {
                file: ef.to_string(),
                reason: "READ BINARY returned no data".into(),
            });
        }
        let total = match len {
            Some(l) => l,
            None => tlv_total_len(&data).ok_or_else(|| Error::Inspect {
                file: ef.to_string(),
                reason: "file does not start with a BER-TLV header".into(),
            })?,
        };
        if total > 65_535 {
            return Err(Error::Inspect {
                file: ef.to_string(),
                reason: format!("declared length {total} exceeds 65535"),
            });
        }
        while data.len() < total {
            let offset = data.len();
            let want = (total - offset).min(chunk);
            let cmd = if offset <= 0x7FFF {
                Command::new(0x00, plan.ins, (offset >> 8) as u8, offset as u8).with_le(want)
            } else {
                let odd = plan.odd_ins.ok_or_else(|| Error::Inspect {
                    file: ef.to_string(),
                    reason: "file longer than 32767 bytes but no odd-INS READ BINARY".into(),
                })?;
                // room for the 53 L header around the data
                let want = (want + 4).min(max_le);
                Command::new(0x00, odd, 0, 0)
                    .with_data(tlv::encode(0x54, &(offset as u16).to_be_bytes()))
                    .with_le(want)
            };
            let more = self.read_chunk(&cmd, ef, offset)?;
            if more.is_empty() {
                return Err(Error::Inspect {
                    file: ef.to_string(),
                    reason: format!("no data at offset {offset} of {total}"),
                });
            }
            data.extend_from_slice(&more);
        }
        if data.len() > total {
            data.truncate(total);
        }
        Ok(data)
    }

    fn read_chunk(&mut self, cmd: &Command, ef: Ef, offset: usize) -> Result<Vec<u8>, Error> {
        let r = self.transmit(cmd)?;
        match r.status_word() {
            StatusWord::Ok | StatusWord::EndOfFile => {}
            sw => {
                return Err(Error::Status {
                    command: format!("READ BINARY {ef} at offset {offset}"),
                    sw,
                });
            }
        }
        if cmd.ins & 1 == 1 {
            match tlv::read(&r.data) {
                Ok((0x53, v, used)) if used == r.data.len() => Ok(v.to_vec()),
                _ => Err(Error::Inspect {
                    file: ef.to_string(),
                    reason: format!("odd-INS READ BINARY at {offset}: no DO'53'"),
                }),
            }
        } else {
            Ok(r.data)
        }
    }
}

/// Total length (header + value) declared by the BER-TLV header at the start of `data`: how
/// much more to read after the first chunk (Part 10 §4.4). `None` when the header is not
/// readable (the caller names the file in its error).
fn tlv_total_len(data: &[u8]) -> Option<usize> {
    icao::tlv::read_header(data, icao::Rules::Ber)
        .ok()
        .map(|h| h.total_len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlv_header_lengths() {
        assert_eq!(tlv_total_len(&[0x60, 0x14]), Some(22));
        assert_eq!(tlv_total_len(&[0x75, 0x82, 0x50, 0x00]), Some(4 + 0x5000));
        assert_eq!(tlv_total_len(&[0x7F, 0x61, 0x03]), Some(6));
        assert_eq!(tlv_total_len(&[0x75, 0x85, 0, 0, 0, 0, 1]), None);
        assert_eq!(tlv_total_len(&[0x75]), None);
        assert_eq!(tlv_total_len(&[]), None);
    }
}
