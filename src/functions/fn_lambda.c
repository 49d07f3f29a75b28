/*
 * fn_lambda.c - the higher-order functions (category LAMBDA): TRANSFORM, FILTER and
 * REDUCE over arrays and maps. Lambdas are invoked through ctx->invoke, which the
 * evaluator provides; an error inside a lambda makes the whole call fail (NULL result
 * and a processing-log entry), as an exception inside a ksqlDB lambda does.
 */
#include "functions_int.h"

#include <string.h>

/* TRANSFORM(array, x => ...) and TRANSFORM(map, (k, v) => key, (k, v) => value). */
static int l_transform(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (args[0].kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    if (nargs == 2) {
        Value r = val_array_new(ctx->arena, args[0].len, ctx->call->ret);
        for (uint32_t i = 0; i < args[0].len; i++) {
            int rc = ctx->invoke(ctx, 1, 1, &args[0].u.items[i], &r.u.items[i]);
            if (rc < 0) return rc;
        }
        *out = r;
        return 0;
    }
    Value m = val_map_new(ctx->arena, args[0].len, ctx->call->ret);
    for (uint32_t i = 0; i < args[0].len; i++) {
        const Value *kv = &args[0].u.items[2 * i];
        Value k, v;
        int rc = ctx->invoke(ctx, 1, 2, kv, &k);
        if (rc < 0) return rc;
        rc = ctx->invoke(ctx, 2, 2, kv, &v);
        if (rc < 0) return rc;
        for (uint32_t j = 0; j < i; j++)
            if (val_equal(&m.u.items[2 * j], &k)) {
                /* Collectors.toMap's message. */
                ABuf b;
                fn_abuf_init(&b, ctx->arena, 64);
                fn_abuf_puts(&b, "Duplicate key ");
                fn_put_value(&b, &k);
                fn_abuf_puts(&b, " (attempted merging values ");
                fn_put_value(&b, &m.u.items[2 * j + 1]);
                fn_abuf_puts(&b, " and ");
                fn_put_value(&b, &v);
                fn_abuf_puts(&b, ")");
                return fn_error(ctx, "%.*s", (int)b.len, b.p);
            }
        m.u.items[2 * i] = k;
        m.u.items[2 * i + 1] = v;
    }
    fn_map_java_order(&m, ctx->arena, 0); /* Collectors.toMap: a HashMap */
    *out = m;
    return 0;
}

static int keep(FnCtx *ctx, int np, const Value *params, bool *yes)
{
    Value r;
    int rc = ctx->invoke(ctx, 1, np, params, &r);
    if (rc < 0) return rc;
    if (r.kind == TYPE_NULL) return fn_error(ctx, "FILTER lambda returned null");
    *yes = r.u.b;
    return 0;
}

/* FILTER(array, x => bool) and FILTER(map, (k, v) => bool). */
static int l_filter(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    const Value *c = &args[0];
    if (c->kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    bool is_map = c->kind == TYPE_MAP;
    Value r = is_map ? val_map_new(ctx->arena, c->len, ctx->call->ret)
                     : val_array_new(ctx->arena, c->len, ctx->call->ret);
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->len; i++) {
        bool yes = false;
        const Value *p = is_map ? &c->u.items[2 * i] : &c->u.items[i];
        int rc = keep(ctx, is_map ? 2 : 1, p, &yes);
        if (rc < 0) return rc;
        if (!yes) continue;
        if (is_map) {
            r.u.items[2 * n] = p[0];
            r.u.items[2 * n + 1] = p[1];
        } else {
            r.u.items[n] = *p;
        }
        n++;
    }
    r.len = n;
    if (is_map) fn_map_java_order(&r, ctx->arena, 0); /* Collectors.toMap: a HashMap */
    *out = r;
    return 0;
}

/* REDUCE(array, s, (s, x) => s) and REDUCE(map, s, (s, k, v) => s). */
static int l_reduce(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    const Value *c = &args[0];
    if (args[1].kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    Value state = args[1];
    if (c->kind == TYPE_NULL) {
        *out = state;
        return 0;
    }
    bool is_map = c->kind == TYPE_MAP;
    for (uint32_t i = 0; i < c->len; i++) {
        Value params[3];
        params[0] = state;
        if (is_map) {
            params[1] = c->u.items[2 * i];
            params[2] = c->u.items[2 * i + 1];
        } else {
            params[1] = c->u.items[i];
        }
        Value r;
        int rc = ctx->invoke(ctx, 2, is_map ? 3 : 2, params, &r);
        if (rc < 0) return rc;
        Value w;
        state = fn_widen_value(&r, ctx->call->ret, &w) ? w : r;
    }
    *out = state;
    return 0;
}

static const FnVariant v_transform[] = {
    {.params = "ARRAY<T> array, LAMBDA(T) => U function",
     .returns = "ARRAY<U>",
     .description = "Applies the function to every element of the array.",
     .impl = l_transform},
    {.params = "MAP<K, V> map, LAMBDA(K, V) => K1 key_function, LAMBDA(K, V) => V1 value_function",
     .returns = "MAP<K1, V1>",
     .description = "Applies the functions to every key and value of the map.",
     .impl = l_transform},
};

static const FnVariant v_filter[] = {
    {.params = "ARRAY<T> array, LAMBDA(T) => BOOLEAN function",
     .returns = "ARRAY<T>",
     .description = "Keeps the elements for which the function returns true.",
     .impl = l_filter},
    {.params = "MAP<K, V> map, LAMBDA(K, V) => BOOLEAN function",
     .returns = "MAP<K, V>",
     .description = "Keeps the entries for which the function returns true.",
     .impl = l_filter},
};

static const FnVariant v_reduce[] = {
    {.params = "ARRAY<T> array, S initialState, LAMBDA(S, T) => S function",
     .returns = "S",
     .description = "Folds the array into a single value, starting from initialState.",
     .impl = l_reduce},
    {.params = "MAP<K, V> map, S initialState, LAMBDA(S, K, V) => S function",
     .returns = "S",
     .description = "Folds the map's entries into a single value, starting from initialState.",
     .impl = l_reduce},
};

static const FnDef lambda_defs[] = {
    {.name = "FILTER",
     .kind = FN_SCALAR,
     .category = "LAMBDA",
     .description = "Filters an array or a map with a lambda.",
     FN_VARIANTS(v_filter)},
    {.name = "REDUCE",
     .kind = FN_SCALAR,
     .category = "LAMBDA",
     .description = "Reduces an array or a map to a single value with a lambda.",
     FN_VARIANTS(v_reduce)},
    {.name = "TRANSFORM",
     .kind = FN_SCALAR,
     .category = "LAMBDA",
     .description = "Transforms an array or a map with lambdas.",
     FN_VARIANTS(v_transform)},
};

FN_FAMILY(lambda_defs);
