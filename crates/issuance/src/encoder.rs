//! Encoders: where blank cards come from and finished cards go. The pipeline sees only this
//! trait, so the same worker drives a PC/SC encoder (real pcscd; with vpcd, `cccd vchip serve
//! --blanks N`) or an in-process hopper of virtual chips (tests, the memory benchmark).

use reader::Transport;
use reader::pcsc::PcscTransport;
use std::sync::Arc;
use std::time::Duration;

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

/// A hopper of in-process virtual chips (no pcscd): for tests and the memory benchmark.
pub struct InProcessEncoder {
    name: String,
    profile: Arc<reader::Profile>,
    blanks: u64,
    tear_first_after: Option<u64>,
    card: Option<vchip::InProcess>,
    /// Finished cards (locked chips), kept when `keep` is set so tests can inspect them.
    pub finished: Vec<vchip::Chip>,
    keep: bool,
    timing: vchip::TimingMode,
}

impl InProcessEncoder {
    /// `blanks` cards in the hopper.
    pub fn new(name: &str, profile: Arc<reader::Profile>, blanks: u64) -> InProcessEncoder {
        InProcessEncoder {
            name: name.to_string(),
            profile,
            blanks,
            tear_first_after: None,
            card: None,
            finished: Vec::new(),
            keep: false,
            timing: vchip::TimingMode::Off,
        }
    }

    /// Chips answer with the profile's timing model (transfer rate, EEPROM writes, key
    /// generation), for throughput benchmarks.
    pub fn with_timing(mut self, timing: vchip::TimingMode) -> Self {
        self.timing = timing;
        self
    }

    /// The first card is pulled out at its `n`-th APDU (a torn card).
    pub fn tear_first_card_after(mut self, n: u64) -> Self {
        self.tear_first_after = Some(n);
        self
    }

    /// Keep finished chips in [`InProcessEncoder::finished`].
    pub fn keep_finished(mut self) -> Self {
        self.keep = true;
        self
    }
}

impl Encoder for InProcessEncoder {
    fn name(&self) -> &str {
        &self.name
    }

    fn next_card(&mut self, _timeout: Duration) -> Result<(), reader::Error> {
        if let Some(done) = self.card.take()
            && self.keep
        {
            self.finished.push(done.into_chip());
        }
        if self.blanks == 0 {
            return Err(reader::Error::Transport {
                reason: format!("encoder {}: the hopper is empty", self.name),
            });
        }
        self.blanks -= 1;
        let mut chip = vchip::Chip::blank(Arc::clone(&self.profile));
        chip.set_timing(self.timing);
        let mut t = vchip::InProcess::new(chip);
        if let Some(n) = self.tear_first_after.take() {
            t = t.tear_after(n);
        }
        self.card = Some(t);
        Ok(())
    }

    fn transport(&mut self) -> Result<&mut dyn Transport, reader::Error> {
        match &mut self.card {
            Some(t) if !t.is_removed() => Ok(t),
            _ => Err(reader::Error::CardRemoved),
        }
    }
}
