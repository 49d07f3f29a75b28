/*
 * op_rekey.c - re-keying rows for GROUP BY (and joins on non-key expressions).
 *
 * Output rows are [new key columns..., input columns...]. When the plan runs on
 * Kafka, the rows go through the step's internal repartition topic (encoded with
 * rowcodec, keyed by the new key so that equal keys meet in one partition) and
 * come back through op_rekey_feed in the task that owns that partition; the
 * conformance driver passes them straight on. Rows of a table leave their old
 * group (a retraction under the old key) before they join the new one.
 */
#include <stdlib.h>
#include <string.h>

#include "op.h"
#include "rowcodec.h"

typedef struct RekeyOp {
    Op op;
    StrBuf kbuf, vbuf;
    const Type **types; /* output column types */
    Serde *key_serde;   /* Step.repartition_key_serde: the topic's key format */
} RekeyOp;

static void compute_keys(Task *t, const Step *st, const Row *r, const Value *cols, Value *out,
                         ExecCtx *ctx)
{
    EvalCtx *ev = &t->eval;
    Row tmp = *r;
    tmp.cols = (Value *)cols;
    ev->row = &tmp;
    ev->arena = ctx->scratch;
    for (int k = 0; k < st->nkeys; k++) {
        eval_reset_errors(ev);
        eval_expr(ev, st->key_exprs[k], &out[k]);
        if (ev->nerrors) task_processing_error(t, st, ev->err.msg, NULL);
    }
}

static int pass_on(Op *op, Row *rows, int m, ExecCtx *ctx)
{
    if (!query_env(op->task->q)->inprocess_repartition) {
        RekeyOp *rk = (RekeyOp *)op;
        const Step *st = op->step;
        for (int i = 0; i < m; i++) {
            Row *r = &rows[i];
            sb_clear(&rk->kbuf);
            bool knull = false;
            EddyError kerr;
            if (!rk->key_serde ||
                serde_encode(rk->key_serde, r->cols, &rk->kbuf, &knull, &kerr) < 0) {
                sb_clear(&rk->kbuf);
                rowcodec_put_all(&rk->kbuf, r->cols, st->nkeys);
            }
            sb_clear(&rk->vbuf);
            sb_putc(&rk->vbuf, (char)(r->flags & (ROW_RETRACT | ROW_TOMBSTONE | ROW_UPDATE)));
            rowcodec_put_all(&rk->vbuf, r->cols, st->schema.ncols);
            if ((r->flags & ROW_UPDATE) && r->old)
                rowcodec_put_all(&rk->vbuf, r->old, st->schema.ncols);
            RawRecord rec = {0};
            rec.topic = st->repartition_topic;
            rec.partition = -1;
            rec.offset = -1;
            rec.timestamp = r->ts;
            rec.key = rk->kbuf.data;
            rec.key_len = rk->kbuf.len;
            rec.value = rk->vbuf.data;
            rec.value_len = rk->vbuf.len;
            rec.headers = r->headers;
            rec.nheaders = r->nheaders;
            query_io_produce(op->task->q, st->repartition_topic, -1, &rec);
        }
        return 0;
    }
    int seg = op->segment + 1;
    for (int i = 0; i < m; i++)
        rows[i].stream_time = task_observe_time(op->task, seg, rows[i].ts);
    return op_emit(op, rows, m, ctx);
}

