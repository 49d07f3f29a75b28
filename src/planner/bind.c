/*
 * bind.c - the binder: AST expressions in, typed bound expressions out.
 *
 * Resolves column names against a Scope (the columns of the row an expression
 * will be evaluated on), applies ksqlDB's type rules (arithmetic, comparisons,
 * CAST, constructors, IN lists), resolves functions through the function library
 * and inserts implicit conversions as explicit casts, so the runtime evaluates
 * with indices and function pointers only. Errors use ksqlDB's texts.
 *
 * While an aggregation's projection is bound (ctx->agg), sub-trees equal to a
 * GROUP BY expression become key columns and aggregate calls become aggregate
 * columns; table functions (ctx->tf) become FLATMAP columns.
 */
#include "planner.h"
#include "planner_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- helpers */

void scope_add(Arena *a, Scope *s, const char *qual, const char *name, int index, const Type *t)
{
    if (s->n == s->cap) {
        int ncap = s->cap ? s->cap * 2 : 16;
        s->cols = arena_realloc(a, s->cols, sizeof(ScopeCol) * (size_t)s->cap,
                                sizeof(ScopeCol) * (size_t)ncap);
        s->cap = ncap;
    }
    s->cols[s->n++] = (ScopeCol){qual, name, index, t, false};
}

void scope_add_qual(Scope *s, const char *qual)
{
    if (s->nqual < (int)(sizeof s->quals / sizeof s->quals[0])) s->quals[s->nqual++] = qual;
}

Expr *expr_new(Arena *a, ExprKind k, const Type *t, int offset)
{
    Expr *e = arena_zalloc(a, sizeof *e);
    e->kind = k;
    e->type = t;
    e->offset = offset;
    e->escape = -1;
    return e;
}

Expr *expr_column(Arena *a, int index, const Type *t)
{
    Expr *e = expr_new(a, EX_COLUMN, t, -1);
    e->index = index;
    return e;
}

Expr *expr_literal(Arena *a, Value v, const Type *t)
{
    Expr *e = expr_new(a, EX_LITERAL, t, -1);
    e->lit = v;
    return e;
}

const char *ast_text(Arena *a, const AstExpr *e)
{
    StrBuf sb = STRBUF_INIT;
    ast_expr_print(&sb, e);
    const char *r = arena_strdup(a, sb_cstr(&sb));
    sb_free(&sb);
    return r;
}

static Expr **args_alloc(Arena *a, int n)
{
    return arena_zalloc(a, sizeof(Expr *) * (size_t)(n > 0 ? n : 1));
}

const char *cmp_op_name(int op)
{
    switch (op) {
    case AST_OP_EQ: return "EQUAL";
    case AST_OP_NE: return "NOT_EQUAL";
    case AST_OP_LT: return "LESS_THAN";
    case AST_OP_LE: return "LESS_THAN_OR_EQUAL";
    case AST_OP_GT: return "GREATER_THAN";
    case AST_OP_GE: return "GREATER_THAN_OR_EQUAL";
    default: return "?";
    }
}

static const char *cmp_op_symbol(int op)
{
    switch (op) {
    case AST_OP_EQ: return "=";
    case AST_OP_NE: return "<>";
    case AST_OP_LT: return "<";
    case AST_OP_LE: return "<=";
    case AST_OP_GT: return ">";
    case AST_OP_GE: return ">=";
    default: return "?";
    }
}

static const char *tname(const Type *t)
{
    return t->kind == TYPE_NULL ? "null" : type_name(t);
}

bool ast_is_aggregate_call(const AstExpr *e)
{
    if (!e || e->kind != AST_FUNC) return false;
    const FnDef *d = fn_lookup(e->name);
    return d && d->kind == FN_AGGREGATE;
}

bool ast_is_table_function_call(const AstExpr *e)
{
    if (!e || e->kind != AST_FUNC) return false;
    const FnDef *d = fn_lookup(e->name);
    return d && d->kind == FN_TABLE;
}

bool ast_contains_aggregate(const AstExpr *e)
{
    if (!e) return false;
    if (ast_is_aggregate_call(e)) return true;
    if (ast_contains_aggregate(e->left) || ast_contains_aggregate(e->right)) return true;
    if (e->kind != AST_LAMBDA)
        for (int i = 0; i < e->nargs; i++)
            if (ast_contains_aggregate(e->args[i])) return true;
    return false;
}

/* ---------------------------------------------------------------- type rules */

static int num_rank(const Type *t)
{
    switch (t->kind) {
    case TYPE_INT: return 1;
    case TYPE_BIGINT: return 2;
    case TYPE_DECIMAL: return 3;
    case TYPE_DOUBLE: return 4;
    default: return 0;
    }
}

static const Type *decimal_capped(int p, int s)
{
    if (p > DECIMAL_MAX_PRECISION) {
        int over = p - DECIMAL_MAX_PRECISION;
        p = DECIMAL_MAX_PRECISION;
        s = s - over > 0 ? s - over : 0;
    }
    if (s > p) s = p;
    if (p < 1) p = 1;
    return type_decimal(p, s);
}

/* The numeric type both widen to (DECIMAL: enough digits for both sides). */
static const Type *numeric_common(const Type *a, const Type *b)
{
    int ra = num_rank(a), rb = num_rank(b);
    if (!ra || !rb) return NULL;
    if (ra == 4 || rb == 4) return T_DOUBLE;
    if (ra == 3 || rb == 3) {
        const Type *da = type_to_decimal(a), *db = type_to_decimal(b);
        int s = da->scale > db->scale ? da->scale : db->scale;
        int ia = da->precision - da->scale, ib = db->precision - db->scale;
        int ip = ia > ib ? ia : ib;
        return decimal_capped(ip + s, s);
    }
    return ra >= rb ? a : b;
}

const Type *arith_result_type(int op, const Type *l, const Type *r, EddyError *err)
{
    if (l->kind == TYPE_STRING && r->kind == TYPE_STRING && op == AST_OP_ADD) return T_STRING;
    if (!num_rank(l) || !num_rank(r)) {
        err_set(err, ERR_SEMANTIC, -1, "Arithmetic on types %s and %s are not supported.",
                tname(l), tname(r));
        return NULL;
    }
    if (l->kind == TYPE_DOUBLE || r->kind == TYPE_DOUBLE) return T_DOUBLE;
    if (l->kind == TYPE_DECIMAL || r->kind == TYPE_DECIMAL) {
        const Type *a = type_to_decimal(l), *b = type_to_decimal(r);
        int p1 = a->precision, s1 = a->scale, p2 = b->precision, s2 = b->scale;
        int p, s;
        switch (op) {
        case AST_OP_ADD:
        case AST_OP_SUB:
            s = s1 > s2 ? s1 : s2;
            p = (p1 - s1 > p2 - s2 ? p1 - s1 : p2 - s2) + s + 1;
            break;
        case AST_OP_MUL:
            p = p1 + p2 + 1;
            s = s1 + s2;
            break;
        case AST_OP_DIV:
            s = 6 > s1 + p2 + 1 ? 6 : s1 + p2 + 1;
            p = p1 - s1 + s2 + s;
            break;
        default: /* MOD */
            s = s1 > s2 ? s1 : s2;
            p = (p1 - s1 < p2 - s2 ? p1 - s1 : p2 - s2) + s;
            break;
        }
        return decimal_capped(p, s);
    }
    if (l->kind == TYPE_BIGINT || r->kind == TYPE_BIGINT) return T_BIGINT;
    return T_INT;
}

static bool is_temporal(const Type *t)
{
    return t->kind == TYPE_TIMESTAMP || t->kind == TYPE_DATE || t->kind == TYPE_TIME;
}

/* ksqlDB's ComparisonUtil: which operand types may be compared with op. */
static bool comparable(const Type *l, const Type *r, int op)
{
    if (num_rank(l) && num_rank(r)) return true;
    if (l->kind == TYPE_STRING && r->kind == TYPE_STRING) return true;
    if (l->kind == TYPE_BOOLEAN && r->kind == TYPE_BOOLEAN) return true;
    if (l->kind == TYPE_BYTES && r->kind == TYPE_BYTES) return true;
    if (is_temporal(l) && (is_temporal(r) || r->kind == TYPE_STRING)) return true;
    if (is_temporal(r) && l->kind == TYPE_STRING) return true;
    bool eq = op == AST_OP_EQ || op == AST_OP_NE || op < 0;
    if (eq && l->kind == r->kind &&
        (l->kind == TYPE_ARRAY || l->kind == TYPE_MAP || l->kind == TYPE_STRUCT))
        return type_can_widen(l, r) || type_can_widen(r, l);
    return false;
}

