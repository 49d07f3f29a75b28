/*
 * build.c - the AST builders the grammar actions call (pb_*).
 *
 * Each builder turns tokens and finished sub-trees into an AST node allocated in
 * the parse arena, so the grammar keeps to the shape of the language. This is
 * also where the lexical rules of ksqlDB's AstBuilder live: identifiers are
 * upper-cased unless quoted, strings lose their quotes and '' escapes, numeric
 * literals get their type (INT if 32 bits suffice, else BIGINT; DECIMAL; DOUBLE),
 * a minus sign right before a number folds into the literal, and literals that
 * do not fit are reported once the whole text has parsed.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parse_int.h"

#include "eddy.h"

/* ---------------------------------------------------------------- lists */

PList *pb_list(ParseCtx *c, void *first)
{
    PList *l = arena_zalloc(c->arena, sizeof *l);
    if (first) pb_list_add(c, l, first);
    return l;
}

PList *pb_list_add(ParseCtx *c, PList *l, void *item)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        l->v = arena_realloc(c->arena, l->v, sizeof(void *) * (size_t)l->cap,
                             sizeof(void *) * (size_t)cap);
        l->cap = cap;
    }
    l->v[l->n++] = item;
    return l;
}

void **pb_array_of(ParseCtx *c, PList *l, int *n)
{
    *n = l ? l->n : 0;
    if (!l || l->n == 0) return NULL;
    void **a = arena_alloc(c->arena, sizeof(void *) * (size_t)l->n);
    memcpy(a, l->v, sizeof(void *) * (size_t)l->n);
    return a;
}

/* ---------------------------------------------------------------- tokens */

/* Removes the quote character q around t and collapses doubled quotes. */
static char *unquote(ParseCtx *c, Token t, char q, uint32_t *len)
{
    char *out = arena_alloc(c->arena, (size_t)t.n + 1);
    int k = 0;
    for (int i = 1; i < t.n - 1; i++) {
        out[k++] = t.z[i];
        if (t.z[i] == q && i + 1 < t.n - 1 && t.z[i + 1] == q) i++;
    }
    out[k] = 0;
    if (len) *len = (uint32_t)k;
    return out;
}

