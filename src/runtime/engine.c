/*
 * engine.c - catalog, running queries and topics (see engine.h).
 *
 * This file holds what both modes share and the in-memory topic layer; the
 * Kafka-specific parts (query threads with consumers and producers, topic
 * administration on a cluster) are in engine_kafka.c.
 */
#include "engine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/murmur2.h"
#include "engine_int.h"
#include "rowcodec.h"
#include "serde.h"

/* ---------------------------------------------------------------- memory topics */

static MemTopic *mem_find(Engine *e, const char *name)
{
    for (int i = 0; i < e->ntopics; i++)
        if (strcmp(e->topics[i].name, name) == 0) return &e->topics[i];
    return NULL;
}

static MemTopic *mem_create(Engine *e, const char *name, int partitions)
{
    MemTopic *t = mem_find(e, name);
    if (t) return t;
    e->topics = xrealloc(e->topics, sizeof(MemTopic) * (size_t)(e->ntopics + 1));
    t = &e->topics[e->ntopics++];
    memset(t, 0, sizeof *t);
    t->name = xstrdup(name);
    t->partitions = partitions > 0 ? partitions : 1;
    t->replicas = 1;
    return t;
}

static char *dup_bytes(const char *p, size_t n)
{
    if (!p) return NULL;
    char *q = xmalloc(n ? n : 1);
    if (n) memcpy(q, p, n);
    return q;
}

static void mem_record_free(MemRecord *r)
{
    free((char *)r->rec.key);
    free((char *)r->rec.value);
    for (int h = 0; h < r->rec.nheaders; h++) {
        free((char *)r->rec.headers[h].key);
        free((char *)r->rec.headers[h].value);
    }
    free((RawHeader *)r->rec.headers);
}

static void mem_topics_free(Engine *e)
{
    for (int i = 0; i < e->ntopics; i++) {
        MemTopic *t = &e->topics[i];
        for (int k = 0; k < t->n; k++)
            mem_record_free(&t->recs[k]);
        free(t->recs);
        free(t->view);
        free(t->name);
    }
    free(e->topics);
    e->topics = NULL;
    e->ntopics = 0;
}

static int mem_deliver(Engine *e, const RawRecord *rec, EddyError *err);

/* Runs a query on one record. A query holds its state transaction while it
 * runs, so the records it writes reach other queries only once it is done
 * (LMDB has one writer): they are queued here and delivered in write order. */
static int mem_run(Engine *e, Query *q, const RawRecord *rec, EddyError *err)
{
    e->mem_depth++;
    int rc = query_process(q, rec, 1, err);
    e->mem_depth--;
    if (rc < 0 || e->mem_depth > 0 || e->mem_draining) return rc;
    e->mem_draining = true;
    while (rc == 0 && e->next_pending < e->npending) {
        MemTopic *t = &e->topics[e->pending[e->next_pending].topic];
        RawRecord copy = t->recs[e->pending[e->next_pending].rec].rec;
        e->next_pending++;
        rc = mem_deliver(e, &copy, err);
    }
    e->npending = e->next_pending = 0;
    e->mem_draining = false;
    return rc;
}

/* Delivers one record to every running persistent query reading its topic. */
static int mem_deliver(Engine *e, const RawRecord *rec, EddyError *err)
{
    for (int i = 0; i < e->nqueries; i++) {
        RunningQuery *rq = e->queries[i];
        if (rq->state != QS_RUNNING || !rq->q) continue;
        const char *const *topics;
        int nt = query_input_topics(rq->q, &topics);
        bool reads = false;
        for (int k = 0; k < nt; k++)
            if (strcmp(topics[k], rec->topic) == 0) reads = true;
        if (!reads) continue;
        int rc = mem_run(e, rq->q, rec, err);
        if (rc < 0) {
            rq->state = QS_ERROR;
            return rc;
        }
    }
    /* Push queries: a failing one only ends itself. */
    for (int i = 0; i < e->npushes; i++) {
        MemPush *pq = e->pushes[i];
        if (pq->done) continue;
        const char *const *topics;
        int nt = query_input_topics(pq->q, &topics);
        for (int k = 0; k < nt; k++) {
            if (strcmp(topics[k], rec->topic) != 0) continue;
            EddyError perr;
            err_clear(&perr);
            if (query_process(pq->q, rec, 1, &perr) < 0) pq->done = true;
            break;
        }
    }
    return 0;
}

