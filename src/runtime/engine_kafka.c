/*
 * engine_kafka.c - the engine on a Kafka cluster or the embedded broker.
 *
 * Topic administration goes through topic_admin (embedded mock, an eddy-broker's
 * control endpoint, or the Admin API). Every persistent query runs in its own
 * thread: a consumer in the query's group (`_confluent-ksql-<service>query_<id>`),
 * a producer, and the Query; a stateless one on several such threads
 * (ksql.streams.num.stream.threads), each owning a share of the partitions. A batch is consumed,
 * processed, its outputs flushed (acknowledged) and only then its state and offsets committed, so
 * no input whose output was lost is ever marked done (at-least-once), while state changes stay
 * exactly-once through the LMDB transaction that records the offsets. On partition
 * assignment a stateful query resumes from the offsets stored with its state.
 * Push queries run the same way with a private consumer over all partitions, in
 * one task, from the beginning or the end of the topics.
 */
#include "engine_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "broker.h"
#include "kafka_io.h"
#include "rowcodec.h"
#include "serde.h"
#include "topic_admin.h"

struct KafkaEngine {
    TopicAdmin *admin;
    KafkaProducer *producer; /* INSERT VALUES, processing log outside queries */
    pthread_mutex_t produce_lock;
    char *bootstrap;
    KafkaProp *props; /* client pass-through properties */
    int nprops;
    char *service_id;
    int push_seq;
    bool groups; /* persistent queries join consumer groups (else: assign mode) */
};

/* A processed batch of a stateless query: the offsets to commit once every record
 * up to `seq` has been acknowledged. Topic names point into the query's input
 * topic list. */
typedef struct PendingBatch {
    int64_t seq;
    KafkaPartition *parts;
    int n;
} PendingBatch;

struct KafkaQuery {
    Engine *e;
    RunningQuery *rq;
    Query *q;
    pthread_t thread;
    bool started;
    volatile int stop;
    KafkaConsumer *consumer;
    KafkaProducer *producer;
    char *group;
    bool earliest;
    /* push queries */
    PushRowFn push_fn;
    void *push_ctx;
    bool transient;
    char *id;
    volatile int finished;
    /* Stateless persistent queries: batches whose input offsets wait for their
     * output to be acknowledged (oldest first). */
    PendingBatch *pending;
    int npending, cappending;
    /* Stream threads (ksql.streams.num.stream.threads): a stateless persistent
     * query runs on `nworkers` threads, each with its own consumer, producer and
     * Query over the shared plan, owning a share of the partitions. This struct is
     * worker 0; `workers` (worker 0 only) holds the others. */
    int worker, nworkers;
    KafkaQuery **workers;
    /* Replaying inputs to rebuild lost state: the query's output is dropped. */
    bool restoring;
};

struct PushQuery {
    MemPush *mem; /* ENGINE_MEMORY: the in-memory push query (push_memory.c) */
    KafkaQuery kq;
    Props props; /* the query's properties: its thread reads them as tasks are made */
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- setup */

int engine_kafka_init(Engine *e, const EngineConfig *cfg, EddyError *err)
{
    KafkaEngine *k = xcalloc(1, sizeof *k);
    e->kafka = k;
    pthread_mutex_init(&k->produce_lock, NULL);
    k->service_id = xstrdup(props_get_str(&e->props, "ksql.service.id", "default_"));
    /* Client properties: everything the user set; kafka_io skips what it does not know. */
    k->props = xcalloc((size_t)e->props.n + 6, sizeof(KafkaProp));
    /* librdkafka's mock cluster (the embedded broker, eddy-broker) answers a fetch
     * only when its max wait is over, even when records arrive meanwhile: with
     * the default 500 ms a record waited up to half a second at every query it
     * went through. A real broker answers as soon as data is there. */
    bool mock =
        cfg->embedded_broker || cfg->broker_control || props_get(&e->props, "eddy.broker.control");
    if (mock) k->props[k->nprops++] = (KafkaProp){"consumer.fetch.wait.max.ms", "20"};
    /* The embedded broker notices a departed group member only after its session
     * timeout; a short one lets a restarted eddyd rejoin in seconds, not 45 s. */
    if (cfg->embedded_broker && !props_get(&e->props, "session.timeout.ms") &&
        !props_get(&e->props, "ksql.streams.consumer.session.timeout.ms")) {
        k->props[k->nprops++] = (KafkaProp){"consumer.session.timeout.ms", "6000"};
        k->props[k->nprops++] = (KafkaProp){"consumer.heartbeat.interval.ms", "1500"};
    }
    for (int i = 0; i < e->props.n; i++) {
        const char *name = e->props.names[i];
        if (strcmp(name, "bootstrap.servers") == 0 || strcmp(name, "listeners") == 0 ||
            strstr(name, "auto.offset.reset"))
            continue; /* set per consumer from the query's properties */
        k->props[k->nprops].key = name;
        k->props[k->nprops].value = e->props.values[i];
        k->nprops++;
    }
    /* Consumer groups let several servers share a query's partitions, at a price:
     * a new group gets its first assignment only after the broker's initial
     * rebalance delay (Kafka's group.initial.rebalance.delay.ms, 3 s by default;
     * fixed at 3 s in librdkafka's mock cluster behind the embedded broker and
     * eddy-broker), and a server killed with SIGKILL holds its partitions until
     * its session times out. On those mock brokers (a development or test
     * setup) queries assign themselves every partition and start at once;
     * eddy.kafka.consumer.groups overrides either way. */
    k->groups = props_get_bool(&e->props, "eddy.kafka.consumer.groups", !mock);
    TopicAdminConfig ac = {0};
    ac.embedded = cfg->embedded_broker;
    ac.broker_control = cfg->broker_control;
    ac.bootstrap_servers = cfg->bootstrap;
    ac.props = k->props;
    ac.nprops = k->nprops;
    k->admin = topic_admin_open(&ac, err);
    if (!k->admin) return ERR_IO;
    k->bootstrap = xstrdup(topic_admin_bootstrap_servers(k->admin));
    KafkaProducerConfig pc = {0};
    pc.bootstrap_servers = k->bootstrap;
    pc.client_id = "eddy-engine";
    pc.props = k->props;
    pc.nprops = k->nprops;
    k->producer = kafka_producer_new(&pc, err);
    if (!k->producer) return ERR_IO;
    return 0;
}

void engine_kafka_close(Engine *e)
{
    KafkaEngine *k = e->kafka;
    if (!k) return;
    if (k->producer) {
        EddyError err;
        kafka_producer_flush(k->producer, 5000, &err);
        kafka_producer_close(k->producer, 1000);
    }
    topic_admin_close(k->admin);
    pthread_mutex_destroy(&k->produce_lock);
    free(k->props);
    free(k->bootstrap);
    free(k->service_id);
    free(k);
    e->kafka = NULL;
}

const char *engine_bootstrap_servers(Engine *e)
{
    return e->kafka ? e->kafka->bootstrap : NULL;
}

void engine_kafka_client_props(Engine *e, const KafkaProp **props, int *n)
{
    *props = e->kafka ? e->kafka->props : NULL;
    *n = e->kafka ? e->kafka->nprops : 0;
}

/* ---------------------------------------------------------------- topics */

int engine_kafka_topic_create(Engine *e, const char *topic, int partitions, int replicas,
                              int64_t retention_ms, int *actual, EddyError *err)
{
    KafkaEngine *k = e->kafka;
    char ret[32];
    KafkaProp cfgs[1];
    TopicSpec spec = {0};
    spec.name = topic;
    spec.partitions = partitions;
    spec.replicas = replicas;
    if (retention_ms > 0) {
        snprintf(ret, sizeof ret, "%lld", (long long)retention_ms);
        cfgs[0].key = "retention.ms";
        cfgs[0].value = ret;
        spec.configs = cfgs;
        spec.nconfigs = 1;
    }
    bool created;
    int rc = topic_admin_create(k->admin, &spec, &created, err);
    if (actual) {
        TopicDesc d;
        EddyError e2;
        if (topic_admin_describe(k->admin, topic, &d, &e2) == 0) {
            *actual = d.partitions;
            topic_desc_clear(&d);
        }
    }
    return rc;
}

int engine_kafka_topic_exists(Engine *e, const char *topic, int *partitions)
{
    TopicDesc d;
    EddyError err;
    if (topic_admin_describe(e->kafka->admin, topic, &d, &err) != 0) return 0;
    if (partitions) *partitions = d.partitions;
    topic_desc_clear(&d);
    return 1;
}

int engine_kafka_topic_delete(Engine *e, const char *topic, EddyError *err)
{
    int rc = topic_admin_delete(e->kafka->admin, topic, err);
    if (rc == ERR_UNSUPPORTED) {
        err_clear(err);
        return 0; /* the embedded broker cannot delete: the topic simply stays */
    }
    return rc;
}

int engine_kafka_topic_list(Engine *e, TopicInfo **out, EddyError *err)
{
    TopicDesc *d;
    int n = topic_admin_list(e->kafka->admin, &d, err);
    if (n < 0) return n;
    TopicInfo *ti = xcalloc((size_t)(n ? n : 1), sizeof *ti);
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (strncmp(d[i].name, "__", 2) == 0) continue; /* internal topics */
        snprintf(ti[m].name, sizeof ti[m].name, "%s", d[i].name);
        ti[m].partitions = d[i].partitions;
        ti[m].replicas = d[i].replicas;
        m++;
    }
    topic_desc_free(d, n);
    *out = ti;
    return m;
}

