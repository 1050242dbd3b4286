//! The chip as a vpcd card behind real pcscd, like an encoder fed from a hopper of blanks.
//!
//! Rules (also in `cccd vchip serve --help`):
//! - The first card is the chip image (`image`) when that file exists, else a blank chip.
//! - A card is **finished** when pcscd powers it off (the host disconnected; pcscd sends power
//!   off ~0.5 s after the last `SCardDisconnect`) after the card was locked AND read: at least
//!   one READ BINARY succeeded while it was operational (the read-back of a personalization, or
//!   an inspection). A card that was only locked stays, so another process can inspect it.
//! - A finished card is **ejected** when the hopper still holds blanks (`blanks` > 0): the TCP
//!   connection to vpcd is closed (pcscd sees the card removed) and a new connection presents a
//!   fresh blank chip. With an image, the finished card's image is kept as `IMAGE.card<K>`
//!   (K = 1, 2, …) and `IMAGE` follows the new blank. When the hopper is empty the finished card
//!   stays in the reader.
//! - `tear_after = N`: the N-th command APDU of each card (counted from its insertion) is not
//!   executed; the connection is dropped as if the card was pulled, keeping everything already
//!   written. The pulled card then goes to the reject tray like a finished one (a blank follows
//!   if the hopper has one), otherwise it is put back (reconnected) and is not torn again.
//! - With an image, the image file is rewritten (0600, atomically) after every APDU that changed
//!   the chip's persistent state, and on exit: it always holds what a pulled card would.
//! - When vpcd goes away (pcscd restarted), the same card reconnects as soon as vpcd listens.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use card::Profile;

use crate::chip::Chip;
use crate::error::Error;
use crate::timing::TimingMode;
use crate::vpcd::{Connection, Message};

/// Where and how to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// vpcd host (pcscd's vpcd listens on all interfaces; the card connects to this one).
    pub host: String,
    /// vpcd port: 35963 for `Virtual PCD 00 00`, +1 for slot 01.
    pub port: u16,
    /// Chip image file: loaded at start when it exists, kept up to date.
    pub image: Option<PathBuf>,
    /// Blank cards left in the hopper after the first card.
    pub blanks: u32,
    /// Tear each card at its N-th command APDU.
    pub tear_after: Option<u64>,
    pub timing: TimingMode,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 35963,
            image: None,
            blanks: 0,
            tear_after: None,
            timing: TimingMode::Off,
        }
    }
}

/// What happened while serving.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServeReport {
    /// Cards presented (the first one and every blank fed from the hopper).
    pub cards: u32,
    /// Cards finished and ejected.
    pub ejected: u32,
    /// Cards torn.
    pub torn: u32,
    /// Command APDUs processed, all cards together.
    pub apdus: u64,
    /// Connections made to vpcd.
    pub connections: u32,
}

/// The card in the reader, with its per-card bookkeeping.
struct Slot {
    chip: Chip,
    apdus: u64,
    torn: bool,
}

impl Slot {
    fn new(chip: Chip) -> Self {
        Self {
            chip,
            apdus: 0,
            torn: false,
        }
    }

    /// Locked and read: the host is done with it.
    fn finished(&self) -> bool {
        self.chip.is_locked() && self.chip.counters().reads_after_lock > 0
    }
}

/// Why a connection ended.
enum End {
    /// Stop requested.
    Stop,
    /// vpcd closed the connection: reconnect the same card.
    VpcdGone,
    /// The card leaves the reader (finished, or torn).
    Eject { torn: bool },
}

/// Registers SIGTERM and SIGINT to set the returned flag, so [`serve`] returns cleanly.
pub fn stop_on_signals() -> Result<Arc<AtomicBool>, Error> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(sig, Arc::clone(&stop))
            .map_err(|e| Error::io(format!("registering signal {sig}"), e))?;
    }
    Ok(stop)
}

