/*
 * fn_math.c - numeric scalar functions (category MATHEMATICAL): ABS ... TRUNC, ROUND
 * with ksqlDB's rounding rules (Math.round for doubles, half toward +infinity for
 * places, DECIMAL results sized from the argument's precision/scale), GREATEST/LEAST
 * over every comparable type, GEO_DISTANCE, RANDOM.
 *
 * Integral arguments of the transcendental functions have their own INT/BIGINT
 * variants (as in ksqlDB), so INT arguments resolve exactly instead of ambiguously
 * between DOUBLE and DECIMAL.
 */
#include "functions_int.h"

#include <math.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- helpers */

static const Type *ret_arg0(int nargs, const Type *const *args, EddyError *err)
{
    (void)err;
    return nargs > 0 ? args[0] : NULL;
}

/* DECIMAL(max(1, p - s), 0): ROUND/TRUNC without places. */
static const Type *ret_dec_integral(int nargs, const Type *const *args, EddyError *err)
{
    (void)err;
    if (nargs < 1 || args[0]->kind != TYPE_DECIMAL) return T_BIGINT;
    int p = args[0]->precision - args[0]->scale;
    return type_decimal(p < 1 ? 1 : p, 0);
}

static double num_arg(const Value *v)
{
    return fn_to_double(v);
}

/* One-argument DOUBLE function over INT/BIGINT/DOUBLE arguments. */
#define UNARY_DOUBLE(cname, expr)                                                                  \
    static int cname(FnCtx *ctx, int nargs, const Value *args, Value *out)                         \
    {                                                                                              \
        (void)ctx;                                                                                 \
        (void)nargs;                                                                               \
        if (args[0].kind == TYPE_NULL) {                                                           \
            *out = val_null();                                                                     \
            return 0;                                                                              \
        }                                                                                          \
        double x = num_arg(&args[0]);                                                              \
        *out = val_double(expr);                                                                   \
        return 0;                                                                                  \
    }

UNARY_DOUBLE(m_acos, acos(x))
UNARY_DOUBLE(m_asin, asin(x))
UNARY_DOUBLE(m_atan, atan(x))
UNARY_DOUBLE(m_cos, cos(x))
UNARY_DOUBLE(m_cosh, cosh(x))
UNARY_DOUBLE(m_cot, 1.0 / tan(x))
UNARY_DOUBLE(m_sin, sin(x))
UNARY_DOUBLE(m_sinh, sinh(x))
UNARY_DOUBLE(m_tan, tan(x))
UNARY_DOUBLE(m_tanh, tanh(x))
UNARY_DOUBLE(m_degrees, x *(180.0 / M_PI))
UNARY_DOUBLE(m_radians, x / 180.0 * M_PI)
UNARY_DOUBLE(m_exp, exp(x))
UNARY_DOUBLE(m_ln, log(x))
UNARY_DOUBLE(m_sqrt, sqrt(x))
UNARY_DOUBLE(m_cbrt, cbrt(x))

static int m_atan2(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    *out = val_double(atan2(num_arg(&args[0]), num_arg(&args[1])));
    return 0;
}

static int m_power(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    *out = val_double(pow(num_arg(&args[0]), num_arg(&args[1])));
    return 0;
}

/* LOG(value) is the natural logarithm; LOG(base, value) returns NaN for base <= 0 or 1. */
static int m_log(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    if (nargs == 1) {
        *out = val_double(log(num_arg(&args[0])));
        return 0;
    }
    double base = num_arg(&args[0]), value = num_arg(&args[1]);
    if (base <= 0 || base == 1) {
        *out = val_double(NAN);
        return 0;
    }
    *out = val_double(log(value) / log(base));
    return 0;
}

static int m_pi(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    (void)nargs;
    (void)args;
    *out = val_double(M_PI);
    return 0;
}

static int m_random(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    (void)nargs;
    (void)args;
    *out = val_double(fn_rand_double());
    return 0;
}

static int m_abs(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    (void)nargs;
    const Value *a = &args[0];
    switch (a->kind) {
    case TYPE_INT: *out = val_int(a->u.i < 0 ? (int32_t)(0u - (uint32_t)a->u.i) : a->u.i); break;
    case TYPE_BIGINT:
        *out = val_bigint(a->u.l < 0 ? (int64_t)(0ull - (uint64_t)a->u.l) : a->u.l);
        break;
    case TYPE_DOUBLE: *out = val_double(fabs(a->u.d)); break;
    case TYPE_DECIMAL:
        *out = *a;
        if (a->u.dec < 0) out->u.dec = -a->u.dec;
        break;
    default: *out = val_null(); break;
    }
    return 0;
}

