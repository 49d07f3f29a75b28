/*
 * bench_kafka.c - loading Nexmark events, the ceilings and the sink reader, on bare
 * librdkafka (see bench_kafka.h).
 *
 * The ceilings use the client settings eddy's own consumer and producer use
 * (src/runtime/kafka_io.c: librdkafka's defaults, plus fetch.error.backoff.ms 20 and
 * queued.min.messages 1000000 on the consumer, and linger.ms 5, idempotence and the murmur2
 * partitioner on the producer), so the only difference left between a ceiling and eddy is the work
 * eddy does per record.
 */
#include "bench_kafka.h"

#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH 1000

int64_t bk_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t bk_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double wall_ms_frac(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int fail(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return -1;
}

/* Creates a client; props are key, value pairs ending with NULL. */
typedef void (*DeliveryFn)(rd_kafka_t *, const rd_kafka_message_t *, void *);

static rd_kafka_t *client_new_dr(rd_kafka_type_t type, const char *bootstrap,
                                 const char *const *props, DeliveryFn dr, char *err, size_t errsz)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (dr) rd_kafka_conf_set_dr_msg_cb(conf, dr);
    char errstr[512];
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr) ||
        rd_kafka_conf_set(conf, "log.connection.close", "false", errstr, sizeof errstr))
        goto bad;
    for (int i = 0; props && props[i]; i += 2)
        if (rd_kafka_conf_set(conf, props[i], props[i + 1], errstr, sizeof errstr)) goto bad;
    rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
    if (!rk) {
        fail(err, errsz, "cannot create Kafka client: %s", errstr);
        return NULL;
    }
    return rk;
bad:
    rd_kafka_conf_destroy(conf);
    fail(err, errsz, "Kafka config: %s", errstr);
    return NULL;
}

static rd_kafka_t *client_new(rd_kafka_type_t type, const char *bootstrap, const char *const *props,
                              char *err, size_t errsz)
{
    return client_new_dr(type, bootstrap, props, NULL, err, errsz);
}

/* Partition count of a topic from all-topics metadata (asking for one topic would
 * make the mock create it); 0 when it does not exist, -1 on error. */
static int topic_partitions(rd_kafka_t *rk, const char *topic)
{
    const struct rd_kafka_metadata *md;
    if (rd_kafka_metadata(rk, 1, NULL, &md, 5000)) return -1;
    int n = 0;
    for (int i = 0; i < md->topic_cnt; i++)
        if (strcmp(md->topics[i].topic, topic) == 0 && !md->topics[i].err)
            n = md->topics[i].partition_cnt;
    rd_kafka_metadata_destroy(md);
    return n;
}

/* ---------------------------------------------------------------- loading */

static int produce(rd_kafka_t *rk, rd_kafka_topic_t *rkt, const char *key, size_t klen,
                   const char *val, size_t vlen, int64_t ts)
{
    for (;;) {
        rd_kafka_resp_err_t rc = rd_kafka_producev(
            rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY((void *)key, klen), RD_KAFKA_V_VALUE((void *)val, vlen),
            RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_END);
        if (rc == RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
        if (rc != RD_KAFKA_RESP_ERR__QUEUE_FULL) return -1;
        rd_kafka_poll(rk, 5);
    }
}

static volatile uint64_t load_failed; /* delivery failures of the current load */

static void load_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (m->err) __atomic_add_fetch(&load_failed, 1, __ATOMIC_RELAXED);
}

