//! Support for the end-to-end tests of the `cccd` binary (processes, readers, temp folders).
#![forbid(unsafe_code)]
