/*
 * op_sink.c - the SINK operator: rows to records of the sink topic.
 *
 * Encodes key and value with the sink's formats (windowed keys get their
 * window bounds appended), sets the record timestamp (ROWTIME, or the sink's
 * TIMESTAMP column), writes tombstones for deleted table rows, and keeps the
 * latest row per key of a table sink in a state store that pull queries read.
 * The encode buffers are reused across records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../functions/functions.h"
#include "op.h"
#include "rowcodec.h"
#include "state_cache.h"

typedef struct SinkOp {
    Op op;
    Serde *key_serde, *val_serde;
    StrBuf kbuf, vbuf, skey, sval;
    bool windowed, session;
    StateStore store;
    StateCache cache; /* the batch's writes to the table, one LMDB put per key */
    bool materialized;
    EddyError init_err;
    bool broken;
    FnCall ts_call; /* TIMESTAMP_FORMAT parser of a STRING timestamp column */
    bool has_ts_call;
    Arena arena; /* what lives as long as the operator (the prepared call) */
} SinkOp;

static void sink_close(Op *op)
{
    SinkOp *s = (SinkOp *)op;
    serde_free(s->key_serde);
    serde_free(s->val_serde);
    sc_free(&s->cache);
    sb_free(&s->kbuf);
    sb_free(&s->vbuf);
    sb_free(&s->skey);
    sb_free(&s->sval);
    arena_free(&s->arena);
}

/* The record timestamp of a row: its TIMESTAMP column (a STRING one parsed with
 * the sink's TIMESTAMP_FORMAT), else ROWTIME. */
static int64_t row_timestamp(SinkOp *s, Task *t, const Row *r, bool tomb)
{
    const Step *st = s->op.step;
    if (st->ts_col < 0 || tomb) return r->ts;
    const Value *v = &r->cols[st->ts_col];
    if (v->kind == TYPE_BIGINT || v->kind == TYPE_TIMESTAMP) return v->u.l;
    if (v->kind == TYPE_STRING && s->has_ts_call) {
        Value args[2] = {*v, val_string(st->ts_format, (uint32_t)strlen(st->ts_format))};
        Value out = val_null();
        EddyError err;
        err_clear(&err);
        FnCtx fc = {&t->scratch, &s->ts_call, &err, NULL, NULL};
        if (s->ts_call.variant->impl(&fc, 2, args, &out) == 0 && out.kind != TYPE_NULL)
            return out.u.l;
        task_processing_error(t, st, err.msg[0] ? err.msg : "Failed to parse timestamp", NULL);
    }
    return r->ts;
}

static int sink_process(Op *op, int port, Row *rows, int n, ExecCtx *ctx)
{
    (void)port;
    SinkOp *s = (SinkOp *)op;
    Task *t = ctx->task;
    const Step *st = op->step;
    const Schema *sc = &st->schema;
    for (int i = 0; i < n; i++) {
        Row *r = &rows[i];
        if (s->broken) {
            task_processing_error(t, st, s->init_err.msg, NULL);
            continue;
        }
        bool tomb = (r->flags & ROW_TOMBSTONE) != 0;
        size_t inner = 0; /* serialized key bytes at the start of kbuf (0: none) */
        if (st->materialize_only) goto store;
        EddyError err;
        err_clear(&err);
        sb_clear(&s->kbuf);
        bool knull = false, vnull = false;
        if (sc->nkey > 0 && serde_encode(s->key_serde, r->cols, &s->kbuf, &knull, &err) < 0) {
            task_processing_error(t, st, err.msg, NULL);
            continue;
        }
        if (sc->nkey == 0 || (r->flags & ROW_NULL_KEY)) knull = true;
        inner = knull ? 0 : s->kbuf.len;
        if (s->windowed) {
            if (knull) sb_clear(&s->kbuf);
            serde_window_append(&s->kbuf, s->session, r->win_start, r->win_end);
            knull = false;
        }
        sb_clear(&s->vbuf);
        if (!tomb && serde_encode(s->val_serde, r->cols + sc->nkey, &s->vbuf, &vnull, &err) < 0) {
            task_processing_error(t, st, err.msg, NULL);
            continue;
        }
        int64_t ts = row_timestamp(s, t, r, tomb);
        RawRecord rec = {0};
        rec.topic = st->sink_topic;
        rec.partition = -1;
        rec.partition_key_len = s->windowed ? inner : 0;
        rec.offset = -1;
        rec.timestamp = ts;
        rec.key = knull ? NULL : s->kbuf.data ? s->kbuf.data : "";
        rec.key_len = knull ? 0 : s->kbuf.len;
        rec.value = tomb || vnull ? NULL : s->vbuf.data ? s->vbuf.data : "";
        rec.value_len = tomb || vnull ? 0 : s->vbuf.len;
        /* Records keep the headers of the input record that produced them. */
        rec.headers = r->headers;
        rec.nheaders = r->nheaders;
        query_io_produce(t->q, st->sink_topic, -1, &rec);
    store:
        if (s->materialized) {
            StateTxn *txn = task_txn(t);
            if (!txn) continue;
            /* The key as serde_table_store_key makes it (pull lookups and the
             * restore from the sink topic make the same), from the bytes the
             * record already has when it has them. */
            if (inner > 0)
                serde_table_store_key_bytes(s->kbuf.data, inner, st->sink_partitions, s->windowed,
                                            r->win_start, r->win_end, &s->skey);
            else
                serde_table_store_key(s->key_serde, r->cols, sc->nkey, st->sink_partitions,
                                      s->windowed, r->win_start, r->win_end, &s->skey);
            /* The record is in the topic; only the pull-query copy is skipped. */
            if (!task_key_fits(t, st, s->skey.len, 0)) continue;
            if (tomb) {
                sc_del(&s->cache, ctx->scratch, s->skey.data, s->skey.len);
            } else {
                sb_clear(&s->sval);
                rowcodec_put_be64(&s->sval, r->ts);
                rowcodec_put_all(&s->sval, r->cols, sc->ncols);
                sc_put(&s->cache, ctx->scratch, s->skey.data, s->skey.len, s->sval.data,
                       s->sval.len);
            }
        }
    }
    return 0;
}

