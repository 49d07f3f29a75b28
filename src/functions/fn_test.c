/*
 * fn_test.c - the functions of ksqlDB's test registry that its query-validation tests
 * call (category TEST, marked test_only so that SHOW FUNCTIONS does not list them):
 * TEST_UDF, BAD_UDF, WHENCONDITION, WHENRESULT, the table functions TEST_UDTF and
 * THROWING_UDTF, and the aggregates TEST_UDAF, VAR_ARG, MID_VAR_ARG and
 * GENERIC_VAR_ARG. Their behaviour is reconstructed from what the tests observe.
 */
#include "functions_int.h"

#include <string.h>

/* ---------------------------------------------------------------- scalar */

/* TEST_UDF: names the Java overload chosen, or returns the struct's field A. */
static int t_test_udf(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    const FnVariant *v = ctx->call->variant;
    const char *name = v->description;
    if (nargs == 1 && ctx->call->arg_types[0]->kind == TYPE_STRUCT) {
        *out = args[0].kind == TYPE_NULL ? val_null() : args[0].u.items[0];
        return 0;
    }
    *out = fn_cstring(ctx->arena, name);
    return 0;
}

/* BAD_UDF(BOOLEAN) throws when asked to; BAD_UDF(INT) always throws; BAD_UDF(STRING)
 * returns NULL for values ending in an odd digit. */
static int t_bad_udf(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    switch (ctx->call->arg_types[0]->kind) {
    case TYPE_BOOLEAN:
        if (args[0].kind != TYPE_NULL && args[0].u.b)
            return fn_error(ctx, "You asked me to throw...");
        *out = val_int(0);
        return 0;
    case TYPE_INT: return fn_error(ctx, "boom!");
    default: {
        if (args[0].kind == TYPE_NULL || args[0].len == 0) {
            *out = val_null();
            return 0;
        }
        char last = args[0].u.s[args[0].len - 1];
        *out = last >= '0' && last <= '9' && (last - '0') % 2 ? val_null() : args[0];
        return 0;
    }
    }
}

/* WHENCONDITION / WHENRESULT(value, shouldBeEvaluated): fail when CASE evaluates a branch
 * it should have skipped. */
static int t_when_condition(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[1].kind == TYPE_NULL || !args[1].u.b)
        return fn_error(ctx, "When condition in case is not running lazily!");
    *out = args[0];
    return 0;
}

static int t_when_result(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[1].kind == TYPE_NULL || !args[1].u.b)
        return fn_error(ctx, "When result in case is not running lazily!");
    *out = args[0];
    return 0;
}

/* ---------------------------------------------------------------- table */

/* TEST_UDTF(x) -> [x]; with several arguments -> their text forms; arrays and maps
 * contribute their (first) element or value. */
static int t_test_udtf(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (nargs == 1) {
        Value r = val_array_new(ctx->arena, 1, NULL);
        r.u.items[0] = args[0];
        if (args[0].kind == TYPE_DECIMAL) fn_widen_value(&args[0], ctx->call->ret, &r.u.items[0]);
        *out = r;
        return 0;
    }
    Value r = val_array_new(ctx->arena, (uint32_t)nargs, NULL);
    for (int i = 0; i < nargs; i++) {
        const Value *v = &args[i];
        if (v->kind == TYPE_ARRAY)
            v = v->len ? &v->u.items[0] : NULL;
        else if (v->kind == TYPE_MAP)
            v = v->len ? &v->u.items[1] : NULL;
        if (!v || v->kind == TYPE_NULL) {
            r.u.items[i] = val_null();
            continue;
        }
        ABuf b;
        fn_abuf_init(&b, ctx->arena, 16);
        fn_put_value(&b, v);
        r.u.items[i] = fn_abuf_string(&b);
    }
    *out = r;
    return 0;
}

static int t_throwing_udtf(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[0].kind != TYPE_NULL && args[0].u.b) return fn_error(ctx, "You asked me to throw...");
    Value r = val_array_new(ctx->arena, 1, NULL);
    r.u.items[0] = args[0];
    *out = r;
    return 0;
}

static const Type *udtf_decimal_ret(int nargs, const Type *const *args, EddyError *err)
{
    (void)nargs;
    (void)err;
    return type_decimal(30, args[0]->scale);
}

/* ---------------------------------------------------------------- aggregates */