int bk_load(const char *bootstrap, const BenchTopics *t, const NexmarkConfig *cfg, uint64_t from,
            uint64_t to, bool paced, unsigned kinds, LoadStats *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    const char *props[] = {"linger.ms",
                           paced ? "0" : "20",
                           "batch.num.messages",
                           "10000",
                           "queue.buffering.max.messages",
                           "1000000",
                           "queue.buffering.max.kbytes",
                           "1048576",
                           "partitioner",
                           "murmur2_random",
                           NULL};
    rd_kafka_t *rk = client_new_dr(RD_KAFKA_PRODUCER, bootstrap, props, load_dr, err, errsz);
    if (!rk) return -1;
    load_failed = 0;
    rd_kafka_topic_t *tp = rd_kafka_topic_new(rk, t->person, NULL);
    rd_kafka_topic_t *ta = rd_kafka_topic_new(rk, t->auction, NULL);
    rd_kafka_topic_t *tb = rd_kafka_topic_new(rk, t->bid, NULL);
    nexmark_init();
    char buf[2048], key[8];
    int64_t t0 = bk_mono_us();
    int rc = 0;
    for (uint64_t n = from; n < to && rc == 0; n++) {
        NexmarkKind kind = nexmark_kind(n);
        if (!(kinds & (1u << kind))) continue;
        int64_t ts = nexmark_time(cfg, n);
        if (paced) {
            int64_t now;
            while ((now = bk_wall_ms()) < ts) {
                rd_kafka_poll(rk, 0);
                struct timespec d = {0, 200000};
                nanosleep(&d, NULL);
            }
            ts = now;
        }
        size_t len;
        if (kind == NEXMARK_PERSON) {
            NexmarkPerson p;
            nexmark_person(cfg, n, &p);
            p.date_time = ts;
            len = nexmark_person_json(&p, buf, sizeof buf);
            nexmark_key(p.id, key);
            rc = produce(rk, tp, key, 8, buf, len, ts);
            out->persons++;
        } else if (kind == NEXMARK_AUCTION) {
            NexmarkAuction a;
            nexmark_auction(cfg, n, &a);
            a.date_time = ts;
            len = nexmark_auction_json(&a, buf, sizeof buf);
            nexmark_key(a.id, key);
            rc = produce(rk, ta, key, 8, buf, len, ts);
            out->auctions++;
        } else {
            NexmarkBid b;
            nexmark_bid(cfg, n, &b);
            b.date_time = ts;
            len = nexmark_bid_json(&b, buf, sizeof buf);
            nexmark_key(b.auction, key);
            rc = produce(rk, tb, key, 8, buf, len, ts);
            out->bids++;
            out->bid_bytes += len;
        }
        if ((n & 1023) == 0) rd_kafka_poll(rk, 0);
    }
    if (rc == 0 && rd_kafka_flush(rk, 60000)) rc = -2;
    out->seconds = (double)(bk_mono_us() - t0) / 1e6;
    rd_kafka_topic_destroy(tp);
    rd_kafka_topic_destroy(ta);
    rd_kafka_topic_destroy(tb);
    rd_kafka_destroy(rk);
    if (rc == -1) return fail(err, errsz, "produce failed");
    if (rc == -2) return fail(err, errsz, "flush timed out");
    if (load_failed)
        return fail(err, errsz, "%llu deliveries failed", (unsigned long long)load_failed);
    return 0;
}

static int watermarks_one(rd_kafka_t *rk, const char *topic, int64_t *low, int64_t *high, char *err,
                          size_t errsz);

int bk_watermarks(const char *bootstrap, const char *topic, int64_t *low, int64_t *high, char *err,
                  size_t errsz)
{
    const char *props[] = {"group.id", "eddy-bench-watermarks", NULL};
    rd_kafka_t *rk = client_new(RD_KAFKA_CONSUMER, bootstrap, props, err, errsz);
    if (!rk) return -1;
    *low = *high = 0;
    int total = 0;
    char list[1024];
    snprintf(list, sizeof list, "%s", topic);
    char *save = NULL;
    for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int64_t lo, hi;
        int np = watermarks_one(rk, t, &lo, &hi, err, errsz);
        if (np < 0) {
            total = -1;
            break;
        }
        *low += lo;
        *high += hi;
        total += np;
    }
    rd_kafka_destroy(rk);
    return total;
}

static int watermarks_one(rd_kafka_t *rk, const char *topic, int64_t *low, int64_t *high, char *err,
                          size_t errsz)
{
    int np = topic_partitions(rk, topic);
    *low = *high = 0;
    for (int p = 0; p < np; p++) {
        int64_t lo, hi;
        if (rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, 5000)) {
            np = fail(err, errsz, "watermarks of %s[%d] unavailable", topic, p);
            break;
        }
        *low += lo;
        *high += hi;
    }
    if (np == 0) np = fail(err, errsz, "topic %s does not exist", topic);
    return np;
}

/* Assigns every partition of topic from the beginning; returns the partition count
 * (waiting up to wait_ms for the topic to exist), or -1. */
