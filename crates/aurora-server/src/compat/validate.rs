//! Request validation with the reference's semantics (marshmallow 3.19 schemas with the
//! default `unknown=RAISE`), and its error messages.
//!
//! Every field of a schema is checked and every problem collected; a schema's own validators
//! (`@validates_schema`) run only when its fields are valid, as marshmallow's default
//! `skip_on_field_errors` does. Errors are rendered as the Python `dict` marshmallow puts in
//! the 400 body: `Validation error in request data: {'limit': ['Not a valid integer.']}`.
//!
//! "Strict" integers (`limit`, the meters, ids in bodies) accept only JSON integers; the
//! others (`feedback_score`, query parameters) accept what Python's `int()` accepts: integer
//! strings and, truncated, floats. Booleans are never numbers, and `true`/`false` are the
//! only booleans.

use std::sync::OnceLock;

use aurora_guide::threex10d::Needs;
use aurora_model::{CodeLists, Dimension, FundingType, Lang, ServiceFilter};
use serde_json::{Map, Value};

const NULL: &str = "Field may not be null.";
const MISSING: &str = "Missing data for required field.";
const UNKNOWN: &str = "Unknown field.";
const NOT_INT: &str = "Not a valid integer.";
const NOT_STRING: &str = "Not a valid string.";
const NOT_LIST: &str = "Not a valid list.";
const NOT_BOOL: &str = "boolean field must be true or false";
const INVALID_TYPE: &str = "Invalid input type.";

/// The prefix of a service-class URI in the reference's filter.
pub(crate) const SERVICE_CLASS_URI: &str = "http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/";

/// The languages `text_search` accepts (only fi, sv and en exist in the catalogue).
pub(crate) const VALID_LANGUAGES: [&str; 10] =
    ["en", "de", "fr", "et", "da", "no", "uk", "ru", "fi", "sv"];

/// The reference's filterable target groups.
const TARGET_GROUPS: [&str; 3] = ["KR1", "KR2", "KR3"];

/// The reference's mock municipality, which its schema accepts alongside the real ones.
pub(crate) const MOCK_MUNICIPALITY: &str = "000";

/// A key of an error dictionary: a field name or a list index.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Key {
    Name(String),
    Index(usize),
}

impl From<&str> for Key {
    fn from(s: &str) -> Self {
        Key::Name(s.to_string())
    }
}

impl From<usize> for Key {
    fn from(i: usize) -> Self {
        Key::Index(i)
    }
}

/// An error entry: messages, or the errors of a nested value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Messages(Vec<String>),
    Nested(Errors),
}

/// marshmallow's error dictionary, in insertion order.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Errors(Vec<(Key, Node)>);

impl Errors {
    /// Adds a message under `key`.
    pub(crate) fn msg(&mut self, key: impl Into<Key>, message: impl Into<String>) {
        let key = key.into();
        let message = message.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, Node::Messages(list))) => list.push(message),
            Some((_, node)) => *node = Node::Messages(vec![message]),
            None => self.0.push((key, Node::Messages(vec![message]))),
        }
    }

    /// Adds a schema-level message (`_schema`).
    pub(crate) fn schema(&mut self, message: impl Into<String>) {
        self.msg("_schema", message);
    }

    /// Adds the errors of a nested value under `key` (nothing when there are none).
    pub(crate) fn nested(&mut self, key: impl Into<Key>, errors: Errors) {
        if !errors.is_empty() {
            self.0.push((key.into(), Node::Nested(errors)));
        }
    }

    fn node(&mut self, key: impl Into<Key>, node: Node) {
        match node {
            Node::Messages(list) => {
                let key = key.into();
                for m in list {
                    self.msg(key.clone(), m);
                }
            }
            Node::Nested(e) => self.nested(key, e),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The Python `repr` of the dictionary.
    pub(crate) fn python(&self) -> String {
        let mut out = String::from("{");
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match k {
                Key::Name(n) => out.push_str(&py_str(n)),
                Key::Index(i) => out.push_str(&i.to_string()),
            }
            out.push_str(": ");
            match v {
                Node::Messages(list) => {
                    out.push('[');
                    let items: Vec<String> = list.iter().map(|m| py_str(m)).collect();
                    out.push_str(&items.join(", "));
                    out.push(']');
                }
                Node::Nested(e) => out.push_str(&e.python()),
            }
        }
        out.push('}');
        out
    }
}

/// Python's `repr` of a `str`: single quotes unless the text has a single quote and no double
/// quote.
fn py_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn schema_error(message: &str) -> Node {
    let mut e = Errors::default();
    e.schema(message);
    Node::Nested(e)
}

