//! PTV REST API v11 JSON → Aurora's model.
//!
//! One function per record kind ([`service`], [`channel`], [`organization`]) reads a parsed
//! JSON object and either returns the model value or every problem found in it, each with the
//! JSON pointer of the offending value and a reason that quotes it.
//!
//! # What is required, what is lenient
//!
//! Required (a record without them is rejected): `id` in UUID syntax; a name (`type` `Name`, or
//! no type) in at least one of fi, sv, en; a known `publishingStatus`; `areaType` for services;
//! `serviceChannelType` (one of the five) for channels. Service classes, target groups and life
//! events must exist in the built-in [`CodeLists`]: an unknown code usually means a typo or a
//! corrupted export, and a service filed under a class that does not exist would never be found
//! by a class filter.
//!
//! Lenient (skipped silently): entries in languages other than fi/sv/en, texts that are `null`
//! or blank, unknown description and name types, phone entries without a number, organisation
//! links whose `organization` is `null` (PTV's "other producer" without an organisation).
//! Wrong JSON types are always problems, even in optional fields: they mean the input is not
//! what it claims to be.
//!
//! # Areas
//!
//! Municipality areas carry their `municipalities`. Regions, hospital districts, business
//! regions and wellbeing services counties carry theirs too; when the list is empty, the area
//! code is expanded through the code lists (business regions are not in the code lists, so an
//! empty business region stays empty). An area code the code lists do not know is rejected.
//!
//! # Where PTV's v11 shapes vary
//!
//! Older exports spell the visiting address type `Visiting` (mapped to `Location`), give
//! `formIdentifier` as a localized array rather than a string, and use the v1 service-class
//! vocabulary (`ontologyType` `PTVL`, `urn.fi` URIs, or `…/ptvserclass/code/…` in `newUri`).
//! v1 codes are translated to `ptvserclass2` (two codes were renumbered); the original URI is
//! kept in [`CodeRef::uri`].

pub(crate) mod json;
pub(crate) mod read;
pub(crate) mod walk;

use aurora_model::{
    service_class_code_from_uri, Address, AddressKind, Area, AreaKind, AreaKindPtv, AreaType,
    Channel, ChannelKind, ChargeType, CodeLists, CodeRef, FundingType, Lang, LangValue, Localized,
    OntologyTerm, OpeningHour, Organization, OrganizationRole, Origin, Phone, PhoneKind,
    PublishingStatus, Service, ServiceChannelLink, ServiceHourKind, ServiceHours, ServiceKind,
    ServiceOrganization, WebPage,
};
use json::{Obj, J};

use walk::{
    append, array, describe, enumeration, is_uuid, lang_field, lang_texts, localized, object,
    opt_bool, opt_str, opt_string, quote, set_first, Problems, Ptr,
};

const PUBLISHING_STATUSES: &str = "Published, Draft, Modified, Archived, Withdrawn, Deleted";
const AREA_TYPES: &str = "Nationwide, NationwideExceptAlandIslands, LimitedType";
const CHANNEL_TYPES: &str = "EChannel, WebPage, Phone, ServiceLocation, PrintableForm";
const AREA_KINDS: &str =
    "Municipality, Region, HospitalDistrict, BusinessRegions, WellbeingServiceCounty";
const SERVICE_TYPES: &str = "Service, PermitOrObligation, ProfessionalQualification";
const FUNDING_TYPES: &str = "PubliclyFunded, MarketFunded";
const CHARGE_TYPES: &str = "FreeOfCharge, Chargeable, Other";
const ROLE_TYPES: &str = "Responsible, OtherResponsible, Producer";
const HOUR_TYPES: &str =
    "DaysOfTheWeek, Exceptional, OverMidnight (or Standard, Exception, Special)";
const PHONE_TYPES: &str = "Phone, Fax";

/// The `id` of a record, if it has a string one (for labelling rejections).
pub(crate) fn record_id(v: &J<'_>) -> Option<String> {
    v.get("id").and_then(J::as_str).map(str::to_string)
}

/// Reads the common header of every record: id, status and origin.
struct Header {
    id: String,
    source_id: Option<String>,
    status: PublishingStatus,
    modified: Option<String>,
    origin: Origin,
}

fn header(m: &Obj<'_>, at: &Ptr<'_>, p: &mut Problems) -> Option<Header> {
    let id = match m.get("id") {
        Some(J::Str(s)) if is_uuid(s.trim()) => Some(s.trim().to_ascii_lowercase()),
        Some(J::Str(s)) => {
            p.push(
                &at.key("id"),
                format!(
                    "expected a UUID such as \"3668d250-1c8a-4ef9-9b71-62e4c9ed6b4a\", found {}",
                    quote(s)
                ),
            );
            None
        }
        None | Some(J::Null) => {
            p.push(&at.key("id"), "missing required field id (a UUID)");
            None
        }
        Some(other) => {
            p.push(
                &at.key("id"),
                format!("expected a UUID string, found {}", describe(other)),
            );
            None
        }
    };
    let status = enumeration(
        m,
        "publishingStatus",
        at,
        p,
        PublishingStatus::parse,
        PUBLISHING_STATUSES,
        true,
    );
    let source_id = opt_string(m, "sourceId", at, p);
    let modified = opt_string(m, "modified", at, p);
    let synthetic = opt_bool(m, "auroraSynthetic", at, p) == Some(true)
        || source_id
            .as_deref()
            .is_some_and(|s| s.starts_with("aurora-synthetic-"));
    Some(Header {
        id: id?,
        source_id,
        status: status?,
        modified,
        origin: if synthetic {
            Origin::Synthetic
        } else {
            Origin::PtvV11
        },
    })
}

