//! The hand-written cue lexicon (`data/nlu/lexicon.txt`): its grammar, parser and matcher.
//!
//! # Grammar
//!
//! ```text
//! file     = { line } ;
//! line     = comment | section | cues | links | blank ;
//! comment  = "#" , any text ;                         (also allowed after items)
//! section  = "[" , target , { " " , target } , "]" ;  e.g. [KE8] or [P6.14 KE3^0.5]
//! target   = code , [ "^" , weight ] ;                code of a life event, class or target group
//! cues     = lang , [ " &" , gate ] , ":" , { item } ; lang = "fi" | "sv" | "en" | "*"
//! links    = "links:" , { code , [ "^" , weight ] } ;    from every target of the section
//! item     = pattern , [ "^" , weight ]
//!          | '"' , pattern , { " " , pattern } , '"' , [ "^" , weight ] ;   a phrase
//! pattern  = [ "*" ] , word , [ "*" ] ;
//! ```
//!
//! A pattern matches one lowercased token: `word` exactly, `word*` as a prefix (how Finnish and
//! Swedish inflection is covered: `työttöm*` matches *työttömäksi*, *työttömänä*), `*word*`
//! anywhere inside the token (compound parts: `*vuokra*` matches *asuntovuokra*). A phrase
//! matches its patterns in order, each within [`PHRASE_WINDOW`] tokens of the previous one, so
//! `"lost my job"` also matches *lost my new job*. A cue line's weight (default 1) is multiplied
//! by the section target's weight.
//!
//! A gated line (`fi &KE4: ruotsiin`) only counts when the gate label, or one of its
//! sub-labels, already has evidence from an ungated cue: *Ruotsiin* says "abroad" only when the
//! text is about moving.
//!
//! The special section `[stop]` lists function words per language; they are skipped by the
//! catalogue model and are evidence for language identification of short texts.
//!
//! # Where it stops working
//!
//! Prefixes are literal, so consonant gradation needs both grades listed (`työtön`, `työttöm*`),
//! and a pattern cannot skip an inflected word in the middle of a phrase unless the phrase lists
//! it as a prefix. `*word*` patterns can over-match inside unrelated compounds; keep them long.

use std::collections::HashMap;

use aurora_model::Lang;

/// How far (in tokens) the next word of a phrase may be from the previous one.
pub(crate) const PHRASE_WINDOW: usize = 3;

/// How a pattern matches a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum PatKind {
    Exact,
    Prefix,
    Infix,
}

/// One cue: a word or phrase that is evidence for one or more labels.
#[derive(Debug, Clone)]
pub(crate) struct Cue {
    pats: Vec<usize>,
    /// Language the cue belongs to (`None` for `*` lines: any language).
    pub lang: Option<Lang>,
    /// Label code of the gate, if any.
    pub gate: Option<String>,
    /// (label code, weight) pairs.
    pub targets: Vec<(String, f32)>,
}

/// Links from a label to others, e.g. life event → service classes (`links:` lines).
#[derive(Debug, Clone, Default)]
pub(crate) struct Links {
    /// (from label, to label, weight).
    pub pairs: Vec<(String, String, f32)>,
}

/// A cue found in a text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    /// Index into [`Lexicon::cues`].
    pub cue: usize,
    /// Token indexes of the matched words.
    pub tokens: Vec<usize>,
}

/// A syntax error in the lexicon, with its line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexiconError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LexiconError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "data/nlu/lexicon.txt line {}: {}",
            self.line, self.message
        )
    }
}

/// The parsed lexicon with its match indexes.
#[derive(Debug, Default)]
pub(crate) struct Lexicon {
    pub cues: Vec<Cue>,
    pub links: Links,
    /// Function words per language (the `[stop]` section).
    pub stop: HashMap<String, Vec<Lang>>,
    pats: Vec<(PatKind, String)>,
    pat_ids: HashMap<(PatKind, String), usize>,
    exact: HashMap<String, Vec<usize>>,
    prefix: HashMap<String, Vec<usize>>,
    infix: Vec<(String, usize)>,
    /// Pattern id → cues whose first pattern it is.
    first: HashMap<usize, Vec<usize>>,
}

fn parse_weight(s: &str, line: usize) -> Result<(&str, f32), LexiconError> {
    match s.rsplit_once('^') {
        Some((body, w)) => w
            .parse::<f32>()
            .ok()
            .filter(|w| w.is_finite())
            .map(|w| (body, w))
            .ok_or_else(|| LexiconError {
                line,
                message: format!("bad weight {w:?} in {s:?} (expected a number such as 0.5)"),
            }),
        None => Ok((s, 1.0)),
    }
}

/// Splits a cue line body into items, keeping quoted phrases together.
fn split_items(body: &str, line: usize) -> Result<Vec<String>, LexiconError> {
    let mut items = Vec::new();
    let mut rest = body.trim();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('"') {
            let close = after.find('"').ok_or_else(|| LexiconError {
                line,
                message: format!("unclosed quote in {rest:?}"),
            })?;
            let tail = &after[close + 1..];
            let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
            items.push(format!("\"{}\"{}", &after[..close], &tail[..end]));
            rest = tail[end..].trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            items.push(rest[..end].to_string());
            rest = rest[end..].trim_start();
        }
    }
    Ok(items)
}