static int m_sign(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    (void)nargs;
    const Value *a = &args[0];
    switch (a->kind) {
    case TYPE_INT: *out = val_int((a->u.i > 0) - (a->u.i < 0)); break;
    case TYPE_BIGINT: *out = val_int((a->u.l > 0) - (a->u.l < 0)); break;
    case TYPE_DOUBLE: *out = val_int((a->u.d > 0) - (a->u.d < 0)); break;
    case TYPE_DECIMAL: *out = val_int((a->u.dec > 0) - (a->u.dec < 0)); break;
    default: *out = val_null(); break;
    }
    return 0;
}

/* Rounds a DECIMAL value to `places` with `mode`, keeping its scale. */
static int dec_places(FnCtx *ctx, const Value *a, int places, char mode, int keep_scale,
                      int precision, Value *out)
{
    int128_t r, back;
    if (places > 38 + a->scale) places = 38 + a->scale;
    if (places < -38) places = -38;
    if (fn_dec_round(a->u.dec, a->scale, places, mode, &r) < 0 ||
        fn_dec_round(r, places, keep_scale, 'T', &back) < 0 || dec_digits(back) > precision)
        return fn_error(ctx, "Numeric field overflow: result does not fit DECIMAL(%d, %d)",
                        precision, keep_scale);
    *out = val_decimal(back, precision, keep_scale);
    return 0;
}

static int m_ceil_floor(FnCtx *ctx, const Value *a, Value *out, bool ceil_)
{
    switch (a->kind) {
    case TYPE_INT:
    case TYPE_BIGINT: *out = *a; return 0;
    case TYPE_DOUBLE: *out = val_double(ceil_ ? ceil(a->u.d) : floor(a->u.d)); return 0;
    case TYPE_DECIMAL: return dec_places(ctx, a, 0, ceil_ ? 'C' : 'F', a->scale, a->precision, out);
    default: *out = val_null(); return 0;
    }
}

static int m_ceil(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    return m_ceil_floor(ctx, &args[0], out, true);
}

static int m_floor(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    return m_ceil_floor(ctx, &args[0], out, false);
}

/* Java's Math.round(double) and (long) casts, saturating like the JVM. */
static int64_t java_round(double d)
{
    if (isnan(d)) return 0;
    double f = floor(d);
    double r = d - f >= 0.5 ? f + 1 : f;
    if (r >= 9.2233720368547758e18) return INT64_MAX;
    if (r <= -9.2233720368547758e18) return INT64_MIN;
    return (int64_t)r;
}

static int64_t java_long_cast(double d)
{
    if (isnan(d)) return 0;
    if (d >= 9.2233720368547758e18) return INT64_MAX;
    if (d <= -9.2233720368547758e18) return INT64_MIN;
    return (int64_t)d;
}

/* BigDecimal.valueOf(d).setScale(places, mode).doubleValue(). */
static double double_places(double d, int places, char mode)
{
    int128_t u, r;
    int sc;
    if (!isfinite(d)) return d;
    if (fn_double_to_dec(d, &u, &sc) < 0) {
        double p = pow(10, places);
        double x = d * p;
        x = mode == 'T' ? trunc(x) : (double)java_round(x);
        return x / p;
    }
    if (places > 300) places = 300;
    if (places < -300) places = -300;
    if (places >= sc) return d;
    if (fn_dec_round(u, sc, places, mode, &r) < 0) return d;
    if (places >= 0) return dec_to_double(r, places);
    double v = (double)r;
    return v * pow(10, -places);
}

static int m_round(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    const Value *a = &args[0];
    if (nargs == 1) {
        switch (a->kind) {
        case TYPE_INT:
        case TYPE_BIGINT: *out = *a; return 0;
        case TYPE_DOUBLE: *out = val_bigint(java_round(a->u.d)); return 0;
        case TYPE_DECIMAL: {
            const Type *rt = ctx->call->ret;
            return dec_places(ctx, a, 0, a->u.dec < 0 ? 'D' : 'U', 0, rt->precision, out);
        }
        default: *out = val_null(); return 0;
        }
    }
    int places = args[1].u.i;
    if (a->kind == TYPE_DECIMAL)
        return dec_places(ctx, a, places, a->u.dec < 0 ? 'D' : 'U', a->scale, a->precision, out);
    *out = val_double(double_places(a->u.d, places, a->u.d < 0 ? 'D' : 'U'));
    return 0;
}

