//! The attribute registry: which attributes a twin may hold, what their values look like
//! (a JSON Schema, draft 2020-12, per attribute), their names and descriptions in fi/sv/en,
//! whether they are sensitive, and whether persons, companies or both have them.
//!
//! The bundled registry is `data/twin/attributes.json`, compiled in. Schemas are compiled
//! once. Checks a schema cannot express are named formats registered here:
//! `municipality-code` and `life-event-code` (the bundled code lists of `aurora-model`),
//! `business-id` (Finnish Y-tunnus with its check digit) and `tol2008` (a five-digit
//! industry code of a TOL 2008 division).
//!
//! Errors name the attribute and the JSON pointer of the failing part, never the value.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use aurora_model::{CodeLists, Lang};
use serde::{Deserialize, Serialize};
use serde_json::Value;

const BUNDLED: &str = include_str!("../../../data/twin/attributes.json");

/// Whose twin an attribute belongs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Subject {
    /// A natural person.
    Person,
    /// A company.
    Company,
}

impl Subject {
    /// `person` or `company`.
    pub fn as_str(self) -> &'static str {
        match self {
            Subject::Person => "person",
            Subject::Company => "company",
        }
    }
}

/// Why a value or an attribute was refused. Never carries the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// No such attribute in the registry.
    #[error("unknown attribute {attribute}")]
    Unknown {
        /// The name asked for.
        attribute: String,
    },
    /// The attribute exists, but not for this kind of twin.
    #[error("attribute {attribute} is not for a {subject}")]
    WrongSubject {
        /// The attribute.
        attribute: String,
        /// `person` or `company`.
        subject: &'static str,
    },
    /// The value does not match the attribute's schema.
    #[error("invalid value for {attribute} at '{pointer}': {reason}")]
    Invalid {
        /// The attribute.
        attribute: String,
        /// JSON pointer of the failing part inside the value (`""` for the whole value).
        pointer: String,
        /// What is wrong (the value masked).
        reason: String,
    },
    /// The registry file itself is broken (a bug: it is compiled in and tested).
    #[error("attribute registry: {0}")]
    Broken(String),
}

/// Texts in the three languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Texts {
    /// Finnish.
    pub fi: String,
    /// Swedish.
    pub sv: String,
    /// English.
    pub en: String,
}

impl Texts {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fi => &self.fi,
            Lang::Sv => &self.sv,
            Lang::En => &self.en,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttributeFile {
    name: Texts,
    description: Texts,
    sensitive: bool,
    subjects: Vec<Subject>,
    schema: Value,
    #[serde(default)]
    dimensions: Option<BTreeMap<String, Texts>>,
}

#[derive(Deserialize)]
struct RegistryFile {
    version: u32,
    attributes: serde_json::Map<String, Value>,
}

/// One attribute of the registry.
pub struct Attribute {
    /// Its name (also its OAuth scope).
    pub name: String,
    /// Display names.
    pub title: Texts,
    /// Descriptions.
    pub description: Texts,
    /// Sensitive (health, life events…): shown as such on consent screens.
    pub sensitive: bool,
    /// Whose twins have it.
    pub subjects: Vec<Subject>,
    /// The JSON Schema of its value.
    pub schema: Value,
    /// Names of the parts of a compound value (the 3X10D dimensions).
    pub dimensions: Option<BTreeMap<String, Texts>>,
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for Attribute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attribute")
            .field("name", &self.name)
            .field("sensitive", &self.sensitive)
            .field("subjects", &self.subjects)
            .finish_non_exhaustive()
    }
}

impl Attribute {
    /// Whether a twin of `subject` may hold it.
    pub fn applies_to(&self, subject: Subject) -> bool {
        self.subjects.contains(&subject)
    }

