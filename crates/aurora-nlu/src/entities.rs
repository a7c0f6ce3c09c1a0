//! Ages, dates and durations in fi/sv/en, found by token patterns.
//!
//! | kind | Finnish | Swedish | English |
//! |---|---|---|---|
//! | age | *19-vuotias*, *18v*, *olen 19*, *äiti on 67* | *19 år* after *är*, *1-åring* | *I'm 19*, *19 years old*, *19-year-old*, *at 18* |
//! | relative date | *huomenna*, *ensi kuussa*, *kahden viikon päästä* | *i morgon*, *nästa månad*, *om två veckor* | *tomorrow*, *next month*, *in two weeks* |
//! | month, season | *maaliskuussa*, *syksyllä* | *i mars*, *i höst* | *in October*, *in autumn* |
//! | calendar date | *1.9.2025*, *1.9.* | same | *2025-09-01* |
//! | duration | *3 kuukautta*, *puoli vuotta*, *vuodeksi* | *tre månader*, *ett halvår* | *for 3 months*, *half a year* |
//!
//! Dates are not resolved against a calendar: the engine does not know "today", so
//! *ensi kuussa* is `{"kind": "relative", "amount": 1, "unit": "month"}` and the caller resolves
//! it. Numbers are digits or the number words one to twelve.
//!
//! Where it stops: ordinal dates in words (*ensimmäinen syyskuuta*), ranges (*3–4 viikkoa*) and
//! ages written in words (*kaksikymmentä*) are not recognised.

use serde::Serialize;

use crate::text::Token;

/// A unit of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Hours.
    Hour,
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Years.
    Year,
}

/// A season of the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Season {
    /// kevät, vår, spring.
    Spring,
    /// kesä, sommar, summer.
    Summer,
    /// syksy, höst, autumn.
    Autumn,
    /// talvi, vinter, winter.
    Winter,
}

/// What a date mention means, without resolving it against today's date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DateValue {
    /// `amount` units from now; negative is in the past (*eilen* is −1 day).
    Relative {
        /// Signed number of units.
        amount: i32,
        /// The unit.
        unit: TimeUnit,
    },
    /// A month of the (next or current) year, 1–12.
    Month {
        /// 1 = January.
        month: u8,
    },
    /// A season.
    Season {
        /// Which season.
        season: Season,
    },
    /// A calendar date; the year when written.
    Calendar {
        /// Day of month, 1–31.
        day: u8,
        /// Month, 1–12.
        month: u8,
        /// Year, when written.
        #[serde(skip_serializing_if = "Option::is_none")]
        year: Option<i32>,
    },
}

/// An age in years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgeMention {
    /// Age in years.
    pub value: u8,
    /// The words as written.
    pub text: String,
    /// Byte offsets `(start, end)` in the input.
    pub span: (usize, usize),
}

/// A date or time reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateMention {
    /// What the words mean.
    pub value: DateValue,
    /// The words as written.
    pub text: String,
    /// Byte offsets `(start, end)` in the input.
    pub span: (usize, usize),
}

/// A length of time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DurationMention {
    /// Number of units (0.5 for *puoli vuotta*).
    pub amount: f32,
    /// The unit.
    pub unit: TimeUnit,
    /// The words as written.
    pub text: String,
    /// Byte offsets `(start, end)` in the input.
    pub span: (usize, usize),
}

/// Digits or a number word (one to twelve, in any of the three languages, with the Finnish
/// genitive and translative forms).
fn number(word: &str) -> Option<u32> {
    if !word.is_empty() && word.len() <= 4 && word.bytes().all(|b| b.is_ascii_digit()) {
        return word.parse().ok();
    }
    let n = match word {
        "yksi" | "yhden" | "yhdeksi" | "en" | "ett" | "one" | "a" | "an" => 1,
        "kaksi" | "kahden" | "kahdeksi" | "två" | "two" => 2,
        "kolme" | "kolmen" | "kolmeksi" | "tre" | "three" => 3,
        "neljä" | "neljän" | "neljäksi" | "fyra" | "four" => 4,
        "viisi" | "viiden" | "viideksi" | "fem" | "five" => 5,
        "kuusi" | "kuuden" | "kuudeksi" | "sex" | "six" => 6,
        "seitsemän" | "sju" | "seven" => 7,
        "kahdeksan" | "åtta" | "eight" => 8,
        "yhdeksän" | "nio" | "nine" => 9,
        "kymmenen" | "tio" | "ten" => 10,
        "yksitoista" | "elva" | "eleven" => 11,
        "kaksitoista" | "tolv" | "twelve" => 12,
        _ => return None,
    };
    Some(n)
}

