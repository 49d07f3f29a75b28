/*
 * op_join.c - the JOIN operator: shared machinery, stream-table joins and
 * table-table joins on primary keys (stream-stream joins are in
 * op_join_window.c, foreign-key joins in op_join_fk.c; the stores are described
 * in op_join_int.h).
 *
 * Semantics follow Kafka Streams as ksqlDB uses it. A stream-table join looks
 * each stream row up in the table side as it stands when the row is processed
 * (inner: nothing when absent; left: NULL right columns); table updates emit
 * nothing. A table-table join keeps both sides and, on a change of one side,
 * emits the new result for the key (a tombstone when there is none any more)
 * with the previous result attached, exactly when Kafka Streams' KTable join
 * processors forward a change (inner, left/right as the preserved or optional
 * side, full outer). Results carry ROWTIME = the stream row's time for
 * stream-table joins and the later of both rows' times for table joins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op_join_int.h"
#include "rowcodec.h"

/* ---------------------------------------------------------------- shared */

void jo_prefix(const JoinOp *j, Task *t, StrBuf *b, int side)
{
    sb_clear(b);
    if (j->op.step->join_kind == JOIN_TABLE_TABLE_FK) {
        /* Foreign keys cross partitions: one keyspace for the whole query. */
        sb_append(b, "\0\0", 2);
    } else {
        task_key_prefix(t, b);
    }
    sb_putc(b, (char)side);
}

void jo_put_key(const JoinOp *j, StrBuf *b, const Value *kv, int n, const Row *r)
{
    rowcodec_put_all(b, kv, n);
    if (j->op.step->join_windowed) {
        rowcodec_put_be64(b, r->win_start);
        rowcodec_put_be64(b, r->win_end);
    }
}

void jo_encode_side(StrBuf *b, const Row *r, const Value *cols, int n)
{
    sb_clear(b);
    rowcodec_put_be64(b, r->ts);
    rowcodec_put_be64(b, r->partition);
    rowcodec_put_be64(b, r->offset);
    rowcodec_put_be64(b, r->win_start);
    rowcodec_put_be64(b, r->win_end);
    rowcodec_put_all(b, cols, n);
}

bool jo_decode_side(const JoinOp *j, int side, const void *v, size_t vl, Arena *a, JoinSide *out)
{
    const char *p = v;
    if (vl < 40) return false;
    int n = j->ncol[side];
    Value *cols = arena_alloc(a, sizeof(Value) * (size_t)(n ? n : 1));
    if (rowcodec_get_all(p + 40, vl - 40, n, j->types[side], a, cols) < 0) return false;
    /* LMDB memory is only good until the next write: keep copies. */
    row_copy_cols(a, cols, cols, n);
    out->cols = cols;
    out->ts = rowcodec_get_be64(p);
    out->partition = (int32_t)rowcodec_get_be64(p + 8);
    out->offset = rowcodec_get_be64(p + 16);
    out->win_start = rowcodec_get_be64(p + 24);
    out->win_end = rowcodec_get_be64(p + 32);
    return true;
}

JoinSide jo_side_of(const Row *r)
{
    JoinSide s;
    s.cols = r->cols;
    s.ts = r->ts;
    s.offset = r->offset;
    s.win_start = r->win_start;
    s.win_end = r->win_end;
    s.partition = r->partition;
    return s;
}

bool jo_eval_key(JoinOp *j, Task *t, int side, const Row *r, const Value *cols, Value *kv,
                 ExecCtx *ctx)
{
    const Step *st = j->op.step;
    EvalCtx *ev = &t->eval;
    Row tmp = *r;
    tmp.cols = (Value *)cols;
    ev->row = &tmp;
    ev->arena = ctx->scratch;
    eval_reset_errors(ev);
    eval_expr(ev, side == 0 ? st->left_key : st->right_key, kv);
    if (ev->nerrors) task_processing_error(t, st, ev->err.msg, NULL);
    if (kv->kind == TYPE_NULL) return false;
    /* Room for the stores' prefixes, window bounds, timestamps and, in foreign-key
     * joins, the primary key beside the foreign one. */
    sb_clear(&j->lbuf);
    rowcodec_put(&j->lbuf, kv);
    size_t overhead = st->join_kind == JOIN_TABLE_TABLE_FK ? STATE_MAX_KEY / 2 : 48;
    return task_key_fits(t, st, j->lbuf.len, overhead);
}