/// Names by type: `Name` (or no type) and `AlternativeName`/`AlternateName`; a record needs a
/// name in at least one of fi/sv/en.
fn names(m: &Obj<'_>, key: &str, at: &Ptr<'_>, p: &mut Problems) -> (Localized, Localized) {
    let at_key = at.key(key);
    let mut name = Localized::default();
    let mut alternative = Localized::default();
    for t in lang_texts(array(m, key, at, p), &at_key, p, "value") {
        match t.kind {
            None | Some("Name") => set_first(&mut name, t.lang, t.value),
            Some("AlternativeName" | "AlternateName") => {
                set_first(&mut alternative, t.lang, t.value)
            }
            Some(_) => {}
        }
    }
    if name.is_empty() {
        p.push(
            &at_key,
            format!("no name in fi, sv or en: {key} needs an entry of type Name in one of them"),
        );
    }
    (name, alternative)
}

/// The texts of a localized array with their `type` (descriptions).
fn typed_texts<'v>(
    m: &'v Obj<'_>,
    key: &str,
    at: &Ptr<'_>,
    p: &mut Problems,
) -> Vec<walk::LangText<'v>> {
    let at_key = at.key(key);
    lang_texts(array(m, key, at, p), &at_key, p, "value")
}

/// Summary and description of channels and organisations.
fn summary_description(
    m: &Obj<'_>,
    key: &str,
    at: &Ptr<'_>,
    p: &mut Problems,
) -> (Localized, Localized) {
    let mut summary = Localized::default();
    let mut description = Localized::default();
    for t in typed_texts(m, key, at, p) {
        match t.kind {
            Some("Summary" | "ShortDescription") => set_first(&mut summary, t.lang, t.value),
            Some("Description") => set_first(&mut description, t.lang, t.value),
            _ => {}
        }
    }
    (summary, description)
}

fn area_type(m: &Obj<'_>, at: &Ptr<'_>, p: &mut Problems, required: bool) -> Option<AreaType> {
    enumeration(m, "areaType", at, p, AreaType::parse, AREA_TYPES, required)
}

fn area_kind(s: &str) -> Option<AreaKindPtv> {
    match s.trim().to_ascii_lowercase().as_str() {
        "municipality" => Some(AreaKindPtv::Municipality),
        "region" | "province" => Some(AreaKindPtv::Region),
        "hospitaldistrict" | "hospitalregions" => Some(AreaKindPtv::HospitalDistrict),
        "businessregions" | "businessregion" => Some(AreaKindPtv::BusinessRegions),
        "wellbeingservicecounty" | "wellbeingservicecounties" | "wellbeingcounty" => {
            Some(AreaKindPtv::WellbeingServiceCounty)
        }
        _ => None,
    }
}

/// A code given as a string (or, leniently, a number: some exports lose the quotes); `null`
/// and absent are `None`.
fn code_text(m: &Obj<'_>, key: &str, at: &Ptr<'_>, p: &mut Problems) -> Option<String> {
    match m.get(key) {
        Some(J::Num(n)) => Some(n.to_string()),
        _ => opt_string(m, key, at, p),
    }
}

fn areas(m: &Obj<'_>, at: &Ptr<'_>, codes: &CodeLists, p: &mut Problems) -> Vec<Area> {
    let at_areas = at.key("areas");
    let mut out = Vec::new();
    for (i, item) in array(m, "areas", at, p).iter().enumerate() {
        let at = at_areas.index(i);
        let Some(a) = object(item, &at, p) else {
            continue;
        };
        let kind = enumeration(a, "type", &at, p, area_kind, AREA_KINDS, true);
        let code = code_text(a, "code", &at, p);
        let name = localized(array(a, "name", &at, p), &at.key("name"), p);
        let at_munis = at.key("municipalities");
        let mut municipalities = Vec::new();
        for (j, mu) in array(a, "municipalities", &at, p).iter().enumerate() {
            let at_mu = at_munis.index(j);
            match mu {
                J::Str(s) if !s.trim().is_empty() => municipalities.push(s.trim().to_string()),
                J::Obj(mo) => {
                    if let Some(c) = code_text(mo, "code", &at_mu, p) {
                        municipalities.push(c);
                    }
                }
                J::Null => {}
                other => p.push(
                    &at_mu,
                    format!(
                        "expected a municipality object {{code, name}}, found {}",
                        describe(other)
                    ),
                ),
            }
        }
        let Some(kind) = kind else { continue };
        if municipalities.is_empty() {
            if let Some(code) = &code {
                let lookup = match kind {
                    AreaKindPtv::Municipality => None,
                    AreaKindPtv::Region => Some((AreaKind::Region, "region")),
                    AreaKindPtv::HospitalDistrict => {
                        Some((AreaKind::HospitalDistrict, "hospital district"))
                    }
                    AreaKindPtv::WellbeingServiceCounty => {
                        Some((AreaKind::WellbeingCounty, "wellbeing services county"))
                    }
                    // Business regions are not in the built-in code lists: keep as given.
                    AreaKindPtv::BusinessRegions => None,
                };
                match lookup {
                    Some((ak, label)) if codes.area(ak, code).is_none() => p.push(
                        &at.key("code"),
                        format!(
                            "unknown {label} code {}: not in the built-in code lists and the area lists no municipalities",
                            quote(code)
                        ),
                    ),
                    Some((ak, _)) => {
                        municipalities = codes
                            .municipalities_in(ak, code)
                            .into_iter()
                            .map(str::to_string)
                            .collect()
                    }
                    None if kind == AreaKindPtv::Municipality => municipalities.push(code.clone()),
                    None => {}
                }
            }
        }
        out.push(Area {
            kind,
            code,
            name,
            municipalities,
        });
    }
    out
}