impl Lexicon {
    /// Parses the lexicon text.
    pub fn parse(text: &str) -> Result<Lexicon, LexiconError> {
        let mut lex = Lexicon::default();
        let mut section: Option<Vec<(String, f32)>> = None;
        let mut in_stop = false;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let content = raw.split(" #").next().unwrap_or("").trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            if let Some(inner) = content.strip_prefix('[') {
                let inner = inner.strip_suffix(']').ok_or_else(|| LexiconError {
                    line,
                    message: format!("section header {content:?} lacks ']'"),
                })?;
                in_stop = inner.trim() == "stop";
                if in_stop {
                    section = None;
                    continue;
                }
                let mut targets = Vec::new();
                for t in inner.split_whitespace() {
                    let (code, w) = parse_weight(t, line)?;
                    targets.push((code.to_string(), w));
                }
                if targets.is_empty() {
                    return Err(LexiconError {
                        line,
                        message: "empty section header".into(),
                    });
                }
                section = Some(targets);
                continue;
            }
            let (head, body) = content.split_once(':').ok_or_else(|| LexiconError {
                line,
                message: format!("expected `lang: cues` or `[CODE]`, found {content:?}"),
            })?;
            let mut head_parts = head.split_whitespace();
            let lang_s = head_parts.next().unwrap_or("");
            let gate = head_parts
                .next()
                .map(|g| g.trim_start_matches('&').to_string());
            if lang_s == "links" {
                let Some(targets) = &section else {
                    return Err(LexiconError {
                        line,
                        message: "`links:` outside a section".into(),
                    });
                };
                for item in body.split_whitespace() {
                    let (code, w) = parse_weight(item, line)?;
                    for (from, _) in targets {
                        lex.links.pairs.push((from.clone(), code.to_string(), w));
                    }
                }
                continue;
            }
            let lang = match lang_s {
                "*" => None,
                other => Some(Lang::parse(other).ok_or_else(|| LexiconError {
                    line,
                    message: format!("unknown language {other:?} (expected fi, sv, en or *)"),
                })?),
            };
            if in_stop {
                let Some(lang) = lang else {
                    return Err(LexiconError {
                        line,
                        message: "stop words need a language".into(),
                    });
                };
                for w in body.split_whitespace() {
                    lex.stop.entry(w.to_lowercase()).or_default().push(lang);
                }
                continue;
            }
            let Some(targets) = &section else {
                return Err(LexiconError {
                    line,
                    message: "cues before the first [section]".into(),
                });
            };
            for item in split_items(body, line)? {
                let (body, w) = parse_weight(&item, line)?;
                let words: Vec<&str> = match body.strip_prefix('"') {
                    Some(p) => p.trim_end_matches('"').split_whitespace().collect(),
                    None => vec![body],
                };
                if words.is_empty() {
                    return Err(LexiconError {
                        line,
                        message: format!("empty cue {item:?}"),
                    });
                }
                let mut pats = Vec::new();
                for word in words {
                    pats.push(lex.pattern(word, line)?);
                }
                let cue = Cue {
                    pats,
                    lang,
                    gate: gate.clone(),
                    targets: targets.iter().map(|(c, tw)| (c.clone(), tw * w)).collect(),
                };
                let id = lex.cues.len();
                lex.first.entry(cue.pats[0]).or_default().push(id);
                lex.cues.push(cue);
            }
        }
        Ok(lex)
    }

    fn pattern(&mut self, word: &str, line: usize) -> Result<usize, LexiconError> {
        let word = word.to_lowercase();
        let (kind, core) = match (word.strip_prefix('*'), word.ends_with('*')) {
            (Some(rest), true) => (PatKind::Infix, rest.trim_end_matches('*')),
            (Some(_), false) => {
                return Err(LexiconError {
                    line,
                    message: format!("{word:?}: a leading * needs a trailing * too (*part*)"),
                })
            }
            (None, true) => (PatKind::Prefix, word.trim_end_matches('*')),
            (None, false) => (PatKind::Exact, word.as_str()),
        };
        if core.is_empty() || !core.chars().all(char::is_alphanumeric) {
            return Err(LexiconError {
                line,
                message: format!("{word:?}: patterns are letters and digits with optional *"),
            });
        }
        let key = (kind, core.to_string());
        if let Some(&id) = self.pat_ids.get(&key) {
            return Ok(id);
        }
        let id = self.pats.len();
        self.pats.push(key.clone());
        self.pat_ids.insert(key, id);
        match kind {
            PatKind::Exact => self.exact.entry(core.to_string()).or_default().push(id),
            PatKind::Prefix => self.prefix.entry(core.to_string()).or_default().push(id),
            PatKind::Infix => self.infix.push((core.to_string(), id)),
        }
        Ok(id)
    }

    /// The patterns each token matches.
    fn token_patterns(&self, token: &str) -> Vec<usize> {
        let mut out = Vec::new();
        if let Some(ids) = self.exact.get(token) {
            out.extend(ids);
        }
        for (i, _) in token.char_indices().skip(1) {
            if let Some(ids) = self.prefix.get(&token[..i]) {
                out.extend(ids);
            }
        }
        if let Some(ids) = self.prefix.get(token) {
            out.extend(ids);
        }
        for (part, id) in &self.infix {
            if token.contains(part.as_str()) {
                out.push(*id);
            }
        }
        out
    }

    /// All cues in a token sequence, each cue at most once per starting token.
    pub fn find(&self, tokens: &[&str]) -> Vec<Hit> {
        let matched: Vec<Vec<usize>> = tokens.iter().map(|t| self.token_patterns(t)).collect();
        let mut hits = Vec::new();
        for (i, pats) in matched.iter().enumerate() {
            for pat in pats {
                let Some(cues) = self.first.get(pat) else {
                    continue;
                };
                for &cue_id in cues {
                    let cue = &self.cues[cue_id];
                    let mut at = vec![i];
                    let mut pos = i;
                    let complete = cue.pats[1..].iter().all(|next| {
                        let found = (pos + 1..(pos + 1 + PHRASE_WINDOW).min(tokens.len()))
                            .find(|&j| matched[j].contains(next));
                        if let Some(j) = found {
                            at.push(j);
                            pos = j;
                        }
                        found.is_some()
                    });
                    if complete {
                        hits.push(Hit {
                            cue: cue_id,
                            tokens: at,
                        });
                    }
                }
            }
        }
        hits
    }

    /// Human-readable form of a cue's pattern, for tests and debugging.
    #[cfg(test)]
    pub fn cue_text(&self, cue: usize) -> String {
        self.cues[cue]
            .pats
            .iter()
            .map(|&p| {
                let (kind, w) = &self.pats[p];
                match kind {
                    PatKind::Exact => w.clone(),
                    PatKind::Prefix => format!("{w}*"),
                    PatKind::Infix => format!("*{w}*"),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
# a comment
[stop]
fi: ja on
en: and the
[KE8]
fi: työtön työttöm* "menetin työ*"^2 # trailing comment
en: unemploy* "lost my job"
fi &KE4: ruotsiin
[P1.1 KE4^0.5]
fi: *vuokra*
links: P10.6 P10.1^0.5
"#;

    fn words(s: &str) -> Vec<String> {
        crate::text::tokenize(s)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    fn found(lex: &Lexicon, text: &str) -> Vec<String> {
        let w = words(text);
        let refs: Vec<&str> = w.iter().map(String::as_str).collect();
        lex.find(&refs)
            .into_iter()
            .map(|h| lex.cue_text(h.cue))
            .collect()
    }

    #[test]
    fn parses_sections_weights_gates_links_and_stop_words() {
        let lex = Lexicon::parse(SAMPLE).unwrap();
        assert_eq!(lex.cues.len(), 7);
        let menetin = &lex.cues[2];
        assert_eq!(menetin.targets, vec![("KE8".to_string(), 2.0)]);
        assert_eq!(lex.cues[5].gate.as_deref(), Some("KE4"));
        let vuokra = &lex.cues[6];
        assert_eq!(
            vuokra.targets,
            vec![("P1.1".to_string(), 1.0), ("KE4".to_string(), 0.5)]
        );
        assert_eq!(lex.links.pairs.len(), 4);
        assert_eq!(lex.stop.get("ja"), Some(&vec![Lang::Fi]));
    }

    #[test]
    fn patterns_match_exact_prefix_infix_and_phrases() {
        let lex = Lexicon::parse(SAMPLE).unwrap();
        let table: [(&str, &[&str]); 6] = [
            ("Jäin työttömäksi", &["työttöm*"]),
            ("olen työtön", &["työtön"]),
            ("menetin juuri työpaikkani", &["menetin työ*"]),
            ("I lost my job", &["lost my job"]),
            ("etsin asuntovuokraa", &["*vuokra*"]),
            ("vuokra", &["*vuokra*"]),
        ];
        for (text, want) in table {
            assert_eq!(found(&lex, text), want, "{text}");
        }
    }

    #[test]
    fn errors_name_the_line() {
        for (text, line, needle) in [
            ("[KE8\nfi: x", 1, "lacks ']'"),
            ("[KE8]\nde: x", 2, "unknown language"),
            ("fi: x", 1, "before the first"),
            ("[KE8]\nfi: x^y", 2, "bad weight"),
            ("[KE8]\nfi: *x", 2, "leading *"),
            ("[KE8]\nfi: \"x y", 2, "unclosed quote"),
        ] {
            let err = Lexicon::parse(text).unwrap_err();
            assert_eq!(err.line, line, "{text}");
            assert!(err.to_string().contains(needle), "{err}");
        }
    }
}
