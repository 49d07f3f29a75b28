/*
 * kafka_io.c - the engine's Kafka consumer and producer over librdkafka (see
 * kafka_io.h), and the pass-through of client properties (kafka_int.h).
 *
 * Consumer: records come from the consumer queue in batches (prefetched by librdkafka's own
 * threads, so a batch costs no syscall per record); the messages stay alive until the
 * batch is released, which is what lets RawRecord borrow their bytes. Rebalances are
 * handled in librdkafka's rebalance callback, which runs inside our poll: the engine's
 * callback sees the partitions before the assignment changes.
 *
 * Producer: each send gets a sequence number carried as the message opaque. Delivery
 * reports (served by rd_kafka_poll in the producing thread) set a flag in a ring
 * indexed by sequence; the acknowledged watermark advances over the contiguous run of
 * set flags, so reports that arrive out of order across partitions are handled and a
 * failed record holds the watermark back for good.
 */
#include "kafka_io.h"

#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../common/murmur2.h"
#include "kafka_int.h"

#define POLL_EVERY_SENDS 128 /* serve delivery reports every this many sends */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- properties ----------------------------------------------------------------- */

int kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, EddyError *err)
{
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK)
        return err_set(err, ERR_SEMANTIC, -1, "Kafka client property %s=%s: %s", key, value,
                       errstr);
    return 0;
}

