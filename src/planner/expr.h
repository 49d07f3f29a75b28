/*
 * expr.h - bound, typed expressions: what the binder makes of an AST expression
 * and what the runtime evaluates per record.
 *
 * Names are gone by now: a column is an index into the row of the step that
 * evaluates the expression, a function is a resolved FnCall, implicit conversions
 * are explicit EX_CAST nodes, and literals are Values. Expressions live in the
 * arena of the plan that owns them.
 */
#ifndef EDDY_EXPR_H
#define EDDY_EXPR_H

#include <stdbool.h>

#include "../common/types.h"
#include "../common/value.h"
#include "../functions/functions.h"

typedef enum ExprKind {
    EX_LITERAL,    /* lit */
    EX_COLUMN,     /* index: column of the input row */
    EX_PSEUDO,     /* index: PseudoCol */
    EX_LAMBDA_VAR, /* index: slot in the lambda frame */
    EX_FIELD,      /* args[0]: struct; index: field */
    EX_SUBSCRIPT,  /* args[0]: array (1-based, negative from end) or map; args[1]: index/key */
    EX_NEG,        /* -args[0] */
    EX_ARITH,      /* args[0] op args[1]; both already of `type` except DECIMAL (own rules) */
    EX_CONCAT,     /* args[0] || args[1] (strings) */
    EX_COMPARE,    /* args[0] op args[1]; operands converted to a common type */
    EX_AND,        /* three-valued */
    EX_OR,
    EX_NOT,
    EX_IS_NULL,    /* negated: IS NOT NULL */
    EX_DISTINCT,   /* negated: IS NOT DISTINCT FROM */
    EX_BETWEEN,    /* args[0] [NOT] BETWEEN args[1] AND args[2] */
    EX_LIKE,       /* args[0] [NOT] LIKE args[1] [ESCAPE escape] */
    EX_IN,         /* args[0] [NOT] IN (args[1..]) */
    EX_CASE,       /* args: cond0, res0, cond1, res1, ..., [else] ; has_else */
    EX_CAST,       /* args[0] converted to `type` */
    EX_CALL,       /* call(args) */
    EX_LAMBDA,     /* (slot .. slot+nparams-1) => args[0] */
    EX_ARRAY,      /* ARRAY[args] */
    EX_MAP,        /* MAP(args[2i] := args[2i+1]) */
    EX_STRUCT,     /* STRUCT(fields of `type` := args[i]) */
} ExprKind;

typedef enum PseudoCol {
    PSEUDO_ROWTIME,
    PSEUDO_ROWPARTITION,
    PSEUDO_ROWOFFSET,
    PSEUDO_WINDOWSTART,
    PSEUDO_WINDOWEND,
} PseudoCol;

typedef struct Expr Expr;
struct Expr {
    ExprKind kind;
    const Type *type;  /* result type (TYPE_NULL for an untyped NULL literal) */
    int offset;        /* byte offset in the statement text, -1 when synthetic */
    int op;            /* EX_ARITH / EX_COMPARE: AstBinOp */
    bool negated;
    bool has_else;     /* EX_CASE */
    int index;         /* EX_COLUMN, EX_PSEUDO, EX_LAMBDA_VAR, EX_FIELD */
    int nargs;
    Expr **args;
    Value lit;         /* EX_LITERAL */
    FnCall *call;      /* EX_CALL */
    int nparams;       /* EX_LAMBDA */
    int slot;          /* EX_LAMBDA: first frame slot of its parameters */
    int escape;        /* EX_LIKE: escape character or -1 */
    void *aux;         /* EX_LIKE: precompiled pattern when the pattern is literal */
    const char *text;  /* the expression as ksqlDB prints it (for messages, names) */
};

/* Maximum lambda nesting * parameters the evaluator supports. */
#define EXPR_MAX_LAMBDA_SLOTS 16

#endif