static int agg_zero_init(FnCtx *ctx, Value *state)
{
    const Type *t = ctx->call->state_type;
    switch (t->kind) {
    case TYPE_INT: *state = val_int(0); break;
    case TYPE_DOUBLE: *state = val_double(0); break;
    case TYPE_STRUCT: {
        *state = val_struct_new(ctx->arena, t);
        for (int i = 0; i < t->nfields; i++)
            state->u.items[i] = val_int(0);
        break;
    }
    default: *state = val_bigint(0); break;
    }
    return 0;
}

/* TEST_UDAF: sums numbers, string lengths, or the INT fields of STRUCT<A, B>. */
static int test_udaf_apply(FnCtx *ctx, Value *state, const Value *v, int sign)
{
    if (v->kind == TYPE_NULL) return 0;
    if (state->kind == TYPE_NULL) agg_zero_init(ctx, state);
    switch (v->kind) {
    case TYPE_INT: state->u.i = (int32_t)((uint32_t)state->u.i + (uint32_t)(sign * v->u.i)); break;
    case TYPE_BIGINT: state->u.l += sign * v->u.l; break;
    case TYPE_DOUBLE: state->u.d += sign * v->u.d; break;
    case TYPE_STRING: state->u.l += sign * (int64_t)fn_utf16_length(v->u.s, v->len); break;
    case TYPE_STRUCT: {
        Value s = val_struct_new(ctx->arena, state->type);
        for (uint32_t i = 0; i < state->len; i++) {
            int32_t add = i < v->len && v->u.items[i].kind == TYPE_INT ? v->u.items[i].u.i : 0;
            s.u.items[i] = val_int(state->u.items[i].u.i + sign * add);
        }
        *state = s;
        break;
    }
    default: break;
    }
    return 0;
}

static int test_udaf_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return test_udaf_apply(ctx, state, &args[0], 1);
}

static int test_udaf_undo(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return test_udaf_apply(ctx, state, &args[0], -1);
}

static int test_udaf_merge(FnCtx *ctx, Value *state, const Value *other)
{
    if (other->kind == TYPE_NULL) return 0;
    if (other->kind == TYPE_STRUCT || other->kind == TYPE_INT || other->kind == TYPE_DOUBLE)
        return test_udaf_apply(ctx, state, other, 1);
    if (state->kind == TYPE_NULL) agg_zero_init(ctx, state);
    state->u.l += other->u.l;
    return 0;
}

static int same_result(FnCtx *ctx, const Value *state, Value *out)
{
    if (state->kind == TYPE_NULL) return agg_zero_init(ctx, out);
    *out = *state;
    return 0;
}

static const AggImpl test_udaf_impl = {agg_zero_init, test_udaf_add, test_udaf_undo,
                                       test_udaf_merge, same_result};

/* VAR_ARG(first, strings...) and MID_VAR_ARG(first, strings..., CONST a, CONST b): sums
 * first and the lengths of the strings; MID_VAR_ARG starts from a + b. */
static int var_init(FnCtx *ctx, Value *state)
{
    int64_t start = 0;
    const FnCall *c = ctx->call;
    for (int i = 0; i < c->nargs; i++)
        if (c->is_const[i] && c->const_args[i].kind == TYPE_INT) start += c->const_args[i].u.i;
    *state = val_bigint(start);
    return 0;
}

static int var_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    if (state->kind == TYPE_NULL) var_init(ctx, state);
    int64_t s = state->u.l;
    if (args[0].kind != TYPE_NULL) s += args[0].u.l;
    for (int i = 1; i < nargs; i++)
        if (args[i].kind == TYPE_STRING) s += (int64_t)fn_utf16_length(args[i].u.s, args[i].len);
    *state = val_bigint(s);
    return 0;
}

static int var_merge(FnCtx *ctx, Value *state, const Value *other)
{
    (void)ctx;
    if (other->kind == TYPE_NULL) return 0;
    *state = val_bigint((state->kind == TYPE_NULL ? 0 : state->u.l) + other->u.l);
    return 0;
}

static const AggImpl var_arg_impl = {var_init, var_add, NULL, var_merge, same_result};

/* GENERIC_VAR_ARG(T first, INT second, U... rest): collects first when no argument is
 * null. */
static int gva_init(FnCtx *ctx, Value *state)
{
    *state = val_array_new(ctx->arena, 0, ctx->call->state_type);
    return 0;
}