/// A JSON object being validated against a schema of `fields`.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    errors: Errors,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value) -> Result<Self, Node> {
        match v {
            Value::Object(map) => Ok(Obj {
                map,
                errors: Errors::default(),
            }),
            _ => Err(schema_error(INVALID_TYPE)),
        }
    }

    /// The value of a field: `None` when absent; a null is reported and also `None`.
    fn get(&mut self, name: &str, required: Option<&str>) -> Option<&'a Value> {
        match self.map.get(name) {
            None => {
                if let Some(msg) = required {
                    self.errors.msg(name, msg);
                }
                None
            }
            Some(Value::Null) => {
                self.errors.msg(name, NULL);
                None
            }
            Some(v) => Some(v),
        }
    }

    fn present(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// Converts a present field, recording its error.
    fn take<T>(
        &mut self,
        name: &str,
        required: Option<&str>,
        convert: impl FnOnce(&'a Value) -> Result<T, Node>,
    ) -> Option<T> {
        let v = self.get(name, required)?;
        match convert(v) {
            Ok(t) => Some(t),
            Err(node) => {
                self.errors.node(name, node);
                None
            }
        }
    }

    /// Reports fields not in `known`, in body order, and returns the errors.
    fn finish(mut self, known: &[&str]) -> Errors {
        for k in self.map.keys() {
            if !known.contains(&k.as_str()) {
                self.errors.msg(k.as_str(), UNKNOWN);
            }
        }
        self.errors
    }
}

fn msg(m: impl Into<String>) -> Node {
    Node::Messages(vec![m.into()])
}

fn string(v: &Value) -> Result<&str, Node> {
    v.as_str().ok_or_else(|| msg(NOT_STRING))
}

/// marshmallow `Int(strict=True)`: JSON integers only.
fn strict_int(v: &Value) -> Result<i64, Node> {
    match v {
        Value::Number(n) => n.as_i64().ok_or_else(|| msg(NOT_INT)),
        _ => Err(msg(NOT_INT)),
    }
}

/// marshmallow `Int()`: what Python's `int()` takes (integer strings, floats truncated).
pub(crate) fn loose_int(v: &Value) -> Result<i64, Node> {
    match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => Ok(i),
            None => match n.as_f64() {
                Some(f) if f.is_finite() && f.trunc().abs() < 9.2e18 => Ok(f.trunc() as i64),
                _ => Err(msg(NOT_INT)),
            },
        },
        Value::String(s) => parse_int_text(s).ok_or_else(|| msg(NOT_INT)),
        _ => Err(msg(NOT_INT)),
    }
}

/// Python `int(str)`: optional surrounding whitespace and sign, digits (underscores between
/// digits allowed).
pub(crate) fn parse_int_text(s: &str) -> Option<i64> {
    let t = s.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let n: i64 = clean.parse().ok()?;
    Some(if neg { -n } else { n })
}

fn strict_bool(v: &Value) -> Result<bool, Node> {
    v.as_bool().ok_or_else(|| msg(NOT_BOOL))
}

fn range(n: i64, min: i64, max: Option<i64>) -> Result<i64, Node> {
    match max {
        Some(max) if n < min || n > max => Err(msg(format!(
            "Must be greater than or equal to {min} and less than or equal to {max}."
        ))),
        None if n < min => Err(msg(format!("Must be greater than or equal to {min}."))),
        _ => Ok(n),
    }
}

fn one_of<'c>(value: &str, choices: &'c [String]) -> Result<&'c str, Node> {
    choices
        .iter()
        .find(|c| c.as_str() == value)
        .map(String::as_str)
        .ok_or_else(|| msg(format!("Must be one of: {}.", choices.join(", "))))
}

fn length(len: usize, min: usize, max: Option<usize>) -> Result<(), Node> {
    match max {
        Some(max) if len < min || len > max => {
            Err(msg(format!("Length must be between {min} and {max}.")))
        }
        None if len < min => Err(msg(format!("Shorter than minimum length {min}."))),
        _ => Ok(()),
    }
}

/// marshmallow `List(inner)`: every item checked, errors keyed by index; `then` runs on the
/// whole list only when every item is valid.
fn list<'a, T>(
    v: &'a Value,
    mut item: impl FnMut(&'a Value) -> Result<T, Node>,
    then: impl FnOnce(&[T]) -> Result<(), Node>,
) -> Result<Vec<T>, Node> {
    let Value::Array(items) = v else {
        return Err(msg(NOT_LIST));
    };
    let mut out = Vec::with_capacity(items.len());
    let mut errors = Errors::default();
    for (i, x) in items.iter().enumerate() {
        let r = match x {
            Value::Null => Err(msg(NULL)),
            x => item(x),
        };
        match r {
            Ok(t) => out.push(t),
            Err(node) => errors.node(i, node),
        }
    }
    if !errors.is_empty() {
        return Err(Node::Nested(errors));
    }
    then(&out)?;
    Ok(out)
}

/// A list of strings, each one of `choices`, of length `1..=max` (or at least 1).
fn code_list(v: &Value, choices: &[String], max: Option<usize>) -> Result<Vec<String>, Node> {
    list(
        v,
        |x| one_of(string(x)?, choices).map(str::to_string),
        |l| length(l.len(), 1, max),
    )
}

/// `str(UUID(s, version=4)) == s`: lowercase, hyphenated, version 4, RFC 4122 variant.
pub(crate) fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

/// The values the reference's code-list validators accept.
pub(crate) struct Choices {
    pub(crate) municipalities: Vec<String>,
    pub(crate) regions: Vec<String>,
    pub(crate) hospital_districts: Vec<String>,
    pub(crate) wellbeing_counties: Vec<String>,
    pub(crate) service_classes: Vec<String>,
    pub(crate) target_groups: Vec<String>,
    pub(crate) funding_types: Vec<String>,
    pub(crate) languages: Vec<String>,
    pub(crate) feedback_scores: Vec<String>,
}

