//! Municipality names in their inflected forms, so `Tampereelle`, `Tampereella` and
//! `Tammerfors` all analyse to the place term `@tampere`.
//!
//! The table is generated from the 309 municipalities of [`CodeLists`] at first use:
//! * **Finnish**: for each Finnish name, stems with both consonant grades (`Turku`/`Turu-`,
//!   `Helsinki`/`Helsingi-`, `Lappeenranta`/`Lappeenranna-`), the `e`-stems of `-i` names
//!   (`Lahti` → `Lahde-`, `Seinäjoki` → `Seinäjoe-`, `Orivesi` → `Orivede-`), the long stem of
//!   `-e` names (`Tampere` → `Tamperee-`), `-nen` → `-se-`/`-si-` (`Kauniainen`), `-s` →
//!   `-kse-` (`Nurmes`); each stem takes the genitive, the six locative cases, essive,
//!   translative and the illative, in both vowel harmonies (over-generation is harmless:
//!   the forms are only looked up);
//! * **Swedish**: the Swedish and Finnish names and their `-s` genitives (`Åbos`);
//! * **English**: the English, Finnish and Swedish names.
//!
//! Each language's table also holds the other languages' base names, so a Swedish text that
//! says `i Jyväskylä` or a Finnish one that says `Vasa` still finds the place.
//!
//! # Where it stops working
//!
//! * Names whose **both** parts inflect: `Uusikaupunki` → `Uudessakaupungissa` is not
//!   recognised (only `Uusikaupunki`, `Uusikaupungin`, … are), nor `Uudenkaupungin`.
//! * Two-word names (`Koski Tl`) are matched only through their first word, if at all.
//! * A form shared by a common word is still a place term: the genitive `salon` (of `Salo`)
//!   is also the genitive of the noun `salo` (backwoods). The place term is added beside the
//!   word's ordinary terms, so this costs precision only, never recall.

use std::collections::HashMap;
use std::sync::OnceLock;

use aurora_model::{CodeLists, Lang};

use crate::text::{is_vowel, normalize};

/// The prefix that marks a place term in the index (`@tampere`).
pub const PLACE_PREFIX: char = '@';

/// Inflected municipality names per language.
#[derive(Debug)]
pub struct PlaceTable {
    canonical: Vec<String>,
    by_code: HashMap<String, u16>,
    forms: [HashMap<String, Vec<u16>>; 3],
}

fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Fi => 0,
        Lang::Sv => 1,
        Lang::En => 2,
    }
}

impl PlaceTable {
    /// The table for the built-in code lists, built once.
    pub fn get() -> &'static PlaceTable {
        static TABLE: OnceLock<PlaceTable> = OnceLock::new();
        TABLE.get_or_init(PlaceTable::build)
    }

    fn build() -> PlaceTable {
        let mut table = PlaceTable {
            canonical: Vec::new(),
            by_code: HashMap::new(),
            forms: [HashMap::new(), HashMap::new(), HashMap::new()],
        };
        for (i, m) in CodeLists::get().municipalities().iter().enumerate() {
            let i = u16::try_from(i).expect("fewer than 65536 municipalities");
            let fi = m.name.get(Lang::Fi).map(normalize).unwrap_or_default();
            let sv = m.name.get(Lang::Sv).map(normalize).unwrap_or_default();
            let en = m.name.get(Lang::En).map(normalize).unwrap_or_default();
            table
                .canonical
                .push(format!("{PLACE_PREFIX}{}", fi.replace([' ', '-'], "")));
            table.by_code.insert(m.code.clone(), i);
            let names = [fi.as_str(), sv.as_str(), en.as_str()];
            for lang in Lang::ALL {
                for n in names {
                    table.add(lang, n, i);
                }
            }
            for form in finnish_forms(&fi) {
                table.add(Lang::Fi, &form, i);
            }
            for n in [sv.as_str(), fi.as_str()] {
                if !n.ends_with('s') {
                    table.add(Lang::Sv, &format!("{n}s"), i);
                }
            }
        }
        table
    }

    fn add(&mut self, lang: Lang, form: &str, i: u16) {
        // Names are matched as one token: "mänttä-vilppula" is tokenised to its joined form.
        let form: String = form.chars().filter(|c| *c != ' ' && *c != '-').collect();
        if form.chars().count() < 2 {
            return;
        }
        let entry = self.forms[lang_index(lang)].entry(form).or_default();
        if !entry.contains(&i) {
            entry.push(i);
        }
    }

    /// The place terms (`@tampere`) of a normalised word in `lang`; empty if it is no place.
    pub fn lookup(&self, lang: Lang, word: &str) -> impl Iterator<Item = &str> {
        self.forms[lang_index(lang)]
            .get(word)
            .into_iter()
            .flatten()
            .map(|i| self.canonical[usize::from(*i)].as_str())
    }

    /// The place term of a municipality code, if the code is known.
    pub fn term_for_code(&self, code: &str) -> Option<&str> {
        let i = *self.by_code.get(code.trim())?;
        Some(self.canonical[usize::from(i)].as_str())
    }
}

