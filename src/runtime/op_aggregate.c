/*
 * op_aggregate.c - GROUP BY aggregation, plain and windowed (tumbling, hopping,
 * session), with state in LMDB.
 *
 * State store "<step>.0" maps [partition][group key][window start][window end]
 * (rowcodec key, big-endian bounds, so a key's windows are contiguous and in
 * time order) to [highest timestamp][aggregate states]. Store "<step>.1" indexes
 * windows by end time so that windows past retention are deleted in order
 * without scanning everything. With EMIT CHANGES every update emits the new
 * aggregate row (caching off), with the previous result attached for downstream
 * table filters. With EMIT FINAL each window is emitted once, when stream time
 * passes its end plus grace, as Kafka Streams' emit-on-window-close does (windows
 * already past retention are gone and never emitted). Records later than window
 * end + grace are dropped and counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "op.h"
#include "rowcodec.h"
#include "state_cache.h"

typedef struct AggOp {
    Op op;
    int ng, na;
    StateStore store, index;
    bool have_store;
    const Type **key_types;
    const Type **state_types;
    bool need_old;
    bool windowed, session;
    StrBuf kbuf, vbuf, ibuf;
    StrBuf pbuf, mbuf;   /* session key prefix; EMIT FINAL meta key/value and range */
    Arena arena;         /* long-lived */
    int64_t last_expiry; /* stream time at the last retention sweep */
    int64_t last_close;  /* EMIT FINAL: window close time of the last emission */
    bool last_loaded;
    StateCache cache; /* the batch's reads and writes of the state store */
    bool changelog;   /* changed states go to the changelog topic at flush */
    Task *flush_task;
} AggOp;

#define NO_TIME INT64_MIN

static void agg_close(Op *op)
{
    AggOp *a = (AggOp *)op;
    sc_free(&a->cache);
    sb_free(&a->pbuf);
    sb_free(&a->mbuf);
    sb_free(&a->kbuf);
    sb_free(&a->vbuf);
    sb_free(&a->ibuf);
    free(a->key_types);
    free(a->state_types);
    arena_free(&a->arena);
}

static void fn_ctx(FnCtx *fc, Arena *arena, const FnCall *call, EddyError *err)
{
    memset(fc, 0, sizeof *fc);
    fc->arena = arena;
    fc->call = call;
    fc->err = err;
}

/* Initial states for every aggregate. */
static void states_init(AggOp *a, Task *t, Value *st, Arena *arena)
{
    const Step *s = a->op.step;
    for (int i = 0; i < a->na; i++) {
        EddyError err;
        err_clear(&err);
        FnCtx fc;
        fn_ctx(&fc, arena, s->aggs[i].call, &err);
        st[i] = val_null();
        if (s->aggs[i].call->variant->agg->init(&fc, &st[i]) < 0)
            task_processing_error(t, s, err.msg, NULL);
    }
}

/* Folds (or retracts) one row into the states. */
static void states_apply(AggOp *a, Task *t, Value *st, const Row *r, bool retract, Arena *arena)
{
    const Step *s = a->op.step;
    EvalCtx *ev = &t->eval;
    ev->row = r;
    ev->arena = arena;
    for (int i = 0; i < a->na; i++) {
        const AggCall *ac = &s->aggs[i];
        Value args[ac->nargs > 0 ? ac->nargs : 1];
        eval_reset_errors(ev);
        for (int j = 0; j < ac->nargs; j++)
            eval_expr(ev, ac->args[j], &args[j]);
        if (ev->nerrors) task_processing_error(t, s, ev->err.msg, NULL);
        EddyError err;
        err_clear(&err);
        FnCtx fc;
        fn_ctx(&fc, arena, ac->call, &err);
        const AggImpl *impl = ac->call->variant->agg;
        int rc = retract ? (impl->undo ? impl->undo(&fc, &st[i], ac->nargs, args) : 0)
                         : impl->add(&fc, &st[i], ac->nargs, args);
        if (rc < 0) task_processing_error(t, s, err.msg, NULL);
    }
}

