//! Attribute values on the web pages, for persons and companies alike: how a value is shown
//! readably (3X10D meters as a list of ten areas, life events with their dates, a household as
//! adults and children…), the edit form of each attribute (plain fields, no JSON for the
//! attributes the registry bundles; a JSON field for any other), reading a posted form back
//! into a value, and placing the engine's validation errors next to the field they concern.
//!
//! The form kind follows the attribute's name for the compound attributes and its JSON
//! Schema otherwise, so a new registry attribute gets a working form without code.

use aurora_model::{CodeLists, Lang};
use aurora_twin::registry::{Attribute, RegistryError};
use aurora_twin::twin::{ActorView, TwinError, ValueView};
use serde_json::{json, Map, Value};

use super::{collation_key, show_date, show_time, FieldError, Form};
use crate::i18n::Tr;

/// Rows of an event list shown for new events.
const NEW_EVENT_ROWS: usize = 1;

/// How an attribute is edited.
pub(crate) enum Kind {
    Integer {
        min: i64,
        max: i64,
    },
    Boolean,
    /// A closed list of values; labels from `me-choice-<attribute>-<value>` when `labelled`.
    Choice {
        values: Vec<String>,
        labelled: bool,
    },
    Municipality,
    Language,
    Text,
    /// The 3X10D meters: dimension key and its name.
    Meters(Vec<(String, String)>),
    /// Dated events: the codes and their names.
    Events(Vec<(String, String)>),
    Household,
    Json,
}

/// Labelled choice attributes (their labels are in `me.ftl`).
const LABELLED: [&str; 2] = ["employment_status", "size"];
/// The languages offered for `language` (others stay possible through the API).
const LANGUAGES: [&str; 3] = ["fi", "sv", "en"];

fn schema_enum(schema: &Value) -> Option<Vec<String>> {
    schema.get("enum")?.as_array().map(|values| {
        values
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    })
}

/// The form kind of an attribute.
pub(crate) fn kind_of(attr: &Attribute, lang: Lang) -> Kind {
    let tr = Tr::new(lang);
    match attr.name.as_str() {
        "municipality_code" => return Kind::Municipality,
        "language" => return Kind::Language,
        "household" => return Kind::Household,
        "life_situation_meters" => {
            if let Some(dims) = &attr.dimensions {
                // In the registry's (schema's) order, which is the 3X10D order.
                let order: Vec<String> = attr
                    .schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default();
                let mut out: Vec<(String, String)> = order
                    .iter()
                    .filter_map(|k| dims.get(k).map(|t| (k.clone(), t.get(lang).to_string())))
                    .collect();
                for (k, t) in dims {
                    if !out.iter().any(|(o, _)| o == k) {
                        out.push((k.clone(), t.get(lang).to_string()));
                    }
                }
                return Kind::Meters(out);
            }
        }
        "life_events" => {
            let mut codes: Vec<(String, String)> = CodeLists::get()
                .life_events()
                .iter()
                .map(|c| {
                    let name = c.label.get(lang).unwrap_or(&c.code).to_string();
                    (c.code.clone(), name)
                })
                .collect();
            codes.sort_by_cached_key(|(_, n)| collation_key(n));
            return Kind::Events(codes);
        }
        _ => {}
    }
    let item_codes = attr
        .schema
        .pointer("/items/properties/code")
        .and_then(schema_enum);
    if let (Some(codes), Some("array")) = (item_codes, attr.schema["type"].as_str()) {
        let prefix = format!("me-choice-{}-", attr.name);
        let labelled = attr.name == "business_events";
        return Kind::Events(
            codes
                .into_iter()
                .map(|c| {
                    let name = if labelled {
                        tr.t(&format!("{prefix}{c}"))
                    } else {
                        c.clone()
                    };
                    (c, name)
                })
                .collect(),
        );
    }
    match attr.schema["type"].as_str() {
        Some("integer") => Kind::Integer {
            min: attr.schema["minimum"].as_i64().unwrap_or(i64::MIN),
            max: attr.schema["maximum"].as_i64().unwrap_or(i64::MAX),
        },
        Some("boolean") => Kind::Boolean,
        Some("string") => match schema_enum(&attr.schema) {
            Some(values) => Kind::Choice {
                values,
                labelled: LABELLED.contains(&attr.name.as_str()),
            },
            None => Kind::Text,
        },
        _ => Kind::Json,
    }
}

