//! Card print layout: templates rendered to PNG and PDF.
#![forbid(unsafe_code)]
