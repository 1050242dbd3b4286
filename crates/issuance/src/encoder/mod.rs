//! Encoders: where blank cards come from and finished cards go. The pipeline sees only this
//! trait, so the same worker drives a PC/SC encoder (real pcscd; with vpcd, `cccd vchip serve
//! --blanks N`) or an in-process hopper of virtual chips (tests, the memory benchmark; feature `inprocess`).

use reader::Transport;
use reader::pcsc::PcscTransport;
use std::time::Duration;

#[cfg(feature = "inprocess")]
mod inprocess;
#[cfg(feature = "inprocess")]
pub use inprocess::InProcessEncoder;

/// One card encoder with its hopper.
pub trait Encoder: Send {
    /// The encoder's name (the reader name for PC/SC).
    fn name(&self) -> &str;
    /// Finish the current card (it leaves the encoder: ejected or to the reject tray) and wait up
    /// to `timeout` for the next one. The first call just waits for a card.
    fn next_card(&mut self, timeout: Duration) -> Result<(), reader::Error>;
    /// The card now in the encoder.
    fn transport(&mut self) -> Result<&mut dyn Transport, reader::Error>;
    /// Done with the current card: let it go now (the encoder ejects it) so the next one can
    /// come in while the host does other work; [`Encoder::next_card`] then waits for it.
    fn release_card(&mut self) {}
}

/// A PC/SC reader used as an encoder.
pub struct PcscEncoder {
    reader: String,
    card: Option<PcscTransport>,
    released: Option<std::time::Instant>,
}

/// pcscd powers a card off about 0.5 s after the last disconnect, and a vpcd encoder ejects a
/// finished card then; a hopper swap can be too fast for pcscd to ever report the reader empty,
/// so after releasing a card we wait this long before connecting to the next.
const EJECT_SETTLE: Duration = Duration::from_millis(800);

impl PcscEncoder {
    pub fn new(reader: &str) -> PcscEncoder {
        PcscEncoder {
            reader: reader.to_string(),
            card: None,
            released: None,
        }
    }
}

impl Encoder for PcscEncoder {
    fn name(&self) -> &str {
        &self.reader
    }

    fn next_card(&mut self, timeout: Duration) -> Result<(), reader::Error> {
        if self.released.is_none()
            && let Some(t) = &mut self.card
        {
            t.disconnect();
            self.released = Some(std::time::Instant::now());
        }
        if let Some(at) = self.released.take() {
            std::thread::sleep(EJECT_SETTLE.saturating_sub(at.elapsed()));
        }
        match &mut self.card {
            Some(t) => t.reconnect(timeout),
            None => {
                self.card = Some(PcscTransport::wait_for_card(&self.reader, timeout)?);
                Ok(())
            }
        }
    }

    fn transport(&mut self) -> Result<&mut dyn Transport, reader::Error> {
        match &mut self.card {
            Some(t) => Ok(t),
            None => Err(reader::Error::CardRemoved),
        }
    }

    fn release_card(&mut self) {
        if let Some(t) = &mut self.card {
            t.disconnect();
            self.released = Some(std::time::Instant::now());
        }
    }
}
