//! Training examples from the AuroraAI 3X10D label workbook.
//!
//! Labels are read by `aurora_catalog::labels` (the one reader of the workbook's rules:
//! `EI MUKAAN` rows dropped, duplicate ids merged by union); this module adds the Finnish
//! `Name` and `serviceSummary` of each labelled service, joined by id.

use std::collections::HashMap;
use std::io::Cursor;

use aurora_catalog::labels::read_workbook_report;
use aurora_model::{Dimension, Service};
use calamine::{Data, Reader};

use super::features::ServiceText;
use super::{RelevanceError, Result};

/// The bundled workbook, so training and evaluation need no files.
pub(crate) const BUNDLED_WORKBOOK: &[u8] =
    include_bytes!("../../../../data/labels/3x10d_labelled_233.xlsx");
/// Its name in messages.
pub(crate) const BUNDLED_WORKBOOK_NAME: &str = "data/labels/3x10d_labelled_233.xlsx";

/// One labelled service.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingExample {
    /// PTV service id (lower case).
    pub id: String,
    /// Its Finnish name and summary.
    pub text: ServiceText,
    /// Whether the service helps with each dimension, in [`Dimension::ALL`] order.
    pub labels: [bool; 10],
}

impl TrainingExample {
    /// The label of one dimension.
    pub fn label(&self, d: Dimension) -> bool {
        self.labels[dim_index(d)]
    }

    /// The example as a (nationwide, published) catalogue service with only its id, Finnish
    /// name and summary: what an embedding model's passage text is composed from, so that
    /// training examples are embedded the way catalogue services are.
    pub fn to_service(&self) -> Result<Service> {
        let mut json = serde_json::json!({
            "id": self.id, "kind": "Service", "publishing_status": "Published",
            "area_type": "Nationwide", "name": {"fi": self.text.name}
        });
        if !self.text.summary.is_empty() {
            json["summary"] = serde_json::json!({"fi": self.text.summary});
        }
        serde_json::from_value(json).map_err(|e| RelevanceError::TrainingData {
            input: self.id.clone(),
            reason: format!("cannot be represented as a service: {e}"),
        })
    }
}

/// Position of a dimension in [`Dimension::ALL`] (and in every `[_; 10]` of this module).
pub(crate) fn dim_index(d: Dimension) -> usize {
    Dimension::ALL
        .iter()
        .position(|x| *x == d)
        .unwrap_or_default()
}

/// The examples of the workbook bundled with this crate (232 included services).
pub fn bundled_training_set() -> Result<Vec<TrainingExample>> {
    read_training_set(BUNDLED_WORKBOOK_NAME, BUNDLED_WORKBOOK)
}

/// The examples of a label workbook: every included, labelled row with its Finnish name and
/// summary. A row the label reader rejects is an error here (training on a partly read
/// workbook would silently change the model).
pub fn read_training_set(name: &str, bytes: &[u8]) -> Result<Vec<TrainingExample>> {
    let report = read_workbook_report(name, bytes).map_err(RelevanceError::Workbook)?;
    if let Some(r) = report.rejections.first() {
        return Err(RelevanceError::TrainingData {
            input: name.to_string(),
            reason: format!(
                "{} row(s) could not be read, first at {}: {}",
                report.rejections.len(),
                r.location,
                r.reason
            ),
        });
    }
    let texts = read_texts(name, bytes)?;
    report
        .labels
        .into_iter()
        .map(|(id, meters)| {
            let (service_name, summary) =
                texts.get(&id).ok_or_else(|| RelevanceError::TrainingData {
                    input: name.to_string(),
                    reason: format!("service {id} has labels but no Name"),
                })?;
            let mut labels = [false; 10];
            for (i, d) in Dimension::ALL.into_iter().enumerate() {
                labels[i] = meters.get(d).unwrap_or(0.0) > 0.5;
            }
            Ok(TrainingExample {
                id,
                text: ServiceText::finnish(service_name, summary),
                labels,
            })
        })
        .collect()
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        other => other.to_string().trim().to_string(),
    }
}

/// `id → (Name, serviceSummary)` from the first sheet whose header has `id` and `Name`
/// (found by name, case- and space-insensitively, as the label reader does). The first
/// non-empty name of an id wins.
fn read_texts(name: &str, bytes: &[u8]) -> Result<HashMap<String, (String, String)>> {
    let format = |reason: String| RelevanceError::TrainingData {
        input: name.to_string(),
        reason,
    };
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format(format!("not a readable spreadsheet: {e}")))?;
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    for sheet in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&sheet)
            .map_err(|e| format(format!("sheet {sheet:?} cannot be read: {e}")))?;
        let mut rows = range
            .rows()
            .skip_while(|r| r.iter().all(|c| cell_text(c).is_empty()));
        let Some(header) = rows.next() else { continue };
        let names: Vec<String> = header.iter().map(|c| norm(&cell_text(c))).collect();
        let col = |wanted: &str| names.iter().position(|n| *n == wanted);
        let (Some(id), Some(title)) = (col("id"), col("name")) else {
            continue;
        };
        let summary = col("servicesummary");
        let mut out: HashMap<String, (String, String)> = HashMap::new();
        for row in rows {
            let get = |c: usize| row.get(c).map(cell_text).unwrap_or_default();
            let (key, text) = (get(id).to_ascii_lowercase(), get(title));
            if key.is_empty() || text.is_empty() {
                continue;
            }
            out.entry(key)
                .or_insert_with(|| (text, summary.map(get).unwrap_or_default()));
        }
        return Ok(out);
    }
    Err(format(
        "no sheet has the columns \"id\" and \"Name\" (the service texts to learn from)".into(),
    ))
}

#[cfg(test)]
mod tests {
    use aurora_model::Lang;

    use super::*;

    #[test]
    fn the_bundled_workbook_gives_232_examples_with_texts() {
        let set = bundled_training_set().unwrap();
        assert_eq!(set.len(), 232);
        assert!(set.iter().all(|e| !e.text.name.is_empty()));
        let with_summary = set.iter().filter(|e| !e.text.summary.is_empty()).count();
        assert!(with_summary > 220, "{with_summary}");
        let health = set.iter().filter(|e| e.label(Dimension::Health)).count();
        assert_eq!(health, 83, "the label reader's count");
        let first = &set[0];
        assert_eq!(first.id, "9aeaa066-c6da-4ec3-bf01-8aba0f5f8940");
        assert_eq!(first.text.name, "Aravavuokra-asunnot");
        assert!(first.label(Dimension::Housing));
        assert_eq!(first.labels.iter().filter(|&&l| l).count(), 1);
        let s = first.to_service().unwrap();
        assert_eq!(s.id, first.id);
        assert_eq!(s.name.exact(Lang::Fi), Some("Aravavuokra-asunnot"));
        assert_eq!(s.summary.exact(Lang::Fi), Some(first.text.summary.as_str()));
        assert_eq!(ServiceText::of(&s), first.text);
    }

    #[test]
    fn a_file_that_is_not_a_workbook_is_an_error() {
        let e = read_training_set("x.xlsx", b"not a zip").unwrap_err();
        assert!(matches!(e, RelevanceError::Workbook(_)), "{e}");
    }
}