static int mem_produce(Engine *e, const char *topic, int32_t partition, const RawRecord *rec,
                       EddyError *err)
{
    MemTopic *t = mem_find(e, topic);
    if (!t) t = mem_create(e, topic, 1);
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->recs = xrealloc(t->recs, sizeof(MemRecord) * (size_t)t->cap);
    }
    MemRecord *m = &t->recs[t->n];
    memset(m, 0, sizeof *m);
    m->seq = e->seq++;
    RawRecord *r = &m->rec;
    r->topic = t->name;
    size_t hashed = rec->partition_key_len ? rec->partition_key_len : rec->key_len;
    if (partition < 0 && e->hash_partitions && rec->key && t->partitions > 1)
        partition = kafka_partition_of(rec->key, hashed, t->partitions);
    r->partition = partition >= 0 && partition < t->partitions ? partition : 0;
    r->offset = t->next_offset[r->partition < 64 ? r->partition : 0]++;
    r->timestamp = rec->timestamp;
    r->key = dup_bytes(rec->key, rec->key_len);
    r->key_len = rec->key ? rec->key_len : 0;
    r->value = dup_bytes(rec->value, rec->value_len);
    r->value_len = rec->value ? rec->value_len : 0;
    if (rec->nheaders > 0) {
        RawHeader *h = xcalloc((size_t)rec->nheaders, sizeof *h);
        for (int k = 0; k < rec->nheaders; k++) {
            h[k].key = dup_bytes(rec->headers[k].key, rec->headers[k].key_len);
            h[k].key_len = rec->headers[k].key_len;
            h[k].value = dup_bytes(rec->headers[k].value, rec->headers[k].value_len);
            h[k].value_len = rec->headers[k].value ? rec->headers[k].value_len : 0;
        }
        r->headers = h;
        r->nheaders = rec->nheaders;
    }
    t->n++;
    if (e->ntaps) engine_mem_tap(e, r);
    if (e->mem_depth > 0 || e->mem_draining) {
        if (e->npending == e->cap_pending) {
            e->cap_pending = e->cap_pending ? e->cap_pending * 2 : 64;
            e->pending = xrealloc(e->pending, sizeof *e->pending * (size_t)e->cap_pending);
        }
        e->pending[e->npending].topic = (int)(t - e->topics);
        e->pending[e->npending++].rec = t->n - 1;
        return 0;
    }
    /* Deliver a copy: the array may move while queries produce more records. */
    RawRecord copy = *r;
    return mem_deliver(e, &copy, err);
}

int engine_mem_feed(Engine *e, Query *q, EddyError *err)
{
    const char *const *topics;
    int nt = query_input_topics(q, &topics);
    int *pos = xcalloc((size_t)(nt ? nt : 1), sizeof(int));
    int *lim = xcalloc((size_t)(nt ? nt : 1), sizeof(int));
    for (int k = 0; k < nt; k++) {
        MemTopic *t = mem_find(e, topics[k]);
        lim[k] = t ? t->n : 0;
    }
    int rc = 0;
    for (;;) {
        int best = -1;
        uint64_t best_seq = 0;
        for (int k = 0; k < nt; k++) {
            MemTopic *t = mem_find(e, topics[k]);
            if (!t || pos[k] >= lim[k]) continue;
            if (best < 0 || t->recs[pos[k]].seq < best_seq) {
                best = k;
                best_seq = t->recs[pos[k]].seq;
            }
        }
        if (best < 0) break;
        MemTopic *t = mem_find(e, topics[best]);
        RawRecord copy = t->recs[pos[best]++].rec;
        rc = mem_run(e, q, &copy, err);
        if (rc < 0) break;
    }
    free(pos);
    free(lim);
    return rc;
}

/* Feeds the records already on a new query's topics, in the order they were written. */
static int mem_replay(Engine *e, RunningQuery *rq, EddyError *err)
{
    return engine_mem_feed(e, rq->q, err);
}