/// The accepted values, built once from the built-in code lists.
pub(crate) fn choices() -> &'static Choices {
    static C: OnceLock<Choices> = OnceLock::new();
    C.get_or_init(|| {
        let codes = CodeLists::get();
        let mut municipalities: Vec<String> = codes
            .municipalities()
            .iter()
            .map(|m| m.code.clone())
            .collect();
        municipalities.push(MOCK_MUNICIPALITY.to_string());
        Choices {
            municipalities,
            regions: codes.regions().iter().map(|a| a.code.clone()).collect(),
            hospital_districts: codes
                .hospital_districts()
                .iter()
                .map(|a| a.code.clone())
                .collect(),
            wellbeing_counties: codes
                .wellbeing_counties()
                .iter()
                .map(|a| a.code.clone())
                .collect(),
            service_classes: codes
                .service_classes()
                .iter()
                .map(|c| format!("{SERVICE_CLASS_URI}{}", c.code))
                .collect(),
            target_groups: TARGET_GROUPS.iter().map(|s| s.to_string()).collect(),
            funding_types: [FundingType::PubliclyFunded, FundingType::MarketFunded]
                .iter()
                .map(|f| f.as_str().to_string())
                .collect(),
            languages: VALID_LANGUAGES.iter().map(|s| s.to_string()).collect(),
            feedback_scores: vec!["-1".into(), "1".into()],
        }
    })
}

/// `LifeSituationMetersSchema`: lists of strict integers 0..10; at least one meter present.
fn meters(v: &Value) -> Result<Needs, Node> {
    let mut o = Obj::new(v)?;
    let mut needs = Needs::default();
    let mut any = false;
    for d in Dimension::ALL {
        let parsed = o.take(d.key(), None, |x| {
            list(
                x,
                |i| {
                    let n = range(strict_int(i)?, 0, Some(10))?;
                    u8::try_from(n).map_err(|_| msg(NOT_INT))
                },
                |_| Ok(()),
            )
        });
        if let Some(ratings) = parsed {
            any = true;
            needs.set_ratings(d, &ratings);
        }
    }
    let keys: Vec<&str> = Dimension::ALL.iter().map(|d| d.key()).collect();
    let mut errors = o.finish(&keys);
    if errors.is_empty() && !any {
        errors.schema("some field should be present");
    }
    if errors.is_empty() {
        Ok(needs)
    } else {
        Err(Node::Nested(errors))
    }
}

/// The fields of `ServiceFiltersSchema`, in declaration order.
const FILTER_FIELDS: [&str; 11] = [
    "include_national_services",
    "only_national_services",
    "municipality_codes",
    "region_codes",
    "hospital_district_codes",
    "service_classes",
    "target_groups",
    "service_collections",
    "rerank",
    "funding_type",
    "wellbeing_service_county_codes",
];

/// The filters `only_national_services` forbids (the reference's `AREA_FILTERS`).
const AREA_FILTERS: [&str; 5] = [
    "include_national_services",
    "municipality_codes",
    "region_codes",
    "hospital_district_codes",
    "wellbeing_service_county_codes",
];

