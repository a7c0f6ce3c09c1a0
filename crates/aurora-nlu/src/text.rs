//! Tokenisation: lowercased word tokens with byte spans into the caller's text.
//!
//! A token is a maximal run of alphanumeric characters. Everything else separates tokens, and
//! the separators that matter later are remembered per token: a hyphen (`19-vuotias`,
//! `vuokra-asunto`), an apostrophe (`I'm`, `newborn's`) or a colon (`S:t Karins`). Spans are byte
//! offsets into the original text, so entity mentions can quote it exactly.

/// One word of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// Lowercased text.
    pub text: String,
    /// Byte offset of the first character in the original text.
    pub start: usize,
    /// Byte offset just past the last character in the original text.
    pub end: usize,
    /// The original text began with an uppercase letter.
    pub capitalized: bool,
    /// The character right before the token (if any), e.g. `-` in `19-vuotias`.
    pub sep_before: Option<char>,
}

impl Token {
    /// True when the token is all ASCII digits.
    pub fn is_number(&self) -> bool {
        !self.text.is_empty() && self.text.bytes().all(|b| b.is_ascii_digit())
    }
}

/// Splits `text` into tokens. Never fails; text without letters or digits gives no tokens.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut current: Option<(usize, String, bool, Option<char>)> = None;
    let mut prev: Option<char> = None;
    for (i, ch) in text.char_indices() {
        if let (Some((_, buf, _, _)), true) = (&mut current, is_combining(ch)) {
            // Decomposed input (NFD, e.g. from macOS): fold the marks fi/sv use into the
            // letter before, drop other marks.
            if let Some(composed) = buf.chars().last().and_then(|base| compose(base, ch)) {
                buf.pop();
                buf.push(composed);
            }
            prev = Some(ch);
            continue;
        }
        if ch.is_alphanumeric() {
            match &mut current {
                Some((_, buf, _, _)) => buf.extend(ch.to_lowercase()),
                None => {
                    let mut buf = String::new();
                    buf.extend(ch.to_lowercase());
                    current = Some((i, buf, ch.is_uppercase(), prev));
                }
            }
        } else if let Some((start, buf, cap, sep)) = current.take() {
            tokens.push(Token {
                text: buf,
                start,
                end: i,
                capitalized: cap,
                sep_before: sep,
            });
        }
        prev = Some(ch);
    }
    if let Some((start, buf, cap, sep)) = current {
        tokens.push(Token {
            text: buf,
            start,
            end: text.len(),
            capitalized: cap,
            sep_before: sep,
        });
    }
    tokens
}

/// Combining diacritical marks (U+0300–U+036F).
fn is_combining(ch: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&ch)
}

/// The precomposed lowercase letter for a base letter and a combining mark, for the letters
/// of Finnish and Swedish (ä, ö, å) and a few common loans (é, ü).
fn compose(base: char, mark: char) -> Option<char> {
    Some(match (base, mark) {
        ('a', '\u{308}') => 'ä',
        ('o', '\u{308}') => 'ö',
        ('u', '\u{308}') => 'ü',
        ('a', '\u{30a}') => 'å',
        ('e', '\u{301}') => 'é',
        _ => return None,
    })
}

/// The share of alphabetic characters that are Latin letters, and the number of letters; used
/// to lower confidence for text in other scripts.
pub(crate) fn latin_share(text: &str) -> (f32, usize) {
    let mut letters = 0usize;
    let mut latin = 0usize;
    for ch in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        // Basic Latin, Latin-1 Supplement and Latin Extended-A cover fi/sv/en text.
        if (ch as u32) < 0x0180 {
            latin += 1;
        }
    }
    if letters == 0 {
        (0.0, 0)
    } else {
        (latin as f32 / letters as f32, letters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_spans_case_and_separators() {
        let text = "Olen 19-vuotias, I'm ÅBO";
        let t = tokenize(text);
        let words: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["olen", "19", "vuotias", "i", "m", "åbo"]);
        assert_eq!(&text[t[2].start..t[2].end], "vuotias");
        assert_eq!(t[2].sep_before, Some('-'));
        assert!(t[0].capitalized && !t[1].capitalized && t[5].capitalized);
        assert_eq!(&text[t[5].start..t[5].end], "ÅBO");
        assert!(t[1].is_number());
    }

    #[test]
    fn decomposed_letters_are_composed() {
        let nfd = "Pa\u{308}iva\u{308}hoito A\u{30a}bo";
        let words: Vec<String> = tokenize(nfd).into_iter().map(|t| t.text).collect();
        assert_eq!(words, ["päivähoito", "åbo"]);
        let t = tokenize(nfd);
        assert_eq!(&nfd[t[1].start..t[1].end], "A\u{30a}bo");
    }

    #[test]
    fn text_without_words_gives_no_tokens() {
        for text in ["", "   ", "!!! ??? ...", "🙂🙂", "\u{0}\u{1}"] {
            assert!(tokenize(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn latin_share_of_scripts() {
        assert_eq!(latin_share("hei"), (1.0, 3));
        assert_eq!(latin_share("123 !"), (0.0, 0));
        let (share, n) = latin_share("hei привет");
        assert_eq!(n, 9);
        assert!(share < 0.5);
    }
}