static int sink_flush(Op *op, ExecCtx *ctx)
{
    SinkOp *s = (SinkOp *)op;
    if (!s->materialized || !s->cache.norder) {
        sc_clear(&s->cache);
        return 0;
    }
    StateTxn *txn = task_txn(ctx->task);
    if (!txn) {
        sc_clear(&s->cache);
        return 0;
    }
    return sc_flush(&s->cache, txn);
}

static const OpVtab sink_vt = {sink_process, NULL, sink_flush, sink_close};

/* The names and types of a schema's columns, for serde_new. */
static void schema_columns(const Schema *sc, const char **names, const Type **types)
{
    for (int i = 0; i < sc->ncols; i++) {
        names[i] = sc->cols[i].name;
        types[i] = sc->cols[i].type;
    }
}

Op *op_sink_new(Task *t, const Step *st)
{
    SinkOp *s = xcalloc(1, sizeof *s);
    s->op.vt = &sink_vt;
    sb_init(&s->kbuf);
    sb_init(&s->vbuf);
    sb_init(&s->skey);
    sb_init(&s->sval);
    const Schema *sc = &st->schema;
    int n = sc->ncols > 0 ? sc->ncols : 1;
    const char *names[n];
    const Type *types[n];
    schema_columns(sc, names, types);
    err_clear(&s->init_err);
    s->key_serde = serde_new(&st->sink_key_fmt, true, sc->nkey, names, types, &s->init_err);
    s->val_serde = serde_new(&st->sink_val_fmt, false, sc->ncols - sc->nkey, names + sc->nkey,
                             types + sc->nkey, &s->init_err);
    if ((!s->key_serde || !s->val_serde) && !st->materialize_only) s->broken = true;
    arena_init(&s->arena, 512);
    if (st->ts_col >= 0 && st->ts_format) {
        const Type *args[2] = {T_STRING, T_STRING};
        Value fmt = val_string(st->ts_format, (uint32_t)strlen(st->ts_format));
        const Value *lits[2] = {NULL, &fmt};
        EddyError err;
        if (fn_resolve("STRINGTOTIMESTAMP", 2, args, lits, NULL, NULL, &s->arena, &s->ts_call,
                       &err) == 0)
            s->has_ts_call = true;
    }
    s->windowed = st->window.type != WIN_NONE;
    s->session = st->window.type == WIN_SESSION;
    if (st->materialize) {
        char name[64];
        snprintf(name, sizeof name, "%d.0", st->id);
        if (task_store(t, name, &s->store) == 0) {
            s->materialized = true;
            sc_init(&s->cache, s->store);
        }
    }
    return &s->op;
}

/* ---------------------------------------------------------------- store upgrade */

#define STORE_KEY_LAYOUT 3 /* 1: rowcodec keys; 2: serialized keys; 3: with partitions */

static char *dup_bytes(const void *p, size_t n)
{
    char *c = xmalloc(n ? n : 1);
    memcpy(c, p, n);
    return c;
}

typedef struct Rekey {
    char *old_key, *new_key, *val;
    size_t okl, nkl, vl;
} Rekey;