/// The last path segment of a code URI (`…/ptvkohderyhmat/code/KR1.2` → `KR1.2`).
fn code_from_uri(uri: &str) -> Option<&str> {
    let uri = uri.trim().trim_end_matches('/');
    let (_, last) = uri.rsplit_once("/code/")?;
    (!last.is_empty() && !last.contains('/')).then_some(last)
}

/// Service classes: `newUri` (either scheme) when present, else `code` (translated from the v1
/// vocabulary when the entry says it is v1), validated against the code lists.
fn service_classes(m: &Obj<'_>, at: &Ptr<'_>, codes: &CodeLists, p: &mut Problems) -> Vec<CodeRef> {
    let at_list = at.key("serviceClasses");
    let mut out: Vec<CodeRef> = Vec::new();
    for (i, item) in array(m, "serviceClasses", at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(c) = object(item, &at, p) else {
            continue;
        };
        let new_uri = opt_str(c, "newUri", &at, p);
        let uri = opt_str(c, "uri", &at, p);
        let code = opt_str(c, "code", &at, p);
        let ontology = opt_str(c, "ontologyType", &at, p);
        let resolved = if let Some(new_uri) = new_uri {
            match codes.service_class_by_uri(new_uri) {
                Some(class) => Some(class.code.clone()),
                None => {
                    let reason = match service_class_code_from_uri(new_uri) {
                        Some(code) => format!(
                            "unknown service class {} in newUri {}: not in the ptvserclass2 code list (P1–P28.x)",
                            quote(code),
                            quote(new_uri)
                        ),
                        None => format!(
                            "expected a ptvserclass2 (or old ptvserclass) code URI such as \"http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/P5.1\", found {}",
                            quote(new_uri)
                        ),
                    };
                    p.push(&at.key("newUri"), reason);
                    None
                }
            }
        } else if let Some(code) = code {
            let v1 = ontology.is_some_and(|o| o.eq_ignore_ascii_case("PTVL"))
                || uri.is_some_and(|u| u.contains(":ptvl:") || u.contains("/ptvserclass/"));
            let class = if v1 {
                codes.service_class_by_uri(&format!(
                    "http://uri.suomi.fi/codelist/ptv/ptvserclass/code/{code}"
                ))
            } else {
                codes.service_class(code)
            };
            match class {
                Some(class) => Some(class.code.clone()),
                None => {
                    p.push(
                        &at.key("code"),
                        format!(
                            "unknown service class {}: not in the ptvserclass2 code list (P1–P28.x)",
                            quote(code)
                        ),
                    );
                    None
                }
            }
        } else if let Some(uri) = uri {
            match codes.service_class_by_uri(uri) {
                Some(class) => Some(class.code.clone()),
                None => {
                    p.push(
                        &at.key("uri"),
                        format!("unknown service class URI {}", quote(uri)),
                    );
                    None
                }
            }
        } else {
            p.push(&at, "service class has no newUri, code or uri");
            None
        };
        if let Some(code) = resolved {
            if !out.iter().any(|r| r.code == code) {
                out.push(CodeRef {
                    code,
                    uri: new_uri.or(uri).map(str::to_string),
                });
            }
        }
    }
    out
}

/// Target groups or life events: `code`, else the code in `newUri`/`uri`; validated.
fn concepts(
    m: &Obj<'_>,
    key: &str,
    at: &Ptr<'_>,
    p: &mut Problems,
    label: &str,
    known: impl Fn(&str) -> bool,
) -> Vec<CodeRef> {
    let at_list = at.key(key);
    let mut out: Vec<CodeRef> = Vec::new();
    for (i, item) in array(m, key, at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(c) = object(item, &at, p) else {
            continue;
        };
        let new_uri = opt_str(c, "newUri", &at, p);
        let uri = opt_str(c, "uri", &at, p);
        let (code, field) = match opt_str(c, "code", &at, p) {
            Some(code) => (Some(code), "code"),
            None => match new_uri.and_then(code_from_uri) {
                Some(code) => (Some(code), "newUri"),
                None => (uri.and_then(code_from_uri), "uri"),
            },
        };
        let Some(code) = code else {
            p.push(&at, format!("{label} has no code (code, newUri or uri)"));
            continue;
        };
        if !known(code) {
            p.push(
                &at.key(field),
                format!(
                    "unknown {label} {}: not in the built-in code list",
                    quote(code)
                ),
            );
            continue;
        }
        if !out.iter().any(|r| r.code == code) {
            out.push(CodeRef {
                code: code.to_string(),
                uri: new_uri.or(uri).map(str::to_string),
            });
        }
    }
    out
}