/// The time unit a word names (Finnish forms used with numbers and with *ensi*/*viime*).
fn unit(word: &str) -> Option<TimeUnit> {
    use TimeUnit::*;
    Some(match word {
        "tunti" | "tuntia" | "tunnin" | "tunniksi" | "tunnit" | "timme" | "timmar" | "timmen"
        | "hour" | "hours" => Hour,
        "päivä" | "päivää" | "päivän" | "päiväksi" | "päivät" | "päivien" | "päivänä" | "pv"
        | "dag" | "dagar" | "dagen" | "dagarna" | "day" | "days" => Day,
        "viikko" | "viikkoa" | "viikon" | "viikoksi" | "viikot" | "viikkojen" | "viikolla"
        | "viikkona" | "vko" | "vecka" | "veckor" | "veckan" | "veckorna" | "week" | "weeks" => {
            Week
        }
        "kuukausi" | "kuukautta" | "kuukauden" | "kuukaudeksi" | "kuukaudet" | "kuukausien"
        | "kuussa" | "kuuna" | "kk" | "månad" | "månader" | "månaden" | "månaderna" | "month"
        | "months" => Month,
        "vuosi" | "vuotta" | "vuoden" | "vuodeksi" | "vuodet" | "vuosien" | "vuonna" | "år"
        | "året" | "åren" | "year" | "years" | "yr" | "yrs" => Year,
        _ => return None,
    })
}

fn month(word: &str) -> Option<u8> {
    const FI: [&str; 12] = [
        "tammikuu",
        "helmikuu",
        "maaliskuu",
        "huhtikuu",
        "toukokuu",
        "kesäkuu",
        "heinäkuu",
        "elokuu",
        "syyskuu",
        "lokakuu",
        "marraskuu",
        "joulukuu",
    ];
    const SV: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    const EN: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    for (i, m) in FI.iter().enumerate() {
        if word.starts_with(m) {
            return Some(i as u8 + 1);
        }
    }
    SV.iter()
        .position(|m| word == *m)
        .or_else(|| EN.iter().position(|m| word == *m))
        .map(|i| i as u8 + 1)
}

fn season(word: &str) -> Option<Season> {
    use Season::*;
    Some(match word {
        "keväällä" | "keväänä" | "kevät" | "keväälle" | "vår" | "våren" | "spring" => {
            Spring
        }
        "kesällä" | "kesänä" | "kesä" | "sommar" | "sommaren" | "summer" => Summer,
        "syksyllä" | "syksynä" | "syksy" | "höst" | "hösten" | "autumn" | "fall" => Autumn,
        "talvella" | "talvena" | "talvi" | "vinter" | "vintern" | "winter" => Winter,
        _ => return None,
    })
}

/// Everything found in one text.
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub ages: Vec<AgeMention>,
    pub dates: Vec<DateMention>,
    pub durations: Vec<DurationMention>,
}

struct Ctx<'a> {
    text: &'a str,
    tokens: &'a [Token],
}

impl Ctx<'_> {
    fn word(&self, i: usize) -> &str {
        self.tokens.get(i).map_or("", |t| t.text.as_str())
    }
    fn prev(&self, i: usize, back: usize) -> &str {
        i.checked_sub(back).map_or("", |j| self.word(j))
    }
    fn span(&self, from: usize, to: usize) -> (String, (usize, usize)) {
        let (s, e) = (self.tokens[from].start, self.tokens[to].end);
        (self.text[s..e].to_string(), (s, e))
    }
}

/// Finds ages, dates and durations.
pub(crate) fn find(text: &str, tokens: &[Token]) -> Found {
    let c = Ctx { text, tokens };
    let mut found = Found::default();
    let mut used = vec![false; tokens.len()];
    find_ages(&c, &mut found, &mut used);
    find_dates(&c, &mut found, &mut used);
    find_durations(&c, &mut found, &mut used);
    found
}

