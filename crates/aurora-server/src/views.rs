//! API view types: what `/api/v1` returns, built from the stored model types with `new`.
//!
//! Views are separate from `aurora-model` so the wire format changes only on purpose. Field
//! names are snake_case; PTV enumerations keep PTV's spelling (`PubliclyFunded`, `EChannel`),
//! the same spelling the query parameters accept. Every localized field is rendered in the
//! response language with the model's fallback (requested, then fi, sv, en) as a [`Text`],
//! which tells the language actually used; names and labels also carry the full
//! `{"fi","sv","en"}` object.

use aurora_model::{
    Address, AddressKind, Area, AreaKindPtv, AreaType, Channel, ChargeType, CodeLists, CodeRef,
    Concept, Lang, LangValue, Localized, Municipality, Organization, OrganizationRole, Phone,
    PhoneKind, Service, ServiceClass, ServiceHourKind, ServiceHours, ServiceKind,
    ServiceOrganization, WebPage,
};
use serde::Serialize;

/// A text rendered for one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    /// The text.
    pub value: String,
    /// The language of `value`, which differs from the requested one after a fallback; absent
    /// when the source did not say (names copied from links).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
}

impl Text {
    /// `l` in `lang` with fallback; `None` when it has no text at all.
    pub fn of(l: &Localized, lang: Lang) -> Option<Text> {
        l.get_with_lang(lang).map(|(actual, value)| Text {
            value: value.to_string(),
            lang: Some(actual),
        })
    }

    /// Like [`Text::of`], with an empty text for a missing value (names are required).
    pub fn required(l: &Localized, lang: Lang) -> Text {
        Text::of(l, lang).unwrap_or(Text {
            value: String::new(),
            lang: None,
        })
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<T> {
    /// Items of this page.
    pub items: Vec<T>,
    /// Matches in all pages.
    pub total: u64,
    /// The page size used.
    pub limit: u32,
    /// Items skipped.
    pub offset: u64,
}

/// A whole (unpaged) list, such as a code list.
#[derive(Debug, Clone, Serialize)]
pub struct ListView<T> {
    /// Items.
    pub items: Vec<T>,
    /// Number of items.
    pub total: usize,
}

impl<T> ListView<T> {
    /// Wraps items.
    pub fn new(items: Vec<T>) -> Self {
        ListView {
            total: items.len(),
            items,
        }
    }
}

/// A code from a code list with its label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeView {
    /// Notation (`P5.1`, `KR1`, `091`).
    pub code: String,
    /// Label in the response language; absent for a code the built-in lists do not know.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
}

impl CodeView {
    fn new(code: &str, label: Option<&Localized>, lang: Lang) -> Self {
        CodeView {
            code: code.to_string(),
            label: label.and_then(|l| Text::of(l, lang)),
        }
    }

    fn service_class(r: &CodeRef, lang: Lang) -> Self {
        let codes = CodeLists::get();
        CodeView::new(
            &r.code,
            codes.service_class(&r.code).map(|c| &c.label),
            lang,
        )
    }

    fn target_group(r: &CodeRef, lang: Lang) -> Self {
        let codes = CodeLists::get();
        CodeView::new(&r.code, codes.target_group(&r.code).map(|c| &c.label), lang)
    }

    fn life_event(r: &CodeRef, lang: Lang) -> Self {
        let codes = CodeLists::get();
        CodeView::new(&r.code, codes.life_event(&r.code).map(|c| &c.label), lang)
    }

    pub(crate) fn municipality(code: &str, lang: Lang) -> Self {
        let codes = CodeLists::get();
        CodeView::new(code, codes.municipality(code).map(|m| &m.name), lang)
    }
}

/// An organisation as a service refers to it.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceOrganizationView {
    /// Organisation id.
    pub id: String,
    /// `Responsible`, `OtherResponsible` or `Producer`.
    pub role: &'static str,
    /// PTV provision type (`SelfProducedServices`, `PurchaseServices` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provision_type: Option<String>,
    /// Name: from the organisation record when it is in the catalogue, else as the service
    /// link gave it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
}

