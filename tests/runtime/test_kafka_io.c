/*
 * test_kafka_io.c - the embedded broker, topic administration and the Kafka consumer
 * and producer, end to end in one process: an embedded broker on a free port, a
 * 3-partition topic, 1,000 keyed records with headers produced and consumed by a group,
 * murmur2 placement checked against the Java client's, offsets committed and resumed
 * by a new group member; assign mode, the acknowledged watermark, property rules.
 *
 * Every test starts its own broker (Check forks per test unless CK_FORK=no, and a
 * forked child has none of the parent's librdkafka threads).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../src/runtime/broker.h"
#include "../../src/runtime/kafka_io.h"
#include "../../src/runtime/topic_admin.h"

#define NRECORDS 1000
#define TS_BASE  1700000000000LL

/* Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), written from the
 * algorithm, to check where librdkafka's murmur2 partitioner puts keys. */
static int32_t java_murmur2(const void *data, size_t len)
{
    const uint32_t m = 0x5bd1e995;
    const uint8_t *d = data;
    uint32_t h = 0x9747b28c ^ (uint32_t)len;
    size_t n4 = len / 4;
    for (size_t i = 0; i < n4; i++) {
        const uint8_t *p = d + 4 * i;
        uint32_t k = p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        k *= m;
        k ^= k >> 24;
        k *= m;
        h *= m;
        h ^= k;
    }
    const uint8_t *t = d + 4 * n4;
    switch (len % 4) {
    case 3: h ^= (uint32_t)t[2] << 16; /* fall through */
    case 2: h ^= (uint32_t)t[1] << 8;  /* fall through */
    case 1: h ^= t[0]; h *= m;
    }
    h ^= h >> 13;
    h *= m;
    h ^= h >> 15;
    return (int32_t)h;
}

