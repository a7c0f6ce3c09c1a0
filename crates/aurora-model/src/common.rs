//! Types shared by services, channels and organisations.

use serde::{Deserialize, Serialize};

use crate::text::{Lang, Localized};

/// Where an item is in PTV's publishing workflow. Only `Published` items are ever served;
/// everything else is kept archived so that a later re-publication can be detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PublishingStatus {
    /// Visible to citizens.
    Published,
    /// Not yet published.
    Draft,
    /// Modified after publication, not yet republished.
    Modified,
    /// Removed from use.
    Archived,
    /// Withdrawn by the organisation.
    Withdrawn,
    /// Removed.
    Deleted,
}

impl PublishingStatus {
    /// PTV's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PublishingStatus::Published => "Published",
            PublishingStatus::Draft => "Draft",
            PublishingStatus::Modified => "Modified",
            PublishingStatus::Archived => "Archived",
            PublishingStatus::Withdrawn => "Withdrawn",
            PublishingStatus::Deleted => "Deleted",
        }
    }

    /// Parses PTV's spelling, case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        [
            PublishingStatus::Published,
            PublishingStatus::Draft,
            PublishingStatus::Modified,
            PublishingStatus::Archived,
            PublishingStatus::Withdrawn,
            PublishingStatus::Deleted,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// True for every status except `Published`: such items are stored archived, never returned.
    pub fn is_archived(self) -> bool {
        self != PublishingStatus::Published
    }
}

/// The geographic reach of a service, channel or organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AreaType {
    /// The whole of Finland.
    Nationwide,
    /// Finland except the Åland Islands.
    NationwideExceptAlandIslands,
    /// Only the listed areas.
    LimitedType,
}

impl AreaType {
    /// PTV's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AreaType::Nationwide => "Nationwide",
            AreaType::NationwideExceptAlandIslands => "NationwideExceptAlandIslands",
            AreaType::LimitedType => "LimitedType",
        }
    }

    /// Parses PTV's spelling, case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        [
            AreaType::Nationwide,
            AreaType::NationwideExceptAlandIslands,
            AreaType::LimitedType,
        ]
        .into_iter()
        .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Both nationwide kinds count as national in the reference filter semantics.
    pub fn is_nationwide(self) -> bool {
        self != AreaType::LimitedType
    }
}

/// The kind of a PTV area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AreaKindPtv {
    /// One municipality.
    Municipality,
    /// A region (maakunta).
    Region,
    /// A hospital district (sairaanhoitopiiri).
    HospitalDistrict,
    /// A business region (seutukunta / ELY business area).
    BusinessRegions,
    /// A wellbeing services county (hyvinvointialue).
    WellbeingServiceCounty,
}

/// A PTV area with the municipalities it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// The kind of area.
    pub kind: AreaKindPtv,
    /// Area code (for a municipality, its code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Name.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub name: Localized,
    /// Codes of the municipalities inside the area.
    #[serde(default)]
    pub municipalities: Vec<String>,
}

/// A text tagged with its language (keywords, e-mail addresses, requirements lines).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LangValue {
    /// Language.
    pub lang: Lang,
    /// Text.
    pub value: String,
}

/// A web page: URL, a display name and the language of the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebPage {
    /// Language.
    pub lang: Lang,
    /// Address.
    pub url: String,
    /// Name shown for the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Whether a phone number is a phone or a fax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhoneKind {
    /// Voice.
    Phone,
    /// Fax.
    Fax,
}

/// A phone number with its charge information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone {
    /// Language of the service on this number.
    pub lang: Lang,
    /// Phone or fax.
    pub kind: PhoneKind,
    /// International prefix, e.g. `+358`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// The number without prefix.
    pub number: String,
    /// What the number is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_info: Option<String>,
    /// Charge type of the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_type: Option<ChargeType>,
    /// Charge description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_description: Option<String>,
    /// A Finnish service number (0800, 0100 …).
    #[serde(default)]
    pub is_finnish_service_number: bool,
}

/// Whether a service costs the person something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChargeType {
    /// Free.
    FreeOfCharge,
    /// Costs money.
    Chargeable,
    /// Another charge arrangement (PTV v11 "Other").
    Other,
}

impl ChargeType {
    /// PTV's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ChargeType::FreeOfCharge => "FreeOfCharge",
            ChargeType::Chargeable => "Chargeable",
            ChargeType::Other => "Other",
        }
    }

    /// Parses PTV's spelling (also the older `Charged` / `Free`), case-insensitively.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "freeofcharge" | "free" => Some(ChargeType::FreeOfCharge),
            "chargeable" | "charged" => Some(ChargeType::Chargeable),
            "other" => Some(ChargeType::Other),
            _ => None,
        }
    }
}

/// The kind of an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AddressKind {
    /// Visiting address.
    Location,
    /// Postal address.
    Postal,
    /// Delivery address (printable forms).
    Delivery,
}

