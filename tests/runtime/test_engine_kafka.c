/*
 * test_engine_kafka.c - the engine end to end on the embedded broker: an external
 * producer writes JSON records (some malformed) to a topic; a CREATE STREAM AS
 * SELECT with a filter and functions runs in its own query thread; a consumer
 * reads exactly the expected records from the sink topic, and the processing log
 * holds one entry per malformed record. Also: INSERT INTO ... VALUES reaches the
 * sink through the running query.
 */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../src/common/murmur2.h"
#include "../../src/runtime/broker.h"
#include "../../src/runtime/engine.h"
#include "../../src/runtime/kafka_io.h"
#include "../../src/runtime/rowcodec.h"
#include "../../src/runtime/state.h"
#include "../../src/server/executor.h"
#include "../../src/server/processing_log.h"
#include "../support/engine_env.h"

typedef EngineEnv Env;

static void env_start(Env *v)
{
    engine_env_start(v, "engine");
    EddyError err;
    err_clear(&err);
    Props none;
    props_init(&none);
    ck_assert_int_eq(processing_log_setup(v->exec, v->engine, &none, &err), 0);
    props_free(&none);
    ck_assert_ptr_nonnull(catalog_find(engine_catalog(v->engine), "KSQL_PROCESSING_LOG"));
}

/* Reads every record of `topic` until `want` arrived or the deadline passed. */
static int consume(Env *v, const char *topic, int want, int timeout_ms, json_t *out)
{
    EddyError err;
    err_clear(&err);
    int64_t deadline = env_mono_ms() + timeout_ms;
    KafkaConsumer *c = env_topic_reader(v, topic);
    int got = 0;
    while (got < want && env_mono_ms() < deadline) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(c, 500, 200, &recs, &err);
        ck_assert_int_ge(n, 0);
        for (int i = 0; i < n; i++) {
            json_t *r = json_object();
            json_object_set_new(
                r, "key", recs[i].key ? json_stringn(recs[i].key, recs[i].key_len) : json_null());
            json_object_set_new(r, "value",
                                recs[i].value ? json_stringn(recs[i].value, recs[i].value_len)
                                              : json_null());
            json_array_append_new(out, r);
            got++;
        }
        kafka_consumer_release_batch(c);
    }
    kafka_consumer_close(c);
    return got;
}

static void send_record(KafkaProducer *p, const char *topic, const char *key, const char *val,
                        int64_t ts)
{
    env_send(p, topic, key, key ? strlen(key) : 0, val, ts);
}

