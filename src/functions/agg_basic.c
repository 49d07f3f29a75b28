/*
 * agg_basic.c - the basic aggregates (category AGGREGATE): COUNT (COUNT(*) is COUNT with
 * no argument), COUNT_DISTINCT, SUM, AVG, MIN, MAX and ATTR.
 *
 * States are plain Values of FnCall.state_type so that state stores serialize them
 * generically: COUNT a BIGINT, SUM the sum itself, AVG a STRUCT<SUM, COUNT> like ksqlDB's
 * (which is why AVG cannot run over DELIMITED values), MIN/MAX the extreme so far,
 * COUNT_DISTINCT the distinct values seen (an exact count, where ksqlDB estimates with
 * HyperLogLog), ATTR the distinct values with their counts. Callbacks never modify a
 * state's items in place; they build the new state in ctx->arena.
 */
#include "functions_int.h"

#include <string.h>

static Value struct2(Arena *a, const Type *t, Value x, Value y)
{
    Value s = val_struct_new(a, t);
    s.u.items[0] = x;
    s.u.items[1] = y;
    return s;
}

/* ---------------------------------------------------------------- COUNT */

static int count_init(FnCtx *ctx, Value *state)
{
    (void)ctx;
    *state = val_bigint(0);
    return 0;
}

static int64_t count_of(const Value *state)
{
    return state->kind == TYPE_BIGINT ? state->u.l : 0;
}

static int count_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)ctx;
    if (nargs == 0 || args[0].kind != TYPE_NULL) *state = val_bigint(count_of(state) + 1);
    return 0;
}

static int count_undo(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)ctx;
    if (nargs == 0 || args[0].kind != TYPE_NULL) *state = val_bigint(count_of(state) - 1);
    return 0;
}

static int count_merge(FnCtx *ctx, Value *state, const Value *other)
{
    (void)ctx;
    *state = val_bigint(count_of(state) + count_of(other));
    return 0;
}

static int count_result(FnCtx *ctx, const Value *state, Value *out)
{
    (void)ctx;
    *out = val_bigint(count_of(state));
    return 0;
}

static const AggImpl count_impl = {count_init, count_add, count_undo, count_merge, count_result};

/* ---------------------------------------------------------------- SUM */

static int sum_init(FnCtx *ctx, Value *state)
{
    const Type *t = ctx->call->state_type;
    switch (t->kind) {
    case TYPE_INT: *state = val_int(0); break;
    case TYPE_BIGINT: *state = val_bigint(0); break;
    case TYPE_DOUBLE: *state = val_double(0); break;
    case TYPE_DECIMAL: *state = val_decimal(0, t->precision, t->scale); break;
    default: *state = val_null(); break;
    }
    return 0;
}

/* state += sign * v, wrapping like Java for INT/BIGINT. */
static int sum_apply(FnCtx *ctx, Value *state, const Value *v, int sign)
{
    if (v->kind == TYPE_NULL) return 0;
    if (state->kind == TYPE_NULL) sum_init(ctx, state);
    switch (state->kind) {
    case TYPE_INT: state->u.i = (int32_t)((uint32_t)state->u.i + (uint32_t)(sign * v->u.i)); break;
    case TYPE_BIGINT:
        state->u.l = (int64_t)((uint64_t)state->u.l + (uint64_t)(sign * v->u.l));
        break;
    case TYPE_DOUBLE: state->u.d += sign * v->u.d; break;
    case TYPE_DECIMAL: {
        int128_t x;
        if (fn_dec_round(v->u.dec, v->scale, state->scale, 'U', &x) < 0)
            return fn_error(ctx, "Numeric field overflow");
        int128_t r = state->u.dec + sign * x;
        if (dec_digits(r) > state->precision)
            return fn_error(ctx, "Numeric field overflow: sum does not fit DECIMAL(%d, %d)",
                            state->precision, state->scale);
        state->u.dec = r;
        break;
    }
    default: break;
    }
    return 0;
}

static int sum_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return sum_apply(ctx, state, &args[0], 1);
}

static int sum_undo(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return sum_apply(ctx, state, &args[0], -1);
}

