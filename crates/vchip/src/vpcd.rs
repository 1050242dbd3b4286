//! The vpcd wire protocol, card side: the chip is a TCP client of the vpcd driver inside pcscd.
//!
//! Framing (both directions): a big-endian `u16` length, then that many bytes. From vpcd, a
//! 1-byte payload is a control byte (00 power off, 01 power on, 02 reset, 04 get ATR); anything
//! longer is a command APDU. The card answers only `04` (with its ATR) and APDUs (with the
//! response APDU), one frame each, never an empty frame (vpcd treats that as "card gone").
//! Card inserted = connection open; card removed = connection closed.
//!
//! vpcd 0.8 writes the length and the payload with two `send()` calls and no `TCP_NODELAY`, so
//! with Linux delayed ACKs every message would stall ~40 ms; re-arming `TCP_QUICKACK` around
//! every read brings an APDU round trip down to well under a millisecond.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::error::Error;

/// How often a blocked read wakes up to look at the stop flag.
const POLL_INTERVAL: Duration = Duration::from_millis(200);
/// How long to wait between attempts to reach vpcd (pcscd not yet started, or restarting).
const RETRY_INTERVAL: Duration = Duration::from_millis(100);

/// One message from vpcd.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Control byte 00: the reader powers the card off.
    PowerOff,
    /// Control byte 01: the reader powers the card on.
    PowerOn,
    /// Control byte 02: warm reset.
    Reset,
    /// Control byte 04: the reader asks for the ATR (also its ~400 ms presence poll).
    GetAtr,
    /// Any other 1-byte control message; ignored, as vpcd itself defines no others.
    OtherControl(u8),
    /// A command APDU exactly as the application passed it to `SCardTransmit`.
    Apdu(Vec<u8>),
}

/// The card end of one vpcd connection: one inserted card.
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
}

impl Connection {
    /// Connects to vpcd at `host:port`, retrying until vpcd listens or `stop` is set.
    /// Returns `Ok(None)` when stopped before a connection was made.
    pub fn connect(host: &str, port: u16, stop: &AtomicBool) -> Result<Option<Self>, Error> {
        loop {
            if stop.load(Ordering::SeqCst) {
                return Ok(None);
            }
            match TcpStream::connect((host, port)) {
                Ok(stream) => {
                    stream
                        .set_nodelay(true)
                        .and_then(|()| stream.set_read_timeout(Some(POLL_INTERVAL)))
                        .map_err(|e| {
                            Error::io(format!("configuring socket to {host}:{port}"), e)
                        })?;
                    return Ok(Some(Self { stream }));
                }
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::ConnectionRefused
                            | ErrorKind::ConnectionReset
                            | ErrorKind::ConnectionAborted
                            | ErrorKind::TimedOut
                    ) =>
                {
                    std::thread::sleep(RETRY_INTERVAL);
                }
                Err(e) => return Err(Error::io(format!("connecting to vpcd at {host}:{port}"), e)),
            }
        }
    }

    /// Reads the next message. `Ok(None)` means vpcd closed the connection or `stop` was set
    /// while no message was in flight.
    pub fn read(&mut self, stop: &AtomicBool) -> Result<Option<Message>, Error> {
        let mut len = [0u8; 2];
        if !self.read_full(&mut len, stop, true)? {
            return Ok(None);
        }
        let mut payload = vec![0u8; usize::from(u16::from_be_bytes(len))];
        if !self.read_full(&mut payload, stop, false)? {
            return Ok(None);
        }
        Ok(Some(match payload.as_slice() {
            [0x00] => Message::PowerOff,
            [0x01] => Message::PowerOn,
            [0x02] => Message::Reset,
            [0x04] => Message::GetAtr,
            [b] => Message::OtherControl(*b),
            _ => Message::Apdu(payload),
        }))
    }

    /// Fills `buf`. Returns false on end of stream, or on `stop` when `at_frame_start` and nothing
    /// has been read yet; a frame that has begun is always read to its end.
    fn read_full(
        &mut self,
        buf: &mut [u8],
        stop: &AtomicBool,
        at_frame_start: bool,
    ) -> Result<bool, Error> {
        let mut filled = 0;
        while filled < buf.len() {
            quickack(&self.stream);
            match self.stream.read(&mut buf[filled..]) {
                Ok(0) => return Ok(false),
                Ok(n) => filled += n,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    if at_frame_start && filled == 0 && stop.load(Ordering::SeqCst) {
                        return Ok(false);
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
                    ) =>
                {
                    return Ok(false);
                }
                Err(e) => return Err(Error::io("reading from vpcd".to_string(), e)),
            }
        }
        quickack(&self.stream);
        Ok(true)
    }

    /// Sends one frame (the ATR or a response APDU) with a single write.
    pub fn send(&mut self, payload: &[u8]) -> Result<(), Error> {
        let len =
            u16::try_from(payload.len()).map_err(|_| Error::FrameTooLong { len: payload.len() })?;
        if payload.is_empty() {
            return Err(Error::EmptyFrame);
        }
        let mut frame = Vec::with_capacity(payload.len() + 2);
        frame.extend_from_slice(&len.to_be_bytes());
        frame.extend_from_slice(payload);
        self.stream
            .write_all(&frame)
            .map_err(|e| Error::io("writing to vpcd".to_string(), e))
    }

    /// Closes the connection: to vpcd, the card has been removed.
    pub fn close(self) {
        // The peer may already be gone; a failed shutdown changes nothing for the card.
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}