bool cast_supported(const Type *from, const Type *to)
{
    if (from == to || from->kind == TYPE_NULL) return true;
    TypeKind f = from->kind, t = to->kind;
    if (t == TYPE_STRING) return f != TYPE_ARRAY || true; /* anything renders as text */
    if (num_rank(from) && num_rank(to)) return true;
    if (f == TYPE_STRING) return t != TYPE_ARRAY && t != TYPE_MAP && t != TYPE_STRUCT;
    if (f == TYPE_BOOLEAN) return t == TYPE_BOOLEAN;
    if (f == TYPE_TIMESTAMP) return t == TYPE_DATE || t == TYPE_TIME || t == TYPE_TIMESTAMP;
    if (f == TYPE_DATE) return t == TYPE_TIMESTAMP || t == TYPE_DATE;
    if (f == TYPE_TIME) return t == TYPE_TIME;
    if (f == TYPE_BYTES) return t == TYPE_BYTES;
    if (f == TYPE_ARRAY && t == TYPE_ARRAY) return cast_supported(from->elem, to->elem);
    if (f == TYPE_MAP && t == TYPE_MAP)
        return cast_supported(from->key, to->key) && cast_supported(from->elem, to->elem);
    if (f == TYPE_STRUCT && t == TYPE_STRUCT) {
        for (int i = 0; i < to->nfields; i++) {
            int j = type_field_index(from, to->fields[i].name);
            if (j >= 0 && !cast_supported(from->fields[j].type, to->fields[i].type)) return false;
        }
        return true;
    }
    return false;
}

/* ---------------------------------------------------------------- equality */

bool expr_equal(const Expr *a, const Expr *b)
{
    if (a == b) return true;
    if (!a || !b) return false;
    if (a->kind != b->kind || a->type != b->type || a->op != b->op || a->negated != b->negated ||
        a->index != b->index || a->nargs != b->nargs || a->has_else != b->has_else)
        return false;
    if (a->kind == EX_LITERAL) {
        if (a->lit.kind != b->lit.kind) return false;
        if (a->lit.kind == TYPE_NULL) return true;
        return val_equal(&a->lit, &b->lit) &&
               (a->lit.kind != TYPE_DECIMAL || a->lit.scale == b->lit.scale);
    }
    if (a->kind == EX_CALL && (a->call->def != b->call->def)) return false;
    if (a->kind == EX_LAMBDA && (a->nparams != b->nparams || a->slot != b->slot)) return false;
    for (int i = 0; i < a->nargs; i++)
        if (!expr_equal(a->args[i], b->args[i])) return false;
    return true;
}

/* ---------------------------------------------------------------- coercion */

Expr *bind_coerce(BindCtx *ctx, Expr *e, const Type *to)
{
    if (!e || e->type == to || to->kind == TYPE_LAMBDA) return e;
    if (e->kind == EX_LITERAL && e->lit.kind == TYPE_NULL) {
        Expr *n = expr_literal(ctx->arena, val_null(), to);
        n->offset = e->offset;
        n->text = e->text;
        return n;
    }
    Expr *c = expr_new(ctx->arena, EX_CAST, to, e->offset);
    c->nargs = 1;
    c->args = args_alloc(ctx->arena, 1);
    c->args[0] = e;
    c->text = e->text;
    return c;
}

static bool is_string_literal(const Expr *e)
{
    return e->kind == EX_LITERAL && e->lit.kind == TYPE_STRING && e->type->kind == TYPE_STRING;
}

static bool is_null_literal(const Expr *e)
{
    return e->kind == EX_LITERAL && e->lit.kind == TYPE_NULL;
}

static bool is_literal(const Expr *e)
{
    return e->kind == EX_LITERAL;
}

/* Parses a string literal as a number: INT, BIGINT, DECIMAL; NULL when not one. */
static const Type *string_number_type(const Value *v, Value *out)
{
    char buf[128];
    if (v->len == 0 || v->len >= sizeof buf) return NULL;
    memcpy(buf, v->u.s, v->len);
    buf[v->len] = 0;
    char *s = buf;
    while (*s == ' ') s++;
    bool integral = true;
    for (char *p = s; *p; p++)
        if (!(isdigit((unsigned char)*p) || (p == s && (*p == '-' || *p == '+')))) integral = false;
    if (integral && *s) {
        char *end;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (!*end && errno == 0) {
            if (x >= INT32_MIN && x <= INT32_MAX) {
                *out = val_int((int32_t)x);
                return T_INT;
            }
            *out = val_bigint(x);
            return T_BIGINT;
        }
    }
    int128_t u;
    int p, sc;
    if (dec_parse(s, strlen(s), &u, &p, &sc) == 0) {
        *out = val_decimal(u, p, sc);
        return type_decimal(p, sc);
    }
    return NULL;
}

/* ksqlDB's SqlBooleans.parseBooleanExact-style leniency: t/tr/tru/true, y/ye/yes,
 * f/fa/fal/fals/false, n/no (case-insensitive). */