static const char *strip_prefix(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

int kafka_conf_apply(rd_kafka_conf_t *conf, const KafkaProp *props, int n, KafkaRole role,
                     EddyError *err)
{
    static const char *const role_prefix[] = {"consumer.", "producer.", "admin."};
    for (int i = 0; i < n; i++) {
        const char *key = props[i].key, *rest;
        if (!key || !props[i].value) continue;
        if ((rest = strip_prefix(key, "ksql.streams."))) key = rest;
        if (strncmp(key, "eddy.", 5) == 0 || strncmp(key, "ksql.", 5) == 0) continue;
        bool other_role = false;
        for (int r = 0; r < 3; r++) {
            if ((rest = strip_prefix(key, role_prefix[r]))) {
                if (r == (int)role)
                    key = rest;
                else
                    other_role = true;
                break;
            }
        }
        if (other_role) continue;
        char errstr[512];
        rd_kafka_conf_res_t rc =
            rd_kafka_conf_set(conf, key, props[i].value, errstr, sizeof errstr);
        if (rc == RD_KAFKA_CONF_INVALID)
            return err_set(err, ERR_SEMANTIC, -1, "Kafka client property %s=%s: %s", props[i].key,
                           props[i].value, errstr);
        /* RD_KAFKA_CONF_UNKNOWN: a Java or Streams setting librdkafka has no use for. */
    }
    return 0;
}

const char *kafka_prop_get(const KafkaProp *props, int n, const char *key)
{
    const char *v = NULL;
    for (int i = 0; i < n; i++)
        if (props[i].key && strcmp(props[i].key, key) == 0) v = props[i].value;
    return v;
}

/* ---- consumer ----------------------------------------------------------------- */

struct KafkaConsumer {
    rd_kafka_t *rk;
    rd_kafka_queue_t *queue; /* the consumer queue: records, rebalances, errors */
    bool has_group;
    KafkaRebalanceFn on_rebalance;
    void *rebalance_ctx;
    /* the current batch */
    rd_kafka_message_t **msgs;
    RawRecord *recs;
    int cap;
    int n;
    bool outstanding;
    RawHeader *hdrs;
    size_t hcap;
    /* stats, readable from any thread */
    _Atomic uint64_t records, bytes, errors, rebalances;
    _Atomic int assigned;
    pthread_mutex_t err_lock; /* guards last_error */
    char last_error[256];
};

/* Copies prefix + what into dst (size sz), truncating. */
static void set_text(char *dst, size_t sz, const char *prefix, const char *what)
{
    size_t a = strnlen(prefix, sz - 1);
    size_t b = strnlen(what, sz - 1 - a);
    memcpy(dst, prefix, a);
    memcpy(dst + a, what, b);
    dst[a + b] = 0;
}

static void consumer_note_error(KafkaConsumer *c, const char *prefix, const char *what)
{
    atomic_fetch_add(&c->errors, 1);
    pthread_mutex_lock(&c->err_lock);
    set_text(c->last_error, sizeof c->last_error, prefix, what);
    pthread_mutex_unlock(&c->err_lock);
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t why,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    KafkaConsumer *c = opaque;
    bool cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    bool assign = why == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
    atomic_fetch_add(&c->rebalances, 1);
    if (c->on_rebalance && parts->cnt > 0) {
        KafkaPartition *kp = calloc((size_t)parts->cnt, sizeof *kp);
        if (kp) {
            for (int i = 0; i < parts->cnt; i++) {
                kp[i].topic = parts->elems[i].topic;
                kp[i].partition = parts->elems[i].partition;
                kp[i].offset = assign ? KAFKA_OFFSET_STORED : parts->elems[i].offset;
            }
            KafkaRebalanceKind kind = assign                         ? KAFKA_ASSIGNED
                                      : rd_kafka_assignment_lost(rk) ? KAFKA_LOST
                                                                     : KAFKA_REVOKED;
            c->on_rebalance(c->rebalance_ctx, kind, kp, parts->cnt);
            if (assign)
                for (int i = 0; i < parts->cnt; i++)
                    parts->elems[i].offset = kp[i].offset;
            free(kp);
        } else {
            consumer_note_error(c, "", "out of memory in the rebalance callback");
        }
    }
    rd_kafka_error_t *e = NULL;
    rd_kafka_resp_err_t rc = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (cooperative)
        e = assign ? rd_kafka_incremental_assign(rk, parts)
                   : rd_kafka_incremental_unassign(rk, parts);
    else
        rc = rd_kafka_assign(rk, assign ? parts : NULL);
    if (e) {
        consumer_note_error(c, "rebalance: ", rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    } else if (rc) {
        consumer_note_error(c, "rebalance: ", rd_kafka_err2str(rc));
    }
    if (cooperative)
        atomic_fetch_add(&c->assigned, assign ? parts->cnt : -parts->cnt);
    else
        atomic_store(&c->assigned, assign ? parts->cnt : 0);
}

static void commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t rc,
                      rd_kafka_topic_partition_list_t *offsets, void *opaque)
{
    (void)rk;
    (void)offsets;
    if (rc && rc != RD_KAFKA_RESP_ERR__NO_OFFSET)
        consumer_note_error(opaque, "offset commit: ", rd_kafka_err2str(rc));
}

KafkaConsumer *kafka_consumer_new(const KafkaConsumerConfig *cfg, EddyError *err)
{
    char errstr[512];
    KafkaConsumer *c = calloc(1, sizeof *c);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (!c) {
        err_set(err, ERR_INTERNAL, -1, "out of memory");
        goto fail;
    }
    pthread_mutex_init(&c->err_lock, NULL);
    c->has_group = cfg->group_id != NULL;
    /* librdkafka's assign() needs a group.id even when no group is joined; this one is
     * never joined nor committed to. */
    static atomic_uint anon_seq;
    char anon_group[64];
    snprintf(anon_group, sizeof anon_group, "eddy-assign-%ld-%u", (long)getpid(),
             atomic_fetch_add(&anon_seq, 1));
    char prefetch[24];
    snprintf(prefetch, sizeof prefetch, "%d", cfg->prefetch_kbytes);
    c->on_rebalance = cfg->on_rebalance;
    c->rebalance_ctx = cfg->rebalance_ctx;
    if (kafka_conf_set(conf, "client.id", cfg->client_id ? cfg->client_id : "eddy", err) < 0 ||
        kafka_conf_set(conf, "auto.offset.reset",
                       cfg->offset_reset == KAFKA_RESET_EARLIEST ? "earliest" : "latest",
                       err) < 0 ||
        kafka_conf_set(conf, "log.connection.close", "false", err) < 0 ||
        /* librdkafka 2.0 stops fetching a partition whose queue holds
         * queued.min.messages and looks again only after this backoff (500 ms by
         * default): a consumer faster than one fetch round then idles half of
         * every second (eddyd's q2 ran at 120K records/s instead of 480K). */
        kafka_conf_set(conf, "fetch.error.backoff.ms", "20", err) < 0 ||
        /* A partition whose queue holds queued.min.messages is not fetched again
         * until librdkafka's broker thread next wakes up on its own, up to 1 s later
         * (2.0.2): with the default 100000 a query drained its queue in 0.7 s and
         * idled 0.3 s of every second. Fetching now stops only at
         * queued.max.messages.kbytes (64 MB by default), a second of work. */
        kafka_conf_set(conf, "queued.min.messages", "1000000", err) < 0 ||
        (cfg->prefetch_kbytes > 0 &&
         kafka_conf_set(conf, "queued.max.messages.kbytes", prefetch, err) < 0) ||
        kafka_conf_apply(conf, cfg->props, cfg->nprops, KAFKA_ROLE_CONSUMER, err) < 0 ||
        (cfg->bootstrap_servers &&
         kafka_conf_set(conf, "bootstrap.servers", cfg->bootstrap_servers, err) < 0) ||
        kafka_conf_set(conf, "group.id", cfg->group_id ? cfg->group_id : anon_group, err) < 0 ||
        kafka_conf_set(conf, "enable.auto.commit", "false", err) < 0 ||
        kafka_conf_set(conf, "enable.auto.offset.store", "false", err) < 0)
        goto fail;
    rd_kafka_conf_set_opaque(conf, c);
    rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
    rd_kafka_conf_set_offset_commit_cb(conf, commit_cb);
    c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!c->rk) {
        err_set(err, ERR_IO, -1, "cannot create Kafka consumer: %s", errstr);
        goto fail;
    }
    conf = NULL; /* owned by rk now */
    rd_kafka_poll_set_consumer(c->rk);
    c->queue = rd_kafka_queue_get_consumer(c->rk);
    return c;
fail:
    if (conf) rd_kafka_conf_destroy(conf);
    if (c) {
        pthread_mutex_destroy(&c->err_lock);
        free(c);
    }
    return NULL;
}