static void fill_side(const JoinOp *j, Value *out, int base, int n, const JoinSide *s)
{
    bool windowed = j->op.step->join_windowed;
    Value *p = out + base + n;
    if (!s) {
        for (int i = 0; i < n + JOIN_NPSEUDO; i++)
            out[base + i] = val_null();
        return;
    }
    memcpy(out + base, s->cols, sizeof(Value) * (size_t)n);
    p[JP_ROWTIME] = val_bigint(s->ts);
    p[JP_ROWPARTITION] = val_int(s->partition);
    p[JP_ROWOFFSET] = val_bigint(s->offset);
    p[JP_WINDOWSTART] = windowed ? val_bigint(s->win_start) : val_null();
    p[JP_WINDOWEND] = windowed ? val_bigint(s->win_end) : val_null();
}

Value *jo_cols(JoinOp *j, const Value *keys, const JoinSide *l, const JoinSide *r, Arena *a)
{
    const Step *st = j->op.step;
    Value *c = arena_alloc(a, sizeof(Value) * (size_t)j->ncols);
    memcpy(c, keys, sizeof(Value) * (size_t)j->nk);
    fill_side(j, c, st->left_base, j->ncol[0], l);
    fill_side(j, c, st->right_base, j->ncol[1], r);
    return c;
}

static Row *out_slot(JoinOp *j, Arena *a)
{
    if (j->nout == j->cap) {
        int ncap = j->cap ? j->cap * 2 : 16;
        j->out = arena_realloc(a, j->out, sizeof(Row) * (size_t)j->cap, sizeof(Row) * (size_t)ncap);
        j->cap = ncap;
    }
    Row *o = &j->out[j->nout++];
    memset(o, 0, sizeof *o);
    return o;
}

Row *jo_emit(JoinOp *j, const Value *keys, const JoinSide *l, const JoinSide *r, int64_t ts,
             int64_t stream_time, ExecCtx *ctx)
{
    Row *o = out_slot(j, ctx->scratch);
    o->cols = jo_cols(j, keys, l, r, ctx->scratch);
    const JoinSide *s = l ? l : r;
    o->ts = ts;
    o->stream_time = stream_time;
    o->partition = s ? s->partition : ctx->task->partition;
    o->offset = s ? s->offset : -1;
    o->win_start = s ? s->win_start : 0;
    o->win_end = s ? s->win_end : 0;
    return o;
}

Row *jo_emit_tombstone(JoinOp *j, const Value *keys, int64_t ts, int64_t stream_time, ExecCtx *ctx)
{
    Row *o = out_slot(j, ctx->scratch);
    o->cols = jo_cols(j, keys, NULL, NULL, ctx->scratch);
    o->ts = ts;
    o->stream_time = stream_time;
    o->partition = ctx->task->partition;
    o->offset = -1;
    o->flags = ROW_TOMBSTONE;
    return o;
}

/* The stored row of a side for the key in j->kbuf, or false. */
static bool lookup(JoinOp *j, StateTxn *txn, int side, StrBuf *key, Arena *a, JoinSide *out)
{
    const void *v;
    size_t vl;
    if (state_get(txn, j->store[0], key->data, key->len, &v, &vl) != 0) return false;
    return jo_decode_side(j, side, v, vl, a, out);
}

/* ---------------------------------------------------------------- stream-table */

static int stream_table_process(JoinOp *j, int side, Row *rows, int n, ExecCtx *ctx)
{
    Task *t = ctx->task;
    const Step *st = j->op.step;
    StateTxn *txn = task_txn(t);
    if (!txn) return 0;
    for (int i = 0; i < n; i++) {
        Row *r = &rows[i];
        if (side == 0 && (r->flags & ROW_TOMBSTONE)) continue;
        Value kv;
        if (!jo_eval_key(j, t, side, r, r->cols, &kv, ctx)) continue;
        jo_prefix(j, t, &j->kbuf, 1);
        jo_put_key(j, &j->kbuf, &kv, 1, r);
        if (side == 1) {
            if (r->flags & ROW_TOMBSTONE) {
                state_del(txn, j->store[0], j->kbuf.data, j->kbuf.len);
            } else {
                jo_encode_side(&j->vbuf, r, r->cols, j->ncol[1]);
                state_put(txn, j->store[0], j->kbuf.data, j->kbuf.len, j->vbuf.data, j->vbuf.len);
            }
            continue;
        }
        JoinSide l = jo_side_of(r), tr;
        bool found = lookup(j, txn, 1, &j->kbuf, ctx->scratch, &tr);
        if (!found && st->join_type != JT_LEFT) continue;
        jo_emit(j, &kv, &l, found ? &tr : NULL, r->ts, r->stream_time, ctx);
    }
    return 0;
}

