//! Municipality mentions in any inflected form: a rule-based Finnish analyser generated from
//! the code list, plus the Swedish and English names.
//!
//! # How a Finnish form is analysed
//!
//! At start-up every Finnish name gets its set of *stems*: the name itself, its weak grade
//! (consonant gradation of the last syllable: *Turku* → *Turu-*, *Helsinki* → *Helsingi-*,
//! *Lappeenranta* → *Lappeenranna-*), the e-stem of names in *-i* (*Lahti* → *Lahte-*,
//! *Lahde-*; *Rovaniemi* → *Rovanieme-*), the doubled vowel of names in *-e* (*Tampere* →
//! *Tamperee-*), and the stems of the other declension types (*-nen* → *-se-*/*-si-*: *Kauniainen*
//! → *Kauniaisissa*; *-us* → *-ude-*/*-ukse-*: *Varkaudessa*, *Kannuksessa*; *-vesi* → *-vede-*;
//! *-as* → strong grade + *-aa-*: *Pihtiputaalla*). At run time a token (or a run of up to
//! three tokens, for *Mänttä-Vilppula* and *S:t Karins*) first loses a clitic (*-kin*, *-ko*)
//! and then one case ending from [`ENDINGS`]; if what remains is a stem, the token names that
//! municipality. Because both internal (*-ssa*) and external (*-lla*) local cases are accepted,
//! the analyser does not need to know that it is *Vantaalla* but *Turussa*.
//!
//! The stems are a superset of the real ones (*Pori* also gets *Pore-*), which costs nothing
//! unless a wrong stem plus an ending spells a common word. Names that *are* common words
//! (*Salo*, *Koski*, *Kolari* "car crash", *Varkaus* "theft", *Sund* "healthy") are only
//! recognised when written with a capital letter; see [`NEEDS_CAPITAL`].
//!
//! Swedish and English names are matched as written, with an optional Swedish genitive *-s*
//! (*Åbos*); prepositions before the name (*i*, *till*, *från*, *in*, *to*, *from*) set the
//! mention's [`MunicipalityRole`].
//!
//! # Where it stops working
//!
//! Possessive suffixes (*Helsingissänikin*) and spelling mistakes inside the stem
//! (*Helsingisä*) are not recognised, nor are nicknames other than a few listed in
//! [`ALIASES`] (*Stadi*, *Hki*). Old names of merged municipalities (*Jyväskylän maalaiskunta*)
//! are not in the code list and so are not found.

use std::collections::{HashMap, HashSet};

use aurora_model::{CodeLists, Municipality};
use serde::Serialize;

use crate::text::Token;

/// Case endings tried after the stem, longest first where it matters (`-seen` before `-en`).
pub(crate) const ENDINGS: &[&str] = &[
    "ssa", "ssä", "sta", "stä", "lla", "llä", "lta", "ltä", "lle", "seen", "siin", "hin", "hun",
    "hon", "han", "hän", "hyn", "hön", "hen", "aan", "ään", "een", "iin", "oon", "uun", "yyn",
    "öön", "ten", "ien", "ksi", "na", "nä", "an", "än", "en", "in", "on", "un", "yn", "ön", "n",
    "a", "ä",
];

/// Enclitic particles that may follow a case ending: *Turussakin*, *Tampereellako*.
const CLITICS: &[&str] = &["kaan", "kään", "kin", "han", "hän", "ko", "kö", "pa", "pä"];

/// Names that are also everyday words, recognised only when capitalised in the text.
pub(crate) const NEEDS_CAPITAL: &[&str] = &[
    "aura", "ii", "kaarina", "kannus", "kolari", "koski", "laukaa", "luoto", "pello", "salla",
    "salo", "simo", "soini", "somero", "sund", "geta", "tervo", "varkaus", "virrat", "inari",
    "juva",
];

/// Everyday names for a few cities: (alias, municipality code).
pub(crate) const ALIASES: &[(&str, &str)] = &[
    ("hki", "091"),
    ("stadi", "091"),
    ("jkl", "179"),
    ("lpr", "405"),
    ("tku", "853"),
];

/// Irregular Finnish forms the rules do not produce: names whose first part inflects too
/// (*Uusikaupunki* → *Uudessakaupungissa*) and plural names (*Virrat* → *Virroilla*).
const IRREGULAR: &[(&str, &[&str])] = &[
    (
        "Uusikaupunki",
        &[
            "uudessakaupungissa",
            "uudestakaupungista",
            "uuteenkaupunkiin",
            "uudenkaupungin",
            "uudellekaupungille",
        ],
    ),
    (
        "Uusikaarlepyy",
        &[
            "uudessakaarlepyyssä",
            "uudestakaarlepyystä",
            "uuteenkaarlepyyhyn",
            "uudenkaarlepyyn",
        ],
    ),
    (
        "Isokyrö",
        &["isossakyrössä", "isostakyröstä", "isoonkyröön", "isonkyrön"],
    ),
    (
        "Virrat",
        &[
            "virroilla",
            "virroille",
            "virroilta",
            "virroissa",
            "virroista",
            "virtoihin",
            "virtain",
            "virtojen",
        ],
    ),
];