int engine_read_topic(Engine *e, const char *topic, int (*fn)(void *ctx, const RawRecord *rec),
                      void *ctx, EddyError *err)
{
    if (e->mode == ENGINE_KAFKA) return engine_kafka_read_topic(e, topic, NULL, 0, fn, ctx, err);
    MemTopic *t = mem_find(e, topic);
    for (int i = 0; t && i < t->n; i++) {
        RawRecord copy = t->recs[i].rec;
        int rc = fn(ctx, &copy);
        if (rc < 0) return rc;
        if (rc > 0) break;
    }
    return 0;
}

int engine_memory_records(Engine *e, const char *topic, const RawRecord **out)
{
    MemTopic *t = mem_find(e, topic);
    if (!t) {
        *out = NULL;
        return 0;
    }
    /* MemRecord starts with its RawRecord; expose a compact array. */
    RawRecord *arr = xrealloc(t->view, sizeof(RawRecord) * (size_t)(t->n ? t->n : 1));
    for (int i = 0; i < t->n; i++)
        arr[i] = t->recs[i].rec;
    t->view = arr;
    *out = arr;
    return t->n;
}

/* ---------------------------------------------------------------- engine */

Engine *engine_new(const EngineConfig *cfg, EddyError *err)
{
    Engine *e = xcalloc(1, sizeof *e);
    e->mode = cfg->mode;
    e->frozen_clock = cfg->frozen_clock;
    e->hash_partitions = cfg->hash_partitions;
    pthread_mutex_init(&e->lock, NULL);
    props_init(&e->props);
    if (cfg->props) props_merge(&e->props, cfg->props);
    e->catalog = catalog_new();
    if (cfg->state_dir) {
        e->state = state_env_open(cfg->state_dir, 0, cfg->durable_state, err);
        if (!e->state) goto fail;
    }
    if (cfg->mode == ENGINE_KAFKA && engine_kafka_init(e, cfg, err) < 0) goto fail;
    return e;
fail:
    engine_free(e);
    return NULL;
}