static int rekey_process(Op *op, int port, Row *rows, int n, ExecCtx *ctx)
{
    (void)port;
    Task *t = ctx->task;
    const Step *st = op->step;
    int nk = st->nkeys, nin = st->input->schema.ncols, nout = st->schema.ncols;
    int cap = st->is_table ? 2 * n : n, m = 0;
    Row *out = arena_alloc(ctx->scratch, sizeof(Row) * (size_t)(cap ? cap : 1));
    for (int i = 0; i < n; i++) {
        Row *r = &rows[i];
        if (!st->is_table && (r->flags & ROW_TOMBSTONE)) continue;
        if (st->rekey_changelog) {
            /* A join's table side moving to its co-partitioned topic: as is. */
            Row *o = &out[m++];
            *o = *r;
            o->old = NULL;
            o->cols = arena_alloc(ctx->scratch, sizeof(Value) * (size_t)nout);
            compute_keys(t, st, r, r->cols, o->cols, ctx);
            memcpy(o->cols + nk, r->cols, sizeof(Value) * (size_t)nin);
            continue;
        }
        Value *oldk = NULL;
        if (st->is_table && r->old) {
            oldk = arena_alloc(ctx->scratch, sizeof(Value) * (size_t)nout);
            compute_keys(t, st, r, r->old, oldk, ctx);
            memcpy(oldk + nk, r->old, sizeof(Value) * (size_t)nin);
        }
        Value *newk = NULL;
        if (!(r->flags & ROW_TOMBSTONE)) {
            newk = arena_alloc(ctx->scratch, sizeof(Value) * (size_t)nout);
            compute_keys(t, st, r, r->cols, newk, ctx);
            memcpy(newk + nk, r->cols, sizeof(Value) * (size_t)nin);
        }
        bool same_group = oldk && newk;
        for (int k = 0; same_group && k < nk; k++)
            if (!val_equal(&oldk[k], &newk[k]) || oldk[k].kind != newk[k].kind) same_group = false;
        if (same_group) {
            /* One update of the group: retract the old row and add the new one. */
            Row *o = &out[m++];
            *o = *r;
            o->flags = ROW_UPDATE;
            o->cols = newk;
            o->old = oldk;
            continue;
        }
        if (oldk) {
            Row *o = &out[m++];
            *o = *r;
            o->flags = ROW_RETRACT;
            o->old = NULL;
            o->cols = oldk;
        }
        if (newk) {
            Row *o = &out[m++];
            *o = *r;
            o->flags = 0;
            o->old = NULL;
            o->cols = newk;
        }
    }
    return pass_on(op, out, m, ctx);
}

int op_rekey_feed(Op *op, const RawRecord *recs, int n, ExecCtx *ctx)
{
    RekeyOp *rk = (RekeyOp *)op;
    const Step *st = op->step;
    int nout = st->schema.ncols;
    Row *rows = arena_alloc(ctx->scratch, sizeof(Row) * (size_t)(n ? n : 1));
    int m = 0;
    for (int i = 0; i < n; i++) {
        const RawRecord *rec = &recs[i];
        if (!rec->value || rec->value_len < 1) continue;
        Row *r = &rows[m];
        memset(r, 0, sizeof *r);
        r->cols = arena_alloc(ctx->scratch, sizeof(Value) * (size_t)nout);
        r->flags = (uint32_t)(unsigned char)rec->value[0];
        long used = rowcodec_get_all(rec->value + 1, rec->value_len - 1, nout, rk->types,
                                     ctx->scratch, r->cols);
        if (used < 0) {
            task_processing_error(op->task, st, "Corrupt repartition record", rec);
            continue;
        }
        row_copy_cols(ctx->scratch, r->cols, r->cols, nout);
        if (r->flags & ROW_UPDATE) {
            r->old = arena_alloc(ctx->scratch, sizeof(Value) * (size_t)nout);
            if (rowcodec_get_all(rec->value + 1 + used, rec->value_len - 1 - (size_t)used, nout,
                                 rk->types, ctx->scratch, r->old) < 0) {
                task_processing_error(op->task, st, "Corrupt repartition record", rec);
                continue;
            }
            row_copy_cols(ctx->scratch, r->old, r->old, nout);
        }
        r->ts = rec->timestamp;
        r->partition = rec->partition;
        r->offset = rec->offset;
        r->headers = rec->headers;
        r->nheaders = rec->nheaders;
        r->stream_time = task_observe_time(op->task, op->segment + 1, r->ts);
        m++;
    }
    return op_emit(op, rows, m, ctx);
}

static void rekey_close(Op *op)
{
    RekeyOp *rk = (RekeyOp *)op;
    sb_free(&rk->kbuf);
    sb_free(&rk->vbuf);
    free(rk->types);
    serde_free(rk->key_serde);
}

static const OpVtab rekey_vt = {rekey_process, NULL, NULL, rekey_close};

Op *op_rekey_new(Task *t, const Step *s)
{
    (void)t;
    RekeyOp *rk = xcalloc(1, sizeof *rk);
    rk->op.vt = &rekey_vt;
    sb_init(&rk->kbuf);
    sb_init(&rk->vbuf);
    rk->types = xcalloc((size_t)s->schema.ncols + 1, sizeof(Type *));
    for (int i = 0; i < s->schema.ncols; i++)
        rk->types[i] = s->schema.cols[i].type;
    if (s->repartition_key_serde) {
        const char *names[64];
        const Type *types[64];
        int nk = s->nkeys < 64 ? s->nkeys : 64;
        for (int i = 0; i < nk; i++) {
            names[i] = s->schema.cols[i].name;
            types[i] = s->schema.cols[i].type;
        }
        EddyError err;
        err_clear(&err);
        rk->key_serde = serde_new(&s->repartition_key_fmt, true, nk, names, types, &err);
    }
    return &rk->op;
}
