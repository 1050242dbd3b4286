//! A hopper of in-process virtual chips (`vchip`), behind the feature `inprocess`: tests and
//! benchmarks drive the real pipeline with it and no pcscd; production builds leave it out.

use super::Encoder;
use reader::Transport;
use std::sync::Arc;
use std::time::Duration;

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