static void states_merge(AggOp *a, Task *t, Value *st, const Value *other, Arena *arena)
{
    const Step *s = a->op.step;
    for (int i = 0; i < a->na; i++) {
        const AggImpl *impl = s->aggs[i].call->variant->agg;
        if (!impl->merge) continue;
        EddyError err;
        err_clear(&err);
        FnCtx fc;
        fn_ctx(&fc, arena, s->aggs[i].call, &err);
        if (impl->merge(&fc, &st[i], &other[i]) < 0) task_processing_error(t, s, err.msg, NULL);
    }
}

static void states_result(AggOp *a, Task *t, const Value *st, Value *out, Arena *arena)
{
    const Step *s = a->op.step;
    for (int i = 0; i < a->na; i++) {
        EddyError err;
        err_clear(&err);
        FnCtx fc;
        fn_ctx(&fc, arena, s->aggs[i].call, &err);
        out[i] = val_null();
        if (s->aggs[i].call->variant->agg->result(&fc, &st[i], &out[i]) < 0)
            task_processing_error(t, s, err.msg, NULL);
    }
}

/* State key: [partition][keys][start][end]. */
static void make_key(AggOp *a, Task *t, const Value *keys, int64_t ws, int64_t we)
{
    sb_clear(&a->kbuf);
    task_key_prefix(t, &a->kbuf);
    rowcodec_put_all(&a->kbuf, keys, a->ng);
    if (a->windowed) {
        rowcodec_put_be64(&a->kbuf, ws);
        rowcodec_put_be64(&a->kbuf, we);
    }
}

static bool load_states(AggOp *a, StateTxn *txn, Value *st, int64_t *ts, Arena *arena)
{
    const void *v;
    size_t vl;
    if (sc_get(&a->cache, txn, arena, a->kbuf.data, a->kbuf.len, &v, &vl) != 0) return false;
    if (vl < 8) return false;
    *ts = rowcodec_get_be64(v);
    if (rowcodec_get_all((const char *)v + 8, vl - 8, a->na, a->state_types, arena, st) < 0)
        return false;
    /* LMDB memory is only valid in this transaction; states may outlive a put. */
    row_copy_cols(arena, st, st, a->na);
    return true;
}

/* Sends one changed state to the changelog topic (a deletion as a tombstone). */
static void changelog_entry(void *ctx, const StateCacheEntry *e)
{
    AggOp *a = ctx;
    Task *t = a->flush_task;
    const char *topic = a->op.step->changelog_topic;
    RawRecord rec = {0};
    rec.topic = topic;
    rec.partition = t->partition;
    rec.offset = -1;
    rec.key = e->key;
    rec.key_len = e->klen;
    if (e->val && e->vlen >= 8) {
        rec.value = e->val;
        rec.value_len = e->vlen;
        rec.timestamp = rowcodec_get_be64(e->val);
    }
    query_io_produce(t->q, topic, t->partition, &rec);
}

/* Writes the batch's changed states: to the changelog topic, then to LMDB. */
static int flush_cache(AggOp *a, Task *t, StateTxn *txn)
{
    if (a->changelog) {
        a->flush_task = t;
        sc_each_dirty(&a->cache, changelog_entry, a);
    }
    return sc_flush(&a->cache, txn);
}

static void store_states(AggOp *a, StateTxn *txn, const Value *st, int64_t ts, bool is_new,
                         int64_t we, Arena *arena)
{
    sb_clear(&a->vbuf);
    rowcodec_put_be64(&a->vbuf, ts);
    rowcodec_put_all(&a->vbuf, st, a->na);
    sc_put(&a->cache, arena, a->kbuf.data, a->kbuf.len, a->vbuf.data, a->vbuf.len);
    if (a->windowed && is_new) {
        sb_clear(&a->ibuf);
        rowcodec_put_be64(&a->ibuf, we);
        sb_append(&a->ibuf, a->kbuf.data, a->kbuf.len);
        state_put(txn, a->index, a->ibuf.data, a->ibuf.len, "", 0);
    }
}