START_TEST(csas_filters_functions_and_processing_log)
{
    Env v;
    env_start(&v);
    engine_env_sql(&v,
                   "CREATE STREAM pageviews (K STRING KEY, USER STRING, MS INT) "
                   "WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON', PARTITIONS=2);"
                   "CREATE STREAM slow AS SELECT K, UCASE(USER) AS U, MS * 2 AS MS2 FROM pageviews "
                   "WHERE MS > 10;");
    /* An external producer: 60 records, every 10th malformed. */
    KafkaProducer *p = env_producer(&v);
    int expected = 0, malformed = 0;
    for (int i = 0; i < 60; i++) {
        char key[16], val[128];
        snprintf(key, sizeof key, "k%d", i);
        if (i % 10 == 9) {
            snprintf(val, sizeof val,
                     i % 20 == 9 ? "{not json" : "{\"user\":\"u\",\"ms\":\"abc\"}");
            malformed++;
        } else {
            snprintf(val, sizeof val, "{\"user\":\"user%d\",\"ms\":%d}", i, i);
            if (i > 10) expected++;
        }
        send_record(p, "pageviews", key, val, 1700000000000LL + i);
    }
    env_producer_done(p);

    json_t *out = json_array();
    int got = consume(&v, "SLOW", expected, 30000, out);
    ck_assert_int_eq(got, expected);
    /* Every output is an upper-cased user with doubled milliseconds. */
    size_t i;
    json_t *r;
    json_array_foreach(out, i, r)
    {
        const char *k = json_string_value(json_object_get(r, "key"));
        int n = atoi(k + 1);
        char want[128];
        snprintf(want, sizeof want, "{\"U\":\"USER%d\",\"MS2\":%d}", n, 2 * n);
        ck_assert_str_eq(json_string_value(json_object_get(r, "value")), want);
        ck_assert_int_gt(n, 10);
        ck_assert_int_ne(n % 10, 9);
    }
    json_decref(out);

    json_t *log = json_array();
    ck_assert_int_eq(consume(&v, "default_ksql_processing_log", malformed, 10000, log), malformed);
    json_array_foreach(log, i, r)
    {
        const char *val = json_string_value(json_object_get(r, "value"));
        ck_assert_ptr_nonnull(strstr(val, "\"topic\":\"pageviews\""));
        ck_assert_ptr_nonnull(strstr(val, "deserializationError"));
    }
    json_decref(log);

    /* The processing log is a stream users can query. */
    engine_env_sql(&v, "CREATE STREAM bad AS SELECT MESSAGE->DESERIALIZATIONERROR->`topic` AS T, "
                       "MESSAGE->`OFFSET` AS O FROM KSQL_PROCESSING_LOG;");
    json_t *bad = json_array();
    ck_assert_int_eq(consume(&v, "BAD", malformed, 15000, bad), malformed);
    json_array_foreach(bad, i, r)
    {
        const char *val = json_string_value(json_object_get(r, "value"));
        ck_assert_ptr_nonnull(strstr(val, "\"T\":\"pageviews\""));
    }
    json_decref(bad);

    /* INSERT VALUES goes through the running query too. */
    engine_env_sql(&v, "INSERT INTO pageviews (K, USER, MS) VALUES ('k100', 'ann', 50);");
    json_t *again = json_array();
    ck_assert_int_eq(consume(&v, "SLOW", expected + 1, 15000, again), expected + 1);
    json_t *last = json_array_get(again, json_array_size(again) - 1);
    int found = 0;
    json_array_foreach(again, i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "key")), "k100") == 0) {
            ck_assert_str_eq(json_string_value(json_object_get(r, "value")),
                             "{\"U\":\"ANN\",\"MS2\":100}");
            found++;
        }
    }
    (void)last;
    ck_assert_int_eq(found, 1);
    json_decref(again);
    engine_env_stop(&v);
}
END_TEST

/* Threads of this process named after a query ("q:" and the end of its id). */
static int query_threads(const char *qid)
{
    char want[16];
    size_t idl = strlen(qid);
    snprintf(want, sizeof want, "q:%s", qid + (idl > 13 ? idl - 13 : 0));
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char path[300], name[32] = "";
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", de->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        if (fgets(name, sizeof name, f)) name[strcspn(name, "\n")] = 0;
        fclose(f);
        if (strcmp(name, want) == 0) n++;
    }
    closedir(d);
    return n;
}

/* A stateless query on several stream threads (ksql.streams.num.stream.threads):
 * the threads share the partitions, every record comes out exactly once, the
 * query's statistics add up, and every partition's offset is committed. */
