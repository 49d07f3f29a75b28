/*
 * eval.c - the expression interpreter: a tree walk over bound expressions with
 * ksqlDB's runtime semantics (SQL three-valued logic, Java integer arithmetic,
 * DECIMAL arithmetic at the planned precision/scale, CAST rules, LIKE, IN,
 * subscripts, lambdas). All names were resolved by the planner; this file only
 * follows indices and function pointers. Results are allocated from the batch
 * arena; nothing here takes a lock or calls malloc.
 */
#include "eval.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../parser/ast.h"

void eval_init(EvalCtx *ctx, Arena *arena)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->arena = arena;
    ctx->err.offset = -1;
}

static void eval_fail(EvalCtx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void eval_fail(EvalCtx *ctx, const char *fmt, ...)
{
    if (ctx->nerrors++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ctx->err.msg, sizeof ctx->err.msg, fmt, ap);
        va_end(ap);
        ctx->err.code = ERR_EVAL;
    }
}

/* ---------------------------------------------------------------- numbers */

static double num_as_double(const Value *v)
{
    switch (v->kind) {
    case TYPE_INT: return v->u.i;
    case TYPE_BIGINT: return (double)v->u.l;
    case TYPE_DOUBLE: return v->u.d;
    case TYPE_DECIMAL: return dec_to_double(v->u.dec, v->scale);
    default: return 0;
    }
}

static int64_t num_as_i64(const Value *v)
{
    switch (v->kind) {
    case TYPE_INT: return v->u.i;
    case TYPE_BIGINT:
    case TYPE_TIMESTAMP: return v->u.l;
    case TYPE_DOUBLE: {
        /* Java (long) conversion: NaN -> 0, saturating. */
        double d = v->u.d;
        if (isnan(d)) return 0;
        if (d >= 9223372036854775807.0) return INT64_MAX;
        if (d <= -9223372036854775808.0) return INT64_MIN;
        return (int64_t)d;
    }
    case TYPE_DECIMAL: {
        int128_t q = v->u.dec / dec_pow10(v->scale);
        return (int64_t)(uint64_t)(unsigned __int128)q;
    }
    default: return 0;
    }
}

static int32_t java_d2i(double d)
{
    if (isnan(d)) return 0;
    if (d >= 2147483647.0) return INT32_MAX;
    if (d <= -2147483648.0) return INT32_MIN;
    return (int32_t)d;
}

/* Long division with HALF_UP rounding: a / b with `extra` more decimal digits. */
static int dec_div(int128_t a, int128_t b, int extra, int128_t *out)
{
    if (b == 0) return -1;
    bool neg = (a < 0) != (b < 0);
    unsigned __int128 ua =
        a < 0 ? (unsigned __int128)0 - (unsigned __int128)a : (unsigned __int128)a;
    unsigned __int128 ub =
        b < 0 ? (unsigned __int128)0 - (unsigned __int128)b : (unsigned __int128)b;
    unsigned __int128 q = ua / ub, r = ua % ub;
    const unsigned __int128 limit = (unsigned __int128)dec_pow10(38);
    for (int i = 0; i < extra; i++) {
        r *= 10;
        q = q * 10 + r / ub;
        r %= ub;
        if (q >= limit) return -1;
    }
    if (r * 2 >= ub) q++;
    if (q >= limit) return -1;
    *out = neg ? -(int128_t)q : (int128_t)q;
    return 0;
}

static void decimal_overflow(EvalCtx *ctx, const Type *t)
{
    eval_fail(ctx,
              "Numeric field overflow: A field with precision %d and scale %d must round to an "
              "absolute value less than 10^%d.",
              t->precision, t->scale, t->precision - t->scale);
}

