/*
 * agg_offset.c - EARLIEST_BY_OFFSET and LATEST_BY_OFFSET, single-valued or keeping n
 * values, ignoring NULLs unless told not to.
 *
 * Like ksqlDB, the state pairs each kept value with a sequence number taken when add()
 * sees it: STRUCT<SEQ BIGINT, VAL T> (ARRAY of those for the n variants). The runtime
 * calls add() in offset order within a partition, so sequence order is offset order;
 * merge() (session windows) keeps the lowest / highest sequence numbers. The sequence is
 * a process-wide atomic counter seeded from the wall clock in microseconds, so that it
 * keeps increasing across restarts and states persisted earlier still compare correctly.
 */
#include "functions_int.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

static atomic_llong seq_counter;
static atomic_bool seq_seeded;

static int64_t next_seq(void)
{
    if (!atomic_load_explicit(&seq_seeded, memory_order_acquire)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        long long seed = (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
        long long zero = 0;
        atomic_compare_exchange_strong(&seq_counter, &zero, seed);
        atomic_store_explicit(&seq_seeded, true, memory_order_release);
    }
    return atomic_fetch_add_explicit(&seq_counter, 1, memory_order_relaxed);
}

/* Per call site: n (0 for the single-valued variants) and ignoreNulls. */
typedef struct OffsetSite {
    int n;
    bool ignore_nulls;
    bool latest;
} OffsetSite;

static int prep(FnCall *call, Arena *a, EddyError *err, bool latest)
{
    OffsetSite *s = arena_zalloc(a, sizeof *s);
    s->latest = latest;
    s->ignore_nulls = true;
    for (int i = 1; i < call->nargs; i++) {
        const Value *c = &call->const_args[i];
        if (c->kind == TYPE_BOOLEAN) s->ignore_nulls = c->u.b;
        if (c->kind == TYPE_INT) {
            if (c->u.i <= 0)
                return err_set(err, ERR_SEMANTIC, -1, "For %s, n must be positive. It was %d.",
                               call->def->name, c->u.i);
            s->n = c->u.i;
        }
    }
    call->state = s;
    return 0;
}

static int prep_latest(FnCall *call, const Value *const *lits, Arena *a, EddyError *err)
{
    (void)lits;
    return prep(call, a, err, true);
}

static int prep_earliest(FnCall *call, const Value *const *lits, Arena *a, EddyError *err)
{
    (void)lits;
    return prep(call, a, err, false);
}

static const OffsetSite *site(const FnCtx *ctx)
{
    static const OffsetSite dflt = {0, true, true};
    return ctx->call->state ? ctx->call->state : &dflt;
}

static int off_init(FnCtx *ctx, Value *state)
{
    const OffsetSite *s = site(ctx);
    *state = s->n ? val_array_new(ctx->arena, 0, ctx->call->state_type) : val_null();
    return 0;
}

static Value entry(FnCtx *ctx, const Type *st, int64_t seq, const Value *v)
{
    Value e = val_struct_new(ctx->arena, st);
    e.u.items[0] = val_bigint(seq);
    e.u.items[1] = val_copy(ctx->arena, v);
    return e;
}

/* Merges the entries of two lists by sequence and keeps the first or last n. */
static Value merge_lists(FnCtx *ctx, const Value *a, const Value *b, int n, bool latest)
{
    uint32_t na = a->kind == TYPE_ARRAY ? a->len : 0, nb = b->kind == TYPE_ARRAY ? b->len : 0;
    Value all = val_array_new(ctx->arena, na + nb, ctx->call->state_type);
    uint32_t i = 0, j = 0, k = 0;
    while (i < na || j < nb) {
        bool take_a =
            j >= nb || (i < na && a->u.items[i].u.items[0].u.l <= b->u.items[j].u.items[0].u.l);
        all.u.items[k++] = take_a ? a->u.items[i++] : b->u.items[j++];
    }
    if (k > (uint32_t)n) {
        if (latest) all.u.items += k - (uint32_t)n;
        all.len = (uint32_t)n;
    }
    return all;
}

static int off_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    const OffsetSite *s = site(ctx);
    const Value *v = &args[0];
    if (v->kind == TYPE_NULL && s->ignore_nulls) return 0;
    const Type *st = ctx->call->state_type;
    if (!s->n) {
        if (!s->latest && state->kind != TYPE_NULL) return 0; /* earliest already set */
        *state = entry(ctx, st, next_seq(), v);
        return 0;
    }
    uint32_t len = state->kind == TYPE_ARRAY ? state->len : 0;
    if (!s->latest && len >= (uint32_t)s->n) return 0;
    Value one = val_array_new(ctx->arena, 1, st);
    one.u.items[0] = entry(ctx, st->elem, next_seq(), v);
    *state = merge_lists(ctx, state, &one, s->n, s->latest);
    return 0;
}