START_TEST(stateless_query_on_stream_threads)
{
    Env v;
    env_start(&v);
    engine_env_sql(&v, "CREATE STREAM src (K STRING KEY, N INT) "
                       "WITH (KAFKA_TOPIC='src5', VALUE_FORMAT='JSON', PARTITIONS=5);");
    Props over;
    props_init(&over);
    props_set(&over, "ksql.streams.num.stream.threads", "3");
    ExecRequest req = {"CREATE STREAM dst AS SELECT K, N + 1 AS M FROM src;", &over, NULL, false,
                       false};
    json_t *ents = NULL;
    ExecError xe;
    ck_assert_int_eq(executor_run(v.exec, &req, &ents, &xe), 0);
    json_decref(ents);
    props_free(&over);

    KafkaProducer *p = env_producer(&v);
    enum { N = 3000 };
    for (int i = 0; i < N; i++) {
        char key[16], val[64];
        snprintf(key, sizeof key, "k%d", i);
        snprintf(val, sizeof val, "{\"n\":%d}", i);
        send_record(p, "src5", key, val, 1700000000000LL + i);
    }
    env_producer_done(p);

    json_t *out = json_array();
    ck_assert_int_eq(consume(&v, "DST", N, 30000, out), N);
    static unsigned char seen[N];
    memset(seen, 0, sizeof seen);
    size_t i;
    json_t *r;
    json_array_foreach(out, i, r)
    {
        int k = atoi(json_string_value(json_object_get(r, "key")) + 1);
        ck_assert(k >= 0 && k < N);
        char want[64];
        snprintf(want, sizeof want, "{\"M\":%d}", k + 1);
        ck_assert_str_eq(json_string_value(json_object_get(r, "value")), want);
        seen[k]++;
    }
    for (int k = 0; k < N; k++)
        ck_assert_int_eq(seen[k], 1);
    json_decref(out);

    RunningQuery *rq = engine_query_at(v.engine, engine_query_count(v.engine) - 1);
    ck_assert_ptr_nonnull(rq);
    int64_t deadline = env_mono_ms() + 10000;
    while (rq_stats(rq).consumed < N && env_mono_ms() < deadline)
        usleep(50000);
    ck_assert_uint_eq(rq_stats(rq).consumed, N);
    ck_assert_uint_eq(rq_stats(rq).produced, N);
    ck_assert_int_eq(query_threads(rq_id(rq)), 3);
    /* Everything read: the consumers' lag is known and 0. */
    deadline = env_mono_ms() + 10000;
    while (rq_consumer_lag(rq) != 0 && env_mono_ms() < deadline)
        usleep(50000);
    ck_assert_int_eq(rq_consumer_lag(rq), 0);

    /* Every partition's offset is committed, whichever thread owned it. */
    EddyError err;
    err_clear(&err);
    char group[256];
    snprintf(group, sizeof group, "_confluent-ksql-default_query_%s", rq_id(rq));
    KafkaConsumerConfig cc = {0};
    cc.bootstrap_servers = broker_bootstrap_servers(v.broker);
    cc.group_id = group;
    KafkaConsumer *c = kafka_consumer_new(&cc, &err);
    ck_assert_ptr_nonnull(c);
    int64_t total = 0;
    deadline = env_mono_ms() + 10000;
    do {
        KafkaPartition parts[5];
        for (int k = 0; k < 5; k++)
            parts[k] = (KafkaPartition){"src5", k, KAFKA_OFFSET_INVALID};
        ck_assert_int_eq(kafka_consumer_committed(c, parts, 5, 5000, &err), 0);
        total = 0;
        for (int k = 0; k < 5; k++)
            total += parts[k].offset > 0 ? parts[k].offset : 0;
        if (total < N) usleep(100000);
    } while (total < N && env_mono_ms() < deadline);
    ck_assert_int_eq(total, N);
    kafka_consumer_close(c);
    engine_env_stop(&v);
}
END_TEST

static int count_of(void *ctx, const Row *row)
{
    long *totals = ctx;
    /* Key column 0 is the user number, value column 1 the count. */
    int u = row->cols[0].kind == TYPE_INT ? row->cols[0].u.i : -1;
    if (u >= 0 && u < 8) totals[u] = row->cols[1].u.l;
    return 0;
}

static void produce_counts(Env *v, int from, int to)
{
    KafkaProducer *p = env_producer(v);
    for (int i = from; i < to; i++) {
        char val[64];
        snprintf(val, sizeof val, "{\"u\":%d}", i % 8);
        send_record(p, "clicks", NULL, val, 1700000000000LL + i);
    }
    env_producer_done(p);
}

/* Waits until the table's counts add up to `total`. */
static long wait_total(Env *v, const char *qid, long total, long *totals)
{
    int64_t deadline = env_mono_ms() + 40000;
    long sum = 0;
    while (env_mono_ms() < deadline) {
        memset(totals, 0, sizeof(long) * 8);
        EddyError err;
        err_clear(&err);
        engine_scan_table(v->engine, qid, count_of, totals, &err);
        sum = 0;
        for (int i = 0; i < 8; i++)
            sum += totals[i];
        if (sum >= total) break;
        usleep(200000);
    }
    return sum;
}

/* Rows a push query delivered (its engine thread calls this). */
typedef struct PushSeen {
    volatile int rows;
    char ids[64]; /* the ID column of every row, in arrival order */
} PushSeen;

static int push_row_seen(void *ctx, const Row *row, bool tombstone)
{
    PushSeen *ps = ctx;
    size_t used = strlen(ps->ids);
    if (!tombstone && row->cols[0].kind == TYPE_STRING && used + row->cols[0].len < sizeof ps->ids)
        snprintf(ps->ids + used, sizeof ps->ids - used, "%.*s", (int)row->cols[0].len,
                 row->cols[0].u.s);
    ps->rows++;
    return 0;
}

/* A push query on the Kafka engine reads from the beginning and delivers rows that
 * arrive later from another producer; its properties outlive the call that started
 * it (its thread reads them as it makes tasks; under ASan a dangling pointer here
 * was a crash). */
