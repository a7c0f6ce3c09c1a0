//! The early PTV pilot format (`ptv-pilot/`): labels mapped to codes.
//!
//! The pilot export (PTV release 3.4 test data, `data/ptv-pilot/`) is a folder of JSON arrays
//! with **integer ids** and classifications given as **Finnish labels**:
//!
//! | file | records | model |
//! |---|---|---|
//! | `services.json` | services | [`Service`] |
//! | `organizations.json` | organisations | [`Organization`] |
//! | `electronictransactionservices.json` | online services (URL, authentication, signature) | [`ChannelKind::EChannel`] |
//! | `electronicinformationservices.json` | information web pages | [`ChannelKind::WebPage`] |
//! | `phone_service.json` | phone services | [`ChannelKind::Phone`] |
//! | `servicelocations.json` | visiting addresses with opening times | [`ChannelKind::ServiceLocation`] |
//! | `transactionservices.json` | printable forms (links, form id, delivery address) | [`ChannelKind::PrintableForm`] |
//! | `general_descriptions.json` | general descriptions referenced by `services[].generalDescription` | merged, see below |
//! | `GeneralDescription.json` | 101 SOTE general descriptions with their own `ReferenceCode` ids | not used: no service refers to them and Aurora stores no general descriptions |
//!
//! # Ids
//! Every record gets a deterministic UUID derived from its integer id and kind: the first 16
//! bytes of SHA-256 of `aurora:ptv-pilot:<kind>:<id>` (kinds `service`, `organization`,
//! `channel`, `general-description`) with the version nibble set to 5 and the RFC 4122 variant,
//! so re-importing is idempotent and the ids cannot collide with real PTV ids (random v4).
//! `source_id` is `ptv-pilot:<id>`.
//!
//! # Labels
//! * Service classes by Finnish (or any) label through [`CodeLists::service_class_by_name`]. The
//!   old `ptvserclass` (v1) list (`finto_ServiceClasses.json`) has the same labels as
//!   `ptvserclass2` for the same concept (its two renumbered codes keep their labels), so a v1
//!   label resolves to its v2 code by that lookup. Older pilot labels that are not in either list
//!   are mapped by a small alias table of unambiguous renames ([`SERVICE_CLASS_ALIASES`]); a
//!   label written as a path (`Kulttuuri > Kirjastot`) is tried by its last then first segment.
//! * Target groups by label (`Kansalaiset` → KR1; the old labels `Yritykset` → KR2 and
//!   `Lapset` → KR1.2), life events by label, municipalities by name or code (`491 Mikkeli`,
//!   `Mikkeli 491` or `Mikkeli`).
//! * A label that maps to nothing does **not** reject the record: it is kept as a Finnish keyword
//!   (so text search still finds it), counted, and logged once per distinct label with
//!   `tracing::warn!`. Ontology terms have no URIs in the pilot, so they become keywords too.
//!
//! # General descriptions
//! A service that names a general description gets `general_description_id` (the derived UUID)
//! and, when the description is in `general_descriptions.json`, inherits its service classes,
//! target groups, life events and ontology terms (as PTV shows a general description's
//! classification on every service that uses it).
//!
//! # Everything else
//! * `serviceCoverage` `nationwide` → [`AreaType::Nationwide`]; `regional` (or missing with
//!   municipalities) → [`AreaType::LimitedType`] with one municipality area per municipality;
//!   missing without municipalities → nationwide.
//! * The first responsible organisation is `Responsible`, the others `OtherResponsible`;
//!   producers are `Producer` with the provision type (`Itse tuotetut palvelut` →
//!   `SelfProducedServices`, `Ostopalvelut` → `PurchaseServices`, `Muu` → `Other`).
//! * Service ↔ channel links come from both sides (`serviceToServiceChannel` and a service
//!   location's `services`). Links to channels or organisations that are not in the files are
//!   dropped and counted in a warning.
//! * Everything is `Published` with [`Origin::PtvPilot`].
//!
//! # Errors
//! Malformed JSON stops the import ([`ImportError::Json`] with line and column); a file that is
//! not an array is an [`ImportError::Format`]. Within a record, a wrong JSON type anywhere, a
//! missing integer id or a missing name rejects that record, one [`Rejection`] per problem with
//! the JSON pointer (`/12/serviceClass/3`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use aurora_model::{
    Address, AddressKind, Area, AreaKindPtv, AreaType, Channel, ChannelKind, ChargeType, CodeLists,
    CodeRef, Lang, LangValue, Localized, Municipality, OpeningHour, Organization, OrganizationRole,
    Origin, Phone, PhoneKind, PublishingStatus, Service, ServiceChannelLink, ServiceHourKind,
    ServiceHours, ServiceKind, ServiceOrganization, WebPage,
};
use aurora_store::ImportBatch;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::{ImportError, Rejection, Result};

/// Old pilot service-class labels that are in neither class list, with the `ptvserclass2` code
/// they were renamed to. Only unambiguous renames; lower-case, whitespace collapsed.
pub const SERVICE_CLASS_ALIASES: &[(&str, &str)] = &[
    ("peruopetus", "P6.2"),                              // typo of "Perusopetus"
    ("lasten päivähoito", "P3.4"),                       // now "Varhaiskasvatus" (en "Day care")
    ("kirjastot ja tietopalvelut", "P25.1"),             // now "Kirjastot"
    ("ajoneuvot ja rekisteröinti", "P16.1"),             // "… tieliikenteessä"
    ("ammattiliikenne", "P16.6"),                        // "… tieliikenteessä"
    ("toimialakohtaiset luvat ja ilmoitukset", "P11.2"), // "… ja velvoitteet"
    // "Luonnonvarat, eläimet ja kasvit" (P24) appears split at the comma and "ja".
    ("luonnonvarat", "P24"),
    ("eläimet", "P24"),
    ("kasvit", "P24"),
];

/// Old target-group labels renamed since ("Lapset" → "Lapset ja lapsiperheet").
const TARGET_GROUP_ALIASES: &[(&str, &str)] = &[("yritykset", "KR2"), ("lapset", "KR1.2")];

/// The file names of the pilot format and what they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Services,
    Organizations,
    Channels(ChannelKind),
    GeneralDescriptions,
    /// Known but not imported (`GeneralDescription.json`).
    Ignored,
}

fn file_kind(name: &str) -> Option<FileKind> {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(name)
        .to_ascii_lowercase();
    Some(match base.as_str() {
        "services.json" => FileKind::Services,
        "organizations.json" => FileKind::Organizations,
        "electronictransactionservices.json" => FileKind::Channels(ChannelKind::EChannel),
        "electronicinformationservices.json" => FileKind::Channels(ChannelKind::WebPage),
        "phone_service.json" => FileKind::Channels(ChannelKind::Phone),
        "servicelocations.json" => FileKind::Channels(ChannelKind::ServiceLocation),
        "transactionservices.json" => FileKind::Channels(ChannelKind::PrintableForm),
        "general_descriptions.json" => FileKind::GeneralDescriptions,
        "generaldescription.json" => FileKind::Ignored,
        _ => return None,
    })
}

/// The keys of `serviceToServiceChannel` (and an organisation's `channels`).
fn link_kind(key: &str) -> Option<ChannelKind> {
    Some(match key {
        "electronicTransactionService" => ChannelKind::EChannel,
        "electronicInformationService" => ChannelKind::WebPage,
        "phoneChannel" => ChannelKind::Phone,
        "officeChannel" => ChannelKind::ServiceLocation,
        "transactionForm" => ChannelKind::PrintableForm,
        _ => return None,
    })
}

/// Counts of one pilot import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PilotStats {
    /// Services imported.
    pub services: usize,
    /// Channels imported.
    pub channels: usize,
    /// Organisations imported.
    pub organizations: usize,
    /// Label occurrences mapped to a code (service classes, target groups, life events,
    /// municipalities; own and inherited from a general description).
    pub labels_mapped: usize,
    /// Label occurrences mapped to nothing (kept as keywords).
    pub labels_unmapped: usize,
    /// Of `labels_mapped`, those that needed the alias table.
    pub labels_mapped_by_alias: usize,
    /// Distinct unmapped labels: `(field, label)` → occurrences.
    pub unmapped: BTreeMap<(String, String), usize>,
    /// Service ↔ channel or organisation links dropped because the target is not in the files.
    pub dangling_links: usize,
}