static int m_trunc(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    const Value *a = &args[0];
    if (nargs == 1) {
        switch (a->kind) {
        case TYPE_INT:
        case TYPE_BIGINT: *out = *a; return 0;
        case TYPE_DOUBLE: *out = val_bigint(java_long_cast(a->u.d)); return 0;
        case TYPE_DECIMAL: return dec_places(ctx, a, 0, 'T', 0, ctx->call->ret->precision, out);
        default: *out = val_null(); return 0;
        }
    }
    int places = args[1].u.i;
    if (a->kind == TYPE_DECIMAL)
        return dec_places(ctx, a, places, 'T', a->scale, a->precision, out);
    *out = val_double(double_places(a->u.d, places, 'T'));
    return 0;
}

/* ---------------------------------------------------------------- GEO_DISTANCE */

static int m_geo_distance(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(4, args)) {
        *out = val_null();
        return 0;
    }
    double lat1 = num_arg(&args[0]), lon1 = num_arg(&args[1]);
    double lat2 = num_arg(&args[2]), lon2 = num_arg(&args[3]);
    double radius = 6371.0;
    if (nargs == 5) {
        if (args[4].kind == TYPE_NULL) {
            *out = val_null();
            return 0;
        }
        const char *u = args[4].u.s;
        size_t n = args[4].len;
        if ((n == 2 && strncasecmp(u, "MI", 2) == 0) || (n == 5 && strncasecmp(u, "MILES", 5) == 0))
            radius = 3959.0;
        else if (!((n == 2 && strncasecmp(u, "KM", 2) == 0) ||
                   (n == 10 && strncasecmp(u, "KILOMETERS", 10) == 0)))
            return fn_error(ctx,
                            "GeoDistance function units parameter must be one of "
                            "'MI', 'MILES', 'KM' or 'KILOMETERS'. Values are case-insensitive.");
    }
    if (lat1 < -90 || lat1 > 90 || lat2 < -90 || lat2 > 90)
        return fn_error(ctx, "valid latitude values for GeoDistance function are in the range of "
                             "-90 to 90 decimal degrees");
    if (lon1 < -180 || lon1 > 180 || lon2 < -180 || lon2 > 180)
        return fn_error(ctx, "valid longitude values for GeoDistance function are in the range of "
                             "-180 to +180 decimal degrees");
    double dlat = (lat2 - lat1) * M_PI / 180.0;
    double dlon = (lon2 - lon1) * M_PI / 180.0;
    double a = pow(sin(dlat / 2), 2) +
               cos(lat1 * M_PI / 180.0) * cos(lat2 * M_PI / 180.0) * pow(sin(dlon / 2), 2);
    double c = 2 * asin(sqrt(a));
    *out = val_double(radius * c);
    return 0;
}

/* ---------------------------------------------------------------- GREATEST / LEAST */

static const Type *ret_dec_widest(int nargs, const Type *const *args, EddyError *err)
{
    int ip = 0, sc = 0;
    bool any = false;
    for (int i = 0; i < nargs; i++) {
        const Type *d = type_to_decimal(args[i]);
        if (!d) continue;
        any = true;
        if (d->precision - d->scale > ip) ip = d->precision - d->scale;
        if (d->scale > sc) sc = d->scale;
    }
    if (!any) {
        err_set(err, ERR_SEMANTIC, -1, "Cannot resolve a DECIMAL type for the arguments");
        return NULL;
    }
    int p = ip + sc;
    if (p > DECIMAL_MAX_PRECISION) p = DECIMAL_MAX_PRECISION;
    if (p < 1) p = 1;
    return type_decimal(p, sc > p ? p : sc);
}

static int extreme(FnCtx *ctx, int nargs, const Value *args, Value *out, int sign)
{
    const Value *best = NULL;
    for (int i = 0; i < nargs; i++) {
        if (args[i].kind == TYPE_NULL) continue;
        if (!best || val_compare(&args[i], best) * sign > 0) best = &args[i];
    }
    if (!best) {
        *out = val_null();
        return 0;
    }
    if (best->kind == TYPE_DECIMAL && ctx->call && ctx->call->ret->kind == TYPE_DECIMAL) {
        if (!fn_widen_value(best, ctx->call->ret, out))
            return fn_error(ctx, "Numeric field overflow");
        return 0;
    }
    *out = *best;
    return 0;
}