static void delete_window(AggOp *a, StateTxn *txn, int64_t we, Arena *arena)
{
    sc_del(&a->cache, arena, a->kbuf.data, a->kbuf.len);
    sb_clear(&a->ibuf);
    rowcodec_put_be64(&a->ibuf, we);
    sb_append(&a->ibuf, a->kbuf.data, a->kbuf.len);
    state_del(txn, a->index, a->ibuf.data, a->ibuf.len);
}

/* Builds an output row: keys, aggregate results, window, timestamp. */
static Row out_row(AggOp *a, Task *t, const Value *keys, const Value *st, const Value *old_st,
                   bool had_old, int64_t ts, int64_t ws, int64_t we, Arena *arena)
{
    Row o;
    memset(&o, 0, sizeof o);
    int n = a->ng + a->na;
    o.cols = arena_alloc(arena, sizeof(Value) * (size_t)(n ? n : 1));
    memcpy(o.cols, keys, sizeof(Value) * (size_t)a->ng);
    states_result(a, t, st, o.cols + a->ng, arena);
    o.ts = ts;
    o.win_start = ws;
    o.win_end = we;
    o.flags = ROW_OLD_KNOWN;
    if (a->need_old && had_old) {
        o.old = arena_alloc(arena, sizeof(Value) * (size_t)(n ? n : 1));
        memcpy(o.old, keys, sizeof(Value) * (size_t)a->ng);
        states_result(a, t, old_st, o.old + a->ng, arena);
    }
    return o;
}

typedef struct Emit {
    Row *rows;
    int n, cap;
} Emit;

static void emit_add(Emit *e, Arena *arena, Row r)
{
    if (e->n == e->cap) {
        int ncap = e->cap ? e->cap * 2 : 16;
        e->rows =
            arena_realloc(arena, e->rows, sizeof(Row) * (size_t)e->cap, sizeof(Row) * (size_t)ncap);
        e->cap = ncap;
    }
    e->rows[e->n++] = r;
}

/* One update of one (key, window). */
static void update_one(AggOp *a, Task *t, StateTxn *txn, const Row *r, const Value *keys,
                       int64_t ws, int64_t we, bool retract, Emit *em, Arena *arena)
{
    Value *st = arena_alloc(arena, sizeof(Value) * (size_t)(a->na ? a->na : 1));
    Value *old = NULL;
    make_key(a, t, keys, ws, we);
    int64_t ts = r->ts;
    bool existed = load_states(a, txn, st, &ts, arena);
    /* The result carries the highest timestamp of the rows aggregated so far. */
    if (r->ts > ts) ts = r->ts;
    if (!existed) {
        if (retract) return; /* nothing to take the row out of */
        states_init(a, t, st, arena);
    } else if (a->need_old) {
        old = arena_alloc(arena, sizeof(Value) * (size_t)(a->na ? a->na : 1));
        row_copy_cols(arena, old, st, a->na);
    }
    if ((r->flags & ROW_UPDATE) && r->old && existed) {
        Row prev = *r;
        prev.cols = r->old;
        states_apply(a, t, st, &prev, true, arena);
    }
    states_apply(a, t, st, r, retract, arena);
    store_states(a, txn, st, ts, !existed, we, arena);
    if (!a->op.step->emit_final) {
        Row o = out_row(a, t, keys, st, old, existed, ts, ws, we, arena);
        o.headers = r->headers;
        o.nheaders = r->nheaders;
        emit_add(em, arena, o);
    }
}

