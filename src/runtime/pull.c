/*
 * pull.c - answering pull queries from materialized state and from topics
 * (see engine.h: engine_pull_table, engine_pull_stream).
 *
 * A table's rows live in its writer query's sink store, keyed
 * [rowcodec(key columns)][window start][window end] with values
 * [ROWTIME (8 bytes)][rowcodec(columns)]. A key lookup is one LMDB get (a prefix
 * walk for windowed tables, whose windows of a key are contiguous); anything
 * else is a scan. Every candidate row then goes through
 * the WHERE step and the projection here, in a read-only transaction, with a
 * scratch arena reset per row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "eval.h"
#include "rowcodec.h"
#include "serde.h"

typedef struct PullRun {
    const Plan *plan;
    const Step *sink;   /* the writer query's sink step */
    const Type **types; /* sink schema types */
    Serde *key_serde;   /* the sink's key format (store keys), or NULL */
    PullRowFn fn;
    void *ctx;
    Arena arena; /* per row */
    Value *out;  /* projected columns */
    bool stop;
} PullRun;

/* Evaluates WHERE and the projection over a stored row; hands it on. */
static int emit_row(PullRun *pr, Row *r)
{
    const PullSpec *ps = pr->plan->pull;
    EvalCtx ev;
    eval_init(&ev, &pr->arena);
    ev.row = r;
    if (ps->filter && !eval_pred(&ev, ps->filter->pred)) return 0;
    const Step *pj = ps->project;
    Row out = *r;
    out.cols = pr->out;
    for (int i = 0; i < pj->schema.ncols; i++)
        eval_expr(&ev, pj->exprs[i], &pr->out[i]);
    if (pr->fn(pr->ctx, &out)) pr->stop = true;
    return 0;
}

static int decode_entry(PullRun *pr, const void *k, size_t kl, const void *v, size_t vl)
{
    const Schema *sc = &pr->sink->schema;
    arena_reset(&pr->arena);
    if (vl < 8) return 0;
    Row r;
    memset(&r, 0, sizeof r);
    Value *cols = arena_alloc(&pr->arena, sizeof(Value) * (size_t)(sc->ncols + 2));
    r.ts = rowcodec_get_be64(v);
    if (rowcodec_get_all((const char *)v + 8, vl - 8, sc->ncols, pr->types, &pr->arena, cols) < 0)
        return 0;
    if (pr->sink->window.type != WIN_NONE && kl >= 16) {
        r.win_start = rowcodec_get_be64((const char *)k + kl - 16);
        r.win_end = rowcodec_get_be64((const char *)k + kl - 8);
    }
    r.cols = cols;
    if (pr->plan->pull->window_cols) {
        /* keys, WINDOWSTART, WINDOWEND, values */
        Value *wc = arena_alloc(&pr->arena, sizeof(Value) * (size_t)(sc->ncols + 2));
        int nk = sc->nkey;
        memcpy(wc, cols, sizeof(Value) * (size_t)nk);
        wc[nk] = val_bigint(r.win_start);
        wc[nk + 1] = val_bigint(r.win_end);
        memcpy(wc + nk + 2, cols + nk, sizeof(Value) * (size_t)(sc->ncols - nk));
        r.cols = wc;
    }
    r.stream_time = r.ts;
    return emit_row(pr, &r);
}

static int lookup_key(PullRun *pr, StateTxn *txn, StateStore st, const Value *key, int nkey)
{
    StrBuf kb = STRBUF_INIT;
    serde_table_store_key(pr->key_serde, key, nkey, pr->sink->sink_partitions, false, 0, 0, &kb);
    if (pr->sink->window.type == WIN_NONE) {
        const void *v;
        size_t vl;
        if (state_get(txn, st, kb.data, kb.len, &v, &vl) == 0)
            decode_entry(pr, kb.data, kb.len, v, vl);
        sb_free(&kb);
        return 0;
    }
    StateIter *it;
    if (state_iter_open(txn, st, kb.data, kb.len, &it) == 0) {
        const void *k, *v;
        size_t kl, vl;
        while (!pr->stop && state_iter_next(it, &k, &kl, &v, &vl) == 0) {
            if (kl != kb.len + 16 || memcmp(k, kb.data, kb.len) != 0) break;
            decode_entry(pr, k, kl, v, vl);
        }
        state_iter_close(it);
    }
    sb_free(&kb);
    return 0;
}

