//! The PTV service, its channels and its organisations.

use serde::{Deserialize, Serialize};

use crate::common::{
    Address, Area, AreaType, ChargeType, LangValue, Origin, Phone, PublishingStatus, ServiceHours,
    WebPage,
};
use crate::meters::Meters;
use crate::text::Localized;

/// Who pays for a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FundingType {
    /// Paid from public funds.
    PubliclyFunded,
    /// Sold on the market.
    MarketFunded,
}

impl FundingType {
    /// PTV's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            FundingType::PubliclyFunded => "PubliclyFunded",
            FundingType::MarketFunded => "MarketFunded",
        }
    }

    /// Parses PTV's spelling exactly (the reference API is strict here).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "PubliclyFunded" => Some(FundingType::PubliclyFunded),
            "MarketFunded" => Some(FundingType::MarketFunded),
            _ => None,
        }
    }
}

/// PTV's service type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ServiceKind {
    /// An ordinary service.
    Service,
    /// A permit, notification or registration.
    PermitOrObligation,
    /// A professional qualification.
    ProfessionalQualification,
}

impl ServiceKind {
    /// Parses PTV v11 spellings (and the pilot's Finnish ones).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "service" | "palvelu" => Some(ServiceKind::Service),
            "permitorobligation" | "permissionandobligation" | "lupa tai muu velvoite" => {
                Some(ServiceKind::PermitOrObligation)
            }
            "professionalqualification" | "professionalqualifications" | "ammattipätevyys" => {
                Some(ServiceKind::ProfessionalQualification)
            }
            _ => None,
        }
    }
}

/// A reference to a code in a PTV/Finto vocabulary, as a service carries it.
///
/// `code` is the notation (`P5.1`, `KR1.2`, `KE4.1`); `uri` is what the source gave, kept so
/// that old-scheme URIs (`ptvserclass` v1) survive a round trip.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CodeRef {
    /// Notation.
    pub code: String,
    /// URI from the source, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}

/// An ontology term (YSO, KOKO …) attached to a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OntologyTerm {
    /// Concept URI.
    pub uri: String,
    /// Label.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub name: Localized,
}

/// The role an organisation plays for a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrganizationRole {
    /// The organisation answerable for the service.
    Responsible,
    /// Another responsible organisation.
    OtherResponsible,
    /// Produces the service.
    Producer,
}

/// An organisation linked to a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceOrganization {
    /// Organisation id.
    pub organization_id: String,
    /// Name as the source gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Role.
    pub role: OrganizationRole,
    /// PTV provision type (SelfProducedServices, PurchaseServices, Other …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision_type: Option<String>,
}

/// A link from a service to one of its channels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceChannelLink {
    /// Channel id.
    pub channel_id: String,
    /// Channel name as the source gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A service in the Finnish Service Catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// PTV id (UUID).
    pub id: String,
    /// The organisation's own id for the service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Statutory general description this service implements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_description_id: Option<String>,
    /// Service type.
    pub kind: ServiceKind,
    /// Funding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding_type: Option<FundingType>,
    /// Name.
    pub name: Localized,
    /// Alternative name.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub alternative_name: Localized,
    /// Short summary.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub summary: Localized,
    /// Full description.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub description: Localized,
    /// Instructions for the person.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub user_instruction: Localized,
    /// Extra text about charges.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub charge_info: Localized,
    /// Deadline text.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub deadline: Localized,
    /// Processing-time text.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub processing_time: Localized,
    /// Validity-time text.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub validity_time: Localized,
    /// Charge type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_type: Option<ChargeType>,
    /// Area type.
    pub area_type: AreaType,
    /// Areas (for `LimitedType`).
    #[serde(default)]
    pub areas: Vec<Area>,
    /// Languages the service is offered in (ISO codes as given, may include others than fi/sv/en).
    #[serde(default)]
    pub languages: Vec<String>,
    /// Service classes (`ptvserclass2` notations).
    #[serde(default)]
    pub service_classes: Vec<CodeRef>,
    /// Ontology terms.
    #[serde(default)]
    pub ontology_terms: Vec<OntologyTerm>,
    /// Target groups (`KR…`).
    #[serde(default)]
    pub target_groups: Vec<CodeRef>,
    /// Life events (`KE…`).
    #[serde(default)]
    pub life_events: Vec<CodeRef>,
    /// Industrial classes (TOL 2008), for business services.
    #[serde(default)]
    pub industrial_classes: Vec<CodeRef>,
    /// Keywords.
    #[serde(default)]
    pub keywords: Vec<LangValue>,
    /// Requirements (conditions of eligibility).
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub requirements: Localized,
    /// Legislation links.
    #[serde(default)]
    pub legislation: Vec<WebPage>,
    /// Channels through which the service is used.
    #[serde(default)]
    pub channels: Vec<ServiceChannelLink>,
    /// Organisations and their roles.
    #[serde(default)]
    pub organizations: Vec<ServiceOrganization>,
    /// Service collections the service belongs to (ids).
    #[serde(default)]
    pub collections: Vec<String>,
    /// Service vouchers in use.
    #[serde(default)]
    pub vouchers_in_use: bool,
    /// Publishing status.
    pub publishing_status: PublishingStatus,
    /// Last modification time as PTV gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Where the record came from.
    #[serde(default)]
    pub origin: Origin,
    /// 3X10D labels from the label workbook, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels_3x10d: Option<Meters>,
}