fn is_age_value(n: u32) -> bool {
    n <= 120
}

fn find_ages(c: &Ctx, found: &mut Found, used: &mut [bool]) {
    let n_tok = c.tokens.len();
    for i in 0..n_tok {
        let w = c.word(i);
        // "18v", "19yo"
        for suffix in ["v", "yo", "åring"] {
            if let Some(num) = w.strip_suffix(suffix) {
                if let Some(n) = num.parse::<u32>().ok().filter(|n| is_age_value(*n)) {
                    let (text, span) = c.span(i, i);
                    found.ages.push(AgeMention {
                        value: n as u8,
                        text,
                        span,
                    });
                    used[i] = true;
                }
            }
        }
        if !c.tokens[i].is_number() {
            continue;
        }
        let Some(n) = w.parse::<u32>().ok().filter(|n| is_age_value(*n)) else {
            continue;
        };
        let next = c.word(i + 1);
        let next2 = c.word(i + 2);
        let mut end = None;
        // 19-vuotias, 19 vuotiaana, 1-åring, 19-year-old, 19 years old, 19 yo
        if next.starts_with("vuotia")
            || next.starts_with("åring")
            || next.starts_with("årig")
            || next == "yo"
            || (next == "v"
                && c.tokens
                    .get(i + 1)
                    .is_some_and(|t| t.sep_before == Some('-')))
        {
            end = Some(i + 1);
        } else if (next == "year" || next == "years" || next == "yr") && next2 == "old" {
            end = Some(i + 2);
        } else if next == "år"
            && (matches!(
                c.prev(i, 1),
                "är" | "blir" | "fyller" | "fyllde" | "var" | "som"
            ) || matches!(next2, "gammal" | "gamla"))
        {
            end = Some(if matches!(next2, "gammal" | "gamla") {
                i + 2
            } else {
                i + 1
            });
        } else if unit(next).is_none()
            && c.tokens
                .get(i + 1)
                .is_none_or(|t| t.sep_before != Some(':'))
        {
            let p1 = c.prev(i, 1);
            let p2 = c.prev(i, 2);
            let before_ok = matches!(
                p1,
                "olen"
                    | "oon"
                    | "täytän"
                    | "täytin"
                    | "täyttää"
                    | "täytti"
                    | "ikä"
                    | "ikää"
                    | "iältään"
                    | "am"
                    | "aged"
                    | "age"
                    | "är"
                    | "fyller"
                    | "fyllde"
                    | "ålder"
                    | "on"
                    | "is"
                    | "turning"
                    | "turned"
            ) || (p1 == "m" && p2 == "i")
                || (p1 == "at" && (13..=99).contains(&n));
            if before_ok {
                start_age(c, found, used, i, i, n);
                continue;
            }
        }
        if let Some(e) = end {
            start_age(c, found, used, i, e, n);
        }
    }
}

fn start_age(c: &Ctx, found: &mut Found, used: &mut [bool], from: usize, to: usize, n: u32) {
    let (text, span) = c.span(from, to);
    found.ages.push(AgeMention {
        value: n as u8,
        text,
        span,
    });
    used[from..=to].iter_mut().for_each(|u| *u = true);
}

fn push_date(c: &Ctx, found: &mut Found, used: &mut [bool], from: usize, to: usize, v: DateValue) {
    let (text, span) = c.span(from, to);
    found.dates.push(DateMention {
        value: v,
        text,
        span,
    });
    used[from..=to].iter_mut().for_each(|u| *u = true);
}

