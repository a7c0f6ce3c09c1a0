//! What of a catalogue service is embedded: [`passage_text`].

use aurora_model::{Lang, Service};

/// Bumped whenever [`passage_text`] composes differently, so stored vectors get rebuilt.
pub const PASSAGE_TEXT_VERSION: u32 = 1;

/// Upper bound on the characters of a passage text. PTV text runs at 3.5–4.5 characters per
/// XLM-R token (median 4.2 for Finnish, 4.1 Swedish, 4.5 English, measured on the bundled
/// services), so 1,700 characters stay under ~480 tokens and fit the model's 512-token window
/// with the `"passage: "` prefix: what is cut is cut here, at a word boundary, rather than
/// mid-word by the embedder.
pub const PASSAGE_MAX_CHARS: usize = 1700;

/// A part shorter than this is dropped rather than cut (a sentence stub adds noise, not
/// meaning).
const MIN_CUT_CHARS: usize = 80;

/// The text to embed for a service: **every language it has, the short fields first**.
///
/// For each of Finnish, Swedish and English that the service has text in (in that order):
/// its name, alternative name, summary and keywords; then the descriptions in the same
/// language order, until [`PASSAGE_MAX_CHARS`]. One line per field, whitespace collapsed,
/// blank fields skipped. A field repeated elsewhere (an alternative name equal to the name)
/// is kept: the repetition weights the name, and removing it measurably cost ranks.
///
/// Why all languages in one vector rather than the Finnish text alone, measured on the
/// bundled catalogue (196 services of `data/ptv` and `data/ptv-pilot`, 10 of them with
/// Swedish or English text; 18 fi/sv/en query triples; details in the crate README):
///
/// | passage | Finnish queries | Swedish | English |
/// |---|---|---|---|
/// | Finnish text only | MRR 0.912, top-1 16/18 | 0.827, 14/18 | 0.688, 10/18 |
/// | every language (this) | 0.885, 15/18 | 0.956, 17/18 | 0.740, 11/18 |
/// | one vector per language, best of them | 0.912, 16/18 | 0.838, 14/18 | 0.709, 10/18 |
///
/// Swedish and English users gain more than Finnish users lose (one query fell from
/// first to second place). Where a service has only Finnish text (most of PTV) the
/// passages are the same, and cross-lingual matching comes from the model alone.
///
/// A service with no text at all gives an empty string, which the embedders refuse
/// ([`crate::EmbedError::EmptyText`]): there is nothing to match it by.
pub fn passage_text(service: &Service) -> String {
    let langs: Vec<Lang> = Lang::ALL
        .into_iter()
        .filter(|&l| {
            service.name.exact(l).is_some()
                || service.summary.exact(l).is_some()
                || service.description.exact(l).is_some()
        })
        .collect();
    let mut out = Passage::default();
    for &l in &langs {
        out.push(service.name.exact(l));
        out.push(service.alternative_name.exact(l));
        out.push(service.summary.exact(l));
        let keywords: Vec<&str> = service
            .keywords
            .iter()
            .filter(|k| k.lang == l)
            .map(|k| k.value.trim())
            .filter(|k| !k.is_empty())
            .collect();
        if !keywords.is_empty() {
            out.push(Some(&keywords.join(", ")));
        }
    }
    for &l in &langs {
        out.push(service.description.exact(l));
    }
    out.text
}

/// Collects fields into the bounded passage.
#[derive(Default)]
struct Passage {
    text: String,
    chars: usize,
    full: bool,
}

impl Passage {
    fn push(&mut self, field: Option<&str>) {
        let Some(field) = field else { return };
        if self.full {
            return;
        }
        let field = field.split_whitespace().collect::<Vec<_>>().join(" ");
        if field.is_empty() {
            return;
        }
        let sep = usize::from(!self.text.is_empty());
        let room = PASSAGE_MAX_CHARS.saturating_sub(self.chars + sep);
        let len = field.chars().count();
        let piece = if len <= room {
            field
        } else {
            self.full = true;
            if room < MIN_CUT_CHARS {
                return;
            }
            cut_at_word(&field, room)
        };
        if sep == 1 {
            self.text.push('\n');
        }
        self.chars += sep + piece.chars().count();
        self.text.push_str(&piece);
    }
}

/// The longest prefix of `s` of at most `max` characters that ends at a word boundary (or
/// exactly `max` characters when the first word is longer).
fn cut_at_word(s: &str, max: usize) -> String {
    let end = s.char_indices().nth(max).map_or(s.len(), |(i, _)| i);
    let head = &s[..end];
    if end == s.len() {
        return head.to_string();
    }
    match head.rfind(' ') {
        Some(sp) if sp > 0 => head[..sp].to_string(),
        _ => head.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_at_word_never_splits_a_word_or_a_char() {
        assert_eq!(cut_at_word("asumistuki on tuki", 14), "asumistuki on");
        assert_eq!(cut_at_word("asumistuki on tuki", 100), "asumistuki on tuki");
        assert_eq!(cut_at_word("ääääää", 3), "äää");
        assert_eq!(cut_at_word("ab cd", 2), "ab");
    }
}
