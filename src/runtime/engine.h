/*
 * engine.h - the engine: the catalog, the running queries and the topics they
 * read and write.
 *
 * Two modes share everything above the topic layer:
 *   ENGINE_MEMORY  topics are in-memory record lists; producing a record runs
 *                  every persistent query that reads its topic, depth first, in
 *                  the caller's thread (the conformance driver; deterministic).
 *   ENGINE_KAFKA   topics live on a Kafka cluster (or the embedded broker); each
 *                  persistent query runs in its own thread with its own consumer
 *                  group and producer (kafka_query.c).
 * The statement executor (src/server/executor.c) drives the engine; the engine
 * itself knows nothing of SQL text or HTTP.
 */
#ifndef EDDY_ENGINE_H
#define EDDY_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/error.h"
#include "../common/props.h"
#include "../planner/catalog.h"
#include "../planner/plan.h"
#include "query.h"
#include "record.h"

typedef struct Engine Engine;

typedef enum EngineMode {
    ENGINE_MEMORY,
    ENGINE_KAFKA,
} EngineMode;

typedef struct EngineConfig {
    EngineMode mode;
    const char *state_dir;      /* LMDB environment directory (created) */
    bool durable_state;         /* fsync state at every commit */
    const Props *props;         /* server properties (ksql.*, kafka client settings) */
    const char *bootstrap;      /* ENGINE_KAFKA: bootstrap servers */
    const char *broker_control; /* ENGINE_KAFKA: eddy-broker control address, or NULL */
    void *embedded_broker;      /* ENGINE_KAFKA: in-process broker (broker.h), or NULL */
    bool frozen_clock;          /* wall-clock time stands still for queries, as in Kafka
                                   Streams' TopologyTestDriver (conformance runs) */
    bool hash_partitions;       /* ENGINE_MEMORY: a keyed record without a partition goes
                                   where Kafka's Java producer puts it (murmur2 of the key
                                   bytes), not to partition 0 as TopologyTestDriver does */
} EngineConfig;

Engine *engine_new(const EngineConfig *cfg, EddyError *err);
/* Stops every query (committing their state) and frees the engine. */
void engine_free(Engine *e);

EngineMode engine_mode(const Engine *e);
Catalog *engine_catalog(Engine *e);
const Props *engine_props(const Engine *e);
StateEnv *engine_state(Engine *e);

/* Serialises statement execution (catalog changes, query start/stop). */
void engine_lock(Engine *e);
void engine_unlock(Engine *e);

/* ---------------------------------------------------------------- topics */

/* Creates a topic if absent. Returns 0, or ERR_EXISTS with the existing
 * partition count in *actual when it exists with a different count. */
int engine_topic_create(Engine *e, const char *topic, int partitions, int replicas,
                        int64_t retention_ms, int *actual, EddyError *err);
/* 1 when the topic exists (partitions in *partitions), 0 when not. */
int engine_topic_exists(Engine *e, const char *topic, int *partitions);
int engine_topic_delete(Engine *e, const char *topic, EddyError *err);

typedef struct TopicInfo {
    char name[256];
    int partitions;
    int replicas;
} TopicInfo;
/* Lists topics (malloc'd array; caller frees). */
int engine_topic_list(Engine *e, TopicInfo **out, EddyError *err);

/* Writes a record (INSERT VALUES, the processing log). partition -1: by key. */
int engine_produce(Engine *e, const char *topic, int32_t partition, const RawRecord *rec,
                   EddyError *err);

/* Serializes a row of src (cols: every column of its schema, in order; headers and
 * pseudo columns ignored) in its key and value formats and writes it to its topic
 * with timestamp ts. Returns 0, or < 0 with err: ERR_SEMANTIC when the row does not
 * serialize, ERR_IO when it could not be written. */
int engine_insert_row(Engine *e, const Source *src, const Value *cols, int64_t ts, EddyError *err);

/* Reads a topic from its beginning to its end offsets of the moment of the call
 * (every partition), fn per record (fn: < 0 fails, > 0 stops). Returns 0 or
 * < 0. Memory topics: call with the engine lock held. */
int engine_read_topic(Engine *e, const char *topic, int (*fn)(void *ctx, const RawRecord *rec),
                      void *ctx, EddyError *err);

/* ENGINE_MEMORY: every record written to a topic so far, in order. */
int engine_memory_records(Engine *e, const char *topic, const RawRecord **out);

/* ---------------------------------------------------------------- queries */

typedef enum QueryState {
    QS_RUNNING,
    QS_PAUSED,
    QS_ERROR,
} QueryState;

typedef struct RunningQuery RunningQuery;

/* "CSAS_OUTPUT_3": kind prefix and sink name, numbered by a per-engine counter. */
char *engine_next_query_id(Engine *e, const char *prefix, const char *sink);
/* Restores the counter (command log replay). */
void engine_note_query_id(Engine *e, const char *id);