/// Everything [`parse_files_report`] finds.
#[derive(Debug, Clone, Default)]
pub struct PilotReport {
    /// The records.
    pub batch: ImportBatch,
    /// Records that could not be read.
    pub rejections: Vec<Rejection>,
    /// Counts.
    pub stats: PilotStats,
}

/// True when `dir` has `services.json` and `organizations.json` that are JSON arrays whose
/// records have integer ids (the pilot shape; PTV v11 ids are UUID strings).
pub fn is_pilot_dir(dir: &Path) -> bool {
    ["services.json", "organizations.json"].iter().all(|f| {
        let Ok(bytes) = std::fs::read(dir.join(f)) else {
            return false;
        };
        let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(&bytes) else {
            return false;
        };
        items
            .iter()
            .find_map(|v| v.as_object())
            .is_some_and(|o| o.get("id").is_some_and(|id| id.is_u64()))
    })
}

/// Reads a pilot directory (the files named in the module documentation that exist in it).
pub fn parse_dir(dir: &Path) -> Result<(ImportBatch, Vec<Rejection>)> {
    let entries = std::fs::read_dir(dir).map_err(|source| ImportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| ImportError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if !path.is_file() || file_kind(&name).is_none() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|source| ImportError::Io {
            path: path.clone(),
            source,
        })?;
        files.push((path.display().to_string(), bytes));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    parse_files(&files)
}

/// Same logic on `(file name, bytes)` pairs, for data compiled into the binary. Files are
/// recognised by their base name; unknown names are skipped with a warning.
pub fn parse_files(files: &[(String, Vec<u8>)]) -> Result<(ImportBatch, Vec<Rejection>)> {
    parse_files_report(files).map(|r| (r.batch, r.rejections))
}

/// Like [`parse_files`], also returning the counts (label mapping, dangling links).
pub fn parse_files_report(files: &[(String, Vec<u8>)]) -> Result<PilotReport> {
    let mut parsed: Vec<(String, FileKind, Vec<Value>)> = Vec::new();
    for (name, bytes) in files {
        let Some(kind) = file_kind(name) else {
            tracing::warn!(file = name.as_str(), "not a pilot file name; skipped");
            continue;
        };
        if kind == FileKind::Ignored {
            tracing::debug!(
                file = name.as_str(),
                "pilot file not imported (no service refers to it)"
            );
            continue;
        }
        let value: Value = serde_json::from_slice(bytes).map_err(|e| ImportError::Json {
            source: name.clone(),
            line: e.line(),
            column: e.column(),
            reason: e.to_string(),
        })?;
        let Value::Array(items) = value else {
            return Err(ImportError::Format {
                source: name.clone(),
                reason: format!(
                    "expected a JSON array of pilot records, found {}",
                    describe(&value)
                ),
            });
        };
        parsed.push((name.clone(), kind, items));
    }
    for (needed, what) in [
        (FileKind::Services, "services.json"),
        (FileKind::Organizations, "organizations.json"),
    ] {
        if !parsed.iter().any(|(_, k, _)| *k == needed) {
            return Err(ImportError::Format {
                source: files
                    .first()
                    .map(|(n, _)| n.clone())
                    .unwrap_or_else(|| "ptv-pilot".into()),
                reason: format!("the pilot format needs {what}; it is not among the given files"),
            });
        }
    }

    let mut ctx = Ctx::default();
    // General descriptions first: services inherit from them.
    for (name, kind, items) in &parsed {
        if *kind == FileKind::GeneralDescriptions {
            for (i, item) in items.iter().enumerate() {
                let at = format!("/{i}");
                match general_description(item, &at) {
                    Ok(gd) => {
                        ctx.general_descriptions.insert(gd.id, gd);
                    }
                    Err(problems) => ctx.reject(name, item, problems),
                }
            }
        }
    }
    let mut organizations = Vec::new();
    let mut sub_of: HashMap<u64, u64> = HashMap::new();
    for (name, kind, items) in &parsed {
        if *kind == FileKind::Organizations {
            for (i, item) in items.iter().enumerate() {
                match organization(item, &format!("/{i}")) {
                    Ok((org, subs)) => {
                        for s in subs {
                            sub_of.entry(s).or_insert(org.0);
                        }
                        organizations.push(org);
                    }
                    Err(problems) => ctx.reject(name, item, problems),
                }
            }
        }
    }
    let org_ids: HashSet<u64> = organizations.iter().map(|(id, _)| *id).collect();
    let mut channels: Vec<(u64, ChannelKind, Channel, Vec<u64>)> = Vec::new();
    for (name, kind, items) in &parsed {
        if let FileKind::Channels(ck) = kind {
            for (i, item) in items.iter().enumerate() {
                match channel(item, &format!("/{i}"), *ck, &mut ctx) {
                    Ok(mut c) => {
                        if let Some(org) = c.3 {
                            if org_ids.contains(&org) {
                                c.1.organization_id = Some(pilot_uuid("organization", org));
                            } else {
                                ctx.stats.dangling_links += 1;
                            }
                        }
                        channels.push((c.0, *ck, c.1, c.2));
                    }
                    Err(problems) => ctx.reject(name, item, problems),
                }
            }
        }
    }
    let channel_index: HashMap<(ChannelKind, u64), usize> = channels
        .iter()
        .enumerate()
        .map(|(i, (id, kind, _, _))| ((*kind, *id), i))
        .collect();
    let org_names: HashMap<u64, String> = organizations
        .iter()
        .map(|(id, o)| (*id, o.name.get(Lang::Fi).unwrap_or_default().to_string()))
        .collect();

    let mut services = Vec::new();
    for (name, kind, items) in &parsed {
        if *kind == FileKind::Services {
            for (i, item) in items.iter().enumerate() {
                match service(item, &format!("/{i}"), &mut ctx) {
                    Ok(s) => services.push(s),
                    Err(problems) => ctx.reject(name, item, problems),
                }
            }
        }
    }
    // Channel-side links (a service location's `services`), added where the service lacks them.
    let mut extra_links: HashMap<u64, Vec<(ChannelKind, u64)>> = HashMap::new();
    for (id, kind, _, linked_services) in &channels {
        for s in linked_services {
            extra_links.entry(*s).or_default().push((*kind, *id));
        }
    }
    let service_ids: HashSet<u64> = services.iter().map(|s| s.id).collect();
    for s in extra_links.keys() {
        if !service_ids.contains(s) {
            ctx.stats.dangling_links += 1;
        }
    }

    let mut batch = ImportBatch::default();
    for mut s in services {
        let mut links = s.channel_links.clone();
        for l in extra_links.remove(&s.id).unwrap_or_default() {
            if !links.contains(&l) {
                links.push(l);
            }
        }
        for (kind, cid) in links {
            match channel_index.get(&(kind, cid)) {
                Some(&i) => s.service.channels.push(ServiceChannelLink {
                    channel_id: channels[i].2.id.clone(),
                    name: channels[i].2.name.get(Lang::Fi).map(str::to_string),
                }),
                None => ctx.stats.dangling_links += 1,
            }
        }
        for (org, role, provision) in &s.org_links {
            match org_names.get(org) {
                Some(name) => s.service.organizations.push(ServiceOrganization {
                    organization_id: pilot_uuid("organization", *org),
                    name: Some(name.clone()),
                    role: *role,
                    provision_type: provision.clone(),
                }),
                None => ctx.stats.dangling_links += 1,
            }
        }
        batch.services.push(s.service);
    }
    for (_, _, c, _) in channels {
        batch.channels.push(c);
    }
    for (id, mut o) in organizations {
        if let Some(parent) = sub_of.get(&id) {
            if org_ids.contains(parent) {
                o.parent_id = Some(pilot_uuid("organization", *parent));
            }
        }
        batch.organizations.push(o);
    }

    let mut stats = ctx.stats;
    stats.services = batch.services.len();
    stats.channels = batch.channels.len();
    stats.organizations = batch.organizations.len();
    for ((field, label), count) in &stats.unmapped {
        tracing::warn!(
            field = field.as_str(),
            label = label.as_str(),
            count,
            "PTV pilot label not in the code lists: kept as a keyword"
        );
    }
    if stats.dangling_links > 0 {
        tracing::warn!(
            links = stats.dangling_links,
            "PTV pilot links to channels, services or organisations missing from the files were dropped"
        );
    }
    tracing::info!(
        services = stats.services,
        channels = stats.channels,
        organizations = stats.organizations,
        labels_mapped = stats.labels_mapped,
        labels_mapped_by_alias = stats.labels_mapped_by_alias,
        labels_unmapped = stats.labels_unmapped,
        distinct_unmapped = stats.unmapped.len(),
        rejected = ctx.rejections.len(),
        "read PTV pilot catalogue"
    );
    Ok(PilotReport {
        batch,
        rejections: ctx.rejections,
        stats,
    })
}