/// `ServiceFiltersSchema` → the catalogue filter. `known_collection` stands in for the
/// reference's live lookup of PTV's service collections.
fn filters(v: &Value, known_collection: &dyn Fn(&str) -> bool) -> Result<ServiceFilter, Node> {
    let c = choices();
    let mut o = Obj::new(v)?;
    let include_national = o.take(FILTER_FIELDS[0], None, strict_bool);
    let only_national = o.take(FILTER_FIELDS[1], None, strict_bool);
    let municipalities = o.take(FILTER_FIELDS[2], None, |x| {
        code_list(x, &c.municipalities, Some(c.municipalities.len()))
    });
    let regions = o.take(FILTER_FIELDS[3], None, |x| {
        code_list(x, &c.regions, Some(c.regions.len()))
    });
    let hospital_districts = o.take(FILTER_FIELDS[4], None, |x| {
        code_list(x, &c.hospital_districts, Some(c.hospital_districts.len()))
    });
    let classes = o.take(FILTER_FIELDS[5], None, |x| {
        code_list(x, &c.service_classes, Some(c.service_classes.len()))
    });
    let target_groups = o.take(FILTER_FIELDS[6], None, |x| {
        code_list(x, &c.target_groups, Some(c.target_groups.len()))
    });
    let collections = o.take(FILTER_FIELDS[7], None, |x| {
        list(
            x,
            |i| string(i).map(str::to_string),
            |l| length(l.len(), 1, None),
        )
    });
    let _rerank = o.take(FILTER_FIELDS[8], None, strict_bool);
    let funding = o.take(FILTER_FIELDS[9], None, |x| {
        code_list(x, &c.funding_types, Some(c.funding_types.len()))
    });
    let counties = o.take(FILTER_FIELDS[10], None, |x| {
        code_list(x, &c.wellbeing_counties, Some(c.wellbeing_counties.len()))
    });
    let present: Vec<bool> = AREA_FILTERS.iter().map(|f| o.present(f)).collect();
    let mut errors = o.finish(&FILTER_FIELDS);
    if errors.is_empty() {
        if let Some(list) = &collections {
            if !list.iter().all(|id| known_collection(id)) {
                errors.schema("Invalid service collection IDs provided.");
            }
        }
        if only_national == Some(true) {
            if let Some(i) = present.iter().position(|p| *p) {
                errors.schema(format!(
                    "only_national_services selected. {} not allowed.",
                    AREA_FILTERS[i]
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(Node::Nested(errors));
    }
    Ok(ServiceFilter {
        municipality_codes: municipalities.unwrap_or_default(),
        region_codes: regions.unwrap_or_default(),
        hospital_district_codes: hospital_districts.unwrap_or_default(),
        wellbeing_county_codes: counties.unwrap_or_default(),
        include_national: include_national.unwrap_or(true),
        only_national: only_national.unwrap_or(false),
        service_classes: classes
            .unwrap_or_default()
            .iter()
            .filter_map(|u| u.strip_prefix(SERVICE_CLASS_URI).map(str::to_string))
            .collect(),
        target_groups: target_groups.unwrap_or_default(),
        life_events: Vec::new(),
        collections: collections.unwrap_or_default(),
        funding_types: funding
            .unwrap_or_default()
            .iter()
            .filter_map(|f| FundingType::parse(f))
            .collect(),
    })
}

fn limit(v: &Value) -> Result<usize, Node> {
    let n = range(strict_int(v)?, 1, Some(50))?;
    usize::try_from(n).map_err(|_| msg(NOT_INT))
}

/// A valid `recommend_service` request.
#[derive(Debug, Clone)]
pub(crate) struct RecommendInput {
    pub(crate) needs: Needs,
    pub(crate) session_id: Option<String>,
    pub(crate) limit: usize,
    pub(crate) filter: ServiceFilter,
    /// Rerank the best candidates by what the outcome learner learned.
    pub(crate) rerank: bool,
}

/// The reference's default `limit`.
pub(crate) const DEFAULT_LIMIT: usize = 5;

/// `LifeSituationMeterInput`.
pub(crate) fn recommend_input(
    body: &Value,
    known_collection: &dyn Fn(&str) -> bool,
) -> Result<RecommendInput, Errors> {
    let mut o = Obj::new(body).map_err(into_errors)?;
    let session_id = o.take("session_id", None, |v| string(v).map(str::to_string));
    let limit = o.take("limit", None, limit);
    let rerank = o.take("rerank", None, strict_bool);
    let filter = o.take("service_filters", None, |v| filters(v, known_collection));
    let needs = o.take(
        "life_situation_meters",
        Some("life_situation_meters is required."),
        meters,
    );
    let errors = o.finish(&[
        "session_id",
        "limit",
        "rerank",
        "service_filters",
        "life_situation_meters",
    ]);
    match needs {
        Some(needs) if errors.is_empty() => Ok(RecommendInput {
            needs,
            session_id,
            limit: limit.unwrap_or(DEFAULT_LIMIT),
            filter: filter.unwrap_or_default(),
            rerank: rerank.unwrap_or(false),
        }),
        _ => Err(errors),
    }
}

/// A valid `text_search` request.
#[derive(Debug, Clone)]
pub(crate) struct TextSearchInput {
    pub(crate) text: String,
    pub(crate) limit: usize,
    pub(crate) filter: ServiceFilter,
    /// The language given, when it is one the catalogue has (fi, sv, en); the others are
    /// accepted, the text then analysed in all three and the output in Finnish.
    pub(crate) lang: Option<Lang>,
}

/// `TextSearchInput`.
pub(crate) fn text_search_input(
    body: &Value,
    known_collection: &dyn Fn(&str) -> bool,
) -> Result<TextSearchInput, Errors> {
    let c = choices();
    let mut o = Obj::new(body).map_err(into_errors)?;
    let text = o.take("search_text", Some(MISSING), |v| {
        let s = string(v)?;
        length(s.chars().count(), 1, Some(1024))?;
        Ok(s.to_string())
    });
    let filter = o.take("service_filters", None, |v| filters(v, known_collection));
    let limit = o.take("limit", None, limit);
    let _rerank = o.take("rerank", None, strict_bool);
    let language = o.take("language", None, |v| {
        one_of(string(v)?, &c.languages).map(str::to_string)
    });
    let errors = o.finish(&[
        "search_text",
        "service_filters",
        "limit",
        "rerank",
        "language",
    ]);
    match text {
        Some(text) if errors.is_empty() => Ok(TextSearchInput {
            text,
            limit: limit.unwrap_or(DEFAULT_LIMIT),
            filter: filter.unwrap_or_default(),
            lang: language.and_then(|l| Lang::parse(&l)),
        }),
        _ => Err(errors),
    }
}

/// A valid `recommendation_feedback` request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeedbackInput {
    pub(crate) recommendation_id: i64,
    pub(crate) overall: Option<i64>,
    pub(crate) services: Vec<(String, i64)>,
}

fn feedback_score(v: &Value) -> Result<i64, Node> {
    let n = loose_int(v)?;
    one_of(&n.to_string(), &choices().feedback_scores)?;
    Ok(n)
}

/// `ServiceFeedback`.
fn service_feedback(v: &Value) -> Result<(String, i64), Node> {
    let mut o = Obj::new(v)?;
    let id = o.take("service_id", Some(MISSING), |v| {
        string(v).map(str::to_string)
    });
    let score = o.take("feedback_score", Some(MISSING), feedback_score);
    let mut errors = o.finish(&["service_id", "feedback_score"]);
    if errors.is_empty() && !id.as_deref().is_some_and(is_uuid_v4) {
        errors.schema("service_id must be a valid UUIDv4 identifier");
    }
    match (id, score) {
        (Some(id), Some(score)) if errors.is_empty() => Ok((id, score)),
        _ => Err(Node::Nested(errors)),
    }
}

/// `RecommendationFeedback`.
pub(crate) fn feedback_input(body: &Value) -> Result<FeedbackInput, Errors> {
    let mut o = Obj::new(body).map_err(into_errors)?;
    let id = o.take("auroraai_recommendation_id", Some(MISSING), strict_int);
    let overall = o.take("feedback_score", None, feedback_score);
    let services = o.take("service_feedbacks", None, |v| {
        list(v, service_feedback, |_| Ok(()))
    });
    let errors = o.finish(&[
        "auroraai_recommendation_id",
        "feedback_score",
        "service_feedbacks",
    ]);
    match id {
        Some(recommendation_id) if errors.is_empty() => Ok(FeedbackInput {
            recommendation_id,
            overall,
            services: services.unwrap_or_default(),
        }),
        _ => Err(errors),
    }
}

/// A valid `redirect` query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RedirectInput {
    pub(crate) service_id: String,
    pub(crate) channel_id: String,
    pub(crate) recommendation_id: i64,
    pub(crate) link_id: usize,
    pub(crate) session_id: Option<String>,
    pub(crate) access_token: Option<String>,
}

/// `RedirectInput`, from the query string (the first value of a repeated parameter).
pub(crate) fn redirect_input(query: &str) -> Result<RedirectInput, Errors> {
    let mut map = Map::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        map.entry(k.into_owned())
            .or_insert(Value::String(v.into_owned()));
    }
    let body = Value::Object(map);
    let mut o = Obj::new(&body).map_err(into_errors)?;
    let text = |v: &Value| string(v).map(str::to_string);
    let service_id = o.take("service_id", Some(MISSING), text);
    let channel_id = o.take("service_channel_id", Some(MISSING), text);
    let session_id = o.take("session_id", None, text);
    let recommendation_id = o.take("recommendation_id", Some(MISSING), loose_int);
    let link_id = o.take("link_id", Some(MISSING), |v| {
        let n = range(loose_int(v)?, 0, Some(30))?;
        usize::try_from(n).map_err(|_| msg(NOT_INT))
    });
    let access_token = o.take("auroraai_access_token", None, text);
    let mut errors = o.finish(&[
        "service_id",
        "service_channel_id",
        "session_id",
        "recommendation_id",
        "link_id",
        "auroraai_access_token",
    ]);
    if errors.is_empty() {
        if !service_id.as_deref().is_some_and(is_uuid_v4) {
            errors.schema("service_id must be a valid UUIDv4 identifier");
        }
        if !channel_id.as_deref().is_some_and(is_uuid_v4) {
            errors.schema("service_channel_id must be a valid UUIDv4 identifier");
        }
    }
    match (service_id, channel_id, recommendation_id, link_id) {
        (Some(service_id), Some(channel_id), Some(recommendation_id), Some(link_id))
            if errors.is_empty() =>
        {
            Ok(RedirectInput {
                service_id,
                channel_id,
                recommendation_id,
                link_id,
                session_id,
                access_token,
            })
        }
        _ => Err(errors),
    }
}

/// A valid `POST session_attributes` request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SessionInput {
    pub(crate) channel_id: String,
    pub(crate) service_id: Option<String>,
    pub(crate) recommendation_id: Option<i64>,
    /// The attributes as sent (validated).
    pub(crate) attributes: Map<String, Value>,
}