int op_sink_upgrade_store(StateEnv *env, const char *qid, const Step *st, EddyError *err)
{
    if (!env || st->kind != STEP_SINK || !st->materialize) return 0;
    char name[512];
    snprintf(name, sizeof name, "%s#%d.0", qid, st->id);
    StateTxn *txn;
    if (state_txn_begin(env, true, &txn, err) < 0) return ERR_IO;
    int64_t layout;
    if (state_offset_get(txn, name, "__key_layout", 0, &layout) == 0 &&
        layout >= STORE_KEY_LAYOUT) {
        state_txn_abort(txn);
        return 0;
    }
    StateStore store;
    if (state_store_open_in(txn, name, &store, err) < 0) {
        state_txn_abort(txn);
        return ERR_IO;
    }
    const Schema *sc = &st->schema;
    int n = sc->ncols > 0 ? sc->ncols : 1;
    const char *names[n];
    const Type *types[n];
    schema_columns(sc, names, types);
    EddyError kerr;
    err_clear(&kerr);
    Serde *ks = serde_new(&st->sink_key_fmt, true, sc->nkey, names, types, &kerr);
    bool windowed = st->window.type != WIN_NONE;
    Arena arena;
    arena_init(&arena, 4096);
    StrBuf nk = STRBUF_INIT;
    Rekey *moves = NULL;
    size_t nmoves = 0, cap = 0;
    StateIter *it;
    if (state_iter_open(txn, store, NULL, 0, &it) == 0) {
        const void *k, *v;
        size_t kl, vl;
        while (state_iter_next(it, &k, &kl, &v, &vl) == 0) {
            arena_reset(&arena);
            Value *cols = arena_alloc(&arena, sizeof(Value) * (size_t)n);
            if (vl < 8 || (windowed && kl < 16) ||
                rowcodec_get_all((const char *)v + 8, vl - 8, sc->ncols, types, &arena, cols) < 0)
                continue;
            int64_t ws = windowed ? rowcodec_get_be64((const char *)k + kl - 16) : 0;
            int64_t we = windowed ? rowcodec_get_be64((const char *)k + kl - 8) : 0;
            serde_table_store_key(ks, cols, sc->nkey, st->sink_partitions, windowed, ws, we, &nk);
            if (nk.len == kl && memcmp(nk.data, k, kl) == 0) continue;
            if (nmoves == cap) {
                cap = cap ? cap * 2 : 64;
                moves = xrealloc(moves, cap * sizeof *moves);
            }
            Rekey *m = &moves[nmoves++];
            m->old_key = dup_bytes(k, kl);
            m->okl = kl;
            m->new_key = dup_bytes(nk.data, nk.len);
            m->nkl = nk.len;
            m->val = dup_bytes(v, vl);
            m->vl = vl;
        }
        state_iter_close(it);
    }
    int rc = 0;
    for (size_t i = 0; i < nmoves && rc == 0; i++)
        if (state_del(txn, store, moves[i].old_key, moves[i].okl) < 0) rc = ERR_IO;
    for (size_t i = 0; i < nmoves && rc == 0; i++)
        rc = state_put(txn, store, moves[i].new_key, moves[i].nkl, moves[i].val, moves[i].vl);
    for (size_t i = 0; i < nmoves; i++) {
        free(moves[i].old_key);
        free(moves[i].new_key);
        free(moves[i].val);
    }
    free(moves);
    sb_free(&nk);
    arena_free(&arena);
    serde_free(ks);
    if (rc == 0) rc = state_offset_put(txn, name, "__key_layout", 0, STORE_KEY_LAYOUT);
    if (rc != 0) {
        state_txn_abort(txn);
        return err_set(err, ERR_IO, -1, "cannot upgrade the state of %s", name);
    }
    if (nmoves > 0)
        fprintf(stderr, "eddyd: query %s: %zu table keys moved to the new store layout\n", qid,
                nmoves);
    return state_txn_commit(txn, err);
}

typedef struct CollectOp {
    Op op;
} CollectOp;

static int collect_process(Op *op, int port, Row *rows, int n, ExecCtx *ctx)
{
    (void)port;
    (void)ctx;
    for (int i = 0; i < n; i++) {
        bool tomb = (rows[i].flags & ROW_TOMBSTONE) != 0;
        /* A stream record with a null value is no row: ksqlDB's push queries skip it. */
        if (tomb && !op->step->is_table) continue;
        query_io_push(op->task->q, &rows[i], tomb);
    }
    return 0;
}

static const OpVtab collect_vt = {collect_process, NULL, NULL, NULL};

Op *op_collect_new(Task *t, const Step *s)
{
    (void)t;
    (void)s;
    CollectOp *c = xcalloc(1, sizeof *c);
    c->op.vt = &collect_vt;
    return &c->op;
}
