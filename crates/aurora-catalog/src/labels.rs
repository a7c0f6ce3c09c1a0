//! The AuroraAI 3X10D label workbook.
//!
//! The workbook (`data/labels/3x10d_labelled_233.xlsx`, the loader input of the AuroraAI
//! recommender) has one row per service: `id` (PTV service UUID), `municipalityCode`
//! (`national`, `091`, …), the Finnish `Name` and `serviceSummary`, the ten Finnish 3X10D
//! dimension columns ([`Dimension::finnish_label_column`]) and `EI MUKAAN` ("not included").
//!
//! Reading rules (the reference loader's, made explicit):
//! * The header row is the first non-empty row of the first sheet that has every required
//!   column. Columns are found **by name**, case- and whitespace-insensitively, never by
//!   position. Required: `id` and the ten dimension columns; `EI MUKAAN` is optional. A workbook
//!   with no such sheet is an [`ImportError::Format`] naming the missing columns and listing the
//!   ones found.
//! * A dimension cell marked `x`/`X` (or the number 1, as in the reference loader's numeric CSV)
//!   is 1.0; an empty cell (or 0) is 0.0. Every one of the ten dimensions is set on an included
//!   row, so a service labelled with nothing has ten explicit zeros.
//! * A row with anything in `EI MUKAAN` is dropped (not a rejection).
//! * Completely empty rows are skipped.
//! * A row whose id is not a UUID, or with any other value in a dimension cell (for example
//!   "maybe"), is a [`Rejection`] with location `row N` (the 1-based spreadsheet row number).
//! * **Duplicate ids** (the same service listed for several municipalities): the rows are merged
//!   into one entry by taking the **union of the marks** (a dimension is 1.0 if any of the rows
//!   marks it). The entry keeps the position of the id's first row.
//!
//! Ids are returned trimmed and lower-cased.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use aurora_model::{Dimension, Meters};
use calamine::{Data, Reader};

use crate::{ImportError, Rejection, Result};

/// Header of the id column.
const ID_COLUMN: &str = "id";
/// Header of the "not included" column.
const EXCLUDE_COLUMN: &str = "EI MUKAAN";
/// Header of the municipality column (optional; only quoted in messages).
const MUNICIPALITY_COLUMN: &str = "municipalityCode";

/// Counts from reading one workbook.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkbookStats {
    /// Data rows below the header, not counting completely empty rows.
    pub rows: usize,
    /// Rows kept (before merging duplicates).
    pub included: usize,
    /// Rows dropped because `EI MUKAAN` is set.
    pub excluded: usize,
    /// Included rows whose id had already been seen (merged into the earlier entry).
    pub duplicate_rows: usize,
    /// Rows rejected (bad id or bad cell).
    pub rejected: usize,
    /// Completely empty rows skipped.
    pub blank_rows: usize,
}

/// Everything [`read_workbook_report`] finds.
#[derive(Debug, Clone, Default)]
pub struct WorkbookReport {
    /// `(service id, labels)` in order of first appearance, one per id.
    pub labels: Vec<(String, Meters)>,
    /// Rows that could not be read.
    pub rejections: Vec<Rejection>,
    /// Counts.
    pub stats: WorkbookStats,
}

/// Reads a label workbook (`.xlsx`, also `.xls`/`.ods`) from a file.
#[allow(clippy::type_complexity)] // the agreed public signature
pub fn read_workbook(path: &Path) -> Result<(Vec<(String, Meters)>, Vec<Rejection>)> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_workbook_bytes(&path.display().to_string(), &bytes)
}

/// Reads a label workbook from bytes; `name` is used in messages.
#[allow(clippy::type_complexity)] // the agreed public signature
pub fn read_workbook_bytes(
    name: &str,
    bytes: &[u8],
) -> Result<(Vec<(String, Meters)>, Vec<Rejection>)> {
    read_workbook_report(name, bytes).map(|r| (r.labels, r.rejections))
}