/// `UserAttributeValues`: age 0..200, a municipality code, the meters; at least one.
fn user_attributes(v: &Value) -> Result<Map<String, Value>, Node> {
    let c = choices();
    let mut o = Obj::new(v)?;
    let age = o.take("age", None, |v| range(strict_int(v)?, 0, Some(200)));
    let meters_ok = o.take("life_situation_meters", None, meters);
    let municipality = o.take("municipality_code", None, |v| {
        one_of(string(v)?, &c.municipalities).map(str::to_string)
    });
    let map = o.map;
    let mut errors = o.finish(&["age", "life_situation_meters", "municipality_code"]);
    if errors.is_empty() && age.is_none() && meters_ok.is_none() && municipality.is_none() {
        errors.schema("some field should be present");
    }
    if errors.is_empty() {
        Ok(map.clone())
    } else {
        Err(Node::Nested(errors))
    }
}

/// `PostSessionAttributesInput`.
pub(crate) fn session_input(body: &Value) -> Result<SessionInput, Errors> {
    let mut o = Obj::new(body).map_err(into_errors)?;
    let text = |v: &Value| string(v).map(str::to_string);
    let channel_id = o.take("service_channel_id", Some(MISSING), text);
    let service_id = o.take("service_id", None, text);
    let recommendation_id = o.take("auroraai_recommendation_id", None, |v| {
        range(strict_int(v)?, 0, None)
    });
    let attributes = o.take("session_attributes", Some(MISSING), user_attributes);
    let mut errors = o.finish(&[
        "service_channel_id",
        "service_id",
        "auroraai_recommendation_id",
        "session_attributes",
    ]);
    if errors.is_empty() {
        if recommendation_id.is_some() && service_id.is_none() {
            errors.schema("service_id not provided with recommendation_id");
        }
        if !channel_id.as_deref().is_some_and(is_uuid_v4) {
            errors.schema("service_channel_id must be a valid UUIDv4 identifier");
        } else if service_id.as_deref().is_some_and(|s| !is_uuid_v4(s)) {
            errors.schema("service_id must be a valid UUIDv4 identifier");
        }
    }
    match (channel_id, attributes) {
        (Some(channel_id), Some(attributes)) if errors.is_empty() => Ok(SessionInput {
            channel_id,
            service_id,
            recommendation_id,
            attributes,
        }),
        _ => Err(errors),
    }
}

fn into_errors(node: Node) -> Errors {
    match node {
        Node::Nested(e) => e,
        Node::Messages(list) => {
            let mut e = Errors::default();
            for m in list {
                e.schema(m);
            }
            e
        }
    }
}