/* Session windows: merge every session within the gap of this record. */
static void update_session(AggOp *a, Task *t, StateTxn *txn, const Row *r, const Value *keys,
                           Emit *em, Arena *arena)
{
    const Step *s = a->op.step;
    int64_t gap = s->win.size_ms, ts = r->ts;
    int64_t close_time = r->stream_time - s->win.grace_ms;
    /* The key's prefix. */
    StrBuf prefix = a->pbuf;
    sb_clear(&prefix);
    task_key_prefix(t, &prefix);
    rowcodec_put_all(&prefix, keys, a->ng);
    int64_t start = ts, end = ts;
    /* The scan below reads LMDB: write this batch's changes first. */
    if (a->cache.norder) flush_cache(a, t, txn);
    Value *st = arena_alloc(arena, sizeof(Value) * (size_t)(a->na ? a->na : 1));
    states_init(a, t, st, arena);
    typedef struct Old {
        int64_t s, e, ts;
        Value *st;
    } Old;
    Old *olds = NULL;
    int nold = 0, cap = 0;
    StateIter *it;
    if (state_iter_open(txn, a->store, prefix.data, prefix.len, &it) == 0) {
        const void *k, *v;
        size_t kl, vl;
        while (state_iter_next(it, &k, &kl, &v, &vl) == 0) {
            if (kl != prefix.len + 16 || memcmp(k, prefix.data, prefix.len) != 0) break;
            int64_t s0 = rowcodec_get_be64((const char *)k + prefix.len);
            int64_t e0 = rowcodec_get_be64((const char *)k + prefix.len + 8);
            if (e0 < ts - gap || s0 > ts + gap) continue;
            if (nold == cap) {
                int ncap = cap ? cap * 2 : 4;
                olds = arena_realloc(arena, olds, sizeof(Old) * (size_t)cap,
                                     sizeof(Old) * (size_t)ncap);
                cap = ncap;
            }
            Value *os = arena_alloc(arena, sizeof(Value) * (size_t)(a->na ? a->na : 1));
            if (vl < 8 ||
                rowcodec_get_all((const char *)v + 8, vl - 8, a->na, a->state_types, arena, os) < 0)
                continue;
            row_copy_cols(arena, os, os, a->na);
            olds[nold++] = (Old){s0, e0, rowcodec_get_be64(v), os};
            if (s0 < start) start = s0;
            if (e0 > end) end = e0;
        }
        state_iter_close(it);
    }
    a->pbuf = prefix; /* keep the grown buffer */
    if (end < close_time) {
        query_stats_mut(t->q)->late_dropped++;
        return;
    }
    int64_t max_ts = ts;
    for (int i = 0; i < nold; i++) {
        states_merge(a, t, st, olds[i].st, arena);
        if (olds[i].ts > max_ts) max_ts = olds[i].ts;
    }
    states_apply(a, t, st, r, false, arena);
    /* As Kafka Streams: unless the record only updates the session [ts, ts] it
     * falls on, every merged session is removed with a tombstone (one whose bounds
     * stay the same too), then the merged session is emitted with no old value. */
    bool in_place = start == ts && end == ts;
    for (int i = 0; i < nold; i++) {
        make_key(a, t, keys, olds[i].s, olds[i].e);
        delete_window(a, txn, olds[i].e, arena);
        if (in_place || s->emit_final) continue;
        Row tomb = out_row(a, t, keys, olds[i].st, olds[i].st, true, olds[i].e, olds[i].s,
                           olds[i].e, arena);
        tomb.flags = ROW_TOMBSTONE | ROW_OLD_KNOWN;
        tomb.headers = r->headers;
        tomb.nheaders = r->nheaders;
        emit_add(em, arena, tomb);
    }
    make_key(a, t, keys, start, end);
    store_states(a, txn, st, max_ts, true, end, arena);
    if (!s->emit_final) {
        Row o = out_row(a, t, keys, st, NULL, false, max_ts, start, end, arena);
        o.headers = r->headers;
        o.nheaders = r->nheaders;
        emit_add(em, arena, o);
    }
}

/* ---------------------------------------------------------------- EMIT FINAL */

static void meta_key(Task *t, StrBuf *k)
{
    sb_clear(k);
    sb_append(k,
              "\xff\xff"
              "emit",
              6);
    task_key_prefix(t, k);
}

static int64_t load_last_close(AggOp *a, Task *t, StateTxn *txn)
{
    if (a->last_loaded) return a->last_close;
    a->last_loaded = true;
    a->last_close = NO_TIME;
    meta_key(t, &a->mbuf);
    const void *v;
    size_t vl;
    if (state_get(txn, a->index, a->mbuf.data, a->mbuf.len, &v, &vl) == 0 && vl == 8)
        a->last_close = rowcodec_get_be64(v);
    return a->last_close;
}

