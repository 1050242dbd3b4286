//! The PC/SC backend of [`card::Transport`]: the only crate of the workspace that links the
//! `pcsc` crate (and so libpcsclite), kept apart so the card core, the virtual chip and the
//! protocol crates build and test with no card stack. A reader is chosen by its
//! exact name; [`PcscTransport::wait_for_card`] blocks until a card is present and connects;
//! [`PcscTransport::reconnect`] waits for the next card after a removal (an encoder fed from a
//! hopper). Card removal surfaces as [`Error::CardRemoved`], whatever PC/SC calls it.
#![forbid(unsafe_code)]

use card::error::Error;
use card::transport::{Exchange, Transport};
use pcsc::{Card, Context, Disposition, Protocols, ReaderState, Scope, ShareMode, State};
use std::ffi::CString;
use std::time::{Duration, Instant};

/// One reader as `cccd readers` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReaderInfo {
    pub name: String,
    pub card_present: bool,
    /// The card's ATR, hex; empty when no card.
    pub atr: String,
}

fn pcsc_err(reader: &str, operation: &'static str, e: pcsc::Error) -> Error {
    use pcsc::Error as E;
    match e {
        E::RemovedCard | E::NoSmartcard | E::ResetCard | E::UnpoweredCard | E::UnresponsiveCard => {
            Error::CardRemoved
        }
        other => Error::Pcsc {
            reader: reader.to_string(),
            operation,
            reason: other.to_string(),
        },
    }
}

fn establish() -> Result<Context, Error> {
    Context::establish(Scope::User).map_err(|e| Error::Pcsc {
        reader: String::new(),
        operation: "establish context (is pcscd running?)",
        reason: e.to_string(),
    })
}

/// Every reader pcscd knows, with card presence and ATR.
pub fn list_readers() -> Result<Vec<ReaderInfo>, Error> {
    let ctx = establish()?;
    let names = match ctx.list_readers_owned() {
        Ok(n) => n,
        Err(pcsc::Error::NoReadersAvailable) => return Ok(Vec::new()),
        Err(e) => return Err(pcsc_err("", "list readers", e)),
    };
    let mut states: Vec<ReaderState> = names
        .iter()
        .map(|n| ReaderState::new(n.clone(), State::UNAWARE))
        .collect();
    if !states.is_empty() {
        ctx.get_status_change(Duration::from_millis(0), &mut states)
            .map_err(|e| pcsc_err("", "get status", e))?;
    }
    Ok(states
        .iter()
        .map(|s| {
            let present = s.event_state().contains(State::PRESENT);
            ReaderInfo {
                name: s.name().to_string_lossy().into_owned(),
                card_present: present,
                atr: if present {
                    hex::encode_upper(s.atr())
                } else {
                    String::new()
                },
            }
        })
        .collect())
}

/// A connection to the card in one named reader.
pub struct PcscTransport {
    ctx: Context,
    reader: String,
    card: Option<Card>,
    atr: Vec<u8>,
    buf: Vec<u8>,
}

impl std::fmt::Debug for PcscTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PcscTransport {{ reader: {:?}, atr: {} }}",
            self.reader,
            hex::encode_upper(&self.atr)
        )
    }
}

impl PcscTransport {
    /// Connects to the card now in `reader` (no waiting).
    pub fn connect(reader: &str) -> Result<Self, Error> {
        PcscTransport::wait_for_card(reader, Duration::ZERO)
    }

    /// Waits up to `timeout` for a card in `reader`, then connects (shared mode; every operation
    /// runs in a PC/SC transaction). Fails with [`Error::Pcsc`] when the reader does not exist
    /// or no card arrived in time.
    pub fn wait_for_card(reader: &str, timeout: Duration) -> Result<Self, Error> {
        let ctx = establish()?;
        let card = wait_and_connect(&ctx, reader, timeout)?;
        let mut t = PcscTransport {
            ctx,
            reader: reader.to_string(),
            card: Some(card),
            atr: Vec::new(),
            buf: vec![0; pcsc::MAX_BUFFER_SIZE_EXTENDED],
        };
        t.atr = t.read_atr()?;
        Ok(t)
    }

    /// The next card: disconnects from the current one, waits up to `timeout` until it has
    /// left the reader (at once if it already has) and the next card is present, and connects
    /// to that one (an encoder fed from a hopper, or an operator swapping cards).
    pub fn next_card(&mut self, timeout: Duration) -> Result<(), Error> {
        let deadline = Instant::now() + timeout;
        if let Some(card) = self.card.take() {
            let _ = card.disconnect(Disposition::LeaveCard);
        }
        wait_for_state(&self.ctx, &self.reader, timeout, false)?;
        self.card = Some(wait_and_connect(
            &self.ctx,
            &self.reader,
            deadline.saturating_duration_since(Instant::now()),
        )?);
        self.atr = self.read_atr()?;
        Ok(())
    }

    /// Reconnects to the card in the reader (e.g. after another application reset it).
    pub fn reconnect(&mut self, timeout: Duration) -> Result<(), Error> {
        self.card = None;
        self.card = Some(wait_and_connect(&self.ctx, &self.reader, timeout)?);
        self.atr = self.read_atr()?;
        Ok(())
    }

