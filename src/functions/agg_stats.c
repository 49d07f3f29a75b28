/*
 * agg_stats.c - statistical aggregates: STDDEV_SAMPLE, the sample standard deviation, and
 * STDDEV_SAMP, which in ksqlDB returns the sample variance (its square), both from the
 * incremental update of a STRUCT<SUM, COUNT, M2> state (M2 += (n*x - sum)^2 / (n*(n-1)));
 * and CORRELATION, Pearson's coefficient from running
 * sums. Both support undo (table sources) and merge (session windows).
 */
#include "functions_int.h"

#include <math.h>

/* ---------------------------------------------------------------- STDDEV */

static Value sd_state(FnCtx *ctx, double sum, int64_t count, double m2)
{
    Value s = val_struct_new(ctx->arena, ctx->call->state_type);
    s.u.items[0] = val_double(sum);
    s.u.items[1] = val_bigint(count);
    s.u.items[2] = val_double(m2);
    return s;
}

static int sd_init(FnCtx *ctx, Value *state)
{
    *state = sd_state(ctx, 0, 0, 0);
    return 0;
}

static void sd_get(const Value *st, double *sum, int64_t *count, double *m2)
{
    if (st->kind != TYPE_STRUCT) {
        *sum = 0;
        *count = 0;
        *m2 = 0;
        return;
    }
    *sum = st->u.items[0].u.d;
    *count = st->u.items[1].u.l;
    *m2 = st->u.items[2].u.d;
}

static int sd_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) return 0;
    double sum, m2, x = fn_to_double(&args[0]);
    int64_t count;
    sd_get(state, &sum, &count, &m2);
    int64_t n = count + 1;
    double nsum = sum + x;
    if (count > 0) {
        double delta = (double)n * x - nsum;
        m2 += delta * delta / ((double)n * (double)count);
    }
    *state = sd_state(ctx, nsum, n, m2);
    return 0;
}

static int sd_undo(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) return 0;
    double sum, m2, x = fn_to_double(&args[0]);
    int64_t count;
    sd_get(state, &sum, &count, &m2);
    if (count <= 1) {
        *state = sd_state(ctx, 0, 0, 0);
        return 0;
    }
    double delta = (double)count * x - sum;
    m2 -= delta * delta / ((double)count * (double)(count - 1));
    if (m2 < 0) m2 = 0;
    *state = sd_state(ctx, sum - x, count - 1, m2);
    return 0;
}

static int sd_merge(FnCtx *ctx, Value *state, const Value *other)
{
    double s1, m1, s2, m2;
    int64_t c1, c2;
    sd_get(state, &s1, &c1, &m1);
    sd_get(other, &s2, &c2, &m2);
    if (c2 == 0) return 0;
    if (c1 == 0) {
        *state = sd_state(ctx, s2, c2, m2);
        return 0;
    }
    double n = (double)(c1 + c2);
    double delta = s2 / (double)c2 - s1 / (double)c1;
    *state = sd_state(ctx, s1 + s2, c1 + c2, m1 + m2 + delta * delta * (double)c1 * (double)c2 / n);
    return 0;
}

static int sd_result(FnCtx *ctx, const Value *state, Value *out)
{
    (void)ctx;
    double sum, m2;
    int64_t count;
    sd_get(state, &sum, &count, &m2);
    *out = val_double(count < 2 ? 0.0 : sqrt(m2 / (double)(count - 1)));
    return 0;
}

static int var_result(FnCtx *ctx, const Value *state, Value *out)
{
    (void)ctx;
    double sum, m2;
    int64_t count;
    sd_get(state, &sum, &count, &m2);
    *out = val_double(count < 2 ? 0.0 : m2 / (double)(count - 1));
    return 0;
}

static const AggImpl stddev_impl = {sd_init, sd_add, sd_undo, sd_merge, sd_result};
static const AggImpl variance_impl = {sd_init, sd_add, sd_undo, sd_merge, var_result};

/* ---------------------------------------------------------------- CORRELATION */

enum { C_X, C_Y, C_XX, C_YY, C_XY, C_N };

static Value corr_state(FnCtx *ctx, const double *v)
{
    Value s = val_struct_new(ctx->arena, ctx->call->state_type);
    for (int i = 0; i < C_N; i++)
        s.u.items[i] = val_double(v[i]);
    s.u.items[C_N] = val_bigint((int64_t)v[C_N]);
    return s;
}

static void corr_get(const Value *st, double *v)
{
    for (int i = 0; i <= C_N; i++)
        v[i] = 0;
    if (st->kind != TYPE_STRUCT) return;
    for (int i = 0; i < C_N; i++)
        v[i] = st->u.items[i].u.d;
    v[C_N] = (double)st->u.items[C_N].u.l;
}