static int parse_bool_text(const char *s, uint32_t n, bool *out)
{
    static const char *const yes[] = {"true", "yes"};
    static const char *const no[] = {"false", "no"};
    if (n == 0) return -1;
    for (int k = 0; k < 2; k++) {
        if (n <= strlen(yes[k]) && strncasecmp(s, yes[k], n) == 0) {
            *out = true;
            return 0;
        }
        if (n <= strlen(no[k]) && strncasecmp(s, no[k], n) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

static const char *lit_text(BindCtx *ctx, const Expr *e)
{
    if (e->text) return e->text;
    StrBuf sb = STRBUF_INIT;
    val_format(&sb, &e->lit);
    const char *r = arena_strdup(ctx->arena, sb_cstr(&sb));
    sb_free(&sb);
    return r;
}

static const Type *common_of(BindCtx *ctx, Expr *e, const Type *target, const char *prefix);

/* Resolves the common type of an ARRAY/MAP/STRUCT constructor against a
 * collection target, recursing into elements. */
static const Type *common_ctor(BindCtx *ctx, Expr *e, const Type *target, const char *prefix)
{
    if (e->kind == EX_ARRAY && target->kind == TYPE_ARRAY) {
        const Type *el = target->elem;
        for (int i = 0; i < e->nargs; i++) {
            el = common_of(ctx, e->args[i], el, prefix);
            if (!el) return NULL;
        }
        return type_array(el);
    }
    if (e->kind == EX_MAP && target->kind == TYPE_MAP) {
        const Type *k = target->key, *v = target->elem;
        for (int i = 0; i + 1 < e->nargs; i += 2) {
            if (!(k = common_of(ctx, e->args[i], k, prefix))) return NULL;
            if (!(v = common_of(ctx, e->args[i + 1], v, prefix))) return NULL;
        }
        return type_map(k, v);
    }
    if (e->kind == EX_STRUCT && target->kind == TYPE_STRUCT) {
        /* Union of fields: the target's, then the constructor's new ones (absent
         * fields read as NULL). */
        TypeField f[64];
        int n = 0;
        for (int i = 0; i < target->nfields && n < 64; i++) f[n++] = target->fields[i];
        for (int i = 0; i < e->type->nfields && n < 64; i++) {
            int j = type_field_index(target, e->type->fields[i].name);
            if (j < 0) {
                f[n++] = e->type->fields[i];
            } else {
                const Type *t = common_of(ctx, e->args[i], target->fields[j].type, prefix);
                if (!t) return NULL;
                f[j].type = t;
            }
        }
        return type_struct(n, f);
    }
    return NULL;
}

/* Whether every field of struct `a` is in struct `b` with a type that widens to
 * b's (b may have more fields: they read as NULL). */
static bool struct_subset(const Type *a, const Type *b)
{
    if (a->kind != TYPE_STRUCT || b->kind != TYPE_STRUCT) return false;
    for (int i = 0; i < a->nfields; i++) {
        int j = type_field_index(b, a->fields[i].name);
        if (j < 0 || !type_can_widen(a->fields[i].type, b->fields[j].type)) return false;
    }
    return true;
}

/* Whether a constructor's elements fit a collection target; reports ksqlDB's
 * "operator does not exist: ARRAY<BIGINT> = ARRAY<BOOLEAN> (ARRAY[VAL1])" naming the
 * whole constructor when a non-literal element does not. */
static bool ctor_fits(const Expr *e, const Type *target)
{
    if (e->kind == EX_LITERAL) return true;
    if (e->kind == EX_ARRAY && target->kind == TYPE_ARRAY) {
        for (int i = 0; i < e->nargs; i++)
            if (!ctor_fits(e->args[i], target->elem)) return false;
        return true;
    }
    if (e->kind == EX_MAP && target->kind == TYPE_MAP) {
        for (int i = 0; i + 1 < e->nargs; i += 2)
            if (!ctor_fits(e->args[i], target->key) || !ctor_fits(e->args[i + 1], target->elem))
                return false;
        return true;
    }
    if (e->kind == EX_STRUCT && target->kind == TYPE_STRUCT) {
        for (int i = 0; i < e->type->nfields; i++) {
            int j = type_field_index(target, e->type->fields[i].name);
            if (j >= 0 && !ctor_fits(e->args[i], target->fields[j].type)) return false;
        }
        return true;
    }
    if (num_rank(e->type) && num_rank(target)) return true;
    if (struct_subset(e->type, target) || struct_subset(target, e->type)) return true;
    return e->type == target || e->type->kind == TYPE_NULL || type_can_widen(e->type, target) ||
           type_can_widen(target, e->type);
}

static int no_operator(BindCtx *ctx, const Type *target, const Expr *e, const char *prefix,
                       bool hint)
{
    return err_set(ctx->err, ERR_SEMANTIC, e->offset,
                   "%soperator does not exist: %s = %s (%s)%s", prefix, tname(target),
                   tname(e->type), e->text ? e->text : "?",
                   hint ? "\nHint: You might need to add explicit type casts." : "");
}

/* Folds expression e into the running common type `target` (NULL at the start). */
static const Type *common_of(BindCtx *ctx, Expr *e, const Type *target, const char *prefix)
{
    if (!target || target->kind == TYPE_NULL) return e->type;
    if (is_null_literal(e) || e->type == target) return target;
    if ((e->kind == EX_ARRAY || e->kind == EX_MAP || e->kind == EX_STRUCT) &&
        (int)e->type->kind == (int)target->kind && !ctor_fits(e, target)) {
        no_operator(ctx, target, e, prefix, false);
        return NULL;
    }
    if (e->kind == EX_ARRAY || e->kind == EX_MAP || e->kind == EX_STRUCT) {
        const Type *t = common_ctor(ctx, e, target, prefix);
        if (t) return t;
        if (ctx->err->code) return NULL;
    }
    if (target->kind == TYPE_STRING) {
        if (is_literal(e)) return target; /* rendered as text */
        if (e->type->kind == TYPE_STRING) return target;
        no_operator(ctx, target, e, prefix, false);
        return NULL;
    }
    if (is_string_literal(e)) {
        Value tmp;
        if (num_rank(target)) {
            const Type *lt = string_number_type(&e->lit, &tmp);
            if (!lt) {
                err_set(ctx->err, ERR_SEMANTIC, e->offset,
                        "%sinvalid input syntax for type %s: \"%.*s\".", prefix,
                        target->kind == TYPE_DECIMAL ? "DECIMAL" : tname(target),
                        (int)e->lit.len, e->lit.u.s);
                return NULL;
            }
            return numeric_common(target, lt);
        }
        if (target->kind == TYPE_BOOLEAN) {
            bool b;
            if (parse_bool_text(e->lit.u.s, e->lit.len, &b) < 0) {
                err_set(ctx->err, ERR_SEMANTIC, e->offset,
                        "%sinvalid input syntax for type BOOLEAN: \"%.*s\".", prefix,
                        (int)e->lit.len, e->lit.u.s);
                return NULL;
            }
            return target;
        }
        if (is_temporal(target)) return target;
    }
    if (num_rank(target) && num_rank(e->type)) return numeric_common(target, e->type);
    if (struct_subset(e->type, target)) return target;
    if (struct_subset(target, e->type)) return e->type;
    if (type_can_widen(e->type, target)) return target;
    if (type_can_widen(target, e->type)) return e->type;
    no_operator(ctx, target, e, prefix, target->kind == TYPE_BOOLEAN);
    return NULL;
}

/* Converts a literal to `to` at plan time where ksqlDB coerces literals
 * (string literals to numbers/booleans, any literal to a string). */
static Expr *coerce_item(BindCtx *ctx, Expr *e, const Type *to, const char *prefix)
{
    if (e->type == to) return e;
    if (is_null_literal(e)) return bind_coerce(ctx, e, to);
    if (e->kind == EX_ARRAY && to->kind == TYPE_ARRAY) {
        for (int i = 0; i < e->nargs; i++) {
            e->args[i] = coerce_item(ctx, e->args[i], to->elem, prefix);
            if (!e->args[i]) return NULL;
        }
        e->type = to;
        return e;
    }
    if (e->kind == EX_MAP && to->kind == TYPE_MAP) {
        for (int i = 0; i + 1 < e->nargs; i += 2) {
            if (!(e->args[i] = coerce_item(ctx, e->args[i], to->key, prefix))) return NULL;
            if (!(e->args[i + 1] = coerce_item(ctx, e->args[i + 1], to->elem, prefix)))
                return NULL;
        }
        e->type = to;
        return e;
    }
    if (e->kind == EX_STRUCT && to->kind == TYPE_STRUCT) {
        Expr **na = args_alloc(ctx->arena, to->nfields);
        for (int i = 0; i < to->nfields; i++) {
            int j = type_field_index(e->type, to->fields[i].name);
            if (j < 0) {
                na[i] = expr_literal(ctx->arena, val_null(), to->fields[i].type);
            } else {
                na[i] = coerce_item(ctx, e->args[j], to->fields[i].type, prefix);
                if (!na[i]) return NULL;
            }
        }
        e->args = na;
        e->nargs = to->nfields;
        e->type = to;
        return e;
    }
    if (e->kind == EX_LITERAL && to->kind == TYPE_STRING) {
        const char *s = lit_text(ctx, e);
        if (e->lit.kind == TYPE_STRING) return bind_coerce(ctx, e, to);
        Expr *n = expr_literal(ctx->arena, val_string(s, (uint32_t)strlen(s)), T_STRING);
        n->offset = e->offset;
        n->text = e->text;
        return n;
    }
    if (is_string_literal(e) && to->kind == TYPE_BOOLEAN) {
        bool b = false;
        parse_bool_text(e->lit.u.s, e->lit.len, &b);
        Expr *n = expr_literal(ctx->arena, val_bool(b), T_BOOLEAN);
        n->offset = e->offset;
        n->text = e->text;
        return n;
    }
    if (is_string_literal(e) && num_rank(to)) {
        Value v;
        const Type *lt = string_number_type(&e->lit, &v);
        if (!lt) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset,
                    "%sinvalid input syntax for type %s: \"%.*s\"", prefix, tname(to),
                    (int)e->lit.len, e->lit.u.s);
            return NULL;
        }
        Expr *n = expr_literal(ctx->arena, v, lt);
        n->offset = e->offset;
        n->text = e->text;
        return bind_coerce(ctx, n, to);
    }
    return bind_coerce(ctx, e, to);
}

int bind_coerce_list(BindCtx *ctx, Expr **items, int n, const char *prefix, const Type **common)
{
    const Type *t = NULL;
    for (int i = 0; i < n; i++) {
        t = common_of(ctx, items[i], t, prefix);
        if (!t) return ERR_SEMANTIC;
    }
    if (!t) t = T_NULLTYPE;
    for (int i = 0; i < n; i++) {
        items[i] = coerce_item(ctx, items[i], t, prefix);
        if (!items[i]) return ERR_SEMANTIC;
    }
    *common = t;
    return 0;
}

/* ---------------------------------------------------------------- names */

static int bind_fail(BindCtx *ctx, int offset, const char *fmt, const char *a1, const char *a2)
{
    return err_set(ctx->err, ERR_SEMANTIC, offset, fmt, a1, a2);
}

static bool qual_known(const Scope *s, const char *q)
{
    for (int i = 0; i < s->nqual; i++)
        if (strcmp(s->quals[i], q) == 0) return true;
    return false;
}

static int pseudo_index(const char *name)
{
    if (strcmp(name, "ROWTIME") == 0) return PSEUDO_ROWTIME;
    if (strcmp(name, "ROWPARTITION") == 0) return PSEUDO_ROWPARTITION;
    if (strcmp(name, "ROWOFFSET") == 0) return PSEUDO_ROWOFFSET;
    if (strcmp(name, "WINDOWSTART") == 0) return PSEUDO_WINDOWSTART;
    if (strcmp(name, "WINDOWEND") == 0) return PSEUDO_WINDOWEND;
    return -1;
}

static Expr *bind_column(BindCtx *ctx, const AstExpr *e)
{
    const Scope *s = ctx->scope;
    /* Lambda parameters shadow columns. */
    if (!e->qualifier) {
        for (int i = ctx->nlambda - 1; i >= 0; i--) {
            if (strcmp(ctx->lambda_names[i], e->name) == 0) {
                Expr *x = expr_new(ctx->arena, EX_LAMBDA_VAR, ctx->lambda_types[i], e->offset);
                x->index = i;
                return x;
            }
        }
    }
    const Scope *qs = ctx->agg && !qual_known(s, e->qualifier ? e->qualifier : "") ? ctx->agg->in_scope : s;
    if (e->qualifier && !qual_known(qs, e->qualifier)) {
        err_set(ctx->err, ERR_SEMANTIC, e->offset,
                "'%s' is not a valid stream/table name or alias.", e->qualifier);
        return NULL;
    }
    const ScopeCol *found = NULL;
    for (int i = 0; i < s->n; i++) {
        const ScopeCol *c = &s->cols[i];
        if (strcmp(c->name, e->name) != 0) continue;
        if (c->qual_only && !e->qualifier) continue;
        if (e->qualifier && (!c->qualifier || strcmp(c->qualifier, e->qualifier) != 0)) continue;
        if (found && found->index != c->index) {
            if (!e->qualifier && found->qualifier && c->qualifier) {
                err_set(ctx->err, ERR_SEMANTIC, e->offset,
                        "Column '%s' is ambiguous. Could be %s.%s or %s.%s.", e->name,
                        found->qualifier, e->name, c->qualifier, e->name);
                return NULL;
            }
            continue;
        }
        found = c;
    }
    if (found) {
        Expr *x = expr_column(ctx->arena, found->index, found->type);
        x->offset = e->offset;
        return x;
    }
    int p = pseudo_index(e->name);
    bool unwindowed = false; /* WINDOWSTART / WINDOWEND where nothing is windowed */
    if (p >= 0) {
        bool window_col = p == PSEUDO_WINDOWSTART || p == PSEUDO_WINDOWEND;
        bool ok = window_col ? s->windowed : (!s->no_pseudo && (!s->rowtime_only || p == PSEUDO_ROWTIME));
        unwindowed = window_col && !ok;
        if (ok) {
            Expr *x = expr_new(ctx->arena, EX_PSEUDO,
                               p == PSEUDO_ROWPARTITION ? T_INT : T_BIGINT, e->offset);
            x->index = p;
            return x;
        }
    }
    if (ctx->agg && !ctx->agg->in_agg_args && !unwindowed) {
        /* Over an aggregation: a column that is neither a key nor an aggregate. It
         * is reported once the whole clause is bound; until then it stands in with
         * its type so that functions and operators over it still resolve. */
        if (!ctx->agg->bad) ctx->agg->bad = e;
        const Type *t = T_NULLTYPE;
        const Scope *in = ctx->agg->in_scope;
        for (int i = 0; in && i < in->n; i++)
            if (strcmp(in->cols[i].name, e->name) == 0 &&
                (!e->qualifier || (in->cols[i].qualifier && strcmp(in->cols[i].qualifier, e->qualifier) == 0)))
                t = in->cols[i].type;
        int pi = pseudo_index(e->name);
        if (t->kind == TYPE_NULL && pi >= 0) t = pi == PSEUDO_ROWPARTITION ? T_INT : T_BIGINT;
        Expr *x = expr_literal(ctx->arena, val_null(), t);
        x->offset = e->offset;
        return x;
    }
    if (e->qualifier) {
        char q[512];
        snprintf(q, sizeof q, "%s.%s", e->qualifier, e->name);
        bind_fail(ctx, e->offset, "%s column '%s' cannot be resolved.", ctx->clause, q);
    } else {
        bind_fail(ctx, e->offset, "%s column '%s' cannot be resolved.", ctx->clause, e->name);
    }
    return NULL;
}

/* ---------------------------------------------------------------- literals */

static Expr *bind_literal(BindCtx *ctx, const AstExpr *e)
{
    Expr *x;
    switch (e->kind) {
    case AST_NULL: x = expr_literal(ctx->arena, val_null(), T_NULLTYPE); break;
    case AST_BOOL: x = expr_literal(ctx->arena, val_bool(e->u.b), T_BOOLEAN); break;
    case AST_INT:
        if (e->u.i >= INT32_MIN && e->u.i <= INT32_MAX)
            x = expr_literal(ctx->arena, val_int((int32_t)e->u.i), T_INT);
        else
            x = expr_literal(ctx->arena, val_bigint(e->u.i), T_BIGINT);
        break;
    case AST_DECIMAL: {
        int128_t u;
        int p, s;
        if (dec_parse(e->text, strlen(e->text), &u, &p, &s) < 0) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset, "Invalid numeric literal: %s", e->text);
            return NULL;
        }
        x = expr_literal(ctx->arena, val_decimal(u, p, s), type_decimal(p, s));
        break;
    }
    case AST_DOUBLE: x = expr_literal(ctx->arena, val_double(e->u.d), T_DOUBLE); break;
    case AST_STRING:
        x = expr_literal(ctx->arena, val_string(arena_strndup(ctx->arena, e->text, e->len), e->len),
                         T_STRING);
        break;
    default: return NULL;
    }
    x->offset = e->offset;
    return x;
}