int engine_kafka_produce(Engine *e, const char *topic, int32_t partition, const RawRecord *rec,
                         EddyError *err)
{
    KafkaEngine *k = e->kafka;
    RawRecord r = *rec;
    r.topic = topic;
    r.partition = partition;
    pthread_mutex_lock(&k->produce_lock);
    int64_t seq;
    int rc = kafka_producer_send(k->producer, &r, &seq, err);
    if (rc == 0) rc = kafka_producer_wait_acked(k->producer, seq, 10000, err);
    pthread_mutex_unlock(&k->produce_lock);
    return rc;
}

/* ---------------------------------------------------------------- state restore */

typedef int (*RecordFn)(void *ctx, const RawRecord *rec);

/* Reads `topic` from the beginning up to each partition's end at the time of
 * the call (or up to limits[p] when given), calling fn per record; fn returns
 * < 0 to fail, > 0 to stop early. */
static int read_topic(Engine *e, const char *topic, const int64_t *limits, int nlimits, RecordFn fn,
                      void *ctx, EddyError *err)
{
    KafkaEngine *k = e->kafka;
    int nparts = 0;
    if (!engine_kafka_topic_exists(e, topic, &nparts) || nparts <= 0) return 0;
    KafkaConsumerConfig cc = {0};
    cc.bootstrap_servers = k->bootstrap;
    cc.client_id = "eddy-reader";
    /* The client settings, and no waiting for fetches to fill up: the reader
     * wants what is there, up to known end offsets. */
    KafkaProp *props = xcalloc((size_t)k->nprops + 1, sizeof *props);
    memcpy(props, k->props, sizeof *props * (size_t)k->nprops);
    props[k->nprops] = (KafkaProp){"fetch.wait.max.ms", "10"};
    cc.props = props;
    cc.nprops = k->nprops + 1;
    KafkaPartition *assign = xcalloc((size_t)nparts, sizeof *assign);
    KafkaConsumer *c = kafka_consumer_new(&cc, err);
    free(props);
    if (!c) return ERR_IO;
    int64_t *end = xcalloc((size_t)nparts, sizeof(int64_t));
    int64_t *pos = xcalloc((size_t)nparts, sizeof(int64_t));
    int rc = 0, remaining = 0;
    for (int p = 0; p < nparts; p++) {
        int64_t lo, hi;
        if (kafka_consumer_watermarks(c, topic, p, &lo, &hi, 5000, err) < 0) {
            rc = ERR_IO;
            goto done;
        }
        end[p] = hi;
        if (limits && p < nlimits && limits[p] >= 0 && limits[p] < hi) end[p] = limits[p];
        pos[p] = lo;
        if (pos[p] < end[p]) remaining++;
        /* Absolute start offsets: with BEGINNING librdkafka looks the offset up
         * first, and one asked before the partition's leader is known is retried
         * only after 500 ms. */
        assign[p] = (KafkaPartition){topic, p, lo};
    }
    if (remaining == 0) goto done;
    if (kafka_consumer_assign(c, assign, nparts, err) < 0) {
        rc = ERR_IO;
        goto done;
    }
    int64_t deadline = now_ms() + 120000;
    while (remaining > 0 && now_ms() < deadline) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(c, 2000, 200, &recs, err);
        if (n < 0) {
            rc = n;
            break;
        }
        for (int i = 0; i < n && rc == 0; i++) {
            int p = recs[i].partition;
            if (p < 0 || p >= nparts || recs[i].offset >= end[p]) continue;
            rc = fn(ctx, &recs[i]);
            pos[p] = recs[i].offset + 1;
            if (pos[p] >= end[p]) remaining--;
        }
        kafka_consumer_release_batch(c);
        if (rc != 0) break;
    }
    if (rc > 0)
        rc = 0; /* fn asked to stop */
    else if (remaining > 0 && rc == 0)
        rc = err_set(err, ERR_IO, -1, "reading %s to its end timed out", topic);