impl ServiceOrganizationView {
    /// Builds the view; `resolved` is the organisation record, when the store has it.
    pub fn new(link: &ServiceOrganization, resolved: Option<&Organization>, lang: Lang) -> Self {
        let name = resolved.and_then(|o| Text::of(&o.name, lang)).or_else(|| {
            link.name.as_ref().map(|n| Text {
                value: n.clone(),
                lang: None,
            })
        });
        ServiceOrganizationView {
            id: link.organization_id.clone(),
            role: role_str(link.role),
            provision_type: link.provision_type.clone(),
            name,
        }
    }
}

/// A service in a list: what a result row needs.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceSummaryView {
    /// PTV id.
    pub id: String,
    /// Name in the response language.
    pub name: Text,
    /// Name in every language.
    pub names: Localized,
    /// Summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Text>,
    /// `Service`, `PermitOrObligation` or `ProfessionalQualification`.
    pub kind: &'static str,
    /// `PubliclyFunded` or `MarketFunded`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funding_type: Option<&'static str>,
    /// `Nationwide`, `NationwideExceptAlandIslands` or `LimitedType`.
    pub area_type: &'static str,
    /// Codes of the municipalities the service covers (empty for national services).
    pub municipalities: Vec<String>,
    /// The responsible organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub responsible_organization: Option<ServiceOrganizationView>,
    /// Service classes.
    pub service_classes: Vec<CodeView>,
    /// Target groups.
    pub target_groups: Vec<CodeView>,
    /// Life events.
    pub life_events: Vec<CodeView>,
    /// `ptv_v11`, `ptv_pilot` or `synthetic` (generated test data, never a real service).
    pub origin: &'static str,
}

impl ServiceSummaryView {
    /// Builds the view in `lang`; `organizations` are the organisation records the store
    /// resolved (the responsible one's name is taken from there when present).
    pub fn new(s: &Service, organizations: &[Organization], lang: Lang) -> Self {
        ServiceSummaryView {
            id: s.id.clone(),
            name: Text::required(&s.name, lang),
            names: s.name.clone(),
            summary: Text::of(&s.summary, lang),
            kind: service_kind_str(s.kind),
            funding_type: s.funding_type.map(|f| f.as_str()),
            area_type: s.area_type.as_str(),
            municipalities: s.municipality_codes(),
            responsible_organization: s.responsible_organization().map(|link| {
                let resolved = organizations.iter().find(|o| o.id == link.organization_id);
                ServiceOrganizationView::new(link, resolved, lang)
            }),
            service_classes: s
                .service_classes
                .iter()
                .map(|c| CodeView::service_class(c, lang))
                .collect(),
            target_groups: s
                .target_groups
                .iter()
                .map(|c| CodeView::target_group(c, lang))
                .collect(),
            life_events: s
                .life_events
                .iter()
                .map(|c| CodeView::life_event(c, lang))
                .collect(),
            origin: s.origin.as_str(),
        }
    }
}

/// The answer of `POST /api/v1/guidance`.
#[derive(Debug, Clone, Serialize)]
pub struct GuidanceView {
    /// What the intent engine recognised, as `POST /api/v1/understand` returns it. Clients
    /// show `understanding.urgent` (emergency numbers) before anything else.
    pub understanding: aurora_nlu::Understanding,
    /// The municipality the services were chosen for (destination, else location), if any.
    pub municipality: Option<CodeView>,
    /// Services, best first.
    pub services: Vec<GuidedServiceView>,
}

/// A service recommended by guidance: a service list row plus its score and reasons.
#[derive(Debug, Clone, Serialize)]
pub struct GuidedServiceView {
    /// Everything a service list row has.
    #[serde(flatten)]
    pub service: ServiceSummaryView,
    /// Sum of the matched labels' weighted confidences; comparable only within one answer.
    pub score: f32,
    /// Why it was chosen, in the response language: matched labels, then availability.
    pub reasons: Vec<String>,
}

/// The answer of `GET /api/v1/search`.
#[derive(Debug, Clone, Serialize)]
pub struct SearchView {
    /// Hits, best first.
    pub items: Vec<SearchHitView>,
    /// `hybrid` (lexical ranking fused with vector similarity) or `lexical_only`.
    pub mode: &'static str,
    /// Why the search was lexical only: `no_vectors_stored`, `no_vector_scorer`,
    /// `query_not_embedded`, `unusable_query_vector` or `disabled_by_query`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode_reason: Option<&'static str>,
    /// Services (after filtering) that matched some query word; for a large result a lower
    /// bound (the index stops counting very common words once the best hits are certain).
    pub total_matches: usize,
    /// The number of hits asked for.
    pub limit: usize,
    /// Hits skipped.
    pub offset: usize,
}