static int m_greatest(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return extreme(ctx, nargs, args, out, 1);
}

static int m_least(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    return extreme(ctx, nargs, args, out, -1);
}

/* ---------------------------------------------------------------- GENERATE_SERIES */

/* GENERATE_SERIES(start, end[, step]) -> ARRAY: start, start+step, ... up to end inclusive; the
 * default step is 1 or -1 toward end. */
static int t_series(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args))
        return fn_error(ctx, "GENERATE_SERIES arguments must not be null");
    bool big = args[0].kind == TYPE_BIGINT;
    int64_t start = big ? args[0].u.l : args[0].u.i;
    int64_t end = big ? args[1].u.l : args[1].u.i;
    int64_t step = nargs > 2 ? (big ? args[2].u.l : args[2].u.i) : (end - start > 0 ? 1 : -1);
    if (step == 0) return fn_error(ctx, "GENERATE_SERIES step cannot be zero");
    int64_t diff = end - start;
    if ((diff > 0 && step < 0) || (diff < 0 && step > 0))
        return fn_error(ctx, "GENERATE_SERIES step has wrong sign");
    int64_t size = 1 + diff / step;
    if (size > 10000000)
        return fn_error(ctx, "GENERATE_SERIES would produce %lld rows", (long long)size);
    Value r = val_array_new(ctx->arena, (uint32_t)size, ctx->call->ret);
    int64_t pos = start;
    for (int64_t i = 0; i < size; i++, pos += step)
        r.u.items[i] = big ? val_bigint(pos) : val_int((int32_t)pos);
    *out = r;
    return 0;
}

/* ---------------------------------------------------------------- table */

#define NUM3(params1, desc, fn)                                                                    \
    {.params = "INT " params1, .returns = "DOUBLE", .description = desc, .impl = fn},              \
        {.params = "BIGINT " params1, .returns = "DOUBLE", .description = desc, .impl = fn},       \
    {                                                                                              \
        .params = "DOUBLE " params1, .returns = "DOUBLE", .description = desc, .impl = fn          \
    }

#define TRIG(NAME, cname, desc)                                                                    \
    static const FnVariant v_##cname[] = {NUM3("value", desc, m_##cname)};

TRIG(ACOS, acos, "Returns the inverse (arc) cosine of an INT, BIGINT, or DOUBLE value.")
TRIG(ASIN, asin, "Returns the inverse (arc) sine of an INT, BIGINT, or DOUBLE value.")
TRIG(ATAN, atan, "Returns the inverse (arc) tangent of an INT, BIGINT, or DOUBLE value.")
TRIG(COS, cos, "Returns the cosine of an INT, BIGINT, or DOUBLE value.")
TRIG(COSH, cosh, "Returns the hyperbolic cosine of an INT, BIGINT, or DOUBLE value.")
TRIG(COT, cot, "Returns the cotangent of an INT, BIGINT, or DOUBLE value.")
TRIG(SIN, sin, "Returns the sine of an INT, BIGINT, or DOUBLE value.")
TRIG(SINH, sinh, "Returns the hyperbolic sine of an INT, BIGINT, or DOUBLE value.")
TRIG(TAN, tan, "Returns the tangent of an INT, BIGINT, or DOUBLE value.")
TRIG(TANH, tanh, "Returns the hyperbolic tangent of an INT, BIGINT, or DOUBLE value.")
TRIG(DEGREES, degrees, "Converts an INT, BIGINT, or DOUBLE value in radians to degrees.")
TRIG(RADIANS, radians, "Converts an INT, BIGINT, or DOUBLE value in degrees to radians.")
TRIG(EXP, exp, "The exponential of a value.")
TRIG(LN, ln, "The natural logarithm of a value.")
TRIG(SQRT, sqrt, "The square root of a value.")
TRIG(CBRT, cbrt, "The cube root of a value.")

static const FnVariant v_atan2[] = {
    {.params = "INT y, INT x",
     .returns = "DOUBLE",
     .description = "Returns the inverse (arc) tangent of y / x.",
     .impl = m_atan2},
    {.params = "BIGINT y, BIGINT x",
     .returns = "DOUBLE",
     .description = "Returns the inverse (arc) tangent of y / x.",
     .impl = m_atan2},
    {.params = "DOUBLE y, DOUBLE x",
     .returns = "DOUBLE",
     .description = "Returns the inverse (arc) tangent of y / x.",
     .impl = m_atan2},
};