// ------------------------------------------------------------------------------------------
// Showing values
// ------------------------------------------------------------------------------------------

/// One line of a shown value: an optional label (a `<dt>`) and the text.
pub(crate) struct Line {
    pub(crate) label: Option<String>,
    pub(crate) text: String,
}

fn line(text: String) -> Line {
    Line { label: None, text }
}

fn choice_label(tr: &Tr, attribute: &str, value: &str, labelled: bool) -> String {
    if labelled {
        tr.t(&format!("me-choice-{attribute}-{value}"))
    } else {
        value.to_string()
    }
}

fn municipality_name(code: &str, lang: Lang) -> String {
    match CodeLists::get().municipality(code) {
        Some(m) => format!("{} ({code})", m.name.get(lang).unwrap_or(code)),
        None => code.to_string(),
    }
}

fn language_name(tr: &Tr, code: &str) -> String {
    if LANGUAGES.contains(&code) {
        tr.t(&format!("me-language-{code}"))
    } else {
        code.to_string()
    }
}

fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The value as a person reads it.
pub(crate) fn shown(attr: &Attribute, value: &Value, lang: Lang) -> Vec<Line> {
    let tr = Tr::new(lang);
    match kind_of(attr, lang) {
        Kind::Integer { .. } if attr.name == "age" => match value.as_u64() {
            Some(n) => vec![line(tr.t1("me-value-years", "n", n))],
            None => vec![line(compact(value))],
        },
        Kind::Boolean => vec![line(match value.as_bool() {
            Some(true) => tr.t("me-yes"),
            Some(false) => tr.t("me-no"),
            None => compact(value),
        })],
        Kind::Choice { labelled, .. } => match value.as_str() {
            Some(s) => vec![line(choice_label(&tr, &attr.name, s, labelled))],
            None => vec![line(compact(value))],
        },
        Kind::Municipality => vec![line(municipality_name(
            value.as_str().unwrap_or_default(),
            lang,
        ))],
        Kind::Language => vec![line(language_name(&tr, value.as_str().unwrap_or_default()))],
        Kind::Meters(dims) => {
            let obj = value.as_object();
            dims.iter()
                .filter_map(|(k, name)| {
                    let v = obj?.get(k)?;
                    let n = v.as_u64().or_else(|| v.get(0).and_then(Value::as_u64))?;
                    Some(Line {
                        label: Some(name.clone()),
                        text: tr.t1("me-value-meter", "n", n),
                    })
                })
                .collect()
        }
        Kind::Events(codes) => {
            let mut items: Vec<(String, String)> = value
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|e| {
                            let code = e["code"].as_str().unwrap_or_default();
                            let date = e["date"].as_str().unwrap_or_default().to_string();
                            let name = codes
                                .iter()
                                .find(|(c, _)| c == code)
                                .map_or_else(|| code.to_string(), |(_, n)| n.clone());
                            (date, name)
                        })
                        .collect()
                })
                .unwrap_or_default();
            items.sort();
            if items.is_empty() {
                return vec![line(tr.t("me-value-no-events"))];
            }
            items
                .into_iter()
                .map(|(date, name)| Line {
                    label: Some(show_date(&date, lang)),
                    text: name,
                })
                .collect()
        }
        Kind::Household => {
            let adults = value["adults"].as_u64().unwrap_or(0);
            let years: Vec<String> = value["children"]
                .as_array()
                .map(|c| {
                    c.iter()
                        .filter_map(|x| x["birth_year"].as_u64())
                        .map(|y| y.to_string())
                        .collect()
                })
                .unwrap_or_default();
            let mut lines = vec![Line {
                label: Some(tr.t("me-household-adults")),
                text: adults.to_string(),
            }];
            lines.push(Line {
                label: Some(tr.t("me-household-children")),
                text: if years.is_empty() {
                    "0".into()
                } else {
                    tr.t1("me-household-children-born", "n", years.len() as u64)
                        + " "
                        + &years.join(", ")
                },
            });
            lines
        }
        Kind::Integer { .. } | Kind::Text | Kind::Json => vec![line(compact(value))],
    }
}

