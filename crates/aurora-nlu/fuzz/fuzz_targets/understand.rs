//! Arbitrary bytes (as lossy UTF-8) through the intent engine; `fuzz_understand` panics only
//! when an invariant is broken (confidence outside 0–1, a span off a character boundary, an
//! error other than empty/too long).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aurora_nlu::fuzz_understand(data);
});