done:
    free(assign);
    free(end);
    free(pos);
    kafka_consumer_close(c);
    return rc;
}

int engine_kafka_read_topic(Engine *e, const char *topic, const int64_t *limits, int nlimits,
                            int (*fn)(void *ctx, const RawRecord *rec), void *ctx, EddyError *err)
{
    return read_topic(e, topic, limits, nlimits, fn, ctx, err);
}

typedef struct RestoreCtx {
    StateTxn *txn;
    StateStore store, index;
    bool windowed, session, has_index;
    bool sink;      /* a table sink's store (keys as serde_table_store_key makes them) */
    int partitions; /* the sink's partitions */
    int64_t win_size;
    Serde *key_serde, *val_serde;
    const Schema *schema;
    const Type **types;
    Arena arena;
    StrBuf kb, vb;
    uint64_t restored;
} RestoreCtx;

/* An aggregation changelog record: the state key and value, as the store has them. */
static int restore_changelog_record(void *vctx, const RawRecord *r)
{
    RestoreCtx *rc = vctx;
    if (!r->key) return 0;
    if (!r->value) {
        state_del(rc->txn, rc->store, r->key, r->key_len);
    } else {
        state_put(rc->txn, rc->store, r->key, r->key_len, r->value, r->value_len);
        if (rc->has_index && r->key_len >= 16) {
            sb_clear(&rc->kb);
            sb_append(&rc->kb, r->key + r->key_len - 8, 8); /* window end, big-endian */
            sb_append(&rc->kb, r->key, r->key_len);
            state_put(rc->txn, rc->index, rc->kb.data, rc->kb.len, "", 0);
        }
    }
    rc->restored++;
    return 0;
}

/* A table record (sink or source topic): decoded into the materialized row. */
static int restore_table_record(void *vctx, const RawRecord *r)
{
    RestoreCtx *rc = vctx;
    const Schema *sc = rc->schema;
    arena_reset(&rc->arena);
    Value *cols = arena_zalloc(&rc->arena, sizeof(Value) * (size_t)(sc->ncols ? sc->ncols : 1));
    const char *kp = r->key;
    size_t kl = r->key_len;
    int64_t ws = 0, we = 0;
    if (rc->windowed && kp) {
        long inner = serde_window_split(kp, kl, rc->session, &ws, &we);
        if (inner < 0) return 0;
        kl = (size_t)inner;
        if (!rc->session) we = ws + rc->win_size;
    }
    EddyError err;
    err_clear(&err);
    if (sc->nkey > 0 && serde_decode(rc->key_serde, kp, kl, &rc->arena, cols, &err) < 0) return 0;
    if (rc->sink) {
        serde_table_store_key(rc->key_serde, cols, sc->nkey, rc->partitions, rc->windowed, ws, we,
                              &rc->kb);
    } else {
        sb_clear(&rc->kb);
        rowcodec_put_all(&rc->kb, cols, sc->nkey);
        if (rc->windowed) {
            rowcodec_put_be64(&rc->kb, ws);
            rowcodec_put_be64(&rc->kb, we);
        }
    }
    if (!r->value) {
        state_del(rc->txn, rc->store, rc->kb.data, rc->kb.len);
        rc->restored++;
        return 0;
    }
    int nv = sc->ncols - sc->nkey;
    if (serde_decode(rc->val_serde, r->value, r->value_len, &rc->arena, cols + sc->nkey, &err) < 0)
        return 0;
    (void)nv;
    sb_clear(&rc->vb);
    rowcodec_put_be64(&rc->vb, r->timestamp);
    rowcodec_put_all(&rc->vb, cols, sc->ncols);
    state_put(rc->txn, rc->store, rc->kb.data, rc->kb.len, rc->vb.data, rc->vb.len);
    rc->restored++;
    return 0;
}

static int open_store(StateTxn *txn, const char *qid, int step, int n, StateStore *out,
                      EddyError *err)
{
    char name[512];
    snprintf(name, sizeof name, "%s#%d.%d", qid, step, n);
    return state_store_open_in(txn, name, out, err);
}

/* Rebuilds a join query's state by processing its inputs again, from their start
 * up to where its consumer group stands (`parts`), with its output dropped: the
 * join's stores (both sides' rows and window buffers), and everything after the
 * join in the same task, come back as they were. One consumer over every input
 * partition interleaves the topics as the running query does, so window buffers
 * see their records in the same stream-time order. */
static int replay_inputs(Engine *e, KafkaQuery *kq, const KafkaPartition *parts, int np,
                         uint64_t *replayed, EddyError *err)
{
    KafkaEngine *k = e->kafka;
    KafkaConsumerConfig cc = {0};
    cc.bootstrap_servers = k->bootstrap;
    cc.client_id = "eddy-restore";
    KafkaConsumer *c = kafka_consumer_new(&cc, err);
    if (!c) return ERR_IO;
    KafkaPartition *assign = xcalloc((size_t)(np ? np : 1), sizeof *assign);
    int64_t *end = xcalloc((size_t)(np ? np : 1), sizeof *end);
    bool *done = xcalloc((size_t)(np ? np : 1), sizeof *done);
    RawRecord *keep = NULL;
    int na = 0, remaining = 0, rc = 0;
    for (int i = 0; i < np && rc == 0; i++) {
        int64_t lo, hi;
        if (parts[i].offset <= 0) continue;
        if (kafka_consumer_watermarks(c, parts[i].topic, parts[i].partition, &lo, &hi, 5000, err) <
            0) {
            rc = ERR_IO;
            break;
        }
        int64_t stop = parts[i].offset < hi ? parts[i].offset : hi;
        if (lo >= stop) continue;
        end[na] = stop;
        assign[na++] = (KafkaPartition){parts[i].topic, parts[i].partition, lo};
        remaining++;
    }
    if (rc == 0 && remaining > 0 && kafka_consumer_assign(c, assign, na, err) < 0) rc = ERR_IO;
    kq->restoring = true;
    int64_t idle_since = now_ms();
    while (rc == 0 && remaining > 0) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(c, 10000, 200, &recs, err);
        if (n < 0) {
            rc = n;
            break;
        }
        /* Offsets may have gaps (compaction, transaction markers): a partition
         * that delivers nothing more for 10 s is as far as it goes. */
        if (n == 0 && now_ms() - idle_since > 10000) break;
        if (n > 0) idle_since = now_ms();
        keep = xrealloc(keep, sizeof *keep * (size_t)(n ? n : 1));
        int m = 0;
        for (int i = 0; i < n; i++) {
            int a = 0;
            while (a < na && !(assign[a].partition == recs[i].partition &&
                               strcmp(assign[a].topic, recs[i].topic) == 0))
                a++;
            if (a == na || done[a]) continue;
            if (recs[i].offset < end[a]) keep[m++] = recs[i];
            if (recs[i].offset + 1 >= end[a]) {
                done[a] = true;
                remaining--;
            }
        }
        if (m > 0) rc = query_process(kq->q, keep, m, err);
        *replayed += (uint64_t)m;
        kafka_consumer_release_batch(c);
    }
    kq->restoring = false;
    free(keep);
    free(done);
    free(assign);
    free(end);
    kafka_consumer_close(c);
    return rc;
}