    /// The public description of the attribute (the `/api/v1/attributes` entry); with a
    /// language, `title` and `description` are that language's, else all three.
    pub fn to_json(&self, lang: Option<Lang>) -> Value {
        let texts = |t: &Texts| match lang {
            Some(l) => Value::String(t.get(l).to_string()),
            None => serde_json::json!(t),
        };
        let mut v = serde_json::json!({
            "name": self.name,
            "title": texts(&self.title),
            "description": texts(&self.description),
            "sensitive": self.sensitive,
            "subjects": self.subjects,
            "schema": self.schema,
        });
        if let (Some(dims), Some(obj)) = (&self.dimensions, v.as_object_mut()) {
            let d: serde_json::Map<String, Value> =
                dims.iter().map(|(k, t)| (k.clone(), texts(t))).collect();
            obj.insert("dimensions".into(), Value::Object(d));
        }
        v
    }
}

/// The registry: attributes by name, in file order.
#[derive(Debug)]
pub struct AttributeRegistry {
    version: u32,
    attributes: Vec<Attribute>,
}

/// Y-tunnus: seven digits, a hyphen, a check digit (weights 7,9,10,5,8,4,2; mod 11; a
/// remainder of 1 is never issued).
pub fn valid_business_id(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 9
        || b[7] != b'-'
        || !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 7 || c.is_ascii_digit())
    {
        return false;
    }
    const WEIGHTS: [u32; 7] = [7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = b[..7]
        .iter()
        .zip(WEIGHTS)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let check = match sum % 11 {
        0 => 0,
        1 => return false,
        r => 11 - r,
    };
    u32::from(b[8] - b'0') == check
}

/// TOL 2008: five digits whose first two are one of its divisions.
pub fn valid_tol2008(s: &str) -> bool {
    if s.len() != 5 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let division: u32 = s[..2].parse().unwrap_or(0);
    matches!(division,
        1..=3 | 5..=33 | 35..=39 | 41..=43 | 45..=47 | 49..=53 | 55 | 56 | 58..=66
        | 68..=75 | 77..=82 | 84..=88 | 90..=99)
}

fn valid_municipality(s: &str) -> bool {
    CodeLists::get().municipality(s).is_some()
}

fn valid_life_event(s: &str) -> bool {
    CodeLists::get().life_event(s).is_some()
}

fn compile(name: &str, schema: &Value) -> Result<jsonschema::Validator, RegistryError> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_format("municipality-code", valid_municipality)
        .with_format("life-event-code", valid_life_event)
        .with_format("business-id", valid_business_id)
        .with_format("tol2008", valid_tol2008)
        .build(schema)
        .map_err(|e| RegistryError::Broken(format!("{name}: {}", e.masked())))
}

/// The one stored form of a value: 3X10D meters as plain numbers (the reference system sent
/// each as a one-element array).
fn canonical(attribute: &str, mut value: Value) -> Value {
    if attribute == "life_situation_meters" {
        if let Some(obj) = value.as_object_mut() {
            for v in obj.values_mut() {
                if let Some([one]) = v.as_array().map(Vec::as_slice) {
                    *v = one.clone();
                }
            }
        }
    }
    value
}