/// "5.3.2026 klo 14.07 UTC, you" — when and by whom a value was last changed.
pub(crate) fn who(actor: &ActorView, me: &str, lang: Lang) -> String {
    let tr = Tr::new(lang);
    match actor.kind.as_str() {
        "person" if actor.id == me => tr.t("me-actor-you"),
        "person" => tr.t("me-actor-person"),
        "agent" if actor.id == me => tr.t("me-actor-you-mandate"),
        "agent" => tr.t("me-actor-agent"),
        "service" => format!("{} ({})", tr.t("me-actor-service"), actor.id),
        _ => tr.t("me-actor-operator"),
    }
}

// ------------------------------------------------------------------------------------------
// Edit forms
// ------------------------------------------------------------------------------------------

pub(crate) struct Opt {
    pub(crate) value: String,
    pub(crate) text: String,
    pub(crate) selected: bool,
}

/// One form control.
pub(crate) struct Control {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) label: String,
    /// `number`, `text`, `date`, `select`, `radio` or `textarea`.
    pub(crate) kind: &'static str,
    pub(crate) value: String,
    pub(crate) options: Vec<Opt>,
    pub(crate) min: String,
    pub(crate) max: String,
    pub(crate) hint: Option<String>,
    pub(crate) error: Option<String>,
}

impl Control {
    fn new(prefix: &str, name: &str, label: String, kind: &'static str) -> Control {
        Control {
            id: format!("{prefix}-{}", name.replace('_', "-")),
            name: name.to_string(),
            label,
            kind,
            value: String::new(),
            options: Vec::new(),
            min: String::new(),
            max: String::new(),
            hint: None,
            error: None,
        }
    }

    /// The element an error summary links to (the first radio button of a group).
    pub(crate) fn anchor(&self) -> String {
        match (self.kind, self.options.first()) {
            ("radio", Some(o)) => format!("{}-{}", self.id, o.value),
            _ => self.id.clone(),
        }
    }

    fn options(mut self, options: Vec<(String, String)>, blank: Option<String>) -> Control {
        let mut out = Vec::new();
        if let Some(b) = blank {
            out.push(Opt {
                value: String::new(),
                text: b,
                selected: self.value.is_empty(),
            });
        }
        let mut found = self.value.is_empty();
        for (value, text) in options {
            let selected = value == self.value;
            found |= selected;
            out.push(Opt {
                value,
                text,
                selected,
            });
        }
        if !found {
            // A stored value the list does not offer stays choosable (and visible).
            out.push(Opt {
                value: self.value.clone(),
                text: self.value.clone(),
                selected: true,
            });
        }
        self.options = out;
        self
    }
}

/// A group of controls (a `<fieldset>` when it has a legend).
pub(crate) struct Group {
    pub(crate) legend: Option<String>,
    pub(crate) hint: Option<String>,
    pub(crate) controls: Vec<Control>,
}

fn single(control: Control) -> Vec<Group> {
    vec![Group {
        legend: None,
        hint: None,
        controls: vec![control],
    }]
}

/// Where a control's value comes from: a posted form (re-shown with its errors) or the value.
fn from(posted: Option<&Form>, name: &str, current: impl FnOnce() -> String) -> String {
    match posted {
        Some(f) => f.get(name).to_string(),
        None => current(),
    }
}