static const FnVariant v_power[] = {
    {.params = "INT base, INT exponent",
     .returns = "DOUBLE",
     .description = "Returns base raised to the power of exponent.",
     .impl = m_power},
    {.params = "BIGINT base, BIGINT exponent",
     .returns = "DOUBLE",
     .description = "Returns base raised to the power of exponent.",
     .impl = m_power},
    {.params = "DOUBLE base, DOUBLE exponent",
     .returns = "DOUBLE",
     .description = "Returns base raised to the power of exponent.",
     .impl = m_power},
};

static const FnVariant v_log[] = {
    {.params = "INT value",
     .returns = "DOUBLE",
     .description = "Returns the natural logarithm of value.",
     .impl = m_log},
    {.params = "BIGINT value",
     .returns = "DOUBLE",
     .description = "Returns the natural logarithm of value.",
     .impl = m_log},
    {.params = "DOUBLE value",
     .returns = "DOUBLE",
     .description = "Returns the natural logarithm of value.",
     .impl = m_log},
    {.params = "INT base, INT value",
     .returns = "DOUBLE",
     .description = "Returns the logarithm of value to the given base.",
     .impl = m_log},
    {.params = "BIGINT base, BIGINT value",
     .returns = "DOUBLE",
     .description = "Returns the logarithm of value to the given base.",
     .impl = m_log},
    {.params = "DOUBLE base, DOUBLE value",
     .returns = "DOUBLE",
     .description = "Returns the logarithm of value to the given base.",
     .impl = m_log},
};

static const FnVariant v_abs[] = {
    {.params = "INT num",
     .returns = "INT",
     .description = "Returns the absolute value of its argument.",
     .impl = m_abs},
    {.params = "BIGINT num",
     .returns = "BIGINT",
     .description = "Returns the absolute value of its argument.",
     .impl = m_abs},
    {.params = "DOUBLE num",
     .returns = "DOUBLE",
     .description = "Returns the absolute value of its argument.",
     .impl = m_abs},
    {.params = "DECIMAL num",
     .returns = "DECIMAL",
     .ret_fn = ret_arg0,
     .description = "Returns the absolute value of its argument.",
     .impl = m_abs},
};

static const FnVariant v_sign[] = {
    {.params = "INT value",
     .returns = "INT",
     .description = "Returns the sign of value: -1, 0 or 1.",
     .impl = m_sign},
    {.params = "BIGINT value",
     .returns = "INT",
     .description = "Returns the sign of value: -1, 0 or 1.",
     .impl = m_sign},
    {.params = "DOUBLE value",
     .returns = "INT",
     .description = "Returns the sign of value: -1, 0 or 1.",
     .impl = m_sign},
    {.params = "DECIMAL value",
     .returns = "INT",
     .description = "Returns the sign of value: -1, 0 or 1.",
     .impl = m_sign},
};

static const FnVariant v_ceil[] = {
    {.params = "INT val",
     .returns = "INT",
     .description = "Returns the smallest integer not less than val.",
     .impl = m_ceil},
    {.params = "BIGINT val",
     .returns = "BIGINT",
     .description = "Returns the smallest integer not less than val.",
     .impl = m_ceil},
    {.params = "DOUBLE val",
     .returns = "DOUBLE",
     .description = "Returns the smallest integer not less than val.",
     .impl = m_ceil},
    {.params = "DECIMAL val",
     .returns = "DECIMAL",
     .ret_fn = ret_arg0,
     .description = "Returns the smallest integer not less than val.",
     .impl = m_ceil},
};

static const FnVariant v_floor[] = {
    {.params = "INT val",
     .returns = "INT",
     .description = "Returns the largest integer not greater than val.",
     .impl = m_floor},
    {.params = "BIGINT val",
     .returns = "BIGINT",
     .description = "Returns the largest integer not greater than val.",
     .impl = m_floor},
    {.params = "DOUBLE val",
     .returns = "DOUBLE",
     .description = "Returns the largest integer not greater than val.",
     .impl = m_floor},
    {.params = "DECIMAL val",
     .returns = "DECIMAL",
     .ret_fn = ret_arg0,
     .description = "Returns the largest integer not greater than val.",
     .impl = m_floor},
};