/* ---------------------------------------------------------------- functions */

typedef struct LambdaState {
    BindCtx *ctx;
    const AstExpr *call;
    Expr **bodies; /* per argument: last typed lambda body */
} LambdaState;

static Expr *bind_lambda(BindCtx *ctx, const AstExpr *lam, int nparams, const Type *const *ptypes)
{
    if (lam->nargs != nparams) {
        err_set(ctx->err, ERR_SEMANTIC, lam->offset,
                "Was expecting %d arguments to lambda function, got %d", nparams, lam->nargs);
        return NULL;
    }
    if (ctx->nlambda + nparams > EXPR_MAX_LAMBDA_SLOTS) {
        err_set(ctx->err, ERR_SEMANTIC, lam->offset, "Lambda functions nested too deeply");
        return NULL;
    }
    int base = ctx->nlambda;
    for (int i = 0; i < nparams; i++) {
        ctx->lambda_names[base + i] = lam->names[i];
        ctx->lambda_types[base + i] = ptypes[i];
    }
    ctx->nlambda += nparams;
    Expr *body = bind_expr(ctx, lam->left);
    ctx->nlambda = base;
    if (!body) return NULL;
    Expr *x = expr_new(ctx->arena, EX_LAMBDA, type_lambda(nparams, ptypes, body->type), lam->offset);
    x->nparams = nparams;
    x->slot = base;
    x->nargs = 1;
    x->args = args_alloc(ctx->arena, 1);
    x->args[0] = body;
    return x;
}

static const Type *lambda_typer(void *vctx, int arg_index, int nparams,
                                const Type *const *param_types, EddyError *err)
{
    LambdaState *ls = vctx;
    const AstExpr *lam = ls->call->args[arg_index];
    EddyError *saved = ls->ctx->err;
    ls->ctx->err = err;
    Expr *x = bind_lambda(ls->ctx, lam, nparams, param_types);
    ls->ctx->err = saved;
    if (!x) return NULL;
    ls->bodies[arg_index] = x;
    return x->args[0]->type;
}

static const char *config_lookup(void *cctx, const char *name)
{
    return cctx ? props_get((const Props *)cctx, name) : NULL;
}

/* Binds a call's arguments and resolves it. Returns the FnCall with args coerced
 * into *args_out. */