void kafka_consumer_close(KafkaConsumer *c)
{
    if (!c) return;
    kafka_consumer_release_batch(c);
    if (c->queue) rd_kafka_queue_destroy(c->queue);
    rd_kafka_consumer_close(c->rk);
    rd_kafka_destroy(c->rk);
    free(c->msgs);
    free(c->recs);
    free(c->hdrs);
    pthread_mutex_destroy(&c->err_lock);
    free(c);
}

int kafka_consumer_subscribe(KafkaConsumer *c, const char *const *topics, int n, EddyError *err)
{
    if (!c->has_group)
        return err_set(err, ERR_SEMANTIC, -1, "subscribe needs a consumer group (group.id)");
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(n);
    for (int i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(l, topics[i], RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t rc = rd_kafka_subscribe(c->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (rc) return err_set(err, ERR_IO, -1, "subscribe: %s", rd_kafka_err2str(rc));
    return 0;
}

static rd_kafka_topic_partition_list_t *to_list(const KafkaPartition *parts, int n)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(n > 0 ? n : 1);
    for (int i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(l, parts[i].topic, parts[i].partition)->offset =
            parts[i].offset;
    return l;
}

int kafka_consumer_assign(KafkaConsumer *c, const KafkaPartition *parts, int n, EddyError *err)
{
    rd_kafka_topic_partition_list_t *l = n > 0 ? to_list(parts, n) : NULL;
    rd_kafka_resp_err_t rc = rd_kafka_assign(c->rk, l);
    if (l) rd_kafka_topic_partition_list_destroy(l);
    if (rc) return err_set(err, ERR_IO, -1, "assign: %s", rd_kafka_err2str(rc));
    atomic_store(&c->assigned, n);
    return 0;
}

int kafka_consumer_assign_topic(KafkaConsumer *c, const char *topic, int64_t start, int timeout_ms,
                                EddyError *err)
{
    /* All-topics metadata: asking for one topic would make some brokers (the mock
     * among them) create it. */
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t rc = rd_kafka_metadata(c->rk, 1, NULL, &md, timeout_ms);
    if (rc)
        return err_set(err, ERR_IO, -1, "metadata of topic '%s': %s", topic, rd_kafka_err2str(rc));
    const struct rd_kafka_metadata_topic *mt = NULL;
    for (int i = 0; i < md->topic_cnt; i++)
        if (strcmp(md->topics[i].topic, topic) == 0) mt = &md->topics[i];
    int ret;
    if (!mt || mt->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || mt->partition_cnt == 0) {
        ret = err_set(err, ERR_NOT_FOUND, -1, "topic '%s' does not exist", topic);
    } else if (mt->err) {
        ret = err_set(err, ERR_IO, -1, "metadata of topic '%s': %s", topic,
                      rd_kafka_err2str(mt->err));
    } else {
        int np = mt->partition_cnt;
        KafkaPartition *kp = calloc((size_t)np, sizeof *kp);
        if (!kp) {
            ret = err_set(err, ERR_INTERNAL, -1, "out of memory");
        } else {
            for (int i = 0; i < np; i++) {
                kp[i] = (KafkaPartition){topic, mt->partitions[i].id, start};
                /* BEGINNING / END as absolute offsets: librdkafka looks logical
                 * offsets up first, and a lookup made before it knows the
                 * partition's leader is retried only after 500 ms. */
                int64_t lo, hi;
                if ((start == KAFKA_OFFSET_BEGINNING || start == KAFKA_OFFSET_END) &&
                    rd_kafka_query_watermark_offsets(c->rk, topic, kp[i].partition, &lo, &hi,
                                                     timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR)
                    kp[i].offset = start == KAFKA_OFFSET_BEGINNING ? lo : hi;
            }
            ret = kafka_consumer_assign(c, kp, np, err);
            if (ret == 0) ret = np;
            free(kp);
        }
    }
    rd_kafka_metadata_destroy(md);
    return ret;
}

static int grow_batch(KafkaConsumer *c, int max)
{
    if (max <= c->cap) return 0;
    rd_kafka_message_t **m = realloc(c->msgs, (size_t)max * sizeof *m);
    if (!m) return -1;
    c->msgs = m;
    RawRecord *r = realloc(c->recs, (size_t)max * sizeof *r);
    if (!r) return -1;
    c->recs = r;
    c->cap = max;
    return 0;
}

/* Appends the headers of m to c->hdrs; returns how many, or -1 when out of memory. */
static int take_headers(KafkaConsumer *c, rd_kafka_message_t *m, size_t *used)
{
    rd_kafka_headers_t *h = NULL;
    if (rd_kafka_message_headers(m, &h) != RD_KAFKA_RESP_ERR_NO_ERROR || !h) return 0;
    size_t cnt = rd_kafka_header_cnt(h);
    if (*used + cnt > c->hcap) {
        size_t ncap = c->hcap ? c->hcap * 2 : 64;
        while (ncap < *used + cnt)
            ncap *= 2;
        RawHeader *nh = realloc(c->hdrs, ncap * sizeof *nh);
        if (!nh) return -1;
        c->hdrs = nh;
        c->hcap = ncap;
    }
    for (size_t i = 0; i < cnt; i++) {
        const char *name;
        const void *val;
        size_t size;
        if (rd_kafka_header_get_all(h, i, &name, &val, &size)) break;
        c->hdrs[*used] = (RawHeader){name, strlen(name), val, val ? size : 0};
        (*used)++;
    }
    return (int)cnt;
}

int kafka_consumer_poll_batch(KafkaConsumer *c, int max, int timeout_ms, const RawRecord **out,
                              EddyError *err)
{
    *out = NULL;
    if (c->outstanding)
        return err_set(err, ERR_INTERNAL, -1, "poll_batch: the previous batch was not released");
    if (max <= 0) max = 1;
    if (grow_batch(c, max) < 0) return err_set(err, ERR_INTERNAL, -1, "out of memory");
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    int n = 0, ret = 0;
    size_t hused = 0;
    uint64_t bytes = 0;
    while (n < max && ret == 0) {
        /* Whatever is queued, in one call (one queue lock and one poll-time
         * update per call, not per record); when nothing is, wait for one. */
        ssize_t got = rd_kafka_consume_batch_queue(c->queue, 0, c->msgs + n, (size_t)(max - n));
        if (got <= 0 && n == 0) {
            int64_t left = deadline - now_ms();
            if (left > 0) got = rd_kafka_consume_batch_queue(c->queue, (int)left, c->msgs + n, 1);
            if (got <= 0) {
                if (left > 0) continue; /* woke early (a rebalance was served) */
                break;
            }
        }
        if (got <= 0) break;
        int end = n + (int)got;
        for (int j = n; j < end; j++) {
            rd_kafka_message_t *m = c->msgs[j];
            if (ret < 0) {
                rd_kafka_message_destroy(m);
                continue;
            }
            if (m->err) {
                if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                    char fatal[256];
                    if (m->err == RD_KAFKA_RESP_ERR__FATAL &&
                        rd_kafka_fatal_error(c->rk, fatal, sizeof fatal)) {
                        consumer_note_error(c, "fatal consumer error: ", fatal);
                        ret = err_set(err, ERR_IO, -1, "fatal Kafka consumer error: %s", fatal);
                    } else {
                        consumer_note_error(c, "consumer: ", rd_kafka_message_errstr(m));
                    }
                }
                rd_kafka_message_destroy(m);
                continue;
            }
            RawRecord *r = &c->recs[n];
            rd_kafka_timestamp_type_t tstype;
            r->topic = rd_kafka_topic_name(m->rkt);
            r->partition = m->partition;
            r->offset = m->offset;
            r->timestamp = rd_kafka_message_timestamp(m, &tstype);
            r->key = m->key;
            r->key_len = m->key_len;
            r->value = m->payload;
            r->value_len = m->len;
            r->nheaders = take_headers(c, m, &hused);
            if (r->nheaders < 0) {
                rd_kafka_message_destroy(m);
                ret = err_set(err, ERR_INTERNAL, -1, "out of memory");
                continue;
            }
            bytes += m->key_len + m->len;
            c->msgs[n++] = m;
        }
    }
    /* Headers were appended to one growing array: point each record at its run now. */
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        c->recs[i].headers = c->recs[i].nheaders ? c->hdrs + at : NULL;
        at += (size_t)c->recs[i].nheaders;
    }
    c->n = n;
    c->outstanding = true;
    atomic_fetch_add(&c->records, (uint64_t)n);
    atomic_fetch_add(&c->bytes, bytes);
    if (ret < 0) {
        kafka_consumer_release_batch(c);
        return ret;
    }
    *out = c->recs;
    return n;
}

void kafka_consumer_release_batch(KafkaConsumer *c)
{
    for (int i = 0; i < c->n; i++)
        rd_kafka_message_destroy(c->msgs[i]);
    c->n = 0;
    c->outstanding = false;
}

int kafka_consumer_commit(KafkaConsumer *c, const KafkaPartition *offsets, int n, bool async,
                          EddyError *err)
{
    if (!c->has_group)
        return err_set(err, ERR_SEMANTIC, -1, "commit needs a consumer group (group.id)");
    if (n <= 0) return 0;
    rd_kafka_topic_partition_list_t *l = to_list(offsets, n);
    rd_kafka_resp_err_t rc = rd_kafka_commit(c->rk, l, async ? 1 : 0);
    int ret = 0;
    if (rc) {
        ret = err_set(err, ERR_IO, -1, "offset commit: %s", rd_kafka_err2str(rc));
    } else if (!async) {
        for (int i = 0; i < l->cnt; i++) {
            if (l->elems[i].err) {
                ret = err_set(err, ERR_IO, -1, "offset commit of %s [%d]: %s", l->elems[i].topic,
                              (int)l->elems[i].partition, rd_kafka_err2str(l->elems[i].err));
                break;
            }
        }
    }
    if (ret < 0) consumer_note_error(c, "", err ? err->msg : "offset commit failed");
    rd_kafka_topic_partition_list_destroy(l);
    return ret;
}

int kafka_consumer_committed(KafkaConsumer *c, KafkaPartition *parts, int n, int timeout_ms,
                             EddyError *err)
{
    if (n <= 0) return 0;
    rd_kafka_topic_partition_list_t *l = to_list(parts, n);
    rd_kafka_resp_err_t rc = rd_kafka_committed(c->rk, l, timeout_ms);
    if (rc == 0)
        for (int i = 0; i < n; i++)
            parts[i].offset = l->elems[i].offset;
    rd_kafka_topic_partition_list_destroy(l);
    if (rc) return err_set(err, ERR_IO, -1, "committed offsets: %s", rd_kafka_err2str(rc));
    return 0;
}

int kafka_consumer_seek(KafkaConsumer *c, const char *topic, int32_t partition, int64_t offset,
                        int timeout_ms, EddyError *err)
{
    KafkaPartition kp = {topic, partition, offset};
    rd_kafka_topic_partition_list_t *l = to_list(&kp, 1);
    rd_kafka_error_t *e = rd_kafka_seek_partitions(c->rk, l, timeout_ms);
    int ret = 0;
    if (e) {
        ret = err_set(err, ERR_IO, -1, "seek %s [%d]: %s", topic, (int)partition,
                      rd_kafka_error_string(e));
        rd_kafka_error_destroy(e);
    } else if (l->elems[0].err) {
        ret = err_set(err, ERR_IO, -1, "seek %s [%d]: %s", topic, (int)partition,
                      rd_kafka_err2str(l->elems[0].err));
    }
    rd_kafka_topic_partition_list_destroy(l);
    return ret;
}

int kafka_consumer_watermarks(KafkaConsumer *c, const char *topic, int32_t partition, int64_t *low,
                              int64_t *high, int timeout_ms, EddyError *err)
{
    rd_kafka_resp_err_t rc =
        rd_kafka_query_watermark_offsets(c->rk, topic, partition, low, high, timeout_ms);
    if (rc)
        return err_set(err, ERR_IO, -1, "watermarks of %s [%d]: %s", topic, (int)partition,
                       rd_kafka_err2str(rc));
    return 0;
}

int kafka_consumer_lag(KafkaConsumer *c, KafkaPartitionLag *out, int max)
{
    rd_kafka_topic_partition_list_t *l = NULL;
    if (rd_kafka_assignment(c->rk, &l) || !l) return 0;
    rd_kafka_position(c->rk, l);
    int n = l->cnt;
    for (int i = 0; i < n && i < max; i++) {
        KafkaPartitionLag *o = &out[i];
        snprintf(o->topic, sizeof o->topic, "%s", l->elems[i].topic);
        o->partition = l->elems[i].partition;
        o->position = l->elems[i].offset >= 0 ? l->elems[i].offset : -1;
        int64_t lo = -1, hi = -1;
        if (rd_kafka_get_watermark_offsets(c->rk, o->topic, o->partition, &lo, &hi) || hi < 0)
            hi = -1;
        o->end = hi;
        o->lag = (hi >= 0 && o->position >= 0) ? (hi > o->position ? hi - o->position : 0) : -1;
    }
    rd_kafka_topic_partition_list_destroy(l);
    return n;
}

void kafka_consumer_stats(KafkaConsumer *c, KafkaConsumerStats *out)
{
    memset(out, 0, sizeof *out);
    out->records = atomic_load(&c->records);
    out->bytes = atomic_load(&c->bytes);
    out->errors = atomic_load(&c->errors);
    out->rebalances = atomic_load(&c->rebalances);
    out->assigned = atomic_load(&c->assigned);
    out->lag = -1;
    KafkaPartitionLag few[16], *lag = few;
    int cap = 16, n = kafka_consumer_lag(c, few, cap);
    if (n > cap && (lag = malloc((size_t)n * sizeof *lag)) != NULL) {
        cap = n;
        n = kafka_consumer_lag(c, lag, cap);
    } else if (!lag) {
        lag = few;
    }
    if (n > cap) n = cap; /* the assignment grew meanwhile: count what was filled */
    for (int i = 0; i < n; i++) {
        if (lag[i].lag < 0) continue;
        out->lag = (out->lag < 0 ? 0 : out->lag) + lag[i].lag;
    }
    if (lag != few) free(lag);
    pthread_mutex_lock(&c->err_lock);
    memcpy(out->last_error, c->last_error, sizeof out->last_error);
    pthread_mutex_unlock(&c->err_lock);
}

/* ---- producer ----------------------------------------------------------------- */

typedef struct ProducerTopic {
    char *name;
    rd_kafka_topic_t *rkt;
    int partitions; /* from metadata, when a record hashes part of its key; 0: not asked, -1:
                       unknown */
} ProducerTopic;

struct KafkaProducer {
    rd_kafka_t *rk;
    ProducerTopic *topics; /* handles by name; a producer writes to few topics */
    int ntopics;
    int queue_full_wait_ms;
    int sends_since_poll;
    /* acknowledgement tracking (the producing thread only) */
    int64_t last_seq; /* last sequence handed out */
    int64_t base;     /* lowest sequence not yet acknowledged */
    uint8_t *ring;    /* ring[s & (ring_cap - 1)]: 1 when s is acknowledged */
    size_t ring_cap;  /* a power of two > last_seq - base */
    bool failed;      /* a delivery failed: sticky */
    char fail_msg[512];
    /* stats, readable from any thread */
    _Atomic uint64_t records, bytes, acked, nfailed;
    pthread_mutex_t err_lock;
    char last_error[256];
};

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    KafkaProducer *p = opaque;
    int64_t seq = (int64_t)(uintptr_t)m->_private;
    if (m->err) {
        atomic_fetch_add(&p->nfailed, 1);
        if (!p->failed) {
            p->failed = true;
            snprintf(p->fail_msg, sizeof p->fail_msg, "delivery to topic %s [%d] failed: %s",
                     rd_kafka_topic_name(m->rkt), (int)m->partition, rd_kafka_err2str(m->err));
            pthread_mutex_lock(&p->err_lock);
            set_text(p->last_error, sizeof p->last_error, "", p->fail_msg);
            pthread_mutex_unlock(&p->err_lock);
        }
        return;
    }
    atomic_fetch_add(&p->acked, 1);
    size_t mask = p->ring_cap - 1;
    p->ring[(size_t)seq & mask] = 1;
    while (p->base <= p->last_seq && p->ring[(size_t)p->base & mask]) {
        p->ring[(size_t)p->base & mask] = 0;
        p->base++;
    }
}

/* Served by rd_kafka_poll in the producing thread. A fatal error (the idempotent
 * producer lost its guarantees) fails the producer for good. */
static void error_cb(rd_kafka_t *rk, int code, const char *reason, void *opaque)
{
    KafkaProducer *p = opaque;
    if (code == RD_KAFKA_RESP_ERR__FATAL && !p->failed) {
        char fatal[256];
        rd_kafka_fatal_error(rk, fatal, sizeof fatal);
        p->failed = true;
        snprintf(p->fail_msg, sizeof p->fail_msg, "fatal Kafka producer error: %s", fatal);
    }
    pthread_mutex_lock(&p->err_lock);
    set_text(p->last_error, sizeof p->last_error, "", reason);
    pthread_mutex_unlock(&p->err_lock);
}

KafkaProducer *kafka_producer_new(const KafkaProducerConfig *cfg, EddyError *err)
{
    char errstr[512], linger[32];
    KafkaProducer *p = calloc(1, sizeof *p);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (!p) {
        err_set(err, ERR_INTERNAL, -1, "out of memory");
        goto fail;
    }
    pthread_mutex_init(&p->err_lock, NULL);
    p->queue_full_wait_ms = cfg->queue_full_wait_ms > 0 ? cfg->queue_full_wait_ms : 30000;
    p->base = 1;
    p->ring_cap = 1024;
    p->ring = calloc(p->ring_cap, 1);
    if (!p->ring) {
        err_set(err, ERR_INTERNAL, -1, "out of memory");
        goto fail;
    }
    snprintf(linger, sizeof linger, "%d", cfg->linger_ms > 0 ? cfg->linger_ms : 5);
    if (kafka_conf_set(conf, "client.id", cfg->client_id ? cfg->client_id : "eddy", err) < 0 ||
        kafka_conf_set(conf, "linger.ms", linger, err) < 0 ||
        kafka_conf_set(conf, "partitioner", "murmur2_random", err) < 0 ||
        kafka_conf_set(conf, "log.connection.close", "false", err) < 0 ||
        kafka_conf_apply(conf, cfg->props, cfg->nprops, KAFKA_ROLE_PRODUCER, err) < 0 ||
        (cfg->bootstrap_servers &&
         kafka_conf_set(conf, "bootstrap.servers", cfg->bootstrap_servers, err) < 0) ||
        kafka_conf_set(conf, "enable.idempotence", "true", err) < 0)
        goto fail;
    rd_kafka_conf_set_opaque(conf, p);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!p->rk) {
        err_set(err, ERR_IO, -1, "cannot create Kafka producer: %s", errstr);
        goto fail;
    }
    return p;
fail:
    if (conf) rd_kafka_conf_destroy(conf);
    if (p) {
        free(p->ring);
        pthread_mutex_destroy(&p->err_lock);
        free(p);
    }
    return NULL;
}

