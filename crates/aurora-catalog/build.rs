//! Lists the bundled dataset for `src/bundled.rs`: every `*.json` below `data/ptv` and
//! `data/ptv-pilot`, and the label workbook, as `include_bytes!` entries in
//! `$OUT_DIR/bundled_files.rs`. A missing folder gives an empty list and a build warning, so
//! the crate still builds from a partial checkout.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// PTV files in load order: organisations, channels, services, then anything else.
fn ptv_rank(rel: &str) -> u8 {
    if rel.starts_with("data/ptv/organizations/") {
        0
    } else if rel.starts_with("data/ptv/channels/") {
        1
    } else if rel.starts_with("data/ptv/services/") {
        2
    } else {
        3
    }
}

fn entries(root: &Path, sub: &str, name: &str, code: &mut String) {
    let dir = root.join(sub);
    println!("cargo:rerun-if-changed={}", dir.display());
    if !dir.is_dir() {
        println!(
            "cargo:warning=bundled data folder {} is missing",
            dir.display()
        );
    }
    let mut files = Vec::new();
    json_files(&dir, &mut files);
    let mut rel: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|p| {
            let r = p
                .strip_prefix(root)
                .expect("below root")
                .to_string_lossy()
                .replace('\\', "/");
            (r, p)
        })
        .collect();
    rel.sort_by(|a, b| (ptv_rank(&a.0), &a.0).cmp(&(ptv_rank(&b.0), &b.0)));
    writeln!(code, "pub(crate) static {name}: &[(&str, &[u8])] = &[").unwrap();
    for (r, p) in rel {
        if let Some(parent) = p.parent() {
            println!("cargo:rerun-if-changed={}", parent.display());
        }
        writeln!(
            code,
            "    ({r:?}, include_bytes!({:?})),",
            p.display().to_string()
        )
        .unwrap();
    }
    writeln!(code, "];").unwrap();
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let root = manifest
        .join("../..")
        .canonicalize()
        .expect("workspace root");
    let mut code = String::new();
    entries(&root, "data/ptv", "PTV_FILES", &mut code);
    entries(&root, "data/ptv-pilot", "PILOT_FILES", &mut code);
    let workbook = "data/labels/3x10d_labelled_233.xlsx";
    let path = root.join(workbook);
    println!("cargo:rerun-if-changed={}", path.display());
    if path.is_file() {
        writeln!(
            code,
            "pub(crate) static LABEL_WORKBOOK: Option<(&str, &[u8])> = Some(({workbook:?}, include_bytes!({:?})));",
            path.display().to_string()
        )
        .unwrap();
    } else {
        println!(
            "cargo:warning=bundled label workbook {} is missing",
            path.display()
        );
        code.push_str("pub(crate) static LABEL_WORKBOOK: Option<(&str, &[u8])> = None;\n");
    }
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("bundled_files.rs");
    std::fs::write(out, code).expect("write bundled_files.rs");
}
