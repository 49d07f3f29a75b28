/*
 * op_suppress.c - EMIT FINAL: hold each window's latest result until the window
 * closes (stream time >= window end + grace), then emit it once.
 *
 * The buffer is a state store "<step>.0" ([partition][key][start][end] ->
 * [ts][row]) with an index "<step>.1" by window end, so closing windows are found
 * in end order and survive restarts like the aggregates they summarise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op.h"
#include "rowcodec.h"

typedef struct SuppressOp {
    Op op;
    StateStore buf, index;
    bool ok;
    StrBuf kbuf, vbuf, ibuf;
    const Type **types;
    int nkey, ncols;
} SuppressOp;

static void sup_close(Op *op)
{
    SuppressOp *s = (SuppressOp *)op;
    sb_free(&s->kbuf);
    sb_free(&s->vbuf);
    sb_free(&s->ibuf);
    free(s->types);
}

static void sup_key(SuppressOp *s, Task *t, const Row *r)
{
    sb_clear(&s->kbuf);
    task_key_prefix(t, &s->kbuf);
    rowcodec_put_all(&s->kbuf, r->cols, s->nkey);
    rowcodec_put_be64(&s->kbuf, r->win_start);
    rowcodec_put_be64(&s->kbuf, r->win_end);
    sb_clear(&s->ibuf);
    rowcodec_put_be64(&s->ibuf, r->win_end);
    sb_append(&s->ibuf, s->kbuf.data, s->kbuf.len);
}

static int sup_process(Op *op, int port, Row *rows, int n, ExecCtx *ctx)
{
    (void)port;
    SuppressOp *s = (SuppressOp *)op;
    Task *t = ctx->task;
    StateTxn *txn = task_txn(t);
    if (!s->ok || !txn) return 0;
    for (int i = 0; i < n; i++) {
        Row *r = &rows[i];
        sup_key(s, t, r);
        if (r->flags & ROW_TOMBSTONE) {
            state_del(txn, s->buf, s->kbuf.data, s->kbuf.len);
            state_del(txn, s->index, s->ibuf.data, s->ibuf.len);
            continue;
        }
        sb_clear(&s->vbuf);
        rowcodec_put_be64(&s->vbuf, r->ts);
        rowcodec_put_all(&s->vbuf, r->cols, s->ncols);
        state_put(txn, s->buf, s->kbuf.data, s->kbuf.len, s->vbuf.data, s->vbuf.len);
        state_put(txn, s->index, s->ibuf.data, s->ibuf.len, "", 0);
    }
    return 0;
}

/* Emits every buffered window that has closed, in window-end order. */
static int sup_flush(Op *op, ExecCtx *ctx)
{
    SuppressOp *s = (SuppressOp *)op;
    Task *t = ctx->task;
    int64_t now = t->stream_time[op->segment];
    if (!s->ok || now == INT64_MIN) return 0;
    StateTxn *txn = task_txn(t);
    if (!txn) return 0;
    const WindowSpec *w = &op->step->suppress_win;
    Row *out = NULL;
    int n = 0, cap = 0;
    StateIter *it;
    if (state_iter_open(txn, s->index, NULL, 0, &it) != 0) return 0;
    const void *k, *v;
    size_t kl, vl;
    while (state_iter_next(it, &k, &kl, &v, &vl) == 0) {
        if (kl < 8) break;
        int64_t end = rowcodec_get_be64(k);
        if (end + w->grace_ms > now) break;
        const void *bv;
        size_t bl;
        if (state_get(txn, s->buf, (const char *)k + 8, kl - 8, &bv, &bl) == 0 && bl >= 8) {
            if (n == cap) {
                int ncap = cap ? cap * 2 : 8;
                out = arena_realloc(ctx->scratch, out, sizeof(Row) * (size_t)cap,
                                    sizeof(Row) * (size_t)ncap);
                cap = ncap;
            }
            Row *r = &out[n];
            memset(r, 0, sizeof *r);
            r->cols = arena_alloc(ctx->scratch, sizeof(Value) * (size_t)s->ncols);
            r->ts = rowcodec_get_be64(bv);
            if (rowcodec_get_all((const char *)bv + 8, bl - 8, s->ncols, s->types, ctx->scratch,
                                 r->cols) >= 0) {
                row_copy_cols(ctx->scratch, r->cols, r->cols, s->ncols);
                const char *kk = (const char *)k + 8;
                r->win_end = rowcodec_get_be64(kk + (kl - 8) - 8);
                r->win_start = rowcodec_get_be64(kk + (kl - 8) - 16);
                n++;
            }
            state_del(txn, s->buf, (const char *)k + 8, kl - 8);
        }
        state_iter_del(it);
    }
    state_iter_close(it);
    return op_emit(op, out, n, ctx);
}

static int sup_advance(Op *op, int64_t stream_time, ExecCtx *ctx)
{
    (void)stream_time;
    return sup_flush(op, ctx);
}

static const OpVtab sup_vt = {sup_process, sup_advance, sup_flush, sup_close};

Op *op_suppress_new(Task *t, const Step *st)
{
    SuppressOp *s = xcalloc(1, sizeof *s);
    s->op.vt = &sup_vt;
    sb_init(&s->kbuf);
    sb_init(&s->vbuf);
    sb_init(&s->ibuf);
    s->nkey = st->schema.nkey;
    s->ncols = st->schema.ncols;
    s->types = xcalloc((size_t)s->ncols + 1, sizeof(Type *));
    for (int i = 0; i < s->ncols; i++) s->types[i] = st->schema.cols[i].type;
    char name[64];
    snprintf(name, sizeof name, "%d.0", st->id);
    if (task_store(t, name, &s->buf) == 0) {
        snprintf(name, sizeof name, "%d.1", st->id);
        s->ok = task_store(t, name, &s->index) == 0;
    }
    return &s->op;
}