static FnCall *bind_call(BindCtx *ctx, const AstExpr *e, Expr ***args_out)
{
    int n = e->nargs;
    Expr **args = args_alloc(ctx->arena, n);
    const Type **types = arena_zalloc(ctx->arena, sizeof(Type *) * (size_t)(n ? n : 1));
    const Value **lits = arena_zalloc(ctx->arena, sizeof(Value *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        const AstExpr *a = e->args[i];
        if (a->kind == AST_LAMBDA) {
            const Type *nulls[EXPR_MAX_LAMBDA_SLOTS];
            for (int k = 0; k < a->nargs && k < EXPR_MAX_LAMBDA_SLOTS; k++) nulls[k] = T_NULLTYPE;
            types[i] = type_lambda(a->nargs, nulls, T_NULLTYPE);
            continue;
        }
        args[i] = bind_expr(ctx, a);
        if (!args[i]) return NULL;
        types[i] = args[i]->type;
        if (args[i]->kind == EX_LITERAL) lits[i] = &args[i]->lit;
    }
    LambdaState ls = {ctx, e, args_alloc(ctx->arena, n)};
    FnCall *call = arena_zalloc(ctx->arena, sizeof *call);
    const char **texts = arena_zalloc(ctx->arena, sizeof(char *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) texts[i] = ast_text(ctx->arena, e->args[i]);
    FnResolveOpts opts = {texts, config_lookup, (void *)ctx->props};
    int rc = fn_resolve_ex(e->name, n, types, lits, lambda_typer, &ls, &opts, ctx->arena, call,
                           ctx->err);
    if (rc < 0) {
        if (ctx->err->offset < 0) ctx->err->offset = e->offset;
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        if (e->args[i]->kind == AST_LAMBDA) {
            const Type *lt = call->arg_types[i];
            const Type *pt[EXPR_MAX_LAMBDA_SLOTS];
            for (int k = 0; k < lt->nfields && k < EXPR_MAX_LAMBDA_SLOTS; k++)
                pt[k] = lt->fields[k].type;
            args[i] = bind_lambda(ctx, e->args[i], lt->nfields, pt);
            if (!args[i]) return NULL;
        } else {
            args[i] = bind_coerce(ctx, args[i], call->arg_types[i]);
        }
    }
    *args_out = args;
    return call;
}

static Expr *bind_func(BindCtx *ctx, const AstExpr *e)
{
    const FnDef *def = fn_lookup(e->name);
    if (def && def->kind == FN_AGGREGATE) {
        AggBinding *ab = ctx->agg;
        if (!ab || !ctx->allow_aggs || ab->in_agg_args) {
            if (ab && ab->in_agg_args) {
                const char *inner = ast_text(ctx->arena, e);
                err_set(ctx->err, ERR_SEMANTIC, e->offset, "Aggregate functions can not be nested: %s(%s)",
                        ab->in_agg_args ? "" : "", inner);
                return NULL;
            }
            err_set(ctx->err, ERR_SEMANTIC, e->offset,
                    "%s does not support aggregate functions: %s is an aggregate function.",
                    ctx->clause, def->name);
            return NULL;
        }
        int idx = -1;
        for (int i = 0; i < ab->naggs; i++)
            if (ast_expr_equal(ab->agg_ast[i], e)) idx = i;
        if (idx < 0) {
            if (!ab->collecting) {
                err_set(ctx->err, ERR_INTERNAL, e->offset, "aggregate not collected: %s",
                        ast_text(ctx->arena, e));
                return NULL;
            }
            /* Bind the aggregate's arguments against the pre-aggregation scope. */
            BindCtx in = *ctx;
            in.scope = ab->in_scope;
            in.agg = NULL;
            in.tf = NULL;
            in.allow_aggs = false;
            ab->in_agg_args = true;
            AstExpr tmp = *e;
            Expr **args = NULL;
            FnCall *call;
            if (e->star || (e->nargs == 0 && strcmp(def->name, "COUNT") == 0)) {
                tmp.nargs = 0;
                call = bind_call(&in, &tmp, &args);
            } else {
                /* Nested aggregates are reported with ksqlDB's text. */
                for (int i = 0; i < e->nargs; i++) {
                    if (ast_contains_aggregate(e->args[i])) {
                        ab->in_agg_args = false;
                        StrBuf sb = STRBUF_INIT;
                        const AstExpr *inner = e->args[i];
                        while (inner && !ast_is_aggregate_call(inner)) inner = inner->nargs ? inner->args[0] : inner->left;
                        sb_printf(&sb, "%s(%s())", def->name, inner ? inner->name : "");
                        err_set(ctx->err, ERR_SEMANTIC, e->offset,
                                "Aggregate functions can not be nested: %s", sb_cstr(&sb));
                        sb_free(&sb);
                        return NULL;
                    }
                }
                call = bind_call(&in, &tmp, &args);
            }
            ab->in_agg_args = false;
            if (!call) return NULL;
            if (ab->naggs == ab->acap) {
                int ncap = ab->acap ? ab->acap * 2 : 8;
                ab->agg_ast = arena_realloc(ctx->arena, ab->agg_ast,
                                            sizeof(AstExpr *) * (size_t)ab->acap,
                                            sizeof(AstExpr *) * (size_t)ncap);
                ab->aggs = arena_realloc(ctx->arena, ab->aggs, sizeof(AggCall) * (size_t)ab->acap,
                                         sizeof(AggCall) * (size_t)ncap);
                ab->acap = ncap;
            }
            AggCall *ac = &ab->aggs[ab->naggs];
            memset(ac, 0, sizeof *ac);
            ac->call = call;
            ac->star = e->star;
            ac->args = args_alloc(ctx->arena, call->nargs);
            for (int i = 0; i < call->nargs; i++)
                if (!call->is_const || !call->is_const[i]) ac->args[ac->nargs++] = args[i];
            ab->agg_ast[ab->naggs] = e;
            idx = ab->naggs++;
        }
        Expr *x = expr_column(ctx->arena, ab->agg_base + idx, ab->aggs[idx].call->ret);
        x->offset = e->offset;
        return x;
    }
    if (def && def->kind == FN_TABLE) {
        TfBinding *tb = ctx->tf;
        if (!tb) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset,
                    "Table functions cannot be used in %s: %s", ctx->clause, def->name);
            return NULL;
        }
        int idx = -1;
        for (int i = 0; i < tb->n; i++)
            if (ast_expr_equal(tb->ast[i], e)) idx = i;
        if (idx < 0) {
            BindCtx in = *ctx;
            in.scope = tb->in_scope;
            in.tf = NULL;
            Expr **args = NULL;
            FnCall *call = bind_call(&in, e, &args);
            if (!call) return NULL;
            Expr *x = expr_new(ctx->arena, EX_CALL, call->ret, e->offset);
            x->call = call;
            x->nargs = e->nargs;
            x->args = args;
            x->text = ast_text(ctx->arena, e);
            if (tb->n == tb->cap) {
                int ncap = tb->cap ? tb->cap * 2 : 4;
                tb->ast = arena_realloc(ctx->arena, tb->ast, sizeof(AstExpr *) * (size_t)tb->cap,
                                        sizeof(AstExpr *) * (size_t)ncap);
                tb->calls = arena_realloc(ctx->arena, tb->calls, sizeof(Expr *) * (size_t)tb->cap,
                                          sizeof(Expr *) * (size_t)ncap);
                tb->cap = ncap;
            }
            tb->ast[tb->n] = e;
            tb->calls[tb->n] = x;
            idx = tb->n++;
        }
        Expr *x = expr_column(ctx->arena, tb->base + idx, tb->calls[idx]->type);
        x->offset = e->offset;
        return x;
    }
    if (!def) {
        err_set(ctx->err, ERR_SEMANTIC, e->offset, "Can't find any functions with the name '%s'",
                e->name);
        return NULL;
    }
    Expr **args = NULL;
    FnCall *call = bind_call(ctx, e, &args);
    if (!call) return NULL;
    Expr *x = expr_new(ctx->arena, EX_CALL, call->ret, e->offset);
    x->call = call;
    x->nargs = e->nargs;
    x->args = args;
    return x;
}

/* ---------------------------------------------------------------- magic timestamps */

static bool is_time_pseudo(const Expr *e)
{
    return e->kind == EX_PSEUDO && (e->index == PSEUDO_ROWTIME || e->index == PSEUDO_WINDOWSTART ||
                                     e->index == PSEUDO_WINDOWEND);
}

/* A string literal compared with ROWTIME / WINDOWSTART / WINDOWEND becomes ms. */
static Expr *magic_timestamp(BindCtx *ctx, Expr *other, Expr *lit)
{
    if (!is_time_pseudo(other) || !is_string_literal(lit)) return lit;
    int64_t ms;
    if (ts_parse_partial(lit->lit.u.s, lit->lit.len, &ms, NULL, 0) < 0) {
        err_set(ctx->err, ERR_SEMANTIC, lit->offset,
                "Failed to parse timestamp '%.*s': expected yyyy-MM-dd'T'HH:mm:ss.SSS[Z]",
                (int)lit->lit.len, lit->lit.u.s);
        return NULL;
    }
    Expr *x = expr_literal(ctx->arena, val_bigint(ms), T_BIGINT);
    x->offset = lit->offset;
    x->text = lit->text;
    return x;
}

/* ---------------------------------------------------------------- operators */

static Expr *bind_binary(BindCtx *ctx, const AstExpr *e)
{
    Expr *l = bind_expr(ctx, e->left);
    if (!l) return NULL;
    Expr *r = bind_expr(ctx, e->right);
    if (!r) return NULL;
    int op = e->op;
    Expr *x;
    switch (op) {
    case AST_OP_AND:
    case AST_OP_OR: {
        const Expr *bad = l->type->kind != TYPE_BOOLEAN && l->type->kind != TYPE_NULL ? l
                          : r->type->kind != TYPE_BOOLEAN && r->type->kind != TYPE_NULL ? r
                                                                                         : NULL;
        if (bad) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset,
                    "Logical binary expects two boolean values.  Actual %s (%s) and %s (%s)",
                    l->text ? l->text : "?", tname(l->type), r->text ? r->text : "?",
                    tname(r->type));
            return NULL;
        }
        x = expr_new(ctx->arena, op == AST_OP_AND ? EX_AND : EX_OR, T_BOOLEAN, e->offset);
        x->nargs = 2;
        x->args = args_alloc(ctx->arena, 2);
        x->args[0] = bind_coerce(ctx, l, T_BOOLEAN);
        x->args[1] = bind_coerce(ctx, r, T_BOOLEAN);
        return x;
    }
    case AST_OP_CONCAT: {
        /* ksqlDB parses `a || b` as CONCAT(a, b): NULL operands are skipped, BYTES
         * concatenate too, and type errors are CONCAT's. */
        AstExpr *call = arena_alloc(ctx->arena, sizeof *call);
        *call = *e;
        call->kind = AST_FUNC;
        call->name = "CONCAT";
        call->nargs = 2;
        call->args = arena_alloc(ctx->arena, 2 * sizeof(AstExpr *));
        call->args[0] = e->left;
        call->args[1] = e->right;
        call->left = call->right = NULL;
        return bind_func(ctx, call);
    }
    case AST_OP_ADD:
    case AST_OP_SUB:
    case AST_OP_MUL:
    case AST_OP_DIV:
    case AST_OP_MOD: {
        EddyError local;
        err_clear(&local);
        const Type *t = arith_result_type(op, l->type, r->type, &local);
        if (!t) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset, "Error processing expression: %s. %s",
                    ast_text(ctx->arena, e), local.msg);
            return NULL;
        }
        x = expr_new(ctx->arena, EX_ARITH, t, e->offset);
        x->op = op;
        x->nargs = 2;
        x->args = args_alloc(ctx->arena, 2);
        if (t->kind == TYPE_DECIMAL) {
            /* Operands keep their own scale; the evaluator applies the rules. */
            x->args[0] = bind_coerce(ctx, l, type_to_decimal(l->type));
            x->args[1] = bind_coerce(ctx, r, type_to_decimal(r->type));
        } else {
            x->args[0] = bind_coerce(ctx, l, t);
            x->args[1] = bind_coerce(ctx, r, t);
        }
        return x;
    }
    default: break;
    }
    /* Comparisons. */
    if (!(l = magic_timestamp(ctx, r, l)) || !(r = magic_timestamp(ctx, l, r))) return NULL;
    if (l->type->kind == TYPE_NULL || r->type->kind == TYPE_NULL) {
        err_set(ctx->err, ERR_SEMANTIC, e->offset,
                "Comparison with NULL not supported: %s %s %s\nUse 'IS NULL' or 'IS NOT NULL' "
                "instead.",
                l->type->kind == TYPE_NULL ? "NULL" : tname(l->type), cmp_op_symbol(op),
                r->type->kind == TYPE_NULL ? "NULL" : tname(r->type));
        return NULL;
    }
    if (!comparable(l->type, r->type, op)) {
        err_set(ctx->err, ERR_SEMANTIC, e->offset, "Cannot compare %s (%s) to %s (%s) with %s.",
                ast_text(ctx->arena, e->left), tname(l->type), ast_text(ctx->arena, e->right),
                tname(r->type), cmp_op_name(op));
        return NULL;
    }
    x = expr_new(ctx->arena, EX_COMPARE, T_BOOLEAN, e->offset);
    x->op = op;
    x->nargs = 2;
    x->args = args_alloc(ctx->arena, 2);
    const Type *ct = numeric_common(l->type, r->type);
    if (ct) {
        l = bind_coerce(ctx, l, ct);
        r = bind_coerce(ctx, r, ct);
    } else if (is_temporal(l->type) && r->type->kind == TYPE_STRING) {
        r = bind_coerce(ctx, r, l->type);
    } else if (is_temporal(r->type) && l->type->kind == TYPE_STRING) {
        l = bind_coerce(ctx, l, r->type);
    } else if (is_temporal(l->type) && is_temporal(r->type) && l->type != r->type) {
        l = bind_coerce(ctx, l, T_TIMESTAMP);
        r = bind_coerce(ctx, r, T_TIMESTAMP);
    }
    x->args[0] = l;
    x->args[1] = r;
    return x;
}