static const FnVariant v_round[] = {
    {.params = "INT val",
     .returns = "INT",
     .description = "Rounds val to the nearest integer.",
     .impl = m_round},
    {.params = "BIGINT val",
     .returns = "BIGINT",
     .description = "Rounds val to the nearest integer.",
     .impl = m_round},
    {.params = "DOUBLE val",
     .returns = "BIGINT",
     .description = "Rounds val to the nearest integer (half up, toward positive infinity).",
     .impl = m_round},
    {.params = "DOUBLE val, INT decimalPlaces",
     .returns = "DOUBLE",
     .description =
         "Rounds val to decimalPlaces decimal places (negative rounds left of the point).",
     .impl = m_round},
    {.params = "DECIMAL val",
     .returns = "DECIMAL",
     .ret_fn = ret_dec_integral,
     .description = "Rounds val to the nearest integer.",
     .impl = m_round},
    {.params = "DECIMAL val, INT decimalPlaces",
     .returns = "DECIMAL",
     .ret_fn = ret_arg0,
     .description = "Rounds val to decimalPlaces decimal places.",
     .impl = m_round},
};

static const FnVariant v_trunc[] = {
    {.params = "INT val",
     .returns = "INT",
     .description = "Truncates val to an integer.",
     .impl = m_trunc},
    {.params = "BIGINT val",
     .returns = "BIGINT",
     .description = "Truncates val to an integer.",
     .impl = m_trunc},
    {.params = "DOUBLE val",
     .returns = "BIGINT",
     .description = "Truncates val to an integer.",
     .impl = m_trunc},
    {.params = "DOUBLE val, INT decimalPlaces",
     .returns = "DOUBLE",
     .description = "Truncates val to decimalPlaces decimal places.",
     .impl = m_trunc},
    {.params = "DECIMAL val",
     .returns = "DECIMAL",
     .ret_fn = ret_dec_integral,
     .description = "Truncates val to an integer.",
     .impl = m_trunc},
    {.params = "DECIMAL val, INT decimalPlaces",
     .returns = "DECIMAL",
     .ret_fn = ret_arg0,
     .description = "Truncates val to decimalPlaces decimal places.",
     .impl = m_trunc},
};

static const FnVariant v_series[] = {
    {.params = "INT start, INT end",
     .returns = "ARRAY<INT>",
     .description = "Returns the integers from start to end (inclusive).",
     .impl = t_series},
    {.params = "INT start, INT end, INT step",
     .returns = "ARRAY<INT>",
     .description = "Returns the integers from start to end (inclusive) in steps of step.",
     .impl = t_series},
    {.params = "BIGINT start, BIGINT end",
     .returns = "ARRAY<BIGINT>",
     .description = "Returns the integers from start to end (inclusive).",
     .impl = t_series},
    {.params = "BIGINT start, BIGINT end, BIGINT step",
     .returns = "ARRAY<BIGINT>",
     .description = "Returns the integers from start to end (inclusive) in steps of step.",
     .impl = t_series},
};

static const FnVariant v_pi[] = {
    {.params = "",
     .returns = "DOUBLE",
     .description = "Returns an approximate value of pi.",
     .impl = m_pi},
};

static const FnVariant v_random[] = {
    {.params = "",
     .returns = "DOUBLE",
     .description = "Returns a random DOUBLE value between 0.0 and 1.0.",
     .impl = m_random},
};

static const FnVariant v_geo[] = {
    {.params = "DOUBLE lat1, DOUBLE lon1, DOUBLE lat2, DOUBLE lon2",
     .returns = "DOUBLE",
     .description = "The great-circle distance between two lat-long points, in kilometers.",
     .impl = m_geo_distance},
    {.params = "DOUBLE lat1, DOUBLE lon1, DOUBLE lat2, DOUBLE lon2, STRING units",
     .returns = "DOUBLE",
     .description = "The great-circle distance between two lat-long points, in the units given "
                    "('KM' or 'MI').",
     .impl = m_geo_distance},
};