void kafka_producer_close(KafkaProducer *p, int timeout_ms)
{
    if (!p) return;
    rd_kafka_flush(p->rk, timeout_ms > 0 ? timeout_ms : 0);
    for (int i = 0; i < p->ntopics; i++) {
        rd_kafka_topic_destroy(p->topics[i].rkt);
        free(p->topics[i].name);
    }
    free(p->topics);
    rd_kafka_destroy(p->rk);
    free(p->ring);
    pthread_mutex_destroy(&p->err_lock);
    free(p);
}

static rd_kafka_topic_t *producer_topic(KafkaProducer *p, const char *name, EddyError *err)
{
    for (int i = 0; i < p->ntopics; i++)
        if (strcmp(p->topics[i].name, name) == 0) return p->topics[i].rkt;
    ProducerTopic *nt = realloc(p->topics, (size_t)(p->ntopics + 1) * sizeof *nt);
    if (!nt) {
        err_set(err, ERR_INTERNAL, -1, "out of memory");
        return NULL;
    }
    p->topics = nt;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(p->rk, name, NULL);
    char *copy = strdup(name);
    if (!rkt || !copy) {
        if (rkt) rd_kafka_topic_destroy(rkt);
        free(copy);
        err_set(err, ERR_IO, -1, "topic '%s': %s", name,
                rkt ? "out of memory" : rd_kafka_err2str(rd_kafka_last_error()));
        return NULL;
    }
    p->topics[p->ntopics++] = (ProducerTopic){copy, rkt, 0};
    return rkt;
}

