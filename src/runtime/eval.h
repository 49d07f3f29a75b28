/*
 * eval.h - evaluating bound expressions (planner/expr.h) over a row.
 *
 * Evaluation never fails the query: a runtime error (division by zero, a bad
 * cast, a function that throws) yields NULL for that expression and is recorded
 * in the context, so the operator can write it to the processing log and go on,
 * as ksqlDB does.
 */
#ifndef EDDY_EVAL_H
#define EDDY_EVAL_H

#include "../common/arena.h"
#include "../common/error.h"
#include "../planner/expr.h"
#include "row.h"

typedef struct EvalCtx {
    const Row *row;
    Arena *arena;                       /* results (the batch's scratch arena) */
    Value frame[EXPR_MAX_LAMBDA_SLOTS]; /* lambda parameters */
    bool null_row;    /* the row has no value (a stream tombstone): ROWTIME etc. are NULL */
    int lambda_depth; /* > 0 while a lambda body is evaluated */
    int nerrors;      /* errors since the last eval_reset_errors */
    EddyError err;    /* the first of them */
} EvalCtx;

void eval_init(EvalCtx *ctx, Arena *arena);
static inline void eval_reset_errors(EvalCtx *ctx)
{
    ctx->nerrors = 0;
    ctx->err.code = 0;
}

/* Evaluates e over ctx->row into *out. Always produces a value (NULL on error). */
void eval_expr(EvalCtx *ctx, const Expr *e, Value *out);

/* Evaluates a predicate: true only when it is TRUE (NULL counts as false). */
bool eval_pred(EvalCtx *ctx, const Expr *e);

/* Converts v (of any type) to `to` as CAST does. Returns 0, or ERR_EVAL with a
 * message in err (the value is then NULL). */
int eval_cast(Arena *a, const Value *v, const Type *to, Value *out, EddyError *err);

#endif