static int off_merge(FnCtx *ctx, Value *state, const Value *other)
{
    const OffsetSite *s = site(ctx);
    if (other->kind == TYPE_NULL) return 0;
    if (!s->n) {
        if (state->kind == TYPE_NULL) {
            *state = *other;
            return 0;
        }
        int64_t a = state->u.items[0].u.l, b = other->u.items[0].u.l;
        if (s->latest ? b > a : b < a) *state = *other;
        return 0;
    }
    *state = merge_lists(ctx, state, other, s->n, s->latest);
    return 0;
}

static int off_result(FnCtx *ctx, const Value *state, Value *out)
{
    const OffsetSite *s = site(ctx);
    if (!s->n) {
        *out = state->kind == TYPE_NULL ? val_null() : state->u.items[1];
        return 0;
    }
    uint32_t n = state->kind == TYPE_ARRAY ? state->len : 0;
    Value r = val_array_new(ctx->arena, n, ctx->call->ret);
    for (uint32_t i = 0; i < n; i++)
        r.u.items[i] = state->u.items[i].u.items[1];
    *out = r;
    return 0;
}

static const AggImpl offset_impl = {off_init, off_add, NULL, off_merge, off_result};

#define OFFSET_VARIANTS(cname, prepfn, which)                                                      \
    static const FnVariant cname[] = {                                                             \
        {.params = "T col1",                                                                       \
         .returns = "T",                                                                           \
         .state = "STRUCT<SEQ BIGINT, VAL T>",                                                     \
         .agg = &offset_impl,                                                                      \
         .prepare = prepfn,                                                                        \
         .description = "Returns the " which " non-null value of col1."},                          \
        {.params = "T col1, CONST BOOLEAN ignoreNulls",                                            \
         .returns = "T",                                                                           \
         .state = "STRUCT<SEQ BIGINT, VAL T>",                                                     \
         .agg = &offset_impl,                                                                      \
         .prepare = prepfn,                                                                        \
         .description = "Returns the " which " value of col1, skipping nulls when ignoreNulls."},  \
        {.params = "T col1, CONST INT earliestN",                                                  \
         .returns = "ARRAY<T>",                                                                    \
         .state = "ARRAY<STRUCT<SEQ BIGINT, VAL T>>",                                              \
         .agg = &offset_impl,                                                                      \
         .prepare = prepfn,                                                                        \
         .description = "Returns the " which " n non-null values of col1, in offset order."},      \
        {.params = "T col1, CONST INT earliestN, CONST BOOLEAN ignoreNulls",                       \
         .returns = "ARRAY<T>",                                                                    \
         .state = "ARRAY<STRUCT<SEQ BIGINT, VAL T>>",                                              \
         .agg = &offset_impl,                                                                      \
         .prepare = prepfn,                                                                        \
         .description =                                                                            \
             "Returns the " which " n values of col1, skipping nulls when ignoreNulls."},          \
    };

OFFSET_VARIANTS(v_earliest, prep_earliest, "earliest")
OFFSET_VARIANTS(v_latest, prep_latest, "latest")

static const FnDef agg_offset_defs[] = {
    {.name = "EARLIEST_BY_OFFSET",
     .kind = FN_AGGREGATE,
     .category = "AGGREGATE",
     .description = "Returns the earliest value(s) of a column by offset.",
     FN_VARIANTS(v_earliest)},
    {.name = "LATEST_BY_OFFSET",
     .kind = FN_AGGREGATE,
     .category = "AGGREGATE",
     .description = "Returns the latest value(s) of a column by offset.",
     FN_VARIANTS(v_latest)},
};

FN_FAMILY(agg_offset_defs);