/* The partition of a record that hashes only the leading partition_key_len bytes
 * of its key (windowed keys), as Kafka Streams' WindowedStreamPartitioner puts
 * it; the topic's partition count is asked once. -1 (librdkafka's murmur2 over
 * the whole key) when the count is not known. */
static int32_t inner_key_partition(KafkaProducer *p, rd_kafka_topic_t *rkt, const RawRecord *rec)
{
    ProducerTopic *pt = NULL;
    for (int i = 0; i < p->ntopics && !pt; i++)
        if (p->topics[i].rkt == rkt) pt = &p->topics[i];
    if (!pt) return -1;
    if (pt->partitions == 0) {
        const struct rd_kafka_metadata *md = NULL;
        pt->partitions = -1;
        if (rd_kafka_metadata(p->rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR && md) {
            if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
                md->topics[0].partition_cnt > 0)
                pt->partitions = md->topics[0].partition_cnt;
            rd_kafka_metadata_destroy(md);
        }
    }
    if (pt->partitions <= 0) return -1;
    return kafka_partition_of(rec->key, rec->partition_key_len, pt->partitions);
}

/* Makes room in the ring for sequence seq. */
static int ring_reserve(KafkaProducer *p, int64_t seq)
{
    if ((uint64_t)(seq - p->base) < p->ring_cap) return 0;
    size_t ncap = p->ring_cap * 2;
    while ((uint64_t)(seq - p->base) >= ncap)
        ncap *= 2;
    uint8_t *nr = calloc(ncap, 1);
    if (!nr) return -1;
    for (int64_t s = p->base; s <= p->last_seq; s++)
        nr[(size_t)s & (ncap - 1)] = p->ring[(size_t)s & (p->ring_cap - 1)];
    free(p->ring);
    p->ring = nr;
    p->ring_cap = ncap;
    return 0;
}

