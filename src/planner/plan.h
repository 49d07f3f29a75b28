/*
 * plan.h - physical plans of queries: a small DAG of steps, as ksqlDB's execution
 * steps (StreamSource, StreamFilter, StreamSelect, StreamFlatMap, StreamSelectKey,
 * StreamGroupBy + Aggregate, joins, TableSuppress, sinks).
 *
 * A plan is read-only once built; the runtime instantiates operators from it per
 * task (per partition). Every step states its output schema (key columns first),
 * whether its output is a stream or a table changelog, and whether its key is
 * windowed. Expressions in a step are bound against its input step's schema.
 * Everything lives in the plan's arena.
 */
#ifndef EDDY_PLAN_H
#define EDDY_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/format.h"
#include "../common/props.h"
#include "catalog.h"
#include "expr.h"

typedef enum StepKind {
    STEP_SOURCE,    /* read a topic: decode key/value, event time, headers */
    STEP_FILTER,    /* WHERE / HAVING: keep rows where pred is TRUE (tables: tombstone otherwise) */
    STEP_SELECT,    /* projection: out column i = exprs[i] */
    STEP_FLATMAP,   /* table functions: input columns + one column per function result */
    STEP_REKEY,     /* PARTITION BY / implicit repartition: new key = key_exprs */
    STEP_AGGREGATE, /* GROUP BY + aggregates [+ window]: output is a table */
    STEP_JOIN,      /* two inputs */
    STEP_SINK,      /* write a topic */
} StepKind;

typedef enum JoinKind {
    JOIN_STREAM_STREAM,
    JOIN_STREAM_TABLE,
    JOIN_TABLE_TABLE,
    JOIN_TABLE_TABLE_FK, /* foreign key: left.fk_expr = right primary key */
} JoinKind;

/* Pseudo columns a JOIN appends after each side's input columns, so that
 * qualified ROWTIME / WINDOWSTART ... of each side stay addressable. */
typedef enum JoinPseudo {
    JP_ROWTIME,
    JP_ROWPARTITION,
    JP_ROWOFFSET,
    JP_WINDOWSTART,
    JP_WINDOWEND,
    JOIN_NPSEUDO,
} JoinPseudo;

typedef enum JoinType {
    JT_INNER,
    JT_LEFT,
    JT_RIGHT,
    JT_OUTER, /* FULL OUTER */
} JoinType;

typedef struct WindowSpec {
    WindowType type;
    int64_t size_ms;      /* TUMBLING/HOPPING size; SESSION gap */
    int64_t advance_ms;   /* HOPPING advance (= size for TUMBLING) */
    int64_t grace_ms;     /* grace after window end; ksqlDB's default when not given */
    int64_t retention_ms; /* how long closed windows are kept for pull queries */
    bool grace_given;
} WindowSpec;

typedef struct AggCall {
    FnCall *call; /* resolved aggregate */
    int nargs;    /* non-constant arguments */
    Expr **args;  /* bound against the aggregate step's input */
    bool star;    /* COUNT(*) */
} AggCall;

typedef struct Step Step;
struct Step {
    StepKind kind;
    int id;            /* position in Plan.steps */
    const char *name;  /* ksqlDB-like step name for EXPLAIN: "KsqlTopic/Source", ... */
    Schema schema;     /* output schema (keys first) */
    bool is_table;     /* output is a changelog (upserts, tombstones) */
    WindowInfo window; /* output key is windowed */
    Step *input;       /* main input (NULL for SOURCE) */
    Step *right;       /* JOIN: right input */

    /* SOURCE */
    const char *source_name;
    const char *alias;
    const char *topic;
    FormatSpec key_fmt, val_fmt;
    int ts_col; /* event-time column or -1 */
    const char *ts_format;
    bool materialize; /* tables: keep the latest row per key in a state store */

    /* FILTER */
    Expr *pred;

    /* SELECT (ncols = schema.ncols exprs) and REKEY (nkeys key exprs) */
    Expr **exprs;
    int nkeys;
    Expr **key_exprs;
    bool repartition; /* REKEY: goes through an internal repartition topic */
    const char *repartition_topic;
    bool repartition_key_serde; /* REKEY: the topic's keys are serialized in
                                   repartition_key_fmt (not rowcodec), so that they
                                   land where the other side of a join has its keys */
    FormatSpec repartition_key_fmt;
    bool rekey_changelog; /* REKEY of a join's table side: the key is unchanged,
                             rows keep their flags (tombstones, no retractions) */