static int assign_all(rd_kafka_t *rk, const char *topics, int wait_ms)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(64);
    char list[1024];
    snprintf(list, sizeof list, "%s", topics);
    char *save = NULL;
    int total = 0;
    for (char *topic = strtok_r(list, ",", &save); topic; topic = strtok_r(NULL, ",", &save)) {
        int np = 0;
        for (int waited = 0; (np = topic_partitions(rk, topic)) == 0 && waited < wait_ms;
             waited += 100)
            usleep(100000);
        if (np <= 0) {
            rd_kafka_topic_partition_list_destroy(l);
            return -1;
        }
        for (int p = 0; p < np; p++)
            rd_kafka_topic_partition_list_add(l, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
        total += np;
    }
    rd_kafka_resp_err_t rc = rd_kafka_assign(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    return rc ? -1 : total;
}

/* ---------------------------------------------------------------- ceilings */

/* Decodes a record as a hand-written C consumer would with jansson, reading every
 * field; returns a checksum so the work cannot be optimised away. */
static int64_t decode_record(const char *buf, size_t len)
{
    json_error_t je;
    json_t *o = json_loadb(buf, len, 0, &je);
    if (!o) return -1;
    int64_t sum = 0;
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        if (json_is_integer(v))
            sum += json_integer_value(v);
        else if (json_is_string(v))
            sum += json_string_length(v);
    }
    json_decref(o);
    return sum;
}

int bk_ceiling(const char *bootstrap, CeilingKind kind, const char *topic, const char *out_topic,
               uint64_t max, CeilingResult *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    int64_t lo, hi;
    if (bk_watermarks(bootstrap, topic, &lo, &hi, err, errsz) < 0) return -1;
    uint64_t target = (uint64_t)(hi - lo);
    if (max && max < target) target = max;
    const char *cprops[] = {"group.id",
                            "eddy-bench-ceiling",
                            "enable.auto.commit",
                            "false",
                            "fetch.error.backoff.ms",
                            "20",
                            "queued.min.messages",
                            "1000000",
                            NULL};
    rd_kafka_t *c = client_new(RD_KAFKA_CONSUMER, bootstrap, cprops, err, errsz);
    if (!c) return -1;
    rd_kafka_t *p = NULL;
    rd_kafka_topic_t *rkt = NULL;
    if (kind == CEILING_PASSTHROUGH) {
        const char *pprops[] = {"linger.ms",          "5",    "partitioner", "murmur2_random",
                                "enable.idempotence", "true", NULL};
        p = client_new(RD_KAFKA_PRODUCER, bootstrap, pprops, err, errsz);
        if (!p) {
            rd_kafka_destroy(c);
            return -1;
        }
        rkt = rd_kafka_topic_new(p, out_topic, NULL);
    }
    int rc = 0;
    if (assign_all(c, topic, 5000) < 0) {
        rc = fail(err, errsz, "cannot assign %s", topic);
        goto done;
    }
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(c);
    rd_kafka_message_t *msgs[BATCH];
    int64_t first = 0, idle_since = bk_mono_us();
    volatile int64_t sink = 0;
    while (out->records < target) {
        ssize_t n = rd_kafka_consume_batch_queue(q, 100, msgs, BATCH);
        if (n <= 0) {
            if (bk_mono_us() - idle_since > 30000000) {
                rc = fail(err, errsz, "no record for 30 s after %llu of %llu",
                          (unsigned long long)out->records, (unsigned long long)target);
                break;
            }
            continue;
        }
        idle_since = bk_mono_us();
        if (!first) first = idle_since;
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = msgs[i];
            if (!m->err) {
                out->records++;
                if (kind == CEILING_DECODE) {
                    sink += decode_record(m->payload, m->len);
                } else if (kind == CEILING_PASSTHROUGH) {
                    rd_kafka_timestamp_type_t tt;
                    if (produce(p, rkt, m->key, m->key_len, m->payload, m->len,
                                rd_kafka_message_timestamp(m, &tt)) < 0)
                        rc = fail(err, errsz, "produce failed");
                }
            }
            rd_kafka_message_destroy(m);
        }
        if (p) rd_kafka_poll(p, 0);
        if (rc) break;
    }
    (void)sink; /* only there so that the decoding is not optimised away */
    if (p && rc == 0 && rd_kafka_flush(p, 60000)) rc = fail(err, errsz, "flush timed out");
    out->seconds = first ? (double)(bk_mono_us() - first) / 1e6 : 0;
    rd_kafka_queue_destroy(q);