int kafka_producer_send(KafkaProducer *p, const RawRecord *rec, int64_t *seq, EddyError *err)
{
    if (p->failed) return err_set(err, ERR_IO, -1, "%s", p->fail_msg);
    rd_kafka_topic_t *rkt = producer_topic(p, rec->topic, err);
    if (!rkt) return ERR_IO;
    rd_kafka_headers_t *hdrs = NULL;
    if (rec->nheaders > 0) {
        hdrs = rd_kafka_headers_new((size_t)rec->nheaders);
        for (int i = 0; i < rec->nheaders; i++) {
            const RawHeader *h = &rec->headers[i];
            rd_kafka_header_add(hdrs, h->key, (ssize_t)h->key_len, h->value,
                                h->value ? (ssize_t)h->value_len : 0);
        }
    }
    int32_t part = rec->partition;
    if (part < 0 && rec->key && rec->partition_key_len > 0 && rec->partition_key_len < rec->key_len)
        part = inner_key_partition(p, rkt, rec);
    int64_t s = p->last_seq + 1;
    if (ring_reserve(p, s) < 0) {
        if (hdrs) rd_kafka_headers_destroy(hdrs);
        return err_set(err, ERR_INTERNAL, -1, "out of memory");
    }
    int64_t deadline = 0;
    rd_kafka_resp_err_t rc;
    for (;;) {
        rc = rd_kafka_producev(
            p->rk, RD_KAFKA_V_RKT(rkt),
            RD_KAFKA_V_PARTITION(part >= 0 ? part : RD_KAFKA_PARTITION_UA),
            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_KEY((void *)rec->key, rec->key ? rec->key_len : 0),
            RD_KAFKA_V_VALUE((void *)rec->value, rec->value ? rec->value_len : 0),
            RD_KAFKA_V_TIMESTAMP(rec->timestamp > 0 ? rec->timestamp : 0), RD_KAFKA_V_HEADERS(hdrs),
            RD_KAFKA_V_OPAQUE((void *)(uintptr_t)s), RD_KAFKA_V_END);
        if (rc != RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
        /* Back-pressure: serve delivery reports until the queue has room. */
        if (!deadline) deadline = now_ms() + p->queue_full_wait_ms;
        if (now_ms() >= deadline) break;
        rd_kafka_poll(p->rk, 10);
        if (p->failed) break;
    }
    if (rc) {
        if (hdrs) rd_kafka_headers_destroy(hdrs);
        if (p->failed) return err_set(err, ERR_IO, -1, "%s", p->fail_msg);
        if (rc == RD_KAFKA_RESP_ERR__QUEUE_FULL)
            return err_set(err, ERR_IO, -1,
                           "producer queue still full after %d ms (is the broker reachable?)",
                           p->queue_full_wait_ms);
        return err_set(err, ERR_IO, -1, "produce to topic %s: %s", rec->topic,
                       rd_kafka_err2str(rc));
    }
    p->last_seq = s;
    atomic_fetch_add(&p->records, 1);
    atomic_fetch_add(&p->bytes, (rec->key ? rec->key_len : 0) + (rec->value ? rec->value_len : 0));
    if (seq) *seq = s;
    if (++p->sends_since_poll >= POLL_EVERY_SENDS) {
        p->sends_since_poll = 0;
        rd_kafka_poll(p->rk, 0);
    }
    return 0;
}

int64_t kafka_producer_sent_seq(KafkaProducer *p)
{
    return p->last_seq;
}

int64_t kafka_producer_acked_seq(KafkaProducer *p)
{
    rd_kafka_poll(p->rk, 0);
    return p->base - 1;
}

int kafka_producer_wait_acked(KafkaProducer *p, int64_t seq, int timeout_ms, EddyError *err)
{
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    for (;;) {
        rd_kafka_poll(p->rk, 0);
        if (p->base > seq) return 0;
        if (p->failed) return err_set(err, ERR_IO, -1, "%s", p->fail_msg);
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return err_set(err, ERR_LIMIT, -1,
                           "%lld produced records not acknowledged within %d ms",
                           (long long)(seq - p->base + 1), timeout_ms);
        rd_kafka_poll(p->rk, left < 20 ? (int)left : 20);
    }
}

int kafka_producer_flush(KafkaProducer *p, int timeout_ms, EddyError *err)
{
    /* rd_kafka_flush also makes librdkafka send lingering batches at once. */
    rd_kafka_flush(p->rk, timeout_ms > 0 ? timeout_ms : 0);
    return kafka_producer_wait_acked(p, p->last_seq, 0, err);
}

int kafka_producer_error(KafkaProducer *p, EddyError *err)
{
    if (p->failed) return err_set(err, ERR_IO, -1, "%s", p->fail_msg);
    return 0;
}

void kafka_producer_stats(KafkaProducer *p, KafkaProducerStats *out)
{
    memset(out, 0, sizeof *out);
    out->records = atomic_load(&p->records);
    out->bytes = atomic_load(&p->bytes);
    out->acked = atomic_load(&p->acked);
    out->failed = atomic_load(&p->nfailed);
    out->in_flight = (int64_t)(out->records - out->acked - out->failed);
    pthread_mutex_lock(&p->err_lock);
    memcpy(out->last_error, p->last_error, sizeof out->last_error);
    pthread_mutex_unlock(&p->err_lock);
}
