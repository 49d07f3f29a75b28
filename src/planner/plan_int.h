/*
 * plan_int.h - the query builder shared by plan_query.c, plan_join.c and
 * plan_pull.c. Internal to src/planner/.
 */
#ifndef EDDY_PLAN_INT_H
#define EDDY_PLAN_INT_H

#include "planner.h"
#include "planner_int.h"

typedef struct SelItem {
    const AstExpr *ast;   /* the expression (synthesised for * expansion) */
    const char *name;     /* output column name */
    bool aliased;
    bool from_star;
    int offset;
    Expr *bound;          /* bound against the projection's input */
    int key_pos;          /* index of the key it carries, or -1 */
} SelItem;

/* A column that * expands to. */
typedef struct StarCol {
    const char *qual;     /* source name it belongs to */
    const char *alt_qual; /* its alias */
    const char *ref_qual; /* qualifier used in the synthesised reference */
    const char *ref_name;
    const char *out_name; /* output column name (NULL: generated KSQL_COL_n) */
    const AstExpr *expr;  /* PARTITION BY key expanded by *: the expression itself */
} StarCol;

#define QB_MAX_SOURCES 8

typedef struct QB {
    const PlanRequest *req;
    Plan *plan;
    Arena *a;
    EddyError *err;
    const AstSelect *sel;
    bool persistent;
    const char *sink_name;
    int nsrc;
    Source *srcs[QB_MAX_SOURCES];
    const char *quals[QB_MAX_SOURCES]; /* alias or name per source */
    Step *cur;
    Scope scope;          /* names visible over cur's output */
    int nitems;
    SelItem *items;
    int nstar;
    StarCol *star;
    bool windowed_output;
    bool keys_optional;   /* ksql.new.query.planner.enabled: a projection may drop keys */
    /* joins (plan_join.c) */
    bool join_names;      /* column names follow the join schema (L_A, R_A) */
    int njoin_srcs;
    FormatKind join_key_fmt;  /* key format of the join result */
    struct JoinRel *join_rel; /* the planned join tree: key columns and their aliases */
} QB;

int qb_from(QB *qb);
void qb_fill_source_step(QB *qb, Step *s, const Source *src, const char *alias);
/* Plans a FROM clause with joins into qb->cur / qb->scope (plan_join.c). */
int qb_join(QB *qb);
/* Fills qb->star with what * and x.* expand to over a join. */
void qb_join_star_cols(QB *qb);
/* The output name of an unaliased column reference over a join: COL when the
 * name is unique among the joined sources, else ALIAS_COL. */
const char *qb_join_column_name(QB *qb, const AstExpr *col);
/* The key columns of a join result for a projection whose items are bound:
 * picks, per key column, the first of its equivalent expressions that the
 * projection carries (ksqlDB's viable key columns), makes those items read the
 * key column itself, and for persistent queries fails with ksqlDB's message
 * when none is there. Fills what match_keys needs. */
int qb_join_keys(QB *qb, int *nkeys, Expr ***keys, const AstExpr ***key_ast, const char **what);
const char *qb_column_output_name(QB *qb, const AstExpr *e);
/* Pull queries (plan_pull.c): checks made before the FROM clause is planned,
 * the WHERE analysis once the source is known, and the PullSpec at the end. */
int qb_pull_validate(QB *qb);
int qb_pull_analyze(QB *qb);
int qb_pull_finish(QB *qb);
int qb_validate_sink_formats(QB *qb, const Source *snk);
void qb_sanitized_sql(QB *qb, StrBuf *sb);
int qb_check_insert_schema(QB *qb, Step *last, const Source *target);
void scope_from_schema(Arena *a, Scope *s, const Schema *sc, const char *qual, const char *alias);
Expr *expr_shift(Arena *a, const Expr *e, int delta);

#endif
