/*
 * query.h - a running query: the plan instantiated into tasks, fed with raw
 * records, writing raw records.
 *
 * The query does no I/O itself. Whoever drives it (the Kafka runner in
 * kafka_query.c, or the conformance driver's in-memory topics) hands it batches of
 * records with query_process() and receives its output through QueryIO:
 * records for topics (sinks, internal repartition topics, the processing log)
 * and, for push queries, rows.
 */
#ifndef EDDY_QUERY_H
#define EDDY_QUERY_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/error.h"
#include "../common/props.h"
#include "../planner/plan.h"
#include "record.h"
#include "row.h"
#include "state.h"

typedef struct Query Query;

typedef struct QueryIO {
    void *ctx;
    /* A record for a topic; partition -1 lets the producer's partitioner choose
     * (murmur2 of the key, as Kafka's Java client). Bytes are copied. */
    int (*produce)(void *ctx, const char *topic, int32_t partition, const RawRecord *rec);
    /* A result row of a push query (columns in plan->output order). */
    int (*push_row)(void *ctx, const Row *row, bool tombstone);
    /* Called before a batch's state and offsets are committed: returns once every
     * record the batch produced is acknowledged (so no committed input has lost
     * output). NULL when writes are synchronous. */
    int (*sync)(void *ctx, EddyError *err);
} QueryIO;

typedef struct QueryEnv {
    StateEnv *state;            /* where stateful operators keep their stores */
    const Props *props;         /* ksql properties in effect for the query */
    bool inprocess_repartition; /* repartition steps pass rows on directly (no topic) */
    bool frozen_clock;          /* task_wall_ms() stands still (TopologyTestDriver's mock time) */
    const char *processing_log_topic; /* NULL: no processing log records */
    bool single_task;                 /* every partition runs in one task (transient queries
                                         that consume all partitions with in-process repartition) */
    bool changelogs;                  /* aggregations write their state changes to their
                                         changelog topics (so a lost data directory can be rebuilt) */
    bool coalesce_changes;            /* EMIT CHANGES aggregations emit one update per key and
                                         window per batch (the latest, with the value before the
                                         batch as its old one), as Kafka Streams' record cache
                                         does between commits; off in TopologyTestDriver mode */
} QueryEnv;

typedef struct QueryStats {
    uint64_t consumed;       /* records processed */
    uint64_t produced;       /* records written */
    uint64_t errors;         /* processing-log entries */
    uint64_t late_dropped;   /* records later than window end + grace */
    int64_t last_message_ms; /* wall clock of the last processed record */
    char last_error[256];
} QueryStats;

/* Instantiates a plan (the query takes ownership of it). */
Query *query_new(const QueryEnv *env, Plan *plan, const char *id, const QueryIO *io,
                 EddyError *err);
void query_free(Query *q);

const char *query_id(const Query *q);
const Plan *query_plan(const Query *q);

/* Topics the query consumes: its sources and, without in-process repartition,
 * its internal repartition topics. */
int query_input_topics(const Query *q, const char *const **out);

/* Processes records (any topics/partitions; grouped per task internally), then
 * commits the state changes of the batch together with the offsets consumed
 * (when the query is stateful). Returns 0, or a negative ERR_* for failures of
 * the machinery itself (bad records never fail: they go to the processing log). */
int query_process(Query *q, const RawRecord *recs, int n, EddyError *err);

/* Lets time-driven operators act on wall-clock time (EMIT FINAL with no input,
 * joins). */
int query_punctuate(Query *q, int64_t now_ms, EddyError *err);

/* Offsets this query has committed in its state for a partition (to resume
 * after a restart). 0 when found. */
int query_committed_offset(Query *q, const char *topic, int partition, int64_t *next);

/* Whether the query keeps state in LMDB. */
bool query_is_stateful(const Query *q);

const QueryStats *query_stats(const Query *q);

/* Deletes the query's state stores (TERMINATE). */
void query_drop_state(Query *q);

#endif
