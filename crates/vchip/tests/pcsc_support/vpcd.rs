//! The vpcd test slot from the environment and the virtual chip served there from a thread: what
//! the PC/SC tests of `vchip` and `reader` start their cards with. Needs only `vchip` and `card`,
//! so `reader`'s tests include this file too.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use vchip::{ServeOptions, ServeReport};

/// The vpcd test reader: `CCCD_TEST_READER`, by default `Virtual PCD 00 00`.
pub fn reader_name() -> String {
    std::env::var("CCCD_TEST_READER").unwrap_or_else(|_| "Virtual PCD 00 00".into())
}

/// The vpcd port of [`reader_name`]: `CCCD_TEST_VPCD_PORT`, by default 35963.
pub fn vpcd_port() -> u16 {
    std::env::var("CCCD_TEST_VPCD_PORT")
        .ok()
        .map(|p| {
            p.parse()
                .expect("CCCD_TEST_VPCD_PORT must be a port number")
        })
        .unwrap_or(35963)
}

/// Serve options for the test port, otherwise the defaults.
pub fn opts() -> ServeOptions {
    ServeOptions {
        port: vpcd_port(),
        ..Default::default()
    }
}

/// The card server in a thread; the card leaves the reader when it stops (also on drop).
pub struct Server {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<ServeReport>>,
}

impl Server {
    pub fn start(profile: Arc<card::Profile>, opts: ServeOptions) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            vchip::serve(profile, &opts, &flag, &mut |_| {}).expect("vchip serve")
        });
        Self {
            stop,
            handle: Some(handle),
        }
    }

    pub fn stop(mut self) -> ServeReport {
        self.stop.store(true, Ordering::SeqCst);
        self.handle.take().unwrap().join().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