impl AttributeRegistry {
    /// The registry compiled into the binary (`data/twin/attributes.json`).
    pub fn bundled() -> &'static AttributeRegistry {
        static REGISTRY: OnceLock<AttributeRegistry> = OnceLock::new();
        REGISTRY.get_or_init(|| {
            // The file is compiled in and a unit test loads it: failing here is a build bug.
            AttributeRegistry::from_json(BUNDLED)
                .unwrap_or_else(|e| panic!("bundled attribute registry: {e}"))
        })
    }

    /// Parses and compiles a registry file.
    pub fn from_json(json: &str) -> Result<AttributeRegistry, RegistryError> {
        let file: RegistryFile =
            serde_json::from_str(json).map_err(|e| RegistryError::Broken(e.to_string()))?;
        let mut attributes = Vec::with_capacity(file.attributes.len());
        for (name, def) in file.attributes {
            let def: AttributeFile = serde_json::from_value(def)
                .map_err(|e| RegistryError::Broken(format!("{name}: {e}")))?;
            if def.subjects.is_empty() {
                return Err(RegistryError::Broken(format!("{name}: no subjects")));
            }
            let validator = compile(&name, &def.schema)?;
            attributes.push(Attribute {
                name,
                title: def.name,
                description: def.description,
                sensitive: def.sensitive,
                subjects: def.subjects,
                schema: def.schema,
                dimensions: def.dimensions,
                validator,
            });
        }
        Ok(AttributeRegistry {
            version: file.version,
            attributes,
        })
    }

    /// The registry file's version.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Every attribute, in file order.
    pub fn attributes(&self) -> &[Attribute] {
        &self.attributes
    }

    /// One attribute.
    pub fn get(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Checks `value` for `attribute` on a twin of `subject` and returns the form to store.
    pub fn validate(
        &self,
        attribute: &str,
        subject: Subject,
        value: &Value,
    ) -> Result<Value, RegistryError> {
        let attr = self.get(attribute).ok_or_else(|| RegistryError::Unknown {
            attribute: attribute.to_string(),
        })?;
        if !attr.applies_to(subject) {
            return Err(RegistryError::WrongSubject {
                attribute: attribute.to_string(),
                subject: subject.as_str(),
            });
        }
        if let Some(err) = attr.validator.iter_errors(value).next() {
            return Err(RegistryError::Invalid {
                attribute: attribute.to_string(),
                pointer: err.instance_path().as_str().to_string(),
                reason: err.masked().to_string(),
            });
        }
        Ok(canonical(attribute, value.clone()))
    }

    /// The public registry document (`GET /api/v1/attributes`).
    pub fn to_json(&self, lang: Option<Lang>) -> Value {
        serde_json::json!({
            "version": self.version,
            "attributes": self.attributes.iter().map(|a| a.to_json(lang)).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reg() -> &'static AttributeRegistry {
        AttributeRegistry::bundled()
    }

    fn invalid(attribute: &str, subject: Subject, value: Value) -> (String, String) {
        match reg().validate(attribute, subject, &value) {
            Err(RegistryError::Invalid {
                pointer, reason, ..
            }) => (pointer, reason),
            other => panic!("{attribute}: expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn the_bundled_registry_loads_with_three_languages_and_valid_schemas() {
        let r = reg();
        for name in [
            "age",
            "municipality_code",
            "life_situation_meters",
            "life_events",
            "language",
            "household",
            "student",
            "employment_status",
            "business_id",
            "industry_class",
            "size",
            "business_events",
        ] {
            let a = r.get(name).unwrap_or_else(|| panic!("{name} missing"));
            assert!(jsonschema::draft202012::meta::is_valid(&a.schema), "{name}");
            for l in Lang::ALL {
                assert!(!a.title.get(l).is_empty() && !a.description.get(l).is_empty());
            }
        }
        assert!(r
            .get("municipality_code")
            .unwrap()
            .applies_to(Subject::Company));
        assert!(!r.get("age").unwrap().applies_to(Subject::Company));
        assert!(r.get("life_situation_meters").unwrap().sensitive);
    }

    #[test]
    fn the_reference_schema_values_pass() {
        let r = reg();
        assert_eq!(
            r.validate("age", Subject::Person, &json!(0)).unwrap(),
            json!(0)
        );
        assert_eq!(
            r.validate("age", Subject::Person, &json!(150)).unwrap(),
            json!(150)
        );
        assert_eq!(
            r.validate("municipality_code", Subject::Person, &json!("091"))
                .unwrap(),
            json!("091")
        );
        assert_eq!(
            r.validate("student", Subject::Person, &json!(false))
                .unwrap(),
            json!(false)
        );
    }

    #[test]
    fn meters_accept_both_forms_and_store_one() {
        let r = reg();
        let a = r
            .validate(
                "life_situation_meters",
                Subject::Person,
                &json!({"family": [8], "health": 0, "finance": [10]}),
            )
            .unwrap();
        assert_eq!(a, json!({"family": 8, "health": 0, "finance": 10}));
        let (p, _) = invalid(
            "life_situation_meters",
            Subject::Person,
            json!({"family": 11}),
        );
        assert_eq!(p, "/family");
        invalid(
            "life_situation_meters",
            Subject::Person,
            json!({"family": [1, 2]}),
        );
        invalid("life_situation_meters", Subject::Person, json!({"joy": 3}));
        invalid("life_situation_meters", Subject::Person, json!({}));
    }

    #[test]
    fn errors_name_the_pointer_never_the_value() {
        let (p, reason) = invalid("age", Subject::Person, json!(151));
        assert_eq!(p, "");
        assert!(!reason.contains("151"), "{reason}");
        let (p, reason) = invalid("municipality_code", Subject::Person, json!("998"));
        assert!(p.is_empty() && !reason.contains("998"), "{reason}");
        let (p, reason) = invalid(
            "life_events",
            Subject::Person,
            json!([{"code": "KE1", "date": "2024-01-01"}, {"code": "NOPE77", "date": "2024-01-01"}]),
        );
        assert_eq!(p, "/1/code");
        assert!(!reason.contains("NOPE77"), "{reason}");
        let (p, _) = invalid(
            "life_events",
            Subject::Person,
            json!([{"code": "KE1", "date": "2024-13-01"}]),
        );
        assert_eq!(p, "/0/date");
        let e = reg()
            .validate("nope", Subject::Person, &json!(1))
            .unwrap_err();
        assert_eq!(e.to_string(), "unknown attribute nope");
    }

    /// Reference flaw §8.15: four diverging definitions accepted age up to 200, unknown meter
    /// keys and `{}`. Here one registry decides, and refuses all three.
    #[test]
    fn reference_8_15_one_definition_refuses_what_the_reference_let_through() {
        for bad in [json!(151), json!(200), json!(-1), json!(20.5), json!("20")] {
            invalid("age", Subject::Person, bad);
        }
        invalid("life_situation_meters", Subject::Person, json!({}));
        invalid(
            "life_situation_meters",
            Subject::Person,
            json!({"happiness": 5}),
        );
        invalid(
            "life_situation_meters",
            Subject::Person,
            json!({"family": []}),
        );
    }

    #[test]
    fn subjects_are_enforced() {
        assert!(matches!(
            reg().validate("age", Subject::Company, &json!(3)),
            Err(RegistryError::WrongSubject { .. })
        ));
        assert!(matches!(
            reg().validate("business_id", Subject::Person, &json!("0112038-9")),
            Err(RegistryError::WrongSubject { .. })
        ));
    }

    #[test]
    fn person_attributes() {
        let r = reg();
        r.validate(
            "household",
            Subject::Person,
            &json!({"adults": 2, "children": [{"birth_year": 2019}]}),
        )
        .unwrap();
        invalid("household", Subject::Person, json!({"adults": 0}));
        r.validate("language", Subject::Person, &json!("sv"))
            .unwrap();
        invalid("language", Subject::Person, json!("Swedish"));
        r.validate("employment_status", Subject::Person, &json!("retired"))
            .unwrap();
        invalid("employment_status", Subject::Person, json!("astronaut"));
    }

    #[test]
    fn company_attributes() {
        let r = reg();
        // Real check digits: 0112038-9 (Nokia), 1572860-0.
        assert!(valid_business_id("0112038-9"));
        assert!(valid_business_id("1572860-0"));
        assert!(!valid_business_id("0112038-8"));
        assert!(!valid_business_id("112038-9"));
        assert!(!valid_business_id("0112038_9"));
        r.validate("business_id", Subject::Company, &json!("0112038-9"))
            .unwrap();
        invalid("business_id", Subject::Company, json!("0112038-1"));
        r.validate("industry_class", Subject::Company, &json!("62010"))
            .unwrap();
        invalid("industry_class", Subject::Company, json!("04000"));
        invalid("industry_class", Subject::Company, json!("6201"));
        r.validate("size", Subject::Company, &json!("micro"))
            .unwrap();
        r.validate(
            "business_events",
            Subject::Company,
            &json!([{"code": "starting", "date": "2020-02-29"}]),
        )
        .unwrap();
        invalid(
            "business_events",
            Subject::Company,
            json!([{"code": "starting", "date": "2021-02-29"}]),
        );
    }
}