static int32_t java_partition(const char *key, int nparts)
{
    return (int32_t)(((uint32_t)java_murmur2(key, strlen(key)) & 0x7fffffff) % (uint32_t)nparts);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static Broker *start_broker(void)
{
    EddyError err;
    err_clear(&err);
    BrokerConfig cfg = {.listen = "127.0.0.1:0", .quiet = true};
    Broker *b = broker_start(&cfg, &err);
    ck_assert_msg(b != NULL, "broker_start: %s", err.msg);
    return b;
}

static void create_topic(Broker *b, const char *name, int partitions)
{
    EddyError err;
    TopicAdminConfig ac = {.embedded = b};
    TopicAdmin *a = topic_admin_open(&ac, &err);
    ck_assert_msg(a != NULL, "topic_admin_open: %s", err.msg);
    TopicSpec spec = {.name = name, .partitions = partitions};
    bool created = false;
    ck_assert_msg(topic_admin_create(a, &spec, &created, &err) == 0, "%s", err.msg);
    ck_assert(created);
    topic_admin_close(a);
}

/* ---- murmur2 ------------------------------------------------------------------ */

START_TEST(murmur2_matches_java)
{
    /* Values from Kafka's UtilsTest.testMurmur2. */
    ck_assert_int_eq(java_murmur2("21", 2), -973932308);
    ck_assert_int_eq(java_murmur2("foobar", 6), -790332482);
    ck_assert_int_eq(java_murmur2("a-little-bit-long-string", 24), -985981536);
    ck_assert_int_eq(java_murmur2("a-little-bit-longer-string", 26), -1486304829);
    ck_assert_int_eq(java_murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", 48),
                     -58897971);
    ck_assert_int_eq(java_murmur2("abc", 3), 479470107);
}
END_TEST

/* ---- broker and topic admin ------------------------------------------------------ */

START_TEST(broker_topics)
{
    EddyError err;
    Broker *b = start_broker();
    const char *bs = broker_bootstrap_servers(b);
    ck_assert(strncmp(bs, "127.0.0.1:", 10) == 0 && strcmp(bs, "127.0.0.1:0") != 0);
    ck_assert_ptr_null(broker_control_address(b));

    /* The fixed address is taken: a second broker there fails with a clear message. */
    BrokerConfig busy = {.listen = bs, .quiet = true};
    ck_assert_ptr_null(broker_start(&busy, &err));
    ck_assert_int_eq(err.code, ERR_IO);
    ck_assert_msg(strstr(err.msg, "is in use") != NULL, "%s", err.msg);

    TopicAdminConfig ac = {.embedded = b, .timeout_ms = 3000};
    TopicAdmin *a = topic_admin_open(&ac, &err);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(topic_admin_kind(a), TOPIC_ADMIN_EMBEDDED);
    ck_assert_str_eq(topic_admin_bootstrap_servers(a), bs);

    bool created = false;
    TopicSpec spec = {.name = "pageviews", .partitions = 3};
    ck_assert_int_eq(topic_admin_create(a, &spec, &created, &err), 0);
    ck_assert(created);
    ck_assert_int_eq(topic_admin_create(a, &spec, &created, &err), 0); /* same: no error */
    ck_assert(!created);
    TopicSpec other = {.name = "pageviews", .partitions = 5};
    ck_assert_int_eq(topic_admin_create(a, &other, &created, &err), ERR_EXISTS);
    ck_assert_str_eq(err.msg, "Topic 'pageviews' already exists with 3 partitions and "
                              "replication factor 1; requested 5 partitions");
    TopicSpec bad = {.name = "bad name", .partitions = 1};
    ck_assert_int_eq(topic_admin_create(a, &bad, &created, &err), ERR_SEMANTIC);
    TopicSpec dflt = {.name = "users"}; /* no count: the broker's default (1) */
    ck_assert_int_eq(topic_admin_create(a, &dflt, &created, &err), 0);

    TopicDesc ti;
    ck_assert_int_eq(topic_admin_describe(a, "pageviews", &ti, &err), 0);
    ck_assert_str_eq(ti.name, "pageviews");
    ck_assert_int_eq(ti.partitions, 3);
    ck_assert_int_eq(ti.replicas, 1);
    ck_assert_int_eq(ti.partition_replicas[2], 1);
    topic_desc_clear(&ti);
    ck_assert_int_eq(topic_admin_describe(a, "nope", &ti, &err), ERR_NOT_FOUND);
    ck_assert_str_eq(err.msg, "Kafka topic 'nope' does not exist");

    TopicDesc *list = NULL;
    int n = topic_admin_list(a, &list, &err);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(list[0].name, "pageviews");
    ck_assert_str_eq(list[1].name, "users");
    ck_assert_int_eq(list[1].partitions, 1);
    topic_desc_free(list, n);
    /* describing a missing topic did not create it */
    ck_assert_int_eq(broker_topic_partitions(b, "nope", &err), ERR_NOT_FOUND);

    ck_assert_int_eq(topic_admin_delete(a, "users", &err), ERR_UNSUPPORTED);
    topic_admin_close(a);
    broker_stop(b);
}
END_TEST

/* The Admin API backend against the mock (which answers no CreateTopics/DeleteTopics):
 * the calls fail within the configured timeout instead of hanging. */
START_TEST(admin_api_bounded)
{
    EddyError err;
    Broker *b = start_broker();
    TopicAdminConfig ac = {.bootstrap_servers = broker_bootstrap_servers(b), .timeout_ms = 800};
    TopicAdmin *a = topic_admin_open(&ac, &err);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(topic_admin_kind(a), TOPIC_ADMIN_KAFKA);
    TopicSpec spec = {.name = "t", .partitions = 3};
    bool created;
    int64_t t0 = now_ms();
    ck_assert_int_eq(topic_admin_create(a, &spec, &created, &err), ERR_IO);
    ck_assert_msg(strstr(err.msg, "Timed out") != NULL, "%s", err.msg);
    ck_assert_int_eq(topic_admin_delete(a, "t", &err), ERR_IO);
    ck_assert(now_ms() - t0 < 4000);
    TopicDesc *list = NULL;
    ck_assert_int_eq(topic_admin_list(a, &list, &err), 0); /* metadata still works */
    topic_desc_free(list, 0);
    topic_admin_close(a);
    broker_stop(b);
}
END_TEST

/* ---- produce and consume with a group ------------------------------------------------ */

typedef struct Rebal {
    int assigned, revoked;
    int nparts;
} Rebal;

static void on_rebalance(void *ctx, KafkaRebalanceKind kind, KafkaPartition *parts, int n)
{
    Rebal *r = ctx;
    if (kind == KAFKA_ASSIGNED) {
        r->assigned++;
        r->nparts = n;
        for (int i = 0; i < n; i++)
            ck_assert_int_eq(parts[i].offset, KAFKA_OFFSET_STORED);
    } else {
        r->revoked++;
    }
}

static KafkaConsumer *group_consumer(const char *bs, const char *group, Rebal *rb)
{
    EddyError err;
    static const KafkaProp props[] = {
        {"ksql.streams.consumer.fetch.wait.max.ms", "50"},   /* role prefix applies */
        {"ksql.streams.producer.linger.ms", "not-a-number"}, /* other role: skipped */
        {"ksql.streams.num.stream.threads", "4"},            /* unknown here: skipped */
        /* the mock makes a re-joining group wait for the old member's session timeout */
        {"session.timeout.ms", "4000"},
        {"heartbeat.interval.ms", "500"},
    };
    KafkaConsumerConfig cc = {.bootstrap_servers = bs,
                              .group_id = group,
                              .offset_reset = KAFKA_RESET_EARLIEST,
                              .props = props,
                              .nprops = 5,
                              .on_rebalance = on_rebalance,
                              .rebalance_ctx = rb};
    KafkaConsumer *c = kafka_consumer_new(&cc, &err);
    ck_assert_msg(c != NULL, "%s", err.msg);
    const char *topics[] = {"orders"};
    ck_assert_int_eq(kafka_consumer_subscribe(c, topics, 1, &err), 0);
    return c;
}

typedef struct Seen {
    int count;
    unsigned char got[NRECORDS];
    int64_t max_offset[3]; /* per partition */
    int per_part[3];
} Seen;

/* Checks one consumed record against what the producer sent for its index. */
static void check_record(const RawRecord *r, Seen *s)
{
    ck_assert_str_eq(r->topic, "orders");
    ck_assert(r->key && r->key_len > 4 && strncmp(r->key, "key-", 4) == 0);
    char key[32];
    snprintf(key, sizeof key, "%.*s", (int)r->key_len, r->key);
    int i = atoi(key + 4);
    ck_assert(i >= 0 && i < NRECORDS);
    ck_assert_msg(!s->got[i], "record %d twice", i);
    s->got[i] = 1;
    s->count++;
    char val[32];
    int vl = snprintf(val, sizeof val, "value-%d", i);
    ck_assert_int_eq((int)r->value_len, vl);
    ck_assert(memcmp(r->value, val, (size_t)vl) == 0);
    ck_assert_int_eq(r->timestamp, TS_BASE + i);
    ck_assert_int_eq(r->partition, java_partition(key, 3));
    ck_assert(r->offset > s->max_offset[r->partition]);
    s->max_offset[r->partition] = r->offset;
    s->per_part[r->partition]++;
    ck_assert_int_eq(r->nheaders, i % 10 == 0 ? 2 : 1);
    ck_assert_int_eq((int)r->headers[0].key_len, 3);
    ck_assert(memcmp(r->headers[0].key, "seq", 3) == 0);
    char hv[16];
    int hl = snprintf(hv, sizeof hv, "%d", i);
    ck_assert_int_eq((int)r->headers[0].value_len, hl);
    ck_assert(memcmp(r->headers[0].value, hv, (size_t)hl) == 0);
    if (r->nheaders == 2) {
        ck_assert(r->headers[1].key_len == 4 && memcmp(r->headers[1].key, "null", 4) == 0);
        ck_assert_ptr_null(r->headers[1].value);
    }
}

/* Polls until `want` records were seen or the deadline passes. */
static void consume(KafkaConsumer *c, Seen *s, int want, int deadline_ms)
{
    EddyError err;
    int64_t end = now_ms() + deadline_ms;
    while (s->count < want && now_ms() < end) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(c, 500, 200, &recs, &err);
        ck_assert_msg(n >= 0, "%s", err.msg);
        for (int i = 0; i < n; i++)
            check_record(&recs[i], s);
        kafka_consumer_release_batch(c);
    }
}

