//! The timing model: with `--timing realistic` every APDU takes as long as on a contact chip of
//! the profile (transfer at the profile's bit rate, a fixed processing overhead, EEPROM page
//! writes, signature and key-generation times, EC scalar multiplications of PACE and Chip
//! Authentication), applied as a sleep; off, the chip answers as
//! fast as the host computes.

use std::time::Duration;

use card::profile::Timing;

/// Whether the chip sleeps to model a real one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TimingMode {
    /// Answer at once (tests, functional benchmarks).
    #[default]
    Off,
    /// Model a contact chip from the profile's `[timing]` (throughput benchmarks).
    Realistic,
}

/// What one APDU cost the chip.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Command plus response bytes on the wire.
    pub bytes: usize,
    /// EEPROM pages erased and written.
    pub pages: usize,
    /// Active Authentication signatures made.
    pub signatures: u32,
    /// Key pairs generated.
    pub keygens: u32,
    /// EC scalar multiplications (PACE Generic Mapping: 4 over the GENERAL AUTHENTICATE steps;
    /// Chip Authentication: 1). They dominate a PACE run on a real chip, so the model counts
    /// them rather than folding them into the per-APDU overhead.
    pub ec_muls: u32,
}

/// The time a chip with timing `t` needs for an APDU costing `c`.
pub fn duration(t: &Timing, c: &Cost) -> Duration {
    let bps = u64::from(t.transfer_rate_bps.max(1));
    let transfer_us = (c.bytes as u64 * 8 * 1_000_000).div_ceil(bps);
    let us = u64::from(t.command_overhead_us)
        + transfer_us
        + c.pages as u64 * u64::from(t.eeprom_page_write_us)
        + u64::from(c.signatures) * u64::from(t.aa_sign_us)
        + u64::from(c.keygens) * u64::from(t.keygen_us)
        + u64::from(c.ec_muls) * u64::from(t.ecdh_us);
    Duration::from_micros(us)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_add_up() {
        let t = Timing {
            transfer_rate_bps: 100_000,
            command_overhead_us: 1000,
            eeprom_page_size: 64,
            eeprom_page_write_us: 2000,
            aa_sign_us: 50_000,
            keygen_us: 70_000,
            ecdh_us: 30_000,
        };
        assert_eq!(duration(&t, &Cost::default()), Duration::from_micros(1000));
        let c = Cost {
            bytes: 1250,
            pages: 3,
            signatures: 1,
            keygens: 1,
            ec_muls: 2,
        };
        // 1250 bytes * 8 / 100 kbit/s = 100 ms
        assert_eq!(
            duration(&t, &c),
            Duration::from_micros(1000 + 100_000 + 6000 + 50_000 + 70_000 + 2 * 30_000)
        );
    }
}