/* Rebuilds a query's state after its data directory was lost: aggregation state
 * from its changelog topic, materialized tables from their topics, and the
 * consumed offsets from the consumer group's commits. A query that never ran (no
 * committed offsets) starts empty. */
static int restore_state(Engine *e, KafkaQuery *kq, EddyError *err)
{
    Query *q = kq->q;
    if (!e->state || !query_is_stateful(q)) return 0;
    StateTxn *txn;
    int64_t mark;
    if (state_txn_begin(e->state, false, &txn, err) < 0) return ERR_IO;
    int have = state_offset_get(txn, kq->id, "__initialized", 0, &mark);
    state_txn_abort(txn);
    if (have == 0) return 0;

    /* Where the group stands. */
    const char *const *topics;
    int nt = query_input_topics(q, &topics);
    KafkaPartition *parts = NULL;
    int np = 0;
    for (int i = 0; i < nt; i++) {
        int n = 0;
        if (!engine_kafka_topic_exists(e, topics[i], &n)) continue;
        parts = xrealloc(parts, sizeof(KafkaPartition) * (size_t)(np + n));
        for (int p = 0; p < n; p++)
            parts[np++] = (KafkaPartition){topics[i], p, KAFKA_OFFSET_INVALID};
    }
    KafkaConsumerConfig cc = {0};
    cc.bootstrap_servers = e->kafka->bootstrap;
    cc.group_id = kq->group;
    cc.client_id = kq->id;
    KafkaConsumer *c = kafka_consumer_new(&cc, err);
    int rc = 0;
    bool ran_before = false;
    if (c && np > 0 && kafka_consumer_committed(c, parts, np, 10000, err) == 0)
        for (int i = 0; i < np; i++)
            if (parts[i].offset >= 0) ran_before = true;
    kafka_consumer_close(c);

    if (state_txn_begin(e->state, true, &txn, err) < 0) {
        free(parts);
        return ERR_IO;
    }
    const Plan *plan = query_plan(q);
    uint64_t restored = 0;
    bool joins = false;
    for (int i = 0; i < plan->nsteps; i++)
        joins = joins || plan->steps[i]->kind == STEP_JOIN;
    if (joins && ran_before) {
        /* Join stores have no changelog: the inputs are processed again, which
         * rebuilds every store of the query (aggregations after the join too). */
        state_txn_abort(txn);
        rc = replay_inputs(e, kq, parts, np, &restored, err);
        if (rc == 0 && state_txn_begin(e->state, true, &txn, err) < 0) {
            free(parts);
            return ERR_IO;
        }
        if (rc != 0) {
            free(parts);
            return rc;
        }
    }
    for (int i = 0; !joins && ran_before && rc == 0 && i < plan->nsteps; i++) {
        const Step *s = plan->steps[i];
        RestoreCtx r;
        memset(&r, 0, sizeof r);
        r.txn = txn;
        arena_init(&r.arena, 8192);
        sb_init(&r.kb);
        sb_init(&r.vb);
        if (s->kind == STEP_AGGREGATE && s->changelog_topic) {
            rc = open_store(txn, kq->id, s->id, 0, &r.store, err);
            if (rc == 0 && s->win.type != WIN_NONE) {
                rc = open_store(txn, kq->id, s->id, 1, &r.index, err);
                r.has_index = true;
            }
            if (rc == 0)
                rc = read_topic(e, s->changelog_topic, NULL, 0, restore_changelog_record, &r, err);
        } else if ((s->kind == STEP_SINK || s->kind == STEP_SOURCE) && s->materialize) {
            const Schema *sc = &s->schema;
            const char *names[sc->ncols + 1];
            const Type *types[sc->ncols + 1];
            for (int c2 = 0; c2 < sc->ncols; c2++) {
                names[c2] = sc->cols[c2].name;
                types[c2] = sc->cols[c2].type;
            }
            bool sink = s->kind == STEP_SINK;
            r.sink = sink;
            r.partitions = s->sink_partitions;
            r.schema = sc;
            r.windowed = s->window.type != WIN_NONE;
            r.session = s->window.type == WIN_SESSION;
            r.win_size = s->window.size_ms;
            r.key_serde =
                serde_new(sink ? &s->sink_key_fmt : &s->key_fmt, true, sc->nkey, names, types, err);
            r.val_serde = serde_new(sink ? &s->sink_val_fmt : &s->val_fmt, false,
                                    sc->ncols - sc->nkey, names + sc->nkey, types + sc->nkey, err);
            rc = r.key_serde && r.val_serde ? open_store(txn, kq->id, s->id, 0, &r.store, err)
                                            : ERR_INTERNAL;
            /* A source table is read up to where the group stands; a sink in full. */
            int64_t lim[64];
            int nl = 0;
            if (!sink)
                for (int k = 0; k < np && nl < 64; k++)
                    if (strcmp(parts[k].topic, s->topic) == 0) lim[nl++] = parts[k].offset;
            if (rc == 0)
                rc = read_topic(e, sink ? s->sink_topic : s->topic, sink ? NULL : lim, nl,
                                restore_table_record, &r, err);
            serde_free(r.key_serde);
            serde_free(r.val_serde);
        }
        restored += r.restored;
        arena_free(&r.arena);
        sb_free(&r.kb);
        sb_free(&r.vb);
    }
    if (rc == 0) {
        for (int i = 0; ran_before && i < np; i++)
            if (parts[i].offset >= 0)
                state_offset_put(txn, kq->id, parts[i].topic, parts[i].partition, parts[i].offset);
        state_offset_put(txn, kq->id, "__initialized", 0, 1);
        rc = state_txn_commit(txn, err);
    } else {
        state_txn_abort(txn);
    }
    if (ran_before && rc == 0)
        fprintf(stderr, "eddyd: query %s: state restored from Kafka (%llu records)\n", kq->id,
                (unsigned long long)restored);
    free(parts);
    return rc;
}