static int gva_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    if (fn_any_null(nargs, args)) return 0;
    uint32_t n = state->kind == TYPE_ARRAY ? state->len : 0;
    Value r = val_array_new(ctx->arena, n + 1, ctx->call->state_type);
    if (n) memcpy(r.u.items, state->u.items, sizeof(Value) * n);
    r.u.items[n] = val_copy(ctx->arena, &args[0]);
    *state = r;
    return 0;
}

static int gva_merge(FnCtx *ctx, Value *state, const Value *other)
{
    uint32_t a = state->kind == TYPE_ARRAY ? state->len : 0;
    uint32_t b = other->kind == TYPE_ARRAY ? other->len : 0;
    Value r = val_array_new(ctx->arena, a + b, ctx->call->state_type);
    if (a) memcpy(r.u.items, state->u.items, sizeof(Value) * a);
    if (b) memcpy(r.u.items + a, other->u.items, sizeof(Value) * b);
    *state = r;
    return 0;
}

static const AggImpl gva_impl = {gva_init, gva_add, NULL, gva_merge, same_result};

/* ---------------------------------------------------------------- table */

static const Type *ret_arg0(int nargs, const Type *const *args, EddyError *err)
{
    (void)nargs;
    (void)err;
    return args[0];
}

static const FnVariant v_test_udf[] = {
    {.params = "INT i, STRING s",
     .returns = "STRING",
     .description = "doStuffIntString",
     .impl = t_test_udf},
    {.params = "BIGINT l, STRING s",
     .returns = "STRING",
     .description = "doStuffLongString",
     .impl = t_test_udf},
    {.params = "BIGINT l1, BIGINT l2, STRING s",
     .returns = "STRING",
     .description = "doStuffLongLongString",
     .impl = t_test_udf},
    {.params = "BIGINT... longs",
     .returns = "STRING",
     .description = "doStuffLongVarargs",
     .impl = t_test_udf},
    {.params = "STRUCT<A STRING> obj",
     .returns = "STRING",
     .description = "returns the struct's field A",
     .impl = t_test_udf},
};
static const FnVariant v_bad_udf[] = {
    {.params = "BOOLEAN shouldThrow",
     .returns = "INT",
     .description = "Throws when shouldThrow is true, else returns 0.",
     .impl = t_bad_udf},
    {.params = "INT arg", .returns = "INT", .description = "Always throws.", .impl = t_bad_udf},
    {.params = "STRING arg",
     .returns = "STRING",
     .description = "Returns NULL for values ending in an odd digit.",
     .impl = t_bad_udf},
};
static const FnVariant v_when_condition[] = {
    {.params = "BOOLEAN retValue, BOOLEAN shouldBeEvaluated",
     .returns = "BOOLEAN",
     .description = "Fails when evaluated while it should not be.",
     .impl = t_when_condition},
};
static const FnVariant v_when_result[] = {
    {.params = "INT retValue, BOOLEAN shouldBeEvaluated",
     .returns = "INT",
     .description = "Fails when evaluated while it should not be.",
     .impl = t_when_result},
};
static const FnVariant v_test_udtf[] = {
    {.params = "INT x",
     .returns = "INT",
     .description = "Returns its argument.",
     .impl = t_test_udtf},
    {.params = "BIGINT x",
     .returns = "BIGINT",
     .description = "Returns its argument.",
     .impl = t_test_udtf},
    {.params = "DOUBLE x",
     .returns = "DOUBLE",
     .description = "Returns its argument.",
     .impl = t_test_udtf},
    {.params = "BOOLEAN x",
     .returns = "BOOLEAN",
     .description = "Returns its argument.",
     .impl = t_test_udtf},
    {.params = "STRING x",
     .returns = "STRING",
     .description = "Returns its argument.",
     .impl = t_test_udtf},
    {.params = "DECIMAL x",
     .returns = "DECIMAL",
     .ret_fn = udtf_decimal_ret,
     .description = "Returns its argument as DECIMAL(30, scale).",
     .impl = t_test_udtf},
    {.params = "STRUCT x",
     .returns = "STRUCT",
     .ret_fn = ret_arg0,
     .description = "Returns its argument.",
     .impl = t_test_udtf},
    {.params = "INT i, BIGINT l, DOUBLE d, BOOLEAN b, STRING s, DECIMAL bd, STRUCT struct",
     .returns = "STRING",
     .description = "Returns the text of each argument.",
     .impl = t_test_udtf},
    {.params = "ARRAY<INT> i, ARRAY<BIGINT> l, ARRAY<DOUBLE> d, ARRAY<BOOLEAN> b, ARRAY<STRING> s, "
               "ARRAY<DECIMAL> bd, ARRAY<STRUCT> struct",
     .returns = "STRING",
     .description = "Returns the text of each array's first element.",
     .impl = t_test_udtf},
    {.params =
         "MAP<STRING, INT> i, MAP<STRING, BIGINT> l, MAP<STRING, DOUBLE> d, MAP<STRING, BOOLEAN> "
         "b, MAP<STRING, STRING> s, MAP<STRING, DECIMAL> bd, MAP<STRING, STRUCT> struct",
     .returns = "STRING",
     .description = "Returns the text of each map's first value.",
     .impl = t_test_udtf},
};
static const FnVariant v_throwing_udtf[] = {
    {.params = "BOOLEAN shouldThrow",
     .returns = "BOOLEAN",
     .description = "Throws when shouldThrow is true, else returns it.",
     .impl = t_throwing_udtf},
};

