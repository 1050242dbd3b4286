//! The virtual eMRTD chip implementing our firmware profiles, in-process and as a vpcd card.
//!
//! - [`Chip`]: one chip of a [`card::Profile`] (`Chip::blank(profile)`), processing APDUs
//!   (`chip.process(&bytes)`), with its persistent state saved to and loaded from a chip image
//!   (`save_image` / `load_image`; the image holds the chip's private keys: mode 0600).
//! - [`InProcess`]: the chip as a `card::Transport`, with tear injection.
//! - [`serve()`]: the chip as a vpcd card behind real pcscd (hopper of blanks, tear, image,
//!   timing model).
#![forbid(unsafe_code)]

pub mod chip;
pub mod error;
pub mod fs;
pub mod keys;
pub mod serve;
pub mod state;
pub mod timing;
pub mod transport;
pub mod vpcd;

pub use chip::{CARD_ACCESS, Chip, Counters};
pub use error::Error;
pub use serve::{ServeOptions, ServeReport, serve, stop_on_signals};
pub use state::{Lifecycle, PersistentState};
pub use timing::TimingMode;
pub use transport::InProcess;