static Expr *bind_case(BindCtx *ctx, const AstExpr *e)
{
    int nwhen = e->nargs / 2;
    Expr *operand = NULL;
    if (e->left) {
        operand = bind_expr(ctx, e->left);
        if (!operand) return NULL;
    }
    Expr **args = args_alloc(ctx->arena, e->nargs + 1);
    Expr **results = args_alloc(ctx->arena, nwhen + 1);
    int nres = 0;
    for (int i = 0; i < nwhen; i++) {
        Expr *c = bind_expr(ctx, e->args[2 * i]);
        if (!c) return NULL;
        if (operand) {
            if (!comparable(operand->type, c->type, AST_OP_EQ) && c->type->kind != TYPE_NULL) {
                err_set(ctx->err, ERR_SEMANTIC, e->offset,
                        "Invalid Case expression. Type for WHEN clause operand should match CASE "
                        "operand type. Expected: %s, found: %s",
                        tname(operand->type), tname(c->type));
                return NULL;
            }
            Expr *cmp = expr_new(ctx->arena, EX_COMPARE, T_BOOLEAN, c->offset);
            cmp->op = AST_OP_EQ;
            cmp->nargs = 2;
            cmp->args = args_alloc(ctx->arena, 2);
            const Type *ct = numeric_common(operand->type, c->type);
            cmp->args[0] = ct ? bind_coerce(ctx, operand, ct) : operand;
            cmp->args[1] = ct ? bind_coerce(ctx, c, ct) : c;
            c = cmp;
        } else if (c->type->kind != TYPE_BOOLEAN && c->type->kind != TYPE_NULL) {
            err_set(ctx->err, ERR_SEMANTIC, e->args[2 * i]->offset,
                    "WHEN operand type should be boolean.\nType for '%s' is %s",
                    ast_text(ctx->arena, e->args[2 * i]), tname(c->type));
            return NULL;
        }
        args[2 * i] = c;
        Expr *r = bind_expr(ctx, e->args[2 * i + 1]);
        if (!r) return NULL;
        args[2 * i + 1] = r;
        results[nres++] = r;
    }
    if (e->right) {
        Expr *r = bind_expr(ctx, e->right);
        if (!r) return NULL;
        args[2 * nwhen] = r;
        results[nres++] = r;
    }
    /* All results share one type (numeric widening allowed). */
    const Type *t = NULL;
    for (int i = 0; i < nres; i++) {
        const Type *rt = results[i]->type;
        if (rt->kind == TYPE_NULL) continue;
        if (!t) {
            t = rt;
        } else if (t != rt) {
            const Type *w = numeric_common(t, rt);
            if (w) {
                t = w;
            } else if (type_can_widen(rt, t)) {
            } else if (type_can_widen(t, rt)) {
                t = rt;
            } else if (e->right && i == nres - 1) {
                err_set(ctx->err, ERR_SEMANTIC, e->offset,
                        "Invalid Case expression. Type for the default clause should be the same "
                        "as for 'THEN' clauses.\nTHEN type: %s.\nDEFAULT type: %s.",
                        tname(t), tname(rt));
                return NULL;
            } else {
                err_set(ctx->err, ERR_SEMANTIC, e->offset,
                        "Invalid Case expression. Type for all 'THEN' clauses should be the same.\n"
                        "THEN expression '%s' has type: %s. Previous THEN expression(s) type: %s.",
                        results[i]->text ? results[i]->text : "?", tname(rt), tname(t));
                return NULL;
            }
        }
    }
    if (!t) t = T_NULLTYPE;
    for (int i = 0; i < nwhen; i++) args[2 * i + 1] = bind_coerce(ctx, args[2 * i + 1], t);
    if (e->right) args[2 * nwhen] = bind_coerce(ctx, args[2 * nwhen], t);
    Expr *x = expr_new(ctx->arena, EX_CASE, t, e->offset);
    x->nargs = 2 * nwhen + (e->right ? 1 : 0);
    x->has_else = e->right != NULL;
    x->args = args;
    return x;
}

static Expr *bind_in(BindCtx *ctx, const AstExpr *e)
{
    int n = e->nargs + 1;
    Expr **items = args_alloc(ctx->arena, n);
    items[0] = bind_expr(ctx, e->left);
    if (!items[0]) return NULL;
    for (int i = 0; i < e->nargs; i++) {
        items[i + 1] = bind_expr(ctx, e->args[i]);
        if (!items[i + 1]) return NULL;
        if (!items[i + 1]->text) items[i + 1]->text = ast_text(ctx->arena, e->args[i]);
    }
    const Type *t;
    if (bind_coerce_list(ctx, items, n, "Invalid Predicate: ", &t) < 0) return NULL;
    Expr *x = expr_new(ctx->arena, EX_IN, T_BOOLEAN, e->offset);
    x->negated = e->negated;
    x->nargs = n;
    x->args = items;
    return x;
}

static Expr *bind_subscript(BindCtx *ctx, const AstExpr *e)
{
    Expr *base = bind_expr(ctx, e->left);
    if (!base) return NULL;
    Expr *idx = bind_expr(ctx, e->right ? e->right : (e->nargs ? e->args[0] : NULL));
    if (!idx) return NULL;
    Expr *x = expr_new(ctx->arena, EX_SUBSCRIPT, NULL, e->offset);
    x->nargs = 2;
    x->args = args_alloc(ctx->arena, 2);
    if (base->type->kind == TYPE_ARRAY) {
        if (idx->type->kind != TYPE_INT && idx->type->kind != TYPE_BIGINT &&
            idx->type->kind != TYPE_NULL) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset, "Array index must be an integer, got %s",
                    tname(idx->type));
            return NULL;
        }
        x->type = base->type->elem;
        idx = bind_coerce(ctx, idx, T_INT);
    } else if (base->type->kind == TYPE_MAP) {
        x->type = base->type->elem;
        idx = coerce_item(ctx, idx, base->type->key, "");
        if (!idx) return NULL;
    } else {
        err_set(ctx->err, ERR_SEMANTIC, e->offset,
                "Subscript expression can only be used on ARRAY or MAP types, not %s",
                tname(base->type));
        return NULL;
    }
    x->args[0] = base;
    x->args[1] = idx;
    return x;
}

static Expr *bind_deref(BindCtx *ctx, const AstExpr *e)
{
    Expr *base = bind_expr(ctx, e->left);
    if (!base) return NULL;
    if (base->type->kind != TYPE_STRUCT) {
        err_set(ctx->err, ERR_SEMANTIC, e->offset,
                "Can't dereference a non-struct type: %s->%s (%s)", ast_text(ctx->arena, e->left),
                e->name, tname(base->type));
        return NULL;
    }
    int idx = type_field_index(base->type, e->name);
    if (idx < 0) {
        err_set(ctx->err, ERR_SEMANTIC, e->offset, "Could not find field '%s' in '%s'.", e->name,
                ast_text(ctx->arena, e->left));
        return NULL;
    }
    Expr *x = expr_new(ctx->arena, EX_FIELD, base->type->fields[idx].type, e->offset);
    x->index = idx;
    x->nargs = 1;
    x->args = args_alloc(ctx->arena, 1);
    x->args[0] = base;
    return x;
}