static const FnVariant v_test_udaf[] = {
    {.params = "INT val",
     .returns = "INT",
     .state = "INT",
     .agg = &test_udaf_impl,
     .description = "Sums integers."},
    {.params = "BIGINT val",
     .returns = "BIGINT",
     .state = "BIGINT",
     .agg = &test_udaf_impl,
     .description = "Sums longs."},
    {.params = "DOUBLE val",
     .returns = "DOUBLE",
     .state = "DOUBLE",
     .agg = &test_udaf_impl,
     .description = "Sums doubles."},
    {.params = "STRING val",
     .returns = "BIGINT",
     .state = "BIGINT",
     .agg = &test_udaf_impl,
     .description = "Sums the lengths of strings."},
    {.params = "STRUCT<A INT, B INT> val",
     .returns = "STRUCT",
     .ret_fn = ret_arg0,
     .state_fn = ret_arg0,
     .agg = &test_udaf_impl,
     .description = "Sums struct fields."},
};
static const FnVariant v_var_arg[] = {
    {.params = "BIGINT first, STRING... rest",
     .returns = "BIGINT",
     .state = "BIGINT",
     .agg = &var_arg_impl,
     .description = "Sums first and the lengths of the strings."},
};
static const FnVariant v_mid_var_arg[] = {
    {.params = "BIGINT first, STRING... rest, CONST INT a, CONST INT b",
     .returns = "BIGINT",
     .state = "BIGINT",
     .agg = &var_arg_impl,
     .description = "Sums a, b, first and the lengths of the strings."},
};
static const FnVariant v_generic_var_arg[] = {
    {.params = "T first, INT second, U... rest",
     .returns = "ARRAY<T>",
     .state = "ARRAY<T>",
     .agg = &gva_impl,
     .description = "Collects first from the rows where no argument is null."},
};

#define TEST_DEF(NAME, KIND, vs)                                                                   \
    {                                                                                              \
        .name = NAME, .kind = KIND, .category = "TEST", .description = "Test function.",           \
        FN_VARIANTS(vs), .test_only = true                                                         \
    }

static const FnDef test_defs[] = {
    TEST_DEF("BAD_UDF", FN_SCALAR, v_bad_udf),
    TEST_DEF("GENERIC_VAR_ARG", FN_AGGREGATE, v_generic_var_arg),
    TEST_DEF("MID_VAR_ARG", FN_AGGREGATE, v_mid_var_arg),
    TEST_DEF("TEST_UDAF", FN_AGGREGATE, v_test_udaf),
    TEST_DEF("TEST_UDF", FN_SCALAR, v_test_udf),
    TEST_DEF("TEST_UDTF", FN_TABLE, v_test_udtf),
    TEST_DEF("THROWING_UDTF", FN_TABLE, v_throwing_udtf),
    TEST_DEF("VAR_ARG", FN_AGGREGATE, v_var_arg),
    TEST_DEF("WHENCONDITION", FN_SCALAR, v_when_condition),
    TEST_DEF("WHENRESULT", FN_SCALAR, v_when_result),
};

FN_FAMILY(test_defs);