static void eval_arith(EvalCtx *ctx, const Expr *e, const Value *l, const Value *r, Value *out)
{
    const Type *t = e->type;
    int op = e->op;
    switch (t->kind) {
    case TYPE_STRING: {
        uint32_t n = l->len + r->len;
        char *p = arena_alloc(ctx->arena, n ? n : 1);
        if (l->len) memcpy(p, l->u.s, l->len);
        if (r->len) memcpy(p + l->len, r->u.s, r->len);
        *out = val_string(p, n);
        return;
    }
    case TYPE_INT: {
        uint32_t a = (uint32_t)l->u.i, b = (uint32_t)r->u.i;
        int32_t res;
        switch (op) {
        case AST_OP_ADD: res = (int32_t)(a + b); break;
        case AST_OP_SUB: res = (int32_t)(a - b); break;
        case AST_OP_MUL: res = (int32_t)(a * b); break;
        case AST_OP_DIV:
        case AST_OP_MOD:
            if (r->u.i == 0) {
                eval_fail(ctx, "/ by zero");
                *out = val_null();
                return;
            }
            if (l->u.i == INT32_MIN && r->u.i == -1)
                res = op == AST_OP_DIV ? INT32_MIN : 0;
            else
                res = op == AST_OP_DIV ? l->u.i / r->u.i : l->u.i % r->u.i;
            break;
        default: res = 0;
        }
        *out = val_int(res);
        return;
    }
    case TYPE_BIGINT: {
        uint64_t a = (uint64_t)l->u.l, b = (uint64_t)r->u.l;
        int64_t res;
        switch (op) {
        case AST_OP_ADD: res = (int64_t)(a + b); break;
        case AST_OP_SUB: res = (int64_t)(a - b); break;
        case AST_OP_MUL: res = (int64_t)(a * b); break;
        case AST_OP_DIV:
        case AST_OP_MOD:
            if (r->u.l == 0) {
                eval_fail(ctx, "/ by zero");
                *out = val_null();
                return;
            }
            if (l->u.l == INT64_MIN && r->u.l == -1)
                res = op == AST_OP_DIV ? INT64_MIN : 0;
            else
                res = op == AST_OP_DIV ? l->u.l / r->u.l : l->u.l % r->u.l;
            break;
        default: res = 0;
        }
        *out = val_bigint(res);
        return;
    }
    case TYPE_DOUBLE: {
        double a = l->u.d, b = r->u.d, res;
        switch (op) {
        case AST_OP_ADD: res = a + b; break;
        case AST_OP_SUB: res = a - b; break;
        case AST_OP_MUL: res = a * b; break;
        case AST_OP_DIV: res = a / b; break;
        default: res = fmod(a, b); break;
        }
        *out = val_double(res);
        return;
    }
    case TYPE_DECIMAL: {
        int s1 = l->scale, s2 = r->scale, s = t->scale;
        int128_t a = l->u.dec, b = r->u.dec, res = 0;
        int rc = 0;
        switch (op) {
        case AST_OP_ADD:
        case AST_OP_SUB: {
            int128_t A, B;
            if (dec_rescale(a, s1, s, 0, &A) < 0 || dec_rescale(b, s2, s, 0, &B) < 0) {
                rc = -1;
                break;
            }
            res = op == AST_OP_ADD ? A + B : A - B;
            break;
        }
        case AST_OP_MUL:
            if (dec_digits(a) + dec_digits(b) > 38) {
                rc = -1;
                break;
            }
            res = a * b; /* scale s1 + s2 */
            rc = dec_rescale(res, s1 + s2, s, 0, &res);
            break;
        case AST_OP_DIV:
            if (b == 0) {
                eval_fail(ctx, "Division by zero");
                *out = val_null();
                return;
            }
            /* a/b has scale s1 - s2; we want scale s. */
            if (s - s1 + s2 >= 0) {
                rc = dec_div(a, b, s - s1 + s2, &res);
            } else {
                rc = dec_div(a, b, 0, &res);
                if (rc == 0) rc = dec_rescale(res, s1 - s2, s, 0, &res);
            }
            break;
        default: { /* MOD */
            if (b == 0) {
                eval_fail(ctx, "Division by zero");
                *out = val_null();
                return;
            }
            int ms = s1 > s2 ? s1 : s2;
            int128_t A, B;
            if (dec_rescale(a, s1, ms, 0, &A) < 0 || dec_rescale(b, s2, ms, 0, &B) < 0) {
                rc = -1;
                break;
            }
            res = A % B;
            rc = dec_rescale(res, ms, s, 0, &res);
            break;
        }
        }
        if (rc < 0 || dec_digits(res) > t->precision) {
            decimal_overflow(ctx, t);
            *out = val_null();
            return;
        }
        *out = val_decimal(res, t->precision, t->scale);
        return;
    }
    default: *out = val_null(); return;
    }
}