/// A search hit: a service list row plus its scores and the words that matched.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHitView {
    /// Everything a service list row has.
    #[serde(flatten)]
    pub service: ServiceSummaryView,
    /// The ranking score (fused in hybrid mode, else BM25F); comparable only within one answer.
    pub score: f32,
    /// The BM25F score (0 when only the vector side found the service).
    pub lexical_score: f32,
    /// Cosine similarity of query and service vectors; `null` without vectors.
    pub vector_score: Option<f32>,
    /// The query words that matched, by field.
    pub matched: Vec<MatchedView>,
}

/// One query word that matched one field of a hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedView {
    /// The field (`name`, `summary`, `service_class`, `municipality` …).
    pub field: &'static str,
    /// The index term that matched (a stem, gradation key, compound part or `@place`).
    pub term: String,
    /// The normalised query word it came from.
    pub query_word: String,
}

/// One service with its texts, areas, channels and organisations.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceView {
    /// Everything a list row has.
    #[serde(flatten)]
    pub summary_fields: ServiceSummaryView,
    /// Alternative name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternative_name: Option<Text>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Instructions for the person.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_instruction: Option<Text>,
    /// Conditions of eligibility.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requirements: Option<Text>,
    /// `FreeOfCharge`, `Chargeable` or `Other`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_type: Option<&'static str>,
    /// Charge details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_info: Option<Text>,
    /// Deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Text>,
    /// Processing time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub processing_time: Option<Text>,
    /// Validity time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validity_time: Option<Text>,
    /// Areas as the service lists them.
    pub areas: Vec<AreaView>,
    /// Languages the service is offered in (ISO codes).
    pub languages: Vec<String>,
    /// Keywords in the response language (or the first language that has any).
    pub keywords: Vec<String>,
    /// Legislation links.
    pub legislation: Vec<WebPageView>,
    /// Service collection ids.
    pub collections: Vec<String>,
    /// Service vouchers in use.
    pub vouchers_in_use: bool,
    /// Last modification as PTV gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Every linked organisation with its role.
    pub organizations: Vec<ServiceOrganizationView>,
    /// Published channels, in the service's order (archived ones are left out).
    pub channels: Vec<ChannelView>,
}

impl ServiceView {
    /// Builds the view; `channels` and `organizations` are the records the store resolved.
    pub fn new(
        s: &Service,
        channels: &[Channel],
        organizations: &[Organization],
        lang: Lang,
    ) -> Self {
        let org_of = |id: &str| organizations.iter().find(|o| o.id == id);
        ServiceView {
            summary_fields: ServiceSummaryView::new(s, organizations, lang),
            alternative_name: Text::of(&s.alternative_name, lang),
            description: Text::of(&s.description, lang),
            user_instruction: Text::of(&s.user_instruction, lang),
            requirements: Text::of(&s.requirements, lang),
            charge_type: s.charge_type.map(ChargeType::as_str),
            charge_info: Text::of(&s.charge_info, lang),
            deadline: Text::of(&s.deadline, lang),
            processing_time: Text::of(&s.processing_time, lang),
            validity_time: Text::of(&s.validity_time, lang),
            areas: s.areas.iter().map(|a| AreaView::new(a, lang)).collect(),
            languages: s.languages.clone(),
            keywords: in_lang(&s.keywords, lang, |k| k.lang)
                .map(|k| k.value.clone())
                .collect(),
            legislation: s.legislation.iter().map(WebPageView::new).collect(),
            collections: s.collections.clone(),
            vouchers_in_use: s.vouchers_in_use,
            modified: s.modified.clone(),
            organizations: s
                .organizations
                .iter()
                .map(|o| ServiceOrganizationView::new(o, org_of(&o.organization_id), lang))
                .collect(),
            channels: channels.iter().map(|c| ChannelView::new(c, lang)).collect(),
        }
    }
}

/// An area of a service, channel or organisation.
#[derive(Debug, Clone, Serialize)]
pub struct AreaView {
    /// `Municipality`, `Region`, `HospitalDistrict`, `BusinessRegions` or
    /// `WellbeingServiceCounty`.
    pub kind: &'static str,
    /// Area code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<Text>,
    /// Municipalities in the area.
    pub municipalities: Vec<String>,
}

