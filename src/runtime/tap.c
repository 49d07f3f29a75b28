/*
 * tap.c - a topic's raw records handed to a callback as they arrive (PRINT).
 *
 * On ENGINE_MEMORY a tap is called from the topic layer (engine.c, mem_produce)
 * in the writer's thread, under the engine lock, for every record written to
 * its topic; FROM BEGINNING first hands it what the topic already holds. On
 * ENGINE_KAFKA a tap is a thread with a group-less consumer on every partition
 * of the topic, from its beginning or its end. Either way the callback returns
 * non-zero to say it wants no more records; the tap then stays idle until
 * engine_tap_stop.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "kafka_io.h"

struct TopicTap {
    Engine *engine;
    char *topic;
    TapRecordFn fn;
    void *ctx;
    volatile int done; /* fn asked to stop, or the consumer failed */
    /* ENGINE_KAFKA */
    KafkaConsumer *consumer;
    pthread_t thread;
    bool started;
    volatile int stop;
};

/* ---------------------------------------------------------------- memory */

void engine_mem_tap(Engine *e, const RawRecord *rec)
{
    for (int i = 0; i < e->ntaps; i++) {
        TopicTap *t = e->taps[i];
        if (t->done || strcmp(t->topic, rec->topic) != 0) continue;
        if (t->fn(t->ctx, rec)) t->done = 1;
    }
}

/* ---------------------------------------------------------------- kafka */

static void *tap_main(void *arg)
{
    TopicTap *t = arg;
    EddyError err;
    err_clear(&err);
    while (!t->stop) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(t->consumer, 500, 200, &recs, &err);
        if (n < 0) {
            t->done = 1;
            break;
        }
        for (int i = 0; i < n && !t->done; i++)
            if (t->fn(t->ctx, &recs[i])) t->done = 1;
        kafka_consumer_release_batch(t->consumer);
        if (t->done) break;
    }
    return NULL;
}

/* ---------------------------------------------------------------- both */

TopicTap *engine_tap_start(Engine *e, const char *topic, bool from_beginning, TapRecordFn fn,
                           void *ctx, EddyError *err)
{
    if (!engine_topic_exists(e, topic, NULL)) {
        err_set(err, ERR_NOT_FOUND, -1,
                "Could not find topic '%s', or the KSQL user does not have permissions to list "
                "the topic. Topic names are case-sensitive.",
                topic);
        return NULL;
    }
    TopicTap *t = xcalloc(1, sizeof *t);
    t->engine = e;
    t->topic = xstrdup(topic);
    t->fn = fn;
    t->ctx = ctx;
    if (e->mode == ENGINE_MEMORY) {
        if (from_beginning) {
            const RawRecord *recs;
            int n = engine_memory_records(e, topic, &recs);
            for (int i = 0; i < n && !t->done; i++)
                if (fn(ctx, &recs[i])) t->done = 1;
        }
        e->taps = xrealloc(e->taps, sizeof(TopicTap *) * (size_t)(e->ntaps + 1));
        e->taps[e->ntaps++] = t;
        return t;
    }
    const KafkaProp *props;
    int nprops;
    engine_kafka_client_props(e, &props, &nprops);
    KafkaConsumerConfig cc = {0};
    cc.bootstrap_servers = engine_bootstrap_servers(e);
    cc.client_id = "eddy-print";
    cc.props = props;
    cc.nprops = nprops;
    t->consumer = kafka_consumer_new(&cc, err);
    if (!t->consumer ||
        kafka_consumer_assign_topic(t->consumer, topic,
                                    from_beginning ? KAFKA_OFFSET_BEGINNING : KAFKA_OFFSET_END,
                                    5000, err) < 0)
        goto fail;
    if (pthread_create(&t->thread, NULL, tap_main, t) != 0) {
        err_set(err, ERR_INTERNAL, -1, "cannot start a thread: %s", strerror(errno));
        goto fail;
    }
    t->started = true;
    return t;
fail:
    engine_tap_stop(t);
    return NULL;
}

void engine_tap_stop(TopicTap *t)
{
    if (!t) return;
    Engine *e = t->engine;
    for (int i = 0; i < e->ntaps; i++) {
        if (e->taps[i] != t) continue;
        memmove(&e->taps[i], &e->taps[i + 1], sizeof(TopicTap *) * (size_t)(e->ntaps - i - 1));
        e->ntaps--;
        break;
    }
    t->stop = 1;
    if (t->started) pthread_join(t->thread, NULL);
    kafka_consumer_close(t->consumer);
    free(t->topic);
    free(t);
}

bool engine_tap_finished(const TopicTap *t)
{
    return t->done != 0;
}