/// Industrial classes (TOL 2008): not in the code lists, kept as given.
fn free_codes(m: &Obj<'_>, key: &str, at: &Ptr<'_>, p: &mut Problems) -> Vec<CodeRef> {
    let at_list = at.key(key);
    let mut out = Vec::new();
    for (i, item) in array(m, key, at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(c) = object(item, &at, p) else {
            continue;
        };
        let uri = opt_str(c, "newUri", &at, p).or(opt_str(c, "uri", &at, p));
        if let Some(code) = opt_str(c, "code", &at, p).or(uri.and_then(code_from_uri)) {
            out.push(CodeRef {
                code: code.to_string(),
                uri: uri.map(str::to_string),
            });
        }
    }
    out
}

fn ontology_terms(m: &Obj<'_>, at: &Ptr<'_>, p: &mut Problems) -> Vec<OntologyTerm> {
    let at_list = at.key("ontologyTerms");
    let mut out: Vec<OntologyTerm> = Vec::new();
    for (i, item) in array(m, "ontologyTerms", at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(t) = object(item, &at, p) else {
            continue;
        };
        let name = localized(array(t, "name", &at, p), &at.key("name"), p);
        let uri = opt_str(t, "uri", &at, p).or(opt_str(t, "newUri", &at, p));
        if let Some(uri) = uri {
            if !out.iter().any(|o| o.uri == uri) {
                out.push(OntologyTerm {
                    uri: uri.to_string(),
                    name,
                });
            }
        }
    }
    out
}

fn lang_values(m: &Obj<'_>, key: &str, at: &Ptr<'_>, p: &mut Problems) -> Vec<LangValue> {
    let at_key = at.key(key);
    lang_texts(array(m, key, at, p), &at_key, p, "value")
        .into_iter()
        .map(|t| LangValue {
            lang: t.lang,
            value: t.value.to_string(),
        })
        .collect()
}

/// Web pages `[{url, value, language}]` (also `[{value: url, language}]` for channel URLs).
fn web_pages(m: &Obj<'_>, key: &str, at: &Ptr<'_>, p: &mut Problems, out: &mut Vec<WebPage>) {
    let at_list = at.key(key);
    for (i, item) in array(m, key, at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(w) = object(item, &at, p) else {
            continue;
        };
        let lang = lang_field(w, &at, p, true);
        let url = opt_str(w, "url", &at, p);
        let value = opt_str(w, "value", &at, p);
        let name = opt_str(w, "name", &at, p);
        let (url, name) = match url {
            Some(url) => (url, value.or(name)),
            // Channel URLs carry the address in `value`.
            None => match value {
                Some(v) => (v, name),
                None => continue,
            },
        };
        if let Some(Some(lang)) = lang {
            if !out.iter().any(|o| o.lang == lang && o.url == url) {
                out.push(WebPage {
                    lang,
                    url: url.to_string(),
                    name: name.map(str::to_string),
                });
            }
        }
    }
}

fn legislation(m: &Obj<'_>, at: &Ptr<'_>, p: &mut Problems) -> Vec<WebPage> {
    let at_list = at.key("legislation");
    let mut out = Vec::new();
    for (i, item) in array(m, "legislation", at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(law) = object(item, &at, p) else {
            continue;
        };
        let names = localized(array(law, "names", &at, p), &at.key("names"), p);
        let before = out.len();
        web_pages(law, "webPages", &at, p, &mut out);
        for w in &mut out[before..] {
            if let Some(n) = names.exact(w.lang) {
                w.name = Some(n.to_string());
            }
        }
    }
    out
}

fn phones(m: &Obj<'_>, key: &str, at: &Ptr<'_>, p: &mut Problems, out: &mut Vec<Phone>) {
    let at_list = at.key(key);
    for (i, item) in array(m, key, at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(ph) = object(item, &at, p) else {
            continue;
        };
        let kind = enumeration(
            ph,
            "type",
            &at,
            p,
            |s| match s.trim() {
                s if s.eq_ignore_ascii_case("Phone") => Some(PhoneKind::Phone),
                s if s.eq_ignore_ascii_case("Fax") => Some(PhoneKind::Fax),
                _ => None,
            },
            PHONE_TYPES,
            false,
        );
        let lang = lang_field(ph, &at, p, false);
        let charge_type = enumeration(
            ph,
            "serviceChargeType",
            &at,
            p,
            ChargeType::parse,
            CHARGE_TYPES,
            false,
        );
        let number = code_text(ph, "number", &at, p);
        let prefix = opt_string(ph, "prefixNumber", &at, p);
        let additional_info = opt_string(ph, "additionalInformation", &at, p);
        let charge_description = opt_string(ph, "chargeDescription", &at, p);
        let is_finnish_service_number =
            opt_bool(ph, "isFinnishServiceNumber", &at, p).unwrap_or(false);
        // Numbers in another language than fi/sv/en are dropped; a missing language is Finnish.
        let lang = match lang {
            Some(Some(l)) => l,
            Some(None) => continue,
            None => Lang::Fi,
        };
        let Some(number) = number else { continue };
        out.push(Phone {
            lang,
            kind: kind.unwrap_or(PhoneKind::Phone),
            prefix,
            number,
            additional_info,
            charge_type,
            charge_description,
            is_finnish_service_number,
        });
    }
}