/// Weak grade of the consonant cluster before the final vowel: `turku` → `turu`,
/// `helsinki` → `helsingi`; `None` when the cluster does not alternate.
fn weaken(stem: &[char]) -> Vec<Vec<char>> {
    let n = stem.len();
    if n < 3 || !is_vowel(stem[n - 1]) {
        return Vec::new();
    }
    let body = &stem[..n - 1];
    let last = stem[n - 1];
    let start = body.iter().rposition(|c| is_vowel(*c)).map_or(0, |i| i + 1);
    if start == 0 || start == body.len() {
        return Vec::new();
    }
    let cluster: String = body[start..].iter().collect();
    let weak: &[&str] = match cluster.as_str() {
        "kk" => &["k"],
        "pp" => &["p"],
        "tt" => &["t"],
        "nk" => &["ng"],
        "mp" => &["mm"],
        "lt" => &["ll"],
        "nt" => &["nn"],
        "rt" => &["rr"],
        "ht" => &["hd"],
        "lk" => &["l", "lj"],
        "rk" => &["r", "rj"],
        "hk" => &["h"],
        "nkk" => &["nk"],
        "k" => &[""],
        "p" => &["v"],
        "t" => &["d"],
        _ => &[],
    };
    weak.iter()
        .map(|w| {
            let mut out: Vec<char> = body[..start].to_vec();
            out.extend(w.chars());
            out.push(last);
            out
        })
        .collect()
}