fn find_dates(c: &Ctx, found: &mut Found, used: &mut [bool]) {
    use DateValue::*;
    use TimeUnit::*;
    let n_tok = c.tokens.len();
    let mut i = 0;
    while i < n_tok {
        if used[i] {
            i += 1;
            continue;
        }
        let w = c.word(i);
        let next = c.word(i + 1);
        let next2 = c.word(i + 2);
        // Single words.
        let single = match w {
            "huomenna" | "tomorrow" | "imorgon" => Some((1, Day)),
            "ylihuomenna" | "övermorgon" => Some((2, Day)),
            "eilen" | "yesterday" | "igår" => Some((-1, Day)),
            "tänään" | "today" | "idag" => Some((0, Day)),
            _ => None,
        };
        if let Some((amount, unit)) = single {
            push_date(c, found, used, i, i, Relative { amount, unit });
            i += 1;
            continue;
        }
        // "i morgon", "i går", "i dag"
        if w == "i" {
            let v = match next {
                "morgon" => Some(1),
                "går" => Some(-1),
                "dag" => Some(0),
                _ => None,
            };
            if let Some(amount) = v {
                push_date(c, found, used, i, i + 1, Relative { amount, unit: Day });
                i += 2;
                continue;
            }
        }
        // ensi/viime/next/last/nästa/förra + unit
        let sign = match w {
            "ensi" | "next" | "nästa" | "kommande" => Some(1),
            "viime" | "last" | "förra" => Some(-1),
            _ => None,
        };
        if let Some(sign) = sign {
            if let Some(u) = unit(next) {
                push_date(
                    c,
                    found,
                    used,
                    i,
                    i + 1,
                    Relative {
                        amount: sign,
                        unit: u,
                    },
                );
                i += 2;
                continue;
            }
            if let Some(s) = season(next) {
                let _ = sign;
                push_date(c, found, used, i, i + 1, Season { season: s });
                i += 2;
                continue;
            }
        }
        // N unit päästä/kuluttua/sitten, om N unit, in N unit, N unit ago/sedan
        if let (Some(n), Some(u)) = (number(w), unit(next)) {
            let n = n as i32;
            if matches!(next2, "päästä" | "kuluttua" | "perästä") {
                push_date(c, found, used, i, i + 2, Relative { amount: n, unit: u });
                i += 3;
                continue;
            }
            if matches!(next2, "sitten" | "ago" | "sedan") {
                push_date(
                    c,
                    found,
                    used,
                    i,
                    i + 2,
                    Relative {
                        amount: -n,
                        unit: u,
                    },
                );
                i += 3;
                continue;
            }
            if matches!(c.prev(i, 1), "om" | "in" | "within") && i > 0 && !used[i - 1] {
                push_date(
                    c,
                    found,
                    used,
                    i - 1,
                    i + 1,
                    Relative { amount: n, unit: u },
                );
                i += 2;
                continue;
            }
        }
        // Calendar: d.m.[yyyy] or yyyy-mm-dd
        if c.tokens[i].is_number() {
            if let Some(m) = calendar(c, i) {
                let (to, v) = m;
                push_date(c, found, used, i, to, v);
                i = to + 1;
                continue;
            }
        }
        if let Some(m) = month(w) {
            // English "may" only as "in May" / "May 5".
            if w != "may" || c.tokens[i].capitalized && c.prev(i, 1) == "in" {
                let from = if matches!(c.prev(i, 1), "i" | "in" | "since" | "från" | "until")
                    && i > 0
                    && !used[i - 1]
                {
                    i - 1
                } else {
                    i
                };
                push_date(c, found, used, from, i, DateValue::Month { month: m });
                i += 1;
                continue;
            }
        }
        if let Some(s) = season(w) {
            // Finnish adessive/essive forms are dates on their own; the bare Swedish and
            // English nouns need "i"/"in"/"this".
            let fi_form = w.ends_with("llä") || w.ends_with("lla") || w.ends_with("nä");
            let prep = matches!(c.prev(i, 1), "i" | "in" | "this" | "next" | "the");
            if fi_form || prep {
                let from = if prep && i > 0 && !used[i - 1] {
                    if c.prev(i, 1) == "the" && matches!(c.prev(i, 2), "in") && i > 1 {
                        i - 2
                    } else {
                        i - 1
                    }
                } else {
                    i
                };
                push_date(c, found, used, from, i, Season { season: s });
                i += 1;
                continue;
            }
        }
        i += 1;
    }
}