// ------------------------------------------------------------------------------------------------
// Ids.
// ------------------------------------------------------------------------------------------------

/// The deterministic UUID of a pilot record: SHA-256 of `aurora:ptv-pilot:<kind>:<id>`, first 16
/// bytes, version 5 and RFC 4122 variant bits set.
pub fn pilot_uuid(kind: &str, id: u64) -> String {
    let digest = Sha256::digest(format!("aurora:ptv-pilot:{kind}:{id}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    crate::synthetic::format_uuid(&b)
}

// ------------------------------------------------------------------------------------------------
// Typed access with JSON pointers.
// ------------------------------------------------------------------------------------------------

type Problems = Vec<(String, String)>;

fn ptr(at: &str, key: &str) -> String {
    format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let cut: String = s.chars().take(80).collect();
            if cut.len() < s.len() {
                format!("\"{cut}…\"")
            } else {
                format!("{s:?}")
            }
        }
        Value::Array(a) => format!("an array of {} item(s)", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

/// An optional string; `null`, absent and blank are `None`; another type is a problem.
fn opt_str<'v>(
    m: &'v Map<String, Value>,
    key: &str,
    at: &str,
    p: &mut Problems,
) -> Option<&'v str> {
    match m.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => {
            let t = s.trim();
            (!t.is_empty()).then_some(t)
        }
        Some(other) => {
            p.push((
                ptr(at, key),
                format!("expected a string, found {}", describe(other)),
            ));
            None
        }
    }
}

/// A text: a string, or (as some pilot fields are) an array of strings, joined by blank lines.
fn opt_text(m: &Map<String, Value>, key: &str, at: &str, p: &mut Problems) -> Option<String> {
    match m.get(key) {
        Some(Value::Array(_)) => {
            let parts = strings(m, key, at, p);
            (!parts.is_empty()).then(|| parts.join("\n\n"))
        }
        _ => opt_str(m, key, at, p).map(str::to_string),
    }
}

fn opt_bool(m: &Map<String, Value>, key: &str, at: &str, p: &mut Problems) -> Option<bool> {
    match m.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(other) => {
            p.push((
                ptr(at, key),
                format!("expected true or false, found {}", describe(other)),
            ));
            None
        }
    }
}

fn opt_id(m: &Map<String, Value>, key: &str, at: &str, p: &mut Problems) -> Option<u64> {
    match m.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(id) => Some(id),
            None => {
                p.push((
                    ptr(at, key),
                    format!("expected an integer id, found {}", describe(v)),
                ));
                None
            }
        },
    }
}

fn required_id(m: &Map<String, Value>, at: &str, p: &mut Problems) -> Option<u64> {
    let id = opt_id(m, "id", at, p);
    if id.is_none() && matches!(m.get("id"), None | Some(Value::Null)) {
        p.push((
            ptr(at, "id"),
            "missing id: every pilot record needs an integer id".into(),
        ));
    }
    id
}

fn required_name<'v>(m: &'v Map<String, Value>, at: &str, p: &mut Problems) -> Option<&'v str> {
    let name = opt_str(m, "name", at, p);
    if name.is_none()
        && matches!(
            m.get("name"),
            None | Some(Value::Null) | Some(Value::String(_))
        )
    {
        p.push((
            ptr(at, "name"),
            "missing or blank name: a record needs a usable Finnish name".into(),
        ));
    }
    name
}

/// The array at `key` (`null`/absent → empty).
fn array<'v>(m: &'v Map<String, Value>, key: &str, at: &str, p: &mut Problems) -> &'v [Value] {
    match m.get(key) {
        None | Some(Value::Null) => &[],
        Some(Value::Array(a)) => a,
        Some(other) => {
            p.push((
                ptr(at, key),
                format!("expected an array, found {}", describe(other)),
            ));
            &[]
        }
    }
}

/// An array of strings; blank strings are skipped.
fn strings<'v>(m: &'v Map<String, Value>, key: &str, at: &str, p: &mut Problems) -> Vec<&'v str> {
    let base = ptr(at, key);
    let mut out = Vec::new();
    for (i, v) in array(m, key, at, p).iter().enumerate() {
        match v {
            Value::String(s) if !s.trim().is_empty() => out.push(s.trim()),
            Value::String(_) | Value::Null => {}
            other => p.push((
                format!("{base}/{i}"),
                format!("expected a string, found {}", describe(other)),
            )),
        }
    }
    out
}

fn ids(m: &Map<String, Value>, key: &str, at: &str, p: &mut Problems) -> Vec<u64> {
    let base = ptr(at, key);
    let mut out = Vec::new();
    for (i, v) in array(m, key, at, p).iter().enumerate() {
        match v.as_u64() {
            Some(id) => out.push(id),
            None => p.push((
                format!("{base}/{i}"),
                format!("expected an integer id, found {}", describe(v)),
            )),
        }
    }
    out
}

/// The objects of an array with their pointers; `{}` and `null` items are skipped.
fn objects<'v>(
    m: &'v Map<String, Value>,
    key: &str,
    at: &str,
    p: &mut Problems,
) -> Vec<(String, &'v Map<String, Value>)> {
    let base = ptr(at, key);
    let mut out = Vec::new();
    for (i, v) in array(m, key, at, p).iter().enumerate() {
        match v {
            Value::Object(o) if !o.is_empty() => out.push((format!("{base}/{i}"), o)),
            Value::Object(_) | Value::Null => {}
            other => p.push((
                format!("{base}/{i}"),
                format!("expected an object, found {}", describe(other)),
            )),
        }
    }
    out
}

fn object<'v>(
    m: &'v Map<String, Value>,
    key: &str,
    at: &str,
    p: &mut Problems,
) -> Option<(String, &'v Map<String, Value>)> {
    match m.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Object(o)) => Some((ptr(at, key), o)),
        Some(other) => {
            p.push((
                ptr(at, key),
                format!("expected an object, found {}", describe(other)),
            ));
            None
        }
    }
}

fn fi(text: Option<&str>) -> Localized {
    text.map(|t| Localized::one(Lang::Fi, t))
        .unwrap_or_default()
}

