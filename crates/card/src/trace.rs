//! An APDU trace (`cccd chip write --trace FILE`): a transport wrapper that logs every command
//! and response with secrets redacted. Redacted: PUT DATA data (keys, MRZ secret), EXTERNAL
//! AUTHENTICATE cryptograms both ways, secure-messaging payloads; file contents (UPDATE/READ
//! BINARY, personal data) are shown as lengths only. Headers, status words, FIDs, sizes and
//! public keys stay, so a trace shows exactly what the encoder did.

use crate::apdu::{Command, Response};
use crate::error::Error;
use crate::transport::{Exchange, Transport};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Where trace lines go.
pub type Sink = Arc<Mutex<dyn Write + Send>>;

/// A transport that logs every APDU to a sink.
pub struct Tracing<T> {
    inner: T,
    log: Logger,
}

#[derive(Clone)]
struct Logger {
    sink: Sink,
    counter: Arc<Mutex<u64>>,
}

impl Logger {
    fn exchange(&self, inner: &mut dyn Exchange, command: &[u8]) -> Result<Vec<u8>, Error> {
        let n = {
            let mut c = self.counter.lock().unwrap_or_else(|p| p.into_inner());
            *c += 1;
            *c
        };
        let start = Instant::now();
        let result = inner.exchange(command);
        let us = start.elapsed().as_micros();
        let line = match &result {
            Ok(r) => format!(
                "#{n:04} > {}\n#{n:04} < {} ({us} us)\n",
                redact_command(command),
                redact_response(command, r)
            ),
            Err(e) => format!(
                "#{n:04} > {}\n#{n:04} ! {e} ({us} us)\n",
                redact_command(command)
            ),
        };
        let mut sink = self.sink.lock().unwrap_or_else(|p| p.into_inner());
        // A trace that cannot be written must not break the card operation.
        let _ = sink.write_all(line.as_bytes());
        let _ = sink.flush();
        result
    }
}

impl<T> Tracing<T> {
    pub fn new(inner: T, sink: Sink) -> Self {
        Tracing {
            inner,
            log: Logger {
                sink,
                counter: Arc::new(Mutex::new(0)),
            },
        }
    }

    pub fn into_inner(self) -> T {
        self.inner
    }

    pub fn inner(&self) -> &T {
        &self.inner
    }
}

struct TracingExchange<'a> {
    inner: Box<dyn Exchange + 'a>,
    log: Logger,
}

impl Exchange for TracingExchange<'_> {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, Error> {
        self.log.exchange(&mut *self.inner, command)
    }
}

impl<T: Transport> Exchange for Tracing<T> {
    fn exchange(&mut self, command: &[u8]) -> Result<Vec<u8>, Error> {
        self.log.exchange(&mut self.inner, command)
    }
}

impl<T: Transport> Transport for Tracing<T> {
    fn transaction(&mut self) -> Result<Box<dyn Exchange + '_>, Error> {
        let log = self.log.clone();
        Ok(Box::new(TracingExchange {
            inner: self.inner.transaction()?,
            log,
        }))
    }

    fn reset(&mut self) -> Result<(), Error> {
        let mut sink = self.log.sink.lock().unwrap_or_else(|p| p.into_inner());
        let _ = sink.write_all(b"# card reset\n");
        drop(sink);
        self.inner.reset()
    }

    fn atr(&self) -> Vec<u8> {
        self.inner.atr()
    }
}

fn is_sm(cla: u8) -> bool {
    cla & 0x0C == 0x0C
}

/// A command as a trace shows it.
pub fn redact_command(bytes: &[u8]) -> String {
    let Ok(cmd) = Command::parse(bytes) else {
        return format!("[{} bytes, not an APDU]", bytes.len());
    };
    let header = hex::encode_upper(cmd.header());
    let le = cmd.le.map(|l| format!(" Le={l}")).unwrap_or_default();
    let data = if cmd.data.is_empty() {
        String::new()
    } else if is_sm(cmd.cla) {
        format!(" [{} bytes secure messaging]", cmd.data.len())
    } else {
        match cmd.ins {
            0xDA | 0x82 => format!(" [{} bytes redacted]", cmd.data.len()),
            0xD6 | 0xD7 => format!(" [{} bytes file data]", cmd.data.len()),
            _ => format!(" {}", hex::encode_upper(&cmd.data)),
        }
    };
    format!("{header}{data}{le}")
}

/// A response as a trace shows it (`command` decides what its data may show).
pub fn redact_response(command: &[u8], bytes: &[u8]) -> String {
    let Ok(resp) = Response::parse(bytes) else {
        return format!("[{} bytes, no status word]", bytes.len());
    };
    let (cla, ins) = (
        command.first().copied().unwrap_or(0),
        command.get(1).copied().unwrap_or(0),
    );
    let data = if resp.data.is_empty() {
        String::new()
    } else if is_sm(cla) {
        format!("[{} bytes secure messaging] ", resp.data.len())
    } else {
        match ins {
            0x82 => format!("[{} bytes redacted] ", resp.data.len()),
            0xB0 | 0xB1 => format!("[{} bytes file data] ", resp.data.len()),
            _ => format!("{} ", hex::encode_upper(&resp.data)),
        }
    };
    format!("{data}{:04X}", resp.sw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_appear() {
        let put =
            hex::decode("00DA00611A61180416AABBCCDDEEFF00112233445566778899AABBCCDDEEFF").unwrap();
        assert_eq!(redact_command(&put), "00DA0061 [26 bytes redacted]");
        let ext = hex::decode("0082000004DEADBEEF28").unwrap();
        assert_eq!(redact_command(&ext), "00820000 [4 bytes redacted] Le=40");
        assert_eq!(
            redact_response(&ext, &hex::decode("CAFEBABE9000").unwrap()),
            "[4 bytes redacted] 9000"
        );
        let upd = hex::decode("00D6000003616263").unwrap();
        assert_eq!(redact_command(&upd), "00D60000 [3 bytes file data]");
        let sel = hex::decode("00A4040C07A0000002471001").unwrap();
        assert_eq!(redact_command(&sel), "00A4040C A0000002471001");
        assert_eq!(
            redact_response(
                &hex::decode("0CB0000000").unwrap(),
                &hex::decode("99029000AA9000").unwrap()
            ),
            "[5 bytes secure messaging] 9000"
        );
        assert_eq!(redact_command(&[1, 2]), "[2 bytes, not an APDU]");
        assert_eq!(redact_response(&sel, &[9]), "[1 bytes, no status word]");
    }
}
