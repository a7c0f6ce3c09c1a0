//! The crate's error type.

use std::fmt;

/// The longest text [`Understander::understand`](crate::Understander::understand) accepts, in
/// characters (Unicode scalar values).
///
/// 10,000 characters is about four pages: far more than anyone types into a "what is your
/// situation?" box, and short enough that the worst case stays in single-digit milliseconds. A
/// longer text is more likely a pasted document or an attack than a question.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Why a text could not be analysed.
///
/// Every variant is the caller's mistake (an HTTP layer maps them to 400): the analyser itself
/// has no failure modes at run time. Text that is merely odd (binary, other scripts, emoji)
/// is not an error; it gets a low-confidence [`Understanding`](crate::Understanding).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NluError {
    /// The text is empty or only whitespace.
    #[error("{}", empty_message())]
    EmptyText,
    /// The text is longer than [`MAX_TEXT_CHARS`].
    #[error("{}", too_long_message(*.chars, *.max))]
    TextTooLong {
        /// Length of the rejected text in characters.
        chars: usize,
        /// The limit, [`MAX_TEXT_CHARS`].
        max: usize,
    },
}

impl NluError {
    /// True when the caller sent bad input (all variants today; the match is exhaustive so a
    /// new variant must decide).
    pub fn is_user_error(&self) -> bool {
        match self {
            NluError::EmptyText => true,
            NluError::TextTooLong { .. } => true,
        }
    }

    /// A stable snake_case code for the variant, for API error bodies and logs.
    pub fn code(&self) -> &'static str {
        match self {
            NluError::EmptyText => "empty_text",
            NluError::TextTooLong { .. } => "text_too_long",
        }
    }
}

fn empty_message() -> impl fmt::Display {
    "the text is empty or only whitespace: send at least one word, e.g. \"Muutan Tampereelle\""
}

fn too_long_message(chars: usize, max: usize) -> String {
    format!(
        "the text is {chars} characters long; at most {max} are accepted. \
         Hint: send the person's own description of their situation, not a whole document"
    )
}

/// Result type of this crate.
pub type Result<T> = std::result::Result<T, NluError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_was_wrong_and_what_is_accepted() {
        assert_eq!(
            NluError::EmptyText.to_string(),
            "the text is empty or only whitespace: send at least one word, e.g. \"Muutan Tampereelle\""
        );
        assert_eq!(
            NluError::TextTooLong {
                chars: 100_000,
                max: MAX_TEXT_CHARS
            }
            .to_string(),
            "the text is 100000 characters long; at most 10000 are accepted. Hint: send the \
             person's own description of their situation, not a whole document"
        );
        assert!(NluError::EmptyText.is_user_error());
        assert_eq!(NluError::EmptyText.code(), "empty_text");
    }
}