/// What a mention says about the place: where the person goes, comes from, or is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MunicipalityRole {
    /// Going there: Finnish illative/allative (*Tampereelle*, *Turkuun*), *till*, *to*.
    Destination,
    /// Coming from there: elative/ablative (*Oulusta*, *Vantaalta*), *från*, *from*.
    Origin,
    /// Being there: inessive/adessive (*Turussa*, *Vantaalla*), *i*, *in*, *at*.
    Location,
    /// Nominative, genitive or no telling context (*Helsingin yliopisto*, *Tampere*).
    Other,
}

/// A municipality named in the text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MunicipalityMention {
    /// Three-digit municipality code, e.g. `"837"`.
    pub code: String,
    /// The municipality's name in fi/sv/en.
    pub name: aurora_model::Localized,
    /// The words as written in the text (*Tampereelle*).
    pub text: String,
    /// Byte offsets `(start, end)` of [`MunicipalityMention::text`] in the input.
    pub span: (usize, usize),
    /// Destination, origin or location, from the case ending or preposition.
    pub role: MunicipalityRole,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    municipality: usize,
    needs_capital: bool,
}

/// The recogniser: stems and names of all municipalities.
#[derive(Debug)]
pub(crate) struct MunicipalityRecognizer {
    municipalities: &'static [Municipality],
    /// Exact names (all languages), aliases and irregular forms.
    exact: HashMap<String, Entry>,
    /// Finnish stems that take a case ending.
    stems: HashMap<String, Entry>,
    /// First words of names written as several tokens.
    multi_first: HashSet<String>,
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'ä' | 'ö')
}

/// The weak grade of a stem ending in a vowel (consonant gradation of the final syllable);
/// the stem itself when its last syllable does not alternate.
pub(crate) fn weak_grade(stem: &str) -> String {
    let chars: Vec<char> = stem.chars().collect();
    let Some(&last) = chars.last() else {
        return stem.to_string();
    };
    if !is_vowel(last) {
        return stem.to_string();
    }
    let end = chars.len() - 1;
    let mut start = end;
    while start > 0 && !is_vowel(chars[start - 1]) {
        start -= 1;
    }
    if start == end || start == 0 {
        return stem.to_string();
    }
    let cluster: String = chars[start..end].iter().collect();
    let head: String = chars[..start].iter().collect();
    let tail: String = chars[end..].iter().collect();
    let weak = if ["kk", "pp", "tt"].iter().any(|d| cluster.ends_with(d)) {
        cluster[..cluster.len() - 1].to_string()
    } else if let Some((_, to)) = [
        ("nk", "ng"),
        ("mp", "mm"),
        ("nt", "nn"),
        ("lt", "ll"),
        ("rt", "rr"),
        ("ht", "hd"),
        ("lk", "l"),
        ("rk", "r"),
        ("hk", "h"),
        ("lp", "lv"),
        ("rp", "rv"),
    ]
    .iter()
    .find(|(from, _)| cluster.ends_with(from))
    {
        format!("{}{to}", &cluster[..cluster.len() - 2])
    } else {
        match cluster.as_str() {
            "k" => String::new(),
            "p" => "v".to_string(),
            "t" => "d".to_string(),
            _ => return stem.to_string(),
        }
    };
    format!("{head}{weak}{tail}")
}

/// The strong grade of a consonant-final stem's last consonant cluster (*laid* → *lait*,
/// *pud* → *put*): the reverse of [`weak_grade`] for the few *-as* and *-in* names.
fn strong_grade(stem: &str) -> String {
    for (weak, strong) in [
        ("ng", "nk"),
        ("mm", "mp"),
        ("nn", "nt"),
        ("ll", "lt"),
        ("rr", "rt"),
        ("hd", "ht"),
        ("d", "t"),
        ("v", "p"),
    ] {
        if let Some(head) = stem.strip_suffix(weak) {
            return format!("{head}{strong}");
        }
    }
    stem.to_string()
}

/// Back-vowel harmony: the last of a/o/u vs ä/ö/y decides (neutral e/i count as front).
fn back_vowels(word: &str) -> bool {
    word.chars()
        .rev()
        .find(|c| matches!(c, 'a' | 'o' | 'u' | 'ä' | 'ö' | 'y'))
        .is_some_and(|c| matches!(c, 'a' | 'o' | 'u'))
}