START_TEST(push_query_on_kafka)
{
    Env v;
    env_start(&v);
    engine_env_sql(&v, "CREATE STREAM riders (ID STRING, LAT DOUBLE) WITH (KAFKA_TOPIC='riders', "
                       "VALUE_FORMAT='JSON', PARTITIONS=2);");
    engine_env_sql(&v, "INSERT INTO riders (ID, LAT) VALUES ('a', 1.5);");
    ExecRequest req = {"SELECT ID, LAT FROM riders EMIT CHANGES;", NULL, NULL, false, false};
    PreparedQuery pq;
    ExecError xe;
    ck_assert_int_eq(executor_prepare_query(v.exec, &req, &pq, &xe), 0);
    PushSeen seen = {0};
    EddyError err;
    err_clear(&err);
    engine_lock(v.engine);
    PushQuery *p =
        engine_push_start(v.engine, pq.plan, "transient_T_1", true, push_row_seen, &seen, &err);
    engine_unlock(v.engine);
    pq.plan = NULL;
    ck_assert_msg(p != NULL, "%s", err.msg);
    /* another producer writes to the topic while the query runs */
    KafkaProducer *prod = env_producer(&v);
    send_record(prod, "riders", NULL, "{\"ID\":\"b\",\"LAT\":2.5}", 0);
    env_producer_done(prod);
    int64_t deadline = env_mono_ms() + 10000;
    while (seen.rows < 2 && env_mono_ms() < deadline)
        usleep(20000);
    engine_lock(v.engine);
    engine_push_stop(p);
    engine_unlock(v.engine);
    prepared_query_free(&pq);
    ck_assert_int_eq(seen.rows, 2);
    /* two partitions: the rows may arrive in either order */
    ck_assert_msg(strcmp(seen.ids, "ab") == 0 || strcmp(seen.ids, "ba") == 0, "rows: %s", seen.ids);
    engine_env_stop(&v);
}
END_TEST

START_TEST(lost_state_is_restored_from_kafka)
{
    Env v;
    env_start(&v);
    const char *ddl = "CREATE STREAM clicks (U INT) WITH (KAFKA_TOPIC='clicks', "
                      "VALUE_FORMAT='JSON', PARTITIONS=2);"
                      "CREATE TABLE per_user AS SELECT U, COUNT(*) AS N FROM clicks GROUP BY U;";
    engine_env_sql(&v, ddl);
    produce_counts(&v, 0, 400);
    long totals[8];
    ck_assert_int_eq(wait_total(&v, "CTAS_PER_USER_0", 400, totals), 400);
    /* Lose the data directory, as a replaced machine would. */
    engine_env_close(&v);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", v.dir);
    ck_assert_int_eq(system(cmd), 0);
    engine_env_open(&v);
    engine_env_sql(&v, ddl);
    produce_counts(&v, 400, 560);
    ck_assert_int_eq(wait_total(&v, "CTAS_PER_USER_0", 560, totals), 560);
    for (int u = 0; u < 8; u++)
        ck_assert_int_eq(totals[u], 70);
    engine_env_stop(&v);
}
END_TEST

/* Keys of a table's rows, in the order a scan meets them. */
typedef struct KeyOrder {
    int keys[64];
    int n;
} KeyOrder;

static int key_order(void *ctx, const Row *row)
{
    KeyOrder *ko = ctx;
    if (ko->n < 64) ko->keys[ko->n++] = row->cols[0].u.i;
    return 0;
}

static KeyOrder scan_keys(Env *v, const char *qid, int want)
{
    KeyOrder ko;
    int64_t deadline = env_mono_ms() + 20000;
    do {
        memset(&ko, 0, sizeof ko);
        EddyError err;
        err_clear(&err);
        engine_scan_table(v->engine, qid, key_order, &ko, &err);
        if (ko.n < want) usleep(100000);
    } while (ko.n < want && env_mono_ms() < deadline);
    return ko;
}

/* A table's store keys are its keys as Kafka has them (INT: 4 bytes big-endian),
 * so a scan meets 250..265 in order, as ksqlDB's store would. A store an older
 * eddy wrote with internal keys (little-endian: 256 before 250) is re-keyed when
 * the query starts: every row once, in order. */
