//! The chip in-process, as a `card::Transport`: the terminal code runs unchanged against it
//! (fast tests, no pcscd), with the same fault injection as the vpcd server.

use card::transport::{Exchange, Transport};

use crate::chip::Chip;

/// A chip "in a reader" inside this process.
///
/// Fault injection: with [`InProcess::tear_after`]`(n)` the n-th APDU (counted from 1 since the
/// chip was inserted) is not executed and fails with `card::Error::CardRemoved`, as when the
/// card is pulled from the field; everything written before stays on the chip, and every later
/// exchange fails the same way until [`InProcess::reinsert`].
#[derive(Debug)]
pub struct InProcess {
    chip: Chip,
    tear_after: Option<u64>,
    sent: u64,
    removed: bool,
}

impl InProcess {
    /// Inserts `chip` (a power-on: its session state starts fresh).
    pub fn new(mut chip: Chip) -> Self {
        chip.reset();
        Self {
            chip,
            tear_after: None,
            sent: 0,
            removed: false,
        }
    }

    /// Tears the card at the `n`-th APDU from now (1 = the next one).
    pub fn tear_after(mut self, n: u64) -> Self {
        self.tear_after = Some(n);
        self.sent = 0;
        self
    }

    /// APDUs sent to the chip (and the torn one) since insertion.
    pub fn apdus_sent(&self) -> u64 {
        self.sent
    }

    /// True once the card was torn.
    pub fn is_removed(&self) -> bool {
        self.removed
    }

    /// Puts the card back (power-on reset); no further tear is scheduled.
    pub fn reinsert(&mut self) {
        self.removed = false;
        self.tear_after = None;
        self.chip.reset();
    }

    pub fn chip(&self) -> &Chip {
        &self.chip
    }

    pub fn chip_mut(&mut self) -> &mut Chip {
        &mut self.chip
    }

    pub fn into_chip(self) -> Chip {
        self.chip
    }
}

impl Exchange for InProcess {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, card::Error> {
        if self.removed {
            return Err(card::Error::CardRemoved);
        }
        self.sent += 1;
        if self.tear_after == Some(self.sent) {
            self.removed = true;
            self.chip.reset();
            return Err(card::Error::CardRemoved);
        }
        Ok(self.chip.process(command))
    }
}

impl Transport for InProcess {
    fn transaction(&mut self) -> Result<Box<dyn Exchange + '_>, card::Error> {
        if self.removed {
            return Err(card::Error::CardRemoved);
        }
        Ok(Box::new(self))
    }

    fn reset(&mut self) -> Result<(), card::Error> {
        if self.removed {
            return Err(card::Error::CardRemoved);
        }
        self.chip.reset();
        Ok(())
    }

    fn atr(&self) -> Vec<u8> {
        self.chip.atr().to_vec()
    }
}
