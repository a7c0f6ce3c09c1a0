//! Outgoing mail: the [`Mailer`] trait, a file outbox ([`OutboxMailer`], one RFC 5322 `.eml`
//! file per message, written atomically, for the operator's MTA to deliver) and an in-memory
//! mailer for tests ([`MemoryMailer`]).
//!
//! Messages carry single-use links: their bodies are never logged, and `Debug` of a
//! [`MailMessage`] shows only the recipient's domain and the subject.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// One plain-text message.
#[derive(Clone, PartialEq, Eq)]
pub struct MailMessage {
    /// The recipient's address.
    pub to: String,
    /// The subject line (UTF-8).
    pub subject: String,
    /// The plain-text body (UTF-8); may hold a single-use link.
    pub body: String,
}

impl std::fmt::Debug for MailMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let domain = self.to.rsplit_once('@').map_or("", |(_, d)| d);
        f.debug_struct("MailMessage")
            .field("to_domain", &domain)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// Why a message could not be handed over.
#[derive(Debug)]
pub struct MailError(String);

impl std::fmt::Display for MailError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "mail could not be queued: {}", self.0)
    }
}

impl std::error::Error for MailError {}

/// Sends (or queues) mail. Blocking: call from a blocking thread.
pub trait Mailer: Send + Sync {
    /// Hands one message over for delivery.
    fn send(&self, message: &MailMessage) -> Result<(), MailError>;
}

/// Writes each message as `<dir>/<unix time>-<uuid>.eml` (RFC 5322, UTF-8 text body in
/// base64), through a temporary file renamed into place, so the MTA never sees half a file.
#[derive(Debug, Clone)]
pub struct OutboxMailer {
    dir: PathBuf,
    from: String,
}

impl OutboxMailer {
    /// An outbox in `dir` (created if missing) sending as `from`.
    pub fn new(dir: impl Into<PathBuf>, from: impl Into<String>) -> Self {
        OutboxMailer {
            dir: dir.into(),
            from: from.into(),
        }
    }

    /// The directory messages are written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// RFC 2047 encoded-word for a header value that is not plain ASCII.
fn header_text(value: &str) -> String {
    let clean: String = value.chars().filter(|c| !c.is_control()).collect();
    if clean.is_ascii() {
        clean
    } else {
        format!("=?UTF-8?B?{}?=", STANDARD.encode(clean.as_bytes()))
    }
}

/// An address fit for a header: no line breaks, angle brackets or commas.
fn header_address(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ',' | ';'))
        .collect()
}

/// The message as RFC 5322 text.
pub fn render_eml(from: &str, message: &MailMessage, message_id: &str, date: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!("From: {}\r\n", header_text(from)));
    out.push_str(&format!("To: <{}>\r\n", header_address(&message.to)));
    out.push_str(&format!("Subject: {}\r\n", header_text(&message.subject)));
    out.push_str(&format!("Date: {date}\r\n"));
    out.push_str(&format!("Message-ID: <{message_id}>\r\n"));
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str("Content-Type: text/plain; charset=utf-8\r\n");
    out.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
    let body = message.body.replace("\r\n", "\n").replace('\n', "\r\n");
    let encoded = STANDARD.encode(body.as_bytes());
    for chunk in encoded.as_bytes().chunks(76) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push_str("\r\n");
    }
    out
}

fn rfc2822_now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc2822)
        .unwrap_or_default()
}

impl Mailer for OutboxMailer {
    fn send(&self, message: &MailMessage) -> Result<(), MailError> {
        std::fs::create_dir_all(&self.dir).map_err(|e| MailError(e.to_string()))?;
        let id = uuid::Uuid::new_v4();
        let domain = self.from.rsplit_once('@').map_or("aurora", |(_, d)| d);
        let domain = domain.trim_end_matches('>');
        let text = render_eml(
            &self.from,
            message,
            &format!("{id}@{domain}"),
            &rfc2822_now(),
        );
        let name = format!(
            "{}-{id}.eml",
            time::OffsetDateTime::now_utc().unix_timestamp()
        );
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let result = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, self.dir.join(&name))
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(MailError(e.to_string()));
        }
        Ok(())
    }
}

/// Keeps messages in memory (tests).
#[derive(Debug, Default)]
pub struct MemoryMailer {
    sent: Mutex<Vec<MailMessage>>,
}

impl MemoryMailer {
    /// Every message so far.
    pub fn sent(&self) -> Vec<MailMessage> {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Mailer for MemoryMailer {
    fn send(&self, message: &MailMessage) -> Result<(), MailError> {
        self.sent
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(message.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg() -> MailMessage {
        MailMessage {
            to: "matti@example.fi".into(),
            subject: "Vahvista sähköpostiosoitteesi".into(),
            body: "Avaa linkki:\nhttps://aurora.example/fi/account/verify?token=SECRET\n".into(),
        }
    }

    #[test]
    fn eml_files_are_rfc_5322_and_written_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = OutboxMailer::new(
            dir.path().join("outbox"),
            "Aurora <no-reply@aurora.example>",
        );
        mailer.send(&msg()).unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1);
        assert!(files[0].extension().is_some_and(|e| e == "eml"));
        let text = std::fs::read_to_string(&files[0]).unwrap();
        assert!(text
            .starts_with("From: Aurora <no-reply@aurora.example>\r\nTo: <matti@example.fi>\r\n"));
        assert!(text.contains("Subject: =?UTF-8?B?"));
        assert!(text.contains("\r\nMessage-ID: <"));
        assert!(text.contains("Content-Transfer-Encoding: base64\r\n\r\n"));
        let body: String = text
            .split("\r\n\r\n")
            .nth(1)
            .unwrap()
            .split("\r\n")
            .collect();
        let decoded = String::from_utf8(STANDARD.decode(body).unwrap()).unwrap();
        assert!(decoded.contains("token=SECRET\r\n"));
    }

    #[test]
    fn debug_hides_the_body_and_headers_cannot_be_injected() {
        assert!(!format!("{:?}", msg()).contains("SECRET"));
        let mut m = msg();
        m.to = "a@b.fi>\r\nBcc: <x@evil.example".into();
        let text = render_eml("x@y.fi", &m, "id@y.fi", "date");
        assert!(!text.contains("\r\nBcc:"));
    }
}