#define EXTREME(cname, fn, what)                                                                   \
    static const FnVariant cname[] = {                                                             \
        {.params = "INT val, INT... vals", .returns = "INT", .description = what, .impl = fn},     \
        {.params = "BIGINT val, BIGINT... vals",                                                   \
         .returns = "BIGINT",                                                                      \
         .description = what,                                                                      \
         .impl = fn},                                                                              \
        {.params = "DOUBLE val, DOUBLE... vals",                                                   \
         .returns = "DOUBLE",                                                                      \
         .description = what,                                                                      \
         .impl = fn},                                                                              \
        {.params = "DECIMAL val, DECIMAL... vals",                                                 \
         .returns = "DECIMAL",                                                                     \
         .ret_fn = ret_dec_widest,                                                                 \
         .description = what,                                                                      \
         .impl = fn},                                                                              \
        {.params = "STRING val, STRING... vals",                                                   \
         .returns = "STRING",                                                                      \
         .description = what,                                                                      \
         .impl = fn},                                                                              \
        {.params = "BYTES val, BYTES... vals",                                                     \
         .returns = "BYTES",                                                                       \
         .description = what,                                                                      \
         .impl = fn},                                                                              \
        {.params = "DATE val, DATE... vals", .returns = "DATE", .description = what, .impl = fn},  \
        {.params = "TIME val, TIME... vals", .returns = "TIME", .description = what, .impl = fn},  \
        {.params = "TIMESTAMP val, TIMESTAMP... vals",                                             \
         .returns = "TIMESTAMP",                                                                   \
         .description = what,                                                                      \
         .impl = fn},                                                                              \
    };

EXTREME(v_greatest, m_greatest,
        "Returns the highest non-null value among a variable number of comparable columns.")
EXTREME(v_least, m_least,
        "Returns the lowest non-null value among a variable number of comparable columns.")

#define MATH(NAME, vs, desc)                                                                       \
    {                                                                                              \
        .name = NAME, .kind = FN_SCALAR, .category = "MATHEMATICAL", .description = desc,          \
        FN_VARIANTS(vs)                                                                            \
    }

static const FnDef math_defs[] = {
    MATH("ABS", v_abs, "Returns the absolute value of its argument."),
    MATH("ACOS", v_acos, "Returns the inverse (arc) cosine of a value."),
    MATH("ASIN", v_asin, "Returns the inverse (arc) sine of a value."),
    MATH("ATAN", v_atan, "Returns the inverse (arc) tangent of a value."),
    MATH("ATAN2", v_atan2, "Returns the inverse (arc) tangent of y / x."),
    MATH("CBRT", v_cbrt, "Returns the cube root of a value."),
    MATH("CEIL", v_ceil, "Returns the smallest integer not less than the argument."),
    MATH("COS", v_cos, "Returns the cosine of a value."),
    MATH("COSH", v_cosh, "Returns the hyperbolic cosine of a value."),
    MATH("COT", v_cot, "Returns the cotangent of a value."),
    MATH("DEGREES", v_degrees, "Converts radians to degrees."),
    MATH("EXP", v_exp, "Returns e raised to the power of the argument."),
    MATH("FLOOR", v_floor, "Returns the largest integer not greater than the argument."),
    MATH("GENERATE_SERIES", v_series, "Returns an array of integers from start to end."),
    MATH("GEO_DISTANCE", v_geo, "Computes the great-circle distance between two lat-long points."),
    MATH("GREATEST", v_greatest, "Returns the highest non-null value among its arguments."),
    MATH("LEAST", v_least, "Returns the lowest non-null value among its arguments."),
    MATH("LN", v_ln, "Returns the natural logarithm of a value."),
    MATH("LOG", v_log, "Returns the logarithm of a value (natural, or to a given base)."),
    MATH("PI", v_pi, "Returns an approximate value of pi."),
    MATH("POWER", v_power, "Returns a number raised to a power."),
    MATH("RADIANS", v_radians, "Converts degrees to radians."),
    MATH("RANDOM", v_random, "Returns a random DOUBLE between 0.0 and 1.0."),
    MATH("ROUND", v_round, "Rounds a number to an integer or to a number of decimal places."),
    MATH("SIGN", v_sign, "Returns the sign of a number: -1, 0 or 1."),
    MATH("SIN", v_sin, "Returns the sine of a value."),
    MATH("SINH", v_sinh, "Returns the hyperbolic sine of a value."),
    MATH("SQRT", v_sqrt, "Returns the square root of a value."),
    MATH("TAN", v_tan, "Returns the tangent of a value."),
    MATH("TANH", v_tanh, "Returns the hyperbolic tangent of a value."),
    MATH("TRUNC", v_trunc, "Truncates a number to an integer or to a number of decimal places."),
};

FN_FAMILY(math_defs);
