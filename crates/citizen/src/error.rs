//! The crate's error: which record, which field, which rule, and why.

use thiserror::Error;

/// Names a record in messages: its ID number when known, and where it sits in its file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordRef {
    pub id_number: Option<String>,
    /// 1-based line (JSONL, CSV: the line where the record starts).
    pub line: Option<usize>,
}

impl std::fmt::Display for RecordRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.id_number, self.line) {
            (Some(id), Some(l)) => write!(f, "record {id} (line {l})"),
            (Some(id), None) => write!(f, "record {id}"),
            (None, Some(l)) => write!(f, "record at line {l}"),
            (None, None) => write!(f, "record"),
        }
    }
}

/// Why a record (or a whole input file) was refused.
///
/// Non-exhaustive so that a new kind of failure is not a breaking change: match the variants
/// you need and keep a `_` arm, or use [`rule`](RecordError::rule),
/// [`field`](RecordError::field) and [`record`](RecordError::record), which cover every variant.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RecordError {
    /// The record could not be read: malformed JSON/CSV, an unknown or missing key, a wrong
    /// JSON type. `rule` is a stable code (`syntax.*`).
    #[error("{record}: {reason} [{rule}]")]
    Syntax {
        record: RecordRef,
        rule: &'static str,
        reason: String,
    },
    /// A field breaks a validation rule. `rule` is a stable code such as `id.province`.
    #[error("{record}: {field}: {reason} [{rule}]")]
    Invalid {
        record: RecordRef,
        field: &'static str,
        rule: &'static str,
        reason: String,
    },
    /// The input file itself cannot be read.
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
}

impl RecordError {
    /// The stable rule code (`file` for file errors).
    pub fn rule(&self) -> &'static str {
        match self {
            RecordError::Syntax { rule, .. } | RecordError::Invalid { rule, .. } => rule,
            RecordError::File { .. } => "file",
        }
    }

    /// Which record the error is about (not for file errors). Lets callers read the ID number
    /// and line without matching the variants, which may grow.
    pub fn record(&self) -> Option<&RecordRef> {
        match self {
            RecordError::Syntax { record, .. } | RecordError::Invalid { record, .. } => {
                Some(record)
            }
            RecordError::File { .. } => None,
        }
    }

    /// The field at fault, for validation errors.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            RecordError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    /// The same error located at a line of its file.
    pub fn at_line(mut self, line: usize) -> Self {
        match &mut self {
            RecordError::Syntax { record, .. } | RecordError::Invalid { record, .. } => {
                record.line = Some(line)
            }
            RecordError::File { .. } => {}
        }
        self
    }

    pub(crate) fn invalid(
        id: &str,
        field: &'static str,
        rule: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        RecordError::Invalid {
            record: RecordRef {
                id_number: (!id.is_empty()).then(|| id.to_string()),
                line: None,
            },
            field,
            rule,
            reason: reason.into(),
        }
    }

    pub(crate) fn syntax(
        line: Option<usize>,
        rule: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        RecordError::Syntax {
            record: RecordRef {
                id_number: None,
                line,
            },
            rule,
            reason: reason.into(),
        }
    }
}
