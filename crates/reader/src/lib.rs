//! Card-reader I/O: APDUs, transports (PC/SC, in-process), secure messaging, BAC, personalization and inspection.
#![forbid(unsafe_code)]
