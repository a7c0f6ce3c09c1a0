//! Aurora's domain types: the shared vocabulary of every other crate.
//!
//! This crate owns
//! * [`Lang`] and [`Localized`]: texts in Finnish, Swedish and English with a fixed fallback
//!   order (requested language, then fi, sv, en);
//! * the Finnish Service Catalogue (PTV) model: [`Service`], [`Channel`] (all five channel
//!   types), [`Organization`], with areas, opening hours, addresses and publishing status;
//! * the built-in code lists ([`CodeLists`]): 309 municipalities with their region, hospital
//!   district and wellbeing services county, 228 service classes, 17 target groups and 19 life
//!   events, each in fi/sv/en;
//! * the 3X10D life-situation [`Dimension`]s and [`Meters`];
//! * [`ServiceFilter`], the catalogue filter with the AuroraAI reference semantics.
//!
//! It does no I/O: the code lists are compiled in from `data/codes`.
//!
//! ```
//! use aurora_model::{CodeLists, Lang};
//! let helsinki = CodeLists::get().municipality_by_name("Helsingfors").unwrap();
//! assert_eq!(helsinki.code, "091");
//! assert_eq!(helsinki.name.get(Lang::Sv), Some("Helsingfors"));
//! ```
#![warn(missing_docs)]

mod codes;
mod common;
mod filter;
mod meters;
mod service;
mod text;

pub use codes::*;
pub use common::{
    Address, AddressKind, Area, AreaKindPtv, AreaType, ChargeType, LangValue, OpeningHour, Origin,
    Phone, PhoneKind, PublishingStatus, ServiceHourKind, ServiceHours, WebPage,
};
pub use filter::{FilterError, ServiceFilter};
pub use meters::{Dimension, Meters};
pub use service::{
    Channel, ChannelKind, CodeRef, FundingType, OntologyTerm, Organization, OrganizationRole,
    Service, ServiceChannelLink, ServiceKind, ServiceOrganization,
};
pub use text::{Lang, Localized, UnknownLang};