done:
    if (rkt) rd_kafka_topic_destroy(rkt);
    if (p) rd_kafka_destroy(p);
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
    return rc;
}

/* ---------------------------------------------------------------- group progress */

struct GroupWatch {
    rd_kafka_t *rk;
    rd_kafka_topic_partition_list_t *parts;
};

GroupWatch *bk_group_watch(const char *bootstrap, const char *group, const char *topics, char *err,
                           size_t errsz)
{
    const char *props[] = {"group.id", group, "enable.auto.commit", "false", NULL};
    rd_kafka_t *rk = client_new(RD_KAFKA_CONSUMER, bootstrap, props, err, errsz);
    if (!rk) return NULL;
    GroupWatch *w = calloc(1, sizeof *w);
    w->rk = rk;
    w->parts = rd_kafka_topic_partition_list_new(64);
    char list[1024];
    snprintf(list, sizeof list, "%s", topics);
    char *save = NULL;
    for (char *topic = strtok_r(list, ",", &save); topic; topic = strtok_r(NULL, ",", &save)) {
        int np = topic_partitions(rk, topic);
        if (np <= 0) {
            fail(err, errsz, "topic %s does not exist", topic);
            bk_group_watch_free(w);
            return NULL;
        }
        for (int p = 0; p < np; p++)
            rd_kafka_topic_partition_list_add(w->parts, topic, p);
    }
    return w;
}

int64_t bk_group_committed(GroupWatch *w)
{
    for (int i = 0; i < w->parts->cnt; i++)
        w->parts->elems[i].offset = RD_KAFKA_OFFSET_INVALID;
    if (rd_kafka_committed(w->rk, w->parts, 2000)) return -1;
    int64_t sum = 0;
    for (int i = 0; i < w->parts->cnt; i++)
        if (w->parts->elems[i].offset > 0) sum += w->parts->elems[i].offset;
    return sum;
}

void bk_group_watch_free(GroupWatch *w)
{
    if (!w) return;
    rd_kafka_topic_partition_list_destroy(w->parts);
    rd_kafka_destroy(w->rk);
    free(w);
}

/* ---------------------------------------------------------------- sink reader */

typedef struct KeepEntry {
    char *key; /* NULL: empty slot */
    size_t klen;
    char *val; /* NULL: tombstone */
    size_t vlen, vcap;
} KeepEntry;

struct SinkReader {
    rd_kafka_t *rk;
    pthread_t thread;
    volatile int stop;
    bool keep_last;
    int64_t latency_since_ms;
    pthread_mutex_t lock;
    SinkStats stats;
    double *lat;
    size_t nlat, caplat;
    KeepEntry *map;
    size_t mapcap, mapn;
};

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 1099511628211ull;
    return h;
}

static void keep_put(SinkReader *s, const char *key, size_t klen, const char *val, size_t vlen)
{
    if ((s->mapn + 1) * 2 > s->mapcap) {
        size_t ncap = s->mapcap ? s->mapcap * 2 : 1024;
        KeepEntry *nm = calloc(ncap, sizeof *nm);
        for (size_t i = 0; i < s->mapcap; i++) {
            KeepEntry *e = &s->map[i];
            if (!e->key) continue;
            size_t j = hash_bytes(e->key, e->klen) & (ncap - 1);
            while (nm[j].key)
                j = (j + 1) & (ncap - 1);
            nm[j] = *e;
        }
        free(s->map);
        s->map = nm;
        s->mapcap = ncap;
    }
    size_t j = hash_bytes(key, klen) & (s->mapcap - 1);
    while (s->map[j].key && (s->map[j].klen != klen || memcmp(s->map[j].key, key, klen) != 0))
        j = (j + 1) & (s->mapcap - 1);
    KeepEntry *e = &s->map[j];
    if (!e->key) {
        e->key = malloc(klen ? klen : 1);
        memcpy(e->key, key, klen);
        e->klen = klen;
        s->mapn++;
    }
    if (!val) {
        free(e->val);
        e->val = NULL;
        e->vlen = e->vcap = 0;
        return;
    }
    if (vlen + 1 > e->vcap) {
        e->vcap = vlen + 16;
        e->val = realloc(e->val, e->vcap);
    }
    memcpy(e->val, val, vlen);
    e->val[vlen] = 0;
    e->vlen = vlen;
}