/* ---------------------------------------------------------------- casts */

static int cast_err(EddyError *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int cast_err(EddyError *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = ERR_EVAL;
    }
    return ERR_EVAL;
}

/* Copies a string value into a NUL-terminated, trimmed buffer. */
static const char *trimmed(const Value *v, char *buf, size_t cap)
{
    size_t n = v->len < cap - 1 ? v->len : cap - 1;
    memcpy(buf, v->u.s, n);
    buf[n] = 0;
    char *p = buf;
    while (*p && isspace((unsigned char)*p))
        p++;
    char *e = p + strlen(p);
    while (e > p && isspace((unsigned char)e[-1]))
        *--e = 0;
    return p;
}

int eval_cast(Arena *a, const Value *v, const Type *to, Value *out, EddyError *err)
{
    *out = val_null();
    if (v->kind == TYPE_NULL) return 0;
    TypeKind from = (TypeKind)v->kind;
    char buf[256];
    switch (to->kind) {
    case TYPE_STRING:
        if (from == TYPE_STRING) {
            *out = *v;
            return 0;
        } else {
            /* A per-thread buffer: no allocation per record once it has grown. */
            static _Thread_local StrBuf sb;
            sb_clear(&sb);
            val_format(&sb, v);
            *out = val_string(arena_strndup(a, sb_cstr(&sb), sb.len), (uint32_t)sb.len);
            return 0;
        }
    case TYPE_BOOLEAN:
        if (from == TYPE_BOOLEAN) {
            *out = *v;
            return 0;
        }
        if (from == TYPE_STRING) {
            const char *s = trimmed(v, buf, sizeof buf);
            *out = val_bool(strcasecmp(s, "true") == 0);
            return 0;
        }
        break;
    case TYPE_INT:
    case TYPE_BIGINT: {
        int64_t x;
        if (from == TYPE_STRING) {
            const char *s = trimmed(v, buf, sizeof buf);
            char *end;
            errno = 0;
            long long ll = strtoll(s, &end, 10);
            if (!*s || *end || errno) {
                /* Java's Integer.valueOf rejects decimals too. */
                return cast_err(err, "For input string: \"%s\"", s);
            }
            if (to->kind == TYPE_INT && (ll < INT32_MIN || ll > INT32_MAX))
                return cast_err(err, "For input string: \"%s\"", s);
            x = ll;
        } else if (from == TYPE_DOUBLE && to->kind == TYPE_INT) {
            *out = val_int(java_d2i(v->u.d));
            return 0;
        } else if (from == TYPE_INT || from == TYPE_BIGINT || from == TYPE_DOUBLE ||
                   from == TYPE_DECIMAL) {
            x = num_as_i64(v);
        } else {
            break;
        }
        *out = to->kind == TYPE_INT ? val_int((int32_t)(uint32_t)(uint64_t)x) : val_bigint(x);
        return 0;
    }
    case TYPE_DOUBLE:
        if (from == TYPE_STRING) {
            const char *s = trimmed(v, buf, sizeof buf);
            char *end;
            double d = strtod(s, &end);
            if (!*s || *end) return cast_err(err, "For input string: \"%s\"", s);
            *out = val_double(d);
            return 0;
        }
        if (from == TYPE_INT || from == TYPE_BIGINT || from == TYPE_DOUBLE ||
            from == TYPE_DECIMAL) {
            *out = val_double(num_as_double(v));
            return 0;
        }
        break;
    case TYPE_DECIMAL: {
        int128_t u;
        int sc;
        if (from == TYPE_DECIMAL) {
            u = v->u.dec;
            sc = v->scale;
        } else if (from == TYPE_INT || from == TYPE_BIGINT) {
            u = from == TYPE_INT ? v->u.i : v->u.l;
            sc = 0;
        } else if (from == TYPE_DOUBLE) {
            int128_t r;
            if (dec_from_double(v->u.d, to->precision, to->scale, &r) < 0)
                return cast_err(err, "Cannot convert %g to DECIMAL(%d, %d)", v->u.d, to->precision,
                                to->scale);
            *out = val_decimal(r, to->precision, to->scale);
            return 0;
        } else if (from == TYPE_STRING) {
            const char *s = trimmed(v, buf, sizeof buf);
            int p;
            if (dec_parse(s, strlen(s), &u, &p, &sc) < 0)
                return cast_err(err, "Cannot parse decimal: \"%s\"", s);
        } else {
            break;
        }
        int128_t r;
        if (dec_rescale(u, sc, to->scale, to->precision, &r) < 0)
            return cast_err(err,
                            "Numeric field overflow: A field with precision %d and scale %d must "
                            "round to an absolute value less than 10^%d.",
                            to->precision, to->scale, to->precision - to->scale);
        *out = val_decimal(r, to->precision, to->scale);
        return 0;
    }
    case TYPE_TIMESTAMP:
        if (from == TYPE_TIMESTAMP) {
            *out = *v;
            return 0;
        }
        if (from == TYPE_DATE) {
            *out = val_timestamp((int64_t)v->u.i * 86400000LL);
            return 0;
        }
        if (from == TYPE_STRING) {
            const char *s = trimmed(v, buf, sizeof buf);
            int64_t ms;
            char why[64];
            if (ts_parse_partial(s, strlen(s), &ms, why, sizeof why) < 0)
                return cast_err(err, "Failed to parse timestamp '%s': %s", s, why);
            *out = val_timestamp(ms);
            return 0;
        }
        break;
    case TYPE_DATE:
        if (from == TYPE_DATE) {
            *out = *v;
            return 0;
        }
        if (from == TYPE_TIMESTAMP) {
            int64_t ms = v->u.l;
            int64_t d = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
            *out = val_date((int32_t)d);
            return 0;
        }
        if (from == TYPE_STRING) {
            const char *s = trimmed(v, buf, sizeof buf);
            int32_t days;
            char why[64];
            if (date_parse_iso(s, strlen(s), &days, why, sizeof why) < 0)
                return cast_err(err, "Failed to parse date '%s': %s", s, why);
            *out = val_date(days);
            return 0;
        }
        break;
    case TYPE_TIME:
        if (from == TYPE_TIME) {
            *out = *v;
            return 0;
        }
        if (from == TYPE_TIMESTAMP) {
            int64_t ms = v->u.l % 86400000;
            if (ms < 0) ms += 86400000;
            *out = val_time((int32_t)ms);
            return 0;
        }
        if (from == TYPE_STRING) {
            const char *s = trimmed(v, buf, sizeof buf);
            int32_t ms;
            char why[64];
            if (time_parse_iso(s, strlen(s), &ms, why, sizeof why) < 0)
                return cast_err(err, "Failed to parse time '%s': %s", s, why);
            *out = val_time(ms);
            return 0;
        }
        break;
    case TYPE_BYTES:
        if (from == TYPE_BYTES) {
            *out = *v;
            return 0;
        }
        break;
    case TYPE_ARRAY:
        if (from == TYPE_ARRAY) {
            Value r = val_array_new(a, v->len, to);
            for (uint32_t i = 0; i < v->len; i++)
                if (eval_cast(a, &v->u.items[i], to->elem, &r.u.items[i], err) < 0) return ERR_EVAL;
            *out = r;
            return 0;
        }
        break;
    case TYPE_MAP:
        if (from == TYPE_MAP) {
            Value r = val_map_new(a, v->len, to);
            for (uint32_t i = 0; i < v->len; i++) {
                if (eval_cast(a, &v->u.items[2 * i], to->key, &r.u.items[2 * i], err) < 0)
                    return ERR_EVAL;
                if (eval_cast(a, &v->u.items[2 * i + 1], to->elem, &r.u.items[2 * i + 1], err) < 0)
                    return ERR_EVAL;
            }
            *out = r;
            return 0;
        }
        break;
    case TYPE_STRUCT:
        if (from == TYPE_STRUCT) {
            Value r = val_struct_new(a, to);
            for (int i = 0; i < to->nfields; i++) {
                int j = v->type ? type_field_index(v->type, to->fields[i].name) : -1;
                if (j >= 0 && (uint32_t)j < v->len &&
                    eval_cast(a, &v->u.items[j], to->fields[i].type, &r.u.items[i], err) < 0)
                    return ERR_EVAL;
            }
            *out = r;
            return 0;
        }
        break;
    default: break;
    }
    return cast_err(err, "Cannot cast %s to %s", type_name(type_prim(from)), type_name(to));
}