static Expr *bind_ctor(BindCtx *ctx, const AstExpr *e)
{
    int n = e->nargs;
    Expr **args = args_alloc(ctx->arena, n);
    for (int i = 0; i < n; i++) {
        args[i] = bind_expr(ctx, e->args[i]);
        if (!args[i]) return NULL;
        if (!args[i]->text) args[i]->text = ast_text(ctx->arena, e->args[i]);
    }
    Expr *x;
    if (e->kind == AST_ARRAY) {
        if (n == 0) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset,
                    "Array constructor cannot be empty. Please supply at least one element (see "
                    "https://github.com/confluentinc/ksql/issues/4239).");
            return NULL;
        }
        const Type *t;
        if (bind_coerce_list(ctx, args, n, "", &t) < 0) return NULL;
        if (t->kind == TYPE_NULL) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset,
                    "Cannot construct an array with all NULL elements (see "
                    "https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may "
                    "cast a NULL value to the desired type.");
            return NULL;
        }
        x = expr_new(ctx->arena, EX_ARRAY, type_array(t), e->offset);
    } else if (e->kind == AST_MAP) {
        if (n == 0) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset,
                    "Map constructor cannot be empty. Please supply at least one key value pair "
                    "(see https://github.com/confluentinc/ksql/issues/4239).");
            return NULL;
        }
        int m = n / 2;
        Expr **keys = args_alloc(ctx->arena, m), **vals = args_alloc(ctx->arena, m);
        for (int i = 0; i < m; i++) {
            keys[i] = args[2 * i];
            vals[i] = args[2 * i + 1];
        }
        const Type *kt, *vt;
        if (bind_coerce_list(ctx, keys, m, "", &kt) < 0) return NULL;
        if (bind_coerce_list(ctx, vals, m, "", &vt) < 0) return NULL;
        if (kt->kind == TYPE_NULL) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset, "Cannot construct a map with all NULL keys");
            return NULL;
        }
        if (vt->kind == TYPE_NULL) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset,
                    "Cannot construct a map with all NULL values");
            return NULL;
        }
        for (int i = 0; i < m; i++) {
            args[2 * i] = keys[i];
            args[2 * i + 1] = vals[i];
        }
        x = expr_new(ctx->arena, EX_MAP, type_map(kt, vt), e->offset);
    } else {
        TypeField f[n > 0 ? n : 1];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++)
                if (strcmp(e->names[i], e->names[j]) == 0) {
                    err_set(ctx->err, ERR_SEMANTIC, e->offset,
                            "Duplicate field names found in STRUCT: '%s' and '%s'", e->names[j],
                            e->names[i]);
                    return NULL;
                }
        for (int i = 0; i < n; i++) {
            f[i].name = e->names[i];
            f[i].type = args[i]->type->kind == TYPE_NULL ? T_STRING : args[i]->type;
            args[i] = bind_coerce(ctx, args[i], f[i].type);
        }
        x = expr_new(ctx->arena, EX_STRUCT, type_struct(n, f), e->offset);
    }
    x->nargs = n;
    x->args = args;
    return x;
}

static const char *unit_canonical(const char *u)
{
    static const char *const units[] = {"NANOSECONDS", "MICROSECONDS", "MILLISECONDS", "SECONDS",
                                        "MINUTES",     "HOURS",        "DAYS"};
    size_t n = strlen(u);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        size_t m = strlen(units[i]);
        if (strcmp(u, units[i]) == 0 || (n + 1 == m && strncmp(u, units[i], n) == 0))
            return units[i];
    }
    return u;
}

static Expr *bind_expr_inner(BindCtx *ctx, const AstExpr *e);

Expr *bind_expr(BindCtx *ctx, const AstExpr *e)
{
    if (!e) {
        err_set(ctx->err, ERR_INTERNAL, -1, "missing expression");
        return NULL;
    }
    /* Over an aggregation, a sub-tree equal to a GROUP BY expression is its key. */
    if (ctx->agg && !ctx->agg->in_agg_args && e->kind != AST_LAMBDA && !ast_contains_aggregate(e) &&
        ctx->nlambda == 0) {
        AggBinding *ab = ctx->agg;
        EddyError perr;
        err_clear(&perr);
        BindCtx probe = *ctx;
        probe.scope = ab->in_scope;
        probe.agg = NULL;
        probe.tf = NULL;
        probe.err = &perr;
        probe.probing = true;
        Expr *pe = bind_expr_inner(&probe, e);
        if (pe) {
            for (int i = 0; i < ab->ngroup; i++) {
                if (expr_equal(pe, ab->group[i])) {
                    Expr *x = expr_column(ctx->arena, i, ab->group[i]->type);
                    x->offset = e->offset;
                    x->text = ast_text(ctx->arena, e);
                    return x;
                }
            }
        }
    }
    Expr *x = bind_expr_inner(ctx, e);
    if (x && !x->text && !ctx->probing) x->text = ast_text(ctx->arena, e);
    return x;
}