static void save_last_close(AggOp *a, Task *t, StateTxn *txn, int64_t close)
{
    a->last_close = close;
    meta_key(t, &a->mbuf);
    size_t kl = a->mbuf.len;
    rowcodec_put_be64(&a->mbuf, close);
    state_put(txn, a->index, a->mbuf.data, kl, a->mbuf.data + kl, 8);
}

/* Emits the windows that closed since the last emission (Kafka Streams'
 * emit-on-window-close): time windows whose start is in [lower, close - size],
 * sessions whose end is in [lower, close), skipping windows past retention. */
static void emit_closed(AggOp *a, Task *t, StateTxn *txn, int64_t stream_time, Emit *em,
                        Arena *arena)
{
    const Step *s = a->op.step;
    const WindowSpec *w = &s->win;
    int64_t close = stream_time - w->grace_ms;
    int64_t last = load_last_close(a, t, txn);
    if (last != NO_TIME && last >= close) return;
    bool session = w->type == WIN_SESSION;
    int64_t size = session ? 0 : w->size_ms;
    int64_t upper = session ? close - 1 : close - size; /* by start (time) or end (session) */
    if (upper < 0) return;
    int64_t lower = last == NO_TIME ? 0 : (session ? last : (last - size > 0 ? last - size : 0));
    if (upper < lower) return;
    int64_t expired_before = stream_time - w->retention_ms; /* windows starting earlier are gone */
    char from[8]; /* big-endian window bound to start the index scan at */
    uint64_t lb = (uint64_t)(lower + size);
    for (int b = 7; b >= 0; b--) {
        from[b] = (char)(lb & 0xff);
        lb >>= 8;
    }
    StateIter *it;
    if (state_iter_open(txn, a->index, from, sizeof from, &it) == 0) {
        const void *k, *v;
        size_t kl, vl;
        while (state_iter_next(it, &k, &kl, &v, &vl) == 0) {
            if (kl < 8 + 2 + 16 || ((const unsigned char *)k)[0] == 0xff) break;
            int64_t end = rowcodec_get_be64(k);
            if (end - size > upper) break;
            const char *sk = (const char *)k + 8;
            size_t skl = kl - 8;
            /* Only this task's partition. */
            char part[2] = {(char)((t->partition >> 8) & 0xff), (char)(t->partition & 0xff)};
            if (memcmp(sk, part, 2) != 0) continue;
            int64_t start = rowcodec_get_be64(sk + skl - 16);
            if (!session && start < expired_before) continue;
            const void *sv;
            size_t svl;
            if (sc_get(&a->cache, txn, arena, sk, skl, &sv, &svl) != 0 || svl < 8) continue;
            Value *keys = arena_alloc(arena, sizeof(Value) * (size_t)(a->ng ? a->ng : 1));
            Value *st = arena_alloc(arena, sizeof(Value) * (size_t)(a->na ? a->na : 1));
            if (rowcodec_get_all(sk + 2, skl - 2 - 16, a->ng, a->key_types, arena, keys) < 0 ||
                rowcodec_get_all((const char *)sv + 8, svl - 8, a->na, a->state_types, arena, st) <
                    0)
                continue;
            row_copy_cols(arena, keys, keys, a->ng);
            row_copy_cols(arena, st, st, a->na);
            Row o = out_row(a, t, keys, st, NULL, false, rowcodec_get_be64(sv), start, end, arena);
            o.flags = ROW_OLD_KNOWN; /* final results carry no old value */
            emit_add(em, arena, o);
        }
        state_iter_close(it);
    }
    save_last_close(a, t, txn, close);
}

static void window_starts(const WindowSpec *w, int64_t ts, int64_t *starts, int *n)
{
    *n = 0;
    int64_t adv = w->advance_ms > 0 ? w->advance_ms : w->size_ms;
    if (adv <= 0) return;
    /* Largest aligned start <= ts, then earlier ones while the window covers ts. */
    int64_t s = ts >= 0 ? ts - ts % adv : ts - ((ts % adv) + adv) % adv;
    int64_t first = s;
    while (first - adv > ts - w->size_ms && first - adv >= 0)
        first -= adv;
    for (int64_t x = first; x <= s && *n < 1024; x += adv)
        if (x + w->size_ms > ts && x >= 0) starts[(*n)++] = x;
}

