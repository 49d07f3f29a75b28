/*
 * harness.c - see harness.h.
 */
#include "harness.h"

#include <stdlib.h>

Arena h_arena;
EddyError h_err;
FnCall h_call;
TestLambdaSpec h_lambdas[8];

/* Marker kinds for special arguments, kept in Value.pad_. */
#define MARK_UNIT   1
#define MARK_LAMBDA 2
#define MARK_TYPED  3

void h_setup(void)
{
    arena_init(&h_arena, 4096);
    err_clear(&h_err);
    memset(h_lambdas, 0, sizeof h_lambdas);
    fn_registry_init();
}

void h_teardown(void)
{
    arena_free(&h_arena);
}

Value S(const char *s)
{
    return fn_cstring(&h_arena, s);
}

Value B64(const char *b64)
{
    char *p;
    long n = base64_decode(&h_arena, b64, strlen(b64), &p);
    ck_assert_int_ge(n, 0);
    return val_bytes(p, (uint32_t)n);
}

Value I(int32_t i)
{
    return val_int(i);
}

Value L(int64_t l)
{
    return val_bigint(l);
}

Value D(double d)
{
    return val_double(d);
}

Value DEC(const char *text)
{
    int128_t u;
    int p, s;
    ck_assert_int_eq(dec_parse(text, strlen(text), &u, &p, &s), 0);
    return val_decimal(u, p, s);
}

Value DECP(const char *text, int precision, int scale)
{
    Value v = DEC(text);
    int128_t r;
    ck_assert_int_eq(dec_rescale(v.u.dec, v.scale, scale, precision, &r), 0);
    return val_decimal(r, precision, scale);
}

Value BOOL(bool b)
{
    return val_bool(b);
}

Value NUL(void)
{
    return val_null();
}

Value TNUL(const Type *t)
{
    Value v = val_null();
    v.pad_ = MARK_TYPED;
    v.type = t;
    return v;
}

Value ARR(const Type *elem, int n, ...)
{
    Value a = val_array_new(&h_arena, (uint32_t)n, type_array(elem));
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        a.u.items[i] = va_arg(ap, Value);
    va_end(ap);
    return a;
}

Value MAPV(const Type *k, const Type *v, int n, ...)
{
    Value m = val_map_new(&h_arena, (uint32_t)n, type_map(k, v));
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < 2 * n; i++)
        m.u.items[i] = va_arg(ap, Value);
    va_end(ap);
    return m;
}

Value UNIT(const char *name)
{
    Value v = S(name);
    v.pad_ = MARK_UNIT;
    return v;
}

Value LAMBDA(int nparams)
{
    Value v = val_null();
    v.pad_ = MARK_LAMBDA;
    v.len = (uint32_t)nparams;
    return v;
}

const Type *h_type_of(const Value *v)
{
    if (v->pad_ == MARK_UNIT) return type_prim(TYPE_INTERVAL_UNIT);
    if (v->pad_ == MARK_LAMBDA) return fn_lambda_placeholder((int)v->len);
    if (v->pad_ == MARK_TYPED) return v->type;
    switch (v->kind) {
    case TYPE_DECIMAL: return type_decimal(v->precision, v->scale);
    case TYPE_ARRAY:
        if (v->type) return v->type;
        return type_array(v->len ? h_type_of(&v->u.items[0]) : T_NULLTYPE);
    case TYPE_MAP:
        if (v->type) return v->type;
        return type_map(T_STRING, v->len ? h_type_of(&v->u.items[1]) : T_NULLTYPE);
    case TYPE_STRUCT: return v->type;
    default: return type_prim((TypeKind)v->kind);
    }
}

static const Type *h_typer(void *ctx, int arg_index, int nparams, const Type *const *param_types,
                           EddyError *err)
{
    (void)ctx;
    (void)nparams;
    (void)param_types;
    if (arg_index < 0 || arg_index >= 8 || !h_lambdas[arg_index].fn) {
        err_set(err, ERR_SEMANTIC, -1, "test: no lambda at %d", arg_index);
        return NULL;
    }
    return h_lambdas[arg_index].ret;
}

static int h_invoke(FnCtx *ctx, int arg_index, int nparams, const Value *params, Value *out)
{
    (void)ctx;
    return h_lambdas[arg_index].fn(nparams, params, out);
}

static const char *h_config(void *ctx, const char *name)
{
    (void)ctx;
    const char *v = getenv(name);
    return v;
}

int h_resolve(const char *name, int n, const Type *const *types, const Value *const *lits)
{
    err_clear(&h_err);
    FnResolveOpts opts = {.config = h_config};
    return fn_resolve_ex(name, n, types, lits, h_typer, NULL, &opts, &h_arena, &h_call, &h_err);
}

int h_call_values(const char *name, int n, const Value *args, bool as_literals, Value *out)
{
    const Type *types[32];
    const Value *lits[32];
    for (int i = 0; i < n; i++) {
        types[i] = h_type_of(&args[i]);
        lits[i] = as_literals && args[i].pad_ != MARK_LAMBDA && args[i].pad_ != MARK_TYPED
                      ? &args[i]
                      : NULL;
        if (args[i].pad_ == MARK_UNIT) lits[i] = &args[i];
    }
    int rc = h_resolve(name, n, types, lits);
    if (rc < 0) return rc;
    Value conv[32];
    for (int i = 0; i < n; i++) {
        conv[i] = args[i];
        conv[i].pad_ = 0;
        if (args[i].pad_ == MARK_TYPED) conv[i] = val_null();
        if (args[i].pad_ == MARK_LAMBDA) conv[i] = val_null();
        /* The binder's implicit casts: numeric widening only (enough for the tests). */
        if (conv[i].kind != TYPE_NULL && h_call.arg_types[i]->kind != conv[i].kind &&
            h_call.arg_types[i]->kind != TYPE_INTERVAL_UNIT) {
            Value w;
            if (fn_widen_value(&conv[i], h_call.arg_types[i], &w)) conv[i] = w;
        }
    }
    FnCtx ctx = {.arena = &h_arena, .call = &h_call, .err = &h_err, .invoke = h_invoke};
    if (h_call.def->kind == FN_AGGREGATE) return err_set(&h_err, ERR_INTERNAL, -1, "aggregate");
    return h_call.variant->impl(&ctx, n, conv, out);
}