/// All oblique stems of a lowercased Finnish name (see the module docs).
pub(crate) fn finnish_stems(name: &str) -> Vec<String> {
    let mut stems = vec![name.to_string()];
    let a = if back_vowels(name) { 'a' } else { 'ä' };
    let u = if back_vowels(name) { 'u' } else { 'y' };
    let last = name.chars().last().unwrap_or(' ');
    if let Some(base) = name.strip_suffix("nen") {
        stems.push(format!("{base}se"));
        stems.push(format!("{base}si"));
        stems.push(format!("{base}s"));
    } else if is_vowel(last) {
        stems.push(weak_grade(name));
        if let Some(base) = name.strip_suffix("vesi") {
            stems.push(format!("{base}vede"));
            stems.push(format!("{base}vete"));
        } else if let Some(base) = name.strip_suffix('i') {
            let e = format!("{base}e");
            stems.push(weak_grade(&e));
            stems.push(e);
        } else if last == 'e' {
            stems.push(format!("{name}e"));
        }
    } else if let Some(base) = name.strip_suffix("us").or_else(|| name.strip_suffix("ys")) {
        stems.push(format!("{base}{u}de"));
        stems.push(format!("{base}{u}te"));
        stems.push(format!("{base}{u}kse"));
    } else if let Some(base) = name.strip_suffix("as").or_else(|| name.strip_suffix("äs")) {
        stems.push(format!("{}{a}{a}", strong_grade(base)));
        stems.push(format!("{name}i"));
    } else if let Some(base) = name.strip_suffix('s') {
        stems.push(format!("{base}kse"));
        stems.push(format!("{name}i"));
    } else if let Some(base) = name.strip_suffix("un").or_else(|| name.strip_suffix("in")) {
        let v = &name[name.len() - 2..name.len() - 1];
        stems.push(format!("{}{v}me", strong_grade(base)));
    } else {
        stems.push(format!("{name}i"));
    }
    stems.sort();
    stems.dedup();
    stems
}

/// Lowercased words of a name as the tokenizer splits them (`S:t Karins` → `s t karins`).
fn name_key(name: &str) -> String {
    crate::text::tokenize(name)
        .into_iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ")
}

impl MunicipalityRecognizer {
    pub fn new(lists: &'static CodeLists) -> Self {
        let municipalities = lists.municipalities();
        let needs_capital: HashSet<&str> = NEEDS_CAPITAL.iter().copied().collect();
        let mut exact = HashMap::new();
        let mut stems = HashMap::new();
        let mut multi_first = HashSet::new();
        for (i, m) in municipalities.iter().enumerate() {
            let mut names: Vec<String> = Vec::new();
            for (_, name) in m.name.iter() {
                names.push(name_key(name));
                // "Maarianhamina - Mariehamn": either half alone.
                for part in name.split(" - ") {
                    names.push(name_key(part));
                }
            }
            names.sort();
            names.dedup();
            for key in &names {
                let entry = Entry {
                    municipality: i,
                    needs_capital: needs_capital.contains(key.as_str()),
                };
                if let Some(first) = key.split(' ').next().filter(|_| key.contains(' ')) {
                    multi_first.insert(first.to_string());
                }
                exact.entry(key.clone()).or_insert(entry);
                exact.entry(format!("{key}s")).or_insert(entry);
            }
            if let Some(fi) = m.name.exact(aurora_model::Lang::Fi) {
                let parts: Vec<String> = fi.split(" - ").map(name_key).collect();
                for key in parts {
                    // "koski tl": the inflected form is of "koski" alone.
                    let inflecting = key.strip_suffix(" tl").unwrap_or(&key);
                    let entry = Entry {
                        municipality: i,
                        needs_capital: needs_capital.contains(key.as_str())
                            || needs_capital.contains(inflecting),
                    };
                    for stem in finnish_stems(inflecting) {
                        stems.entry(stem).or_insert(entry);
                    }
                    // "pedersören kunta": people also inflect the name itself (Pedersöressä).
                    if let Some(base) = key.strip_suffix("n kunta") {
                        for stem in finnish_stems(base) {
                            stems.entry(stem).or_insert(entry);
                        }
                    }
                }
            }
        }
        let by_code: HashMap<&str, usize> = municipalities
            .iter()
            .enumerate()
            .map(|(i, m)| (m.code.as_str(), i))
            .collect();
        for (alias, code) in ALIASES {
            if let Some(&i) = by_code.get(code) {
                let entry = Entry {
                    municipality: i,
                    needs_capital: false,
                };
                exact.insert(alias.to_string(), entry);
                stems.entry(alias.to_string()).or_insert(entry);
            }
        }
        for (name, forms) in IRREGULAR {
            if let Some(i) = municipalities
                .iter()
                .position(|m| m.name.exact(aurora_model::Lang::Fi) == Some(*name))
            {
                for form in *forms {
                    exact.insert(
                        form.to_string(),
                        Entry {
                            municipality: i,
                            needs_capital: needs_capital.contains(form),
                        },
                    );
                }
            }
        }
        MunicipalityRecognizer {
            municipalities,
            exact,
            stems,
            multi_first,
        }
    }