AstIdent pb_ident(ParseCtx *c, Token t)
{
    AstIdent id = {NULL, false, t.off, t.off + t.n};
    if (t.n >= 2 && (t.z[0] == '`' || t.z[0] == '"')) {
        id.name = unquote(c, t, t.z[0], NULL);
        id.quoted = true;
        return id;
    }
    char *s = arena_strndup(c->arena, t.z, (size_t)t.n);
    for (char *p = s; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    id.name = s;
    return id;
}

AstIdent pb_ident_raw(ParseCtx *c, Token t)
{
    AstIdent id = pb_ident(c, t);
    if (!id.quoted) id.name = arena_strndup(c->arena, t.z, (size_t)t.n);
    return id;
}

char *pb_string(ParseCtx *c, Token t, uint32_t *len)
{
    return unquote(c, t, '\'', len);
}

int64_t pb_int(ParseCtx *c, Token t, bool neg)
{
    uint64_t v = 0;
    bool over = false;
    for (int i = 0; i < t.n; i++) {
        unsigned d = (unsigned)(t.z[i] - '0');
        if (v > (UINT64_MAX - d) / 10) over = true;
        v = v * 10 + d;
    }
    uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    if (over || v > lim) {
        parse_defer(c, t.off, "Invalid numeric literal: %s%.*s", neg ? "-" : "", t.n, t.z);
        return 0;
    }
    if (neg) return v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    return (int64_t)v;
}

/* ---------------------------------------------------------------- literals */

static AstExpr *expr_new(ParseCtx *c, AstExprKind kind, int off, int end)
{
    AstExpr *e = ast_expr_new(c->arena, kind, off);
    e->end = end;
    return e;
}

static void pending_add(ParseCtx *c, AstExpr *e, const char *what)
{
    PendingLit *p = arena_zalloc(c->arena, sizeof *p);
    p->e = e;
    p->what = what;
    p->next = c->pending;
    c->pending = p;
}

static PendingLit *pending_find(ParseCtx *c, AstExpr *e)
{
    for (PendingLit *p = c->pending; p; p = p->next)
        if (p->e == e) return p;
    return NULL;
}

/* Parses the digits of an integer literal. Returns false when it does not fit
 * 64 bits unsigned; *mag gets the magnitude otherwise. */
static bool digits_u64(const char *z, int n, uint64_t *mag)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++) {
        unsigned d = (unsigned)(z[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *mag = v;
    return true;
}

AstExpr *pb_literal(ParseCtx *c, int kind, Token t)
{
    AstExpr *e;
    switch (kind) {
    case TK_NULL: return expr_new(c, AST_NULL, t.off, t.off + t.n);
    case TK_TRUE:
    case TK_FALSE:
        e = expr_new(c, AST_BOOL, t.off, t.off + t.n);
        e->u.b = kind == TK_TRUE;
        return e;
    case TK_STRING:
        e = expr_new(c, AST_STRING, t.off, t.off + t.n);
        e->text = pb_string(c, t, &e->len);
        return e;
    case TK_INTEGER_VALUE: {
        e = expr_new(c, AST_INT, t.off, t.off + t.n);
        e->text = arena_strndup(c->arena, t.z, (size_t)t.n);
        uint64_t mag;
        if (digits_u64(t.z, t.n, &mag) && mag <= (uint64_t)INT64_MAX) {
            e->u.i = (int64_t)mag;
        } else {
            e->u.i = INT64_MIN; /* only valid if a minus sign folds in */
            pending_add(c, e, "Invalid numeric literal");
        }
        return e;
    }
    case TK_DECIMAL_VALUE:
        e = expr_new(c, AST_DECIMAL, t.off, t.off + t.n);
        /* ".5" reads as 0.5, as BigDecimal prints it */
        e->text = t.z[0] == '.' ? arena_printf(c->arena, "0%.*s", t.n, t.z)
                                : arena_strndup(c->arena, t.z, (size_t)t.n);
        return e;
    case TK_FLOAT_VALUE:
    default: {
        e = expr_new(c, AST_DOUBLE, t.off, t.off + t.n);
        char *s = t.z[0] == '.' ? arena_printf(c->arena, "0%.*s", t.n, t.z)
                                : arena_strndup(c->arena, t.z, (size_t)t.n);
        for (char *p = s; *p; p++)
            if (*p == 'e') *p = 'E';
        e->text = s;
        e->u.d = strtod(s, NULL);
        if (isinf(e->u.d)) pending_add(c, e, "Number overflows DOUBLE");
        return e;
    }
    }
}

/* Applies a minus sign to literal e (INT, DECIMAL or DOUBLE) starting at off. */
static AstExpr *negate_literal(ParseCtx *c, int off, AstExpr *e)
{
    PendingLit *p = pending_find(c, e);
    e->text = arena_printf(c->arena, "-%s", e->text);
    e->offset = off;
    switch (e->kind) {
    case AST_INT:
        if (p) {
            uint64_t mag;
            if (digits_u64(e->text + 1, (int)strlen(e->text + 1), &mag) &&
                mag == (uint64_t)INT64_MAX + 1) {
                e->u.i = INT64_MIN;
                p->resolved = true;
            }
        } else {
            e->u.i = -e->u.i;
        }
        break;
    case AST_DOUBLE: e->u.d = -e->u.d; break;
    default: break;
    }
    return e;
}

AstExpr *pb_signed_literal(ParseCtx *c, Token minus, int kind, Token t)
{
    return negate_literal(c, minus.off, pb_literal(c, kind, t));
}

/* Whether the first real token after the one at `from` starts at `at`. */
static bool next_token_at(ParseCtx *c, int from, int at)
{
    int pos = from;
    while (pos < at) {
        int kind, n = tok_next(c->text + pos, c->len - pos, &kind);
        if (kind != TK_SPACE && kind != TK_COMMENT) return false;
        pos += n;
    }
    return pos == at;
}

AstExpr *pb_unary(ParseCtx *c, Token op, AstExpr *e)
{
    bool numeric = e->kind == AST_INT || e->kind == AST_DECIMAL || e->kind == AST_DOUBLE;
    if (op.z[0] == '-' && numeric && e->text && e->text[0] != '-' &&
        next_token_at(c, op.off + op.n, e->offset))
        return negate_literal(c, op.off, e);
    AstExpr *u = expr_new(c, AST_UNARY, op.off, e->end);
    u->op = op.z[0];
    u->left = e;
    return u;
}

AstExpr *pb_binary(ParseCtx *c, int op, AstExpr *l, AstExpr *r)
{
    AstExpr *e = expr_new(c, AST_BINARY, l->offset, r->end);
    e->op = op;
    e->left = l;
    e->right = r;
    return e;
}

AstExpr *pb_not(ParseCtx *c, Token t, AstExpr *e)
{
    AstExpr *u = expr_new(c, AST_UNARY, t.off, e->end);
    u->op = 'N';
    u->left = e;
    return u;
}

/* ---------------------------------------------------------------- references */

AstExpr *pb_column(ParseCtx *c, AstIdent *qual, AstIdent name)
{
    AstExpr *e = expr_new(c, AST_COLUMN, qual ? qual->off : name.off, name.end);
    e->qualifier = qual ? qual->name : NULL;
    e->name = name.name;
    e->quoted = name.quoted;
    return e;
}

AstExpr *pb_deref(ParseCtx *c, AstExpr *base, AstIdent field)
{
    AstExpr *e = expr_new(c, AST_DEREF, base->offset, field.end);
    e->left = base;
    e->name = field.name;
    e->quoted = field.quoted;
    return e;
}

AstExpr *pb_subscript(ParseCtx *c, AstExpr *base, AstExpr *index, Token end)
{
    AstExpr *e = expr_new(c, AST_SUBSCRIPT, base->offset, end.off + end.n);
    e->left = base;
    e->right = index;
    return e;
}

AstExpr *pb_paren(ParseCtx *c, Token lp, AstExpr *e, Token rp)
{
    (void)c;
    (void)lp;
    (void)rp;
    /* The tree has no parenthesis node: the printer parenthesises every
     * operation, and pb_unary sees the '(' between a minus and a number. */
    return e;
}

/* ---------------------------------------------------------------- calls */

AstExpr *pb_func(ParseCtx *c, AstIdent name, PList *args, Token end)
{
    AstExpr *e = expr_new(c, AST_FUNC, name.off, end.off + end.n);
    e->name = name.name;
    e->quoted = name.quoted;
    e->args = (AstExpr **)pb_array_of(c, args, &e->nargs);
    return e;
}

AstExpr *pb_func_star(ParseCtx *c, AstIdent name, Token end)
{
    AstExpr *e = pb_func(c, name, NULL, end);
    e->star = true;
    return e;
}

AstExpr *pb_func_distinct(ParseCtx *c, AstIdent name, AstExpr *arg, Token end)
{
    AstExpr *e = pb_func(c, name, pb_list(c, arg), end);
    e->distinct = true;
    return e;
}

UnitTok pb_unit(Token t, const char *name)
{
    UnitTok u = {name, t.off, t.off + t.n};
    return u;
}

AstExpr *pb_unit_arg(ParseCtx *c, UnitTok u)
{
    AstExpr *e = expr_new(c, AST_INTERVAL_UNIT, u.off, u.end);
    e->name = u.name;
    return e;
}

AstExpr *pb_lambda(ParseCtx *c, int off, PList *params, AstExpr *body)
{
    AstExpr *e = expr_new(c, AST_LAMBDA, off, body->end);
    e->nargs = params->n;
    e->names = arena_alloc(c->arena, sizeof(char *) * (size_t)params->n);
    for (int i = 0; i < params->n; i++) {
        AstExpr *p = params->v[i];
        if (p->kind != AST_COLUMN || p->qualifier) {
            parse_report(c, p->offset, "Syntax Error\nlambda parameters must be names");
            e->names[i] = "";
            continue;
        }
        e->names[i] = p->name;
    }
    e->left = body;
    return e;
}

AstExpr *pb_case(ParseCtx *c, Token t, AstExpr *operand, PList *whens, AstExpr *els, Token end)
{
    AstExpr *e = expr_new(c, AST_CASE, t.off, end.off + end.n);
    e->left = operand;
    e->right = els;
    e->args = (AstExpr **)pb_array_of(c, whens, &e->nargs);
    return e;
}

AstExpr *pb_cast(ParseCtx *c, Token t, AstExpr *x, AstType *type, Token end)
{
    AstExpr *e = expr_new(c, AST_CAST, t.off, end.off + end.n);
    e->left = x;
    e->type = type;
    return e;
}

AstExpr *pb_array(ParseCtx *c, Token t, PList *items, Token end)
{
    AstExpr *e = expr_new(c, AST_ARRAY, t.off, end.off + end.n);
    e->args = (AstExpr **)pb_array_of(c, items, &e->nargs);
    return e;
}

AstExpr *pb_map(ParseCtx *c, Token t, PList *kvs, Token end)
{
    AstExpr *e = expr_new(c, AST_MAP, t.off, end.off + end.n);
    e->args = (AstExpr **)pb_array_of(c, kvs, &e->nargs);
    return e;
}

StructArg *pb_struct_field(ParseCtx *c, AstIdent name, AstExpr *value)
{
    StructArg *a = arena_alloc(c->arena, sizeof *a);
    a->name = name;
    a->value = value;
    return a;
}

AstExpr *pb_struct(ParseCtx *c, Token t, PList *fields, Token end)
{
    AstExpr *e = expr_new(c, AST_STRUCT, t.off, end.off + end.n);
    int n = fields ? fields->n : 0;
    e->nargs = n;
    if (n) {
        e->args = arena_alloc(c->arena, sizeof(AstExpr *) * (size_t)n);
        e->names = arena_alloc(c->arena, sizeof(char *) * (size_t)n);
        for (int i = 0; i < n; i++) {
            StructArg *a = fields->v[i];
            e->names[i] = a->name.name;
            e->args[i] = a->value;
        }
    }
    return e;
}

/* ---------------------------------------------------------------- predicates */

AstExpr *pb_predicate(ParseCtx *c, AstExprKind kind, bool negated, AstExpr *l, AstExpr *a,
                      AstExpr *b, int end)
{
    AstExpr *e = expr_new(c, kind, l->offset, end);
    e->negated = negated;
    e->left = l;
    if (kind == AST_BETWEEN) {
        e->nargs = 2;
        e->args = arena_alloc(c->arena, sizeof(AstExpr *) * 2);
        e->args[0] = a;
        e->args[1] = b;
    } else {
        e->right = a;
    }
    return e;
}

AstExpr *pb_in(ParseCtx *c, bool negated, AstExpr *l, PList *items, Token end)
{
    AstExpr *e = expr_new(c, AST_IN, l->offset, end.off + end.n);
    e->negated = negated;
    e->left = l;
    e->args = (AstExpr **)pb_array_of(c, items, &e->nargs);
    return e;
}

AstExpr *pb_like(ParseCtx *c, bool negated, AstExpr *l, AstExpr *pattern, Token *escape)
{
    AstExpr *e = expr_new(c, AST_LIKE, l->offset, escape ? escape->off + escape->n : pattern->end);
    e->negated = negated;
    e->left = l;
    e->right = pattern;
    if (escape) e->text = pb_string(c, *escape, NULL);
    return e;
}

AstExpr *pb_at_tz(ParseCtx *c, AstExpr *x, Token zone)
{
    AstExpr *e = expr_new(c, AST_AT_TIMEZONE, x->offset, zone.off + zone.n);
    e->left = x;
    e->text = pb_string(c, zone, NULL);
    return e;
}

/* ---------------------------------------------------------------- types */

static const struct {
    const char *name;
    AstTypeKind kind;
} base_types[] = {
    {"BOOLEAN", AST_T_BOOLEAN},     {"INT", AST_T_INT},
    {"INTEGER", AST_T_INT},         {"BIGINT", AST_T_BIGINT},
    {"DOUBLE", AST_T_DOUBLE},       {"STRING", AST_T_STRING},
    {"VARCHAR", AST_T_STRING},      {"BYTES", AST_T_BYTES},
    {"DATE", AST_T_DATE},           {"TIME", AST_T_TIME},
    {"TIMESTAMP", AST_T_TIMESTAMP},
};

AstType *pb_type_named(ParseCtx *c, AstIdent name)
{
    for (size_t i = 0; i < sizeof base_types / sizeof base_types[0]; i++)
        if (strcmp(name.name, base_types[i].name) == 0)
            return ast_type_new(c->arena, base_types[i].kind, name.off);
    AstType *t = ast_type_new(c->arena, AST_T_CUSTOM, name.off);
    t->name = name.name;
    return t;
}

AstType *pb_type_decimal(ParseCtx *c, Token t, Token p, Token s)
{
    AstType *ty = ast_type_new(c->arena, AST_T_DECIMAL, t.off);
    int64_t pv = pb_int(c, p, false), sv = pb_int(c, s, false);
    ty->precision = pv > 1000000 ? 1000000 : (int)pv;
    ty->scale = sv > 1000000 ? 1000000 : (int)sv;
    return ty;
}

AstType *pb_type_array(ParseCtx *c, Token t, AstType *elem)
{
    AstType *ty = ast_type_new(c->arena, AST_T_ARRAY, t.off);
    ty->elem = elem;
    return ty;
}

AstType *pb_type_map(ParseCtx *c, Token t, AstType *k, AstType *v)
{
    AstType *ty = ast_type_new(c->arena, AST_T_MAP, t.off);
    ty->key = k;
    ty->elem = v;
    return ty;
}

AstStructField *pb_type_field(ParseCtx *c, AstIdent name, AstType *type)
{
    AstStructField *f = arena_alloc(c->arena, sizeof *f);
    f->name = name.name;
    f->quoted = name.quoted;
    f->type = type;
    return f;
}

AstType *pb_type_struct(ParseCtx *c, Token t, PList *fields)
{
    AstType *ty = ast_type_new(c->arena, AST_T_STRUCT, t.off);
    int n = fields ? fields->n : 0;
    ty->nfields = n;
    if (n) {
        ty->fields = arena_alloc(c->arena, sizeof(AstStructField) * (size_t)n);
        for (int i = 0; i < n; i++)
            ty->fields[i] = *(AstStructField *)fields->v[i];
    }
    return ty;
}

/* ---------------------------------------------------------------- durations */

AstDuration pb_duration(ParseCtx *c, Token n, const char *unit)
{
    AstDuration d = {true, pb_int(c, n, false), unit, 0};
    int64_t v = d.value, ms;
    if (strcmp(unit, "NANOSECONDS") == 0) {
        ms = v / 1000000;
    } else if (strcmp(unit, "MICROSECONDS") == 0) {
        ms = v / 1000;
    } else {
        int64_t f = 1;
        switch (unit[0]) {
        case 'S': f = 1000; break;
        case 'H': f = 3600 * 1000; break;
        case 'D': f = 86400 * 1000; break;
        case 'M': f = unit[1] == 'I' && unit[2] == 'N' ? 60 * 1000 : 1; break;
        default: break;
        }
        if (__builtin_mul_overflow(v, f, &ms)) ms = INT64_MAX;
    }
    d.ms = ms;
    return d;
}

/* ---------------------------------------------------------------- queries */

AstSelectItem *pb_item_expr(ParseCtx *c, AstExpr *e, AstIdent *alias)
{
    AstSelectItem *it = arena_zalloc(c->arena, sizeof *it);
    it->offset = e->offset;
    it->expr = e;
    it->alias = alias ? alias->name : NULL;
    return it;
}

AstSelectItem *pb_item_star(ParseCtx *c, Token t, AstIdent *qual)
{
    AstSelectItem *it = arena_zalloc(c->arena, sizeof *it);
    it->offset = qual ? qual->off : t.off;
    it->star = true;
    it->star_qualifier = qual ? qual->name : NULL;
    return it;
}

AstSelectItem *pb_item_struct_star(ParseCtx *c, AstExpr *e)
{
    AstSelectItem *it = arena_zalloc(c->arena, sizeof *it);
    it->offset = e->offset;
    it->expr = e;
    it->struct_star = true;
    return it;
}

AstRelation *pb_source(ParseCtx *c, AstIdent name, AstIdent *alias)
{
    AstRelation *r = arena_zalloc(c->arena, sizeof *r);
    r->kind = AST_REL_SOURCE;
    r->offset = name.off;
    r->name = name.name;
    r->alias = alias ? alias->name : NULL;
    return r;
}

AstRelation *pb_join(ParseCtx *c, AstRelation *l, AstJoinType type, AstRelation *r,
                     AstWithin *within, AstExpr *on)
{
    AstRelation *j = arena_zalloc(c->arena, sizeof *j);
    j->kind = AST_REL_JOIN;
    j->offset = l->offset;
    j->join_type = type;
    j->left = l;
    j->right = r;
    j->has_within = within->present;
    j->within_before = within->before;
    j->within_after = within->after;
    j->grace = within->grace;
    j->on = on;
    return j;
}

AstWindow *pb_window(ParseCtx *c, Token t, AstWindowKind kind, AstDuration size,
                     AstDuration *advance, AstWinOpts *opts)
{
    AstWindow *w = arena_zalloc(c->arena, sizeof *w);
    w->kind = kind;
    w->offset = t.off;
    w->size = size;
    if (advance) w->advance = *advance;
    w->retention = opts->retention;
    w->grace = opts->grace;
    return w;
}

AstLimit pb_limit(ParseCtx *c, AstExpr *n)
{
    AstLimit l = {true, 0};
    if (n->kind == AST_INT)
        l.value = n->u.i;
    else
        parse_defer(c, -1, "Value must be integer for command: LIMIT");
    return l;
}

AstSelect *pb_select(ParseCtx *c, Token t, PList *items, AstRelation *from, AstTail *tail)
{
    AstSelect *s = arena_zalloc(c->arena, sizeof *s);
    s->offset = t.off;
    s->nitems = items->n;
    s->items = arena_alloc(c->arena, sizeof(AstSelectItem) * (size_t)items->n);
    for (int i = 0; i < items->n; i++)
        s->items[i] = *(AstSelectItem *)items->v[i];
    s->from = from;
    s->window = tail->window;
    s->where = tail->where;
    s->group_by = (AstExpr **)pb_array_of(c, tail->group_by, &s->ngroup);
    s->partition_by = (AstExpr **)pb_array_of(c, tail->partition_by, &s->npartition);
    s->has_group_by = tail->group_by != NULL;
    s->has_partition_by = tail->partition_by != NULL;
    s->having = tail->having;
    s->emit = tail->emit;
    s->has_limit = tail->has_limit;
    s->limit = tail->limit;
    return s;
}

/* ---------------------------------------------------------------- statements */

AstProperty *pb_property(ParseCtx *c, AstIdent *name, Token *str, AstExpr *value)
{
    AstProperty *p = arena_zalloc(c->arena, sizeof *p);
    if (name) {
        p->offset = name->off;
        p->name = name->name;
    } else {
        p->offset = str->off;
        p->name = pb_string(c, *str, NULL);
    }
    p->value = value;
    return p;
}

AstColumnDef *pb_column_def(ParseCtx *c, AstIdent name, AstType *type, AstColumnRole role,
                            Token *header)
{
    AstColumnDef *d = arena_zalloc(c->arena, sizeof *d);
    d->offset = name.off;
    d->name = name.name;
    d->quoted = name.quoted;
    d->type = type;
    d->role = role;
    if (header) d->header_key = pb_string(c, *header, NULL);
    return d;
}

AstStmt *pb_stmt(ParseCtx *c, AstStmtKind kind, Token first)
{
    return ast_stmt_new(c->arena, kind, first.off);
}

void pb_stmt_name(ParseCtx *c, AstStmt *s, AstIdent name)
{
    (void)c;
    s->name = name.name;
    s->name_quoted = name.quoted;
}

void pb_stmt_columns(ParseCtx *c, AstStmt *s, PList *cols)
{
    int n = cols ? cols->n : 0;
    s->ncolumns = n;
    if (!n) return;
    s->columns = arena_alloc(c->arena, sizeof(AstColumnDef) * (size_t)n);
    for (int i = 0; i < n; i++)
        s->columns[i] = *(AstColumnDef *)cols->v[i];
}

void pb_stmt_props(ParseCtx *c, AstStmt *s, PList *props)
{
    int n = props ? props->n : 0;
    s->nprops = n;
    if (!n) return;
    s->props = arena_alloc(c->arena, sizeof(AstProperty) * (size_t)n);
    for (int i = 0; i < n; i++)
        s->props[i] = *(AstProperty *)props->v[i];
}

void pb_stmt_values(ParseCtx *c, AstStmt *s, PList *cols, PList *values)
{
    if (cols) {
        s->ninsert_cols = cols->n;
        s->insert_cols = arena_alloc(c->arena, sizeof(char *) * (size_t)cols->n);
        for (int i = 0; i < cols->n; i++)
            s->insert_cols[i] = ((AstIdent *)cols->v[i])->name;
    }
    s->values = (AstExpr **)pb_array_of(c, values, &s->nvalues);
}

/* Reports the first literal that no minus sign made valid, deferred. */
static void pending_check(ParseCtx *c)
{
    PendingLit *first = NULL;
    for (PendingLit *p = c->pending; p; p = p->next)
        if (!p->resolved) first = p; /* the list is newest-first */
    if (first) parse_defer(c, first->e->offset, "%s: %s", first->what, first->e->text);
    c->pending = NULL;
}

void pb_stmt_done(ParseCtx *c, AstStmt *s, Token semi)
{
    s->end = semi.off + semi.n;
    for (AstStmt *in = s->inner; in; in = in->inner)
        in->end = s->end;
    pending_check(c);
    if (!c->stmts) c->stmts = pb_list(c, NULL);
    pb_list_add(c, c->stmts, s);
}

void pb_expr_done(ParseCtx *c)
{
    pending_check(c);
}
