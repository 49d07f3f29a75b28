/*
 * agg_collect.c - aggregates that collect values: COLLECT_LIST, COLLECT_SET, HISTOGRAM,
 * TOPK (with optional extra columns carried in a STRUCT<sort_col, col0, ...>) and
 * TOPKDISTINCT.
 *
 * COLLECT_LIST and COLLECT_SET keep at most ksql.functions.collect_list.limit /
 * ksql.functions.collect_set.limit values (default 1000), read from the query's
 * properties at resolve time (FnResolveOpts.config); HISTOGRAM keeps at most 1000
 * distinct values. Null values are collected by COLLECT_LIST/SET (as in ksqlDB) and
 * ignored by HISTOGRAM and TOPK.
 */
#include "functions_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT 1000

typedef struct CollectSite {
    int64_t limit;
} CollectSite;

static int64_t config_limit(const FnCall *call, const char *key)
{
    const char *v = fn_config(call, key);
    if (!v || !*v) return DEFAULT_LIMIT;
    char *end;
    long long n = strtoll(v, &end, 10);
    return *end || n < 0 ? DEFAULT_LIMIT : n;
}

static int prep_list(FnCall *call, const Value *const *lits, Arena *a, EddyError *err)
{
    (void)lits;
    (void)err;
    CollectSite *s = arena_zalloc(a, sizeof *s);
    s->limit = config_limit(call, "ksql.functions.collect_list.limit");
    call->state = s;
    return 0;
}

static int prep_set(FnCall *call, const Value *const *lits, Arena *a, EddyError *err)
{
    (void)lits;
    (void)err;
    CollectSite *s = arena_zalloc(a, sizeof *s);
    s->limit = config_limit(call, "ksql.functions.collect_set.limit");
    call->state = s;
    return 0;
}

static int64_t limit_of(const FnCtx *ctx)
{
    const CollectSite *s = ctx->call->state;
    return s ? s->limit : DEFAULT_LIMIT;
}

static uint32_t len_of(const Value *v)
{
    return v->kind == TYPE_ARRAY || v->kind == TYPE_MAP ? v->len : 0;
}

static int empty_array_init(FnCtx *ctx, Value *state)
{
    *state = val_array_new(ctx->arena, 0, ctx->call->state_type);
    return 0;
}

static int identity_result(FnCtx *ctx, const Value *state, Value *out)
{
    if (state->kind == TYPE_NULL) return empty_array_init(ctx, out);
    *out = *state;
    return 0;
}

static Value append(Arena *a, const Value *arr, const Value *v, const Type *t)
{
    uint32_t n = len_of(arr);
    Value r = val_array_new(a, n + 1, t);
    if (n) memcpy(r.u.items, arr->u.items, sizeof(Value) * n);
    r.u.items[n] = val_copy(a, v);
    return r;
}

static bool contains(const Value *arr, const Value *v)
{
    for (uint32_t i = 0; i < len_of(arr); i++)
        if (val_equal(&arr->u.items[i], v)) return true;
    return false;
}

/* ---------------------------------------------------------------- COLLECT_LIST */

static int list_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    if ((int64_t)len_of(state) >= limit_of(ctx)) return 0;
    *state = append(ctx->arena, state, &args[0], ctx->call->state_type);
    return 0;
}

/* Removes the last occurrence of the value (List.lastIndexOf + remove). */
static int list_undo(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    uint32_t n = len_of(state);
    for (uint32_t i = n; i-- > 0;) {
        if (!val_equal(&state->u.items[i], &args[0])) continue;
        Value r = val_array_new(ctx->arena, n - 1, ctx->call->state_type);
        if (i) memcpy(r.u.items, state->u.items, sizeof(Value) * i);
        if (n - 1 > i) memcpy(r.u.items + i, state->u.items + i + 1, sizeof(Value) * (n - 1 - i));
        *state = r;
        break;
    }
    return 0;
}

static int list_merge(FnCtx *ctx, Value *state, const Value *other)
{
    for (uint32_t i = 0; i < len_of(other); i++)
        list_add(ctx, state, 1, &other->u.items[i]);
    return 0;
}

static const AggImpl list_impl = {empty_array_init, list_add, list_undo, list_merge,
                                  identity_result};

/* ---------------------------------------------------------------- COLLECT_SET */

static int set_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    if ((int64_t)len_of(state) >= limit_of(ctx) || contains(state, &args[0])) return 0;
    *state = append(ctx->arena, state, &args[0], ctx->call->state_type);
    return 0;
}

static int set_merge(FnCtx *ctx, Value *state, const Value *other)
{
    for (uint32_t i = 0; i < len_of(other); i++)
        set_add(ctx, state, 1, &other->u.items[i]);
    return 0;
}