    /// Analyses one (possibly multi-word) lowercased form: the entry and the case ending.
    fn analyse(&self, form: &str) -> Option<(Entry, &'static str)> {
        if let Some(e) = self.exact.get(form) {
            return Some((*e, ""));
        }
        let mut candidates = vec![form];
        for clitic in CLITICS {
            if let Some(base) = form.strip_suffix(clitic) {
                candidates.push(base);
            }
        }
        for base in candidates {
            if let Some(e) = self.exact.get(base) {
                return Some((*e, ""));
            }
            for ending in ENDINGS {
                if let Some(stem) = base.strip_suffix(ending) {
                    if stem.chars().count() >= 2 {
                        if let Some(e) = self.stems.get(stem) {
                            return Some((*e, ending));
                        }
                    }
                }
            }
        }
        None
    }

    /// All municipality mentions in the tokens, left to right, without overlaps.
    pub fn find(&self, text: &str, tokens: &[Token]) -> Vec<MunicipalityMention> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let max_len = if self.multi_first.contains(&tokens[i].text) {
                3
            } else {
                1
            };
            let mut found = None;
            for len in (1..=max_len.min(tokens.len() - i)).rev() {
                let form = tokens[i..i + len]
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if form.chars().count() < 2 && len == 1 {
                    continue;
                }
                if let Some((entry, ending)) = self.analyse(&form) {
                    if entry.needs_capital && !tokens[i].capitalized {
                        continue;
                    }
                    found = Some((len, entry, ending));
                    break;
                }
            }
            match found {
                Some((len, entry, ending)) => {
                    let m = &self.municipalities[entry.municipality];
                    let (start, end) = (tokens[i].start, tokens[i + len - 1].end);
                    let before = i.checked_sub(1).map(|j| tokens[j].text.as_str());
                    out.push(MunicipalityMention {
                        code: m.code.clone(),
                        name: m.name.clone(),
                        text: text[start..end].to_string(),
                        span: (start, end),
                        role: role(ending, before),
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }
}

/// The role from a Finnish case ending or, for uninflected names, the preceding word.
fn role(ending: &str, before: Option<&str>) -> MunicipalityRole {
    use MunicipalityRole::*;
    match ending {
        "ssa" | "ssä" | "lla" | "llä" => return Location,
        "sta" | "stä" | "lta" | "ltä" => return Origin,
        "" | "n" | "s" | "a" | "ä" | "na" | "nä" | "ten" | "ien" | "ksi" => {}
        _ => return Destination,
    }
    match before {
        Some("till" | "to" | "into" | "towards" | "mot") => Destination,
        Some("från" | "from" | "ur") => Origin,
        Some("i" | "in" | "at" | "på" | "near" | "nära") => Location,
        _ => Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_grade_table() {
        let table = [
            ("turku", "turu"),
            ("helsinki", "helsingi"),
            ("lahte", "lahde"),
            ("lappeenranta", "lappeenranna"),
            ("pomarkku", "pomarku"),
            ("mänttä", "mäntä"),
            ("outokumpu", "outokummu"),
            ("hanko", "hango"),
            ("juuka", "juua"),
            ("lieto", "liedo"),
            ("kotka", "kotka"),
            ("kuopio", "kuopio"),
            ("mikkeli", "mikkeli"),
            ("vantaa", "vantaa"),
            ("harjavalta", "harjavalla"),
        ];
        for (strong, weak) in table {
            assert_eq!(weak_grade(strong), weak, "{strong}");
        }
    }

    #[test]
    fn stems_of_declension_types() {
        let table: [(&str, &[&str]); 8] = [
            ("lahti", &["lahde", "lahte"]),
            ("tampere", &["tamperee"]),
            ("kauniainen", &["kauniaise", "kauniaisi"]),
            ("varkaus", &["varkaude"]),
            ("kannus", &["kannukse"]),
            ("orivesi", &["orivede"]),
            ("pihtipudas", &["pihtiputaa"]),
            ("punkalaidun", &["punkalaitume"]),
        ];
        for (name, want) in table {
            let stems = finnish_stems(name);
            for w in want {
                assert!(stems.iter().any(|s| s == w), "{name}: {stems:?} lacks {w}");
            }
        }
    }
}