fn address_kind(s: &str) -> Option<AddressKind> {
    match s.trim().to_ascii_lowercase().as_str() {
        "location" | "visiting" => Some(AddressKind::Location),
        "postal" => Some(AddressKind::Postal),
        "delivery" => Some(AddressKind::Delivery),
        _ => None,
    }
}

/// Fills an address from a `streetAddress` or `postOfficeBoxAddress` object.
fn address_parts(a: &Obj<'_>, at: &Ptr<'_>, p: &mut Problems, out: &mut Address) {
    out.street = localized(array(a, "street", at, p), &at.key("street"), p);
    out.street_number = opt_string(a, "streetNumber", at, p);
    out.po_box = localized(
        array(a, "postOfficeBox", at, p),
        &at.key("postOfficeBox"),
        p,
    );
    out.postal_code = code_text(a, "postalCode", at, p);
    out.post_office = localized(array(a, "postOffice", at, p), &at.key("postOffice"), p);
    out.municipality = match a.get("municipality") {
        Some(J::Obj(mo)) => code_text(mo, "code", &at.key("municipality"), p),
        _ => code_text(a, "municipality", at, p),
    };
    let info = localized(
        array(a, "additionalInformation", at, p),
        &at.key("additionalInformation"),
        p,
    );
    for (lang, text) in info.iter() {
        append(&mut out.additional_info, lang, text);
    }
    out.latitude = code_text(a, "latitude", at, p);
    out.longitude = code_text(a, "longitude", at, p);
}

fn addresses(
    m: &Obj<'_>,
    key: &str,
    at: &Ptr<'_>,
    p: &mut Problems,
    default_kind: Option<AddressKind>,
    out: &mut Vec<Address>,
) {
    let at_list = at.key(key);
    for (i, item) in array(m, key, at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(a) = object(item, &at, p) else {
            continue;
        };
        let mut addr = Address {
            kind: opt_str(a, "type", &at, p)
                .and_then(address_kind)
                .or(default_kind),
            sub_type: opt_string(a, "subType", &at, p),
            ..Address::default()
        };
        // The receiver of a delivery address comes first in its free text.
        let receiver = localized(array(a, "receiver", &at, p), &at.key("receiver"), p);
        for (lang, text) in receiver.iter() {
            append(&mut addr.additional_info, lang, text);
        }
        for part in ["streetAddress", "postOfficeBoxAddress"] {
            let at_part = at.key(part);
            if let Some(obj) = a.get(part).and_then(|v| object(v, &at_part, p)) {
                address_parts(obj, &at_part, p, &mut addr);
            }
        }
        for text_key in ["foreignAddress", "locationAbroad", "deliveryAddressInText"] {
            let text = match a.get(text_key) {
                Some(J::Arr(items)) => localized(items, &at.key(text_key), p),
                Some(J::Obj(o)) => {
                    let at_t = at.key(text_key);
                    localized(
                        array(o, "foreignAddressText", &at_t, p),
                        &at_t.key("foreignAddressText"),
                        p,
                    )
                }
                Some(J::Str(s)) => Localized::one(Lang::Fi, s),
                Some(J::Null) | None => Localized::default(),
                Some(other) => {
                    p.push(
                        &at.key(text_key),
                        format!("expected a localized text array, found {}", describe(other)),
                    );
                    Localized::default()
                }
            };
            for (lang, t) in text.iter() {
                append(&mut addr.additional_info, lang, t);
            }
        }
        out.push(addr);
    }
}

fn hour_kind(s: &str) -> Option<ServiceHourKind> {
    match s.trim().to_ascii_lowercase().as_str() {
        "daysoftheweek" | "standard" => Some(ServiceHourKind::DaysOfTheWeek),
        "exceptional" | "exception" => Some(ServiceHourKind::Exceptional),
        "overmidnight" | "special" => Some(ServiceHourKind::OverMidnight),
        _ => None,
    }
}

fn service_hours(m: &Obj<'_>, at: &Ptr<'_>, p: &mut Problems) -> Vec<ServiceHours> {
    let at_list = at.key("serviceHours");
    let mut out = Vec::new();
    for (i, item) in array(m, "serviceHours", at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(h) = object(item, &at, p) else {
            continue;
        };
        let kind = enumeration(h, "serviceHourType", &at, p, hour_kind, HOUR_TYPES, true);
        let at_open = at.key("openingHour");
        let mut opening_hours = Vec::new();
        for (j, oh) in array(h, "openingHour", &at, p).iter().enumerate() {
            let at_oh = at_open.index(j);
            let Some(o) = object(oh, &at_oh, p) else {
                continue;
            };
            let day_from = opt_string(o, "dayFrom", &at_oh, p);
            let day_to = opt_string(o, "dayTo", &at_oh, p);
            let from = opt_string(o, "from", &at_oh, p);
            let to = opt_string(o, "to", &at_oh, p);
            if let (Some(day_from), Some(from), Some(to)) = (day_from, from, to) {
                opening_hours.push(OpeningHour {
                    day_from,
                    day_to,
                    from,
                    to,
                });
            }
        }
        // The model has no "always open" flag: it is the whole week, around the clock.
        if opt_bool(h, "isAlwaysOpen", &at, p) == Some(true) && opening_hours.is_empty() {
            opening_hours.push(OpeningHour {
                day_from: "Monday".to_string(),
                day_to: Some("Sunday".to_string()),
                from: "00:00:00".to_string(),
                to: "24:00:00".to_string(),
            });
        }
        let hours = ServiceHours {
            kind: kind.unwrap_or(ServiceHourKind::DaysOfTheWeek),
            valid_from: opt_string(h, "validFrom", &at, p),
            valid_to: opt_string(h, "validTo", &at, p),
            is_closed: opt_bool(h, "isClosed", &at, p).unwrap_or(false),
            valid_for_now: opt_bool(h, "validForNow", &at, p).unwrap_or(false),
            additional_info: localized(
                array(h, "additionalInformation", &at, p),
                &at.key("additionalInformation"),
                p,
            ),
            opening_hours,
        };
        if kind.is_some() {
            out.push(hours);
        }
    }
    out
}