/// Inflected forms of a normalised Finnish place name (see the module docs).
pub(crate) fn finnish_forms(name: &str) -> Vec<String> {
    let w: Vec<char> = name.chars().filter(|c| *c != ' ' && *c != '-').collect();
    let n = w.len();
    if n < 2 {
        return Vec::new();
    }
    // (strong stem, weak stem) pairs.
    let mut stems: Vec<(Vec<char>, Vec<char>)> = Vec::new();
    let push_graded = |stems: &mut Vec<(Vec<char>, Vec<char>)>, s: Vec<char>| {
        stems.push((s.clone(), s.clone()));
        for weak in weaken(&s) {
            stems.push((s.clone(), weak));
        }
    };
    let ends = |suffix: &str| name.ends_with(suffix);
    if ends("nen") && n >= 5 {
        let base = &w[..n - 3];
        for tail in ["se", "si"] {
            let mut s = base.to_vec();
            s.extend(tail.chars());
            stems.push((s.clone(), s));
        }
    } else if w[n - 1] == 's' {
        let mut s = w[..n - 1].to_vec();
        s.extend("kse".chars());
        stems.push((s.clone(), s));
    } else if is_vowel(w[n - 1]) {
        push_graded(&mut stems, w.clone());
        if w[n - 1] == 'i' {
            let mut e = w.clone();
            e[n - 1] = 'e';
            push_graded(&mut stems, e);
            if ends("si") {
                // Orivesi → Orivede-, strong Orivete-.
                let mut de = w[..n - 2].to_vec();
                de.extend("de".chars());
                let mut te = w[..n - 2].to_vec();
                te.extend("te".chars());
                stems.push((te, de));
            }
        }
        if w[n - 1] == 'e' && !is_vowel(w[n - 2]) {
            let mut long = w.clone();
            long.push('e');
            stems.push((long.clone(), long));
        }
    }
    let mut out = Vec::new();
    for (strong, weak) in stems {
        let strong: String = strong.into_iter().collect();
        let weak: String = weak.into_iter().collect();
        let last = strong.chars().last().unwrap_or('a');
        let long_vowel = {
            let c: Vec<char> = strong.chars().collect();
            c.len() >= 2 && is_vowel(c[c.len() - 1]) && c[c.len() - 2] == c[c.len() - 1]
        };
        out.push(format!("{weak}n"));
        out.push(format!("{weak}t"));
        out.push(format!("{weak}lle"));
        out.push(format!("{weak}ksi"));
        for a in ["a", "ä"] {
            for case in ["ss", "st", "ll", "lt"] {
                out.push(format!("{weak}{case}{a}"));
            }
            out.push(format!("{strong}n{a}"));
        }
        if long_vowel {
            out.push(format!("{strong}seen"));
            out.push(format!("{strong}h{last}n"));
        } else if is_vowel(last) {
            out.push(format!("{strong}{last}n"));
        }
    }
    if ends("nen") && n >= 5 {
        out.push(format!("{}sten", &name[..name.len() - 3]));
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn place(lang: Lang, word: &str) -> Vec<String> {
        PlaceTable::get()
            .lookup(lang, &normalize(word))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn inflected_forms_table() {
        let rows = [
            ("Tampere", "@tampere"),
            ("Tampereelle", "@tampere"),
            ("Tampereella", "@tampere"),
            ("Tampereen", "@tampere"),
            ("Tampereeseen", "@tampere"),
            ("Turussa", "@turku"),
            ("Turkuun", "@turku"),
            ("Turun", "@turku"),
            ("Helsingissä", "@helsinki"),
            ("Helsinkiin", "@helsinki"),
            ("Lahdessa", "@lahti"),
            ("Lahteen", "@lahti"),
            ("Seinäjoella", "@seinäjoki"),
            ("Rovaniemellä", "@rovaniemi"),
            ("Vantaalla", "@vantaa"),
            ("Vantaalle", "@vantaa"),
            ("Espooseen", "@espoo"),
            ("Joensuuhun", "@joensuu"),
            ("Lappeenrannassa", "@lappeenranta"),
            ("Hangossa", "@hanko"),
            ("Kauniaisissa", "@kauniainen"),
            ("Nurmeksessa", "@nurmes"),
            ("Orivedellä", "@orivesi"),
            ("Jyväskylässä", "@jyväskylä"),
            ("Mikkelissä", "@mikkeli"),
            ("Naantalissa", "@naantali"),
            ("Vaasassa", "@vaasa"),
        ];
        for (word, want) in rows {
            assert_eq!(place(Lang::Fi, word), [want], "{word}");
        }
    }

    #[test]
    fn swedish_and_english_names() {
        let rows = [
            (Lang::Sv, "Tammerfors", "@tampere"),
            (Lang::Sv, "Åbo", "@turku"),
            (Lang::Sv, "Åbos", "@turku"),
            (Lang::Sv, "Helsingfors", "@helsinki"),
            (Lang::Sv, "Vasa", "@vaasa"),
            (Lang::Sv, "Jyväskylä", "@jyväskylä"),
            (Lang::En, "Tampere", "@tampere"),
            (Lang::En, "Helsingfors", "@helsinki"),
            (Lang::Fi, "Vasa", "@vaasa"),
        ];
        for (lang, word, want) in rows {
            assert_eq!(place(lang, word), [want], "{lang} {word}");
        }
    }

    #[test]
    fn where_it_stops() {
        // Both parts inflect: not recognised.
        assert!(place(Lang::Fi, "Uudessakaupungissa").is_empty());
        // Finnish case forms are not in the Swedish or English tables.
        assert!(place(Lang::En, "Tampereelle").is_empty());
        // Ordinary words are not places.
        for w in ["asumistuki", "palvelu", "tuki", "kunta"] {
            assert!(place(Lang::Fi, w).is_empty(), "{w}");
        }
    }

    #[test]
    fn codes_map_to_terms() {
        assert_eq!(PlaceTable::get().term_for_code("837"), Some("@tampere"));
        assert_eq!(PlaceTable::get().term_for_code("999"), None);
    }
}
