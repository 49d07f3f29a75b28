/*
 * op.h - the operator interface and the per-task execution context.
 * Internal to src/runtime/.
 *
 * A query's plan is instantiated once per task (input partition): one Op per
 * step, linked downstream. Operators are push-based and work on batches of rows:
 * process() receives rows, transforms them, and hands the resulting rows to the
 * next operator with op_emit(). Per-batch memory comes from the task's scratch
 * arena, reset after each batch; state lives in LMDB stores accessed through the
 * batch's write transaction.
 */
#ifndef EDDY_OP_H
#define EDDY_OP_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/strbuf.h"
#include "../planner/plan.h"
#include "eval.h"
#include "query.h"
#include "row.h"
#include "serde.h"
#include "state.h"

typedef struct Op Op;
typedef struct Task Task;
typedef struct ExecCtx ExecCtx;

typedef struct OpVtab {
    /* Rows arriving at input `port` (0, or 1 for a join's right side). */
    int (*process)(Op *op, int port, Row *rows, int n, ExecCtx *ctx);
    /* Stream time moved forward (window closing, EMIT FINAL, join expiry). May be NULL. */
    int (*advance)(Op *op, int64_t stream_time, ExecCtx *ctx);
    /* End of a batch: flush batch-local caches into state (inside the txn). May be NULL. */
    int (*flush)(Op *op, ExecCtx *ctx);
    void (*close)(Op *op);
} OpVtab;

struct Op {
    const OpVtab *vt;
    const Step *step;
    Task *task;
    Op *down; /* downstream operator, NULL at the root */
    int down_port;
    int segment; /* sub-topology: stream time is tracked per segment */
};

/* A task: one instance of the plan for one input partition. */
struct Task {
    Query *q;
    int partition;
    Op **ops; /* per step id */
    int nops;
    int64_t *stream_time; /* per segment */
    Arena scratch;        /* per batch */
    EvalCtx eval;
};

struct ExecCtx {
    Task *task;
    Arena *scratch;
};

/* Hands rows to op's downstream operator. */
static inline int op_emit(Op *op, Row *rows, int n, ExecCtx *ctx)
{
    if (!op->down || n == 0) return 0;
    return op->down->vt->process(op->down, op->down_port, rows, n, ctx);
}

/* The batch's write transaction (one for every task of the query), begun on first
 * use. NULL on failure. */
StateTxn *task_txn(Task *t);

/* Records a processing error (processing log + counters) for the current record. */
void task_processing_error(Task *t, const Step *step, const char *msg, const RawRecord *rec);

/* True when a state key of len bytes (plus overhead bytes the store adds) fits
 * LMDB; otherwise reports the record to the processing log and returns false. */
bool task_key_fits(Task *t, const Step *step, size_t len, size_t overhead);

/* Opens (creating) a state store of this query, named "<query id>#<name>". */
int task_store(Task *t, const char *name, StateStore *out);

/* Wall-clock time in ms for throttles (0 throughout with a frozen clock). */
int64_t task_wall_ms(Task *t);

/* Advances the stream time of a segment; returns the new value. */
int64_t task_observe_time(Task *t, int segment, int64_t ts);

/* Operator constructors (one file each). */
Op *op_source_new(Task *t, const Step *s);
Op *op_filter_new(Task *t, const Step *s);
Op *op_select_new(Task *t, const Step *s);
Op *op_flatmap_new(Task *t, const Step *s);
Op *op_rekey_new(Task *t, const Step *s);
Op *op_aggregate_new(Task *t, const Step *s);
Op *op_join_new(Task *t, const Step *s);
Op *op_sink_new(Task *t, const Step *s);
/* Re-keys a table sink's store written before its keys took the layout of
 * serde_table_store_key (once; a marker in the offsets database records it). */
int op_sink_upgrade_store(StateEnv *env, const char *qid, const Step *s, EddyError *err);
Op *op_collect_new(Task *t, const Step *s); /* push-query output */

/* Source operator entry: raw records of this source's topic. */
int op_source_feed(Op *op, const RawRecord *recs, int n, ExecCtx *ctx);
/* Rekey (repartition) entry when its internal topic is consumed back from Kafka. */
int op_rekey_feed(Op *op, const RawRecord *recs, int n, ExecCtx *ctx);

/* Query plumbing used by operators (query.c). */
int query_io_produce(Query *q, const char *topic, int32_t partition, const RawRecord *rec);
int query_io_push(Query *q, const Row *row, bool tombstone);
const QueryEnv *query_env(const Query *q);
QueryStats *query_stats_mut(Query *q);

/* Prefix of state keys: the task's partition (2 bytes, big-endian), so that a
 * partition's state can be dropped or restored on its own. */
void task_key_prefix(Task *t, StrBuf *key);

/* Copies row values into an arena (for rows kept beyond the batch). */
void row_copy_cols(Arena *a, Value *dst, const Value *src, int n);

#endif