fn attachments(m: &Obj<'_>, at: &Ptr<'_>, p: &mut Problems) -> Vec<WebPage> {
    let at_list = at.key("attachments");
    let mut out = Vec::new();
    for (i, item) in array(m, "attachments", at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(a) = object(item, &at, p) else {
            continue;
        };
        let lang = lang_field(a, &at, p, false);
        let url = opt_str(a, "url", &at, p);
        let name = opt_string(a, "name", &at, p);
        if let (Some(url), Some(Some(lang))) = (url, lang) {
            out.push(WebPage {
                lang,
                url: url.to_string(),
                name,
            });
        }
    }
    out
}

/// `formIdentifier`: a string, or (v11) a localized array; the first of fi, sv, en.
fn form_identifier(m: &Obj<'_>, at: &Ptr<'_>, p: &mut Problems) -> Option<String> {
    match m.get("formIdentifier") {
        Some(J::Arr(items)) => localized(items, &at.key("formIdentifier"), p)
            .get(Lang::Fi)
            .map(str::to_string),
        _ => opt_string(m, "formIdentifier", at, p),
    }
}

/// Maps a PTV v11 `Service` object. `Err` carries every problem found.
pub(crate) fn service(
    v: &J<'_>,
    at: &Ptr<'_>,
    codes: &CodeLists,
) -> Result<Service, Vec<(String, String)>> {
    let mut p = Problems::default();
    let Some(m) = v.as_object() else {
        p.push(at, format!("expected an object, found {}", describe(v)));
        return Err(p.list);
    };
    let header = header(m, at, &mut p);
    let (name, alternative_name) = names(m, "serviceNames", at, &mut p);
    let mut summary = Localized::default();
    let mut description = Localized::default();
    let mut user_instruction = Localized::default();
    let mut charge_info = Localized::default();
    let mut deadline = Localized::default();
    let mut processing_time = Localized::default();
    let mut validity_time = Localized::default();
    for t in typed_texts(m, "serviceDescriptions", at, &mut p) {
        let target = match t.kind {
            Some("Summary" | "ShortDescription") => &mut summary,
            Some("Description") => &mut description,
            Some("UserInstruction" | "ServiceUserInstruction") => &mut user_instruction,
            Some("ChargeTypeAdditionalInfo") => &mut charge_info,
            Some("DeadLine" | "Deadline") => &mut deadline,
            Some("ProcessingTime") => &mut processing_time,
            Some("ValidityTime") => &mut validity_time,
            _ => continue,
        };
        set_first(target, t.lang, t.value);
    }
    let kind = enumeration(
        m,
        "type",
        at,
        &mut p,
        ServiceKind::parse,
        SERVICE_TYPES,
        false,
    );
    let funding_type = enumeration(
        m,
        "fundingType",
        at,
        &mut p,
        FundingType::parse,
        FUNDING_TYPES,
        false,
    );
    let charge_type = enumeration(
        m,
        "serviceChargeType",
        at,
        &mut p,
        ChargeType::parse,
        CHARGE_TYPES,
        false,
    );
    let area_type = area_type(m, at, &mut p, true);
    let areas = areas(m, at, codes, &mut p);
    let languages = string_list(m, "languages", at, &mut p);
    let service_classes = service_classes(m, at, codes, &mut p);
    let ontology_terms = ontology_terms(m, at, &mut p);
    let target_groups = concepts(m, "targetGroups", at, &mut p, "target group", |c| {
        codes.target_group(c).is_some()
    });
    let life_events = concepts(m, "lifeEvents", at, &mut p, "life event", |c| {
        codes.life_event(c).is_some()
    });
    let industrial_classes = free_codes(m, "industrialClasses", at, &mut p);
    let keywords = lang_values(m, "keywords", at, &mut p);
    let mut requirements = Localized::default();
    let at_req = at.key("requirements");
    for t in lang_texts(
        array(m, "requirements", at, &mut p),
        &at_req,
        &mut p,
        "value",
    ) {
        append(&mut requirements, t.lang, t.value);
    }
    let legislation = legislation(m, at, &mut p);
    let channels = channel_links(m, at, &mut p);
    let organizations = service_organizations(m, at, &mut p);
    let collections = id_list(m, "serviceCollections", at, &mut p);
    let vouchers_in_use = opt_bool(m, "serviceVouchersInUse", at, &mut p).unwrap_or(false)
        || !array(m, "serviceVouchers", at, &mut p).is_empty();
    let general_description_id = opt_string(m, "generalDescriptionId", at, &mut p);

    let (Some(header), Some(area_type)) = (header, area_type) else {
        return Err(p.list);
    };
    if !p.is_empty() {
        return Err(p.list);
    }
    Ok(Service {
        id: header.id,
        source_id: header.source_id,
        general_description_id,
        kind: kind.unwrap_or(ServiceKind::Service),
        funding_type,
        name,
        alternative_name,
        summary,
        description,
        user_instruction,
        charge_info,
        deadline,
        processing_time,
        validity_time,
        charge_type,
        area_type,
        areas,
        languages,
        service_classes,
        ontology_terms,
        target_groups,
        life_events,
        industrial_classes,
        keywords,
        requirements,
        legislation,
        channels,
        organizations,
        collections,
        vouchers_in_use,
        publishing_status: header.status,
        modified: header.modified,
        origin: header.origin,
        labels_3x10d: None,
    })
}