impl Service {
    /// Codes of all municipalities in the service's areas, sorted and deduplicated.
    pub fn municipality_codes(&self) -> Vec<String> {
        let mut codes: Vec<String> = self
            .areas
            .iter()
            .flat_map(|a| {
                a.municipalities.iter().cloned().chain(match a.kind {
                    crate::common::AreaKindPtv::Municipality => a.code.clone(),
                    _ => None,
                })
            })
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }

    /// The responsible organisation (first `Responsible`, else the first listed).
    pub fn responsible_organization(&self) -> Option<&ServiceOrganization> {
        self.organizations
            .iter()
            .find(|o| o.role == OrganizationRole::Responsible)
            .or_else(|| self.organizations.first())
    }

    /// True when the service is in the archive (not `Published`).
    pub fn is_archived(&self) -> bool {
        self.publishing_status.is_archived()
    }
}

/// PTV's channel types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChannelKind {
    /// Online service (e-service).
    EChannel,
    /// Web page.
    WebPage,
    /// Phone service.
    Phone,
    /// Visiting address.
    ServiceLocation,
    /// Printable form.
    PrintableForm,
}

impl ChannelKind {
    /// All five types.
    pub const ALL: [ChannelKind; 5] = [
        ChannelKind::EChannel,
        ChannelKind::WebPage,
        ChannelKind::Phone,
        ChannelKind::ServiceLocation,
        ChannelKind::PrintableForm,
    ];

    /// PTV's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::EChannel => "EChannel",
            ChannelKind::WebPage => "WebPage",
            ChannelKind::Phone => "Phone",
            ChannelKind::ServiceLocation => "ServiceLocation",
            ChannelKind::PrintableForm => "PrintableForm",
        }
    }

    /// Parses PTV's spelling, case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        ChannelKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

/// A service channel: how a person reaches a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Channel {
    /// PTV id.
    pub id: String,
    /// The organisation's own id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Channel type.
    pub kind: ChannelKind,
    /// Owning organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Name.
    pub name: Localized,
    /// Short summary.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub summary: Localized,
    /// Description.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub description: Localized,
    /// Area type, when the channel is limited to areas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_type: Option<AreaType>,
    /// Areas.
    #[serde(default)]
    pub areas: Vec<Area>,
    /// Languages the channel serves in.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Phone numbers (and support phones of e-services).
    #[serde(default)]
    pub phones: Vec<Phone>,
    /// E-mail addresses (and support e-mails).
    #[serde(default)]
    pub emails: Vec<LangValue>,
    /// Web pages: the page itself for WebPage, the e-service address for EChannel, form URLs.
    #[serde(default)]
    pub web_pages: Vec<WebPage>,
    /// Addresses (visiting, postal, delivery).
    #[serde(default)]
    pub addresses: Vec<Address>,
    /// Opening hours.
    #[serde(default)]
    pub service_hours: Vec<ServiceHours>,
    /// Attachments (forms, guides).
    #[serde(default)]
    pub attachments: Vec<WebPage>,
    /// Whether using the channel requires strong authentication (EChannel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_authentication: Option<bool>,
    /// Whether a signature is required (EChannel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_signature: Option<bool>,
    /// Form identifier (PrintableForm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_identifier: Option<String>,
    /// Accessibility classification level (WCAG) of an online channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessibility_level: Option<String>,
    /// Publishing status.
    pub publishing_status: PublishingStatus,
    /// Last modification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Where the record came from.
    #[serde(default)]
    pub origin: Origin,
}

impl Channel {
    /// True when the channel is in the archive.
    pub fn is_archived(&self) -> bool {
        self.publishing_status.is_archived()
    }
}

/// An organisation that provides or answers for services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// PTV id.
    pub id: String,
    /// The organisation's own id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// OID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    /// Name.
    pub name: Localized,
    /// Business id (Y-tunnus).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_code: Option<String>,
    /// Registered business name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_name: Option<String>,
    /// PTV organisation type (Municipality, State, Company, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_type: Option<String>,
    /// Municipality code, for municipal organisations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    /// Parent organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub description: Localized,
    /// Summary.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub summary: Localized,
    /// Area type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_type: Option<AreaType>,
    /// Areas.
    #[serde(default)]
    pub areas: Vec<Area>,
    /// E-mails.
    #[serde(default)]
    pub emails: Vec<LangValue>,
    /// Phones.
    #[serde(default)]
    pub phones: Vec<Phone>,
    /// Web pages.
    #[serde(default)]
    pub web_pages: Vec<WebPage>,
    /// Addresses.
    #[serde(default)]
    pub addresses: Vec<Address>,
    /// Publishing status.
    pub publishing_status: PublishingStatus,
    /// Last modification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Where the record came from.
    #[serde(default)]
    pub origin: Origin,
}

impl Organization {
    /// True when the organisation is in the archive.
    pub fn is_archived(&self) -> bool {
        self.publishing_status.is_archived()
    }
}
