/*
 * functions.h - the function library: scalar, table and aggregate functions,
 * their signatures, overload resolution, and the registry that SHOW FUNCTIONS and
 * DESCRIBE FUNCTION read.
 *
 * The planner resolves each call once, at plan time (fn_resolve), into an FnCall:
 * the chosen variant, the argument types the arguments must be converted to, the
 * return type, and per-call-site state (a compiled regex, a parsed date pattern).
 * The runtime then calls the implementation per record with values only; nothing
 * is looked up by name on the record path.
 *
 * Dependencies: src/common only. The registry is built once (fn_registry_init)
 * and is read-only afterwards, so lookups take no lock.
 */
#ifndef EDDY_FUNCTIONS_H
#define EDDY_FUNCTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/error.h"
#include "../common/strbuf.h"
#include "../common/types.h"
#include "../common/value.h"

typedef struct FnCtx FnCtx;
typedef struct FnCall FnCall;
typedef struct FnVariant FnVariant;
typedef struct FnDef FnDef;

/* A scalar implementation. args[i] has the type call->arg_types[i] (or is NULL).
 * Writes the result to *out (allocating from ctx->arena). Returns 0, or ERR_EVAL
 * after fn_error(): the row then gets NULL for this call and the processing log
 * records the message, as ksqlDB does for a throwing UDF.
 * Table functions use the same signature and return an ARRAY whose elements are
 * the rows they produce (EXPLODE(arr) returns arr itself). */
typedef int (*ScalarImpl)(FnCtx *ctx, int nargs, const Value *args, Value *out);

/* Context of one invocation; set up by the evaluator. */
struct FnCtx {
    Arena *arena;       /* results are allocated here (the batch's scratch arena) */
    const FnCall *call; /* the resolved call site */
    EddyError *err;     /* filled by fn_error */
    /* Calls the lambda passed as argument `arg_index` with `nparams` values.
     * Provided by the evaluator; returns 0 or ERR_EVAL. */
    int (*invoke)(FnCtx *ctx, int arg_index, int nparams, const Value *params, Value *out);
    void *eval_ctx; /* evaluator-private */
};