/* Keeps one update per (key, window) of a batch's output: the latest, carrying
 * the value from before the batch as its old one (none when the first update
 * created the row), in the position of the latest. Kafka Streams' record cache
 * does the same between commits, so a hot key costs one output record per batch
 * instead of one per input. */
static void coalesce(AggOp *a, Emit *em, Arena *arena)
{
    size_t cap = 16;
    while (cap < (size_t)em->n * 2)
        cap *= 2;
    int *slot = arena_alloc(arena, sizeof(int) * cap);
    for (size_t i = 0; i < cap; i++)
        slot[i] = -1;
    const char **kd = arena_alloc(arena, sizeof(char *) * (size_t)em->n);
    size_t *kl = arena_alloc(arena, sizeof(size_t) * (size_t)em->n);
    bool *dead = arena_zalloc(arena, sizeof(bool) * (size_t)em->n);
    StrBuf *kb = &a->ibuf;
    for (int i = 0; i < em->n; i++) {
        Row *r = &em->rows[i];
        sb_clear(kb);
        rowcodec_put_all(kb, r->cols, a->ng);
        rowcodec_put_be64(kb, r->win_start);
        rowcodec_put_be64(kb, r->win_end);
        char *copy = arena_alloc(arena, kb->len);
        memcpy(copy, kb->data, kb->len);
        kd[i] = copy;
        kl[i] = kb->len;
        uint64_t h = 1469598103934665603ULL;
        for (size_t b = 0; b < kb->len; b++)
            h = (h ^ (unsigned char)copy[b]) * 1099511628211ULL;
        size_t j = (size_t)h & (cap - 1);
        while (slot[j] >= 0 && !(kl[slot[j]] == kl[i] && memcmp(kd[slot[j]], kd[i], kl[i]) == 0))
            j = (j + 1) & (cap - 1);
        if (slot[j] >= 0) {
            Row *first = &em->rows[slot[j]];
            r->old = first->old;
            dead[slot[j]] = true;
        }
        slot[j] = i;
    }
    int m = 0;
    for (int i = 0; i < em->n; i++)
        if (!dead[i]) em->rows[m++] = em->rows[i];
    em->n = m;
}

static int agg_process(Op *op, int port, Row *rows, int n, ExecCtx *ctx)
{
    (void)port;
    AggOp *a = (AggOp *)op;
    Task *t = ctx->task;
    const Step *s = op->step;
    Arena *arena = ctx->scratch;
    StateTxn *txn = task_txn(t);
    if (!txn) {
        task_processing_error(t, s, "state store unavailable", NULL);
        return 0;
    }
    Emit em = {0};
    for (int i = 0; i < n; i++) {
        Row *r = &rows[i];
        bool retract = (r->flags & ROW_RETRACT) != 0;
        if ((r->flags & ROW_TOMBSTONE) && !retract) continue;
        /* Group key: the input's key columns (after re-keying). */
        EvalCtx *ev = &t->eval;
        ev->row = r;
        ev->arena = arena;
        Value *keys = arena_alloc(arena, sizeof(Value) * (size_t)(a->ng ? a->ng : 1));
        bool null_key = false;
        for (int k = 0; k < a->ng; k++) {
            eval_expr(ev, s->group_exprs[k], &keys[k]);
            if (keys[k].kind == TYPE_NULL) null_key = true;
        }
        if (null_key && a->ng > 0) {
            /* ksqlDB drops rows whose grouping key is NULL. */
            task_processing_error(
                t, s, "Group-by column with null value in the record. The record is dropped.",
                NULL);
            continue;
        }
        /* The longest state key this group makes: the window index's. */
        make_key(a, t, keys, 0, 0);
        if (!task_key_fits(t, s, a->kbuf.len, a->windowed ? 8 : 0)) continue;
        switch (s->win.type) {
        case WIN_NONE: update_one(a, t, txn, r, keys, 0, 0, retract, &em, arena); break;
        case WIN_TUMBLING:
        case WIN_HOPPING: {
            int64_t starts[1024];
            int ns;
            window_starts(&s->win, r->ts, starts, &ns);
            for (int w = 0; w < ns; w++) {
                int64_t we = starts[w] + s->win.size_ms;
                if (we + s->win.grace_ms <= r->stream_time) {
                    query_stats_mut(t->q)->late_dropped++;
                    continue;
                }
                update_one(a, t, txn, r, keys, starts[w], we, retract, &em, arena);
            }
            break;
        }
        case WIN_SESSION: update_session(a, t, txn, r, keys, &em, arena); break;
        }
        if (s->emit_final) emit_closed(a, t, txn, r->stream_time, &em, arena);
    }
    if (em.n > 1 && !s->emit_final && s->win.type != WIN_SESSION &&
        query_env(t->q)->coalesce_changes)
        coalesce(a, &em, arena);
    return op_emit(op, em.rows, em.n, ctx);
}