/* ---------------------------------------------------------------- query threads */

static void commit_pending(KafkaQuery *kq, bool all, bool sync);

static int kq_produce(void *ctx, const char *topic, int32_t partition, const RawRecord *rec)
{
    KafkaQuery *kq = ctx;
    if (kq->restoring) return 0; /* written before the state was lost */
    RawRecord r = *rec;
    r.topic = topic;
    r.partition = partition;
    EddyError err;
    err_clear(&err);
    return kafka_producer_send(kq->producer, &r, NULL, &err);
}

static int kq_sync(void *ctx, EddyError *err)
{
    KafkaQuery *kq = ctx;
    return kafka_producer_flush(kq->producer, 30000, err);
}

static int kq_push(void *ctx, const Row *row, bool tombstone)
{
    KafkaQuery *kq = ctx;
    if (!kq->push_fn) return 0;
    int rc = kq->push_fn(kq->push_ctx, row, tombstone);
    if (rc) kq->stop = 1;
    return 0;
}

static void kq_rebalance(void *ctx, KafkaRebalanceKind kind, KafkaPartition *parts, int n)
{
    KafkaQuery *kq = ctx;
    if (kind == KAFKA_REVOKED && kq->npending > 0) {
        /* Partitions leave: what was processed is committed once its output is in. */
        EddyError err;
        err_clear(&err);
        if (kafka_producer_flush(kq->producer, 30000, &err) == 0) commit_pending(kq, true, true);
    }
    if (kind != KAFKA_ASSIGNED || !kq->q || !query_is_stateful(kq->q)) return;
    /* Resume exactly where the state stands. Internal (repartition) topics
     * are read from their start otherwise, as Kafka Streams does: what the
     * query wrote there before its consumer got the partition is its own. */
    for (int i = 0; i < n; i++) {
        int64_t next;
        if (query_committed_offset(kq->q, parts[i].topic, parts[i].partition, &next) == 0)
            parts[i].offset = next;
        else if (strncmp(parts[i].topic, "_confluent-ksql-", 16) == 0)
            parts[i].offset = KAFKA_OFFSET_BEGINNING;
    }
}

/* The next offset of each topic-partition of a batch (topic names interned in the
 * query's input topics, so they outlive the batch). Returns the count. */
static int batch_offsets(KafkaQuery *kq, const RawRecord *recs, int n, KafkaPartition **out)
{
    const char *const *topics;
    int nt = query_input_topics(kq->q, &topics);
    KafkaPartition *parts = NULL;
    int np = 0, cap = 0;
    for (int i = n - 1; i >= 0; i--) {
        /* Batches come in runs of one partition: only a run's last record counts. */
        if (i < n - 1 && recs[i].partition == recs[i + 1].partition &&
            recs[i].topic == recs[i + 1].topic)
            continue;
        bool seen = false;
        for (int k = 0; k < np && !seen; k++)
            seen = parts[k].partition == recs[i].partition &&
                   strcmp(parts[k].topic, recs[i].topic) == 0;
        if (seen) continue;
        const char *topic = NULL;
        for (int t = 0; t < nt && !topic; t++)
            if (strcmp(topics[t], recs[i].topic) == 0) topic = topics[t];
        if (!topic) continue;
        if (np == cap) {
            cap = cap ? cap * 2 : 16;
            parts = xrealloc(parts, (size_t)cap * sizeof *parts);
        }
        parts[np++] = (KafkaPartition){topic, recs[i].partition, recs[i].offset + 1};
    }
    *out = parts;
    return np;
}

/* Commits (asynchronously, or synchronously when `sync`) the offsets of the oldest
 * pending batches: those whose output is acknowledged, or all of them when `all`
 * (the caller flushed the producer). One commit carries the latest offset of each
 * partition. */
static void commit_pending(KafkaQuery *kq, bool all, bool sync)
{
    if (kq->npending == 0) return;
    int64_t acked = all ? INT64_MAX : kafka_producer_acked_seq(kq->producer);
    int done = 0;
    KafkaPartition *merged = NULL;
    int nm = 0, cap = 0;
    while (done < kq->npending && kq->pending[done].seq <= acked) {
        PendingBatch *b = &kq->pending[done++];
        for (int i = 0; i < b->n; i++) {
            int k = 0;
            while (k < nm && !(merged[k].partition == b->parts[i].partition &&
                               merged[k].topic == b->parts[i].topic))
                k++;
            if (k == nm) {
                if (nm == cap) {
                    cap = cap ? cap * 2 : 16;
                    merged = xrealloc(merged, (size_t)cap * sizeof *merged);
                }
                merged[nm++] = b->parts[i];
            } else if (b->parts[i].offset > merged[k].offset) {
                merged[k].offset = b->parts[i].offset;
            }
        }
        free(b->parts);
    }
    if (done == 0) return;
    memmove(kq->pending, kq->pending + done, (size_t)(kq->npending - done) * sizeof *kq->pending);
    kq->npending -= done;
    EddyError err;
    err_clear(&err);
    if (nm > 0) kafka_consumer_commit(kq->consumer, merged, nm, !sync, &err);
    free(merged);
}

/* After a batch of a stateless query: queue its offsets behind its output instead of
 * waiting for the output (the next batch is processed while this one's records are
 * in flight), and commit what is acknowledged. At most 16 batches wait. */