/// Like [`read_workbook_bytes`], also returning the row counts.
pub fn read_workbook_report(name: &str, bytes: &[u8]) -> Result<WorkbookReport> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        ImportError::Format {
            source: name.to_string(),
            reason: format!("not a readable spreadsheet (.xlsx, .xls or .ods expected): {e}"),
        }
    })?;
    let sheet_names = workbook.sheet_names();
    if sheet_names.is_empty() {
        return Err(ImportError::Format {
            source: name.to_string(),
            reason: "the workbook has no sheets".into(),
        });
    }
    // The first sheet with every required column wins; otherwise report on the first sheet.
    let mut first_problem: Option<String> = None;
    for sheet in &sheet_names {
        let range = workbook
            .worksheet_range(sheet)
            .map_err(|e| ImportError::Format {
                source: name.to_string(),
                reason: format!("sheet {sheet:?} cannot be read: {e}"),
            })?;
        match locate_columns(&range) {
            Ok(columns) => {
                let report = read_rows(name, &range, &columns);
                tracing::info!(
                    source = name,
                    sheet = sheet.as_str(),
                    rows = report.stats.rows,
                    included = report.stats.included,
                    excluded = report.stats.excluded,
                    duplicate_rows = report.stats.duplicate_rows,
                    rejected = report.stats.rejected,
                    services = report.labels.len(),
                    "read 3X10D label workbook"
                );
                return Ok(report);
            }
            Err(problem) => {
                first_problem.get_or_insert_with(|| format!("sheet {sheet:?}: {problem}"));
            }
        }
    }
    Err(ImportError::Format {
        source: name.to_string(),
        reason: first_problem.unwrap_or_default(),
    })
}

/// Where the columns are: relative column indices inside the range.
struct Columns {
    /// Index of the header row inside the range.
    header_row: usize,
    id: usize,
    exclude: Option<usize>,
    municipality: Option<usize>,
    dimensions: [usize; 10],
}