/// Removes Finnish personal identity codes (the reference's `\d{6}[Aa\-+]\d{3}[^\s]`) from a
/// text before it is stored.
pub(crate) fn scrub_identity_codes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let is_code = i + 11 <= chars.len()
            && chars[i..i + 6].iter().all(char::is_ascii_digit)
            && matches!(chars[i + 6], 'A' | 'a' | '-' | '+')
            && chars[i + 7..i + 10].iter().all(char::is_ascii_digit)
            && !chars[i + 10].is_whitespace();
        if is_code {
            i += 11;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_collections(_: &str) -> bool {
        false
    }

    fn correct_input() -> Value {
        json!({
            "life_situation_meters": {
                "working_studying": [7], "family": [7], "friends": [7], "health": [7],
                "improvement_of_strengths": [0, 1], "housing": [7], "finance": [7],
                "self_esteem": [7], "resilience": [7], "life_satisfaction": [7]
            },
            "session_id": "test_session",
            "service_filters": {"include_national_services": false}
        })
    }

    fn recommend_err(body: Value) -> String {
        recommend_input(&body, &no_collections)
            .expect_err("should be invalid")
            .python()
    }

    #[test]
    fn messages_are_marshmallows() {
        assert_eq!(
            recommend_err(json!({})),
            "{'life_situation_meters': ['life_situation_meters is required.']}"
        );
        let mut b = correct_input();
        b["limit"] = json!("1");
        b["age"] = json!(20);
        assert_eq!(
            recommend_err(b),
            "{'limit': ['Not a valid integer.'], 'age': ['Unknown field.']}"
        );
        let mut b = correct_input();
        b["life_situation_meters"]["family"] = json!([11, "5", null, 1.5]);
        b["limit"] = json!(0);
        assert_eq!(
            recommend_err(b),
            "{'limit': ['Must be greater than or equal to 1 and less than or equal to 50.'], \
             'life_situation_meters': {'family': {0: ['Must be greater than or equal to 0 and \
             less than or equal to 10.'], 1: ['Not a valid integer.'], 2: ['Field may not be \
             null.'], 3: ['Not a valid integer.']}}}"
        );
        assert_eq!(
            recommend_err(json!({"life_situation_meters": {}})),
            "{'life_situation_meters': {'_schema': ['some field should be present']}}"
        );
        assert_eq!(
            recommend_err(
                json!({"life_situation_meters": {"family": [1]}, "service_filters": "foo"})
            ),
            "{'service_filters': {'_schema': ['Invalid input type.']}}"
        );
        assert_eq!(
            recommend_err(json!([])),
            "{'_schema': ['Invalid input type.']}"
        );
        assert_eq!(
            recommend_err(json!({"life_situation_meters": {"family": [1]}, "rerank": 1, "session_id": null})),
            "{'session_id': ['Field may not be null.'], 'rerank': ['boolean field must be true or false']}"
        );
        let e = recommend_err(json!({"life_situation_meters": {"family": [1]},
            "service_filters": {"only_national_services": true, "include_national_services": true}}));
        assert_eq!(
            e,
            "{'service_filters': {'_schema': ['only_national_services selected. include_national_services not allowed.']}}"
        );
        let e = recommend_err(json!({"life_situation_meters": {"family": [1]},
            "service_filters": {"target_groups": ["KR1.2"], "funding_type": []}}));
        assert!(e.starts_with("{'service_filters': {'target_groups': {0: ['Must be one of: KR1, KR2, KR3.']}, 'funding_type': ['Length must be between 1 and 2.']}}"), "{e}");
        assert_eq!(py_str("it's"), "\"it's\"");
        assert_eq!(py_str("a'\"b"), "'a\\'\"b'");
    }

    #[test]
    fn a_valid_request_becomes_a_filter_and_needs() {
        let mut b = correct_input();
        b["service_filters"] = json!({
            "service_classes": [format!("{SERVICE_CLASS_URI}P5"), format!("{SERVICE_CLASS_URI}P4.1")],
            "municipality_codes": ["091"], "region_codes": ["21"],
            "funding_type": ["MarketFunded"], "rerank": true,
            "service_collections": ["k"],
        });
        b["limit"] = json!(3);
        let known = |id: &str| id == "k";
        let r = recommend_input(&b, &known).expect("valid");
        assert_eq!(r.limit, 3);
        assert_eq!(r.session_id.as_deref(), Some("test_session"));
        assert_eq!(r.filter.service_classes, ["P5", "P4.1"]);
        assert_eq!(r.filter.region_codes, ["21"]);
        assert_eq!(r.filter.funding_types, [FundingType::MarketFunded]);
        assert!(r.filter.include_national);
        assert_eq!(r.needs.rating(Dimension::ImprovementOfStrengths), Some(0.5));
        // An empty meter list is accepted and means "not given".
        let r = recommend_input(&json!({"life_situation_meters": {"family": []}}), &known)
            .expect("valid");
        assert!(r.needs.is_empty());
        assert_eq!(r.limit, DEFAULT_LIMIT);
        let e = recommend_input(
            &json!({"life_situation_meters": {"family": [1]}, "service_filters": {"service_collections": ["foobarmock"]}}),
            &known,
        )
        .expect_err("unknown collection")
        .python();
        assert_eq!(
            e,
            "{'service_filters': {'_schema': ['Invalid service collection IDs provided.']}}"
        );
    }

    #[test]
    fn code_lists_match_the_references() {
        let c = choices();
        assert_eq!(c.municipalities.len(), 310);
        for code in ["000", "091", "478", "020", "992"] {
            assert!(c.municipalities.iter().any(|m| m == code), "{code}");
        }
        assert_eq!(c.regions.len(), 19);
        assert_eq!(c.hospital_districts.len(), 21);
        assert_eq!(c.wellbeing_counties.len(), 23);
        assert_eq!(c.service_classes.len(), 228);
        assert_eq!(
            c.service_classes
                .iter()
                .filter(|u| !u.trim_start_matches(SERVICE_CLASS_URI).contains('.'))
                .count(),
            28
        );
        for uri in &c.service_classes {
            let code = uri.strip_prefix(SERVICE_CLASS_URI).expect("prefix");
            let (main, sub) = match code[1..].split_once('.') {
                Some((m, s)) => (m, Some(s)),
                None => (&code[1..], None),
            };
            let digits =
                |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
            assert!(
                code.starts_with('P') && digits(main) && sub.is_none_or(digits),
                "{uri}"
            );
        }
        let union = |kind: &str, code: &str| {
            let mut f = ServiceFilter::default();
            match kind {
                "region" => f.region_codes = vec![code.into()],
                "hospital" => f.hospital_district_codes = vec![code.into()],
                _ => f.wellbeing_county_codes = vec![code.into()],
            }
            f.municipality_union()
        };
        for (kind, code, municipality) in [
            ("region", "01", "091"),
            ("region", "21", "478"),
            ("region", "06", "020"),
            ("region", "13", "992"),
            ("hospital", "25", "091"),
            ("hospital", "00", "478"),
            ("hospital", "06", "020"),
            ("hospital", "14", "992"),
            ("county", "05", "529"),
            ("county", "03", "049"),
            ("county", "17", "905"),
            ("county", "09", "016"),
            ("county", "11", "405"),
        ] {
            assert!(
                union(kind, code).iter().any(|m| m == municipality),
                "{kind} {code} should contain {municipality}"
            );
        }
    }

    #[test]
    fn text_search_input_follows_the_reference_spec() {
        for ok in [
            json!({"search_text": "Åke-Öykkäröi 30291x Ääliå"}),
            json!({"search_text": "a"}),
            json!({"search_text": "9".repeat(1024)}),
            json!({"search_text": "testi", "limit": 50}),
            json!({"search_text": "testi", "rerank": false}),
            json!({"search_text": "testi", "rerank": true}),
            json!({"search_text": "testi", "service_filters": {"include_national_services": false}}),
            json!({"search_text": "testi", "service_filters": {"include_national_services": true}}),
            json!({"search_text": "testi", "service_filters": {"only_national_services": true}}),
            json!({"search_text": "testi", "service_filters": {"only_national_services": false, "municipality_codes": ["091"]}}),
            json!({"search_text": "testi", "service_filters": {"only_national_services": true, "funding_type": ["PubliclyFunded"]}}),
            json!({"search_text": "testi", "language": "de"}),
        ] {
            assert!(text_search_input(&ok, &no_collections).is_ok(), "{ok}");
        }
        for c in "[]/\\=!#${}@&%()\"'\t".chars() {
            assert!(
                text_search_input(&json!({"search_text": c.to_string()}), &no_collections).is_ok()
            );
        }
        let mut bad = vec![
            json!({"search_text": ""}),
            json!({"search_text": null}),
            json!({"search_text": "9".repeat(1025)}),
            json!({"search_text": "testi", "limit": "12"}),
            json!({"search_text": "testi", "municipality_code": "091"}),
            json!({"search_text": "testi", "service_filters": {"only_national_services": true, "municipality_codes": ["091"]}}),
            json!({"search_text": "testi", "language": "xx"}),
            json!({}),
        ];
        for r in [
            json!("true"),
            json!("false"),
            json!(0),
            json!(1),
            json!("abcdf"),
        ] {
            bad.push(json!({"search_text": "testi", "rerank": r}));
        }
        for v in [
            json!("false"),
            json!("true"),
            json!("null"),
            json!(0),
            json!(1),
            json!(null),
            json!([]),
            json!(0.0),
        ] {
            bad.push(json!({"search_text": "testi", "service_filters": {"include_national_services": v}}));
        }
        for b in bad {
            assert!(text_search_input(&b, &no_collections).is_err(), "{b}");
        }
        let t = text_search_input(
            &json!({"search_text": "x", "language": "sv"}),
            &no_collections,
        )
        .expect("valid");
        assert_eq!(t.lang, Some(Lang::Sv));
        let t = text_search_input(
            &json!({"search_text": "x", "language": "ru"}),
            &no_collections,
        )
        .expect("valid");
        assert_eq!(t.lang, None);
    }

    #[test]
    fn feedback_and_session_inputs_follow_the_reference_spec() {
        let ok = feedback_input(&json!({
            "auroraai_recommendation_id": 99990, "feedback_score": "-1",
            "service_feedbacks": [{"service_id": "e7df7411-64ef-48ef-ad5f-eebacde480e2", "feedback_score": 1}]
        }))
        .expect("valid");
        assert_eq!(ok.overall, Some(-1));
        for bad in [
            json!({"auroraai_recommendation_id": "99700"}),
            json!({"auroraai_recommendation_id": 1, "feedback_score": 20}),
            json!({"auroraai_recommendation_id": 1, "feedback_score": true}),
            json!({"auroraai_recommendation_id": 1, "service_feedbacks": [{"service_id": "id1", "feedback_score": 1}]}),
            json!({"auroraai_recommendation_id": 1, "service_feedbacks": [{"service_id": "491d94b0-1ba0-11ec-9621-0242ac130002", "feedback_score": 1}]}),
            json!({"auroraai_recommendation_id": 1, "service_feedbacks": [{"service_id": "E7DF7411-64EF-48EF-AD5F-EEBACDE480E2", "feedback_score": 1}]}),
            json!({"auroraai_recommendation_id": 1, "service_feedbacks": [{"service_id": "e7df7411-64ef-48ef-ad5f-eebacde480e2", "feedback_score": 20}]}),
            json!({"auroraai_recommendation_id": 1, "service_feedbacks": [{"service_id": "e7df7411-64ef-48ef-ad5f-eebacde480e2", "feedback_score": 1, "extended_feedback": "x"}]}),
        ] {
            assert!(feedback_input(&bad).is_err(), "{bad}");
        }
        let ch = "582fc45e-0a2b-412d-ac42-626c7c928569";
        let sv = "3d95016a-7109-4815-a097-3427323dd141";
        for ok in [
            json!({"service_channel_id": ch, "session_attributes": {"age": 20}}),
            json!({"service_channel_id": ch, "service_id": sv, "session_attributes": {"age": 20}}),
            json!({"service_channel_id": ch, "service_id": sv, "auroraai_recommendation_id": 1234, "session_attributes": {"age": 20}}),
            json!({"service_channel_id": ch, "session_attributes": {"life_situation_meters": {"family": [8]}, "municipality_code": "049", "age": 20}}),
        ] {
            assert!(session_input(&ok).is_ok(), "{ok}");
        }
        for bad in [
            json!({"service_channel_id": ch, "auroraai_recommendation_id": 1234, "session_attributes": {"age": 20}}),
            json!({"service_channel_id": "foobar", "session_attributes": {"age": 20}}),
            json!({"service_channel_id": ch, "service_id": "foobar", "session_attributes": {"age": 20}}),
            json!({"service_channel_id": ch, "service_id": sv, "auroraai_recommendation_id": "1234", "session_attributes": {"age": 20}}),
            json!({"service_channel_id": ch, "service_id": sv, "auroraai_recommendation_id": -1234, "session_attributes": {"age": 20}}),
            json!({}),
            json!({"service_channel_id": ch}),
            json!({"session_attributes": {"age": 20}}),
            json!({"service_channel_id": ch, "session_attributes": {"municipality_code": "9999"}}),
            json!({"service_channel_id": ch, "session_attributes": {}}),
            json!({"service_channel_id": ch, "session_attributes": {"age": 201}}),
            json!({"service_channel_id": ch, "session_attributes": {"tampere_demo_flag": true}}),
        ] {
            assert!(session_input(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn redirect_query_is_validated() {
        let ok = redirect_input(
            "service_id=d64476db-f2df-4699-bb6a-1bfae007577a&service_channel_id=f283c2dc-8223-408a-8a73-1d62489e1f58&link_id=0&recommendation_id=12&session_id=s%20x",
        )
        .expect("valid");
        assert_eq!(ok.recommendation_id, 12);
        assert_eq!(ok.session_id.as_deref(), Some("s x"));
        assert_eq!(
            redirect_input("").expect_err("empty").python(),
            "{'service_id': ['Missing data for required field.'], 'service_channel_id': ['Missing data for required field.'], 'recommendation_id': ['Missing data for required field.'], 'link_id': ['Missing data for required field.']}"
        );
        for bad in [
            "service_id=x&service_channel_id=f283c2dc-8223-408a-8a73-1d62489e1f58&link_id=0&recommendation_id=1",
            "service_id=d64476db-f2df-4699-bb6a-1bfae007577a&service_channel_id=f283c2dc-8223-408a-8a73-1d62489e1f58&link_id=31&recommendation_id=1",
            "service_id=d64476db-f2df-4699-bb6a-1bfae007577a&service_channel_id=f283c2dc-8223-408a-8a73-1d62489e1f58&link_id=0&recommendation_id=abc",
            "service_id=d64476db-f2df-4699-bb6a-1bfae007577a&service_channel_id=f283c2dc-8223-408a-8a73-1d62489e1f58&link_id=0&recommendation_id=1&evil=1",
        ] {
            assert!(redirect_input(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn integers_and_uuids_parse_like_python() {
        assert_eq!(parse_int_text(" +12 "), Some(12));
        assert_eq!(parse_int_text("-1_000"), Some(-1000));
        for bad in [
            "",
            "1.5",
            "1__0",
            "_1",
            "abc",
            "--1",
            "99999999999999999999",
        ] {
            assert_eq!(parse_int_text(bad), None, "{bad}");
        }
        assert_eq!(loose_int(&json!(1.9)).ok(), Some(1));
        assert!(loose_int(&json!(true)).is_err());
        assert!(strict_int(&json!(1.0)).is_err());
        assert!(is_uuid_v4("d64476db-f2df-4699-bb6a-1bfae007577a"));
        assert!(!is_uuid_v4("d64476db-f2df-1699-bb6a-1bfae007577a"));
        assert!(!is_uuid_v4("d64476db-f2df-4699-cb6a-1bfae007577a"));
        assert!(!is_uuid_v4("d64476dbf2df4699bb6a1bfae007577a"));
    }

    #[test]
    fn identity_codes_are_scrubbed() {
        for code in ["060620+987c", "120369-1340", "091200A098B", "999000a111-"] {
            assert_eq!(
                scrub_identity_codes(&format!("hetu {code} loppu")),
                "hetu  loppu"
            );
        }
        assert_eq!(scrub_identity_codes("120369-134 x"), "120369-134 x");
        assert_eq!(scrub_identity_codes("työttömyys 2024"), "työttömyys 2024");
    }
}