static int sum_merge(FnCtx *ctx, Value *state, const Value *other)
{
    return sum_apply(ctx, state, other, 1);
}

static int sum_result(FnCtx *ctx, const Value *state, Value *out)
{
    if (state->kind == TYPE_NULL) return sum_init(ctx, out);
    *out = *state;
    return 0;
}

static const AggImpl sum_impl = {sum_init, sum_add, sum_undo, sum_merge, sum_result};

/* ---------------------------------------------------------------- AVG */

/* State STRUCT<SUM t, COUNT BIGINT>. */
static int avg_init(FnCtx *ctx, Value *state)
{
    const Type *st = ctx->call->state_type;
    Value zero;
    switch (st->fields[0].type->kind) {
    case TYPE_INT: zero = val_int(0); break;
    case TYPE_BIGINT: zero = val_bigint(0); break;
    default: zero = val_double(0); break;
    }
    *state = struct2(ctx->arena, st, zero, val_bigint(0));
    return 0;
}

static int avg_apply(FnCtx *ctx, Value *state, const Value *sum, int64_t count, int sign)
{
    if (state->kind == TYPE_NULL) avg_init(ctx, state);
    Value s = state->u.items[0];
    if (sum->kind != TYPE_NULL) {
        switch (s.kind) {
        case TYPE_INT: s.u.i = (int32_t)((uint32_t)s.u.i + (uint32_t)(sign * sum->u.i)); break;
        case TYPE_BIGINT: s.u.l = (int64_t)((uint64_t)s.u.l + (uint64_t)(sign * sum->u.l)); break;
        default: s.u.d += sign * fn_to_double(sum); break;
        }
    }
    int64_t c = state->u.items[1].u.l + sign * count;
    *state = struct2(ctx->arena, ctx->call->state_type, s, val_bigint(c));
    return 0;
}

static int avg_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) return 0;
    return avg_apply(ctx, state, &args[0], 1, 1);
}

static int avg_undo(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) return 0;
    return avg_apply(ctx, state, &args[0], 1, -1);
}

static int avg_merge(FnCtx *ctx, Value *state, const Value *other)
{
    if (other->kind == TYPE_NULL) return 0;
    return avg_apply(ctx, state, &other->u.items[0], other->u.items[1].u.l, 1);
}

static int avg_result(FnCtx *ctx, const Value *state, Value *out)
{
    (void)ctx;
    if (state->kind == TYPE_NULL || state->u.items[1].u.l == 0) {
        *out = val_double(0);
        return 0;
    }
    *out = val_double(fn_to_double(&state->u.items[0]) / (double)state->u.items[1].u.l);
    return 0;
}

static const AggImpl avg_impl = {avg_init, avg_add, avg_undo, avg_merge, avg_result};

/* ---------------------------------------------------------------- MIN / MAX */

static int null_init(FnCtx *ctx, Value *state)
{
    (void)ctx;
    *state = val_null();
    return 0;
}

static int identity_result(FnCtx *ctx, const Value *state, Value *out)
{
    (void)ctx;
    *out = *state;
    return 0;
}

static int extreme_apply(FnCtx *ctx, Value *state, const Value *v, int sign)
{
    if (v->kind == TYPE_NULL) return 0;
    if (state->kind == TYPE_NULL || val_compare(v, state) * sign > 0)
        *state = val_copy(ctx->arena, v);
    return 0;
}

static int max_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return extreme_apply(ctx, state, &args[0], 1);
}

static int max_merge(FnCtx *ctx, Value *state, const Value *other)
{
    return extreme_apply(ctx, state, other, 1);
}

static int min_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return extreme_apply(ctx, state, &args[0], -1);
}

static int min_merge(FnCtx *ctx, Value *state, const Value *other)
{
    return extreme_apply(ctx, state, other, -1);
}

static const AggImpl max_impl = {null_init, max_add, NULL, max_merge, identity_result};
static const AggImpl min_impl = {null_init, min_add, NULL, min_merge, identity_result};

/* ---------------------------------------------------------------- COUNT_DISTINCT */

static int empty_array_init(FnCtx *ctx, Value *state)
{
    *state = val_array_new(ctx->arena, 0, ctx->call->state_type);
    return 0;
}