static const AggImpl set_impl = {empty_array_init, set_add, NULL, set_merge, identity_result};

/* ---------------------------------------------------------------- HISTOGRAM */

static int hist_init(FnCtx *ctx, Value *state)
{
    *state = val_map_new(ctx->arena, 0, ctx->call->state_type);
    return 0;
}

static int hist_change(FnCtx *ctx, Value *state, const Value *k, int64_t delta)
{
    if (k->kind == TYPE_NULL || delta == 0) return 0;
    if (state->kind != TYPE_MAP) hist_init(ctx, state);
    uint32_t n = state->len;
    Value m = val_map_new(ctx->arena, n + 1, ctx->call->state_type);
    uint32_t out = 0;
    bool found = false;
    for (uint32_t i = 0; i < n; i++) {
        Value key = state->u.items[2 * i], cnt = state->u.items[2 * i + 1];
        if (!found && val_equal(&key, k)) {
            found = true;
            cnt = val_bigint(cnt.u.l + delta);
            if (cnt.u.l <= 0) continue;
        }
        m.u.items[2 * out] = key;
        m.u.items[2 * out + 1] = cnt;
        out++;
    }
    if (!found) {
        /* Removing an unknown value, or the histogram is full: unchanged. */
        if (delta < 0 || n >= DEFAULT_LIMIT) return 0;
        m.u.items[2 * out] = val_copy(ctx->arena, k);
        m.u.items[2 * out + 1] = val_bigint(delta);
        out++;
    }
    m.len = out;
    *state = m;
    return 0;
}

static int hist_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return hist_change(ctx, state, &args[0], 1);
}

static int hist_undo(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return hist_change(ctx, state, &args[0], -1);
}

static int hist_merge(FnCtx *ctx, Value *state, const Value *other)
{
    for (uint32_t i = 0; i < len_of(other); i++)
        hist_change(ctx, state, &other->u.items[2 * i], other->u.items[2 * i + 1].u.l);
    return 0;
}

static int hist_result(FnCtx *ctx, const Value *state, Value *out)
{
    if (state->kind == TYPE_NULL) return hist_init(ctx, out);
    *out = *state;
    return 0;
}

static const AggImpl hist_impl = {hist_init, hist_add, hist_undo, hist_merge, hist_result};

/* ---------------------------------------------------------------- TOPK */

/* k is the last (CONST) argument. */
static int64_t topk_k(const FnCtx *ctx)
{
    const FnCall *c = ctx->call;
    const Value *k = &c->const_args[c->nargs - 1];
    return k->kind == TYPE_INT ? k->u.i : k->kind == TYPE_BIGINT ? k->u.l : 0;
}

static int prep_topk(FnCall *call, const Value *const *lits, Arena *a, EddyError *err)
{
    (void)lits;
    (void)a;
    const Value *k = &call->const_args[call->nargs - 1];
    int64_t kv = k->kind == TYPE_INT ? k->u.i : 0;
    if (k->kind == TYPE_NULL || kv < 1 || kv > 100000)
        return err_set(err, ERR_SEMANTIC, -1, "%s k must be between 1 and 100000, got %lld",
                       call->def->name, (long long)kv);
    return 0;
}

/* The sort key of a TOPK element (the value itself, or the struct's sort_col). */
static const Value *sort_key(const Value *v)
{
    return v->kind == TYPE_STRUCT ? &v->u.items[0] : v;
}

/* Inserts v into the descending array, after equal keys, keeping at most k. */
static Value topk_insert(Arena *a, const Value *arr, const Value *v, int64_t k, const Type *t,
                         bool distinct)
{
    uint32_t n = len_of(arr);
    if (distinct && contains(arr, v)) return *arr;
    uint32_t pos = n;
    for (uint32_t i = 0; i < n; i++)
        if (val_compare(sort_key(v), sort_key(&arr->u.items[i])) > 0) {
            pos = i;
            break;
        }
    if ((int64_t)pos >= k) return n ? *arr : val_array_new(a, 0, t);
    uint32_t m = (int64_t)(n + 1) > k ? (uint32_t)k : n + 1;
    Value r = val_array_new(a, m, t);
    uint32_t j = 0;
    for (uint32_t i = 0; i < n && j < m; i++) {
        if (i == pos) r.u.items[j++] = val_copy(a, v);
        if (j < m) r.u.items[j++] = arr->u.items[i];
    }
    if (pos == n && j < m) r.u.items[j++] = val_copy(a, v);
    r.len = j;
    return r;
}

static int topk_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    if (args[0].kind == TYPE_NULL) return 0;
    const Type *t = ctx->call->state_type;
    Value elem = args[0];
    if (nargs > 1) { /* TOPK(sort_col, col0, col1, ..., k) */
        elem = val_struct_new(ctx->arena, t->elem);
        for (int i = 0; i < nargs && i < t->elem->nfields; i++)
            elem.u.items[i] = args[i];
    }
    *state = topk_insert(ctx->arena, state, &elem, topk_k(ctx), t, false);
    return 0;
}