fn calendar(c: &Ctx, i: usize) -> Option<(usize, DateValue)> {
    let t = c.tokens;
    let num = |j: usize| {
        t.get(j)
            .filter(|t| t.is_number())
            .and_then(|t| t.text.parse::<i32>().ok())
    };
    let sep = |j: usize| t.get(j).and_then(|t| t.sep_before);
    let a = num(i)?;
    // yyyy-mm-dd
    if t[i].text.len() == 4 && sep(i + 1) == Some('-') && sep(i + 2) == Some('-') {
        let (m, d) = (num(i + 1)?, num(i + 2)?);
        if (1..=12).contains(&m) && (1..=31).contains(&d) {
            return Some((
                i + 2,
                DateValue::Calendar {
                    day: d as u8,
                    month: m as u8,
                    year: Some(a),
                },
            ));
        }
        return None;
    }
    // d.m. or d.m.yyyy (also d/m/yyyy)
    let s = sep(i + 1)?;
    if !matches!(s, '.' | '/') || !(1..=31).contains(&a) {
        return None;
    }
    let m = num(i + 1)?;
    if !(1..=12).contains(&m) {
        return None;
    }
    // "1.9" could be a decimal number; require the trailing dot or a year.
    let after_month = c.text[t[i + 1].end..].chars().next();
    if sep(i + 2) == Some(s) && t.get(i + 2).is_some_and(|t| t.text.len() == 4) {
        let y = num(i + 2)?;
        return Some((
            i + 2,
            DateValue::Calendar {
                day: a as u8,
                month: m as u8,
                year: Some(y),
            },
        ));
    }
    if after_month == Some('.') {
        return Some((
            i + 1,
            DateValue::Calendar {
                day: a as u8,
                month: m as u8,
                year: None,
            },
        ));
    }
    None
}

fn find_durations(c: &Ctx, found: &mut Found, used: &mut [bool]) {
    use TimeUnit::*;
    let n_tok = c.tokens.len();
    let mut i = 0;
    while i < n_tok {
        if used[i] {
            i += 1;
            continue;
        }
        let w = c.word(i);
        let next = c.word(i + 1);
        // puoli vuotta, half a year, ett halvår
        if w == "puoli" {
            if let Some(u) = unit(next) {
                push_duration(c, found, used, i, i + 1, 0.5, u);
                i += 2;
                continue;
            }
        }
        if w == "half" && next == "a" {
            if let Some(u) = unit(c.word(i + 2)) {
                push_duration(c, found, used, i, i + 2, 0.5, u);
                i += 3;
                continue;
            }
        }
        if w == "halvår" || w == "halvåret" {
            let from = if c.prev(i, 1) == "ett" && i > 0 && !used[i - 1] {
                i - 1
            } else {
                i
            };
            push_duration(c, found, used, from, i, 0.5, Year);
            i += 1;
            continue;
        }
        // vuodeksi, kuukaudeksi (for a year / a month)
        let translative = match w {
            "vuodeksi" => Some(Year),
            "kuukaudeksi" => Some(Month),
            "viikoksi" => Some(Week),
            "päiväksi" => Some(Day),
            _ => None,
        };
        if let Some(u) = translative {
            let (from, amount) = match number(c.prev(i, 1)) {
                Some(n) if i > 0 && !used[i - 1] => (i - 1, n as f32),
                _ => (i, 1.0),
            };
            push_duration(c, found, used, from, i, amount, u);
            i += 1;
            continue;
        }
        if let (Some(n), Some(u)) = (number(w), unit(next)) {
            // "a"/"an"/"en"/"ett" only after "for"/"i"/"under" (else "a day" is too vague).
            let article = matches!(w, "a" | "an" | "en" | "ett" | "one");
            let prev = c.prev(i, 1);
            if article && !matches!(prev, "for" | "i" | "under" | "in") {
                i += 1;
                continue;
            }
            if matches!(c.word(i + 2), "old" | "gammal" | "gamla") {
                i += 1;
                continue;
            }
            let from = if matches!(prev, "for" | "i" | "under" | "in") && i > 0 && !used[i - 1] {
                i - 1
            } else {
                i
            };
            let mut to = i + 1;
            if matches!(c.word(i + 2), "ajan" | "ajaksi") {
                to = i + 2;
            }
            push_duration(c, found, used, from, to, n as f32, u);
            i = to + 1;
            continue;
        }
        i += 1;
    }
}

fn push_duration(
    c: &Ctx,
    found: &mut Found,
    used: &mut [bool],
    from: usize,
    to: usize,
    amount: f32,
    unit: TimeUnit,
) {
    let (text, span) = c.span(from, to);
    found.durations.push(DurationMention {
        amount,
        unit,
        text,
        span,
    });
    used[from..=to].iter_mut().for_each(|u| *u = true);
}
