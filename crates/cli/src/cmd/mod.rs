//! One module per subcommand area; each owns its clap types and a `run` returning the exit code.

pub mod audit;
pub mod chip;
pub mod demo;
pub mod lds;
pub mod mrz;
pub mod personalize;
pub mod pki;
pub mod readers;
pub mod record;
pub mod registry;
pub mod render;
pub mod sod;
pub mod vchip;
pub mod verify;