static bool array_has(const Value *arr, const Value *v)
{
    if (arr->kind != TYPE_ARRAY) return false;
    for (uint32_t i = 0; i < arr->len; i++)
        if (val_equal(&arr->u.items[i], v)) return true;
    return false;
}

/* A copy of arr with v appended. */
static Value array_append(Arena *a, const Value *arr, const Value *v, const Type *t)
{
    uint32_t n = arr->kind == TYPE_ARRAY ? arr->len : 0;
    Value r = val_array_new(a, n + 1, t);
    if (n) memcpy(r.u.items, arr->u.items, sizeof(Value) * n);
    r.u.items[n] = val_copy(a, v);
    return r;
}

static int cd_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL || array_has(state, &args[0])) return 0;
    *state = array_append(ctx->arena, state, &args[0], ctx->call->state_type);
    return 0;
}

static int cd_merge(FnCtx *ctx, Value *state, const Value *other)
{
    if (other->kind != TYPE_ARRAY) return 0;
    for (uint32_t i = 0; i < other->len; i++)
        cd_add(ctx, state, 1, &other->u.items[i]);
    return 0;
}

static int cd_result(FnCtx *ctx, const Value *state, Value *out)
{
    (void)ctx;
    *out = val_bigint(state->kind == TYPE_ARRAY ? state->len : 0);
    return 0;
}

static const AggImpl count_distinct_impl = {empty_array_init, cd_add, NULL, cd_merge, cd_result};

/* ---------------------------------------------------------------- ATTR */

/* State ARRAY<STRUCT<VAL T, CNT BIGINT>>: each distinct value (NULL included) with its
 * count; the result is the value when there is exactly one, else NULL. */
static int attr_change(FnCtx *ctx, Value *state, const Value *v, int64_t delta)
{
    const Type *st = ctx->call->state_type;
    uint32_t n = state->kind == TYPE_ARRAY ? state->len : 0;
    Value r = val_array_new(ctx->arena, n + 1, st);
    uint32_t k = 0;
    bool found = false;
    for (uint32_t i = 0; i < n; i++) {
        Value e = state->u.items[i];
        if (!found && val_equal(&e.u.items[0], v) &&
            (e.u.items[0].kind == TYPE_NULL) == (v->kind == TYPE_NULL)) {
            found = true;
            int64_t c = e.u.items[1].u.l + delta;
            if (c <= 0) continue;
            e = struct2(ctx->arena, st->elem, e.u.items[0], val_bigint(c));
        }
        r.u.items[k++] = e;
    }
    if (!found && delta > 0)
        r.u.items[k++] = struct2(ctx->arena, st->elem, val_copy(ctx->arena, v), val_bigint(delta));
    r.len = k;
    *state = r;
    return 0;
}

static int attr_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return attr_change(ctx, state, &args[0], 1);
}

static int attr_undo(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return attr_change(ctx, state, &args[0], -1);
}

static int attr_merge(FnCtx *ctx, Value *state, const Value *other)
{
    if (other->kind != TYPE_ARRAY) return 0;
    for (uint32_t i = 0; i < other->len; i++)
        attr_change(ctx, state, &other->u.items[i].u.items[0], other->u.items[i].u.items[1].u.l);
    return 0;
}

static int attr_result(FnCtx *ctx, const Value *state, Value *out)
{
    (void)ctx;
    *out = state->kind == TYPE_ARRAY && state->len == 1 ? state->u.items[0].u.items[0] : val_null();
    return 0;
}

static const AggImpl attr_impl = {empty_array_init, attr_add, attr_undo, attr_merge, attr_result};

/* ---------------------------------------------------------------- table */

static const FnVariant v_count[] = {
    {.params = "",
     .returns = "BIGINT",
     .state = "BIGINT",
     .agg = &count_impl,
     .description = "Counts the rows (COUNT(*))."},
    {.params = "T col1",
     .returns = "BIGINT",
     .state = "BIGINT",
     .agg = &count_impl,
     .description = "Counts the rows where col1 is not null."},
};

static const Type *dec_ret(int nargs, const Type *const *args, EddyError *err)
{
    (void)err;
    return nargs ? args[0] : NULL;
}