    /// Disconnects, leaving the card powered as it is.
    pub fn disconnect(&mut self) {
        if let Some(card) = self.card.take() {
            let _ = card.disconnect(Disposition::LeaveCard);
        }
    }

    fn card(&self) -> Result<&Card, Error> {
        self.card.as_ref().ok_or(Error::CardRemoved)
    }

    /// Waits up to `timeout` until the reader is empty (the finished card was taken out).
    pub fn wait_for_removal(&self, timeout: Duration) -> Result<(), Error> {
        wait_for_state(&self.ctx, &self.reader, timeout, false)
    }

    /// The reader's name.
    pub fn reader(&self) -> &str {
        &self.reader
    }

    fn read_atr(&self) -> Result<Vec<u8>, Error> {
        let mut names = [0u8; 2048];
        let mut atr = [0u8; pcsc::MAX_ATR_SIZE];
        let status = self
            .card()?
            .status2(&mut names, &mut atr)
            .map_err(|e| pcsc_err(&self.reader, "card status", e))?;
        Ok(status.atr().to_vec())
    }
}

fn reader_cstring(reader: &str) -> Result<CString, Error> {
    CString::new(reader).map_err(|_| Error::Pcsc {
        reader: reader.to_string(),
        operation: "reader name",
        reason: "contains a NUL byte".into(),
    })
}

/// Blocks until `reader` has a card (`present`) or is empty (`!present`), up to `timeout`.
fn wait_for_state(
    ctx: &Context,
    reader: &str,
    timeout: Duration,
    present: bool,
) -> Result<(), Error> {
    let deadline = Instant::now() + timeout;
    let mut states = [ReaderState::new(reader_cstring(reader)?, State::UNAWARE)];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match ctx.get_status_change(left, &mut states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) => {
                return Err(Error::Pcsc {
                    reader: reader.to_string(),
                    operation: if present {
                        "wait for a card"
                    } else {
                        "wait for card removal"
                    },
                    reason: format!("timed out after {} ms", timeout.as_millis()),
                });
            }
            Err(e) => return Err(pcsc_err(reader, "get status", e)),
        }
        let ev = states[0].event_state();
        if ev.intersects(State::UNKNOWN | State::IGNORE) {
            return Err(Error::Pcsc {
                reader: reader.to_string(),
                operation: "find reader",
                reason: "no such reader".into(),
            });
        }
        let has_card = ev.contains(State::PRESENT) && !ev.contains(State::MUTE);
        if has_card == present {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(Error::Pcsc {
                reader: reader.to_string(),
                operation: if present {
                    "wait for a card"
                } else {
                    "wait for card removal"
                },
                reason: format!("timed out after {} ms", timeout.as_millis()),
            });
        }
        states[0].sync_current_state();
    }
}

fn wait_and_connect(ctx: &Context, reader: &str, timeout: Duration) -> Result<Card, Error> {
    wait_for_state(ctx, reader, timeout, true)?;
    let name = reader_cstring(reader)?;
    ctx.connect(&name, ShareMode::Shared, Protocols::ANY)
        .map_err(|e| pcsc_err(reader, "connect", e))
}

fn transmit_on(
    card: &Card,
    reader: &str,
    buf: &mut [u8],
    command: &[u8],
) -> Result<Vec<u8>, Error> {
    card.transmit(command, buf)
        .map(<[u8]>::to_vec)
        .map_err(|e| pcsc_err(reader, "transmit", e))
}

impl Exchange for PcscTransport {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, Error> {
        let card = self.card.as_ref().ok_or(Error::CardRemoved)?;
        transmit_on(card, &self.reader, &mut self.buf, command)
    }
}

/// An open PC/SC transaction; ends (leaving the card as it is) when dropped.
struct PcscTransaction<'a> {
    tx: pcsc::Transaction<'a>,
    reader: &'a str,
    buf: &'a mut [u8],
}

impl Exchange for PcscTransaction<'_> {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, Error> {
        transmit_on(&self.tx, self.reader, self.buf, command)
    }
}

impl Transport for PcscTransport {
    fn transaction(&mut self) -> Result<Box<dyn Exchange + '_>, Error> {
        let reader = self.reader.as_str();
        let card = self.card.as_mut().ok_or(Error::CardRemoved)?;
        let tx = card
            .transaction()
            .map_err(|e| pcsc_err(reader, "begin transaction", e))?;
        Ok(Box::new(PcscTransaction {
            tx,
            reader,
            buf: &mut self.buf,
        }))
    }

    fn reset(&mut self) -> Result<(), Error> {
        let reader = self.reader.as_str();
        self.card
            .as_mut()
            .ok_or(Error::CardRemoved)?
            .reconnect(ShareMode::Shared, Protocols::ANY, Disposition::ResetCard)
            .map_err(|e| pcsc_err(reader, "reset", e))
    }

    fn atr(&self) -> Vec<u8> {
        self.atr.clone()
    }
}