impl AreaView {
    fn new(a: &Area, lang: Lang) -> Self {
        AreaView {
            kind: area_kind_str(a.kind),
            code: a.code.clone(),
            name: Text::of(&a.name, lang),
            municipalities: a.municipalities.clone(),
        }
    }
}

/// A web page link.
#[derive(Debug, Clone, Serialize)]
pub struct WebPageView {
    /// Address.
    pub url: String,
    /// Link text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Language of the page.
    pub lang: Lang,
}

impl WebPageView {
    fn new(w: &WebPage) -> Self {
        WebPageView {
            url: w.url.clone(),
            name: w.name.clone(),
            lang: w.lang,
        }
    }
}

/// A phone number.
#[derive(Debug, Clone, Serialize)]
pub struct PhoneView {
    /// `Phone` or `Fax`.
    pub kind: &'static str,
    /// The number for display, with its international prefix (`+358 29 553 6000`).
    pub number: String,
    /// The number for a `tel:` link (no spaces).
    pub tel: String,
    /// What the number is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<String>,
    /// `FreeOfCharge`, `Chargeable` or `Other`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_type: Option<&'static str>,
    /// Charge description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charge_description: Option<String>,
    /// A Finnish service number.
    pub is_finnish_service_number: bool,
    /// Language served on the number.
    pub lang: Lang,
}

impl PhoneView {
    fn new(p: &Phone) -> Self {
        let number = match &p.prefix {
            Some(prefix) if !p.number.starts_with('+') => format!("{prefix} {}", p.number),
            _ => p.number.clone(),
        };
        PhoneView {
            kind: match p.kind {
                PhoneKind::Phone => "Phone",
                PhoneKind::Fax => "Fax",
            },
            tel: number.chars().filter(|c| !c.is_whitespace()).collect(),
            number,
            additional_info: p.additional_info.clone(),
            charge_type: p.charge_type.map(ChargeType::as_str),
            charge_description: p.charge_description.clone(),
            is_finnish_service_number: p.is_finnish_service_number,
            lang: p.lang,
        }
    }
}

/// A language-tagged value (an e-mail address).
#[derive(Debug, Clone, Serialize)]
pub struct LangValueView {
    /// Value.
    pub value: String,
    /// Language.
    pub lang: Lang,
}

/// An address.
#[derive(Debug, Clone, Serialize)]
pub struct AddressView {
    /// `Location`, `Postal` or `Delivery`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// The address on one line in the response language (`Otavantie 2 B, 50670 Mikkeli`).
    pub one_line: String,
    /// Street.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<Text>,
    /// Street number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_number: Option<String>,
    /// Post office box.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub po_box: Option<Text>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Post office.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_office: Option<Text>,
    /// Municipality.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipality: Option<CodeView>,
    /// Free-form address text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<Text>,
}

impl AddressView {
    fn new(a: &Address, lang: Lang) -> Self {
        AddressView {
            kind: a.kind.map(|k| match k {
                AddressKind::Location => "Location",
                AddressKind::Postal => "Postal",
                AddressKind::Delivery => "Delivery",
            }),
            one_line: a.one_line(lang),
            street: Text::of(&a.street, lang),
            street_number: a.street_number.clone(),
            po_box: Text::of(&a.po_box, lang),
            postal_code: a.postal_code.clone(),
            post_office: Text::of(&a.post_office, lang),
            municipality: a
                .municipality
                .as_deref()
                .map(|m| CodeView::municipality(m, lang)),
            additional_info: Text::of(&a.additional_info, lang),
        }
    }
}

/// An opening-hours entry.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceHoursView {
    /// `DaysOfTheWeek`, `Exceptional` or `OverMidnight`.
    pub kind: &'static str,
    /// Valid from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// Valid to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
    /// Closed during the whole validity.
    pub is_closed: bool,
    /// Valid until further notice.
    pub valid_for_now: bool,
    /// Explanation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<Text>,
    /// Opening times.
    pub opening_hours: Vec<OpeningHourView>,
}

/// Opening time on a day or a range of days.
#[derive(Debug, Clone, Serialize)]
pub struct OpeningHourView {
    /// First day (`Monday` … `Sunday`).
    pub day_from: String,
    /// Last day of a range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day_to: Option<String>,
    /// Opening time `HH:MM`.
    pub from: String,
    /// Closing time `HH:MM`.
    pub to: String,
}