START_TEST(group_roundtrip)
{
    EddyError err;
    Broker *b = start_broker();
    const char *bs = broker_bootstrap_servers(b);
    create_topic(b, "orders", 3);

    KafkaProducerConfig pc = {.bootstrap_servers = bs};
    KafkaProducer *p = kafka_producer_new(&pc, &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    for (int i = 0; i < NRECORDS; i++) {
        char key[32], val[32], hv[16];
        int kl = snprintf(key, sizeof key, "key-%d", i);
        int vl = snprintf(val, sizeof val, "value-%d", i);
        int hl = snprintf(hv, sizeof hv, "%d", i);
        RawHeader h[2] = {{"seq", 3, hv, (size_t)hl}, {"null", 4, NULL, 0}};
        RawRecord r = {.topic = "orders",
                       .partition = -1,
                       .timestamp = TS_BASE + i,
                       .key = key,
                       .key_len = (size_t)kl,
                       .value = val,
                       .value_len = (size_t)vl,
                       .nheaders = i % 10 == 0 ? 2 : 1,
                       .headers = h};
        int64_t seq = 0;
        ck_assert_int_eq(kafka_producer_send(p, &r, &seq, &err), 0);
        ck_assert_int_eq(seq, i + 1);
    }
    ck_assert_int_eq(kafka_producer_sent_seq(p), NRECORDS);
    ck_assert_msg(kafka_producer_flush(p, 5000, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(kafka_producer_acked_seq(p), NRECORDS);
    KafkaProducerStats ps;
    kafka_producer_stats(p, &ps);
    ck_assert_int_eq(ps.records, NRECORDS);
    ck_assert_int_eq(ps.acked, NRECORDS);
    ck_assert_int_eq(ps.in_flight, 0);
    ck_assert_int_eq(ps.failed, 0);
    kafka_producer_close(p, 1000);

    /* First member: reads everything. */
    Rebal rb = {0};
    KafkaConsumer *c = group_consumer(bs, "g-orders", &rb);
    Seen s = {.max_offset = {-1, -1, -1}};
    consume(c, &s, NRECORDS, 12000);
    ck_assert_int_eq(s.count, NRECORDS);
    ck_assert_int_eq(rb.assigned, 1);
    ck_assert_int_eq(rb.nparts, 3);

    KafkaConsumerStats cs;
    kafka_consumer_stats(c, &cs);
    ck_assert_int_eq(cs.records, NRECORDS);
    ck_assert_int_eq(cs.assigned, 3);
    KafkaPartitionLag lag[3];
    ck_assert_int_eq(kafka_consumer_lag(c, lag, 3), 3);
    int64_t total = 0;
    for (int i = 0; i < 3; i++) {
        int64_t lo, hi;
        ck_assert_int_eq(kafka_consumer_watermarks(c, "orders", i, &lo, &hi, 3000, &err), 0);
        ck_assert_int_eq(lo, 0);
        ck_assert_int_eq(hi, s.per_part[i]);
        total += hi;
        ck_assert_str_eq(lag[i].topic, "orders");
        ck_assert_int_eq(lag[i].lag, 0); /* everything consumed */
        ck_assert_int_eq(lag[i].end, lag[i].position);
    }
    ck_assert_int_eq(total, NRECORDS);
    ck_assert_int_eq(cs.lag, 0);

    /* Commit half of each partition, then leave the group. */
    KafkaPartition commit[3];
    int expect_rest = 0;
    for (int i = 0; i < 3; i++) {
        commit[i] = (KafkaPartition){"orders", i, s.per_part[i] / 2};
        expect_rest += s.per_part[i] - s.per_part[i] / 2;
    }
    ck_assert_msg(kafka_consumer_commit(c, commit, 3, false, &err) == 0, "%s", err.msg);
    KafkaPartition got[3] = {{"orders", 0, 0}, {"orders", 1, 0}, {"orders", 2, 0}};
    ck_assert_int_eq(kafka_consumer_committed(c, got, 3, 3000, &err), 0);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(got[i].offset, commit[i].offset);
    kafka_consumer_close(c);
    ck_assert_int_eq(rb.revoked, 1);

    /* A new member of the same group resumes at the committed offsets. */
    Rebal rb2 = {0};
    c = group_consumer(bs, "g-orders", &rb2);
    Seen s2 = {.max_offset = {-1, -1, -1}};
    int64_t t0 = now_ms();
    consume(c, &s2, expect_rest, 12000);
    fprintf(stderr, "second: %d records after %lld ms, assigned %d\n", s2.count,
            (long long)(now_ms() - t0), rb2.assigned);
    ck_assert_int_eq(s2.count, expect_rest);
    for (int pt = 0; pt < 3; pt++)
        ck_assert_int_eq(s2.per_part[pt], s.per_part[pt] - s.per_part[pt] / 2);
    /* nothing more arrives */
    const RawRecord *recs;
    ck_assert_int_eq(kafka_consumer_poll_batch(c, 100, 300, &recs, &err), 0);
    kafka_consumer_release_batch(c);
    kafka_consumer_close(c);
    broker_stop(b);
}
END_TEST

/* ---- assign mode, watermarks, seek ------------------------------------------------------ */

START_TEST(assign_mode)
{
    EddyError err;
    Broker *b = start_broker();
    const char *bs = broker_bootstrap_servers(b);
    create_topic(b, "events", 2);
    KafkaProducerConfig pc = {.bootstrap_servers = bs, .linger_ms = 1};
    KafkaProducer *p = kafka_producer_new(&pc, &err);
    ck_assert_ptr_nonnull(p);
    for (int i = 0; i < 20; i++) {
        char v[16];
        int vl = snprintf(v, sizeof v, "v%d", i);
        RawRecord r = {.topic = "events", .partition = i % 2, .value = v, .value_len = (size_t)vl};
        ck_assert_int_eq(kafka_producer_send(p, &r, NULL, &err), 0);
    }
    ck_assert_int_eq(kafka_producer_wait_acked(p, 20, 5000, &err), 0);
    kafka_producer_close(p, 1000);

    KafkaConsumerConfig cc = {.bootstrap_servers = bs};
    KafkaConsumer *c = kafka_consumer_new(&cc, &err);
    ck_assert_ptr_nonnull(c);
    const char *topics[] = {"events"};
    ck_assert_int_eq(kafka_consumer_subscribe(c, topics, 1, &err), ERR_SEMANTIC);
    int64_t t0 = now_ms();
    int rcm = kafka_consumer_assign_topic(c, "missing", KAFKA_OFFSET_BEGINNING, 3000, &err);
    ck_assert_msg(rcm == ERR_NOT_FOUND, "%d %s after %lld ms", rcm, err.msg,
                  (long long)(now_ms() - t0));
    ck_assert_int_eq(kafka_consumer_assign_topic(c, "events", KAFKA_OFFSET_BEGINNING, 3000, &err),
                     2);
    int64_t lo, hi;
    ck_assert_int_eq(kafka_consumer_watermarks(c, "events", 1, &lo, &hi, 3000, &err), 0);
    ck_assert_int_eq(hi, 10);

    int count = 0, nulls = 0;
    int64_t end = now_ms() + 5000;
    while (count < 20 && now_ms() < end) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(c, 7, 100, &recs, &err);
        ck_assert(n >= 0 && n <= 7);
        for (int i = 0; i < n; i++) {
            nulls += recs[i].key == NULL;
            ck_assert_int_eq(recs[i].nheaders, 0);
            ck_assert(recs[i].timestamp > TS_BASE); /* "now" */
        }
        count += n;
        kafka_consumer_release_batch(c);
    }
    ck_assert_int_eq(count, 20);
    ck_assert_int_eq(nulls, 20);
    ck_assert_int_eq(kafka_consumer_commit(c, NULL, 0, false, &err), ERR_SEMANTIC);

    /* Seek back on partition 0 and read its last 3 records again. */
    ck_assert_msg(kafka_consumer_seek(c, "events", 0, 7, 3000, &err) == 0, "%s", err.msg);
    count = 0;
    end = now_ms() + 5000;
    while (count < 3 && now_ms() < end) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(c, 10, 100, &recs, &err);
        for (int i = 0; i < n; i++) {
            ck_assert_int_eq(recs[i].partition, 0);
            ck_assert_int_eq(recs[i].offset, 7 + count + i);
        }
        count += n;
        kafka_consumer_release_batch(c);
    }
    ck_assert_int_eq(count, 3);
    /* poll without release is refused */
    const RawRecord *recs;
    ck_assert(kafka_consumer_poll_batch(c, 10, 0, &recs, &err) >= 0);
    ck_assert_int_eq(kafka_consumer_poll_batch(c, 10, 0, &recs, &err), ERR_INTERNAL);
    kafka_consumer_close(c);
    broker_stop(b);
}
END_TEST

/* ---- producer errors, properties ---------------------------------------------------- */

START_TEST(producer_failure_is_sticky)
{
    EddyError err;
    Broker *b = start_broker();
    create_topic(b, "one", 1);
    static const KafkaProp props[] = {{"message.timeout.ms", "1500"}};
    KafkaProducerConfig pc = {
        .bootstrap_servers = broker_bootstrap_servers(b), .props = props, .nprops = 1};
    KafkaProducer *p = kafka_producer_new(&pc, &err);
    ck_assert_ptr_nonnull(p);
    RawRecord ok = {.topic = "one", .partition = 0, .value = "x", .value_len = 1};
    ck_assert_int_eq(kafka_producer_send(p, &ok, NULL, &err), 0);
    ck_assert_int_eq(kafka_producer_flush(p, 5000, &err), 0);
    /* Partition 7 does not exist: either refused at once or its delivery fails. */
    RawRecord bad = {.topic = "one", .partition = 7, .value = "y", .value_len = 1};
    int rc = kafka_producer_send(p, &bad, NULL, &err);
    if (rc == 0) {
        rc = kafka_producer_flush(p, 5000, &err);
        ck_assert_int_eq(rc, ERR_IO);
        ck_assert_msg(strstr(err.msg, "delivery to topic one [7] failed") != NULL, "%s", err.msg);
        ck_assert_int_eq(kafka_producer_acked_seq(p), 1);
        ck_assert_int_eq(kafka_producer_send(p, &ok, NULL, &err), ERR_IO); /* sticky */
        ck_assert_int_eq(kafka_producer_error(p, &err), ERR_IO);
    } else {
        ck_assert_int_eq(rc, ERR_IO);
        ck_assert_msg(strstr(err.msg, "one") != NULL, "%s", err.msg);
    }
    kafka_producer_close(p, 100);
    broker_stop(b);
}
END_TEST

START_TEST(property_rules)
{
    EddyError err;
    static const KafkaProp bad[] = {{"ksql.streams.consumer.fetch.wait.max.ms", "soon"}};
    KafkaConsumerConfig cc = {.bootstrap_servers = "127.0.0.1:1", .props = bad, .nprops = 1};
    ck_assert_ptr_null(kafka_consumer_new(&cc, &err));
    ck_assert_int_eq(err.code, ERR_SEMANTIC);
    ck_assert_msg(strstr(err.msg, "ksql.streams.consumer.fetch.wait.max.ms=soon") != NULL, "%s",
                  err.msg);
    static const KafkaProp fine[] = {
        {"ksql.streams.cache.max.bytes.buffering", "0"}, /* Streams-only: skipped */
        {"eddy.broker.control", "127.0.0.1:1"},          /* ours: skipped */
        {"consumer.fetch.wait.max.ms", "soon"},          /* other role: skipped */
        {"producer.linger.ms", "2"},
    };
    KafkaProducerConfig pc = {.bootstrap_servers = "127.0.0.1:1", .props = fine, .nprops = 4};
    KafkaProducer *p = kafka_producer_new(&pc, &err);
    ck_assert_msg(p != NULL, "%s", err.msg);
    kafka_producer_close(p, 0);
    TopicAdminConfig ac = {0};
    ck_assert_ptr_null(topic_admin_open(&ac, &err));
    ck_assert_int_eq(err.code, ERR_SEMANTIC);
}
END_TEST

static Suite *kafka_io_suite(void)
{
    Suite *s = suite_create("kafka_io");
    TCase *quick = tcase_create("quick");
    tcase_set_timeout(quick, 10);
    tcase_add_test(quick, murmur2_matches_java);
    tcase_add_test(quick, property_rules);
    tcase_add_test(quick, broker_topics);
    tcase_add_test(quick, assign_mode);
    tcase_add_test(quick, producer_failure_is_sticky);
    tcase_add_test(quick, admin_api_bounded);
    suite_add_tcase(s, quick);
    /* Two group joins: the mock delays a group's first assignment by ~3 s each. */
    TCase *group = tcase_create("group");
    tcase_set_timeout(group, 40);
    tcase_add_test(group, group_roundtrip);
    suite_add_tcase(s, group);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(kafka_io_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