START_TEST(table_store_keys_in_kafka_order_and_older_stores_rekeyed)
{
    Env v;
    env_start(&v);
    const char *ddl = "CREATE STREAM hits (U INT KEY, X INT) WITH (KAFKA_TOPIC='hits', "
                      "VALUE_FORMAT='JSON', PARTITIONS=1);"
                      "CREATE TABLE per_u AS SELECT U, COUNT(*) AS N FROM hits GROUP BY U;";
    engine_env_sql(&v, ddl);
    KafkaProducer *p = env_producer(&v);
    for (int u = 265; u >= 250; u--) {
        char key[4] = {0, 0, (char)(u >> 8), (char)u};
        env_send(p, "hits", key, 4, "{\"X\":1}", 0);
    }
    env_producer_done(p);
    KeyOrder ko = scan_keys(&v, "CTAS_PER_U_0", 16);
    ck_assert_int_eq(ko.n, 16);
    for (int i = 0; i < 16; i++)
        ck_assert_int_eq(ko.keys[i], 250 + i);

    /* Rewrite the store as an older eddy had it: rowcodec keys, no layout mark. */
    RunningQuery *rq = engine_query_find(v.engine, "CTAS_PER_U_0");
    ck_assert_ptr_nonnull(rq);
    char store[128];
    snprintf(store, sizeof store, "CTAS_PER_U_0#%d.0", rq_plan(rq)->root->id);
    engine_env_close(&v);
    EddyError err;
    err_clear(&err);
    StateEnv *env = state_env_open(v.dir, 0, false, &err);
    ck_assert_ptr_nonnull(env);
    StateStore st;
    ck_assert_int_eq(state_store_open(env, store, &st, &err), 0);
    StateTxn *txn;
    ck_assert_int_eq(state_txn_begin(env, true, &txn, &err), 0);
    for (int u = 250; u <= 265; u++) {
        char kafka_key[4] = {0, 0, (char)(u >> 8), (char)u};
        const void *val;
        size_t vl;
        ck_assert_int_eq(state_get(txn, st, kafka_key, 4, &val, &vl), 0);
        char *copy = malloc(vl);
        memcpy(copy, val, vl);
        StrBuf old = STRBUF_INIT;
        Value k = val_int(u);
        rowcodec_put_all(&old, &k, 1);
        ck_assert_int_eq(state_del(txn, st, kafka_key, 4), 0);
        ck_assert_int_eq(state_put(txn, st, old.data, old.len, copy, vl), 0);
        sb_free(&old);
        free(copy);
    }
    ck_assert_int_eq(state_offset_put(txn, store, "__key_layout", 0, 1), 0);
    ck_assert_int_eq(state_txn_commit(txn, &err), 0);
    state_env_close(env);

    engine_env_open(&v);
    engine_env_sql(&v, ddl);
    ko = scan_keys(&v, "CTAS_PER_U_0", 16);
    ck_assert_int_eq(ko.n, 16);
    for (int i = 0; i < 16; i++)
        ck_assert_int_eq(ko.keys[i], 250 + i);
    engine_env_stop(&v);
}
END_TEST

/* A windowed table's records go to the partition of their key without the
 * window, as Kafka Streams' WindowedStreamPartitioner puts them (so consumers
 * co-partitioned with ksqlDB find them where they expect). */
START_TEST(windowed_sink_partitioned_by_inner_key)
{
    Env v;
    env_start(&v);
    engine_env_sql(
        &v, "CREATE STREAM w (K INT KEY, X INT) WITH (KAFKA_TOPIC='w', VALUE_FORMAT='JSON', "
            "PARTITIONS=4);"
            "CREATE TABLE wc AS SELECT K, COUNT(*) AS N FROM w WINDOW TUMBLING (SIZE 1 SECOND) "
            "GROUP BY K;");
    KafkaProducer *p = env_producer(&v);
    for (int i = 0; i < 48; i++) {
        int k = i % 8;
        char key[4] = {0, 0, 0, (char)k};
        env_send(p, "w", key, 4, "{\"X\":1}", 1700000000000LL + i * 250);
    }
    env_producer_done(p);
    EddyError err;
    err_clear(&err);
    int64_t deadline = env_mono_ms() + 20000;
    KafkaConsumer *c = env_topic_reader(&v, "WC");
    int got = 0;
    while (got < 48 && env_mono_ms() < deadline) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(c, 500, 200, &recs, &err);
        ck_assert_int_ge(n, 0);
        for (int i = 0; i < n; i++) {
            ck_assert_int_eq(recs[i].key_len, 12); /* INT key + 8-byte window start */
            ck_assert_int_eq(recs[i].partition, kafka_partition_of(recs[i].key, 4, 4));
            got++;
        }
        kafka_consumer_release_batch(c);
    }
    kafka_consumer_close(c);
    ck_assert_int_eq(got, 48);
    engine_env_stop(&v);
}
END_TEST