/* Records an evaluation error message (ksqlDB's text where it has one). Returns ERR_EVAL. */
int fn_error(FnCtx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---------------------------------------------------------------- aggregates */

/* An aggregate keeps its running state in a Value of `FnCall.state_type` (a scalar,
 * or a STRUCT/ARRAY/MAP for richer state) so that state stores can serialize it
 * generically. All callbacks allocate from ctx->arena and return 0 or ERR_EVAL. */
typedef struct AggImpl {
    int (*init)(FnCtx *ctx, Value *state);
    /* Folds one row's arguments into the state (args are the non-constant args). */
    int (*add)(FnCtx *ctx, Value *state, int nargs, const Value *args);
    /* Removes a row (aggregations over tables); NULL when the function cannot undo. */
    int (*undo)(FnCtx *ctx, Value *state, int nargs, const Value *args);
    /* Merges `other` into `state` (session windows); NULL when not mergeable. */
    int (*merge)(FnCtx *ctx, Value *state, const Value *other);
    /* Final value from the state. */
    int (*result)(FnCtx *ctx, const Value *state, Value *out);
} AggImpl;

/* ---------------------------------------------------------------- signatures */

/*
 * Signature strings use a small type-pattern language:
 *   primitives   BOOLEAN INT BIGINT DOUBLE DECIMAL STRING BYTES DATE TIME TIMESTAMP
 *                (DECIMAL matches any precision/scale)
 *   collections  ARRAY<p>  MAP<p, p>  STRUCT (any struct)  STRUCT<NAME p, ...> (exact)
 *   any          ANY matches every type without binding (test UDAFs' Object params)
 *   generics     a single capital letter (T, U, K, V, ...) binds to the first
 *                argument type it meets; later uses must agree (after widening)
 *   lambdas      LAMBDA(p, ...) => p
 *   time units   INTERVALUNIT (a bare SECONDS/DAYS/... argument)
 *   varargs      "p..." matches zero or more arguments; at most one per variant, and
 *                it may stand before fixed parameters (TOPK(T, ANY..., CONST INT))
 *   constants    "CONST p": the argument must be a literal (TOPK's k, ...)
 * Parameters may carry a name after the type for DESCRIBE FUNCTION:
 *   "STRING input, INT length".
 */
struct FnVariant {
    const char *params;      /* parameter patterns, comma separated ("" for none) */
    const char *returns;     /* return pattern; when ret_fn is set it decides the type and
                                this text is only what DESCRIBE FUNCTION shows ("DECIMAL") */
    const char *description; /* one line for DESCRIBE FUNCTION */
    ScalarImpl impl;         /* scalar and table functions */
    const AggImpl *agg;      /* aggregate functions */
    const char *state;       /* aggregate state type pattern; NULL when state_fn decides */
    /* Optional: return type from the actual argument types (DECIMAL precision
     * rules, struct-returning functions). NULL return with err set = invalid. */
    const Type *(*ret_fn)(int nargs, const Type *const *args, EddyError *err);
    /* Optional: aggregate state type from the actual argument types. */
    const Type *(*state_fn)(int nargs, const Type *const *args, EddyError *err);
    /* Optional: called once at plan time. literals[i] is the value of argument i when
     * it is a literal, else NULL. May set call->state (allocated in plan_arena). */
    int (*prepare)(FnCall *call, const Value *const *literals, Arena *plan_arena, EddyError *err);
};

typedef enum FnKind { FN_SCALAR, FN_TABLE, FN_AGGREGATE } FnKind;

struct FnDef {
    const char *name; /* upper case */
    FnKind kind;
    const char *category; /* SHOW FUNCTIONS category: "MATHEMATICAL", "STRING", ... */
    const char *description;
    int nvariants;
    const FnVariant *variants;
    /* The name as ksqlDB declares it, used in resolution errors ("Function 'least' does
     * not accept ..."). NULL: lower case of `name` for scalar and table functions,
     * `name` itself for aggregates (fn_display_name applies this rule). */
    const char *decl_name;
    /* A function of ksqlDB's test registry (TEST_UDF, ...): found by fn_lookup and
     * fn_resolve, but not listed by fn_list (SHOW FUNCTIONS). */
    bool test_only;
};

/* A resolved call site (lives in the plan's arena). */
struct FnCall {
    const FnDef *def;
    const FnVariant *variant;
    int nargs;
    const Type **arg_types; /* the types the arguments must be converted to before the
                               call (the binder inserts implicit casts); for a lambda
                               argument, its TYPE_LAMBDA type */
    const Type *ret;        /* return type (element type for table functions) */
    const Type *state_type; /* aggregates: type of the state value */
    void *state;            /* per-call-site state from prepare() */
    bool *is_const;         /* per argument: declared CONST (aggregates: not passed to add) */
    Value *const_args;      /* values of CONST arguments (NULL kind elsewhere) */
    /* Only while fn_resolve_ex runs (prepare() may read it); NULL afterwards. */
    const struct FnResolveOpts *opts;
};

/* ---------------------------------------------------------------- registry */

/* Builds the registry of built-in functions. Idempotent and thread-safe. */
void fn_registry_init(void);

/* Finds a function by name (case-insensitive). NULL when unknown. */
const FnDef *fn_lookup(const char *name);

/* All functions except test-only ones, sorted by name; *n receives the count. */
const FnDef *const *fn_list(int *n);

/* Types argument `arg_index` (a lambda) given its parameter types; returns the
 * body's type, or NULL with err set. Provided by the binder. */
typedef const Type *(*LambdaTyper)(void *ctx, int arg_index, int nparams,
                                   const Type *const *param_types, EddyError *err);

/*
 * Resolves `name(args)` as ksqlDB's UDF index does: exact matches first, then
 * matches through implicit widening (INT -> BIGINT -> DECIMAL -> DOUBLE), NULL
 * arguments (TYPE_NULL) matching any parameter, generics bound left to right,
 * varargs last. arg_types[i] is TYPE_LAMBDA for lambda arguments, whose types
 * are obtained through `typer` once the generics they use are bound. literals[i]
 * is the value of argument i when it is a literal (for CONST parameters and
 * prepare()), else NULL.
 * On success fills *out (allocated in plan_arena) and returns 0. Errors use
 * ksqlDB's texts, e.g. "Can't find any functions with the name 'FOO'" and
 * "Function 'least' does not accept parameters ()." (ERR_SEMANTIC).
 */
int fn_resolve(const char *name, int nargs, const Type *const *arg_types,
               const Value *const *literals, LambdaTyper typer, void *typer_ctx, Arena *plan_arena,
               FnCall *out, EddyError *err);

/* ---------------------------------------------------------------- extensions */

/* Optional inputs of fn_resolve_ex (all fields may be NULL/0). */
typedef struct FnResolveOpts {
    /* SQL text of each argument, for messages such as "Parameter 2 passed to function
     * EARLIEST_BY_OFFSET must be a literal constant, but was expression: 'F0'". */
    const char *const *arg_text;
    /* Looks up a query property (e.g. "ksql.functions.collect_list.limit"); returns its
     * value as text, or NULL when unset. Read by prepare() hooks at plan time only. */
    const char *(*config)(void *config_ctx, const char *name);
    void *config_ctx;
} FnResolveOpts;

/* fn_resolve with optional inputs; fn_resolve(...) == fn_resolve_ex(..., NULL, ...). */
int fn_resolve_ex(const char *name, int nargs, const Type *const *arg_types,
                  const Value *const *literals, LambdaTyper typer, void *typer_ctx,
                  const FnResolveOpts *opts, Arena *plan_arena, FnCall *out, EddyError *err);

/* The placeholder type the binder passes in arg_types[i] for a lambda argument with
 * `nparams` parameters before it is typed (TYPE_LAMBDA, parameter and body types NULL).
 * Any TYPE_LAMBDA type whose nfields is the parameter count is accepted. */
const Type *fn_lambda_placeholder(int nparams);

/* The name used in error messages (see FnDef.decl_name). Static storage. */
const char *fn_display_name(const FnDef *def);

/* Kind as DESCRIBE FUNCTION / SHOW FUNCTIONS print it: "SCALAR", "TABLE", "AGGREGATE". */
const char *fn_kind_text(FnKind kind);

/* One parameter of a variant as DESCRIBE FUNCTION shows it. */
typedef struct FnParamInfo {
    const char *name; /* "" when the signature names none */
    const char *type; /* ksqlDB's parameter type text: "INT", "ARRAY<T>", "STRING" */
    bool variadic;    /* the trailing (or middle) "..." parameter; type is the element */
    bool is_const;    /* must be a literal */
} FnParamInfo;

/* Fills up to `max` parameters of `v` (a variant of `def`); returns the parameter count.
 * Strings are process-lifetime. */
int fn_variant_params(const FnDef *def, const FnVariant *v, FnParamInfo *out, int max);

/* Appends the signature as ksqlDB prints it, e.g. "ABS(num INT)" or
 * "CONCAT(inputs STRING...)" (use_decl_name: 'concat' instead of 'CONCAT'). */
void fn_variant_print_signature(StrBuf *sb, const FnDef *def, const FnVariant *v,
                                bool use_decl_name);

/* Appends the return type text ("DOUBLE", "ARRAY<T>"; "DECIMAL" when computed). */
void fn_variant_print_return(StrBuf *sb, const FnDef *def, const FnVariant *v);

/* Reorders the entries of MAP value m, in place, into the iteration order of a
 * java.util.HashMap built by putting them in their current order into
 * `new HashMap<>(initial_capacity)` (initial_capacity 0: `new HashMap<>()`). ksqlDB's maps
 * are HashMaps, and the order is visible through MAP_KEYS, MAP_VALUES, ENTRIES, REDUCE
 * and TRANSFORM. Keys hash as Java does for STRING, INT, BIGINT, BOOLEAN and DOUBLE; maps
 * with other key kinds keep their order. `scratch` provides temporary memory.
 * (ksqlDB's JSON deserializer builds maps with `new HashMap<>(size)`.) */
void fn_map_java_order(Value *m, Arena *scratch, int initial_capacity);

/* ---------------------------------------------------------------- runtime notes
 *
 * Calling conventions the evaluator and the aggregate operators follow:
 *  - Scalar/table calls receive every argument, converted to call->arg_types[i]
 *    (implicit casts inserted by the binder). Lambda arguments are not evaluated: the
 *    slot holds a NULL value and the implementation calls ctx->invoke(ctx, i, ...).
 *  - INTERVALUNIT arguments (DATEADD(DAYS, ...)) are passed, both as literals[i] at
 *    resolve time and as args[i] at run time, as a STRING value holding the unit name
 *    as written or canonical ("DAYS", "SECOND", "MILLISECONDS", ...).
 *  - Aggregates: add/undo receive only the non-CONST arguments, in order; CONST values
 *    are in call->const_args. COUNT(*) resolves as COUNT with zero arguments.
 *  - EARLIEST/LATEST_BY_OFFSET order by a process-wide sequence taken in add(); the
 *    runtime must call add() in offset order per partition (it does, by processing
 *    records in order); no hidden ROWOFFSET argument is needed.
 *  - COLLECT_LIST/COLLECT_SET/HISTOGRAM read their limits from opts->config
 *    ("ksql.functions.collect_list.limit", "ksql.functions.collect_set.limit",
 *    default 1000) at resolve time.
 */

#endif