/// Lower case, whitespace collapsed.
fn normalize_header(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn locate_columns(range: &calamine::Range<Data>) -> std::result::Result<Columns, String> {
    let Some((header_row, header)) = range
        .rows()
        .enumerate()
        .find(|(_, row)| row.iter().any(|c| !cell_text(c).trim().is_empty()))
    else {
        return Err("the sheet is empty: no header row found".into());
    };
    let names: Vec<String> = header
        .iter()
        .map(|c| normalize_header(&cell_text(c)))
        .collect();
    let find = |wanted: &str| {
        let wanted = normalize_header(wanted);
        names.iter().position(|n| *n == wanted)
    };
    let mut missing = Vec::new();
    let id = find(ID_COLUMN);
    if id.is_none() {
        missing.push(ID_COLUMN.to_string());
    }
    let mut dimensions = [0usize; 10];
    for d in Dimension::ALL {
        match find(d.finnish_label_column()) {
            Some(i) => dimensions[d as usize] = i,
            None => missing.push(d.finnish_label_column().to_string()),
        }
    }
    if !missing.is_empty() {
        let found: Vec<String> = header
            .iter()
            .map(cell_text)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .map(|s| format!("{s:?}"))
            .collect();
        let missing: Vec<String> = missing.iter().map(|m| format!("{m:?}")).collect();
        return Err(format!(
            "missing required column(s) {} in the header (row {}); found columns: {}",
            missing.join(", "),
            absolute_row(range, header_row),
            if found.is_empty() {
                "none".to_string()
            } else {
                found.join(", ")
            }
        ));
    }
    Ok(Columns {
        header_row,
        id: id.unwrap_or_default(),
        exclude: find(EXCLUDE_COLUMN),
        municipality: find(MUNICIPALITY_COLUMN),
        dimensions,
    })
}

/// 1-based spreadsheet row number of a row index inside the range.
fn absolute_row(range: &calamine::Range<Data>, index: usize) -> usize {
    range.start().map_or(0, |(r, _)| r as usize) + index + 1
}

/// A dimension cell's value: `Some(0.0|1.0)`, or `None` for anything unexpected.
fn mark_value(cell: &Data) -> Option<f32> {
    match cell {
        Data::Empty => Some(0.0),
        Data::String(s) => match s.trim() {
            "" | "0" => Some(0.0),
            "x" | "X" | "1" => Some(1.0),
            _ => None,
        },
        Data::Int(0) => Some(0.0),
        Data::Int(1) => Some(1.0),
        Data::Float(f) if *f == 0.0 => Some(0.0),
        Data::Float(f) if *f == 1.0 => Some(1.0),
        Data::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// True for the 8-4-4-4-12 hexadecimal UUID syntax.
pub(crate) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn read_rows(name: &str, range: &calamine::Range<Data>, columns: &Columns) -> WorkbookReport {
    let mut report = WorkbookReport::default();
    let mut index_of: HashMap<String, usize> = HashMap::new();
    let empty = Data::Empty;
    for (i, row) in range.rows().enumerate().skip(columns.header_row + 1) {
        let row_no = absolute_row(range, i);
        let cell = |c: usize| row.get(c).unwrap_or(&empty);
        if row.iter().all(|c| cell_text(c).trim().is_empty()) {
            report.stats.blank_rows += 1;
            continue;
        }
        report.stats.rows += 1;
        let raw_id = cell_text(cell(columns.id)).trim().to_string();
        let id_for_msg = (!raw_id.is_empty()).then(|| raw_id.clone());
        if let Some(ex) = columns.exclude {
            if !cell_text(cell(ex)).trim().is_empty() {
                report.stats.excluded += 1;
                continue;
            }
        }
        let reject = |reason: String| Rejection {
            source: name.to_string(),
            location: format!("row {row_no}"),
            id: id_for_msg.clone(),
            reason,
        };
        if raw_id.is_empty() {
            report.rejections.push(reject(format!(
                "column {ID_COLUMN:?} is empty: a PTV service UUID is required"
            )));
            report.stats.rejected += 1;
            continue;
        }
        if !matches!(cell(columns.id), Data::String(_)) || !is_uuid(&raw_id) {
            report.rejections.push(reject(format!(
                "column {ID_COLUMN:?}: {raw_id:?} is not a UUID (expected 8-4-4-4-12 hexadecimal digits)"
            )));
            report.stats.rejected += 1;
            continue;
        }
        let mut meters = Meters::default();
        let mut bad = Vec::new();
        for d in Dimension::ALL {
            let c = cell(columns.dimensions[d as usize]);
            match mark_value(c) {
                Some(v) => meters.set(d, Some(v)),
                None => bad.push(format!(
                    "column {:?}: unexpected value {:?}",
                    d.finnish_label_column(),
                    cell_text(c)
                )),
            }
        }
        if !bad.is_empty() {
            report.rejections.push(reject(format!(
                "{}; expected \"x\" (or 1) for a mark, or an empty cell (or 0)",
                bad.join("; ")
            )));
            report.stats.rejected += 1;
            continue;
        }
        report.stats.included += 1;
        let id = raw_id.to_ascii_lowercase();
        match index_of.get(&id) {
            Some(&at) => {
                report.stats.duplicate_rows += 1;
                let merged = &mut report.labels[at].1;
                for (d, v) in meters.iter() {
                    let old = merged.get(d).unwrap_or(0.0);
                    merged.set(d, Some(old.max(v)));
                }
                let municipality = columns
                    .municipality
                    .map(|c| cell_text(cell(c)).trim().to_string())
                    .unwrap_or_default();
                tracing::debug!(
                    source = name,
                    row = row_no,
                    id = id.as_str(),
                    municipality = municipality.as_str(),
                    "duplicate id in label workbook: marks merged (union)"
                );
            }
            None => {
                index_of.insert(id.clone(), report.labels.len());
                report.labels.push((id, meters));
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal stored (uncompressed) zip writer, enough to build `.xlsx` test fixtures without
    /// an extra dependency.
    fn zip_stored(files: &[(&str, String)]) -> Vec<u8> {
        fn crc32(data: &[u8]) -> u32 {
            let mut crc = 0xFFFF_FFFFu32;
            for &b in data {
                crc ^= u32::from(b);
                for _ in 0..8 {
                    crc = if crc & 1 != 0 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, body) in files {
            let body = body.as_bytes();
            let crc = crc32(body);
            let offset = out.len() as u32;
            let header = |sig: u32, central: bool| {
                let mut h = Vec::new();
                h.extend_from_slice(&sig.to_le_bytes());
                if central {
                    h.extend_from_slice(&20u16.to_le_bytes()); // version made by
                }
                h.extend_from_slice(&20u16.to_le_bytes()); // version needed
                h.extend_from_slice(&0u16.to_le_bytes()); // flags
                h.extend_from_slice(&0u16.to_le_bytes()); // method: stored
                h.extend_from_slice(&0u32.to_le_bytes()); // time, date
                h.extend_from_slice(&crc.to_le_bytes());
                h.extend_from_slice(&(body.len() as u32).to_le_bytes());
                h.extend_from_slice(&(body.len() as u32).to_le_bytes());
                h.extend_from_slice(&(name.len() as u16).to_le_bytes());
                h.extend_from_slice(&0u16.to_le_bytes()); // extra
                if central {
                    h.extend_from_slice(&0u16.to_le_bytes()); // comment
                    h.extend_from_slice(&0u16.to_le_bytes()); // disk
                    h.extend_from_slice(&0u16.to_le_bytes()); // internal attrs
                    h.extend_from_slice(&0u32.to_le_bytes()); // external attrs
                    h.extend_from_slice(&offset.to_le_bytes());
                }
                h.extend_from_slice(name.as_bytes());
                h
            };
            out.extend(header(0x0403_4b50, false));
            out.extend_from_slice(body);
            central.extend(header(0x0201_4b50, true));
        }
        let cd_offset = out.len() as u32;
        let cd_len = central.len() as u32;
        out.extend(central);
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(files.len() as u16).to_le_bytes());
        out.extend_from_slice(&(files.len() as u16).to_le_bytes());
        out.extend_from_slice(&cd_len.to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn col_name(mut i: usize) -> String {
        let mut s = String::new();
        loop {
            s.insert(0, (b'A' + (i % 26) as u8) as char);
            if i < 26 {
                return s;
            }
            i = i / 26 - 1;
        }
    }

    fn esc(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }

    /// An `.xlsx` with one sheet of inline strings; `None` cells are left out.
    fn xlsx(rows: &[Vec<Option<&str>>]) -> Vec<u8> {
        let mut sheet = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
        );
        for (r, row) in rows.iter().enumerate() {
            sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for (c, cell) in row.iter().enumerate() {
                if let Some(v) = cell {
                    sheet.push_str(&format!(
                        r#"<c r="{}{}" t="inlineStr"><is><t>{}</t></is></c>"#,
                        col_name(c),
                        r + 1,
                        esc(v)
                    ));
                }
            }
            sheet.push_str("</row>");
        }
        sheet.push_str("</sheetData></worksheet>");
        zip_stored(&[
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="services" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.into(),
            ),
            ("xl/worksheets/sheet1.xml", sheet),
        ])
    }

    /// Header in a shuffled order with odd case and spacing, to prove lookup by name.
    fn header() -> Vec<Option<&'static str>> {
        vec![
            Some("  ID "),
            Some("municipalityCode"),
            Some("Name"),
            Some("Tyytyväisyys   elämään"),
            Some("terveys"),
            Some("vaikeuksien voittaminen"),
            Some("asuminen"),
            Some("OPISKELU TAI TYÖ"),
            Some("perhe"),
            Some("ystävät"),
            Some("raha-asiat"),
            Some("itsensä kehittäminen"),
            Some("itsetunto"),
            Some("EI MUKAAN"),
        ]
    }

    const A: &str = "9aeaa066-c6da-4ec3-bf01-8aba0f5f8940";
    const B: &str = "f928cbf9-08bc-4f6b-919d-a1356fcf4665";

    fn row<'a>(id: &'a str, muni: &'a str, marks: &[(usize, &'a str)]) -> Vec<Option<&'a str>> {
        let mut r = vec![Some(id), Some(muni), Some("Palvelu")];
        r.resize(14, None);
        for &(c, v) in marks {
            r[c] = Some(v);
        }
        r
    }

    #[test]
    fn reads_marks_by_header_name_and_sets_all_ten() {
        let bytes = xlsx(&[
            header(),
            row(A, "491", &[(3, "x"), (4, "X")]),
            row(B, "national", &[]),
        ]);
        let (labels, rejections) = read_workbook_bytes("t.xlsx", &bytes).unwrap();
        assert!(rejections.is_empty(), "{rejections:?}");
        assert_eq!(labels.len(), 2);
        let (id, m) = &labels[0];
        assert_eq!(id, A);
        assert_eq!(m.get(Dimension::LifeSatisfaction), Some(1.0));
        assert_eq!(m.get(Dimension::Health), Some(1.0));
        assert_eq!(m.get(Dimension::Housing), Some(0.0));
        assert_eq!(m.iter().count(), 10);
        assert_eq!(labels[1].1.iter().filter(|(_, v)| *v == 0.0).count(), 10);
    }

    #[test]
    fn excluded_blank_bad_and_duplicate_rows() {
        let upper_a = A.to_ascii_uppercase();
        let bytes = xlsx(&[
            header(),
            row(A, "491", &[(4, "x")]),
            row(B, "491", &[(13, "x"), (4, "x")]),
            vec![],
            row("not-a-uuid", "491", &[(4, "x")]),
            row(B, "091", &[(5, "maybe")]),
            row(&upper_a, "national", &[(6, "x")]),
        ]);
        let report = read_workbook_report("t.xlsx", &bytes).unwrap();
        assert_eq!(
            report.stats,
            WorkbookStats {
                rows: 5,
                included: 2,
                excluded: 1,
                duplicate_rows: 1,
                rejected: 2,
                blank_rows: 1,
            }
        );
        assert_eq!(report.labels.len(), 1);
        let (id, m) = &report.labels[0];
        assert_eq!(id, A);
        assert_eq!(m.get(Dimension::Health), Some(1.0));
        assert_eq!(m.get(Dimension::Housing), Some(1.0), "union of marks");
        assert_eq!(m.get(Dimension::Resilience), Some(0.0));
        let r = &report.rejections;
        assert_eq!(r[0].location, "row 5");
        assert!(r[0].reason.contains("not a UUID"), "{}", r[0].reason);
        assert_eq!(r[1].location, "row 6");
        assert_eq!(r[1].id.as_deref(), Some(B));
        assert!(r[1].reason.contains("\"maybe\""), "{}", r[1].reason);
        assert!(
            r[1].reason.contains("vaikeuksien voittaminen"),
            "{}",
            r[1].reason
        );
    }

    #[test]
    fn missing_column_is_a_format_error_naming_it() {
        let mut h = header();
        h[10] = Some("rahat");
        let bytes = xlsx(&[h, row(A, "491", &[])]);
        let err = read_workbook_bytes("t.xlsx", &bytes).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, ImportError::Format { .. }));
        assert!(msg.contains("\"raha-asiat\""), "{msg}");
        assert!(msg.contains("found columns"), "{msg}");
        assert!(msg.contains("\"rahat\""), "{msg}");
    }

    #[test]
    fn not_a_workbook_is_a_format_error() {
        let err = read_workbook_bytes("t.xlsx", b"id,terveys\n").unwrap_err();
        assert!(matches!(err, ImportError::Format { .. }), "{err}");
    }

    #[test]
    fn the_real_workbook() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/labels/3x10d_labelled_233.xlsx");
        let bytes = std::fs::read(&path).unwrap();
        let report = read_workbook_report("3x10d_labelled_233.xlsx", &bytes).unwrap();
        assert!(report.rejections.is_empty(), "{:?}", report.rejections);
        assert_eq!(report.stats.rows, 233);
        assert_eq!(report.stats.excluded, 1);
        assert_eq!(report.stats.included, 232);
        assert_eq!(report.stats.duplicate_rows, 0);
        assert_eq!(report.labels.len(), 232);
        let marks: f32 = report
            .labels
            .iter()
            .flat_map(|(_, m)| m.iter().map(|(_, v)| v))
            .sum();
        // 546 dimension marks in the file; the excluded row carries none.
        assert_eq!(marks, 546.0);
        let health = report
            .labels
            .iter()
            .filter(|(_, m)| m.get(Dimension::Health) == Some(1.0))
            .count();
        assert_eq!(health, 83);
        let unlabelled = report
            .labels
            .iter()
            .filter(|(_, m)| m.iter().all(|(_, v)| v == 0.0))
            .count();
        assert_eq!(unlabelled, 7);
        assert!(report
            .labels
            .iter()
            .all(|(id, m)| is_uuid(id) && m.iter().count() == 10));
    }
}