static int topk_merge(FnCtx *ctx, Value *state, const Value *other)
{
    for (uint32_t i = 0; i < len_of(other); i++)
        *state = topk_insert(ctx->arena, state, &other->u.items[i], topk_k(ctx),
                             ctx->call->state_type, false);
    return 0;
}

static int topkd_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) return 0;
    *state = topk_insert(ctx->arena, state, &args[0], topk_k(ctx), ctx->call->state_type, true);
    return 0;
}

static int topkd_merge(FnCtx *ctx, Value *state, const Value *other)
{
    for (uint32_t i = 0; i < len_of(other); i++)
        *state = topk_insert(ctx->arena, state, &other->u.items[i], topk_k(ctx),
                             ctx->call->state_type, true);
    return 0;
}

static const AggImpl topk_impl = {empty_array_init, topk_add, NULL, topk_merge, identity_result};
static const AggImpl topkd_impl = {empty_array_init, topkd_add, NULL, topkd_merge, identity_result};

/* TOPK(sort_col, col0, ..., k) returns ARRAY<STRUCT<sort_col T, col0 ..., ...>>. */
static const Type *topk_struct_ret(int nargs, const Type *const *args, EddyError *err)
{
    (void)err;
    TypeField f[64];
    int nf = 0;
    for (int i = 0; i < nargs - 1 && nf < 64; i++) {
        char name[16];
        if (i == 0)
            snprintf(name, sizeof name, "sort_col");
        else
            snprintf(name, sizeof name, "col%d", i - 1);
        f[nf].name = type_intern_name(name);
        f[nf].type = args[i]->kind == TYPE_NULL ? T_STRING : args[i];
        nf++;
    }
    return type_array(type_struct(nf, f));
}

/* ---------------------------------------------------------------- table */

static const FnVariant v_collect_list[] = {
    {.params = "T col1",
     .returns = "ARRAY<T>",
     .state = "ARRAY<T>",
     .agg = &list_impl,
     .prepare = prep_list,
     .description =
         "Returns an array of all the values (at most ksql.functions.collect_list.limit)."},
};
static const FnVariant v_collect_set[] = {
    {.params = "T col1",
     .returns = "ARRAY<T>",
     .state = "ARRAY<T>",
     .agg = &set_impl,
     .prepare = prep_set,
     .description =
         "Returns an array of the distinct values (at most ksql.functions.collect_set.limit)."},
};
static const FnVariant v_histogram[] = {
    {.params = "STRING col1",
     .returns = "MAP<STRING, BIGINT>",
     .state = "MAP<STRING, BIGINT>",
     .agg = &hist_impl,
     .description =
         "Returns a map of each distinct value (up to 1000) to its number of occurrences."},
};
static const FnVariant v_topk[] = {
    {.params = "T col1, CONST INT k",
     .returns = "ARRAY<T>",
     .state = "ARRAY<T>",
     .agg = &topk_impl,
     .prepare = prep_topk,
     .description = "Returns the k highest values, highest first."},
    {.params = "T sort_col, ANY... other_cols, CONST INT k",
     .returns = "ARRAY<STRUCT>",
     .ret_fn = topk_struct_ret,
     .state_fn = topk_struct_ret,
     .agg = &topk_impl,
     .prepare = prep_topk,
     .description = "Returns the k rows with the highest sort_col as structs of sort_col and the "
                    "other columns."},
};
static const FnVariant v_topkdistinct[] = {
    {.params = "T col1, CONST INT k",
     .returns = "ARRAY<T>",
     .state = "ARRAY<T>",
     .agg = &topkd_impl,
     .prepare = prep_topk,
     .description = "Returns the k highest distinct values, highest first."},
};

#define AGG(NAME, vs, desc)                                                                        \
    {                                                                                              \
        .name = NAME, .kind = FN_AGGREGATE, .category = "AGGREGATE", .description = desc,          \
        FN_VARIANTS(vs)                                                                            \
    }

static const FnDef agg_collect_defs[] = {
    AGG("COLLECT_LIST", v_collect_list, "Collects the values of a column into an array."),
    AGG("COLLECT_SET", v_collect_set, "Collects the distinct values of a column into an array."),
    AGG("HISTOGRAM", v_histogram, "Counts the occurrences of each value of a column."),
    AGG("TOPK", v_topk, "Returns the top k values of a column."),
    AGG("TOPKDISTINCT", v_topkdistinct, "Returns the top k distinct values of a column."),
};

FN_FAMILY(agg_collect_defs);