    /* FLATMAP */
    int ntfs;
    Expr **tfs; /* EX_CALL of table functions */

    /* AGGREGATE: key = group_exprs, values = aggregates (in order) */
    int ngroup;
    Expr **group_exprs;
    int naggs;
    AggCall *aggs;
    WindowSpec win;  /* type WIN_NONE when not windowed */
    bool emit_final; /* EMIT FINAL: emit each window once, when it closes */
    const char *store_name;
    const char *changelog_topic; /* where the aggregation's state changes go on Kafka */
    bool input_is_table;         /* aggregating a table: undo old values */

    /* JOIN: output columns are [key columns] + left input columns + JOIN_NPSEUDO
     * pseudo columns of the left row + right input columns + JOIN_NPSEUDO of the
     * right row (see JoinPseudo). Absent sides are NULL. */
    JoinKind join_kind;
    JoinType join_type;
    Expr *left_key;  /* bound against the left input (FK joins: the foreign key) */
    Expr *right_key; /* bound against the right input */
    int64_t before_ms,
        after_ms; /* stream-stream WITHIN: left.ts - before <= right.ts <= left.ts + after */
    int64_t join_grace_ms; /* -1 when not given (ksqlDB's legacy 24h default, eager outer rows) */
    int join_nkeys;        /* key columns of the output (FK joins: the left's key columns) */
    int left_base;         /* index of the first left input column in the output */
    int right_base;        /* index of the first right input column */
    int nleft_cols;        /* left input columns */
    int nright_cols;       /* right input columns */
    bool join_windowed;    /* both inputs windowed: window bounds are part of the key */

    /* SINK */
    const char *sink_name;
    const char *sink_topic;
    FormatSpec sink_key_fmt, sink_val_fmt;
    int sink_partitions;
    bool materialize_only; /* SINK of CREATE SOURCE TABLE: keep the table for pull
                              queries, write no topic (sink_topic is the source's) */
};

typedef enum PlanKind {
    PLAN_PERSISTENT, /* CSAS / CTAS / INSERT INTO ... SELECT */
    PLAN_PUSH,       /* SELECT ... EMIT CHANGES */
    PLAN_PULL,       /* SELECT without EMIT */
} PlanKind;

/* How a pull query (PLAN_PULL) finds its rows (plan_pull.c). The WHERE step is
 * always evaluated on every candidate row; lookups only narrow the candidates. */
typedef struct PullSpec {
    bool table;           /* a materialized table; else a stream read to its end */
    const char *query_id; /* table: the persistent query whose sink store holds it */
    int nkey;             /* table: key columns */
    int nlookups;         /* > 0: only rows with these keys can match (else a scan) */
    Expr **lookups;       /* nlookups * nkey constant expressions typed as the keys */
    const Step *filter;   /* WHERE over the source row, or NULL */
    const Step *project;  /* the projection (its schema is the output) */
    bool window_cols;     /* windowed table: the source row is keys, WINDOWSTART,
                             WINDOWEND, values */
} PullSpec;

typedef struct Plan {
    Arena arena;
    PlanKind kind;
    int nsteps;
    Step **steps; /* in dependency order; the last one is the root */
    Step *root;
    Schema output; /* result columns (push/pull: with key flags for headers) */
    bool output_is_table;
    int nsources;
    const char **sources; /* source names read */
    const char *sink;     /* persistent: the sink source name */
    bool has_limit;
    int64_t limit;
    bool emit_final;
    const char *sql;      /* the statement text */
    PullSpec *pull;       /* PLAN_PULL only */
    int ninternal_topics; /* internal topics ksqlDB's topology has for this plan (repartition,
                             changelog); the in-memory engine creates them, as conformance
                             post-conditions list them */
    const char **internal_topics;
    int refs; /* references beyond the first (plan_ref) */
} Plan;

/* Frees a plan and everything in its arena, once every reference is dropped. */
void plan_free(Plan *p);
/* Another reference to a plan (stream threads of one query share it read-only). */
Plan *plan_ref(Plan *p);

/* Appends a step to the plan (used by the planner). */
Step *plan_step_new(Plan *p, StepKind kind, Step *input);

#endif