/* ---------------------------------------------------------------- table-table */

typedef enum Role {
    ROLE_INNER,     /* KTableKTableInnerJoin */
    ROLE_PRESERVED, /* KTableKTableLeftJoin: this side is kept without the other */
    ROLE_OPTIONAL,  /* KTableKTableRightJoin: this side may be missing */
    ROLE_OUTER,     /* KTableKTableOuterJoin */
} Role;

static Role role_of(JoinType t, int side)
{
    switch (t) {
    case JT_INNER: return ROLE_INNER;
    case JT_OUTER: return ROLE_OUTER;
    case JT_LEFT: return side == 0 ? ROLE_PRESERVED : ROLE_OPTIONAL;
    case JT_RIGHT: return side == 1 ? ROLE_PRESERVED : ROLE_OPTIONAL;
    }
    return ROLE_INNER;
}

static int table_table_process(JoinOp *j, int side, Row *rows, int n, ExecCtx *ctx)
{
    Task *t = ctx->task;
    const Step *st = j->op.step;
    Arena *a = ctx->scratch;
    StateTxn *txn = task_txn(t);
    if (!txn) return 0;
    Role role = role_of(st->join_type, side);
    for (int i = 0; i < n; i++) {
        Row *r = &rows[i];
        if (r->flags & ROW_RETRACT) continue;
        Value kv;
        if (!jo_eval_key(j, t, side, r, r->cols, &kv, ctx)) continue;
        /* This side: previous and new row. */
        jo_prefix(j, t, &j->kbuf, side);
        jo_put_key(j, &j->kbuf, &kv, 1, r);
        JoinSide olds, news = jo_side_of(r);
        bool has_old = lookup(j, txn, side, &j->kbuf, a, &olds);
        bool has_new = !(r->flags & ROW_TOMBSTONE);
        if (has_new) {
            jo_encode_side(&j->vbuf, r, r->cols, j->ncol[side]);
            state_put(txn, j->store[0], j->kbuf.data, j->kbuf.len, j->vbuf.data, j->vbuf.len);
        } else if (has_old) {
            state_del(txn, j->store[0], j->kbuf.data, j->kbuf.len);
        }
        /* The other side as it stands. */
        jo_prefix(j, t, &j->k2buf, 1 - side);
        jo_put_key(j, &j->k2buf, &kv, 1, r);
        JoinSide other;
        bool has_other = lookup(j, txn, 1 - side, &j->k2buf, a, &other);

        /* Kafka Streams' KTable join processors: the new and the old result. */
        const JoinSide *nt = NULL, *no = NULL, *ot = NULL, *oo = NULL; /* this / other */
        bool new_res = false, old_res = false;
        const JoinSide *ov = has_other ? &other : NULL;
        switch (role) {
        case ROLE_INNER:
            if (!has_other) continue;
            if (has_new) new_res = true, nt = &news, no = ov;
            if (has_old) old_res = true, ot = &olds, oo = ov;
            break;
        case ROLE_PRESERVED:
            if (!has_other && !has_new && !has_old) continue;
            if (has_new) new_res = true, nt = &news, no = ov;
            if (has_old) old_res = true, ot = &olds, oo = ov;
            break;
        case ROLE_OPTIONAL:
            if (!has_other) continue;
            new_res = true, nt = has_new ? &news : NULL, no = ov;
            old_res = true, ot = has_old ? &olds : NULL, oo = ov;
            break;
        case ROLE_OUTER:
            if (!has_other && !has_new && !has_old) continue;
            if (has_other || has_new) new_res = true, nt = has_new ? &news : NULL, no = ov;
            if (has_other || has_old) old_res = true, ot = has_old ? &olds : NULL, oo = ov;
            break;
        }
        const JoinSide *nl = side == 0 ? nt : no, *nr = side == 0 ? no : nt;
        const JoinSide *ol = side == 0 ? ot : oo, *or_ = side == 0 ? oo : ot;
        int64_t ts = has_other && other.ts > r->ts ? other.ts : r->ts;
        Row *o = new_res ? jo_emit(j, &kv, nl, nr, ts, r->stream_time, ctx)
                         : jo_emit_tombstone(j, &kv, ts, r->stream_time, ctx);
        o->flags |= ROW_OLD_KNOWN;
        o->old = old_res ? jo_cols(j, &kv, ol, or_, a) : NULL;
        if (st->join_windowed) {
            o->win_start = r->win_start;
            o->win_end = r->win_end;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- operator */

static int join_process(Op *op, int port, Row *rows, int n, ExecCtx *ctx)
{
    JoinOp *j = (JoinOp *)op;
    const Step *st = op->step;
    if (!j->have_store) {
        for (int i = 0; i < n; i++)
            task_processing_error(ctx->task, st, "join state store unavailable", NULL);
        return 0;
    }
    j->out = NULL;
    j->nout = j->cap = 0;
    int rc = 0;
    switch (st->join_kind) {
    case JOIN_STREAM_STREAM: rc = jo_window_process(j, port, rows, n, ctx); break;
    case JOIN_STREAM_TABLE: rc = stream_table_process(j, port, rows, n, ctx); break;
    case JOIN_TABLE_TABLE: rc = table_table_process(j, port, rows, n, ctx); break;
    case JOIN_TABLE_TABLE_FK: rc = jo_fk_process(j, port, rows, n, ctx); break;
    }
    if (rc < 0) return rc;
    Row *out = j->out;
    int m = j->nout;
    j->out = NULL;
    j->nout = j->cap = 0;
    return op_emit(op, out, m, ctx);
}

static int join_flush(Op *op, ExecCtx *ctx)
{
    JoinOp *j = (JoinOp *)op;
    if (!j->have_store || op->step->join_kind != JOIN_STREAM_STREAM) return 0;
    return jo_window_flush(j, ctx);
}

static void join_close(Op *op)
{
    JoinOp *j = (JoinOp *)op;
    sb_free(&j->kbuf);
    sb_free(&j->k2buf);
    sb_free(&j->lbuf);
    sb_free(&j->vbuf);
    sb_free(&j->ibuf);
    sb_free(&j->pbuf);
    sb_free(&j->p2buf);
    sb_free(&j->xbuf);
    sb_free(&j->ybuf);
    free(j->types[0]);
    free(j->types[1]);
}

static const OpVtab join_vt = {join_process, NULL, join_flush, join_close};

Op *op_join_new(Task *t, const Step *s)
{
    JoinOp *j = xcalloc(1, sizeof *j);
    j->op.vt = &join_vt;
    j->op.step = s;
    sb_init(&j->kbuf);
    sb_init(&j->k2buf);
    sb_init(&j->lbuf);
    sb_init(&j->vbuf);
    sb_init(&j->ibuf);
    sb_init(&j->pbuf);
    sb_init(&j->p2buf);
    sb_init(&j->xbuf);
    sb_init(&j->ybuf);
    j->nk = s->join_nkeys;
    j->ncols = s->schema.ncols;
    const Step *in[2] = {s->input, s->right};
    for (int k = 0; k < 2; k++) {
        j->ncol[k] = in[k]->schema.ncols;
        j->types[k] = xcalloc((size_t)j->ncol[k] + 1, sizeof(Type *));
        for (int c = 0; c < j->ncol[k]; c++)
            j->types[k][c] = in[k]->schema.cols[c].type;
    }
    j->spurious_fix = s->join_grace_ms >= 0;
    if (s->join_grace_ms >= 0) {
        j->grace = s->join_grace_ms;
    } else {
        /* JoinWindows.of(): a 24 hour default grace, less the window's span. */
        int64_t g = 86400000LL - 2 * s->before_ms;
        j->grace = g > 0 ? g : 0;
    }
    j->retention = s->before_ms + s->after_ms + j->grace;
    j->have_store = true;
    for (int k = 0; k < 4 && j->have_store; k++) {
        char name[64];
        snprintf(name, sizeof name, "%d.%d", s->id, k);
        if (task_store(t, name, &j->store[k]) != 0) j->have_store = false;
    }
    return &j->op;
}