fn norm(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

// ------------------------------------------------------------------------------------------------
// Shared state: rejections and label statistics.
// ------------------------------------------------------------------------------------------------

#[derive(Default)]
struct Ctx {
    rejections: Vec<Rejection>,
    stats: PilotStats,
    general_descriptions: HashMap<u64, GeneralDescription>,
}

impl Ctx {
    fn reject(&mut self, source: &str, item: &Value, problems: Problems) {
        let id = item.get("id").and_then(|v| match v {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) => Some(s.clone()),
            _ => None,
        });
        for (location, reason) in problems {
            self.rejections.push(Rejection {
                source: source.to_string(),
                location,
                id: id.clone(),
                reason,
            });
        }
    }

    fn unmapped(&mut self, field: &str, label: &str) {
        self.stats.labels_unmapped += 1;
        *self
            .stats
            .unmapped
            .entry((field.to_string(), label.to_string()))
            .or_default() += 1;
    }

    fn service_class(&mut self, label: &str) -> Option<CodeRef> {
        let lists = CodeLists::get();
        // A path label ("Kulttuuri > Kirjastot ja tietopalvelut") is tried by its most specific
        // segment, by name and then by alias, before falling back to its first segment.
        let parts: Vec<&str> = label
            .split('>')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let mut candidates = vec![label];
        if parts.len() > 1 {
            candidates.push(parts[parts.len() - 1]);
        }
        let mut found = None;
        for c in &candidates {
            if let Some(class) = lists.service_class_by_name(c) {
                found = Some(class);
                break;
            }
            let key = norm(c);
            if let Some(class) = SERVICE_CLASS_ALIASES
                .iter()
                .find(|(a, _)| *a == key)
                .and_then(|(_, code)| lists.service_class(code))
            {
                self.stats.labels_mapped_by_alias += 1;
                found = Some(class);
                break;
            }
        }
        if found.is_none() && parts.len() > 1 {
            found = lists.service_class_by_name(parts[0]);
        }
        match found {
            Some(c) => {
                self.stats.labels_mapped += 1;
                Some(CodeRef {
                    code: c.code.clone(),
                    uri: Some(c.uri.clone()),
                })
            }
            None => {
                self.unmapped("serviceClass", label);
                None
            }
        }
    }

    fn target_group(&mut self, label: &str) -> Option<CodeRef> {
        let lists = CodeLists::get();
        let found = lists.target_group_by_name(label).or_else(|| {
            let key = norm(label);
            let alias = TARGET_GROUP_ALIASES
                .iter()
                .find(|(a, _)| *a == key)
                .and_then(|(_, code)| lists.target_group(code));
            if alias.is_some() {
                self.stats.labels_mapped_by_alias += 1;
            }
            alias
        });
        match found {
            Some(c) => {
                self.stats.labels_mapped += 1;
                Some(CodeRef {
                    code: c.code.clone(),
                    uri: Some(c.uri.clone()),
                })
            }
            None => {
                self.unmapped("targetGroup", label);
                None
            }
        }
    }

    fn life_event(&mut self, label: &str) -> Option<CodeRef> {
        match CodeLists::get().life_event_by_name(label) {
            Some(c) => {
                self.stats.labels_mapped += 1;
                Some(CodeRef {
                    code: c.code.clone(),
                    uri: Some(c.uri.clone()),
                })
            }
            None => {
                self.unmapped("lifeEvent", label);
                None
            }
        }
    }

    /// A municipality label (`491 Mikkeli`, `Mikkeli 491`, `Mikkeli`, `491`), counted.
    fn municipality(&mut self, field: &str, label: &str) -> Option<&'static Municipality> {
        let found = municipality_label(label);
        match found {
            Some(_) => self.stats.labels_mapped += 1,
            None => self.unmapped(field, label),
        }
        found
    }
}

/// Resolves a municipality label without counting.
fn municipality_label(label: &str) -> Option<&'static Municipality> {
    let lists = CodeLists::get();
    let mut code = None;
    let mut words = Vec::new();
    for w in label.split_whitespace() {
        if w.len() == 3 && w.bytes().all(|b| b.is_ascii_digit()) {
            code = Some(w);
        } else {
            words.push(w);
        }
    }
    code.and_then(|c| lists.municipality(c))
        .or_else(|| lists.municipality_by_name(&words.join(" ")))
}

fn municipality_area(m: &Municipality) -> Area {
    Area {
        kind: AreaKindPtv::Municipality,
        code: Some(m.code.clone()),
        name: m.name.clone(),
        municipalities: vec![m.code.clone()],
    }
}

// ------------------------------------------------------------------------------------------------
// Records.
// ------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
struct GeneralDescription {
    id: u64,
    service_classes: Vec<String>,
    target_groups: Vec<String>,
    life_events: Vec<String>,
    ontology_terms: Vec<String>,
}