static int stateless_batch_done(KafkaQuery *kq, const RawRecord *recs, int n, EddyError *err)
{
    if (kq->npending == 16) {
        int rc = kafka_producer_wait_acked(kq->producer, kq->pending[0].seq, 30000, err);
        if (rc < 0) return rc;
    }
    if (kq->npending == kq->cappending) {
        kq->cappending = kq->cappending ? kq->cappending * 2 : 16;
        kq->pending = xrealloc(kq->pending, (size_t)kq->cappending * sizeof *kq->pending);
    }
    PendingBatch *b = &kq->pending[kq->npending++];
    b->seq = kafka_producer_sent_seq(kq->producer);
    b->n = batch_offsets(kq, recs, n, &b->parts);
    commit_pending(kq, false, false);
    return kafka_producer_error(kq->producer, err);
}

/* Commits the group offsets after a processed batch of a stateful query, whose
 * output was flushed with its state (best effort, async). */
static void commit_batch(KafkaQuery *kq, const RawRecord *recs, int n)
{
    if (kq->transient || n == 0) return;
    KafkaPartition *parts;
    int np = batch_offsets(kq, recs, n, &parts);
    EddyError err;
    err_clear(&err);
    if (np > 0) kafka_consumer_commit(kq->consumer, parts, np, true, &err);
    free(parts);
}

/* Assign mode (push queries; persistent queries without consumer groups): every
 * partition of every input topic, each from where the query stands: the offset
 * kept with its state, else (persistent) the group's committed offset, else the
 * start of an internal topic, else the beginning or end as auto.offset.reset
 * says. Offsets are absolute (see kafka_consumer_assign_topic on why). */
static int kq_assign_all(KafkaQuery *kq, const char *const *topics, int nt, EddyError *err)
{
    Engine *e = kq->e;
    KafkaPartition *parts = NULL;
    int np = 0;
    for (int i = 0; i < nt; i++) {
        int n = 0;
        if (!engine_kafka_topic_exists(e, topics[i], &n) || n <= 0) continue;
        parts = xrealloc(parts, sizeof(KafkaPartition) * (size_t)(np + n));
        for (int p = 0; p < n; p++)
            parts[np++] = (KafkaPartition){topics[i], p, KAFKA_OFFSET_INVALID};
    }
    if (kq->nworkers > 1) {
        /* This stream thread's share: every nworkers-th partition. */
        int kept = 0;
        for (int i = 0; i < np; i++)
            if (i % kq->nworkers == kq->worker) parts[kept++] = parts[i];
        np = kept;
    }
    if (np == 0) {
        free(parts);
        return 0;
    }
    EddyError ce;
    err_clear(&ce);
    if (!kq->transient && kafka_consumer_committed(kq->consumer, parts, np, 10000, &ce) < 0)
        for (int i = 0; i < np; i++)
            parts[i].offset = KAFKA_OFFSET_INVALID;
    bool stateful = kq->q && query_is_stateful(kq->q);
    int rc = 0;
    for (int i = 0; i < np && rc == 0; i++) {
        /* Asking every partition's leader also connects to it now: a consumer
         * otherwise first fetches up to a second after the assignment. */
        int64_t next, lo = 0, hi = 0;
        if (kafka_consumer_watermarks(kq->consumer, parts[i].topic, parts[i].partition, &lo, &hi,
                                      5000, err) < 0) {
            rc = ERR_IO;
            break;
        }
        if (stateful &&
            query_committed_offset(kq->q, parts[i].topic, parts[i].partition, &next) == 0)
            parts[i].offset = next;
        bool internal = strncmp(parts[i].topic, "_confluent-ksql-", 16) == 0;
        if (parts[i].offset < 0) parts[i].offset = (stateful && internal) || kq->earliest ? lo : hi;
        /* Records before lo are gone (retention): resume at the oldest kept. */
        if (parts[i].offset < lo) parts[i].offset = lo;
        if (parts[i].offset > hi) parts[i].offset = hi;
    }
    if (rc == 0) rc = kafka_consumer_assign(kq->consumer, parts, np, err);
    free(parts);
    return rc;
}

static void *kq_main(void *arg)
{
    KafkaQuery *kq = arg;
    /* Named for perf and top (it would inherit the name of the HTTP thread that
     * started it): "q:" and the end of the query id, 15 bytes at most. */
    char tname[16];
    size_t idl = strlen(kq->id);
    snprintf(tname, sizeof tname, "q:%s", kq->id + (idl > 13 ? idl - 13 : 0));
    pthread_setname_np(pthread_self(), tname);
    EddyError err;
    err_clear(&err);
    const char *const *topics;
    int nt = query_input_topics(kq->q, &topics);
    if (kq->transient || !kq->e->kafka->groups) {
        if (kq_assign_all(kq, topics, nt, &err) < 0) {
            fprintf(stderr, "eddyd: query %s: %s\n", kq->id, err.msg);
            if (kq->rq) kq->rq->state = QS_ERROR;
            kq->finished = 1;
            return NULL;
        }
    } else if (kafka_consumer_subscribe(kq->consumer, topics, nt, &err) < 0) {
        if (kq->rq) kq->rq->state = QS_ERROR;
        kq->finished = 1;
        return NULL;
    }
    int64_t last_punct = now_ms();
    while (!kq->stop) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(kq->consumer, 10000, 100, &recs, &err);
        if (n < 0) {
            if (kq->rq) kq->rq->state = QS_ERROR;
            break;
        }
        if (n == 0) {
            kafka_consumer_release_batch(kq->consumer);
            commit_pending(kq, false, false);
        }
        if (n > 0) {
            int rc = query_process(kq->q, recs, n, &err);
            if (rc == 0 && !query_is_stateful(kq->q) && !kq->transient)
                rc = stateless_batch_done(kq, recs, n, &err);
            else if (rc == 0)
                commit_batch(kq, recs, n);
            kafka_consumer_release_batch(kq->consumer);
            if (rc < 0) {
                if (kq->rq) kq->rq->state = QS_ERROR;
                fprintf(stderr, "eddyd: query %s failed: %s\n", kq->id, err.msg);
                break;
            }
        }
        int64_t now = now_ms();
        if (now - last_punct >= 1000) {
            query_punctuate(kq->q, now, &err);
            last_punct = now;
        }
    }
    if (kafka_producer_flush(kq->producer, 10000, &err) == 0) commit_pending(kq, true, true);
    kq->finished = 1;
    return NULL;
}