/// Re-arms `TCP_QUICKACK` on the socket (Linux clears it after use, so it is set before and
/// after every read), through `socket2` (std's `set_quickack` is unstable). A failure only costs
/// latency, so its result is ignored.
fn quickack(stream: &TcpStream) {
    let _ = socket2::SockRef::from(stream).set_tcp_quickack(true);
}

/// Builds a well-formed T=1 ATR with the given historical bytes (at most 15):
/// `3B 8k 80 01 <historical> TCK`, TCK being the XOR of every byte after TS.
pub fn atr_with_historical(historical: &[u8]) -> Vec<u8> {
    let k = historical.len().min(15);
    let mut atr = vec![0x3B, 0x80 | k as u8, 0x80, 0x01];
    atr.extend_from_slice(&historical[..k]);
    let tck = atr[1..].iter().fold(0u8, |acc, b| acc ^ b);
    atr.push(tck);
    atr
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atr_without_historical_bytes_is_the_known_good_one() {
        assert_eq!(atr_with_historical(&[]), vec![0x3B, 0x80, 0x80, 0x01, 0x01]);
    }

    #[test]
    fn atr_tck_makes_the_xor_zero() {
        let atr = atr_with_historical(b"cccd-chip");
        assert_eq!(atr[1], 0x89);
        assert_eq!(atr[1..].iter().fold(0u8, |a, b| a ^ b), 0);
    }

    #[test]
    fn frames_round_trip_over_a_socket() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = AtomicBool::new(false);
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            // vpcd style: length and payload in separate writes.
            for msg in [&[0x04u8][..], &[0x01], &[0x00, 0xA4, 0x04, 0x0C]] {
                s.write_all(&(msg.len() as u16).to_be_bytes()).unwrap();
                s.write_all(msg).unwrap();
            }
            let mut reply = [0u8; 4];
            s.read_exact(&mut reply).unwrap();
            reply
        });
        let mut c = Connection::connect("127.0.0.1", port, &stop)
            .unwrap()
            .unwrap();
        assert_eq!(c.read(&stop).unwrap(), Some(Message::GetAtr));
        assert_eq!(c.read(&stop).unwrap(), Some(Message::PowerOn));
        assert_eq!(
            c.read(&stop).unwrap(),
            Some(Message::Apdu(vec![0x00, 0xA4, 0x04, 0x0C]))
        );
        c.send(&[0x90, 0x00]).unwrap();
        assert_eq!(server.join().unwrap(), [0x00, 0x02, 0x90, 0x00]);
        assert_eq!(c.read(&stop).unwrap(), None, "closed by the peer");
    }

    #[test]
    fn empty_and_oversized_frames_are_refused() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = AtomicBool::new(false);
        let mut c = Connection::connect("127.0.0.1", port, &stop)
            .unwrap()
            .unwrap();
        assert!(matches!(c.send(&[]), Err(Error::EmptyFrame)));
        assert!(matches!(
            c.send(&vec![0u8; 70_000]),
            Err(Error::FrameTooLong { len: 70_000 })
        ));
    }

    #[test]
    fn connect_gives_up_when_stopped() {
        // Port 9 (discard) is closed on the test machine: every attempt is refused.
        let stop = AtomicBool::new(true);
        assert!(
            Connection::connect("127.0.0.1", 9, &stop)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn read_returns_none_when_stopped_while_idle() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = AtomicBool::new(false);
        let mut c = Connection::connect("127.0.0.1", port, &stop)
            .unwrap()
            .unwrap();
        let _peer = listener.accept().unwrap();
        stop.store(true, Ordering::SeqCst);
        assert_eq!(c.read(&stop).unwrap(), None);
    }
}