static Expr *bind_expr_inner(BindCtx *ctx, const AstExpr *e)
{
    Expr *x;
    switch (e->kind) {
    case AST_NULL:
    case AST_BOOL:
    case AST_INT:
    case AST_DECIMAL:
    case AST_DOUBLE:
    case AST_STRING: return bind_literal(ctx, e);
    case AST_COLUMN: return bind_column(ctx, e);
    case AST_DEREF: return bind_deref(ctx, e);
    case AST_SUBSCRIPT: return bind_subscript(ctx, e);
    case AST_UNARY: {
        Expr *a = bind_expr(ctx, e->left);
        if (!a) return NULL;
        if (e->op == 'N') {
            if (a->type->kind != TYPE_BOOLEAN && a->type->kind != TYPE_NULL) {
                err_set(ctx->err, ERR_SEMANTIC, e->offset,
                        "NOT expects a boolean operand, got %s (%s)", ast_text(ctx->arena, e->left),
                        tname(a->type));
                return NULL;
            }
            x = expr_new(ctx->arena, EX_NOT, T_BOOLEAN, e->offset);
            x->nargs = 1;
            x->args = args_alloc(ctx->arena, 1);
            x->args[0] = bind_coerce(ctx, a, T_BOOLEAN);
            return x;
        }
        if (!num_rank(a->type)) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset,
                    "Unsupported arithmetic unary on %s (%s)", ast_text(ctx->arena, e->left),
                    tname(a->type));
            return NULL;
        }
        if (e->op == '+') return a;
        /* Fold negative literals so that -2147483648 stays an INT. */
        if (a->kind == EX_LITERAL) {
            Value v = a->lit;
            if (v.kind == TYPE_INT && v.u.i != INT32_MIN) v.u.i = -v.u.i;
            else if (v.kind == TYPE_BIGINT) v.u.l = (int64_t)(0 - (uint64_t)v.u.l);
            else if (v.kind == TYPE_DOUBLE) v.u.d = -v.u.d;
            else if (v.kind == TYPE_DECIMAL) v.u.dec = -v.u.dec;
            if (v.kind == TYPE_BIGINT && v.u.l == -(int64_t)2147483648LL) v = val_int(INT32_MIN);
            x = expr_literal(ctx->arena, v, v.kind == TYPE_INT && a->type->kind == TYPE_BIGINT ? T_INT : a->type);
            x->offset = e->offset;
            return x;
        }
        x = expr_new(ctx->arena, EX_NEG, a->type, e->offset);
        x->nargs = 1;
        x->args = args_alloc(ctx->arena, 1);
        x->args[0] = a;
        return x;
    }
    case AST_BINARY: return bind_binary(ctx, e);
    case AST_IS_NULL: {
        Expr *a = bind_expr(ctx, e->left);
        if (!a) return NULL;
        x = expr_new(ctx->arena, EX_IS_NULL, T_BOOLEAN, e->offset);
        x->negated = e->negated;
        x->nargs = 1;
        x->args = args_alloc(ctx->arena, 1);
        x->args[0] = a;
        return x;
    }
    case AST_DISTINCT: {
        Expr *l = bind_expr(ctx, e->left);
        if (!l) return NULL;
        Expr *r = bind_expr(ctx, e->right);
        if (!r) return NULL;
        if (l->type->kind != TYPE_NULL && r->type->kind != TYPE_NULL &&
            !comparable(l->type, r->type, -1)) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset, "Cannot compare %s (%s) to %s (%s) with %s.",
                    ast_text(ctx->arena, e->left), tname(l->type), ast_text(ctx->arena, e->right),
                    tname(r->type), e->negated ? "IS_NOT_DISTINCT_FROM" : "IS_DISTINCT_FROM");
            return NULL;
        }
        const Type *ct = numeric_common(l->type, r->type);
        if (!ct) ct = l->type->kind == TYPE_NULL ? r->type : l->type;
        x = expr_new(ctx->arena, EX_DISTINCT, T_BOOLEAN, e->offset);
        x->negated = e->negated;
        x->nargs = 2;
        x->args = args_alloc(ctx->arena, 2);
        x->args[0] = bind_coerce(ctx, l, ct);
        x->args[1] = bind_coerce(ctx, r, ct);
        return x;
    }
    case AST_BETWEEN: {
        Expr *items[3];
        items[0] = bind_expr(ctx, e->left);
        if (!items[0]) return NULL;
        for (int i = 0; i < 2; i++) {
            items[i + 1] = bind_expr(ctx, e->args[i]);
            if (!items[i + 1]) return NULL;
        }
        for (int i = 1; i < 3; i++)
            if (!(items[i] = magic_timestamp(ctx, items[0], items[i]))) return NULL;
        for (int i = 1; i < 3; i++) {
            if (items[i]->type->kind == TYPE_NULL) continue;
            if (!comparable(items[0]->type, items[i]->type, AST_OP_LT)) {
                err_set(ctx->err, ERR_SEMANTIC, e->offset,
                        "Cannot compare %s (%s) to %s (%s) with %s.", ast_text(ctx->arena, e->left),
                        tname(items[0]->type), ast_text(ctx->arena, e->args[i - 1]),
                        tname(items[i]->type), i == 1 ? "GREATER_THAN_OR_EQUAL" : "LESS_THAN_OR_EQUAL");
                return NULL;
            }
        }
        const Type *ct = items[0]->type;
        for (int i = 1; i < 3; i++) {
            const Type *w = numeric_common(ct, items[i]->type);
            if (w) ct = w;
        }
        x = expr_new(ctx->arena, EX_BETWEEN, T_BOOLEAN, e->offset);
        x->negated = e->negated;
        x->nargs = 3;
        x->args = args_alloc(ctx->arena, 3);
        for (int i = 0; i < 3; i++)
            x->args[i] = (is_temporal(ct) && items[i]->type->kind == TYPE_STRING) || num_rank(ct)
                             ? bind_coerce(ctx, items[i], ct)
                             : items[i];
        return x;
    }
    case AST_LIKE: {
        Expr *v = bind_expr(ctx, e->left);
        if (!v) return NULL;
        Expr *p = bind_expr(ctx, e->right);
        if (!p) return NULL;
        if ((v->type->kind != TYPE_STRING && v->type->kind != TYPE_NULL) ||
            (p->type->kind != TYPE_STRING && p->type->kind != TYPE_NULL)) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset,
                    "Function 'like' does not accept parameters (%s, %s).", tname(v->type),
                    tname(p->type));
            return NULL;
        }
        x = expr_new(ctx->arena, EX_LIKE, T_BOOLEAN, e->offset);
        x->negated = e->negated;
        x->nargs = 2;
        x->args = args_alloc(ctx->arena, 2);
        x->args[0] = bind_coerce(ctx, v, T_STRING);
        x->args[1] = bind_coerce(ctx, p, T_STRING);
        if (e->text) {
            if (strlen(e->text) != 1) {
                err_set(ctx->err, ERR_SEMANTIC, e->offset,
                        "Escape string must be a single character: '%s'", e->text);
                return NULL;
            }
            x->escape = (unsigned char)e->text[0];
        }
        return x;
    }
    case AST_IN: return bind_in(ctx, e);
    case AST_CASE: return bind_case(ctx, e);
    case AST_CAST: {
        Expr *a = bind_expr(ctx, e->left);
        if (!a) return NULL;
        const Type *t;
        if (planner_resolve_type(ctx->catalog, e->type, &t, ctx->err) < 0) return NULL;
        if (!cast_supported(a->type, t)) {
            err_set(ctx->err, ERR_SEMANTIC, e->offset, "Cast of %s to %s is not supported",
                    tname(a->type), tname(t));
            return NULL;
        }
        if (a->type == t) return a;
        x = expr_new(ctx->arena, EX_CAST, t, e->offset);
        x->nargs = 1;
        x->args = args_alloc(ctx->arena, 1);
        x->args[0] = a;
        return x;
    }
    case AST_FUNC: return bind_func(ctx, e);
    case AST_LAMBDA:
        err_set(ctx->err, ERR_SEMANTIC, e->offset,
                "Lambda functions can only be used as function arguments");
        return NULL;
    case AST_ARRAY:
    case AST_MAP:
    case AST_STRUCT: return bind_ctor(ctx, e);
    case AST_INTERVAL_UNIT: {
        /* A bare SECOND may also be a column of that name: the column wins. */
        if (ctx->text && e->end > e->offset && e->end - e->offset < 64 &&
            (size_t)e->end <= strlen(ctx->text)) {
            char ident[64];
            int n = e->end - e->offset;
            for (int i = 0; i < n; i++) ident[i] = (char)toupper((unsigned char)ctx->text[e->offset + i]);
            ident[n] = 0;
            bool known = false;
            for (int i = 0; i < ctx->scope->n; i++)
                if (strcmp(ctx->scope->cols[i].name, ident) == 0) known = true;
            if (ctx->agg && ctx->agg->in_scope)
                for (int i = 0; i < ctx->agg->in_scope->n; i++)
                    if (strcmp(ctx->agg->in_scope->cols[i].name, ident) == 0) known = true;
            for (int i = 0; i < ctx->nlambda; i++)
                if (strcmp(ctx->lambda_names[i], ident) == 0) known = true;
            if (known) {
                AstExpr col = *e;
                col.kind = AST_COLUMN;
                col.name = type_intern_name(ident);
                col.qualifier = NULL;
                return bind_expr(ctx, &col);
            }
        }
        const char *u = unit_canonical(e->name);
        x = expr_literal(ctx->arena, val_string(u, (uint32_t)strlen(u)),
                         type_prim(TYPE_INTERVAL_UNIT));
        x->offset = e->offset;
        return x;
    }
    case AST_AT_TIMEZONE:
        err_set(ctx->err, ERR_UNSUPPORTED, e->offset, "AT TIME ZONE is not supported");
        return NULL;
    }
    err_set(ctx->err, ERR_INTERNAL, e->offset, "unknown expression kind %d", (int)e->kind);
    return NULL;
}

/* ---------------------------------------------------------------- types */

int planner_resolve_type(Catalog *c, const AstType *t, const Type **out, EddyError *err)
{
    switch (t->kind) {
    case AST_T_BOOLEAN: *out = T_BOOLEAN; return 0;
    case AST_T_INT: *out = T_INT; return 0;
    case AST_T_BIGINT: *out = T_BIGINT; return 0;
    case AST_T_DOUBLE: *out = T_DOUBLE; return 0;
    case AST_T_STRING: *out = T_STRING; return 0;
    case AST_T_BYTES: *out = T_BYTES; return 0;
    case AST_T_DATE: *out = T_DATE; return 0;
    case AST_T_TIME: *out = T_TIME; return 0;
    case AST_T_TIMESTAMP: *out = T_TIMESTAMP; return 0;
    case AST_T_DECIMAL:
        if (t->precision < 1 || t->precision > 255)
            return err_set(err, ERR_SEMANTIC, t->offset,
                           "DECIMAL precision must be >= 1: DECIMAL(%d, %d)", t->precision,
                           t->scale);
        if (t->scale < 0 || t->scale > t->precision)
            return err_set(err, ERR_SEMANTIC, t->offset,
                           "DECIMAL scale must be in range [0, precision]: precision: %d, scale: %d",
                           t->precision, t->scale);
        *out = type_decimal(t->precision, t->scale);
        return 0;
    case AST_T_ARRAY: {
        const Type *e;
        if (planner_resolve_type(c, t->elem, &e, err) < 0) return ERR_SEMANTIC;
        *out = type_array(e);
        return 0;
    }
    case AST_T_MAP: {
        const Type *k, *v;
        if (planner_resolve_type(c, t->key, &k, err) < 0) return ERR_SEMANTIC;
        if (planner_resolve_type(c, t->elem, &v, err) < 0) return ERR_SEMANTIC;
        *out = type_map(k, v);
        return 0;
    }
    case AST_T_STRUCT: {
        TypeField f[t->nfields > 0 ? t->nfields : 1];
        for (int i = 0; i < t->nfields; i++) {
            f[i].name = t->fields[i].name;
            if (planner_resolve_type(c, t->fields[i].type, &f[i].type, err) < 0) return ERR_SEMANTIC;
            for (int j = 0; j < i; j++)
                if (strcmp(f[j].name, f[i].name) == 0)
                    return err_set(err, ERR_SEMANTIC, t->offset, "Duplicate field names found in STRUCT: '%s'", f[i].name);
        }
        *out = type_struct(t->nfields, f);
        return 0;
    }
    case AST_T_CUSTOM: {
        const Type *ct = c ? catalog_type_find(c, t->name) : NULL;
        if (!ct) return err_set(err, ERR_SEMANTIC, t->offset, "Cannot resolve unknown type: %s", t->name);
        *out = ct;
        return 0;
    }
    }
    return err_set(err, ERR_INTERNAL, t->offset, "unknown type");
}

int planner_bind_constant(Catalog *c, const Props *props, const AstExpr *e, Arena *a, Expr **out,
                          EddyError *err)
{
    Scope empty;
    memset(&empty, 0, sizeof empty);
    empty.no_pseudo = true;
    BindCtx b;
    memset(&b, 0, sizeof b);
    b.arena = a;
    b.catalog = c;
    b.props = props;
    b.clause = "VALUES";
    b.scope = &empty;
    b.err = err;
    *out = bind_expr(&b, e);
    return *out ? 0 : (err->code ? err->code : ERR_SEMANTIC);
}