/* Starts a persistent query (takes ownership of the plan). overrides (may be NULL)
 * are the statement's own properties (streamsProperties and SET), which win over the
 * server's for this query (auto.offset.reset, ...) and are shown by EXPLAIN. */
int engine_start_query(Engine *e, Plan *plan, const char *id, const char *sql,
                       const Props *overrides, EddyError *err);
int engine_terminate_query(Engine *e, const char *id, EddyError *err);
int engine_pause_query(Engine *e, const char *id, bool pause, EddyError *err);

int engine_query_count(Engine *e);
RunningQuery *engine_query_at(Engine *e, int i);
RunningQuery *engine_query_find(Engine *e, const char *id);
const char *rq_id(const RunningQuery *q);
const char *rq_sql(const RunningQuery *q);
const Plan *rq_plan(const RunningQuery *q);
/* The statement's own properties (see engine_start_query). */
const Props *rq_overrides(const RunningQuery *q);
QueryState rq_state(const RunningQuery *q);
QueryStats rq_stats(const RunningQuery *q); /* summed over its stream threads */
/* Records on the query's input partitions not yet processed (high watermarks from
 * the consumers' latest fetches, no request sent): 0 on the in-memory engine, which
 * processes records as they are written; -1 when no partition's lag is known yet. */
int64_t rq_consumer_lag(const RunningQuery *q);

/* Queries that read / write a source (ids in a malloc'd array of borrowed strings). */
int engine_queries_reading(Engine *e, const char *source, const char ***ids);
int engine_queries_writing(Engine *e, const char *source, const char ***ids);

/* ---------------------------------------------------------------- push queries */

typedef struct PushQuery PushQuery;
/* A row of a push query; return non-zero to stop the query. */
typedef int (*PushRowFn)(void *ctx, const Row *row, bool tombstone);

/* Starts a transient push query (takes ownership of the plan). Rows arrive on
 * an engine thread through `fn` until engine_push_stop. from_beginning selects
 * auto.offset.reset=earliest. */
PushQuery *engine_push_start(Engine *e, Plan *plan, const char *id, bool from_beginning,
                             PushRowFn fn, void *ctx, EddyError *err);
void engine_push_stop(PushQuery *pq);
const char *engine_push_id(const PushQuery *pq);
/* Whether the push query stopped (its callback asked to, or it failed). */
bool engine_push_finished(const PushQuery *pq);

/* ---------------------------------------------------------------- PRINT */

typedef struct TopicTap TopicTap;
/* A raw record of a tapped topic; return non-zero to want no more. */
typedef int (*TapRecordFn)(void *ctx, const RawRecord *rec);

/* Hands every record of `topic` to fn as it arrives (PRINT), from the topic's
 * beginning or from now: ENGINE_MEMORY in the writer's thread under the engine
 * lock, ENGINE_KAFKA on a thread of its own. Call with the engine lock held.
 * Returns NULL with err set when the topic does not exist. */
TopicTap *engine_tap_start(Engine *e, const char *topic, bool from_beginning, TapRecordFn fn,
                           void *ctx, EddyError *err);
/* Stops a tap (call with the engine lock held; fn is not called any more). */
void engine_tap_stop(TopicTap *t);
/* Whether fn asked to stop, or the tap failed. */
bool engine_tap_finished(const TopicTap *t);

/* ENGINE_KAFKA: the bootstrap servers clients should use (embedded or real). */
const char *engine_bootstrap_servers(Engine *e);

/* Sets the topic queries write processing-log records to (NULL: none). */
void engine_set_processing_log(Engine *e, const char *topic);

/* ---------------------------------------------------------------- pull */

/* Reads the materialized rows of a table sink (persistent query id) through fn
 * (row->cols in the sink schema); stop early by returning non-zero. */
int engine_scan_table(Engine *e, const char *query_id, int (*fn)(void *ctx, const Row *row),
                      void *ctx, EddyError *err);

/* A row of a pull query (row->cols in plan->output order); return non-zero
 * to stop. */
typedef int (*PullRowFn)(void *ctx, const Row *row);

/* Runs a pull query over a materialized table (plan->pull->table): key lookups
 * (plan->pull->lookups) or a scan of the table's sink store, then the WHERE
 * step and the projection on each row. Call with the engine lock held. Returns
 * 0, or ERR_NOT_FOUND when the table's state is gone. */
int engine_pull_table(Engine *e, const Plan *plan, PullRowFn fn, void *ctx, EddyError *err);

/* Runs a pull query over a stream: its topic read from the beginning up to the
 * end offsets at the start of the call (every partition), through the plan's
 * filter and projection. Takes ownership of the plan. ENGINE_MEMORY: call with
 * the engine lock held; ENGINE_KAFKA: without it (it reads Kafka for as long as
 * the topic takes). */
int engine_pull_stream(Engine *e, Plan *plan, PullRowFn fn, void *ctx, EddyError *err);

#endif