/* Deletes windows that ended before stream time minus retention. */
static int agg_flush(Op *op, ExecCtx *ctx)
{
    AggOp *a = (AggOp *)op;
    Task *t = ctx->task;
    if (a->cache.norder || a->cache.n) {
        StateTxn *txn = task_txn(t);
        if (txn)
            flush_cache(a, t, txn);
        else
            sc_clear(&a->cache);
    }
    if (!a->windowed) return 0;
    int64_t now = t->stream_time[op->segment];
    if (now == INT64_MIN) return 0; /* no record seen yet */
    int64_t limit = now - op->step->win.retention_ms;
    if (limit <= a->last_expiry) return 0;
    StateTxn *txn = task_txn(t);
    if (!txn) return 0;
    a->last_expiry = limit;
    StateIter *it;
    if (state_iter_open(txn, a->index, NULL, 0, &it) != 0) return 0;
    const void *k, *v;
    size_t kl, vl;
    int64_t size = op->step->win.type == WIN_SESSION ? 0 : op->step->win.size_ms;
    while (state_iter_next(it, &k, &kl, &v, &vl) == 0) {
        if (kl < 8 || ((const unsigned char *)k)[0] == 0xff || rowcodec_get_be64(k) - size >= limit)
            break;
        state_del(txn, a->store, (const char *)k + 8, kl - 8);
        state_iter_del(it);
    }
    state_iter_close(it);
    return 0;
}

static const OpVtab agg_vt = {agg_process, NULL, agg_flush, agg_close};

Op *op_aggregate_new(Task *t, const Step *s)
{
    AggOp *a = xcalloc(1, sizeof *a);
    a->op.vt = &agg_vt;
    arena_init(&a->arena, 1024);
    sb_init(&a->kbuf);
    sb_init(&a->vbuf);
    sb_init(&a->ibuf);
    a->ng = s->ngroup;
    a->na = s->naggs;
    a->windowed = s->win.type != WIN_NONE;
    a->session = s->win.type == WIN_SESSION;
    a->last_expiry = INT64_MIN;
    a->state_types = xcalloc((size_t)a->na + 1, sizeof(Type *));
    for (int i = 0; i < a->na; i++)
        a->state_types[i] = s->aggs[i].call->state_type;
    a->key_types = xcalloc((size_t)a->ng + 1, sizeof(Type *));
    for (int i = 0; i < a->ng; i++)
        a->key_types[i] = s->schema.cols[i].type;
    char name[64];
    snprintf(name, sizeof name, "%d.0", s->id);
    if (task_store(t, name, &a->store) == 0) {
        snprintf(name, sizeof name, "%d.1", s->id);
        if (task_store(t, name, &a->index) == 0) a->have_store = true;
    }
    a->need_old = true;
    sc_init(&a->cache, a->store);
    a->changelog = t->q && query_env(t->q)->changelogs && s->changelog_topic;
    return &a->op;
}