/* Reads every record of a topic until none came for a second; counts them and
 * keeps the last value of each key (keys "0".."7" as the KAFKA INT 0..7). */
static int read_last_values(Env *v, const char *topic, char last[8][64])
{
    EddyError err;
    err_clear(&err);
    int64_t deadline = env_mono_ms() + 20000;
    KafkaConsumer *c = env_topic_reader(v, topic);
    int got = 0;
    int64_t idle = env_mono_ms();
    while (env_mono_ms() - idle < 1500 && env_mono_ms() < deadline) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(c, 1000, 100, &recs, &err);
        ck_assert_int_ge(n, 0);
        for (int i = 0; i < n; i++) {
            ck_assert_int_eq(recs[i].key_len, 4);
            int k = recs[i].key[3];
            ck_assert(k >= 0 && k < 8);
            snprintf(last[k], 64, "%.*s", (int)recs[i].value_len, recs[i].value);
            got++;
        }
        if (n > 0) idle = env_mono_ms();
        kafka_consumer_release_batch(c);
    }
    kafka_consumer_close(c);
    return got;
}

/* As ksqlDB's record cache does between commits, an aggregation emits one
 * update per key per batch: a backlog of 800 records for 2 keys comes out as
 * far fewer updates with exact final values; with the cache set to 0 every
 * update comes out. */
START_TEST(aggregation_updates_coalesced_per_batch)
{
    Env v;
    env_start(&v);
    engine_env_sql(
        &v, "CREATE STREAM ev (U INT KEY, X INT) WITH (KAFKA_TOPIC='ev', VALUE_FORMAT='JSON', "
            "PARTITIONS=1);");
    KafkaProducer *p = env_producer(&v);
    for (int i = 0; i < 800; i++) {
        char key[4] = {0, 0, 0, (char)(i % 2)};
        env_send(p, "ev", key, 4, "{\"X\":1}", 1700000000000LL + i);
    }
    env_producer_done(p);
    engine_env_sql(&v, "CREATE TABLE cached AS SELECT U, COUNT(*) AS N FROM ev GROUP BY U;");
    Props over;
    props_init(&over);
    props_set(&over, "ksql.streams.cache.max.bytes.buffering", "0");
    ExecRequest req = {"CREATE TABLE uncached AS SELECT U, COUNT(*) AS N FROM ev GROUP BY U;",
                       &over, NULL, false, false};
    json_t *ents = NULL;
    ExecError xe;
    ck_assert_int_eq(executor_run(v.exec, &req, &ents, &xe), 0);
    json_decref(ents);
    props_free(&over);

    char last[8][64];
    memset(last, 0, sizeof last);
    int64_t deadline = env_mono_ms() + 30000;
    int n = 0;
    while ((strcmp(last[0], "{\"N\":400}") != 0 || strcmp(last[1], "{\"N\":400}") != 0) &&
           env_mono_ms() < deadline)
        n = read_last_values(&v, "CACHED", last);
    ck_assert_str_eq(last[0], "{\"N\":400}");
    ck_assert_str_eq(last[1], "{\"N\":400}");
    ck_assert_int_lt(n, 100);
    memset(last, 0, sizeof last);
    deadline = env_mono_ms() + 30000;
    while (n != 800 && env_mono_ms() < deadline)
        n = read_last_values(&v, "UNCACHED", last);
    ck_assert_int_eq(n, 800);
    ck_assert_str_eq(last[1], "{\"N\":400}");
    engine_env_stop(&v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("engine_kafka");
    TCase *tc = tcase_create("embedded");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, csas_filters_functions_and_processing_log);
    tcase_add_test(tc, lost_state_is_restored_from_kafka);
    tcase_add_test(tc, push_query_on_kafka);
    tcase_add_test(tc, stateless_query_on_stream_threads);
    tcase_add_test(tc, table_store_keys_in_kafka_order_and_older_stores_rekeyed);
    tcase_add_test(tc, windowed_sink_partitioned_by_inner_key);
    tcase_add_test(tc, aggregation_updates_coalesced_per_batch);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