static void put(StrBuf *sb, const Value *v)
{
    switch (v->kind) {
    case TYPE_NULL: sb_puts(sb, "null"); break;
    case TYPE_STRING:
        sb_putc(sb, '\'');
        sb_append(sb, v->u.s, v->len);
        sb_putc(sb, '\'');
        break;
    case TYPE_BYTES:
        sb_puts(sb, "b:");
        base64_encode(sb, v->u.s, v->len);
        break;
    case TYPE_ARRAY:
        sb_putc(sb, '[');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) sb_puts(sb, ", ");
            put(sb, &v->u.items[i]);
        }
        sb_putc(sb, ']');
        break;
    case TYPE_MAP:
        sb_putc(sb, '{');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) sb_puts(sb, ", ");
            put(sb, &v->u.items[2 * i]);
            sb_putc(sb, '=');
            put(sb, &v->u.items[2 * i + 1]);
        }
        sb_putc(sb, '}');
        break;
    case TYPE_STRUCT:
        sb_putc(sb, '{');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) sb_puts(sb, ", ");
            sb_puts(sb, v->type->fields[i].name);
            sb_putc(sb, '=');
            put(sb, &v->u.items[i]);
        }
        sb_putc(sb, '}');
        break;
    case TYPE_DATE: sb_printf(sb, "date:%d", v->u.i); break;
    case TYPE_TIME: sb_printf(sb, "time:%d", v->u.i); break;
    case TYPE_TIMESTAMP: sb_printf(sb, "ts:%lld", (long long)v->u.l); break;
    default: val_format(sb, v); break;
    }
}

const char *h_str(const Value *v)
{
    StrBuf sb = STRBUF_INIT;
    put(&sb, v);
    const char *r = arena_strdup(&h_arena, sb_cstr(&sb));
    sb_free(&sb);
    return r;
}

static const char *run_va(const char *name, int n, bool lit, va_list ap)
{
    Value args[32];
    for (int i = 0; i < n; i++)
        args[i] = va_arg(ap, Value);
    Value out = val_null();
    int rc = h_call_values(name, n, args, lit, &out);
    if (rc < 0) return arena_printf(&h_arena, "ERR:%s", h_err.msg);
    return h_str(&out);
}

const char *h_run(const char *name, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    const char *r = run_va(name, n, true, ap);
    va_end(ap);
    return r;
}

const char *h_run_nolit(const char *name, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    const char *r = run_va(name, n, false, ap);
    va_end(ap);
    return r;
}

/* ---------------------------------------------------------------- aggregates */

void h_agg_start(HAgg *a, const char *name, int n, const Type *const *types,
                 const Value *const *lits)
{
    memset(a, 0, sizeof *a);
    err_clear(&h_err);
    FnResolveOpts opts = {.config = h_config};
    int rc = fn_resolve_ex(name, n, types, lits, h_typer, NULL, &opts, &h_arena, &a->call, &h_err);
    ck_assert_msg(rc == 0, "resolve %s: %s", name, h_err.msg);
    ck_assert_int_eq(a->call.def->kind, FN_AGGREGATE);
    a->ctx = (FnCtx){.arena = &h_arena, .call = &a->call, .err = &h_err};
    a->state = val_null();
    ck_assert_int_eq(a->call.variant->agg->init(&a->ctx, &a->state), 0);
}

static int agg_apply(HAgg *a, bool undo, int n, va_list ap)
{
    Value args[16];
    for (int i = 0; i < n; i++)
        args[i] = va_arg(ap, Value);
    a->ctx.call = &a->call;
    const AggImpl *impl = a->call.variant->agg;
    if (undo) {
        ck_assert_ptr_nonnull(impl->undo);
        return impl->undo(&a->ctx, &a->state, n, args);
    }
    return impl->add(&a->ctx, &a->state, n, args);
}

int h_agg_add(HAgg *a, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    int rc = agg_apply(a, false, n, ap);
    va_end(ap);
    return rc;
}

int h_agg_undo(HAgg *a, int n, ...)
{
    va_list ap;
    va_start(ap, n);
    int rc = agg_apply(a, true, n, ap);
    va_end(ap);
    return rc;
}

int h_agg_merge(HAgg *a, const HAgg *other)
{
    a->ctx.call = &a->call;
    ck_assert_ptr_nonnull(a->call.variant->agg->merge);
    return a->call.variant->agg->merge(&a->ctx, &a->state, &other->state);
}

const char *h_agg_result(HAgg *a)
{
    Value out = val_null();
    a->ctx.call = &a->call;
    int rc = a->call.variant->agg->result(&a->ctx, &a->state, &out);
    if (rc < 0) return arena_printf(&h_arena, "ERR:%s", h_err.msg);
    return h_str(&out);
}