static const FnVariant v_sum[] = {
    {.params = "INT col1",
     .returns = "INT",
     .state = "INT",
     .agg = &sum_impl,
     .description = "Sums the values."},
    {.params = "BIGINT col1",
     .returns = "BIGINT",
     .state = "BIGINT",
     .agg = &sum_impl,
     .description = "Sums the values."},
    {.params = "DOUBLE col1",
     .returns = "DOUBLE",
     .state = "DOUBLE",
     .agg = &sum_impl,
     .description = "Sums the values."},
    {.params = "DECIMAL col1",
     .returns = "DECIMAL",
     .ret_fn = dec_ret,
     .state_fn = dec_ret,
     .agg = &sum_impl,
     .description = "Sums the values."},
};

static const FnVariant v_avg[] = {
    {.params = "INT col1",
     .returns = "DOUBLE",
     .state = "STRUCT<SUM INT, COUNT BIGINT>",
     .agg = &avg_impl,
     .description = "Returns the average of the values."},
    {.params = "BIGINT col1",
     .returns = "DOUBLE",
     .state = "STRUCT<SUM BIGINT, COUNT BIGINT>",
     .agg = &avg_impl,
     .description = "Returns the average of the values."},
    {.params = "DOUBLE col1",
     .returns = "DOUBLE",
     .state = "STRUCT<SUM DOUBLE, COUNT BIGINT>",
     .agg = &avg_impl,
     .description = "Returns the average of the values."},
};

#define MINMAX(cname, impl, what)                                                                  \
    static const FnVariant cname[] = {                                                             \
        {.params = "INT col1", .returns = "INT", .agg = &impl, .description = what},               \
        {.params = "BIGINT col1", .returns = "BIGINT", .agg = &impl, .description = what},         \
        {.params = "DOUBLE col1", .returns = "DOUBLE", .agg = &impl, .description = what},         \
        {.params = "DECIMAL col1",                                                                 \
         .returns = "DECIMAL",                                                                     \
         .ret_fn = dec_ret,                                                                        \
         .agg = &impl,                                                                             \
         .description = what},                                                                     \
        {.params = "STRING col1", .returns = "STRING", .agg = &impl, .description = what},         \
        {.params = "BYTES col1", .returns = "BYTES", .agg = &impl, .description = what},           \
        {.params = "DATE col1", .returns = "DATE", .agg = &impl, .description = what},             \
        {.params = "TIME col1", .returns = "TIME", .agg = &impl, .description = what},             \
        {.params = "TIMESTAMP col1", .returns = "TIMESTAMP", .agg = &impl, .description = what},   \
    };

MINMAX(v_max, max_impl, "Returns the maximum non-null value.")
MINMAX(v_min, min_impl, "Returns the minimum non-null value.")

static const FnVariant v_count_distinct[] = {
    {.params = "T col1",
     .returns = "BIGINT",
     .state = "ARRAY<T>",
     .agg = &count_distinct_impl,
     .description = "Returns the number of distinct non-null values."},
};

static const FnVariant v_attr[] = {
    {.params = "T col1",
     .returns = "T",
     .state = "ARRAY<STRUCT<VAL T, CNT BIGINT>>",
     .agg = &attr_impl,
     .description = "Returns the value if every row has the same value, else NULL."},
};

#define AGG(NAME, vs, desc)                                                                        \
    {                                                                                              \
        .name = NAME, .kind = FN_AGGREGATE, .category = "AGGREGATE", .description = desc,          \
        FN_VARIANTS(vs)                                                                            \
    }

static const FnDef agg_basic_defs[] = {
    AGG("ATTR", v_attr, "Returns the single value of a column, or NULL when it varies."),
    AGG("AVG", v_avg, "Returns the average of a column."),
    AGG("COUNT", v_count, "Counts rows, or the non-null values of a column."),
    AGG("COUNT_DISTINCT", v_count_distinct, "Counts the distinct values of a column."),
    AGG("MAX", v_max, "Returns the maximum value of a column."),
    AGG("MIN", v_min, "Returns the minimum value of a column."),
    AGG("SUM", v_sum, "Sums a column."),
};

FN_FAMILY(agg_basic_defs);