static void *sink_main(void *arg)
{
    SinkReader *s = arg;
    rd_kafka_queue_t *q = rd_kafka_queue_get_consumer(s->rk);
    rd_kafka_message_t *msgs[BATCH];
    while (!s->stop) {
        ssize_t n = rd_kafka_consume_batch_queue(q, 50, msgs, BATCH);
        if (n <= 0) continue;
        int64_t now_us = bk_mono_us();
        double now_ms = wall_ms_frac();
        pthread_mutex_lock(&s->lock);
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = msgs[i];
            if (!m->err) {
                if (!s->stats.first_us) s->stats.first_us = now_us;
                s->stats.last_us = now_us;
                s->stats.records++;
                rd_kafka_timestamp_type_t tt;
                int64_t ts = rd_kafka_message_timestamp(m, &tt);
                if (s->latency_since_ms > 0 && ts >= s->latency_since_ms) {
                    if (s->nlat == s->caplat) {
                        s->caplat = s->caplat ? s->caplat * 2 : 4096;
                        s->lat = realloc(s->lat, s->caplat * sizeof *s->lat);
                    }
                    s->lat[s->nlat++] = now_ms - (double)ts;
                }
                if (s->keep_last) keep_put(s, m->key, m->key_len, m->payload, m->len);
            }
            rd_kafka_message_destroy(m);
        }
        pthread_mutex_unlock(&s->lock);
    }
    rd_kafka_queue_destroy(q);
    return NULL;
}

SinkReader *bk_sink_start(const char *bootstrap, const char *topic, bool keep_last,
                          int64_t latency_since_ms, char *err, size_t errsz)
{
    const char *props[] = {"group.id",
                           "eddy-bench-sink",
                           "enable.auto.commit",
                           "false",
                           "fetch.wait.max.ms",
                           "10",
                           "fetch.error.backoff.ms",
                           "20",
                           NULL};
    rd_kafka_t *rk = client_new(RD_KAFKA_CONSUMER, bootstrap, props, err, errsz);
    if (!rk) return NULL;
    if (assign_all(rk, topic, 30000) < 0) {
        fail(err, errsz, "sink topic %s did not appear", topic);
        rd_kafka_destroy(rk);
        return NULL;
    }
    SinkReader *s = calloc(1, sizeof *s);
    s->rk = rk;
    s->keep_last = keep_last;
    s->latency_since_ms = latency_since_ms;
    pthread_mutex_init(&s->lock, NULL);
    if (pthread_create(&s->thread, NULL, sink_main, s) != 0) {
        fail(err, errsz, "cannot start the sink reader thread");
        rd_kafka_destroy(rk);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    return s;
}

void bk_sink_stats(SinkReader *s, SinkStats *out)
{
    pthread_mutex_lock(&s->lock);
    *out = s->stats;
    pthread_mutex_unlock(&s->lock);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void bk_sink_stop(SinkReader *s)
{
    if (!s || s->stop) return;
    s->stop = 1;
    pthread_join(s->thread, NULL);
    rd_kafka_consumer_close(s->rk);
    rd_kafka_destroy(s->rk);
    s->rk = NULL;
    if (s->nlat) qsort(s->lat, s->nlat, sizeof *s->lat, cmp_double);
}

size_t bk_sink_latencies(SinkReader *s, const double **out)
{
    *out = s->lat;
    return s->nlat;
}

void bk_sink_each(SinkReader *s,
                  void (*fn)(void *ctx, const char *key, size_t klen, const char *val, size_t vlen),
                  void *ctx)
{
    for (size_t i = 0; i < s->mapcap; i++)
        if (s->map[i].key) fn(ctx, s->map[i].key, s->map[i].klen, s->map[i].val, s->map[i].vlen);
}

void bk_sink_free(SinkReader *s)
{
    if (!s) return;
    bk_sink_stop(s);
    for (size_t i = 0; i < s->mapcap; i++) {
        free(s->map[i].key);
        free(s->map[i].val);
    }
    free(s->map);
    free(s->lat);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

double bk_percentile(const double *sorted, size_t n, double pct)
{
    if (n == 0) return 0;
    double pos = pct / 100.0 * (double)(n - 1);
    size_t i = (size_t)pos;
    if (i + 1 >= n) return sorted[n - 1];
    double f = pos - (double)i;
    return sorted[i] * (1 - f) + sorted[i + 1] * f;
}