fn string_list(m: &Obj<'_>, key: &str, at: &Ptr<'_>, p: &mut Problems) -> Vec<String> {
    let at_list = at.key(key);
    let mut out = Vec::new();
    for (i, item) in array(m, key, at, p).iter().enumerate() {
        match item {
            J::Str(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
            J::Str(_) | J::Null => {}
            other => p.push(
                &at_list.index(i),
                format!("expected a string, found {}", describe(other)),
            ),
        }
    }
    out
}

/// `[{id, name}]` lists (service collections): the ids.
fn id_list(m: &Obj<'_>, key: &str, at: &Ptr<'_>, p: &mut Problems) -> Vec<String> {
    let at_list = at.key(key);
    let mut out = Vec::new();
    for (i, item) in array(m, key, at, p).iter().enumerate() {
        let at = at_list.index(i);
        if let Some(o) = object(item, &at, p) {
            if let Some(id) = opt_str(o, "id", &at, p) {
                out.push(id.to_string());
            }
        }
    }
    out
}

/// `serviceChannels: [{serviceChannel: {id, name}}]`.
fn channel_links(m: &Obj<'_>, at: &Ptr<'_>, p: &mut Problems) -> Vec<ServiceChannelLink> {
    let at_list = at.key("serviceChannels");
    let mut out: Vec<ServiceChannelLink> = Vec::new();
    for (i, item) in array(m, "serviceChannels", at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(link) = object(item, &at, p) else {
            continue;
        };
        let at_ch = at.key("serviceChannel");
        let Some(ch) = link
            .get("serviceChannel")
            .and_then(|v| object(v, &at_ch, p))
        else {
            continue;
        };
        let id = opt_str(ch, "id", &at_ch, p);
        let name = opt_string(ch, "name", &at_ch, p);
        if let Some(id) = id {
            let id = id.to_ascii_lowercase();
            if !out.iter().any(|l| l.channel_id == id) {
                out.push(ServiceChannelLink {
                    channel_id: id,
                    name,
                });
            }
        }
    }
    out
}

/// `organizations: [{organization: {id, name} | null, roleType, provisionType}]`.
fn service_organizations(m: &Obj<'_>, at: &Ptr<'_>, p: &mut Problems) -> Vec<ServiceOrganization> {
    let at_list = at.key("organizations");
    let mut out: Vec<ServiceOrganization> = Vec::new();
    for (i, item) in array(m, "organizations", at, p).iter().enumerate() {
        let at = at_list.index(i);
        let Some(link) = object(item, &at, p) else {
            continue;
        };
        let role = enumeration(
            link,
            "roleType",
            &at,
            p,
            |s| match s.trim() {
                "Responsible" => Some(OrganizationRole::Responsible),
                "OtherResponsible" => Some(OrganizationRole::OtherResponsible),
                "Producer" => Some(OrganizationRole::Producer),
                _ => None,
            },
            ROLE_TYPES,
            true,
        );
        let provision_type = opt_string(link, "provisionType", &at, p);
        let at_org = at.key("organization");
        let org = link.get("organization").and_then(|v| object(v, &at_org, p));
        let (id, name) = match org {
            Some(o) => (
                opt_str(o, "id", &at_org, p),
                opt_string(o, "name", &at_org, p),
            ),
            None => (None, None),
        };
        if let (Some(id), Some(role)) = (id, role) {
            let id = id.to_ascii_lowercase();
            if !out
                .iter()
                .any(|o| o.organization_id == id && o.role == role)
            {
                out.push(ServiceOrganization {
                    organization_id: id,
                    name,
                    role,
                    provision_type,
                });
            }
        }
    }
    out
}

/// Maps a PTV v11 `ServiceChannel` object.
pub(crate) fn channel(
    v: &J<'_>,
    at: &Ptr<'_>,
    codes: &CodeLists,
) -> Result<Channel, Vec<(String, String)>> {
    let mut p = Problems::default();
    let Some(m) = v.as_object() else {
        p.push(at, format!("expected an object, found {}", describe(v)));
        return Err(p.list);
    };
    let header = header(m, at, &mut p);
    let kind = enumeration(
        m,
        "serviceChannelType",
        at,
        &mut p,
        ChannelKind::parse,
        CHANNEL_TYPES,
        true,
    );
    let (name, _) = names(m, "serviceChannelNames", at, &mut p);
    let (summary, description) = summary_description(m, "serviceChannelDescriptions", at, &mut p);
    let organization_id = opt_str(m, "organizationId", at, &mut p).map(str::to_ascii_lowercase);
    let area_type = area_type(m, at, &mut p, false);
    let areas = areas(m, at, codes, &mut p);
    let languages = string_list(m, "languages", at, &mut p);
    let mut phone_list = Vec::new();
    phones(m, "phoneNumbers", at, &mut p, &mut phone_list);
    phones(m, "supportPhones", at, &mut p, &mut phone_list);
    let mut emails = lang_values(m, "emails", at, &mut p);
    emails.extend(lang_values(m, "supportEmails", at, &mut p));
    emails.dedup();
    let mut pages = Vec::new();
    web_pages(m, "webPages", at, &mut p, &mut pages);
    web_pages(m, "urls", at, &mut p, &mut pages);
    web_pages(m, "channelUrls", at, &mut p, &mut pages);
    let mut address_list = Vec::new();
    addresses(m, "addresses", at, &mut p, None, &mut address_list);
    addresses(
        m,
        "deliveryAddresses",
        at,
        &mut p,
        Some(AddressKind::Delivery),
        &mut address_list,
    );
    if let Some(a) = m.get("deliveryAddress") {
        // Older v11 exports have a single delivery address object.
        let at_d = at.key("deliveryAddress");
        if let Some(obj) = object(a, &at_d, &mut p) {
            let wrapper = Obj(vec![(
                "deliveryAddresses".into(),
                J::Arr(vec![J::Obj(obj.clone())]),
            )]);
            addresses(
                &wrapper,
                "deliveryAddresses",
                at,
                &mut p,
                Some(AddressKind::Delivery),
                &mut address_list,
            );
        }
    }
    let service_hours = service_hours(m, at, &mut p);
    let attachments = attachments(m, at, &mut p);
    let requires_authentication = opt_bool(m, "requiresAuthentication", at, &mut p);
    let requires_signature = opt_bool(m, "requiresSignature", at, &mut p);
    let form_identifier = form_identifier(m, at, &mut p);
    let accessibility_level = opt_string(m, "accessibilityClassificationLevel", at, &mut p);

    let (Some(header), Some(kind)) = (header, kind) else {
        return Err(p.list);
    };
    if !p.is_empty() {
        return Err(p.list);
    }
    Ok(Channel {
        id: header.id,
        source_id: header.source_id,
        kind,
        organization_id,
        name,
        summary,
        description,
        area_type,
        areas,
        languages,
        phones: phone_list,
        emails,
        web_pages: pages,
        addresses: address_list,
        service_hours,
        attachments,
        requires_authentication,
        requires_signature,
        form_identifier,
        accessibility_level,
        publishing_status: header.status,
        modified: header.modified,
        origin: header.origin,
    })
}

/// Maps a PTV v11 `Organization` object.
pub(crate) fn organization(
    v: &J<'_>,
    at: &Ptr<'_>,
    codes: &CodeLists,
) -> Result<Organization, Vec<(String, String)>> {
    let mut p = Problems::default();
    let Some(m) = v.as_object() else {
        p.push(at, format!("expected an object, found {}", describe(v)));
        return Err(p.list);
    };
    let header = header(m, at, &mut p);
    let (name, _) = names(m, "organizationNames", at, &mut p);
    let (summary, description) = summary_description(m, "organizationDescriptions", at, &mut p);
    let municipality = match m.get("municipality") {
        Some(J::Obj(mo)) => code_text(mo, "code", &at.key("municipality"), &mut p),
        _ => code_text(m, "municipality", at, &mut p),
    };
    let area_type = area_type(m, at, &mut p, false);
    let areas = areas(m, at, codes, &mut p);
    let emails = lang_values(m, "emails", at, &mut p);
    let mut phone_list = Vec::new();
    phones(m, "phoneNumbers", at, &mut p, &mut phone_list);
    let mut pages = Vec::new();
    web_pages(m, "webPages", at, &mut p, &mut pages);
    let mut address_list = Vec::new();
    addresses(m, "addresses", at, &mut p, None, &mut address_list);
    let oid = opt_string(m, "oid", at, &mut p);
    let business_code = opt_string(m, "businessCode", at, &mut p);
    let business_name = opt_string(m, "businessName", at, &mut p);
    let organization_type = opt_string(m, "organizationType", at, &mut p);
    let parent_id = opt_str(m, "parentOrganizationId", at, &mut p).map(str::to_ascii_lowercase);

    let Some(header) = header else {
        return Err(p.list);
    };
    if !p.is_empty() {
        return Err(p.list);
    }
    Ok(Organization {
        id: header.id,
        source_id: header.source_id,
        oid,
        name,
        business_code,
        business_name,
        organization_type,
        municipality,
        parent_id,
        description,
        summary,
        area_type,
        areas,
        emails,
        phones: phone_list,
        web_pages: pages,
        addresses: address_list,
        publishing_status: header.status,
        modified: header.modified,
        origin: header.origin,
    })
}

#[cfg(test)]
mod tests;
