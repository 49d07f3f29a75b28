/*
 * planner.h - from statements to catalog entries and plans.
 *
 * The planner validates DDL against the catalog (CREATE STREAM/TABLE, types) and
 * turns queries (CSAS, CTAS, INSERT INTO ... SELECT, push and pull SELECTs) into
 * physical plans. It never touches Kafka or LMDB; the engine applies what the
 * planner returns. Errors carry ksqlDB's texts and the byte offset (relative to
 * the statement text) where one is known.
 */
#ifndef EDDY_PLANNER_H
#define EDDY_PLANNER_H

#include "../common/error.h"
#include "../common/props.h"
#include "../parser/ast.h"
#include "catalog.h"
#include "plan.h"

typedef struct PlanRequest {
    Catalog *catalog;
    const Props *props;      /* effective ksql properties for this statement */
    const AstStmt *stmt;
    const char *text;        /* the statement's own text (offsets are relative to it) */
    const char *query_id;    /* id for persistent queries (CSAS_X_0 ...), used in names */
} PlanRequest;

/* Validates CREATE [OR REPLACE] [SOURCE] STREAM/TABLE and builds the Source it
 * defines (not yet added to the catalog). */
int planner_create_source(const PlanRequest *req, Source **out, EddyError *err);

/* Plans CREATE ... AS SELECT, INSERT INTO ... SELECT, or a SELECT. For CREATE ...
 * AS SELECT, *sink_out receives the new sink Source (not yet in the catalog). */
int planner_plan_query(const PlanRequest *req, Plan **out, Source **sink_out, EddyError *err);

/* Plans the query that materializes a CREATE SOURCE TABLE (src, already
 * validated) so pull queries can read it: SOURCE -> SINK, where the sink keeps
 * the latest row per key in its store and writes no topic. */
int planner_plan_source_table(const PlanRequest *req, const Source *src, Plan **out,
                              EddyError *err);

/* Binds an expression that refers to no columns (INSERT VALUES): literals,
 * operators, functions, constructors. */
int planner_bind_constant(Catalog *c, const Props *props, const AstExpr *e, Arena *a, Expr **out,
                          EddyError *err);

/* Resolves a written type (custom type names through the catalog). */
int planner_resolve_type(Catalog *c, const AstType *t, const Type **out, EddyError *err);

/* Parses a duration text such as '30 SECONDS' (WINDOW_SIZE). Returns ms or -1
 * with err set ("Invalid duration: '30 bobs'. Unknown time unit: 'BOBS'"). */
int64_t planner_parse_duration(const char *text, EddyError *err);

/* Default ksqlDB grace period for windows without GRACE PERIOD. */
int64_t planner_default_grace_ms(int64_t size_ms);

#endif
