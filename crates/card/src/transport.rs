//! The transport abstraction: what a backend implements ([`Exchange`] for one raw APDU round
//! trip, [`Transport`] for exclusive transactions and resets), and the one place that turns a
//! typed [`Command`] into a [`Response`] with `61xx` (GET RESPONSE) and `6Cxx` (wrong Le, resend)
//! handled, so no call site ever sees them ([`transmit`], [`Transmit`]).
//!
//! Backends: `card_pcsc::PcscTransport` (a PC/SC reader) and the virtual chip's in-process transport in
//! `vchip`. Wrappers: [`crate::trace::Tracing`] logs every APDU with secrets redacted.

use crate::apdu::{Command, Response};
use crate::error::Error;
use crate::sw::StatusWord;

/// One raw APDU exchange: command bytes out, `data || SW1 SW2` back. Implementations neither
/// interpret nor retry status words.
pub trait Exchange {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, Error>;
}

impl<E: Exchange + ?Sized> Exchange for &mut E {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, Error> {
        (**self).exchange(command)
    }
}

impl<E: Exchange + ?Sized> Exchange for Box<E> {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, Error> {
        (**self).exchange(command)
    }
}

/// A card connection.
pub trait Transport: Exchange {
    /// Exclusive access to the card for a sequence of APDUs (PC/SC `SCardBeginTransaction`); the
    /// transaction ends when the returned exchange is dropped. Every card operation of this crate
    /// (a personalization, an inspection) runs inside one.
    fn transaction(&mut self) -> Result<Box<dyn Exchange + '_>, Error>;

    /// Resets the card: ends any secure-messaging session and returns the chip to its initial
    /// state (a reader falls back from PACE to BAC this way).
    fn reset(&mut self) -> Result<(), Error>;

    /// The card's answer-to-reset.
    fn atr(&self) -> Vec<u8>;
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn transaction(&mut self) -> Result<Box<dyn Exchange + '_>, Error> {
        (**self).transaction()
    }
    fn reset(&mut self) -> Result<(), Error> {
        (**self).reset()
    }
    fn atr(&self) -> Vec<u8> {
        (**self).atr()
    }
}

/// Typed transmit on any exchange (including `dyn Exchange` and transactions).
pub trait Transmit {
    /// Sends `cmd`; `61xx` and `6Cxx` are resolved here.
    fn transmit(&mut self, cmd: &Command) -> Result<Response, Error>;
}

impl<E: Exchange + ?Sized> Transmit for E {
    fn transmit(&mut self, cmd: &Command) -> Result<Response, Error> {
        let mut this = self;
        transmit(&mut this, cmd)
    }
}

/// Most GET RESPONSE rounds accepted before the card is considered broken (64 KiB / 256).
const MAX_GET_RESPONSE: usize = 260;

/// Sends `cmd` and returns its response, resolving `61xx` with GET RESPONSE (collecting the
/// data) and `6Cxx` by resending once with the exact Le.
pub fn transmit(ch: &mut dyn Exchange, cmd: &Command) -> Result<Response, Error> {
    let mut resp = Response::parse(&ch.exchange(&cmd.to_bytes()?)?)?;
    if let StatusWord::WrongLe(n) = resp.status_word() {
        let mut again = cmd.clone();
        again.le = Some(if n == 0 { 256 } else { n as usize });
        resp = Response::parse(&ch.exchange(&again.to_bytes()?)?)?;
    }
    let mut rounds = 0;
    while let StatusWord::BytesRemaining(n) = resp.status_word() {
        rounds += 1;
        if rounds > MAX_GET_RESPONSE {
            return Err(Error::Transport {
                reason: "card keeps answering 61xx".into(),
            });
        }
        let get =
            Command::new(cmd.cla & 0x80, 0xC0, 0, 0).with_le(if n == 0 { 256 } else { n as usize });
        let more = Response::parse(&ch.exchange(&get.to_bytes()?)?)?;
        let mut data = std::mem::take(&mut resp.data);
        data.extend_from_slice(&more.data);
        resp = Response::new(data, more.sw);
    }
    Ok(resp)
}

/// Sends `cmd` and requires 9000; returns the data. `what` names the command in the error.
pub fn transmit_ok(ch: &mut dyn Exchange, cmd: &Command, what: &str) -> Result<Vec<u8>, Error> {
    let resp = transmit(ch, cmd)?;
    if resp.is_ok() {
        Ok(resp.data)
    } else {
        Err(Error::Status {
            command: what.to_string(),
            sw: resp.status_word(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scripted card: answers from a queue and records what it got.
    struct Script {
        answers: Vec<&'static str>,
        seen: Vec<String>,
    }

    impl Exchange for Script {
        fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, Error> {
            self.seen.push(hex::encode_upper(command));
            if self.answers.is_empty() {
                return Err(Error::CardRemoved);
            }
            Ok(hex::decode(self.answers.remove(0)).unwrap())
        }
    }

    #[test]
    fn get_response_and_wrong_le_are_resolved() {
        let mut s = Script {
            answers: vec!["6C04", "01026102", "03049000"],
            seen: vec![],
        };
        let r = s
            .transmit(&Command::new(0, 0xB0, 0, 0).with_le(256))
            .unwrap();
        assert_eq!(r.data, vec![1, 2, 3, 4]);
        assert!(r.is_ok());
        assert_eq!(s.seen, vec!["00B0000000", "00B0000004", "00C0000002"]);
    }

    #[test]
    fn endless_61xx_and_removal_are_errors() {
        let mut s = Script {
            answers: vec!["6100"; 300],
            seen: vec![],
        };
        assert!(matches!(
            s.transmit(&Command::new(0, 0xB0, 0, 0).with_le(1)),
            Err(Error::Transport { .. })
        ));
        let mut empty = Script {
            answers: vec![],
            seen: vec![],
        };
        assert!(matches!(
            empty.transmit(&Command::new(0, 0xB0, 0, 0)),
            Err(Error::CardRemoved)
        ));
        let mut bad = Script {
            answers: vec!["6A82"],
            seen: vec![],
        };
        let e = transmit_ok(
            &mut bad,
            &Command::new(0, 0xA4, 2, 0x0C).with_data(vec![1, 1]),
            "SELECT DG1",
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "SELECT DG1: card answered 6A82");
    }
}
