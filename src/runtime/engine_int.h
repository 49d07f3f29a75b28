/*
 * engine_int.h - the engine's insides, shared by engine.c (common parts and
 * in-memory topics) and engine_kafka.c (query threads, Kafka topics).
 * Internal to src/runtime/.
 */
#ifndef EDDY_ENGINE_INT_H
#define EDDY_ENGINE_INT_H

#include <pthread.h>

#include "engine.h"

typedef struct MemRecord {
    RawRecord rec; /* owns its key, value and headers */
    uint64_t seq;  /* global write order */
} MemRecord;

typedef struct MemTopic {
    char *name;
    int partitions, replicas;
    MemRecord *recs;
    int n, cap;
    int64_t next_offset[64];
    RawRecord *view; /* engine_memory_records' array */
} MemTopic;

typedef struct KafkaQuery KafkaQuery;
typedef struct KafkaEngine KafkaEngine;

struct RunningQuery {
    Engine *engine;
    char *id;
    char *sql;
    QueryState state;
    Query *q; /* ENGINE_MEMORY: the query; ENGINE_KAFKA: owned by the thread */
    const Plan *plan;
    KafkaQuery *kq;  /* ENGINE_KAFKA */
    Props props;     /* the server's properties with the statement's overrides */
    Props overrides; /* the statement's own properties */
};

/* A transient push query on ENGINE_MEMORY: fed by the topic layer like the
 * persistent queries (engine.c), started and stopped in push_memory.c. The
 * engine's PushQuery (engine_kafka.c) wraps it. */
typedef struct MemPush MemPush;
struct MemPush {
    Engine *engine;
    char *id;
    Query *q;
    PushRowFn fn;
    void *ctx;
    bool done; /* fn asked to stop: no more rows */
};

struct Engine {
    EngineMode mode;
    bool frozen_clock;
    bool hash_partitions;
    pthread_mutex_t lock;
    Props props;
    Catalog *catalog;
    StateEnv *state;
    RunningQuery **queries;
    int nqueries;
    int next_query;
    char *plog_topic;
    /* ENGINE_MEMORY */
    MemTopic *topics;
    int ntopics;
    uint64_t seq;
    MemPush **pushes; /* ENGINE_MEMORY: live push queries */
    int npushes;
    int mem_depth; /* queries processing right now (nested deliveries) */
    bool mem_draining;
    struct {
        int topic, rec;
    } * pending; /* records written by a query while it runs */
    int npending, cap_pending, next_pending;
    TopicTap **taps; /* ENGINE_MEMORY: PRINTs (tap.c) */
    int ntaps;
    /* ENGINE_KAFKA */
    KafkaEngine *kafka;
};

void rq_free(Engine *e, RunningQuery *rq);

/* engine.c: feeds a query every record already on its input topics, in write
 * order (ENGINE_MEMORY). */
int engine_mem_feed(Engine *e, Query *q, EddyError *err);

/* push_memory.c */
MemPush *engine_mem_push_start(Engine *e, Plan *plan, const char *id, bool from_beginning,
                               PushRowFn fn, void *ctx, EddyError *err);
void engine_mem_push_stop(MemPush *mp);
const char *engine_mem_push_id(const MemPush *mp);
bool engine_mem_push_finished(const MemPush *mp);

/* tap.c: hands a record just written to the taps on its topic (ENGINE_MEMORY). */
void engine_mem_tap(Engine *e, const RawRecord *rec);

/* engine_kafka.c */
int engine_kafka_init(Engine *e, const EngineConfig *cfg, EddyError *err);
void engine_kafka_close(Engine *e);
int engine_kafka_topic_create(Engine *e, const char *topic, int partitions, int replicas,
                              int64_t retention_ms, int *actual, EddyError *err);
int engine_kafka_topic_exists(Engine *e, const char *topic, int *partitions);
int engine_kafka_topic_delete(Engine *e, const char *topic, EddyError *err);
int engine_kafka_topic_list(Engine *e, TopicInfo **out, EddyError *err);
int engine_kafka_produce(Engine *e, const char *topic, int32_t partition, const RawRecord *rec,
                         EddyError *err);
int engine_kafka_start_query(Engine *e, RunningQuery *rq, Plan *plan, const QueryEnv *env,
                             EddyError *err);
void engine_kafka_stop_query(Engine *e, RunningQuery *rq);
void engine_kafka_pause_query(Engine *e, RunningQuery *rq, bool pause);
void engine_kafka_query_stats(const KafkaQuery *kq, QueryStats *out);
int64_t engine_kafka_query_lag(const KafkaQuery *kq);
/* Reads a topic from its beginning to the end offsets of the moment of the call
 * (limits[p] instead when given), fn per record (< 0 fails, > 0 stops). */
/* The client properties every consumer and producer gets (borrowed). */
struct KafkaProp;
void engine_kafka_client_props(Engine *e, const struct KafkaProp **props, int *n);
int engine_kafka_read_topic(Engine *e, const char *topic, const int64_t *limits, int nlimits,
                            int (*fn)(void *ctx, const RawRecord *rec), void *ctx, EddyError *err);

#endif
