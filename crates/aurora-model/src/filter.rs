//! Catalogue filters with the AuroraAI reference semantics.
//!
//! * Area codes of every kind (municipality, region, hospital district, wellbeing county)
//!   expand to one **union** of municipalities.
//! * National services (`Nationwide`, `NationwideExceptAlandIslands`) are included by default;
//!   `only_national` returns national services alone and forbids every area filter.
//! * A service class filter matches the class itself or its parent (`P5` matches `P5.1`).
//! * Target groups, collections and funding types match exactly.
//! * Families combine with AND; values within a family with OR.
//! * Archived (non-published) services never match.

use serde::{Deserialize, Serialize};

use crate::codes::{AreaKind, CodeLists};
use crate::service::FundingType;

/// What a catalogue query asks for. Empty lists mean "no constraint".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceFilter {
    /// Municipality codes (`091`).
    #[serde(default)]
    pub municipality_codes: Vec<String>,
    /// Region (maakunta) codes.
    #[serde(default)]
    pub region_codes: Vec<String>,
    /// Hospital district codes.
    #[serde(default)]
    pub hospital_district_codes: Vec<String>,
    /// Wellbeing services county codes.
    #[serde(default)]
    pub wellbeing_county_codes: Vec<String>,
    /// Include national services alongside the areas (default true).
    #[serde(default = "yes")]
    pub include_national: bool,
    /// Only national services (default false); forbids area filters.
    #[serde(default)]
    pub only_national: bool,
    /// Service class notations (`P5`, `P5.1`).
    #[serde(default)]
    pub service_classes: Vec<String>,
    /// Target group notations (`KR1`), matched exactly.
    #[serde(default)]
    pub target_groups: Vec<String>,
    /// Life event notations (`KE4.1`), matched exactly or by parent like classes.
    #[serde(default)]
    pub life_events: Vec<String>,
    /// Service collection ids.
    #[serde(default)]
    pub collections: Vec<String>,
    /// Funding types.
    #[serde(default)]
    pub funding_types: Vec<FundingType>,
}

fn yes() -> bool {
    true
}

impl Default for ServiceFilter {
    fn default() -> Self {
        ServiceFilter {
            municipality_codes: Vec::new(),
            region_codes: Vec::new(),
            hospital_district_codes: Vec::new(),
            wellbeing_county_codes: Vec::new(),
            include_national: true,
            only_national: false,
            service_classes: Vec::new(),
            target_groups: Vec::new(),
            life_events: Vec::new(),
            collections: Vec::new(),
            funding_types: Vec::new(),
        }
    }
}

/// A filter value that cannot be used, with the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FilterError {
    /// The field, as named in the API (`municipality_codes`, `service_classes` …).
    pub field: &'static str,
    /// What is wrong and what is accepted.
    pub reason: String,
}

impl ServiceFilter {
    /// Checks every code against the built-in code lists.
    pub fn validate(&self) -> Result<(), FilterError> {
        let codes = CodeLists::get();
        if self.only_national && self.has_area() {
            return Err(FilterError {
                field: "only_national_services",
                reason: "cannot be combined with municipality, region, hospital district or wellbeing county filters".into(),
            });
        }
        let check = |field: &'static str,
                     values: &[String],
                     ok: &dyn Fn(&str) -> bool,
                     what: &str,
                     hint: &str| {
            match values.iter().find(|v| !ok(v)) {
                Some(bad) => Err(FilterError {
                    field,
                    reason: format!("unknown {what} {bad:?}{hint}"),
                }),
                None => Ok(()),
            }
        };
        check(
            "municipality_codes",
            &self.municipality_codes,
            &|c| codes.municipality(c).is_some(),
            "municipality code",
            " (expected a 3-digit code such as 091)",
        )?;
        check(
            "region_codes",
            &self.region_codes,
            &|c| codes.area(AreaKind::Region, c).is_some(),
            "region code",
            " (expected a 2-digit code such as 01)",
        )?;
        check(
            "hospital_district_codes",
            &self.hospital_district_codes,
            &|c| codes.area(AreaKind::HospitalDistrict, c).is_some(),
            "hospital district code",
            " (expected a 2-digit code such as 25)",
        )?;
        check(
            "wellbeing_service_county_codes",
            &self.wellbeing_county_codes,
            &|c| codes.area(AreaKind::WellbeingCounty, c).is_some(),
            "wellbeing services county code",
            " (expected a 2-digit code such as 90)",
        )?;
        check(
            "service_classes",
            &self.service_classes,
            &|c| codes.service_class(c).is_some(),
            "service class",
            " (expected a ptvserclass2 notation such as P5.1)",
        )?;
        check(
            "target_groups",
            &self.target_groups,
            &|c| codes.target_group(c).is_some(),
            "target group",
            " (expected e.g. KR1 or KR1.2)",
        )?;
        check(
            "life_events",
            &self.life_events,
            &|c| codes.life_event(c).is_some(),
            "life event",
            " (expected e.g. KE4 or KE4.1)",
        )?;
        Ok(())
    }

    /// True when any geographic filter is set.
    pub fn has_area(&self) -> bool {
        !(self.municipality_codes.is_empty()
            && self.region_codes.is_empty()
            && self.hospital_district_codes.is_empty()
            && self.wellbeing_county_codes.is_empty())
    }

    /// The union of municipalities named directly or through any area code, sorted.
    pub fn municipality_union(&self) -> Vec<String> {
        let codes = CodeLists::get();
        let mut out: Vec<String> = self.municipality_codes.clone();
        for (kind, list) in [
            (AreaKind::Region, &self.region_codes),
            (AreaKind::HospitalDistrict, &self.hospital_district_codes),
            (AreaKind::WellbeingCounty, &self.wellbeing_county_codes),
        ] {
            for code in list {
                out.extend(
                    codes
                        .municipalities_in(kind, code)
                        .into_iter()
                        .map(str::to_string),
                );
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_expand_to_a_union() {
        let f = ServiceFilter {
            municipality_codes: vec!["091".into()],
            region_codes: vec!["21".into()],
            ..ServiceFilter::default()
        };
        let u = f.municipality_union();
        assert!(u.contains(&"091".to_string()) && u.contains(&"478".to_string()));
    }

    #[test]
    fn validation_names_the_field() {
        let f = ServiceFilter {
            municipality_codes: vec!["999".into()],
            ..ServiceFilter::default()
        };
        assert_eq!(f.validate().unwrap_err().field, "municipality_codes");
        let f = ServiceFilter {
            only_national: true,
            region_codes: vec!["01".into()],
            ..ServiceFilter::default()
        };
        assert_eq!(f.validate().unwrap_err().field, "only_national_services");
        let f = ServiceFilter {
            service_classes: vec!["P99".into()],
            ..ServiceFilter::default()
        };
        assert_eq!(f.validate().unwrap_err().field, "service_classes");
        assert!(ServiceFilter::default().validate().is_ok());
    }
}
