//! The C engine's entry points, compiled twice by `build.rs` (see `csrc/aurora_e5_impl.c`),
//! and the choice between the two copies at run time.

use std::ffi::{c_char, c_int, c_void};

/// The engine's model handle (`struct e5_model`); only ever used behind a pointer.
#[repr(C)]
pub(crate) struct RawModel {
    _private: [u8; 0],
}

/// One compiled copy of the engine: the entry points Aurora uses.
pub(crate) struct Kernel {
    /// Shown by [`crate::E5Embedder::kernel`], for logs.
    pub name: &'static str,
    /// `e5_load_mem`: parses an in-memory model image; the image must outlive the model.
    pub load_mem: unsafe extern "C" fn(data: *const c_void, size: usize) -> *mut RawModel,
    /// `e5_free`.
    pub free: unsafe extern "C" fn(model: *mut RawModel),
    /// `e5_dim`.
    pub dim: unsafe extern "C" fn(model: *const RawModel) -> c_int,
    /// `e5_token_count`: tokens of the prefixed text, `<s>` and `</s>` included, untruncated.
    pub token_count:
        unsafe extern "C" fn(model: *mut RawModel, text: *const c_char, is_query: c_int) -> c_int,
    /// `aurora_embed_head`: embeds `n` texts, each cut to the model's window.
    pub embed_head: unsafe extern "C" fn(
        model: *mut RawModel,
        texts: *const *const c_char,
        n: c_int,
        is_query: c_int,
        out: *mut f32,
    ) -> c_int,
    /// `e5_embed` (windowed, unmodified upstream path): only the tests compare against it.
    #[cfg(test)]
    pub embed_upstream: unsafe extern "C" fn(
        model: *mut RawModel,
        text: *const c_char,
        is_query: c_int,
        out: *mut f32,
    ) -> c_int,
}

macro_rules! kernel {
    ($name:literal, $load_mem:ident, $free:ident, $dim:ident, $count:ident, $head:ident, $embed:ident) => {{
        extern "C" {
            fn $load_mem(data: *const c_void, size: usize) -> *mut RawModel;
            fn $free(model: *mut RawModel);
            fn $dim(model: *const RawModel) -> c_int;
            fn $count(model: *mut RawModel, text: *const c_char, is_query: c_int) -> c_int;
            fn $head(
                model: *mut RawModel,
                texts: *const *const c_char,
                n: c_int,
                is_query: c_int,
                out: *mut f32,
            ) -> c_int;
            #[cfg(test)]
            fn $embed(
                model: *mut RawModel,
                text: *const c_char,
                is_query: c_int,
                out: *mut f32,
            ) -> c_int;
        }
        Kernel {
            name: $name,
            load_mem: $load_mem,
            free: $free,
            dim: $dim,
            token_count: $count,
            embed_head: $head,
            #[cfg(test)]
            embed_upstream: $embed,
        }
    }};
}

/// The engine compiled for the target's baseline (SSE2 on x86-64): runs on any CPU.
pub(crate) static PORTABLE: Kernel = kernel!(
    "portable",
    aurora_portable_e5_load_mem,
    aurora_portable_e5_free,
    aurora_portable_e5_dim,
    aurora_portable_e5_token_count,
    aurora_portable_aurora_embed_head,
    aurora_portable_e5_embed
);

/// The engine's AVX2+FMA integer-MAC path: about 1.7× faster than [`PORTABLE`] here.
#[cfg(target_arch = "x86_64")]
pub(crate) static AVX2: Kernel = kernel!(
    "avx2+fma",
    aurora_avx2_e5_load_mem,
    aurora_avx2_e5_free,
    aurora_avx2_e5_dim,
    aurora_avx2_e5_token_count,
    aurora_avx2_aurora_embed_head,
    aurora_avx2_e5_embed
);

/// Env var that forces the portable kernel (to compare the two, or to rule one out).
pub(crate) const FORCE_PORTABLE_ENV: &str = "AURORA_E5_PORTABLE";

/// The fastest kernel this CPU can run, unless `AURORA_E5_PORTABLE=1`.
pub(crate) fn select() -> &'static Kernel {
    if std::env::var(FORCE_PORTABLE_ENV).is_ok_and(|v| v == "1") {
        return &PORTABLE;
    }
    #[cfg(target_arch = "x86_64")]
    {
        // The AVX2 copy was compiled with -mavx2 -mfma, so the compiler may have used either
        // instruction set anywhere in it: both must be present.
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return &AVX2;
        }
    }
    &PORTABLE
}