fn general_description(v: &Value, at: &str) -> std::result::Result<GeneralDescription, Problems> {
    let mut p = Problems::new();
    let Some(m) = v.as_object() else {
        return Err(vec![(
            at.to_string(),
            format!("expected an object, found {}", describe(v)),
        )]);
    };
    let id = required_id(m, at, &mut p);
    let own = |key: &str, p: &mut Problems| -> Vec<String> {
        strings(m, key, at, p)
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    let gd = GeneralDescription {
        id: id.unwrap_or_default(),
        service_classes: own("serviceClass", &mut p),
        target_groups: own("targetGroup", &mut p),
        life_events: own("lifeEvent", &mut p),
        ontology_terms: own("ontologyTerm", &mut p),
    };
    if p.is_empty() {
        Ok(gd)
    } else {
        Err(p)
    }
}

/// A service with its unresolved links.
struct PilotService {
    id: u64,
    service: Service,
    channel_links: Vec<(ChannelKind, u64)>,
    org_links: Vec<(u64, OrganizationRole, Option<String>)>,
}

fn provision_type(label: &str) -> String {
    match norm(label).as_str() {
        "itse tuotetut palvelut" | "itse tuotettu" => "SelfProducedServices".into(),
        "ostopalvelut" | "ostopalvelu" => "PurchaseServices".into(),
        "muu" => "Other".into(),
        _ => label.to_string(),
    }
}

fn push_keyword(keywords: &mut Vec<LangValue>, word: &str) {
    let word = word.trim();
    if word.is_empty()
        || keywords
            .iter()
            .any(|k| k.value.eq_ignore_ascii_case(word) || norm(&k.value) == norm(word))
    {
        return;
    }
    keywords.push(LangValue {
        lang: Lang::Fi,
        value: word.to_string(),
    });
}

fn push_code(list: &mut Vec<CodeRef>, c: CodeRef) {
    if !list.iter().any(|x| x.code == c.code) {
        list.push(c);
    }
}

fn service(v: &Value, at: &str, ctx: &mut Ctx) -> std::result::Result<PilotService, Problems> {
    let mut p = Problems::new();
    let Some(m) = v.as_object() else {
        return Err(vec![(
            at.to_string(),
            format!("expected an object, found {}", describe(v)),
        )]);
    };
    let id = required_id(m, at, &mut p);
    let name = required_name(m, at, &mut p);
    let alternate = strings(m, "alternateName", at, &mut p);
    let summary = opt_text(m, "shortDescription", at, &mut p);
    let description = opt_text(m, "description", at, &mut p);
    let instruction = opt_text(m, "serviceUserInstructions", at, &mut p);
    let charge_info = opt_text(m, "serviceChargeDescription", at, &mut p);
    let requirements = opt_text(m, "requirements", at, &mut p);
    let mut languages: Vec<String> = Vec::new();
    for l in strings(m, "language", at, &mut p) {
        let l = l.to_ascii_lowercase();
        if !languages.contains(&l) {
            languages.push(l);
        }
    }
    let mut class_labels: Vec<String> = strings(m, "serviceClass", at, &mut p)
        .into_iter()
        .map(str::to_string)
        .collect();
    let mut group_labels: Vec<String> = strings(m, "targetGroup", at, &mut p)
        .into_iter()
        .map(str::to_string)
        .collect();
    let mut event_labels: Vec<String> = strings(m, "lifeEvent", at, &mut p)
        .into_iter()
        .map(str::to_string)
        .collect();
    let mut terms: Vec<String> = strings(m, "ontologyTerm", at, &mut p)
        .into_iter()
        .map(str::to_string)
        .collect();
    let own_keywords = strings(m, "keyword", at, &mut p);
    let municipality_labels = strings(m, "municipality", at, &mut p);
    let coverage = opt_str(m, "serviceCoverage", at, &mut p);
    let charge = opt_str(m, "serviceCharge", at, &mut p);
    let service_type = opt_str(m, "serviceType", at, &mut p);
    let general = opt_id(m, "generalDescription", at, &mut p);

    let kind = match service_type {
        None => ServiceKind::Service,
        Some(t) => ServiceKind::parse(t).unwrap_or_else(|| {
            p.push((
                ptr(at, "serviceType"),
                format!(
                    "unknown service type {}: expected Service, PermitOrObligation or ProfessionalQualification (or the Finnish names)",
                    describe(&Value::String(t.to_string()))
                ),
            ));
            ServiceKind::Service
        }),
    };
    let charge_type = charge.and_then(|c| {
        let parsed = ChargeType::parse(c);
        if parsed.is_none() {
            p.push((
                ptr(at, "serviceCharge"),
                format!(
                    "unknown charge {}: expected chargeable, free or other",
                    describe(&Value::String(c.to_string()))
                ),
            ));
        }
        parsed
    });
    let coverage_type = match coverage.map(|c| c.to_ascii_lowercase()) {
        None => None,
        Some(c) if c == "nationwide" => Some(AreaType::Nationwide),
        Some(c) if matches!(c.as_str(), "regional" | "local" | "limited" | "limitedtype") => {
            Some(AreaType::LimitedType)
        }
        Some(c) => {
            p.push((
                ptr(at, "serviceCoverage"),
                format!("unknown coverage {c:?}: expected nationwide or regional"),
            ));
            None
        }
    };

    let mut org_links = Vec::new();
    if let Some((oat, o)) = object(m, "serviceToOrganization", at, &mut p) {
        let responsible = ids(o, "responsibleOrganization", &oat, &mut p);
        let producers = ids(o, "producerOrganization", &oat, &mut p);
        let provisions = strings(o, "provisionType", &oat, &mut p);
        for (i, r) in responsible.iter().enumerate() {
            let role = if i == 0 {
                OrganizationRole::Responsible
            } else {
                OrganizationRole::OtherResponsible
            };
            org_links.push((*r, role, None));
        }
        for (i, pr) in producers.iter().enumerate() {
            let provision = provisions
                .get(i)
                .or_else(|| provisions.first())
                .map(|l| provision_type(l));
            org_links.push((*pr, OrganizationRole::Producer, provision));
        }
    }
    let mut channel_links = Vec::new();
    if let Some((cat, o)) = object(m, "serviceToServiceChannel", at, &mut p) {
        for key in o.keys() {
            let channel_ids = ids(o, key, &cat, &mut p);
            match link_kind(key) {
                Some(kind) => channel_links.extend(channel_ids.into_iter().map(|c| (kind, c))),
                None => tracing::warn!(
                    key = key.as_str(),
                    "unknown pilot channel link kind; ignored"
                ),
            }
        }
    }
    if !p.is_empty() {
        return Err(p);
    }
    let id = id.unwrap_or_default();
    let name = name.unwrap_or_default();

    // Inherit from the general description.
    if let Some(gd) = general.and_then(|g| ctx.general_descriptions.get(&g)) {
        class_labels.extend(gd.service_classes.iter().cloned());
        group_labels.extend(gd.target_groups.iter().cloned());
        event_labels.extend(gd.life_events.iter().cloned());
        terms.extend(gd.ontology_terms.iter().cloned());
    }
    dedup_labels(&mut class_labels);
    dedup_labels(&mut group_labels);
    dedup_labels(&mut event_labels);

    let mut keywords = Vec::new();
    for k in own_keywords {
        push_keyword(&mut keywords, k);
    }
    for t in &terms {
        push_keyword(&mut keywords, t);
    }
    let mut service_classes = Vec::new();
    for l in &class_labels {
        match ctx.service_class(l) {
            Some(c) => push_code(&mut service_classes, c),
            None => push_keyword(&mut keywords, l),
        }
    }
    let mut target_groups = Vec::new();
    for l in &group_labels {
        match ctx.target_group(l) {
            Some(c) => push_code(&mut target_groups, c),
            None => push_keyword(&mut keywords, l),
        }
    }
    let mut life_events = Vec::new();
    for l in &event_labels {
        match ctx.life_event(l) {
            Some(c) => push_code(&mut life_events, c),
            None => push_keyword(&mut keywords, l),
        }
    }
    let mut areas: Vec<Area> = Vec::new();
    for l in municipality_labels {
        match ctx.municipality("municipality", l) {
            Some(mu) => {
                if !areas
                    .iter()
                    .any(|a| a.code.as_deref() == Some(mu.code.as_str()))
                {
                    areas.push(municipality_area(mu));
                }
            }
            None => push_keyword(&mut keywords, l),
        }
    }
    let area_type = match coverage_type {
        Some(t) => t,
        None if areas.is_empty() => AreaType::Nationwide,
        None => AreaType::LimitedType,
    };
    if area_type.is_nationwide() {
        areas.clear();
    }

    let service = Service {
        id: pilot_uuid("service", id),
        source_id: Some(format!("ptv-pilot:{id}")),
        general_description_id: general.map(|g| pilot_uuid("general-description", g)),
        kind,
        funding_type: None,
        name: Localized::one(Lang::Fi, name),
        alternative_name: fi((!alternate.is_empty())
            .then(|| alternate.join(", "))
            .as_deref()),
        summary: fi(summary.as_deref()),
        description: fi(description.as_deref()),
        user_instruction: fi(instruction.as_deref()),
        charge_info: fi(charge_info.as_deref()),
        deadline: Localized::default(),
        processing_time: Localized::default(),
        validity_time: Localized::default(),
        charge_type,
        area_type,
        areas,
        languages,
        service_classes,
        ontology_terms: Vec::new(),
        target_groups,
        life_events,
        industrial_classes: Vec::new(),
        keywords,
        requirements: fi(requirements.as_deref()),
        legislation: Vec::new(),
        channels: Vec::new(),
        organizations: Vec::new(),
        collections: Vec::new(),
        vouchers_in_use: false,
        publishing_status: PublishingStatus::Published,
        modified: None,
        origin: Origin::PtvPilot,
        labels_3x10d: None,
    };
    Ok(PilotService {
        id,
        service,
        channel_links,
        org_links,
    })
}

fn dedup_labels(labels: &mut Vec<String>) {
    let mut seen = HashSet::new();
    labels.retain(|l| seen.insert(norm(l)));
}

/// A phone number as the pilot writes it (`015 1941`, `+35815…`).
fn phone(number: &str, kind: PhoneKind) -> Option<Phone> {
    let n = number.trim();
    if n.is_empty() {
        return None;
    }
    let (prefix, rest) = match n.strip_prefix("+358") {
        Some(rest) => (Some("+358".to_string()), rest.trim().to_string()),
        None => (None, n.to_string()),
    };
    let digits: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
    let service_number = ["0600", "0700", "0800", "0100", "020", "030", "0295"]
        .iter()
        .any(|p| digits.starts_with(p));
    Some(Phone {
        lang: Lang::Fi,
        kind,
        prefix,
        number: rest,
        additional_info: None,
        charge_type: None,
        charge_description: None,
        is_finnish_service_number: service_number,
    })
}

fn email(value: Option<&str>) -> Option<LangValue> {
    value.map(|v| LangValue {
        lang: Lang::Fi,
        value: v.to_string(),
    })
}

fn web_page(url: Option<&str>, name: Option<&str>) -> Option<WebPage> {
    url.map(|u| WebPage {
        lang: Lang::Fi,
        url: u.to_string(),
        name: name.map(str::to_string),
    })
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

fn time(t: &str) -> String {
    if t.len() == 5 && t.as_bytes()[2] == b':' {
        format!("{t}:00")
    } else {
        t.to_string()
    }
}

/// `openingTimes: [{opens, closes, dayOfWeek: ["1".."7"], validFrom, validThrough,
/// openingHoursException}]` → service hours; runs of consecutive days become ranges.
fn opening_times(m: &Map<String, Value>, at: &str, p: &mut Problems) -> Vec<ServiceHours> {
    let mut out = Vec::new();
    for (oat, o) in objects(m, "openingTimes", at, p) {
        let opens = opt_str(o, "opens", &oat, p);
        let closes = opt_str(o, "closes", &oat, p);
        let valid_from = opt_str(o, "validFrom", &oat, p);
        let valid_to = opt_str(o, "validThrough", &oat, p);
        let exception = opt_str(o, "openingHoursException", &oat, p);
        let mut days: Vec<usize> = Vec::new();
        let dbase = ptr(&oat, "dayOfWeek");
        for (i, d) in strings(o, "dayOfWeek", &oat, p).into_iter().enumerate() {
            match d.parse::<usize>() {
                Ok(n) if (1..=7).contains(&n) => days.push(n - 1),
                _ => p.push((
                    format!("{dbase}/{i}"),
                    format!(
                        "expected a weekday number \"1\" (Monday) to \"7\" (Sunday), found {d:?}"
                    ),
                )),
            }
        }
        days.sort_unstable();
        days.dedup();
        let mut info: Vec<String> = exception.map(|e| vec![e.to_string()]).unwrap_or_default();
        let non_iso: Vec<&str> = [valid_from, valid_to]
            .into_iter()
            .flatten()
            .filter(|d| !is_iso_date(d))
            .collect();
        if !non_iso.is_empty() {
            let range = format!("{}–{}", valid_from.unwrap_or(""), valid_to.unwrap_or(""));
            if !info.iter().any(|i| i.contains(&range)) {
                info.push(range);
            }
        }
        let (Some(opens), Some(closes)) = (opens, closes) else {
            continue;
        };
        let mut opening_hours = Vec::new();
        let mut i = 0;
        while i < days.len() {
            let mut j = i;
            while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
                j += 1;
            }
            opening_hours.push(OpeningHour {
                day_from: WEEKDAYS[days[i]].to_string(),
                day_to: (j > i).then(|| WEEKDAYS[days[j]].to_string()),
                from: time(opens),
                to: time(closes),
            });
            i = j + 1;
        }
        out.push(ServiceHours {
            kind: ServiceHourKind::DaysOfTheWeek,
            valid_from: valid_from.filter(|d| is_iso_date(d)).map(str::to_string),
            valid_to: valid_to.filter(|d| is_iso_date(d)).map(str::to_string),
            is_closed: false,
            valid_for_now: valid_to.is_none(),
            additional_info: fi((!info.is_empty()).then(|| info.join(" ")).as_deref()),
            opening_hours,
        });
    }
    out
}

/// `visitAddress` / `postalAddress` entries.
fn addresses(
    m: &Map<String, Value>,
    key: &str,
    kind: AddressKind,
    at: &str,
    p: &mut Problems,
) -> Vec<Address> {
    let mut out = Vec::new();
    for (aat, a) in objects(m, key, at, p) {
        let street = opt_str(a, "streetAddress", &aat, p);
        let number = opt_str(a, "buildingNumber", &aat, p);
        let po_box = opt_str(a, "postOfficeBox", &aat, p);
        let postal_code = opt_str(a, "postalCode", &aat, p);
        let district = opt_str(a, "postalDistrict", &aat, p);
        let municipality = opt_str(a, "municipality", &aat, p);
        let qualifier = opt_str(a, "addressQualifier", &aat, p);
        if street.is_none() && po_box.is_none() && postal_code.is_none() {
            continue;
        }
        let municipality = municipality
            .and_then(municipality_label)
            .or_else(|| district.and_then(municipality_label))
            .map(|m| m.code.clone());
        out.push(Address {
            kind: Some(kind),
            sub_type: Some(if po_box.is_some() && street.is_none() {
                "PostOfficeBox".into()
            } else {
                "Street".into()
            }),
            street: fi(street),
            street_number: number.map(str::to_string),
            po_box: fi(po_box),
            postal_code: postal_code.map(str::to_string),
            post_office: fi(district),
            municipality,
            additional_info: fi(qualifier),
            latitude: None,
            longitude: None,
        });
    }
    out
}

/// A channel: `(pilot id, channel, services it lists, owning organisation)`.
type PilotChannel = (u64, Channel, Vec<u64>, Option<u64>);

fn channel(
    v: &Value,
    at: &str,
    kind: ChannelKind,
    ctx: &mut Ctx,
) -> std::result::Result<PilotChannel, Problems> {
    let mut p = Problems::new();
    let Some(m) = v.as_object() else {
        return Err(vec![(
            at.to_string(),
            format!("expected an object, found {}", describe(v)),
        )]);
    };
    let id = required_id(m, at, &mut p);
    let name = required_name(m, at, &mut p);
    let summary = opt_text(m, "shortDescription", at, &mut p);
    let description = opt_text(m, "description", at, &mut p);
    let organization = opt_id(m, "organization", at, &mut p);
    let mut languages: Vec<String> = Vec::new();
    for l in strings(m, "language", at, &mut p) {
        let l = l.to_ascii_lowercase();
        if !languages.contains(&l) {
            languages.push(l);
        }
    }
    let mut phones = Vec::new();
    let mut emails = Vec::new();
    let mut web_pages = Vec::new();
    let mut addresses_out = Vec::new();
    let mut service_hours = Vec::new();
    let mut attachments = Vec::new();
    let mut requires_authentication = None;
    let mut requires_signature = None;
    let mut form_identifier = None;
    let mut area_type = None;
    let mut areas = Vec::new();
    let mut linked_services = Vec::new();

    // Fields shared by the kinds that have them as plain strings.
    if kind != ChannelKind::ServiceLocation {
        let charge_info = opt_str(m, "phoneServiceChargeInformation", at, &mut p).or(opt_str(
            m,
            "phoneCallFeeAdditionalInformation",
            at,
            &mut p,
        ));
        if let Some(mut ph) =
            opt_str(m, "phone", at, &mut p).and_then(|n| phone(n, PhoneKind::Phone))
        {
            ph.charge_description = charge_info.map(str::to_string);
            if kind == ChannelKind::Phone
                && opt_str(m, "phoneServiceChannelType", at, &mut p) == Some("SMSService")
            {
                ph.additional_info = Some("SMS".into());
            }
            phones.push(ph);
        }
        emails.extend(email(opt_str(m, "email", at, &mut p)));
        for (aat, a) in objects(m, "attachments", at, &mut p) {
            let url = opt_str(a, "URL", &aat, &mut p);
            let aname = opt_str(a, "name", &aat, &mut p);
            attachments.extend(web_page(url, aname));
        }
    }
    match kind {
        ChannelKind::EChannel | ChannelKind::WebPage => {
            web_pages.extend(web_page(opt_str(m, "URL", at, &mut p), name));
            if kind == ChannelKind::EChannel {
                requires_authentication = opt_bool(m, "requiresAuthentication", at, &mut p);
                requires_signature = opt_bool(m, "requiresSignature", at, &mut p);
            }
        }
        ChannelKind::Phone => {
            web_pages.extend(web_page(opt_str(m, "webPage", at, &mut p), None));
            service_hours = opening_times(m, at, &mut p);
        }
        ChannelKind::PrintableForm => {
            for (lat, l) in objects(m, "links", at, &mut p) {
                let url = opt_str(l, "URL", &lat, &mut p);
                let file_type = opt_str(l, "fileType", &lat, &mut p);
                web_pages.extend(web_page(url, file_type));
            }
            form_identifier = opt_str(m, "formIdentifier", at, &mut p).map(str::to_string);
            let receiver = opt_str(m, "formReceiver", at, &mut p);
            let desc = opt_str(m, "deliveryAddressDescription", at, &mut p);
            let street = opt_str(m, "deliveryStreetAddress", at, &mut p);
            let number = opt_str(m, "deliveryStreetAddressNumber", at, &mut p);
            let po_box = opt_str(m, "deliveryPostOfficeBox", at, &mut p);
            let postal_code = opt_str(m, "deliveryPostalCode", at, &mut p);
            let district = opt_str(m, "deliveryPostalDistrict", at, &mut p);
            let info: Vec<&str> = [receiver, desc].into_iter().flatten().collect();
            if street.is_some() || po_box.is_some() || postal_code.is_some() || !info.is_empty() {
                addresses_out.push(Address {
                    kind: Some(AddressKind::Delivery),
                    sub_type: Some(
                        if street.is_some() {
                            "Street"
                        } else if po_box.is_some() {
                            "PostOfficeBox"
                        } else {
                            "NoAddress"
                        }
                        .into(),
                    ),
                    street: fi(street),
                    street_number: number.map(str::to_string),
                    po_box: fi(po_box),
                    postal_code: postal_code.map(str::to_string),
                    post_office: fi(district),
                    municipality: district
                        .and_then(municipality_label)
                        .map(|m| m.code.clone()),
                    additional_info: fi((!info.is_empty()).then(|| info.join(": ")).as_deref()),
                    latitude: None,
                    longitude: None,
                });
            }
        }
        ChannelKind::ServiceLocation => {
            for (eat, e) in objects(m, "email", at, &mut p) {
                emails.extend(email(opt_str(e, "address", &eat, &mut p)));
            }
            for (pat, ph) in objects(m, "phone", at, &mut p) {
                let number = opt_str(ph, "phone", &pat, &mut p);
                let fee = opt_str(ph, "phoneCallFee", &pat, &mut p);
                let what = opt_str(ph, "phoneNumberDescription", &pat, &mut p);
                let more = opt_str(ph, "phoneCallFeeAdditionalInformation", &pat, &mut p);
                if let Some(mut entry) = number.and_then(|n| phone(n, PhoneKind::Phone)) {
                    entry.additional_info = what.map(str::to_string);
                    let charge: Vec<&str> = [fee, more].into_iter().flatten().collect();
                    entry.charge_description = (!charge.is_empty()).then(|| charge.join(", "));
                    phones.push(entry);
                }
            }
            if let Some(fax) = opt_str(m, "fax", at, &mut p).and_then(|n| phone(n, PhoneKind::Fax))
            {
                phones.push(fax);
            }
            for (wat, w) in objects(m, "webPage", at, &mut p) {
                let url = opt_str(w, "url", &wat, &mut p);
                let wname = opt_str(w, "name", &wat, &mut p);
                web_pages.extend(web_page(url, wname));
            }
            addresses_out = addresses(m, "visitAddress", AddressKind::Location, at, &mut p);
            let latitude = opt_str(m, "latitude", at, &mut p);
            let longitude = opt_str(m, "longitude", at, &mut p);
            if let Some(first) = addresses_out.first_mut() {
                first.latitude = latitude.map(str::to_string);
                first.longitude = longitude.map(str::to_string);
            }
            addresses_out.extend(addresses(
                m,
                "postalAddress",
                AddressKind::Postal,
                at,
                &mut p,
            ));
            service_hours = opening_times(m, at, &mut p);
            let restricted = opt_bool(m, "serviceAreaRestricted", at, &mut p);
            let labels = strings(m, "serviceArea", at, &mut p);
            linked_services = ids(m, "services", at, &mut p);
            if p.is_empty() {
                for l in labels {
                    if let Some(mu) = ctx.municipality("serviceArea", l) {
                        if !areas
                            .iter()
                            .any(|a: &Area| a.code.as_deref() == Some(mu.code.as_str()))
                        {
                            areas.push(municipality_area(mu));
                        }
                    }
                }
            }
            area_type = match restricted {
                Some(false) => Some(AreaType::Nationwide),
                Some(true) if !areas.is_empty() => Some(AreaType::LimitedType),
                _ => None,
            };
            if area_type != Some(AreaType::LimitedType) {
                areas.clear();
            }
        }
    }
    if !p.is_empty() {
        return Err(p);
    }
    let id = id.unwrap_or_default();
    let channel = Channel {
        id: pilot_uuid("channel", id),
        source_id: Some(format!("ptv-pilot:{id}")),
        kind,
        organization_id: None,
        name: Localized::one(Lang::Fi, name.unwrap_or_default()),
        summary: fi(summary.as_deref()),
        description: fi(description.as_deref()),
        area_type,
        areas,
        languages,
        phones,
        emails,
        web_pages,
        addresses: addresses_out,
        service_hours,
        attachments,
        requires_authentication,
        requires_signature,
        form_identifier,
        accessibility_level: None,
        publishing_status: PublishingStatus::Published,
        modified: None,
        origin: Origin::PtvPilot,
    };
    Ok((id, channel, linked_services, organization))
}

/// PTV's organisation type for the pilot's Finnish one.
fn organization_type(label: &str) -> String {
    match norm(label).as_str() {
        "valtio" => "State".into(),
        "kunta" => "Municipality".into(),
        "alueellinen yhteistoimintaorganisaatio" => "RegionalOrganization".into(),
        "yritys" | "yritykset" => "Company".into(),
        "järjestö" | "järjestöt" => "Organization".into(),
        _ => label.to_string(),
    }
}

/// An organisation: `((pilot id, organisation), sub-organisation ids)`.
fn organization(
    v: &Value,
    at: &str,
) -> std::result::Result<((u64, Organization), Vec<u64>), Problems> {
    let mut p = Problems::new();
    let Some(m) = v.as_object() else {
        return Err(vec![(
            at.to_string(),
            format!("expected an object, found {}", describe(v)),
        )]);
    };
    let id = required_id(m, at, &mut p);
    let name = required_name(m, at, &mut p);
    let oid = opt_str(m, "OID", at, &mut p);
    let business = opt_str(m, "businessID", at, &mut p);
    let org_type = opt_str(m, "organizationType", at, &mut p);
    let municipality_code = opt_str(m, "municipalityCode", at, &mut p);
    let municipality_name = opt_str(m, "munipalicityName", at, &mut p);
    let description = opt_text(m, "description", at, &mut p);
    let mail = opt_str(m, "email", at, &mut p);
    let phone_number = opt_str(m, "phone", at, &mut p);
    let charge_info = opt_str(m, "phoneServiceChargeInformation", at, &mut p);
    let mut web_pages = Vec::new();
    for key in ["webPages", "webpages"] {
        for (wat, w) in objects(m, key, at, &mut p) {
            let url = opt_str(w, "url", &wat, &mut p);
            let wname = opt_str(w, "webpageName", &wat, &mut p);
            web_pages.extend(web_page(url, wname));
        }
    }
    let mut addresses_out = addresses(m, "visitAddress", AddressKind::Location, at, &mut p);
    addresses_out.extend(addresses(
        m,
        "postalAddress",
        AddressKind::Postal,
        at,
        &mut p,
    ));
    let subs = ids(m, "subOrganization", at, &mut p);
    if !p.is_empty() {
        return Err(p);
    }
    let id = id.unwrap_or_default();
    let municipality = municipality_code
        .and_then(|c| CodeLists::get().municipality(c))
        .or_else(|| municipality_name.and_then(municipality_label))
        .map(|m| m.code.clone());
    let is_oid = |s: &str| s.contains('.') && s.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let org = Organization {
        id: pilot_uuid("organization", id),
        source_id: Some(format!("ptv-pilot:{id}")),
        oid: oid.filter(|o| is_oid(o)).map(str::to_string),
        name: Localized::one(Lang::Fi, name.unwrap_or_default()),
        business_code: business.map(str::to_string),
        business_name: None,
        organization_type: org_type.map(organization_type),
        municipality,
        parent_id: None,
        description: fi(description.as_deref()),
        summary: Localized::default(),
        area_type: None,
        areas: Vec::new(),
        emails: email(mail).into_iter().collect(),
        phones: phone_number
            .and_then(|n| phone(n, PhoneKind::Phone))
            .map(|mut ph| {
                ph.charge_description = charge_info.map(str::to_string);
                ph
            })
            .into_iter()
            .collect(),
        web_pages,
        addresses: addresses_out,
        publishing_status: PublishingStatus::Published,
        modified: None,
        origin: Origin::PtvPilot,
    };
    Ok(((id, org), subs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pilot_files() -> Vec<(String, Vec<u8>)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/ptv-pilot");
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                (
                    format!(
                        "data/ptv-pilot/{}",
                        p.file_name().unwrap().to_string_lossy()
                    ),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    }

    fn minimal(services: &str, organizations: &str) -> Vec<(String, Vec<u8>)> {
        vec![
            ("x/services.json".into(), services.as_bytes().to_vec()),
            (
                "x/organizations.json".into(),
                organizations.as_bytes().to_vec(),
            ),
        ]
    }

    #[test]
    fn ids_are_deterministic_v5_style_and_kind_specific() {
        let a = pilot_uuid("service", 78);
        assert_eq!(a, pilot_uuid("service", 78));
        assert_ne!(a, pilot_uuid("channel", 78));
        assert!(crate::labels::is_uuid(&a));
        assert_eq!(&a[14..15], "5");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn the_real_pilot_data() {
        let report = parse_files_report(&pilot_files()).unwrap();
        assert!(report.rejections.is_empty(), "{:?}", report.rejections);
        let s = &report.stats;
        assert_eq!(s.services, 165);
        assert_eq!(s.organizations, 306);
        assert_eq!(s.channels, 37 + 43 + 28 + 89 + 32);
        let batch = &report.batch;
        // Service 78: "Muuttoilmoitus Postille ja maistraatille".
        let moving = batch
            .services
            .iter()
            .find(|x| x.source_id.as_deref() == Some("ptv-pilot:78"))
            .unwrap();
        assert_eq!(moving.id, pilot_uuid("service", 78));
        assert_eq!(moving.area_type, AreaType::Nationwide);
        assert_eq!(moving.origin, Origin::PtvPilot);
        assert_eq!(moving.publishing_status, PublishingStatus::Published);
        let classes: Vec<&str> = moving
            .service_classes
            .iter()
            .map(|c| c.code.as_str())
            .collect();
        assert_eq!(classes, ["P22.5", "P22.6", "P22.7", "P22.9", "P1.5"]);
        assert_eq!(moving.target_groups[0].code, "KR1");
        let events: Vec<&str> = moving.life_events.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(events, ["KE4.1", "KE4.2", "KE4.3", "KE4.4", "KE5"]);
        assert!(moving.keywords.iter().any(|k| k.value == "maassamuutto"));
        assert_eq!(moving.channels.len(), 1);
        assert_eq!(moving.channels[0].channel_id, pilot_uuid("channel", 101));
        let roles: Vec<OrganizationRole> = moving.organizations.iter().map(|o| o.role).collect();
        assert_eq!(
            roles,
            [
                OrganizationRole::Responsible,
                OrganizationRole::OtherResponsible,
                OrganizationRole::OtherResponsible,
                OrganizationRole::Producer
            ]
        );
        assert_eq!(
            moving.organizations[3].provision_type.as_deref(),
            Some("SelfProducedServices")
        );
        // Regional services have municipality areas.
        let regional: Vec<&Service> = batch
            .services
            .iter()
            .filter(|x| x.area_type == AreaType::LimitedType)
            .collect();
        assert_eq!(regional.len(), 25);
        assert!(regional.iter().all(|x| !x.areas.is_empty()));
        assert!(regional
            .iter()
            .any(|x| x.municipality_codes() == ["491".to_string()]));
        // General descriptions are referenced and inherited.
        let with_gd = batch
            .services
            .iter()
            .filter(|x| x.general_description_id.is_some())
            .count();
        assert_eq!(with_gd, 26);
        // Every link resolves inside the batch.
        let channel_ids: HashSet<&str> = batch.channels.iter().map(|c| c.id.as_str()).collect();
        let org_ids: HashSet<&str> = batch.organizations.iter().map(|o| o.id.as_str()).collect();
        for x in &batch.services {
            assert!(x
                .channels
                .iter()
                .all(|c| channel_ids.contains(c.channel_id.as_str())));
            assert!(x
                .organizations
                .iter()
                .all(|o| org_ids.contains(o.organization_id.as_str())));
            for c in &x.service_classes {
                assert!(CodeLists::get().service_class(&c.code).is_some());
            }
        }
        for c in &batch.channels {
            if let Some(o) = &c.organization_id {
                assert!(org_ids.contains(o.as_str()));
            }
        }
        // Channel kinds by file.
        let count = |k: ChannelKind| batch.channels.iter().filter(|c| c.kind == k).count();
        assert_eq!(count(ChannelKind::EChannel), 37);
        assert_eq!(count(ChannelKind::WebPage), 43);
        assert_eq!(count(ChannelKind::Phone), 28);
        assert_eq!(count(ChannelKind::ServiceLocation), 89);
        assert_eq!(count(ChannelKind::PrintableForm), 32);
        // Label mapping: most labels map, the rest are kept and counted.
        assert!(s.labels_mapped > 500, "{s:?}");
        assert!(s.labels_unmapped < 40, "{s:?}");
        assert!(s
            .unmapped
            .contains_key(&("serviceClass".to_string(), "Hallinto".to_string())));
        // Re-parsing gives the same batch (idempotent ids).
        let again = parse_files_report(&pilot_files()).unwrap();
        assert_eq!(again.batch.services, batch.services);
    }

    #[test]
    fn opening_times_and_addresses() {
        let report = parse_files_report(&pilot_files()).unwrap();
        let loc = report
            .batch
            .channels
            .iter()
            .find(|c| c.source_id.as_deref() == Some("ptv-pilot:133"))
            .unwrap();
        assert_eq!(loc.kind, ChannelKind::ServiceLocation);
        assert_eq!(loc.area_type, Some(AreaType::LimitedType));
        assert_eq!(loc.areas[0].code.as_deref(), Some("491"));
        let h = &loc.service_hours[0];
        assert_eq!(h.summary(), "Monday–Friday 08:00–16:15");
        assert_eq!(
            h.additional_info.get(Lang::Fi),
            Some("Ajanvaraus tarvitaan.")
        );
        let visit = &loc.addresses[0];
        assert_eq!(visit.kind, Some(AddressKind::Location));
        assert_eq!(visit.municipality.as_deref(), Some("491"));
        assert_eq!(visit.latitude.as_deref(), Some("6839282"));
        assert_eq!(loc.addresses[1].kind, Some(AddressKind::Postal));
        assert_eq!(loc.addresses[1].po_box.get(Lang::Fi), Some("PL 33"));
    }

    #[test]
    fn malformed_json_is_an_error_with_position() {
        let files = minimal("[{\"id\": 1,\n \"name\": }]", "[]");
        match parse_files(&files) {
            Err(ImportError::Json {
                source,
                line,
                column,
                ..
            }) => {
                assert_eq!(source, "x/services.json");
                assert_eq!(line, 2);
                assert!(column > 0);
            }
            other => panic!("{other:?}"),
        }
        let files = minimal("{\"id\": 1}", "[]");
        assert!(matches!(
            parse_files(&files),
            Err(ImportError::Format { .. })
        ));
        let files = vec![("x/services.json".to_string(), b"[]".to_vec())];
        assert!(matches!(
            parse_files(&files),
            Err(ImportError::Format { .. })
        ));
    }

    #[test]
    fn wrong_types_reject_the_record_with_a_pointer() {
        let files = minimal(
            r#"[
              {"id": 1, "name": "Hyvä palvelu", "serviceClass": ["Perusopetus"], "serviceCoverage": "nationwide"},
              {"id": 2, "name": "Huono palvelu", "serviceClass": ["Perusopetus", "Asuminen", "Esiopetus", 7]},
              {"id": 3, "name": "  "},
              {"id": "4", "name": "Merkkijono-id"},
              {"id": 5, "name": "Tuntematon luokka", "serviceClass": ["Hallinto"], "targetGroup": ["Kansalaiset"],
               "municipality": ["Mikkeli 491"], "serviceCoverage": "regional",
               "serviceToOrganization": {"responsibleOrganization": [10, 99]}}
            ]"#,
            r#"[{"id": 10, "name": "Mikkelin kaupunki", "municipalityCode": "491"}]"#,
        );
        let report = parse_files_report(&files).unwrap();
        let ids: Vec<&str> = report
            .batch
            .services
            .iter()
            .map(|s| s.source_id.as_deref().unwrap())
            .collect();
        assert_eq!(ids, ["ptv-pilot:1", "ptv-pilot:5"]);
        let r = &report.rejections;
        assert_eq!(r.len(), 3, "{r:?}");
        assert_eq!(r[0].location, "/1/serviceClass/3");
        assert_eq!(r[0].id.as_deref(), Some("2"));
        assert!(r[0].reason.contains("expected a string"), "{}", r[0].reason);
        assert_eq!(r[1].location, "/2/name");
        assert_eq!(r[2].location, "/3/id");
        // The unmapped class is a keyword, the record stays; the dangling org link is dropped.
        let s5 = &report.batch.services[1];
        assert!(s5.service_classes.is_empty());
        assert!(s5.keywords.iter().any(|k| k.value == "Hallinto"));
        assert_eq!(s5.target_groups[0].code, "KR1");
        assert_eq!(s5.area_type, AreaType::LimitedType);
        assert_eq!(s5.municipality_codes(), ["491"]);
        assert_eq!(s5.organizations.len(), 1);
        assert_eq!(report.stats.dangling_links, 1);
        assert_eq!(report.stats.labels_unmapped, 1);
        assert_eq!(
            report.batch.organizations[0].municipality.as_deref(),
            Some("491")
        );
    }

    #[test]
    fn aliases_point_to_real_codes() {
        for (label, code) in SERVICE_CLASS_ALIASES {
            assert!(
                CodeLists::get().service_class(code).is_some(),
                "{label} → {code}"
            );
            assert!(
                CodeLists::get().service_class_by_name(label).is_none(),
                "{label} is a real label"
            );
        }
        for (_, code) in TARGET_GROUP_ALIASES {
            assert!(CodeLists::get().target_group(code).is_some());
        }
        let mut ctx = Ctx::default();
        assert_eq!(
            ctx.service_class("Kulttuuri > Kirjastot ja tietopalvelut")
                .unwrap()
                .code,
            "P25.1"
        );
        assert_eq!(ctx.service_class("kuluttajansuoja").unwrap().code, "P21.1");
        assert_eq!(ctx.stats.labels_mapped_by_alias, 1);
    }

    #[test]
    fn detects_the_pilot_directory() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/ptv-pilot");
        assert!(is_pilot_dir(&dir));
        let (batch, rejections) = parse_dir(&dir).unwrap();
        assert!(rejections.is_empty());
        assert_eq!(batch.services.len(), 165);
        let v11 = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/ptv/services");
        assert!(!is_pilot_dir(&v11));
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(
            tmp.path().join("services.json"),
            r#"[{"id": "0739289c-cc26-4097-b029-fa9c58c8d4e9"}]"#,
        )
        .unwrap();
        std::fs::write(tmp.path().join("organizations.json"), r#"[{"id": 1}]"#).unwrap();
        assert!(!is_pilot_dir(tmp.path()));
    }
}
