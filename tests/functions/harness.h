/*
 * harness.h - a tiny test-side evaluator for the function library tests: resolves a
 * call from argument values (or explicit types), runs the implementation, provides
 * lambdas as C callbacks, and renders results as text for compact assertions.
 */
#ifndef EDDY_TEST_FN_HARNESS_H
#define EDDY_TEST_FN_HARNESS_H

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../../src/common/arena.h"
#include "../../src/common/strbuf.h"
#include "../../src/functions/functions.h"
#include "../../src/functions/functions_int.h"

/* A lambda implemented in C: receives its parameters, writes its result. */
typedef int (*TestLambda)(int nparams, const Value *params, Value *out);

typedef struct TestLambdaSpec {
    TestLambda fn;
    const Type *ret; /* body type the typer reports */
} TestLambdaSpec;

extern Arena h_arena;
extern EddyError h_err;
extern FnCall h_call;
extern TestLambdaSpec h_lambdas[8]; /* indexed by argument position */

void h_setup(void);
void h_teardown(void);

/* Type of a value (arrays/maps use v->type when set, else their first element). */
const Type *h_type_of(const Value *v);

/* Resolves name over the given types; literals may be NULL. Returns fn_resolve's rc. */
int h_resolve(const char *name, int n, const Type *const *types, const Value *const *lits);

/* Resolves from the values' types (all arguments treated as literals when as_literals)
 * and calls the implementation. Returns the impl's rc (or the resolve rc). */
int h_call_values(const char *name, int n, const Value *args, bool as_literals, Value *out);

/* Result rendering: "null", "1", "1.5", "'text'", "[1, 2]", "{a=1}", DECIMAL "1.20",
 * BYTES base64 "b:AQI=", STRUCT "{A=1, B='x'}". */
const char *h_str(const Value *v);

/* Runs name(args...) with literal args and returns h_str of the result, or
 * "ERR:<message>" when resolution or evaluation fails. */
const char *h_run(const char *name, int n, ...);
/* Same, arguments not passed as literals (exercises the non-prepared paths). */
const char *h_run_nolit(const char *name, int n, ...);

/* An aggregate under test: resolved call, context and running state. */
typedef struct HAgg {
    FnCall call;
    FnCtx ctx;
    Value state;
} HAgg;

/* Resolves an aggregate from the argument types (lits for CONST arguments, may be NULL)
 * and initializes its state; fails the test on error. */
void h_agg_start(HAgg *a, const char *name, int n, const Type *const *types,
                 const Value *const *lits);
/* add/undo with the non-CONST arguments; return the callback's rc. */
int h_agg_add(HAgg *a, int n, ...);
int h_agg_undo(HAgg *a, int n, ...);
/* merge another instance's state into a's. */
int h_agg_merge(HAgg *a, const HAgg *other);
/* Result rendered with h_str. */
const char *h_agg_result(HAgg *a);

/* Value constructors on the test arena. */
Value S(const char *s);
Value B64(const char *b64); /* BYTES from base64 */
Value I(int32_t i);
Value L(int64_t l);
Value D(double d);
Value DEC(const char *text); /* DECIMAL with the literal's precision/scale */
Value DECP(const char *text, int precision, int scale);
Value BOOL(bool b);
Value NUL(void);           /* untyped NULL literal */
Value TNUL(const Type *t); /* NULL of a known type (a NULL column value) */
Value ARR(const Type *elem, int n, ...);
Value MAPV(const Type *k, const Type *v, int n, ...); /* k0, v0, k1, v1 ... */
Value UNIT(const char *name);                         /* an INTERVALUNIT argument */
Value LAMBDA(int nparams);                            /* lambda placeholder argument */

/* Test cases of each file (test_*.c), collected by test_main.c. */
TCase *tc_registry(void);
TCase *tc_math(void);
TCase *tc_string(void);
TCase *tc_regex(void);
TCase *tc_collections(void);
TCase *tc_lambda(void);
TCase *tc_json(void);
TCase *tc_datetime(void);
TCase *tc_aggregates(void);

#endif