static int corr_init(FnCtx *ctx, Value *state)
{
    double v[C_N + 1] = {0};
    *state = corr_state(ctx, v);
    return 0;
}

static int corr_apply(FnCtx *ctx, Value *state, const Value *args, double sign)
{
    if (args[0].kind == TYPE_NULL || args[1].kind == TYPE_NULL) return 0;
    double v[C_N + 1], x = fn_to_double(&args[0]), y = fn_to_double(&args[1]);
    corr_get(state, v);
    v[C_X] += sign * x;
    v[C_Y] += sign * y;
    v[C_XX] += sign * x * x;
    v[C_YY] += sign * y * y;
    v[C_XY] += sign * x * y;
    v[C_N] += sign;
    *state = corr_state(ctx, v);
    return 0;
}

static int corr_add(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return corr_apply(ctx, state, args, 1);
}

static int corr_undo(FnCtx *ctx, Value *state, int nargs, const Value *args)
{
    (void)nargs;
    return corr_apply(ctx, state, args, -1);
}

static int corr_merge(FnCtx *ctx, Value *state, const Value *other)
{
    double a[C_N + 1], b[C_N + 1];
    corr_get(state, a);
    corr_get(other, b);
    for (int i = 0; i <= C_N; i++)
        a[i] += b[i];
    *state = corr_state(ctx, a);
    return 0;
}

static int corr_result(FnCtx *ctx, const Value *state, Value *out)
{
    (void)ctx;
    double v[C_N + 1];
    corr_get(state, v);
    double n = v[C_N];
    double num = n * v[C_XY] - v[C_X] * v[C_Y];
    double den = sqrt(n * v[C_XX] - v[C_X] * v[C_X]) * sqrt(n * v[C_YY] - v[C_Y] * v[C_Y]);
    *out = val_double(num / den);
    return 0;
}

static const AggImpl corr_impl = {corr_init, corr_add, corr_undo, corr_merge, corr_result};

/* ---------------------------------------------------------------- table */

#define SD_STATE "STRUCT<SUM DOUBLE, COUNT BIGINT, M2 DOUBLE>"

static const FnVariant v_stddev[] = {
    {.params = "INT col1",
     .returns = "DOUBLE",
     .state = SD_STATE,
     .agg = &stddev_impl,
     .description = "Returns the sample standard deviation."},
    {.params = "BIGINT col1",
     .returns = "DOUBLE",
     .state = SD_STATE,
     .agg = &stddev_impl,
     .description = "Returns the sample standard deviation."},
    {.params = "DOUBLE col1",
     .returns = "DOUBLE",
     .state = SD_STATE,
     .agg = &stddev_impl,
     .description = "Returns the sample standard deviation."},
};

static const FnVariant v_variance[] = {
    {.params = "INT col1",
     .returns = "DOUBLE",
     .state = SD_STATE,
     .agg = &variance_impl,
     .description = "Returns the sample variance (as ksqlDB's STDDEV_SAMP does)."},
    {.params = "BIGINT col1",
     .returns = "DOUBLE",
     .state = SD_STATE,
     .agg = &variance_impl,
     .description = "Returns the sample variance (as ksqlDB's STDDEV_SAMP does)."},
    {.params = "DOUBLE col1",
     .returns = "DOUBLE",
     .state = SD_STATE,
     .agg = &variance_impl,
     .description = "Returns the sample variance (as ksqlDB's STDDEV_SAMP does)."},
};

static const FnVariant v_correlation[] = {
    {.params = "DOUBLE x, DOUBLE y",
     .returns = "DOUBLE",
     .state = "STRUCT<X_SUM DOUBLE, Y_SUM DOUBLE, X_SQUARED_SUM DOUBLE, Y_SQUARED_SUM DOUBLE, "
              "XY_SUM DOUBLE, COUNT BIGINT>",
     .agg = &corr_impl,
     .description = "Returns the Pearson correlation coefficient of x and y."},
};

#define AGG(NAME, vs, desc)                                                                        \
    {                                                                                              \
        .name = NAME, .kind = FN_AGGREGATE, .category = "AGGREGATE", .description = desc,          \
        FN_VARIANTS(vs)                                                                            \
    }

static const FnDef agg_stats_defs[] = {
    AGG("CORRELATION", v_correlation, "Computes the correlation coefficient of two columns."),
    AGG("STDDEV_SAMP", v_variance,
        "Computes the sample variance of a column (ksqlDB's STDDEV_SAMP behaviour)."),
    AGG("STDDEV_SAMPLE", v_stddev, "Computes the sample standard deviation of a column."),
};

FN_FAMILY(agg_stats_defs);