/* The query's consumer (in its group) and producer. */
static int kq_open_clients(KafkaQuery *kq, EddyError *err)
{
    KafkaEngine *k = kq->e->kafka;
    KafkaConsumerConfig cc = {0};
    cc.bootstrap_servers = k->bootstrap;
    cc.group_id = kq->transient ? NULL : kq->group;
    cc.client_id = kq->id;
    cc.offset_reset = kq->earliest ? KAFKA_RESET_EARLIEST : KAFKA_RESET_LATEST;
    cc.props = k->props;
    cc.nprops = k->nprops;
    cc.on_rebalance = kq_rebalance;
    cc.rebalance_ctx = kq;
    /* The stream threads of a query share the default 64 MB of prefetched records. */
    if (kq->nworkers > 1) cc.prefetch_kbytes = 65536 / kq->nworkers;
    kq->consumer = kafka_consumer_new(&cc, err);
    if (!kq->consumer) return ERR_IO;
    KafkaProducerConfig pc = {0};
    pc.bootstrap_servers = k->bootstrap;
    pc.client_id = kq->id;
    pc.props = k->props;
    pc.nprops = k->nprops;
    kq->producer = kafka_producer_new(&pc, err);
    return kq->producer ? 0 : ERR_IO;
}

static int kq_run(KafkaQuery *kq, EddyError *err)
{
    kq->stop = 0;
    if (pthread_create(&kq->thread, NULL, kq_main, kq) != 0)
        return err_set(err, ERR_INTERNAL, -1, "cannot start query thread: %s", strerror(errno));
    kq->started = true;
    return 0;
}

/* Stream threads for a persistent query: ksql.streams.num.stream.threads, else
 * one per CPU (at most 4). Only stateless queries use more than one: a stateful
 * query's batches share one LMDB write transaction, which one thread at a time
 * can hold, so more threads would wait for each other. */
static int kq_thread_count(const QueryEnv *env)
{
    const char *v = props_get(env->props, "ksql.streams.num.stream.threads");
    if (!v) v = props_get(env->props, "num.stream.threads");
    long n = 0;
    if (v) {
        char *end;
        n = strtol(v, &end, 10);
        if (*end || n < 1) n = 1;
    } else {
        n = sysconf(_SC_NPROCESSORS_ONLN);
        if (n > 4) n = 4;
        if (n < 1) n = 1;
    }
    return n > 64 ? 64 : (int)n;
}

/* Worker 1..n-1 of a stateless persistent query: the same plan and properties,
 * its own Query, clients and thread. */
static int kq_add_workers(KafkaQuery *kq, Plan *plan, const QueryEnv *qenv, EddyError *err)
{
    for (int w = 1; w < kq->nworkers; w++) {
        KafkaQuery *s = xcalloc(1, sizeof *s);
        kq->workers[w] = s;
        s->e = kq->e;
        s->rq = kq->rq;
        s->id = xstrdup(kq->id);
        s->group = xstrdup(kq->group);
        s->earliest = kq->earliest;
        s->worker = w;
        s->nworkers = kq->nworkers;
        QueryIO io = {s, kq_produce, NULL, kq_sync};
        s->q = query_new(qenv, plan_ref(plan), kq->id, &io, err);
        if (!s->q) return ERR_INTERNAL;
        if (kq_open_clients(s, err) < 0) return ERR_IO;
    }
    return 0;
}

static int kq_start(Engine *e, KafkaQuery *kq, Plan *plan, const QueryEnv *env, EddyError *err)
{
    KafkaEngine *k = e->kafka;
    QueryIO io = {kq, kq_produce, kq->transient ? kq_push : NULL, kq_sync};
    QueryEnv qenv = *env;
    qenv.changelogs = !kq->transient;
    /* ksqlDB caches aggregation results between commits unless its cache is 0. */
    const char *cache = props_get(env->props, "ksql.streams.cache.max.bytes.buffering");
    if (!cache) cache = props_get(env->props, "cache.max.bytes.buffering");
    qenv.coalesce_changes = !kq->transient && !(cache && strtoll(cache, NULL, 10) == 0);
    if (kq->transient) {
        qenv.inprocess_repartition = true;
        qenv.single_task = true;
        io.sync = NULL;
    }
    kq->q = query_new(&qenv, plan, kq->id, &io, err);
    if (!kq->q) return ERR_INTERNAL;
    /* Internal topics: repartition topics with the source's partition count. */
    if (!qenv.inprocess_repartition) {
        int src_parts = 1;
        for (int j = 0; j < plan->nsteps; j++)
            if (plan->steps[j]->kind == STEP_SOURCE) {
                int p = 0;
                if (engine_kafka_topic_exists(e, plan->steps[j]->topic, &p) && p > src_parts)
                    src_parts = p;
            }
        for (int i = 0; i < plan->nsteps; i++) {
            const Step *s = plan->steps[i];
            if (s->kind == STEP_AGGREGATE && s->changelog_topic) {
                int actual;
                EddyError te;
                err_clear(&te);
                engine_kafka_topic_create(e, s->changelog_topic, src_parts, 1, -1, &actual, &te);
            }
            if (s->kind != STEP_REKEY || !s->repartition) continue;
            int actual;
            EddyError te;
            err_clear(&te);
            engine_kafka_topic_create(e, s->repartition_topic, src_parts, 1, -1, &actual, &te);
        }
    }
    char group[600];
    if (kq->transient)
        snprintf(group, sizeof group, "_confluent-ksql-%stransient_%s_%lld", k->service_id, kq->id,
                 (long long)now_ms());
    else
        snprintf(group, sizeof group, "_confluent-ksql-%squery_%s", k->service_id, kq->id);
    kq->group = xstrdup(group);
    const char *reset = props_get(env->props, "auto.offset.reset");
    if (!reset) reset = props_get(env->props, "ksql.streams.auto.offset.reset");
    kq->earliest = reset && strcmp(reset, "earliest") == 0;
    kq->nworkers = kq->transient || query_is_stateful(kq->q) ? 1 : kq_thread_count(env);
    kq->workers = xcalloc((size_t)kq->nworkers, sizeof *kq->workers);
    kq->workers[0] = kq;
    if (kq_open_clients(kq, err) < 0) return ERR_IO;
    if (!kq->transient && restore_state(e, kq, err) < 0) return err->code ? err->code : ERR_IO;
    if (kq_add_workers(kq, plan, &qenv, err) < 0) return err->code ? err->code : ERR_INTERNAL;
    for (int w = 0; w < kq->nworkers; w++)
        if (kq_run(kq->workers[w], err) < 0) return ERR_INTERNAL;
    return 0;
}