int engine_pull_table(Engine *e, const Plan *plan, PullRowFn fn, void *ctx, EddyError *err)
{
    const PullSpec *ps = plan->pull;
    if (!ps || !ps->table || !ps->project)
        return err_set(err, ERR_INTERNAL, -1, "not a table pull query");
    RunningQuery *rq = engine_query_find(e, ps->query_id);
    const Plan *wp = rq ? rq_plan(rq) : NULL;
    if (!wp || !e->state)
        return err_set(err, ERR_NOT_FOUND, -1, "The state of table `%s` is not available.",
                       plan->nsources ? plan->sources[0] : "");
    const Step *sink = wp->root;
    if (!sink || sink->kind != STEP_SINK || !sink->materialize)
        return err_set(err, ERR_NOT_FOUND, -1, "query %s is not materialized", ps->query_id);
    char name[512];
    snprintf(name, sizeof name, "%s#%d.0", ps->query_id, sink->id);
    StateStore st;
    if (state_store_open(e->state, name, &st, err) < 0) return ERR_IO;
    StateTxn *txn;
    if (state_txn_begin(e->state, false, &txn, err) < 0) return ERR_IO;
    PullRun pr;
    memset(&pr, 0, sizeof pr);
    pr.plan = plan;
    pr.sink = sink;
    pr.fn = fn;
    pr.ctx = ctx;
    const Schema *sc = &sink->schema;
    pr.types = xcalloc((size_t)(sc->ncols ? sc->ncols : 1), sizeof(Type *));
    for (int i = 0; i < sc->ncols; i++)
        pr.types[i] = sc->cols[i].type;
    {
        int nn = sc->ncols ? sc->ncols : 1;
        const char *names[nn];
        for (int i = 0; i < sc->ncols; i++)
            names[i] = sc->cols[i].name;
        EddyError kerr;
        err_clear(&kerr);
        pr.key_serde = serde_new(&sink->sink_key_fmt, true, sc->nkey, names, pr.types, &kerr);
    }
    pr.out = xcalloc((size_t)(ps->project->schema.ncols + 1), sizeof(Value));
    arena_init(&pr.arena, 8192);
    int rc = 0;
    if (ps->nlookups > 0) {
        Arena ka;
        arena_init(&ka, 1024);
        Value *key = xcalloc((size_t)ps->nkey, sizeof(Value));
        for (int i = 0; i < ps->nlookups && !pr.stop; i++) {
            arena_reset(&ka);
            EvalCtx ev;
            eval_init(&ev, &ka);
            Row none;
            memset(&none, 0, sizeof none);
            ev.row = &none;
            bool null_key = false;
            for (int k = 0; k < ps->nkey; k++) {
                eval_expr(&ev, ps->lookups[i * ps->nkey + k], &key[k]);
                if (key[k].kind == TYPE_NULL) null_key = true;
            }
            /* The same key listed twice is looked up once. */
            bool dup = false;
            for (int j = 0; j < i && !dup && !null_key; j++) {
                bool same = true;
                for (int k = 0; k < ps->nkey && same; k++) {
                    Value o;
                    eval_expr(&ev, ps->lookups[j * ps->nkey + k], &o);
                    same = val_equal(&o, &key[k]);
                }
                dup = same;
            }
            if (!null_key && !dup) lookup_key(&pr, txn, st, key, ps->nkey);
        }
        free(key);
        arena_free(&ka);
    } else {
        StateIter *it;
        if (state_iter_open(txn, st, NULL, 0, &it) == 0) {
            const void *k, *v;
            size_t kl, vl;
            while (!pr.stop && state_iter_next(it, &k, &kl, &v, &vl) == 0)
                decode_entry(&pr, k, kl, v, vl);
            state_iter_close(it);
        } else {
            rc = err_set(err, ERR_IO, -1, "cannot read the state of %s", ps->query_id);
        }
    }
    state_txn_abort(txn);
    serde_free(pr.key_serde);
    arena_free(&pr.arena);
    free(pr.types);
    free(pr.out);
    return rc;
}

/* ---------------------------------------------------------------- streams */

typedef struct StreamPull {
    PullRowFn fn;
    void *ctx;
    bool stop;
} StreamPull;

static int stream_row(void *ctx, const Row *row, bool tombstone)
{
    (void)tombstone;
    StreamPull *sp = ctx;
    if (sp->stop) return 1;
    if (sp->fn(sp->ctx, row)) sp->stop = true;
    return sp->stop;
}

typedef struct StreamFeed {
    Query *q;
    StreamPull *sp;
    EddyError *err;
} StreamFeed;

static int feed_record(void *ctx, const RawRecord *rec)
{
    StreamFeed *f = ctx;
    if (f->sp->stop) return 1;
    int rc = query_process(f->q, rec, 1, f->err);
    if (rc < 0) return rc;
    return f->sp->stop ? 1 : 0;
}

int engine_pull_stream(Engine *e, Plan *plan, PullRowFn fn, void *ctx, EddyError *err)
{
    StreamPull sp = {fn, ctx, false};
    QueryEnv env;
    memset(&env, 0, sizeof env);
    env.state = NULL;
    env.props = &e->props;
    env.inprocess_repartition = true;
    env.single_task = true;
    QueryIO io = {&sp, NULL, stream_row, NULL};
    Query *q = query_new(&env, plan, "pull", &io, err);
    if (!q) return ERR_INTERNAL;
    const char *const *topics;
    int nt = query_input_topics(q, &topics);
    int rc = 0;
    if (e->mode == ENGINE_KAFKA) {
        /* Every partition from its beginning to its end offset at this moment. */
        StreamFeed f = {q, &sp, err};
        for (int t = 0; t < nt && !sp.stop && rc == 0; t++)
            rc = engine_kafka_read_topic(e, topics[t], NULL, 0, feed_record, &f, err);
        query_free(q);
        return rc;
    }
    for (int t = 0; t < nt && !sp.stop && rc == 0; t++) {
        const RawRecord *recs;
        int n = engine_memory_records(e, topics[t], &recs);
        /* Copy the array: feeding may not add records, but stay safe. */
        RawRecord *copy = n ? xmalloc(sizeof(RawRecord) * (size_t)n) : NULL;
        if (n) memcpy(copy, recs, sizeof(RawRecord) * (size_t)n);
        for (int i = 0; i < n && !sp.stop && rc == 0; i++)
            rc = query_process(q, &copy[i], 1, err);
        free(copy);
    }
    query_free(q);
    return rc;
}