/* ---------------------------------------------------------------- LIKE */

/* SQL LIKE over bytes: % any run, _ one character (UTF-8 aware), escape. */
static bool like_match(const char *s, size_t n, const char *p, size_t m, int esc)
{
    size_t i = 0, j = 0, star_j = (size_t)-1, star_i = 0;
    while (i < n) {
        if (j < m) {
            unsigned char pc = (unsigned char)p[j];
            if (esc >= 0 && pc == esc && j + 1 < m) {
                if (s[i] == p[j + 1]) {
                    i++;
                    j += 2;
                    continue;
                }
            } else if (pc == '%') {
                star_j = j++;
                star_i = i;
                continue;
            } else if (pc == '_') {
                i++;
                while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
                    i++;
                j++;
                continue;
            } else if ((unsigned char)s[i] == pc) {
                i++;
                j++;
                continue;
            }
        }
        if (star_j == (size_t)-1) return false;
        j = star_j + 1;
        i = ++star_i;
    }
    while (j < m && p[j] == '%')
        j++;
    return j == m;
}

/* ---------------------------------------------------------------- lambdas */

typedef struct LambdaFrame {
    EvalCtx *ctx;
    const Expr *call;
} LambdaFrame;

static int lambda_invoke(FnCtx *fc, int arg_index, int nparams, const Value *params, Value *out)
{
    LambdaFrame *lf = fc->eval_ctx;
    const Expr *lam = lf->call->args[arg_index];
    if (!lam || lam->kind != EX_LAMBDA || lam->nparams != nparams) {
        *out = val_null();
        return fn_error(fc, "argument %d is not a lambda of %d parameters", arg_index, nparams);
    }
    EvalCtx *ctx = lf->ctx;
    for (int i = 0; i < nparams; i++)
        ctx->frame[lam->slot + i] = params[i];
    int before = ctx->nerrors;
    ctx->lambda_depth++;
    eval_expr(ctx, lam->args[0], out);
    ctx->lambda_depth--;
    /* A lambda body that fails fails the whole call, as the JVM's exception does. */
    if (ctx->nerrors > before) return fn_error(fc, "%s", ctx->err.msg);
    return 0;
}