/// The controls of an attribute's edit form.
pub(crate) fn controls(
    attr: &Attribute,
    lang: Lang,
    prefix: &str,
    current: Option<&Value>,
    posted: Option<&Form>,
) -> Vec<Group> {
    let tr = Tr::new(lang);
    let title = attr.title.get(lang).to_string();
    let cur = current.cloned().unwrap_or(Value::Null);
    let scalar = || match &cur {
        Value::Null => String::new(),
        v => compact(v),
    };
    match kind_of(attr, lang) {
        Kind::Integer { min, max } => {
            let mut c = Control::new(prefix, "value", title, "number");
            c.value = from(posted, "value", scalar);
            if min != i64::MIN {
                c.min = min.to_string();
            }
            if max != i64::MAX {
                c.max = max.to_string();
            }
            single(c)
        }
        Kind::Boolean => {
            let mut c = Control::new(prefix, "value", title, "radio");
            c.value = from(posted, "value", || match cur.as_bool() {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            });
            c.options = [("yes", tr.t("me-yes")), ("no", tr.t("me-no"))]
                .into_iter()
                .map(|(v, t)| Opt {
                    selected: c.value == v,
                    value: v.into(),
                    text: t,
                })
                .collect();
            single(c)
        }
        Kind::Choice { values, labelled } => {
            let mut c = Control::new(prefix, "value", title, "select");
            c.value = from(posted, "value", scalar);
            let opts = values
                .iter()
                .map(|v| (v.clone(), choice_label(&tr, &attr.name, v, labelled)))
                .collect();
            single(c.options(opts, Some(tr.t("me-choose"))))
        }
        Kind::Municipality => {
            let mut c = Control::new(prefix, "value", title, "select");
            c.value = from(posted, "value", scalar);
            let mut opts: Vec<(String, String)> = CodeLists::get()
                .municipalities()
                .iter()
                .map(|m| {
                    (
                        m.code.clone(),
                        m.name.get(lang).unwrap_or(&m.code).to_string(),
                    )
                })
                .collect();
            opts.sort_by_cached_key(|(_, n)| collation_key(n));
            single(c.options(opts, Some(tr.t("me-choose"))))
        }
        Kind::Language => {
            let mut c = Control::new(prefix, "value", title, "select");
            c.value = from(posted, "value", scalar);
            let opts = LANGUAGES
                .iter()
                .map(|l| (l.to_string(), language_name(&tr, l)))
                .collect();
            single(c.options(opts, Some(tr.t("me-choose"))))
        }
        Kind::Text => {
            let mut c = Control::new(prefix, "value", title, "text");
            c.value = from(posted, "value", scalar);
            single(c)
        }
        Kind::Json => {
            let mut c = Control::new(prefix, "value", title, "textarea");
            c.value = from(posted, "value", || match &cur {
                Value::Null => String::new(),
                v => serde_json::to_string_pretty(v).unwrap_or_default(),
            });
            c.hint = Some(tr.t("me-hint-json"));
            single(c)
        }
        Kind::Meters(dims) => {
            let controls = dims
                .into_iter()
                .map(|(k, name)| {
                    let field = format!("m_{k}");
                    let mut c = Control::new(prefix, &field, name, "number");
                    c.value = from(posted, &field, || {
                        cur.get(&k)
                            .and_then(|v| v.as_u64().or_else(|| v.get(0).and_then(Value::as_u64)))
                            .map(|n| n.to_string())
                            .unwrap_or_default()
                    });
                    c.min = "0".into();
                    c.max = "10".into();
                    c
                })
                .collect();
            vec![Group {
                legend: Some(attr.title.get(lang).to_string()),
                hint: Some(tr.t("me-hint-meters")),
                controls,
            }]
        }
        Kind::Events(codes) => {
            let existing: Vec<(String, String)> = cur
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|e| {
                            (
                                e["code"].as_str().unwrap_or_default().to_string(),
                                e["date"].as_str().unwrap_or_default().to_string(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let rows = match posted {
                Some(f) => f.get("rows").parse::<usize>().unwrap_or(0).min(200),
                None => existing.len() + NEW_EVENT_ROWS,
            };
            (0..rows)
                .map(|i| {
                    let new = posted.is_none() && i >= existing.len();
                    let (code_name, date_name) = (format!("ev_code_{i}"), format!("ev_date_{i}"));
                    let mut code =
                        Control::new(prefix, &code_name, tr.t("me-event-code"), "select");
                    code.value = from(posted, &code_name, || {
                        existing.get(i).map(|e| e.0.clone()).unwrap_or_default()
                    });
                    let code = code.options(codes.clone(), Some(tr.t("me-event-none")));
                    let mut date = Control::new(prefix, &date_name, tr.t("me-event-date"), "date");
                    date.value = from(posted, &date_name, || {
                        existing.get(i).map(|e| e.1.clone()).unwrap_or_default()
                    });
                    Group {
                        legend: Some(if new {
                            tr.t("me-event-new")
                        } else {
                            tr.t1("me-event-n", "n", i as u64 + 1)
                        }),
                        hint: None,
                        controls: vec![code, date],
                    }
                })
                .collect()
        }
        Kind::Household => {
            let mut adults = Control::new(prefix, "adults", tr.t("me-household-adults"), "number");
            adults.value = from(posted, "adults", || {
                cur["adults"]
                    .as_u64()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            });
            adults.min = "1".into();
            adults.max = "20".into();
            let mut children = Control::new(
                prefix,
                "children",
                tr.t("me-household-children-years"),
                "text",
            );
            children.value = from(posted, "children", || {
                cur["children"]
                    .as_array()
                    .map(|c| {
                        c.iter()
                            .filter_map(|x| x["birth_year"].as_u64())
                            .map(|y| y.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default()
            });
            children.hint = Some(tr.t("me-hint-children"));
            vec![Group {
                legend: Some(attr.title.get(lang).to_string()),
                hint: None,
                controls: vec![adults, children],
            }]
        }
    }
}

/// The number of event rows a form carries (so a re-shown form has the same rows).
pub(crate) fn event_rows(groups: &[Group]) -> Option<usize> {
    groups
        .first()
        .filter(|g| {
            g.controls
                .first()
                .is_some_and(|c| c.name.starts_with("ev_code_"))
        })
        .map(|_| groups.len())
}

/// A form problem: the control's name and the message.
pub(crate) type Problem = (String, String);

/// Reads a posted edit form into the value to store. For events, also the form row of each
/// item of the value (to place the engine's errors).
pub(crate) fn parse(
    attr: &Attribute,
    lang: Lang,
    form: &Form,
) -> Result<(Value, Vec<usize>), Vec<Problem>> {
    let tr = Tr::new(lang);
    let v = form.get("value");
    let one = |p: String| Err(vec![("value".to_string(), p)]);
    match kind_of(attr, lang) {
        Kind::Integer { min, max } => match v.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok((json!(n), vec![])),
            _ if v.is_empty() => one(tr.t("me-error-required")),
            _ => one(range_message(&tr, min, max)),
        },
        Kind::Boolean => match v {
            "yes" => Ok((json!(true), vec![])),
            "no" => Ok((json!(false), vec![])),
            _ => one(tr.t("me-error-choose")),
        },
        Kind::Choice { .. } | Kind::Municipality | Kind::Language => {
            if v.is_empty() {
                one(tr.t("me-error-choose"))
            } else {
                Ok((json!(v), vec![]))
            }
        }
        Kind::Text => {
            if v.is_empty() {
                one(tr.t("me-error-required"))
            } else {
                Ok((json!(v), vec![]))
            }
        }
        Kind::Json => match serde_json::from_str::<Value>(v) {
            Ok(value) => Ok((value, vec![])),
            Err(_) if v.is_empty() => one(tr.t("me-error-required")),
            Err(_) => one(tr.t("me-error-json")),
        },
        Kind::Meters(dims) => {
            let mut out = Map::new();
            let mut problems = Vec::new();
            for (k, _) in &dims {
                let field = format!("m_{k}");
                let raw = form.get(&field);
                if raw.is_empty() {
                    continue;
                }
                match raw.parse::<u8>() {
                    Ok(n) if n <= 10 => {
                        out.insert(k.clone(), json!(n));
                    }
                    _ => problems.push((field, tr.t("me-error-meter"))),
                }
            }
            if !problems.is_empty() {
                return Err(problems);
            }
            if out.is_empty() {
                let first = dims
                    .first()
                    .map(|(k, _)| format!("m_{k}"))
                    .unwrap_or_default();
                return Err(vec![(first, tr.t("me-error-meters-empty"))]);
            }
            Ok((Value::Object(out), vec![]))
        }
        Kind::Events(_) => {
            let rows = form.get("rows").parse::<usize>().unwrap_or(0).min(200);
            let mut items = Vec::new();
            let mut row_of = Vec::new();
            let mut problems = Vec::new();
            for i in 0..rows {
                let (cn, dn) = (format!("ev_code_{i}"), format!("ev_date_{i}"));
                let (code, date) = (form.get(&cn), form.get(&dn));
                match (code.is_empty(), date.is_empty()) {
                    (true, true) => continue,
                    (true, false) => problems.push((cn, tr.t("me-error-event-code"))),
                    (false, true) => problems.push((dn, tr.t("me-error-date"))),
                    (false, false) => {
                        if !is_date(date) {
                            problems.push((dn, tr.t("me-error-date")));
                        } else {
                            items.push(json!({"code": code, "date": date}));
                            row_of.push(i);
                        }
                    }
                }
            }
            if !problems.is_empty() {
                return Err(problems);
            }
            Ok((Value::Array(items), row_of))
        }
        Kind::Household => {
            let mut problems = Vec::new();
            let adults = match form.get("adults").parse::<u8>() {
                Ok(n) if (1..=20).contains(&n) => Some(n),
                _ => {
                    problems.push(("adults".into(), range_message(&tr, 1, 20)));
                    None
                }
            };
            let mut years = Vec::new();
            for part in form
                .get("children")
                .split([',', ' ', ';'])
                .filter(|p| !p.is_empty())
            {
                match part.parse::<u16>() {
                    Ok(y) if (1900..=2100).contains(&y) => years.push(json!({"birth_year": y})),
                    _ => {
                        problems.push(("children".into(), tr.t("me-error-years")));
                        break;
                    }
                }
            }
            match adults {
                Some(a) if problems.is_empty() => {
                    Ok((json!({"adults": a, "children": years}), vec![]))
                }
                _ => Err(problems),
            }
        }
    }
}

fn range_message(tr: &Tr, min: i64, max: i64) -> String {
    let (min, max) = (min.max(0) as u64, max.max(0) as u64);
    tr.t_args("me-error-integer", &[("min", min), ("max", max)])
}

/// `YYYY-MM-DD`, a real date.
fn is_date(s: &str) -> bool {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    s.len() == 10 && time::Date::parse(s, &f).is_ok()
}

/// Places an engine error of a set: validation errors next to the field they concern, a
/// conflict (changed meanwhile) on the first field. `None` for other errors (a page error).
pub(crate) fn engine_problem(
    e: &TwinError,
    attr: &Attribute,
    lang: Lang,
    row_of: &[usize],
) -> Option<Problem> {
    let tr = Tr::new(lang);
    let (pointer, text) = match e {
        TwinError::Invalid(RegistryError::Invalid { pointer, .. }) => {
            (pointer.clone(), tr.t("me-error-invalid"))
        }
        TwinError::Conflict { .. } => (String::new(), tr.t("me-error-conflict")),
        _ => return None,
    };
    let parts: Vec<&str> = pointer.split('/').filter(|p| !p.is_empty()).collect();
    let field = match kind_of(attr, lang) {
        Kind::Meters(dims) => match parts.first() {
            Some(k) => format!("m_{k}"),
            None => dims
                .first()
                .map(|(k, _)| format!("m_{k}"))
                .unwrap_or_default(),
        },
        Kind::Events(_) => {
            let row = parts
                .first()
                .and_then(|i| i.parse::<usize>().ok())
                .and_then(|i| row_of.get(i).copied())
                .unwrap_or(0);
            match parts.get(1) {
                Some(&"date") => format!("ev_date_{row}"),
                _ => format!("ev_code_{row}"),
            }
        }
        Kind::Household => match parts.first() {
            Some(&"children") => "children".into(),
            _ => "adults".into(),
        },
        _ => "value".into(),
    };
    Some((field, text))
}

/// Puts problems on their controls; returns the summary entries.
pub(crate) fn place(groups: &mut [Group], problems: Vec<Problem>) -> Vec<FieldError> {
    let mut summary = Vec::new();
    for (name, text) in problems {
        let target = groups
            .iter_mut()
            .flat_map(|g| g.controls.iter_mut())
            .find(|c| c.name == name);
        let field_id = match target {
            Some(c) => {
                c.error = Some(text.clone());
                c.anchor()
            }
            None => String::new(),
        };
        summary.push(FieldError { field_id, text });
    }
    summary
}

/// An attribute on a page: its names, its value shown, and its form.
pub(crate) struct AttrView {
    pub(crate) name: String,
    pub(crate) anchor: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) sensitive: bool,
    pub(crate) lines: Vec<Line>,
    pub(crate) labelled: bool,
    pub(crate) has_value: bool,
    pub(crate) version: i64,
    pub(crate) updated: Option<String>,
    pub(crate) editable: bool,
    pub(crate) groups: Vec<Group>,
    pub(crate) rows: Option<usize>,
    pub(crate) open: bool,
    pub(crate) status: Option<String>,
    pub(crate) save_action: String,
    pub(crate) delete_action: String,
}

/// The view of every attribute of `attrs`, with the current values; `base` is the address
/// the forms post under (`/fi/me/twin`).
pub(crate) fn views(
    attrs: &[&Attribute],
    values: &[ValueView],
    me: &str,
    lang: Lang,
    base: &str,
    editable: bool,
) -> Vec<AttrView> {
    attrs
        .iter()
        .map(|attr| {
            let current = values.iter().find(|v| v.attribute == attr.name);
            let anchor = format!("attr-{}", attr.name.replace('_', "-"));
            let lines = current
                .map(|v| shown(attr, &v.value, lang))
                .unwrap_or_default();
            let groups = controls(attr, lang, &anchor, current.map(|v| &v.value), None);
            AttrView {
                name: attr.name.clone(),
                title: attr.title.get(lang).to_string(),
                description: attr.description.get(lang).to_string(),
                sensitive: attr.sensitive,
                labelled: lines.iter().any(|l| l.label.is_some()),
                lines,
                has_value: current.is_some(),
                version: current.map_or(0, |v| v.version),
                updated: current.map(|v| {
                    format!(
                        "{}, {}",
                        show_time(&v.updated_at, lang),
                        who(&v.updated_by, me, lang)
                    )
                }),
                editable,
                rows: event_rows(&groups),
                groups,
                open: false,
                status: None,
                save_action: format!("{base}/{}", attr.name),
                delete_action: format!("{base}/{}/delete", attr.name),
                anchor,
            }
        })
        .collect()
}

/// Re-shows the form of `attr` as posted, with its problems; returns the summary entries.
pub(crate) fn reshow(
    view: &mut AttrView,
    attr: &Attribute,
    lang: Lang,
    form: &Form,
    problems: Vec<Problem>,
) -> Vec<FieldError> {
    let mut groups = controls(attr, lang, &view.anchor, None, Some(form));
    let summary = place(&mut groups, problems);
    view.rows = event_rows(&groups);
    view.groups = groups;
    view.open = true;
    summary
}

#[cfg(test)]
mod tests {
    use super::*;
    use aurora_twin::registry::AttributeRegistry;

    fn attr(name: &str) -> &'static Attribute {
        AttributeRegistry::bundled().get(name).unwrap()
    }

    fn form(s: &str) -> Form {
        Form::parse(s.as_bytes())
    }

    #[test]
    fn every_bundled_attribute_has_a_form_that_reads_back_its_own_value() {
        let samples = [
            ("age", json!(42)),
            ("municipality_code", json!("091")),
            ("life_situation_meters", json!({"family": 8, "health": 0})),
            (
                "life_events",
                json!([{"code": "KE1", "date": "2026-03-05"}]),
            ),
            ("language", json!("sv")),
            (
                "household",
                json!({"adults": 2, "children": [{"birth_year": 2015}]}),
            ),
            ("student", json!(false)),
            ("employment_status", json!("retired")),
            ("industry_class", json!("62010")),
            ("size", json!("micro")),
            (
                "business_events",
                json!([{"code": "starting", "date": "2020-01-02"}]),
            ),
        ];
        for (name, value) in samples {
            let a = attr(name);
            let groups = controls(a, Lang::Fi, "p", Some(&value), None);
            let mut body = form_urlencoded::Serializer::new(String::new());
            for c in groups.iter().flat_map(|g| &g.controls) {
                body.append_pair(&c.name, &c.value);
            }
            if let Some(rows) = event_rows(&groups) {
                body.append_pair("rows", &rows.to_string());
            }
            let (back, _) = parse(a, Lang::Fi, &form(&body.finish()))
                .unwrap_or_else(|e| panic!("{name}: {:?}", e));
            assert_eq!(back, value, "{name}");
            AttributeRegistry::bundled()
                .validate(name, a.subjects[0], &back)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!shown(a, &value, Lang::En).is_empty(), "{name}");
        }
    }

    #[test]
    fn bad_input_is_named_by_field() {
        let e = parse(attr("age"), Lang::En, &form("value=abc")).unwrap_err();
        assert_eq!(e[0].0, "value");
        assert!(e[0].1.contains("150"), "{}", e[0].1);
        let e = parse(
            attr("life_situation_meters"),
            Lang::En,
            &form("m_family=11"),
        )
        .unwrap_err();
        assert_eq!(e[0].0, "m_family");
        let e = parse(attr("life_situation_meters"), Lang::En, &form("")).unwrap_err();
        assert_eq!(e[0].0, "m_working_studying");
        let e = parse(
            attr("life_events"),
            Lang::En,
            &form("rows=2&ev_code_0=KE1&ev_date_0=2026-01-01&ev_code_1=KE1&ev_date_1=2026-02-30"),
        )
        .unwrap_err();
        assert_eq!(e[0].0, "ev_date_1");
        let e = parse(attr("household"), Lang::En, &form("adults=2&children=20x5")).unwrap_err();
        assert_eq!(e[0].0, "children");
    }

    #[test]
    fn engine_errors_land_on_the_right_row() {
        let a = attr("life_events");
        let e = TwinError::Invalid(RegistryError::Invalid {
            attribute: "life_events".into(),
            pointer: "/1/code".into(),
            reason: "x".into(),
        });
        let (field, _) = engine_problem(&e, a, Lang::Fi, &[0, 3]).unwrap();
        assert_eq!(field, "ev_code_3");
    }

    #[test]
    fn meters_are_shown_by_name() {
        let lines = shown(
            attr("life_situation_meters"),
            &json!({"family": 8}),
            Lang::En,
        );
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].label.as_deref(), Some("Family"));
        assert_eq!(lines[0].text, "8 / 10");
    }
}