impl ServiceHoursView {
    fn new(h: &ServiceHours, lang: Lang) -> Self {
        ServiceHoursView {
            kind: match h.kind {
                ServiceHourKind::DaysOfTheWeek => "DaysOfTheWeek",
                ServiceHourKind::Exceptional => "Exceptional",
                ServiceHourKind::OverMidnight => "OverMidnight",
            },
            valid_from: h.valid_from.clone(),
            valid_to: h.valid_to.clone(),
            is_closed: h.is_closed,
            valid_for_now: h.valid_for_now,
            additional_info: Text::of(&h.additional_info, lang),
            opening_hours: h
                .opening_hours
                .iter()
                .map(|o| OpeningHourView {
                    day_from: o.day_from.clone(),
                    day_to: o.day_to.clone(),
                    from: short_time(&o.from).to_string(),
                    to: short_time(&o.to).to_string(),
                })
                .collect(),
        }
    }
}

/// `08:00:00` → `08:00`; anything else as given.
fn short_time(t: &str) -> &str {
    match t.as_bytes() {
        [_, _, b':', _, _, b':', _, _] => &t[..5],
        _ => t,
    }
}

/// A service channel.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelView {
    /// PTV id.
    pub id: String,
    /// `EChannel`, `WebPage`, `Phone`, `ServiceLocation` or `PrintableForm`.
    pub kind: &'static str,
    /// Name.
    pub name: Text,
    /// Name in every language.
    pub names: Localized,
    /// Summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Text>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Owning organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Area type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area_type: Option<&'static str>,
    /// Areas.
    pub areas: Vec<AreaView>,
    /// Languages served (ISO codes).
    pub languages: Vec<String>,
    /// Phones in the response language (or the first language that has any).
    pub phones: Vec<PhoneView>,
    /// E-mail addresses, chosen like phones.
    pub emails: Vec<LangValueView>,
    /// Web pages (the e-service address for an EChannel), chosen like phones.
    pub web_pages: Vec<WebPageView>,
    /// Addresses.
    pub addresses: Vec<AddressView>,
    /// Opening hours.
    pub service_hours: Vec<ServiceHoursView>,
    /// Attachments, chosen like phones.
    pub attachments: Vec<WebPageView>,
    /// Strong authentication required (EChannel).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires_authentication: Option<bool>,
    /// Signature required (EChannel).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires_signature: Option<bool>,
    /// Form identifier (PrintableForm).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_identifier: Option<String>,
    /// WCAG accessibility classification level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accessibility_level: Option<String>,
    /// Last modification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Where the record came from.
    pub origin: &'static str,
}

impl ChannelView {
    /// Builds the view in `lang`.
    pub fn new(c: &Channel, lang: Lang) -> Self {
        ChannelView {
            id: c.id.clone(),
            kind: c.kind.as_str(),
            name: Text::required(&c.name, lang),
            names: c.name.clone(),
            summary: Text::of(&c.summary, lang),
            description: Text::of(&c.description, lang),
            organization_id: c.organization_id.clone(),
            area_type: c.area_type.map(AreaType::as_str),
            areas: c.areas.iter().map(|a| AreaView::new(a, lang)).collect(),
            languages: c.languages.clone(),
            phones: in_lang(&c.phones, lang, |p| p.lang)
                .map(PhoneView::new)
                .collect(),
            emails: in_lang(&c.emails, lang, |e| e.lang)
                .map(lang_value)
                .collect(),
            web_pages: in_lang(&c.web_pages, lang, |w| w.lang)
                .map(WebPageView::new)
                .collect(),
            addresses: c
                .addresses
                .iter()
                .map(|a| AddressView::new(a, lang))
                .collect(),
            service_hours: c
                .service_hours
                .iter()
                .map(|h| ServiceHoursView::new(h, lang))
                .collect(),
            attachments: in_lang(&c.attachments, lang, |w| w.lang)
                .map(WebPageView::new)
                .collect(),
            requires_authentication: c.requires_authentication,
            requires_signature: c.requires_signature,
            form_identifier: c.form_identifier.clone(),
            accessibility_level: c.accessibility_level.clone(),
            modified: c.modified.clone(),
            origin: c.origin.as_str(),
        }
    }
}