/// A street or post-office-box address with optional coordinates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Address {
    /// Visiting, postal or delivery.
    pub kind: Option<AddressKind>,
    /// PTV sub type: Single, Street, PostOfficeBox, Abroad, Multipoint, NoAddress, Other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<String>,
    /// Street name.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub street: Localized,
    /// Street number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_number: Option<String>,
    /// Post office box, when the address is a box.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub po_box: Localized,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Post office name.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub post_office: Localized,
    /// Municipality code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    /// Free-form address (abroad, or a delivery description).
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub additional_info: Localized,
    /// Coordinates as PTV gives them: ETRS-TM35FIN northing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<String>,
    /// ETRS-TM35FIN easting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<String>,
}

impl Address {
    /// One line for display: "Street 2 B, 50670 Mikkeli".
    pub fn one_line(&self, lang: Lang) -> String {
        let street = match (self.street.get(lang), self.po_box.get(lang)) {
            (Some(s), _) => match &self.street_number {
                Some(n) => format!("{s} {n}"),
                None => s.to_string(),
            },
            (None, Some(b)) => b.to_string(),
            (None, None) => String::new(),
        };
        let place = [self.postal_code.as_deref(), self.post_office.get(lang)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        [street, place]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The kind of a service-hours entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceHourKind {
    /// Normal weekly hours.
    DaysOfTheWeek,
    /// Exceptional hours (holidays).
    Exceptional,
    /// Over-midnight or otherwise special hours.
    OverMidnight,
}

/// One opening-hours entry of a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceHours {
    /// Kind.
    pub kind: ServiceHourKind,
    /// First day the entry is valid (ISO date-time as PTV gives it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// Last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
    /// Closed during the whole validity.
    #[serde(default)]
    pub is_closed: bool,
    /// Valid until further notice.
    #[serde(default)]
    pub valid_for_now: bool,
    /// Explanation.
    #[serde(default, skip_serializing_if = "Localized::is_empty")]
    pub additional_info: Localized,
    /// The opening times.
    #[serde(default)]
    pub opening_hours: Vec<OpeningHour>,
}

/// Opening time on one day (or a range of days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningHour {
    /// First day (`Monday` … `Sunday`).
    pub day_from: String,
    /// Last day, for a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_to: Option<String>,
    /// Opening time `HH:MM:SS`.
    pub from: String,
    /// Closing time `HH:MM:SS`.
    pub to: String,
}

impl ServiceHours {
    /// Short display form: "Monday 08:00–16:00, Tuesday …"; "closed" entries render as an empty list.
    pub fn summary(&self) -> String {
        self.opening_hours
            .iter()
            .map(|h| {
                let days = match &h.day_to {
                    Some(to) => format!("{}–{}", h.day_from, to),
                    None => h.day_from.clone(),
                };
                format!("{days} {}–{}", short_time(&h.from), short_time(&h.to))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn short_time(t: &str) -> &str {
    // "08:00:00" -> "08:00"; anything else is shown as given.
    if t.len() == 8 && t.as_bytes()[5] == b':' {
        &t[..5]
    } else {
        t
    }
}

/// Where a record came from. Synthetic records are never mistaken for real ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// PTV REST API v11 (file or live).
    #[default]
    PtvV11,
    /// The early PTV pilot format.
    PtvPilot,
    /// Generated by `aurora bench-data`; not a real service.
    Synthetic,
}

impl Origin {
    /// Stable spelling used in storage and APIs.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::PtvV11 => "ptv_v11",
            Origin::PtvPilot => "ptv_pilot",
            Origin::Synthetic => "synthetic",
        }
    }

    /// Parses the spelling of [`Origin::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [Origin::PtvV11, Origin::PtvPilot, Origin::Synthetic]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_and_only_published_is_live() {
        for s in [
            "Published",
            "draft",
            "MODIFIED",
            "Archived",
            "Withdrawn",
            "Deleted",
        ] {
            let st = PublishingStatus::parse(s).unwrap();
            assert_eq!(st.is_archived(), st != PublishingStatus::Published);
        }
        assert_eq!(PublishingStatus::parse("Gone"), None);
    }

    #[test]
    fn address_one_line() {
        let a = Address {
            street: Localized::one(Lang::Fi, "Otavantie"),
            street_number: Some("2 B".into()),
            postal_code: Some("50670".into()),
            post_office: Localized::one(Lang::Fi, "Mikkeli"),
            ..Address::default()
        };
        assert_eq!(a.one_line(Lang::Sv), "Otavantie 2 B, 50670 Mikkeli");
    }

    #[test]
    fn hours_summary() {
        let h = ServiceHours {
            kind: ServiceHourKind::DaysOfTheWeek,
            valid_from: None,
            valid_to: None,
            is_closed: false,
            valid_for_now: true,
            additional_info: Localized::default(),
            opening_hours: vec![OpeningHour {
                day_from: "Monday".into(),
                day_to: Some("Friday".into()),
                from: "08:00:00".into(),
                to: "16:00:00".into(),
            }],
        };
        assert_eq!(h.summary(), "Monday–Friday 08:00–16:00");
    }
}