/* Stops one worker's thread and closes its clients. */
static void kq_stop_one(KafkaQuery *kq)
{
    if (kq->started) pthread_join(kq->thread, NULL);
    kq->started = false;
    kafka_consumer_close(kq->consumer);
    kq->consumer = NULL;
    kafka_producer_close(kq->producer, 5000);
    kq->producer = NULL;
    for (int i = 0; i < kq->npending; i++)
        free(kq->pending[i].parts);
    free(kq->pending);
    kq->pending = NULL;
    kq->npending = kq->cappending = 0;
}

/* Stops every stream thread of a query (all are told first, so they wind down
 * together). */
static void kq_stop(KafkaQuery *kq)
{
    if (!kq) return;
    kq->stop = 1;
    for (int w = 1; w < kq->nworkers; w++)
        if (kq->workers[w]) kq->workers[w]->stop = 1;
    kq_stop_one(kq);
    for (int w = 1; w < kq->nworkers; w++)
        if (kq->workers[w]) kq_stop_one(kq->workers[w]);
}

/* Frees workers 1..n-1 (worker 0's Query belongs to the RunningQuery). */
static void kq_free_workers(KafkaQuery *kq)
{
    for (int w = 1; w < kq->nworkers; w++) {
        KafkaQuery *s = kq->workers[w];
        if (!s) continue;
        query_free(s->q);
        free(s->group);
        free(s->id);
        free(s);
    }
    free(kq->workers);
    kq->workers = NULL;
    kq->nworkers = 0;
}

int engine_kafka_start_query(Engine *e, RunningQuery *rq, Plan *plan, const QueryEnv *env,
                             EddyError *err)
{
    KafkaQuery *kq = xcalloc(1, sizeof *kq);
    kq->e = e;
    kq->rq = rq;
    kq->id = xstrdup(rq->id);
    rq->kq = kq;
    if (kq_start(e, kq, plan, env, err) < 0) {
        if (!kq->q) plan_free(plan);
        return err->code ? err->code : ERR_IO;
    }
    rq->q = kq->q;
    return 0;
}

void engine_kafka_stop_query(Engine *e, RunningQuery *rq)
{
    (void)e;
    KafkaQuery *kq = rq->kq;
    if (!kq) return;
    kq_stop(kq);
    /* Worker 0's Query is freed by rq_free (rq->q). */
    kq_free_workers(kq);
    free(kq->group);
    free(kq->id);
    free(kq);
    rq->kq = NULL;
}

void engine_kafka_pause_query(Engine *e, RunningQuery *rq, bool pause)
{
    (void)e;
    KafkaQuery *kq = rq->kq;
    if (!kq) return;
    if (pause) {
        /* Leave the group: the committed offsets mark where to resume. */
        kq_stop(kq);
        return;
    }
    if (kq->started) return;
    EddyError err;
    err_clear(&err);
    for (int w = 0; w < kq->nworkers; w++)
        if (kq_open_clients(kq->workers[w], &err) < 0 || kq_run(kq->workers[w], &err) < 0) {
            rq->state = QS_ERROR;
            return;
        }
}

/* Sums the known lags of a query's stream threads' consumers. */
int64_t engine_kafka_query_lag(const KafkaQuery *kq)
{
    int64_t lag = -1;
    for (int w = 0; w < kq->nworkers; w++) {
        KafkaConsumer *c = kq->workers[w]->consumer;
        if (!c) continue;
        KafkaConsumerStats st;
        kafka_consumer_stats(c, &st);
        if (st.lag >= 0) lag = (lag < 0 ? 0 : lag) + st.lag;
    }
    return lag;
}

/* Sums the statistics of a query's stream threads. */
void engine_kafka_query_stats(const KafkaQuery *kq, QueryStats *out)
{
    memset(out, 0, sizeof *out);
    uint64_t most_errors = 0;
    for (int w = 0; w < kq->nworkers; w++) {
        const QueryStats *s = query_stats(kq->workers[w]->q);
        out->consumed += s->consumed;
        out->produced += s->produced;
        out->errors += s->errors;
        out->late_dropped += s->late_dropped;
        if (s->last_message_ms > out->last_message_ms) out->last_message_ms = s->last_message_ms;
        if (s->errors > most_errors) {
            most_errors = s->errors;
            memcpy(out->last_error, s->last_error, sizeof out->last_error);
        }
    }
}

/* ---------------------------------------------------------------- push queries */

PushQuery *engine_push_start(Engine *e, Plan *plan, const char *id, bool from_beginning,
                             PushRowFn fn, void *ctx, EddyError *err)
{
    if (e->mode == ENGINE_MEMORY) {
        MemPush *mp = engine_mem_push_start(e, plan, id, from_beginning, fn, ctx, err);
        if (!mp) return NULL;
        PushQuery *mq = xcalloc(1, sizeof *mq);
        mq->mem = mp;
        return mq;
    }
    if (e->mode != ENGINE_KAFKA) {
        plan_free(plan);
        err_set(err, ERR_UNSUPPORTED, -1, "push queries need the Kafka engine");
        return NULL;
    }
    PushQuery *pq = xcalloc(1, sizeof *pq);
    KafkaQuery *kq = &pq->kq;
    kq->e = e;
    kq->transient = true;
    kq->push_fn = fn;
    kq->push_ctx = ctx;
    kq->id = xstrdup(id);
    kq->earliest = from_beginning;
    QueryEnv env = {0};
    env.state = e->state;
    env.processing_log_topic = NULL;
    props_init(&pq->props);
    props_merge(&pq->props, &e->props);
    props_set(&pq->props, "auto.offset.reset", from_beginning ? "earliest" : "latest");
    env.props = &pq->props;
    int rc = kq_start(e, kq, plan, &env, err);
    if (rc < 0) {
        if (!kq->q) plan_free(plan);
        engine_push_stop(pq);
        return NULL;
    }
    return pq;
}

void engine_push_stop(PushQuery *pq)
{
    if (!pq) return;
    if (pq->mem) {
        engine_mem_push_stop(pq->mem);
        free(pq);
        return;
    }
    KafkaQuery *kq = &pq->kq;
    kq_stop(kq);
    if (kq->q) {
        query_drop_state(kq->q);
        query_free(kq->q);
    }
    kq_free_workers(kq);
    free(kq->group);
    free(kq->id);
    props_free(&pq->props);
    free(pq);
}

const char *engine_push_id(const PushQuery *pq)
{
    return pq->mem ? engine_mem_push_id(pq->mem) : pq->kq.id;
}

bool engine_push_finished(const PushQuery *pq)
{
    if (pq->mem) return engine_mem_push_finished(pq->mem);
    return pq->kq.finished || pq->kq.stop;
}