void engine_free(Engine *e)
{
    if (!e) return;
    for (int i = 0; i < e->nqueries; i++)
        rq_free(e, e->queries[i]);
    free(e->queries);
    while (e->npushes > 0)
        engine_mem_push_stop(e->pushes[0]);
    free(e->pushes);
    while (e->ntaps > 0)
        engine_tap_stop(e->taps[0]);
    free(e->taps);
    if (e->mode == ENGINE_KAFKA) engine_kafka_close(e);
    mem_topics_free(e);
    catalog_free(e->catalog);
    state_env_close(e->state);
    free(e->plog_topic);
    free(e->pending);
    props_free(&e->props);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

EngineMode engine_mode(const Engine *e)
{
    return e->mode;
}

Catalog *engine_catalog(Engine *e)
{
    return e->catalog;
}

const Props *engine_props(const Engine *e)
{
    return &e->props;
}

StateEnv *engine_state(Engine *e)
{
    return e->state;
}

void engine_lock(Engine *e)
{
    pthread_mutex_lock(&e->lock);
}

void engine_unlock(Engine *e)
{
    pthread_mutex_unlock(&e->lock);
}

int engine_topic_create(Engine *e, const char *topic, int partitions, int replicas,
                        int64_t retention_ms, int *actual, EddyError *err)
{
    if (e->mode == ENGINE_KAFKA)
        return engine_kafka_topic_create(e, topic, partitions, replicas, retention_ms, actual, err);
    MemTopic *t = mem_find(e, topic);
    if (t) {
        if (actual) *actual = t->partitions;
        if (partitions > 0 && t->partitions != partitions) return ERR_EXISTS;
        return 0;
    }
    t = mem_create(e, topic, partitions);
    t->replicas = replicas > 0 ? replicas : 1;
    if (actual) *actual = t->partitions;
    return 0;
}

int engine_topic_exists(Engine *e, const char *topic, int *partitions)
{
    if (e->mode == ENGINE_KAFKA) return engine_kafka_topic_exists(e, topic, partitions);
    MemTopic *t = mem_find(e, topic);
    if (!t) return 0;
    if (partitions) *partitions = t->partitions;
    return 1;
}

int engine_topic_delete(Engine *e, const char *topic, EddyError *err)
{
    if (e->mode == ENGINE_KAFKA) return engine_kafka_topic_delete(e, topic, err);
    for (int i = 0; i < e->ntopics; i++) {
        if (strcmp(e->topics[i].name, topic) != 0) continue;
        MemTopic *t = &e->topics[i];
        for (int k = 0; k < t->n; k++)
            mem_record_free(&t->recs[k]);
        free(t->recs);
        free(t->view);
        free(t->name);
        memmove(&e->topics[i], &e->topics[i + 1], sizeof(MemTopic) * (size_t)(e->ntopics - i - 1));
        e->ntopics--;
        return 0;
    }
    return 0;
}

int engine_topic_list(Engine *e, TopicInfo **out, EddyError *err)
{
    if (e->mode == ENGINE_KAFKA) return engine_kafka_topic_list(e, out, err);
    TopicInfo *ti = xcalloc((size_t)(e->ntopics ? e->ntopics : 1), sizeof *ti);
    for (int i = 0; i < e->ntopics; i++) {
        snprintf(ti[i].name, sizeof ti[i].name, "%s", e->topics[i].name);
        ti[i].partitions = e->topics[i].partitions;
        ti[i].replicas = e->topics[i].replicas;
    }
    *out = ti;
    return e->ntopics;
}

int engine_insert_row(Engine *e, const Source *src, const Value *cols, int64_t ts, EddyError *err)
{
    const Schema *sc = &src->schema;
    int n = sc->ncols;
    const char *names[n > 0 ? n : 1];
    const Type *types[n > 0 ? n : 1];
    Value vals[n > 0 ? n : 1];
    for (int i = 0; i < sc->nkey; i++) {
        names[i] = sc->cols[i].name;
        types[i] = sc->cols[i].type;
    }
    EddyError se;
    err_clear(&se);
    Serde *ks = serde_new(&src->key_fmt, true, sc->nkey, names, types, &se);
    int nv = 0;
    for (int i = sc->nkey; i < n; i++) {
        if (sc->cols[i].role != COL_VALUE) continue;
        names[nv] = sc->cols[i].name;
        types[nv] = sc->cols[i].type;
        vals[nv++] = cols[i];
    }
    Serde *vs = ks ? serde_new(&src->val_fmt, false, nv, names, types, &se) : NULL;
    StrBuf kb = STRBUF_INIT, vb = STRBUF_INIT;
    bool knull = sc->nkey == 0, vnull = false;
    int rc = ks && vs ? 0 : ERR_SEMANTIC;
    if (rc == 0 && sc->nkey > 0 && serde_encode(ks, cols, &kb, &knull, &se) < 0) rc = ERR_SEMANTIC;
    if (rc == 0 && serde_encode(vs, vals, &vb, &vnull, &se) < 0) rc = ERR_SEMANTIC;
    serde_free(ks);
    serde_free(vs);
    if (rc == 0) {
        RawRecord rec = {0};
        rec.topic = src->topic;
        rec.partition = -1;
        rec.offset = -1;
        rec.timestamp = ts;
        rec.key = knull ? NULL : kb.data ? kb.data : "";
        rec.key_len = knull ? 0 : kb.len;
        rec.value = vnull ? NULL : vb.data ? vb.data : "";
        rec.value_len = vnull ? 0 : vb.len;
        if (engine_produce(e, src->topic, -1, &rec, &se) < 0) rc = ERR_IO;
    }
    sb_free(&kb);
    sb_free(&vb);
    if (rc) return err_set(err, rc, -1, "%s", se.msg);
    return 0;
}

int engine_produce(Engine *e, const char *topic, int32_t partition, const RawRecord *rec,
                   EddyError *err)
{
    if (e->mode == ENGINE_KAFKA) return engine_kafka_produce(e, topic, partition, rec, err);
    return mem_produce(e, topic, partition, rec, err);
}

/* ---------------------------------------------------------------- queries */

char *engine_next_query_id(Engine *e, const char *prefix, const char *sink)
{
    char buf[512];
    if (sink)
        snprintf(buf, sizeof buf, "%s_%s_%d", prefix, sink, e->next_query);
    else
        snprintf(buf, sizeof buf, "%s_%d", prefix, e->next_query);
    e->next_query++;
    return xstrdup(buf);
}

void engine_note_query_id(Engine *e, const char *id)
{
    const char *p = strrchr(id, '_');
    if (!p) return;
    int n = atoi(p + 1);
    if (n + 1 > e->next_query) e->next_query = n + 1;
}

static int io_produce(void *ctx, const char *topic, int32_t partition, const RawRecord *rec)
{
    RunningQuery *rq = ctx;
    EddyError err;
    err_clear(&err);
    return engine_produce(rq->engine, topic, partition, rec, &err);
}

int engine_start_query(Engine *e, Plan *plan, const char *id, const char *sql,
                       const Props *overrides, EddyError *err)
{
    RunningQuery *rq = xcalloc(1, sizeof *rq);
    rq->engine = e;
    rq->id = xstrdup(id);
    rq->sql = xstrdup(sql ? sql : "");
    rq->state = QS_RUNNING;
    props_init(&rq->props);
    props_init(&rq->overrides);
    props_merge(&rq->props, &e->props);
    if (overrides) {
        props_merge(&rq->props, overrides);
        props_merge(&rq->overrides, overrides);
    }
    QueryEnv env = {0};
    env.state = e->state;
    env.props = &rq->props;
    env.inprocess_repartition = e->mode == ENGINE_MEMORY;
    env.processing_log_topic = e->plog_topic;
    env.frozen_clock = e->frozen_clock;
    QueryIO io = {rq, io_produce, NULL, NULL};
    if (e->mode == ENGINE_KAFKA) {
        if (engine_kafka_start_query(e, rq, plan, &env, err) < 0) {
            rq_free(e, rq);
            return err->code ? err->code : ERR_IO;
        }
    } else {
        for (int i = 0; i < plan->ninternal_topics; i++)
            if (!mem_find(e, plan->internal_topics[i])) mem_create(e, plan->internal_topics[i], 1);
        rq->q = query_new(&env, plan, id, &io, err);
        if (!rq->q) {
            rq_free(e, rq);
            return ERR_INTERNAL;
        }
    }
    e->queries = xrealloc(e->queries, sizeof(RunningQuery *) * (size_t)(e->nqueries + 1));
    e->queries[e->nqueries++] = rq;
    engine_note_query_id(e, id);
    if (e->mode == ENGINE_MEMORY) return mem_replay(e, rq, err);
    return 0;
}

void rq_free(Engine *e, RunningQuery *rq)
{
    if (!rq) return;
    if (e->mode == ENGINE_KAFKA) engine_kafka_stop_query(e, rq);
    query_free(rq->q);
    free(rq->id);
    free(rq->sql);
    props_free(&rq->props);
    props_free(&rq->overrides);
    free(rq);
}

int engine_terminate_query(Engine *e, const char *id, EddyError *err)
{
    for (int i = 0; i < e->nqueries; i++) {
        RunningQuery *rq = e->queries[i];
        if (strcmp(rq->id, id) != 0) continue;
        memmove(&e->queries[i], &e->queries[i + 1],
                sizeof(RunningQuery *) * (size_t)(e->nqueries - i - 1));
        e->nqueries--;
        if (e->mode == ENGINE_KAFKA) engine_kafka_stop_query(e, rq);
        if (rq->q) query_drop_state(rq->q);
        rq_free(e, rq);
        return 0;
    }
    return err_set(err, ERR_NOT_FOUND, -1, "Unknown queryId: %s", id);
}

int engine_pause_query(Engine *e, const char *id, bool pause, EddyError *err)
{
    RunningQuery *rq = engine_query_find(e, id);
    if (!rq) return err_set(err, ERR_NOT_FOUND, -1, "Unknown queryId: %s", id);
    rq->state = pause ? QS_PAUSED : QS_RUNNING;
    if (e->mode == ENGINE_KAFKA) engine_kafka_pause_query(e, rq, pause);
    return 0;
}

int engine_query_count(Engine *e)
{
    return e->nqueries;
}

RunningQuery *engine_query_at(Engine *e, int i)
{
    return e->queries[i];
}

RunningQuery *engine_query_find(Engine *e, const char *id)
{
    for (int i = 0; i < e->nqueries; i++)
        if (strcmp(e->queries[i]->id, id) == 0) return e->queries[i];
    return NULL;
}

const char *rq_id(const RunningQuery *q)
{
    return q->id;
}

const char *rq_sql(const RunningQuery *q)
{
    return q->sql;
}

const Props *rq_overrides(const RunningQuery *q)
{
    return &q->overrides;
}

const Plan *rq_plan(const RunningQuery *q)
{
    return q->q ? query_plan(q->q) : q->plan;
}

QueryState rq_state(const RunningQuery *q)
{
    return q->state;
}

int64_t rq_consumer_lag(const RunningQuery *q)
{
    return q->kq ? engine_kafka_query_lag(q->kq) : 0;
}

QueryStats rq_stats(const RunningQuery *q)
{
    QueryStats s = {0};
    if (q->kq)
        engine_kafka_query_stats(q->kq, &s);
    else if (q->q)
        s = *query_stats(q->q);
    return s;
}

static int queries_matching(Engine *e, const char *source, bool writing, const char ***ids)
{
    const char **out = xcalloc((size_t)(e->nqueries ? e->nqueries : 1), sizeof(char *));
    int n = 0;
    for (int i = 0; i < e->nqueries; i++) {
        const Plan *p = rq_plan(e->queries[i]);
        if (!p) continue;
        bool match = false;
        if (writing) {
            match = p->sink && strcmp(p->sink, source) == 0;
        } else {
            for (int k = 0; k < p->nsources; k++)
                if (strcmp(p->sources[k], source) == 0) match = true;
        }
        if (match) out[n++] = e->queries[i]->id;
    }
    *ids = out;
    return n;
}

int engine_queries_reading(Engine *e, const char *source, const char ***ids)
{
    return queries_matching(e, source, false, ids);
}

int engine_queries_writing(Engine *e, const char *source, const char ***ids)
{
    return queries_matching(e, source, true, ids);
}

void engine_set_processing_log(Engine *e, const char *topic)
{
    free(e->plog_topic);
    e->plog_topic = topic ? xstrdup(topic) : NULL;
}

/* ---------------------------------------------------------------- pull */

int engine_scan_table(Engine *e, const char *query_id, int (*fn)(void *ctx, const Row *row),
                      void *ctx, EddyError *err)
{
    RunningQuery *rq = engine_query_find(e, query_id);
    if (!rq || !e->state) return err_set(err, ERR_NOT_FOUND, -1, "query %s has no state", query_id);
    const Plan *p = rq_plan(rq);
    const Step *sink = p->root;
    if (!sink || sink->kind != STEP_SINK || !sink->materialize)
        return err_set(err, ERR_NOT_FOUND, -1, "query %s is not materialized", query_id);
    char name[512];
    snprintf(name, sizeof name, "%s#%d.0", query_id, sink->id);
    StateStore st;
    if (state_store_open(e->state, name, &st, err) < 0) return ERR_IO;
    StateTxn *txn;
    if (state_txn_begin(e->state, false, &txn, err) < 0) return ERR_IO;
    StateIter *it;
    int rc = 0;
    if (state_iter_open(txn, st, NULL, 0, &it) == 0) {
        const Schema *sc = &sink->schema;
        const Type *types[sc->ncols > 0 ? sc->ncols : 1];
        for (int i = 0; i < sc->ncols; i++)
            types[i] = sc->cols[i].type;
        Arena a;
        arena_init(&a, 8192);
        const void *k, *v;
        size_t kl, vl;
        while (state_iter_next(it, &k, &kl, &v, &vl) == 0) {
            arena_reset(&a);
            Row r;
            memset(&r, 0, sizeof r);
            r.cols = arena_alloc(&a, sizeof(Value) * (size_t)(sc->ncols ? sc->ncols : 1));
            if (vl < 8) continue;
            r.ts = rowcodec_get_be64(v);
            if (rowcodec_get_all((const char *)v + 8, vl - 8, sc->ncols, types, &a, r.cols) < 0)
                continue;
            if (sink->window.type != WIN_NONE && kl >= 16) {
                r.win_start = rowcodec_get_be64((const char *)k + kl - 16);
                r.win_end = rowcodec_get_be64((const char *)k + kl - 8);
            }
            if (fn(ctx, &r)) break;
        }
        state_iter_close(it);
        arena_free(&a);
    } else {
        rc = ERR_IO;
    }
    state_txn_abort(txn);
    return rc;
}