/// An organisation.
#[derive(Debug, Clone, Serialize)]
pub struct OrganizationView {
    /// PTV id.
    pub id: String,
    /// Name.
    pub name: Text,
    /// Name in every language.
    pub names: Localized,
    /// Business id (Y-tunnus).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_code: Option<String>,
    /// Registered business name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_name: Option<String>,
    /// PTV organisation type (`Municipality`, `State` …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_type: Option<String>,
    /// Municipality, for municipal organisations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipality: Option<CodeView>,
    /// Parent organisation id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Text>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Area type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area_type: Option<&'static str>,
    /// Areas.
    pub areas: Vec<AreaView>,
    /// E-mails in the response language (or the first language that has any).
    pub emails: Vec<LangValueView>,
    /// Phones, chosen like e-mails.
    pub phones: Vec<PhoneView>,
    /// Web pages, chosen like e-mails.
    pub web_pages: Vec<WebPageView>,
    /// Addresses.
    pub addresses: Vec<AddressView>,
    /// Last modification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Where the record came from.
    pub origin: &'static str,
}

impl OrganizationView {
    /// Builds the view in `lang`.
    pub fn new(o: &Organization, lang: Lang) -> Self {
        OrganizationView {
            id: o.id.clone(),
            name: Text::required(&o.name, lang),
            names: o.name.clone(),
            business_code: o.business_code.clone(),
            business_name: o.business_name.clone(),
            organization_type: o.organization_type.clone(),
            municipality: o
                .municipality
                .as_deref()
                .map(|m| CodeView::municipality(m, lang)),
            parent_id: o.parent_id.clone(),
            summary: Text::of(&o.summary, lang),
            description: Text::of(&o.description, lang),
            area_type: o.area_type.map(AreaType::as_str),
            areas: o.areas.iter().map(|a| AreaView::new(a, lang)).collect(),
            emails: in_lang(&o.emails, lang, |e| e.lang)
                .map(lang_value)
                .collect(),
            phones: in_lang(&o.phones, lang, |p| p.lang)
                .map(PhoneView::new)
                .collect(),
            web_pages: in_lang(&o.web_pages, lang, |w| w.lang)
                .map(WebPageView::new)
                .collect(),
            addresses: o
                .addresses
                .iter()
                .map(|a| AddressView::new(a, lang))
                .collect(),
            modified: o.modified.clone(),
            origin: o.origin.as_str(),
        }
    }
}

/// A municipality with the areas it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct MunicipalityView {
    /// Three-digit code.
    pub code: String,
    /// Name in the response language.
    pub name: Text,
    /// Name in fi/sv/en.
    pub names: Localized,
    /// Region (maakunta).
    pub region: CodeView,
    /// Hospital district.
    pub hospital_district: CodeView,
    /// Wellbeing services county.
    pub wellbeing_county: CodeView,
}

impl MunicipalityView {
    /// Builds the view in `lang`.
    pub fn new(m: &Municipality, lang: Lang) -> Self {
        use aurora_model::AreaKind;
        let codes = CodeLists::get();
        let area = |kind: AreaKind, code: &str| {
            CodeView::new(code, codes.area(kind, code).map(|a| &a.name), lang)
        };
        MunicipalityView {
            code: m.code.clone(),
            name: Text::required(&m.name, lang),
            names: m.name.clone(),
            region: area(AreaKind::Region, &m.region),
            hospital_district: area(AreaKind::HospitalDistrict, &m.hospital_district),
            wellbeing_county: area(AreaKind::WellbeingCounty, &m.wellbeing_county),
        }
    }
}

/// A region, hospital district or wellbeing services county.
#[derive(Debug, Clone, Serialize)]
pub struct AreaCodeView {
    /// Two-digit code.
    pub code: String,
    /// Name in the response language.
    pub name: Text,
    /// Name in fi/sv/en.
    pub names: Localized,
    /// Codes of its municipalities.
    pub municipalities: Vec<String>,
}

impl AreaCodeView {
    /// Builds the view in `lang`.
    pub fn new(kind: aurora_model::AreaKind, a: &aurora_model::AreaCode, lang: Lang) -> Self {
        AreaCodeView {
            code: a.code.clone(),
            name: Text::required(&a.name, lang),
            names: a.name.clone(),
            municipalities: CodeLists::get()
                .municipalities_in(kind, &a.code)
                .into_iter()
                .map(str::to_string)
                .collect(),
        }
    }
}

