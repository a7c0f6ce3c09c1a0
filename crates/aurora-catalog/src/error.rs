//! Import errors and rejections.
//!
//! A [`Rejection`] is one bad record inside an otherwise readable input: it names the file, the
//! JSON pointer (or workbook row) and the record id when known, so a person can fix the source.
//! An [`ImportError`] stops the whole import.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// One record that could not be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    /// The file (or URL) the record came from.
    pub source: String,
    /// Where in it: a JSON pointer such as `/3/serviceNames/0/language`, or `row 17` in a workbook.
    pub location: String,
    /// The record's id, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What is wrong, quoting the value and saying what is accepted.
    pub reason: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.location)?;
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// An error that stops an import.
///
/// `Display` gives one line a person can act on: the file or URL, the position, and what is
/// wrong. (Written by hand rather than with `thiserror`, which would take the `source: String`
/// fields, named after PTV's "source" of a record, for the error's cause.)
#[derive(Debug)]
pub enum ImportError {
    /// A file or directory could not be read.
    Io {
        /// Path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// A file is not valid JSON (malformed or truncated).
    Json {
        /// File or URL.
        source: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// Parser message.
        reason: String,
    },
    /// The input is readable but not in any format Aurora imports.
    Format {
        /// File or URL.
        source: String,
        /// What was found and what is accepted.
        reason: String,
    },
    /// `--strict` was given and some records were rejected; nothing was written.
    Strict {
        /// Every rejection.
        rejections: Vec<Rejection>,
    },
    /// The PTV API could not be reached or answered with an error.
    Http {
        /// URL.
        url: String,
        /// What happened.
        reason: String,
    },
    /// The store failed; the batch was rolled back.
    Store(aurora_store::Error),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            ImportError::Json {
                source,
                line,
                column,
                reason,
            } => write!(f, "{source}: line {line}, column {column}: {reason}"),
            ImportError::Format { source, reason } => write!(f, "{source}: {reason}"),
            ImportError::Strict { rejections } => {
                write!(
                    f,
                    "{} record(s) rejected; nothing was imported (strict mode)",
                    rejections.len()
                )?;
                for r in rejections {
                    write!(f, "\n  {r}")?;
                }
                Ok(())
            }
            ImportError::Http { url, reason } => write!(f, "{url}: {reason}"),
            ImportError::Store(e) => write!(f, "storage: {e}"),
        }
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ImportError::Io { source, .. } => Some(source),
            ImportError::Store(e) => Some(e),
            ImportError::Json { .. }
            | ImportError::Format { .. }
            | ImportError::Strict { .. }
            | ImportError::Http { .. } => None,
        }
    }
}

impl From<aurora_store::Error> for ImportError {
    fn from(e: aurora_store::Error) -> Self {
        ImportError::Store(e)
    }
}

impl ImportError {
    /// The error for JSON that could not be parsed, with serde_json's 1-based line and column.
    pub fn json(source: &str, err: &serde_json::Error) -> Self {
        ImportError::Json {
            source: source.to_string(),
            line: err.line(),
            column: err.column(),
            reason: json_reason(err),
        }
    }

    /// The same problem as a [`Rejection`], for skip mode, where a file that cannot be read as
    /// JSON (or in no known shape) is reported and the rest of the batch still imports. `None`
    /// for errors that are not about one input (I/O, HTTP, store, strict).
    pub fn to_rejection(&self) -> Option<Rejection> {
        match self {
            ImportError::Json {
                source,
                line,
                column,
                reason,
            } => Some(Rejection {
                source: source.clone(),
                location: format!("line {line}, column {column}"),
                id: None,
                reason: format!("malformed JSON: {reason}"),
            }),
            ImportError::Format { source, reason } => Some(Rejection {
                source: source.clone(),
                location: "(whole input)".to_string(),
                id: None,
                reason: reason.clone(),
            }),
            ImportError::Io { .. }
            | ImportError::Strict { .. }
            | ImportError::Http { .. }
            | ImportError::Store(_) => None,
        }
    }

    /// The rejections behind a strict-mode abort; empty for every other error.
    pub fn rejections(&self) -> &[Rejection] {
        match self {
            ImportError::Strict { rejections } => rejections,
            ImportError::Io { .. }
            | ImportError::Json { .. }
            | ImportError::Format { .. }
            | ImportError::Http { .. }
            | ImportError::Store(_) => &[],
        }
    }
}

/// serde_json's message without its trailing " at line L column C" (the variant carries both).
fn json_reason(err: &serde_json::Error) -> String {
    let msg = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    match msg.strip_suffix(&suffix) {
        Some(m) => m.to_string(),
        None => msg,
    }
}

/// Result of import operations.
pub type Result<T, E = ImportError> = std::result::Result<T, E>;