/// Serves chips of `profile` to vpcd until `stop` is set. `on_event` receives one line per
/// card event (inserted, ejected, torn), for the operator.
pub fn serve(
    profile: Arc<Profile>,
    opts: &ServeOptions,
    stop: &AtomicBool,
    on_event: &mut dyn FnMut(&str),
) -> Result<ServeReport, Error> {
    let first = match &opts.image {
        Some(path) if path.exists() => Chip::load_image(profile.clone(), path)?,
        _ => Chip::blank(profile.clone()),
    };
    let mut slot = Slot::new(first);
    slot.chip.set_timing(opts.timing);
    if let Some(path) = &opts.image {
        slot.chip.save_image(path)?;
    }
    let mut report = ServeReport {
        cards: 1,
        ..Default::default()
    };
    let mut blanks = opts.blanks;
    let mut archived = 0u32;
    on_event(&format!(
        "card 1 ({}, {}) waiting for vpcd at {}:{}",
        profile.name,
        if slot.chip.is_locked() {
            "locked"
        } else {
            "personalization state"
        },
        opts.host,
        opts.port
    ));
    loop {
        let Some(mut conn) = Connection::connect(&opts.host, opts.port, stop)? else {
            break;
        };
        report.connections += 1;
        let end = run_connection(&mut conn, &mut slot, opts, blanks, stop, &mut report)?;
        conn.close();
        if let Some(path) = &opts.image
            && slot.chip.take_dirty()
        {
            slot.chip.save_image(path)?;
        }
        match end {
            End::Stop => break,
            End::VpcdGone => {
                slot.chip.reset();
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            End::Eject { torn } => {
                // The reader must be seen empty before the next card goes in: pcscd notices a
                // removal only at its next presence poll (~400 ms) and then powers the slot
                // down, so a card inserted sooner is powered down with it and never seen. A real
                // hopper takes about this long to change cards.
                sleep_unless_stopped(CARD_CHANGE, stop);
                if torn {
                    report.torn += 1;
                    on_event(&format!(
                        "card {} torn at APDU {}",
                        report.cards, slot.apdus
                    ));
                }
                if blanks == 0 {
                    if torn {
                        on_event(&format!("card {} put back (hopper empty)", report.cards));
                    }
                    slot.chip.reset();
                    continue;
                }
                blanks -= 1;
                report.ejected += 1;
                if let Some(path) = &opts.image {
                    archived += 1;
                    let kept = archive_path(path, archived);
                    slot.chip.save_image(&kept)?;
                    on_event(&format!(
                        "card {} ejected, image kept as {}",
                        report.cards,
                        kept.display()
                    ));
                } else {
                    on_event(&format!("card {} ejected", report.cards));
                }
                slot = Slot::new(Chip::blank(profile.clone()));
                slot.chip.set_timing(opts.timing);
                if let Some(path) = &opts.image {
                    slot.chip.save_image(path)?;
                }
                report.cards += 1;
                on_event(&format!(
                    "card {} (blank) inserted, {blanks} left in the hopper",
                    report.cards
                ));
            }
        }
    }
    if let Some(path) = &opts.image {
        slot.chip.save_image(path)?;
    }
    Ok(report)
}

/// `IMAGE.card<K>`: where the K-th ejected card's image is kept.
pub fn archive_path(image: &Path, k: u32) -> PathBuf {
    let mut name = image.as_os_str().to_owned();
    name.push(format!(".card{k}"));
    PathBuf::from(name)
}

fn run_connection(
    conn: &mut Connection,
    slot: &mut Slot,
    opts: &ServeOptions,
    blanks_left: u32,
    stop: &AtomicBool,
    report: &mut ServeReport,
) -> Result<End, Error> {
    // A new connection is a card insertion: power-on state.
    slot.chip.reset();
    loop {
        let Some(msg) = conn.read(stop)? else {
            return Ok(if stop.load(Ordering::SeqCst) {
                End::Stop
            } else {
                End::VpcdGone
            });
        };
        match msg {
            Message::GetAtr => conn.send(slot.chip.atr())?,
            Message::PowerOn | Message::Reset => slot.chip.reset(),
            Message::PowerOff => {
                slot.chip.reset();
                if slot.finished() && blanks_left > 0 {
                    return Ok(End::Eject { torn: false });
                }
            }
            Message::OtherControl(_) => {}
            Message::Apdu(apdu) => {
                slot.apdus += 1;
                if !slot.torn && opts.tear_after == Some(slot.apdus) {
                    slot.torn = true;
                    slot.chip.reset();
                    return Ok(End::Eject { torn: true });
                }
                let response = slot.chip.process(&apdu);
                report.apdus += 1;
                conn.send(&response)?;
                if let Some(path) = &opts.image
                    && slot.chip.take_dirty()
                {
                    slot.chip.save_image(path)?;
                }
            }
        }
    }
}

/// How long the slot stays empty between two cards (see the eject path in [`serve`]).
const CARD_CHANGE: std::time::Duration = std::time::Duration::from_millis(900);

fn sleep_unless_stopped(d: std::time::Duration, stop: &AtomicBool) {
    let end = std::time::Instant::now() + d;
    while std::time::Instant::now() < end && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