/* ---------------------------------------------------------------- main */

static bool has_nan(const Value *a, const Value *b)
{
    return (a->kind == TYPE_DOUBLE && isnan(a->u.d)) || (b->kind == TYPE_DOUBLE && isnan(b->u.d));
}

static int compare_for(const Expr *e, const Value *a, const Value *b)
{
    (void)e;
    return val_compare(a, b);
}

void eval_expr(EvalCtx *ctx, const Expr *e, Value *out)
{
    switch (e->kind) {
    case EX_LITERAL: *out = e->lit; return;
    case EX_COLUMN: *out = ctx->row->cols[e->index]; return;
    case EX_PSEUDO: {
        const Row *r = ctx->row;
        if (ctx->null_row && e->index != PSEUDO_WINDOWSTART && e->index != PSEUDO_WINDOWEND) {
            *out = val_null();
            return;
        }
        switch (e->index) {
        case PSEUDO_ROWTIME: *out = val_bigint(r->ts); return;
        case PSEUDO_ROWPARTITION: *out = val_int(r->partition); return;
        case PSEUDO_ROWOFFSET: *out = val_bigint(r->offset); return;
        case PSEUDO_WINDOWSTART: *out = val_bigint(r->win_start); return;
        case PSEUDO_WINDOWEND: *out = val_bigint(r->win_end); return;
        default: *out = val_null(); return;
        }
    }
    case EX_LAMBDA_VAR: *out = ctx->frame[e->index]; return;
    case EX_FIELD: {
        Value s;
        eval_expr(ctx, e->args[0], &s);
        if (s.kind != TYPE_STRUCT || (uint32_t)e->index >= s.len) {
            *out = val_null();
            return;
        }
        *out = s.u.items[e->index];
        return;
    }
    case EX_SUBSCRIPT: {
        Value b, i;
        eval_expr(ctx, e->args[0], &b);
        eval_expr(ctx, e->args[1], &i);
        *out = val_null();
        if (b.kind == TYPE_NULL || i.kind == TYPE_NULL) return;
        if (b.kind == TYPE_ARRAY) {
            int64_t idx = i.kind == TYPE_INT ? i.u.i : i.u.l;
            int64_t n = b.len;
            int64_t pos = idx > 0 ? idx - 1 : idx < 0 ? n + idx : -1;
            if (pos >= 0 && pos < n) *out = b.u.items[pos];
            return;
        }
        if (b.kind == TYPE_MAP) {
            for (uint32_t k = 0; k < b.len; k++)
                if (val_equal(&b.u.items[2 * k], &i)) {
                    *out = b.u.items[2 * k + 1];
                    return;
                }
        }
        return;
    }
    case EX_NEG: {
        Value v;
        eval_expr(ctx, e->args[0], &v);
        *out = v;
        switch (v.kind) {
        case TYPE_INT: out->u.i = (int32_t)(0u - (uint32_t)v.u.i); break;
        case TYPE_BIGINT: out->u.l = (int64_t)(0ull - (uint64_t)v.u.l); break;
        case TYPE_DOUBLE: out->u.d = -v.u.d; break;
        case TYPE_DECIMAL: out->u.dec = -v.u.dec; break;
        default: break;
        }
        return;
    }
    case EX_ARITH: {
        Value l, r;
        eval_expr(ctx, e->args[0], &l);
        eval_expr(ctx, e->args[1], &r);
        if (e->type->kind == TYPE_STRING) {
            /* STRING + STRING is Java's string concatenation: NULL reads "null". */
            if (l.kind == TYPE_NULL) l = val_string("null", 4);
            if (r.kind == TYPE_NULL) r = val_string("null", 4);
        }
        if (l.kind == TYPE_NULL || r.kind == TYPE_NULL) {
            /* Compiled lambdas unbox their operands: NULL arithmetic throws there. */
            if (ctx->lambda_depth > 0)
                eval_fail(ctx, "Cannot apply arithmetic to a NULL value in a lambda");
            *out = val_null();
            return;
        }
        eval_arith(ctx, e, &l, &r, out);
        return;
    }
    case EX_CONCAT: {
        Value l, r;
        eval_expr(ctx, e->args[0], &l);
        eval_expr(ctx, e->args[1], &r);
        /* CONCAT semantics: NULL operands are skipped. */
        uint32_t ln = l.kind == TYPE_STRING ? l.len : 0, rn = r.kind == TYPE_STRING ? r.len : 0;
        if (l.kind == TYPE_NULL && r.kind == TYPE_NULL) {
            *out = val_null();
            return;
        }
        char *p = arena_alloc(ctx->arena, ln + rn + 1);
        if (ln) memcpy(p, l.u.s, ln);
        if (rn) memcpy(p + ln, r.u.s, rn);
        *out = val_string(p, ln + rn);
        return;
    }
    case EX_COMPARE: {
        Value l, r;
        eval_expr(ctx, e->args[0], &l);
        eval_expr(ctx, e->args[1], &r);
        /* ksqlDB's generated comparison is `(a == null || b == null) ? false : ...`:
         * a comparison with NULL is false, not NULL (so NOT (a = NULL) is true). */
        if (l.kind == TYPE_NULL || r.kind == TYPE_NULL) {
            *out = val_bool(false);
            return;
        }
        /* Numbers compare as Java primitives: `a = b` is `a <= b && a >= b` and
         * `a <> b` is `a < b || a > b`, so every comparison with NaN is false. */
        if (has_nan(&l, &r)) {
            *out = val_bool(false);
            return;
        }
        bool res;
        if (e->op == AST_OP_EQ || e->op == AST_OP_NE) {
            bool eq = (l.kind == TYPE_ARRAY || l.kind == TYPE_MAP || l.kind == TYPE_STRUCT)
                          ? val_equal(&l, &r)
                          : compare_for(e, &l, &r) == 0;
            res = e->op == AST_OP_EQ ? eq : !eq;
        } else {
            int c = compare_for(e, &l, &r);
            switch (e->op) {
            case AST_OP_LT: res = c < 0; break;
            case AST_OP_LE: res = c <= 0; break;
            case AST_OP_GT: res = c > 0; break;
            default: res = c >= 0; break;
            }
        }
        *out = val_bool(res);
        return;
    }
    case EX_AND:
    case EX_OR: {
        /* ksqlDB generates Java's `(l && r)` / `(l || r)` over Boolean objects: the left
         * operand short-circuits, and a NULL operand that is evaluated fails the
         * expression (unboxing), which the query logs and reads as NULL. */
        bool is_and = e->kind == EX_AND;
        for (int i = 0; i < 2; i++) {
            Value v;
            eval_expr(ctx, e->args[i], &v);
            if (v.kind != TYPE_BOOLEAN) {
                eval_fail(ctx, "Cannot evaluate %s: operand %d is NULL", is_and ? "AND" : "OR",
                          i + 1);
                *out = val_null();
                return;
            }
            if (i == 1 || v.u.b != is_and) {
                *out = v;
                return;
            }
        }
        return;
    }
    case EX_NOT: {
        Value v;
        eval_expr(ctx, e->args[0], &v);
        *out = v.kind == TYPE_NULL ? val_null() : val_bool(!v.u.b);
        return;
    }
    case EX_IS_NULL: {
        Value v;
        eval_expr(ctx, e->args[0], &v);
        bool isn = v.kind == TYPE_NULL;
        *out = val_bool(e->negated ? !isn : isn);
        return;
    }
    case EX_DISTINCT: {
        Value l, r;
        eval_expr(ctx, e->args[0], &l);
        eval_expr(ctx, e->args[1], &r);
        bool distinct;
        if (l.kind == TYPE_NULL || r.kind == TYPE_NULL)
            distinct = l.kind != r.kind;
        else
            distinct = !val_equal(&l, &r);
        *out = val_bool(e->negated ? !distinct : distinct);
        return;
    }
    case EX_BETWEEN: {
        Value v, lo, hi;
        eval_expr(ctx, e->args[0], &v);
        eval_expr(ctx, e->args[1], &lo);
        eval_expr(ctx, e->args[2], &hi);
        /* BETWEEN is `v >= lo && v <= hi` over ksqlDB's null-false comparisons, and
         * NOT BETWEEN is the negation of that: true when an operand is NULL. */
        if (v.kind == TYPE_NULL || lo.kind == TYPE_NULL || hi.kind == TYPE_NULL) {
            *out = val_bool(e->negated);
            return;
        }
        if (has_nan(&v, &lo) || has_nan(&v, &hi)) {
            *out = val_bool(e->negated);
            return;
        }
        bool in = val_compare(&v, &lo) >= 0 && val_compare(&v, &hi) <= 0;
        *out = val_bool(e->negated ? !in : in);
        return;
    }
    case EX_LIKE: {
        Value v, p;
        eval_expr(ctx, e->args[0], &v);
        eval_expr(ctx, e->args[1], &p);
        if (v.kind == TYPE_NULL || p.kind == TYPE_NULL) {
            *out = val_null();
            return;
        }
        bool m = like_match(v.u.s, v.len, p.u.s, p.len, e->escape);
        *out = val_bool(e->negated ? !m : m);
        return;
    }
    case EX_IN: {
        Value v;
        eval_expr(ctx, e->args[0], &v);
        /* ksqlDB's InListEvaluator answers false for a NULL value; NOT IN negates it. */
        if (v.kind == TYPE_NULL) {
            *out = val_bool(e->negated);
            return;
        }
        bool found = false;
        for (int i = 1; i < e->nargs && !found; i++) {
            Value x;
            eval_expr(ctx, e->args[i], &x);
            if (x.kind == TYPE_NULL) continue;
            found = val_equal(&v, &x);
        }
        *out = val_bool(e->negated ? !found : found);
        return;
    }
    case EX_CASE: {
        int nwhen = (e->nargs - (e->has_else ? 1 : 0)) / 2;
        for (int i = 0; i < nwhen; i++) {
            Value c;
            eval_expr(ctx, e->args[2 * i], &c);
            /* SearchedCaseFunction tests `operand.get()`, a Boolean: NULL fails. */
            if (c.kind != TYPE_BOOLEAN) {
                eval_fail(ctx, "Cannot evaluate CASE: the condition of WHEN clause %d is NULL",
                          i + 1);
                *out = val_null();
                return;
            }
            if (c.u.b) {
                eval_expr(ctx, e->args[2 * i + 1], out);
                return;
            }
        }
        if (e->has_else)
            eval_expr(ctx, e->args[e->nargs - 1], out);
        else
            *out = val_null();
        return;
    }
    case EX_CAST: {
        Value v;
        eval_expr(ctx, e->args[0], &v);
        EddyError err;
        err.code = 0;
        if (eval_cast(ctx->arena, &v, e->type, out, &err) < 0) {
            eval_fail(ctx, "%s", err.msg);
            *out = val_null();
        }
        return;
    }
    case EX_CALL: {
        int n = e->nargs;
        Value argv[n > 0 ? n : 1];
        for (int i = 0; i < n; i++) {
            if (e->args[i]->kind == EX_LAMBDA)
                argv[i] = val_null();
            else
                eval_expr(ctx, e->args[i], &argv[i]);
        }
        LambdaFrame lf = {ctx, e};
        EddyError ferr;
        ferr.code = 0;
        ferr.msg[0] = 0;
        FnCtx fc = {ctx->arena, e->call, &ferr, lambda_invoke, &lf};
        *out = val_null();
        if (!e->call->variant->impl) return;
        if (e->call->variant->impl(&fc, n, argv, out) < 0) {
            eval_fail(ctx, "%s", ferr.msg[0] ? ferr.msg : "function failed");
            *out = val_null();
        }
        return;
    }
    case EX_LAMBDA: *out = val_null(); return;
    case EX_ARRAY: {
        Value r = val_array_new(ctx->arena, (uint32_t)e->nargs, e->type);
        for (int i = 0; i < e->nargs; i++)
            eval_expr(ctx, e->args[i], &r.u.items[i]);
        *out = r;
        return;
    }
    case EX_MAP: {
        uint32_t n = (uint32_t)e->nargs / 2;
        Value r = val_map_new(ctx->arena, n, e->type);
        uint32_t k = 0;
        for (uint32_t i = 0; i < n; i++) {
            Value key, v;
            eval_expr(ctx, e->args[2 * i], &key);
            eval_expr(ctx, e->args[2 * i + 1], &v);
            /* Later duplicates replace earlier ones, as in a Java map. */
            uint32_t j;
            for (j = 0; j < k; j++)
                if (val_equal(&r.u.items[2 * j], &key)) break;
            r.u.items[2 * j] = key;
            r.u.items[2 * j + 1] = v;
            if (j == k) k++;
        }
        r.len = k;
        *out = r;
        return;
    }
    case EX_STRUCT: {
        Value r = val_struct_new(ctx->arena, e->type);
        for (int i = 0; i < e->nargs; i++)
            eval_expr(ctx, e->args[i], &r.u.items[i]);
        *out = r;
        return;
    }
    }
    *out = val_null();
}

bool eval_pred(EvalCtx *ctx, const Expr *e)
{
    Value v;
    eval_expr(ctx, e, &v);
    return v.kind == TYPE_BOOLEAN && v.u.b;
}