/// A service class.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceClassView {
    /// Notation (`P5.1`).
    pub code: String,
    /// Main class of a sub-class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Canonical URI.
    pub uri: String,
    /// Label in the response language.
    pub label: Text,
    /// Label in fi/sv/en.
    pub labels: Localized,
    /// What belongs in the class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

impl ServiceClassView {
    /// Builds the view in `lang`.
    pub fn new(c: &ServiceClass, lang: Lang) -> Self {
        ServiceClassView {
            code: c.code.clone(),
            parent: c.parent.clone(),
            uri: c.uri.clone(),
            label: Text::required(&c.label, lang),
            labels: c.label.clone(),
            description: Text::of(&c.description, lang),
        }
    }
}

/// A target group or life event.
#[derive(Debug, Clone, Serialize)]
pub struct ConceptView {
    /// Notation (`KR1.2`, `KE4.1`).
    pub code: String,
    /// Broader concept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Canonical URI.
    pub uri: String,
    /// Label in the response language.
    pub label: Text,
    /// Label in fi/sv/en.
    pub labels: Localized,
}

impl ConceptView {
    /// Builds the view in `lang`.
    pub fn new(c: &Concept, lang: Lang) -> Self {
        ConceptView {
            code: c.code.clone(),
            parent: c.parent.clone(),
            uri: c.uri.clone(),
            label: Text::required(&c.label, lang),
            labels: c.label.clone(),
        }
    }
}

/// The items of a language-tagged list in `lang`; if none, those of the first of fi, sv, en
/// that has any (the same fallback as [`Localized::get`]).
pub(crate) fn in_lang<T>(
    items: &[T],
    lang: Lang,
    lang_of: impl Fn(&T) -> Lang + Copy,
) -> impl Iterator<Item = &T> {
    let chosen = std::iter::once(lang)
        .chain(Lang::ALL)
        .find(|l| items.iter().any(|i| lang_of(i) == *l));
    items.iter().filter(move |i| Some(lang_of(i)) == chosen)
}

fn lang_value(v: &LangValue) -> LangValueView {
    LangValueView {
        value: v.value.clone(),
        lang: v.lang,
    }
}

fn role_str(r: OrganizationRole) -> &'static str {
    match r {
        OrganizationRole::Responsible => "Responsible",
        OrganizationRole::OtherResponsible => "OtherResponsible",
        OrganizationRole::Producer => "Producer",
    }
}

fn service_kind_str(k: ServiceKind) -> &'static str {
    match k {
        ServiceKind::Service => "Service",
        ServiceKind::PermitOrObligation => "PermitOrObligation",
        ServiceKind::ProfessionalQualification => "ProfessionalQualification",
    }
}

fn area_kind_str(k: AreaKindPtv) -> &'static str {
    match k {
        AreaKindPtv::Municipality => "Municipality",
        AreaKindPtv::Region => "Region",
        AreaKindPtv::HospitalDistrict => "HospitalDistrict",
        AreaKindPtv::BusinessRegions => "BusinessRegions",
        AreaKindPtv::WellbeingServiceCounty => "WellbeingServiceCounty",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_tells_the_fallback_language() {
        let only_sv = Localized::one(Lang::Sv, "Simhallen");
        assert_eq!(
            serde_json::to_value(Text::of(&only_sv, Lang::En)).unwrap(),
            serde_json::json!({"value": "Simhallen", "lang": "sv"})
        );
    }

    #[test]
    fn tagged_lists_fall_back_as_a_whole() {
        let emails = vec![
            LangValue {
                lang: Lang::Sv,
                value: "info@vasa.fi".into(),
            },
            LangValue {
                lang: Lang::Fi,
                value: "info@vaasa.fi".into(),
            },
        ];
        let en: Vec<_> = in_lang(&emails, Lang::En, |e| e.lang)
            .map(|e| &e.value)
            .collect();
        assert_eq!(en, ["info@vaasa.fi"]);
        let sv: Vec<_> = in_lang(&emails, Lang::Sv, |e| e.lang)
            .map(|e| &e.value)
            .collect();
        assert_eq!(sv, ["info@vasa.fi"]);
    }

    #[test]
    fn times_are_shortened_only_when_well_formed() {
        assert_eq!(short_time("08:00:00"), "08:00");
        assert_eq!(short_time("8:00"), "8:00");
    }
}
