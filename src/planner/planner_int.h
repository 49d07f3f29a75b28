/*
 * planner_int.h - what the planner's files share: name scopes, the binder's
 * context and its entry points. Not for use outside src/planner/.
 */
#ifndef EDDY_PLANNER_INT_H
#define EDDY_PLANNER_INT_H

#include "../common/props.h"
#include "../functions/functions.h"
#include "../parser/ast.h"
#include "catalog.h"
#include "expr.h"
#include "plan.h"

/* One name visible to expressions: a column of the input row. */
typedef struct ScopeCol {
    const char *qualifier; /* source name or alias it belongs to, or NULL */
    const char *name;      /* column name */
    int index;             /* column index in the input row */
    const Type *type;
    bool qual_only;        /* only visible qualified (a join side's ROWTIME, ...) */
} ScopeCol;

typedef struct Scope {
    int n, cap;
    ScopeCol *cols;
    int nqual;
    const char *quals[8];  /* valid qualifiers (source names and aliases) */
    bool windowed;         /* WINDOWSTART / WINDOWEND resolve */
    bool no_pseudo;        /* ROWTIME etc. do not resolve (aggregate output) */
    bool rowtime_only;     /* only ROWTIME among the source pseudo columns */
} Scope;

void scope_add(Arena *a, Scope *s, const char *qual, const char *name, int index, const Type *t);
void scope_add_qual(Scope *s, const char *qual);

/* Aggregate context: while binding the projection/HAVING of an aggregation, AST
 * sub-trees equal to a GROUP BY expression become key columns and aggregate calls
 * become aggregate result columns. */
typedef struct AggBinding {
    int ngroup;
    Expr **group;          /* bound against the pre-aggregation scope */
    const Scope *in_scope; /* the pre-aggregation scope */
    int naggs, acap;
    const AstExpr **agg_ast; /* distinct aggregate calls found */
    AggCall *aggs;           /* their bindings (against in_scope) */
    int agg_base;          /* aggregate i is column agg_base + i of the output */
    bool collecting;       /* collect new aggregates (SELECT/HAVING) */
    const AstExpr *bad;    /* first expression not covered by GROUP BY */
    bool in_agg_args;      /* binding an aggregate's arguments */
} AggBinding;

/* Table functions found in a SELECT list become FLATMAP columns. */
typedef struct TfBinding {
    int n, cap;
    const AstExpr **ast;
    Expr **calls;          /* bound against the FLATMAP input scope */
    int base;              /* table function i is column base + i of the FLATMAP output */
    const Scope *in_scope;
    bool collecting;
} TfBinding;

typedef struct BindCtx {
    Arena *arena;
    Catalog *catalog;
    const Props *props;
    const char *text;      /* statement text, for messages */
    const char *clause;    /* "SELECT", "WHERE", ... for "X column 'Y' cannot be resolved" */
    const Scope *scope;
    AggBinding *agg;       /* non-NULL while binding over an aggregation */
    TfBinding *tf;         /* non-NULL while table functions are allowed */
    bool allow_aggs;       /* aggregate calls allowed here */
    int nlambda;           /* lambda parameters in scope */
    const char *lambda_names[EXPR_MAX_LAMBDA_SLOTS];
    const Type *lambda_types[EXPR_MAX_LAMBDA_SLOTS];
    bool probing;          /* errors are expected; do not record extra state */
    EddyError *err;
} BindCtx;

/* Binds an AST expression; NULL with ctx->err set on error. */
Expr *bind_expr(BindCtx *ctx, const AstExpr *e);

/* Wraps e in a CAST to `to` unless it already has that type. */
Expr *bind_coerce(BindCtx *ctx, Expr *e, const Type *to);

/* Coerces a list of expressions to one common type, as ksqlDB's CoercionUtil does
 * for IN lists and ARRAY/MAP constructors (string literals parsed into the
 * target type, literals of any kind rendered for STRING targets, numeric
 * widening). On error uses ksqlDB's texts, prefixed by `prefix`. */
int bind_coerce_list(BindCtx *ctx, Expr **items, int n, const char *prefix, const Type **common);

/* Structural equality of bound expressions (ignores offsets and text). */
bool expr_equal(const Expr *a, const Expr *b);

/* Creates expression nodes. */
Expr *expr_new(Arena *a, ExprKind k, const Type *t, int offset);
Expr *expr_column(Arena *a, int index, const Type *t);
Expr *expr_literal(Arena *a, Value v, const Type *t);

/* The ksqlDB text of an AST expression (allocated in a). */
const char *ast_text(Arena *a, const AstExpr *e);

/* Whether the AST is a call of an aggregate / table function. */
bool ast_is_aggregate_call(const AstExpr *e);
bool ast_is_table_function_call(const AstExpr *e);
bool ast_contains_aggregate(const AstExpr *e);

/* Comparison operator names as ksqlDB prints them (EQUAL, LESS_THAN, ...). */
const char *cmp_op_name(int op);

/* The arithmetic result type, or NULL with err set. */
const Type *arith_result_type(int op, const Type *l, const Type *r, EddyError *err);

/* Whether a value of type `from` can be CAST to `to`. */
bool cast_supported(const Type *from, const Type *to);

#endif
