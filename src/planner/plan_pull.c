/*
 * plan_pull.c - planning pull queries: SELECTs without EMIT over materialized
 * tables (key lookups, key ranges, window bounds, scans) and over streams.
 *
 * A pull query is planned like a stateless query (SOURCE -> [FILTER] -> SELECT)
 * and the runtime evaluates the WHERE step on every candidate row, so results
 * never depend on how candidates are found. What this file adds is ksqlDB's
 * validation (no JOIN/WINDOW/GROUP BY, no ROWPARTITION/ROWOFFSET, LIMIT rules,
 * queryable sources) and the WHERE analysis: the condition in disjunctive
 * normal form, each disjunct checked for key constraints as ksqlDB's
 * QueryFilterNode does. When every disjunct fixes every key column with = or IN,
 * the query becomes key lookups; otherwise it scans the table, which
 * ksql.query.pull.table.scan.enabled=false forbids with ksqlDB's errors.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "plan_int.h"

#define PULL_HELP "See https://cnfl.io/queries for more info."
#define PULL_PUSH_HINT "\nAdd EMIT CHANGES if you intended to issue a push query."
#define MAX_DISJUNCTS 64
#define MAX_ATOMS 64
#define MAX_LOOKUPS 4096

static int pull_fail(QB *qb, int offset, const char *what)
{
    return err_set(qb->err, ERR_SEMANTIC, offset, "Pull queries don't support %s. " PULL_HELP
                   PULL_PUSH_HINT, what);
}

/* Finds ROWPARTITION / ROWOFFSET references. */
static const char *find_disallowed_pseudo(const AstExpr *e)
{
    if (!e) return NULL;
    if (e->kind == AST_COLUMN && !e->quoted &&
        (strcmp(e->name, "ROWPARTITION") == 0 || strcmp(e->name, "ROWOFFSET") == 0))
        return e->name;
    if (e->kind == AST_LAMBDA) return find_disallowed_pseudo(e->left);
    const char *r = find_disallowed_pseudo(e->left);
    if (!r) r = find_disallowed_pseudo(e->right);
    for (int i = 0; !r && i < e->nargs && e->args; i++) r = find_disallowed_pseudo(e->args[i]);
    return r;
}

int qb_pull_validate(QB *qb)
{
    const AstSelect *sel = qb->sel;
    const Props *props = qb->req->props;
    if (sel->from->kind == AST_REL_JOIN) return pull_fail(qb, sel->offset, "JOIN clauses");
    if (sel->window) return pull_fail(qb, sel->offset, "WINDOW clauses");
    if (sel->ngroup > 0) return pull_fail(qb, sel->offset, "GROUP BY clauses");
    if (sel->having) return pull_fail(qb, sel->offset, "HAVING clauses");
    if (sel->npartition > 0) return pull_fail(qb, sel->offset, "PARTITION BY clauses");
    if (sel->has_limit) {
        if (!props_get_bool(props, "ksql.query.pull.limit.clause.enabled", true))
            return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                           "LIMIT clause in pull queries is currently disabled. You can enable "
                           "them by setting ksql.query.pull.limit.clause.enabled=true. " PULL_HELP
                           PULL_PUSH_HINT);
        if (sel->limit < 0)
            return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                           "Pull queries don't support negative integers in the LIMIT clause. "
                           PULL_HELP);
    }
    for (int i = 0; i < sel->nitems; i++) {
        const char *bad = find_disallowed_pseudo(sel->items[i].expr);
        if (bad)
            return err_set(qb->err, ERR_SEMANTIC, sel->items[i].offset,
                           "Pull queries don't support the following columns in SELECT clauses: "
                           "`%s`",
                           bad);
    }
    const char *bad = find_disallowed_pseudo(sel->where);
    if (bad)
        return err_set(qb->err, ERR_SEMANTIC, sel->where->offset,
                       "Pull queries don't support the following columns in WHERE clauses: `%s`",
                       bad);
    return 0;
}

/* ---------------------------------------------------------------- window bounds as text */

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (**p < '0' || **p > '9') return -1;
        v = v * 10 + (*(*p)++ - '0');
    }
    *out = v;
    return 0;
}

/* Parses a datetime as ksqlDB's PartialStringToTimestampParser does for window
 * bounds: yyyy[-MM[-dd[THH[:mm[:ss[.SSS]]]]]] with missing parts at their
 * lowest, an optional zone (Z, +HH, +HHmm, +HH:mm; UTC when absent), hour 24 as
 * the next day's midnight. Returns 0 with *ms, or -1. */
static int parse_partial_datetime(const char *s, size_t len, int64_t *ms)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf) return -1;
    memcpy(buf, s, len);
    buf[len] = 0;
    const char *p = buf;
    int f[7] = {0, 1, 1, 0, 0, 0, 0}; /* year, month, day, hour, min, sec, ms */
    static const char sep[7] = {0, '-', '-', 'T', ':', ':', '.'};
    static const int width[7] = {4, 2, 2, 2, 2, 2, 3};
    for (int i = 0; i < 7; i++) {
        if (i > 0) {
            if (*p != sep[i]) break;
            p++;
        }
        if (digits(&p, width[i], &f[i]) < 0) return -1;
    }
    int64_t zone_s = 0;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, hh = 0, mm = 0;
        if (digits(&p, 2, &hh) < 0) return -1;
        if (*p == ':') p++;
        if (*p && digits(&p, 2, &mm) < 0) return -1;
        zone_s = sign * (hh * 3600 + mm * 60);
    }
    if (*p) return -1;
    if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 24 || f[4] > 59 || f[5] > 59)
        return -1;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = f[0] - 1900;
    tm.tm_mon = f[1] - 1;
    tm.tm_mday = f[2];
    tm.tm_hour = f[3];
    tm.tm_min = f[4];
    tm.tm_sec = f[5];
    time_t t = timegm(&tm);
    *ms = ((int64_t)t - zone_s) * 1000 + f[6];
    return 0;
}

static bool window_col(const AstExpr *e);

/* A string literal compared with WINDOWSTART / WINDOWEND becomes the time it
 * names (ksqlDB accepts '2020-02-23T23:45:12.000' there). Returns e, or a copy
 * with those literals replaced. */
static AstExpr *window_text_bounds(Arena *a, AstExpr *e)
{
    if (!e) return e;
    if (e->kind == AST_BINARY && (e->op == AST_OP_AND || e->op == AST_OP_OR)) {
        AstExpr *l = window_text_bounds(a, e->left), *r = window_text_bounds(a, e->right);
        if (l == e->left && r == e->right) return e;
        AstExpr *c = arena_alloc(a, sizeof *c);
        *c = *e;
        c->left = l;
        c->right = r;
        return c;
    }
    AstExpr **slots[3] = {NULL, NULL, NULL};
    if (e->kind == AST_BINARY && e->op >= AST_OP_EQ && e->op <= AST_OP_GE) {
        if (window_col(e->left)) slots[0] = &e->right;
        if (window_col(e->right)) slots[0] = &e->left;
    } else if (e->kind == AST_BETWEEN && window_col(e->left) && e->nargs == 2) {
        slots[0] = &e->args[0];
        slots[1] = &e->args[1];
    }
    bool any = false;
    int64_t ms[2];
    for (int i = 0; i < 2 && slots[i]; i++)
        if ((*slots[i])->kind == AST_STRING &&
            parse_partial_datetime((*slots[i])->text, (*slots[i])->len, &ms[i]) == 0)
            any = true;
    if (!any) return e;
    AstExpr *c = arena_alloc(a, sizeof *c);
    *c = *e;
    if (e->kind == AST_BETWEEN) {
        c->args = arena_alloc(a, sizeof(AstExpr *) * 2);
        c->args[0] = e->args[0];
        c->args[1] = e->args[1];
        slots[0] = &c->args[0];
        slots[1] = &c->args[1];
    } else {
        slots[0] = window_col(e->left) ? &c->right : &c->left;
    }
    for (int i = 0; i < 2 && slots[i]; i++) {
        AstExpr *lit = *slots[i];
        if (lit->kind != AST_STRING || parse_partial_datetime(lit->text, lit->len, &ms[i]) < 0)
            continue;
        AstExpr *n = ast_expr_new(a, AST_INT, lit->offset);
        n->end = lit->end;
        n->u.i = ms[i];
        *slots[i] = n;
    }
    return c;
}

/* ---------------------------------------------------------------- DNF */

typedef struct Disjunct {
    int n;
    const AstExpr *atoms[MAX_ATOMS];
} Disjunct;

typedef struct Dnf {
    int n;
    Disjunct *d;
    bool overflow; /* too large to analyse: scan */
} Dnf;

/* Rewrites e into DNF: out receives the disjuncts of e. Returns false when the
 * form grows past the limits. */
static bool dnf(Arena *a, const AstExpr *e, Dnf *out)
{
    if (e->kind == AST_BINARY && e->op == AST_OP_OR) {
        Dnf l = {0}, r = {0};
        if (!dnf(a, e->left, &l) || !dnf(a, e->right, &r)) return false;
        if (l.n + r.n > MAX_DISJUNCTS) return false;
        out->d = arena_zalloc(a, sizeof(Disjunct) * (size_t)(l.n + r.n));
        memcpy(out->d, l.d, sizeof(Disjunct) * (size_t)l.n);
        memcpy(out->d + l.n, r.d, sizeof(Disjunct) * (size_t)r.n);
        out->n = l.n + r.n;
        return true;
    }
    if (e->kind == AST_BINARY && e->op == AST_OP_AND) {
        Dnf l = {0}, r = {0};
        if (!dnf(a, e->left, &l) || !dnf(a, e->right, &r)) return false;
        if (l.n * r.n > MAX_DISJUNCTS) return false;
        out->d = arena_zalloc(a, sizeof(Disjunct) * (size_t)(l.n * r.n > 0 ? l.n * r.n : 1));
        out->n = 0;
        for (int i = 0; i < l.n; i++)
            for (int j = 0; j < r.n; j++) {
                if (l.d[i].n + r.d[j].n > MAX_ATOMS) return false;
                Disjunct *d = &out->d[out->n++];
                d->n = 0;
                for (int k = 0; k < l.d[i].n; k++) d->atoms[d->n++] = l.d[i].atoms[k];
                for (int k = 0; k < r.d[j].n; k++) d->atoms[d->n++] = r.d[j].atoms[k];
            }
        return true;
    }
    out->d = arena_zalloc(a, sizeof(Disjunct));
    out->n = 1;
    out->d[0].n = 1;
    out->d[0].atoms[0] = e;
    return true;
}

/* ---------------------------------------------------------------- key analysis */

typedef struct PullCtx {
    QB *qb;
    const Source *src;
    bool scan_allowed;
    bool need_scan;
} PullCtx;

/* Key column index of a direct column reference, or -1. */
static int key_index(PullCtx *pc, const AstExpr *e)
{
    if (e->kind != AST_COLUMN) return -1;
    const Schema *s = &pc->src->schema;
    if (e->qualifier && strcmp(e->qualifier, pc->src->name) != 0 &&
        !(pc->qb->sel->from->alias && strcmp(e->qualifier, pc->qb->sel->from->alias) == 0))
        return -1;
    for (int i = 0; i < s->nkey; i++)
        if (strcmp(s->cols[i].name, e->name) == 0) return i;
    return -1;
}

static bool is_window_col(const AstExpr *e)
{
    return e->kind == AST_COLUMN && !e->quoted &&
           (strcmp(e->name, "WINDOWSTART") == 0 || strcmp(e->name, "WINDOWEND") == 0);
}

static bool window_col(const AstExpr *e)
{
    return e && is_window_col(e);
}

/* Whether e refers to no column (a constant expression). */
static bool resolvable(const AstExpr *e)
{
    if (!e) return true;
    if (e->kind == AST_COLUMN) return false;
    if (e->kind == AST_LAMBDA) return true;
    if (!resolvable(e->left) || !resolvable(e->right)) return false;
    for (int i = 0; i < e->nargs && e->args; i++)
        if (!resolvable(e->args[i])) return false;
    return true;
}

static bool mentions_key(PullCtx *pc, const AstExpr *e)
{
    if (!e) return false;
    if (key_index(pc, e) >= 0) return true;
    if (e->kind == AST_LAMBDA) return false;
    if (mentions_key(pc, e->left) || mentions_key(pc, e->right)) return true;
    for (int i = 0; i < e->nargs && e->args; i++)
        if (mentions_key(pc, e->args[i])) return true;
    return false;
}

/* "`ID` STRING KEY" of key column k. */
static const char *key_desc(PullCtx *pc, int k)
{
    const Column *c = &pc->src->schema.cols[k];
    return arena_printf(pc->qb->a, "%s %s KEY", c->name, type_name(c->type));
}

/* An error, unless table scans are allowed: then the disjunct needs a scan. */
static int scan_or_fail(PullCtx *pc, int offset, const char *msg)
{
    if (pc->scan_allowed) {
        pc->need_scan = true;
        return 0;
    }
    return err_set(pc->qb->err, ERR_SEMANTIC, offset, "%s", msg);
}

/* Checks the literal elements of an IN list against the key type. */
static int check_in_literal(PullCtx *pc, const AstExpr *lit, int k, const AstExpr *col)
{
    const Type *kt = pc->src->schema.cols[k].type;
    if (lit->kind == AST_NULL)
        return err_set(pc->qb->err, ERR_SEMANTIC, lit->offset,
                       "Primary key columns can not be NULL: (%s = null)", col->name);
    bool ok = true;
    switch (lit->kind) {
    case AST_STRING: ok = kt->kind == TYPE_STRING; break;
    case AST_INT:
        ok = kt->kind == TYPE_INT || kt->kind == TYPE_BIGINT || kt->kind == TYPE_DOUBLE ||
             kt->kind == TYPE_DECIMAL;
        break;
    case AST_DECIMAL:
    case AST_DOUBLE: ok = kt->kind == TYPE_DOUBLE || kt->kind == TYPE_DECIMAL; break;
    case AST_BOOL: ok = kt->kind == TYPE_BOOLEAN; break;
    default: return 0; /* expressions: the binder checks their types */
    }
    if (ok) return 0;
    const char *text = lit->kind == AST_STRING ? arena_printf(pc->qb->a, "'%.*s'", (int)lit->len, lit->text)
                                               : ast_text(pc->qb->a, lit);
    return err_set(pc->qb->err, ERR_SEMANTIC, lit->offset,
                   "%s can not be converted to the type of the key column: %s", text,
                   key_desc(pc, k));
}

typedef struct KeyCons {
    int count;                 /* constraints seen on this key in the disjunct */
    int nvals;                 /* = or IN values (0: none usable) */
    const AstExpr *const *vals;
    const AstExpr *one;        /* storage for a single = value */
} KeyCons;

static int analyze_disjunct(PullCtx *pc, const Disjunct *d, KeyCons *kc)
{
    const Schema *s = &pc->src->schema;
    Arena *a = pc->qb->a;
    memset(kc, 0, sizeof(KeyCons) * (size_t)s->nkey);
    bool has_key = false;
    for (int i = 0; i < d->n; i++) {
        const AstExpr *e = d->atoms[i];
        if (e->kind == AST_BINARY && e->op >= AST_OP_EQ && e->op <= AST_OP_GE) {
            int kl = key_index(pc, e->left), kr = key_index(pc, e->right);
            int k = kl >= 0 ? kl : kr;
            const AstExpr *other = kl >= 0 ? e->right : e->left;
            if (k >= 0 && (kl < 0 || kr < 0) && resolvable(other)) {
                has_key = true;
                kc[k].count++;
                if (kc[k].count > 1 &&
                    scan_or_fail(pc, e->offset,
                                 "A comparison condition on the key column cannot be combined "
                                 "with other comparisons such as an IN predicate") < 0)
                    return -1;
                if (e->op == AST_OP_EQ) {
                    kc[k].one = other;
                    kc[k].vals = &kc[k].one;
                    kc[k].nvals = 1;
                } else if (e->op == AST_OP_NE) {
                    const char *msg = arena_printf(a, "Bound on key columns '[`%s` %s KEY]' must currently be '='. ",
                                                   s->cols[k].name, type_name(s->cols[k].type));
                    if (scan_or_fail(pc, e->offset, msg) < 0) return -1;
                    pc->need_scan = true;
                } else {
                    /* A key range: a (filtered) scan. */
                    if (!props_get_bool(pc->qb->req->props, "ksql.query.pull.range.scan.enabled", true) &&
                        scan_or_fail(pc, e->offset,
                                     arena_printf(a, "Bound on key columns '[`%s` %s KEY]' must currently be '='. ",
                                                  s->cols[k].name, type_name(s->cols[k].type))) < 0)
                        return -1;
                    pc->need_scan = true;
                }
                continue;
            }
            if ((is_window_col(e->left) && resolvable(e->right)) ||
                (is_window_col(e->right) && resolvable(e->left)))
                continue; /* window bounds: the filter applies them */
            if (kl >= 0 || kr >= 0) {
                if (scan_or_fail(pc, e->offset,
                                 "A comparison must be between a key column and a resolvable "
                                 "expression.") < 0)
                    return -1;
                continue;
            }
            if (mentions_key(pc, e)) {
                if (scan_or_fail(pc, e->offset, "A comparison must directly reference a key column.") < 0)
                    return -1;
                continue;
            }
            continue; /* a condition on other columns: a filter */
        }
        if (e->kind == AST_IN && !e->negated && key_index(pc, e->left) >= 0) {
            int k = key_index(pc, e->left);
            for (int j = 0; j < e->nargs; j++)
                if (check_in_literal(pc, e->args[j], k, e->left) < 0) return -1;
            bool all_resolvable = true;
            for (int j = 0; j < e->nargs; j++)
                if (!resolvable(e->args[j])) all_resolvable = false;
            if (!all_resolvable) {
                if (scan_or_fail(pc, e->offset,
                                 "A comparison must be between a key column and a resolvable "
                                 "expression.") < 0)
                    return -1;
                continue;
            }
            has_key = true;
            kc[k].count++;
            if (kc[k].count > 1 &&
                scan_or_fail(pc, e->offset,
                             "A comparison condition on the key column cannot be combined with "
                             "other comparisons such as an IN predicate") < 0)
                return -1;
            kc[k].vals = (const AstExpr *const *)e->args;
            kc[k].nvals = e->nargs;
            continue;
        }
        if (e->kind == AST_BETWEEN && key_index(pc, e->left) >= 0) {
            has_key = true;
            pc->need_scan = true;
            continue;
        }
    }
    if (!has_key) {
        StrBuf sb = STRBUF_INIT;
        for (int i = 0; i < d->n; i++) {
            if (i) sb_puts(&sb, " AND ");
            ast_expr_print(&sb, d->atoms[i]);
        }
        const char *msg = arena_printf(a, "WHERE clause missing key column for disjunct: %s", sb_cstr(&sb));
        sb_free(&sb);
        return scan_or_fail(pc, d->atoms[0]->offset, msg);
    }
    for (int k = 0; k < s->nkey; k++) {
        if (kc[k].nvals == 0) {
            if (s->nkey > 1 && kc[k].count == 0)
                return scan_or_fail(pc, d->atoms[0]->offset,
                                    "Multi-column sources must specify every key in the WHERE clause");
            pc->need_scan = true;
        }
    }
    return 0;
}

/* Binds a constant key expression and coerces it to the key column's type. */
static Expr *bind_key(PullCtx *pc, const AstExpr *e, int k)
{
    QB *qb = pc->qb;
    BindCtx c;
    memset(&c, 0, sizeof c);
    Scope empty;
    memset(&empty, 0, sizeof empty);
    c.arena = qb->a;
    c.catalog = qb->req->catalog;
    c.props = qb->req->props;
    c.text = qb->req->text;
    c.clause = "WHERE";
    c.scope = &empty;
    c.err = qb->err;
    Expr *x = bind_expr(&c, e);
    if (!x) return NULL;
    const Type *kt = pc->src->schema.cols[k].type;
    if (x->type != kt) x = bind_coerce(&c, x, kt);
    return x;
}

static int build_lookups(PullCtx *pc, const Dnf *f, KeyCons *all)
{
    QB *qb = pc->qb;
    int nkey = pc->src->schema.nkey;
    long total = 0;
    for (int i = 0; i < f->n; i++) {
        long prod = 1;
        for (int k = 0; k < nkey; k++) prod *= all[i * nkey + k].nvals;
        total += prod;
        if (total > MAX_LOOKUPS) {
            pc->need_scan = true;
            return 0;
        }
    }
    PullSpec *ps = qb->plan->pull;
    ps->lookups = arena_zalloc(qb->a, sizeof(Expr *) * (size_t)(total * nkey + 1));
    int n = 0;
    for (int i = 0; i < f->n; i++) {
        KeyCons *kc = &all[i * nkey];
        int idx[64] = {0};
        for (;;) {
            for (int k = 0; k < nkey; k++) {
                Expr *x = bind_key(pc, kc[k].vals[idx[k]], k);
                if (!x) {
                    /* A value the binder rejects: leave it to the WHERE step. */
                    err_clear(qb->err);
                    pc->need_scan = true;
                    return 0;
                }
                ps->lookups[n * nkey + k] = x;
            }
            n++;
            int k = nkey - 1;
            while (k >= 0 && ++idx[k] == kc[k].nvals) idx[k--] = 0;
            if (k < 0) break;
        }
    }
    ps->nlookups = n;
    return 0;
}

int qb_pull_analyze(QB *qb)
{
    const Source *src = qb->srcs[0];
    const Props *props = qb->req->props;
    PullSpec *ps = arena_zalloc(qb->a, sizeof *ps);
    qb->plan->pull = ps;
    ps->table = src->is_table;
    if (!src->is_table) {
        if (!props_get_bool(props, "ksql.query.pull.stream.enabled", true))
            return err_set(qb->err, ERR_SEMANTIC, qb->sel->offset,
                           "Pull queries on streams are disabled. To create a push query on the "
                           "stream, add EMIT CHANGES to the end. To enable pull queries on "
                           "streams, set the ksql.query.pull.stream.enabled config to 'true'.");
        return 0;
    }
    if (!src->writer_query) {
        /* ksqlDB validates the projection first: a column selected twice. */
        const AstSelect *ss = qb->sel;
        for (int i = 0; i < ss->nitems; i++) {
            const AstExpr *e = ss->items[i].expr;
            if (!e || e->kind != AST_COLUMN) continue;
            const char *ni = ss->items[i].alias ? ss->items[i].alias : e->name;
            for (int j = 0; j < i; j++) {
                const AstExpr *f = ss->items[j].expr;
                if (!f || f->kind != AST_COLUMN) continue;
                const char *nj = ss->items[j].alias ? ss->items[j].alias : f->name;
                int idx = schema_find(&src->schema, e->name);
                if (strcmp(ni, nj) == 0 && idx >= 0)
                    return err_set(qb->err, ERR_SEMANTIC, ss->items[i].offset,
                                   "Duplicate value columns found in schema: `%s` %s", ni,
                                   type_name(src->schema.cols[idx].type));
            }
        }
        return err_set(qb->err, ERR_SEMANTIC, qb->sel->from->offset,
                       "The `%s` table isn't queryable. To derive a queryable table, you can do "
                       "'CREATE TABLE QUERYABLE_%s AS SELECT * FROM %s'. " PULL_HELP,
                       src->name, src->name, src->name);
    }
    ps->query_id = arena_strdup(qb->a, src->writer_query);
    ps->nkey = src->schema.nkey;
    if (src->window.type != WIN_NONE) {
        /* Pull queries see a windowed table's bounds as key columns after the
         * key: SELECT * lists them, and they print as KEY. */
        Step *s = qb->cur;
        const Schema *in = &src->schema;
        Column *cols = arena_zalloc(qb->a, sizeof(Column) * (size_t)(in->ncols + 2));
        int k = 0;
        for (int i = 0; i < in->nkey; i++) cols[k++] = in->cols[i];
        cols[k++] = (Column){type_intern_name("WINDOWSTART"), T_BIGINT, COL_KEY, NULL};
        cols[k++] = (Column){type_intern_name("WINDOWEND"), T_BIGINT, COL_KEY, NULL};
        for (int i = in->nkey; i < in->ncols; i++) cols[k++] = in->cols[i];
        s->schema.cols = cols;
        s->schema.ncols = k;
        s->schema.nkey = in->nkey + 2;
        memset(&qb->scope, 0, sizeof qb->scope);
        scope_from_schema(qb->a, &qb->scope, &s->schema, src->name, qb->sel->from->alias);
        qb->scope.windowed = false;
        ps->window_cols = true;
    }
    PullCtx pc = {qb, src, props_get_bool(props, "ksql.query.pull.table.scan.enabled", true), false};
    if (src->window.type != WIN_NONE && qb->sel->where) {
        AstExpr *nw = window_text_bounds(qb->a, qb->sel->where);
        if (nw != qb->sel->where) {
            AstSelect *sel = arena_alloc(qb->a, sizeof *sel);
            *sel = *qb->sel;
            sel->where = nw;
            qb->sel = sel;
        }
    }
    const AstExpr *w = qb->sel->where;
    if (!w) {
        if (!pc.scan_allowed)
            return err_set(qb->err, ERR_SEMANTIC, qb->sel->offset,
                           "Missing WHERE clause. " PULL_HELP);
        return 0;
    }
    if (src->schema.nkey == 0 || src->schema.nkey > 64) return 0;
    Dnf f = {0};
    if (!dnf(qb->a, w, &f)) {
        if (!pc.scan_allowed)
            return err_set(qb->err, ERR_SEMANTIC, w->offset, "WHERE clause is too complex");
        return 0;
    }
    KeyCons *all = arena_zalloc(qb->a, sizeof(KeyCons) * (size_t)(f.n * src->schema.nkey));
    for (int i = 0; i < f.n; i++)
        if (analyze_disjunct(&pc, &f.d[i], &all[i * src->schema.nkey]) < 0) return qb->err->code;
    if (pc.need_scan) return 0;
    return build_lookups(&pc, &f, all);
}

int qb_pull_finish(QB *qb)
{
    PullSpec *ps = qb->plan->pull;
    if (!ps) return 0;
    /* The steps: SOURCE -> [FILTER] -> SELECT. */
    for (int i = 0; i < qb->plan->nsteps; i++) {
        const Step *s = qb->plan->steps[i];
        if (s->kind == STEP_FILTER && !ps->filter) ps->filter = s;
        if (s->kind == STEP_SELECT) ps->project = s;
        if (s->kind == STEP_FLATMAP && ps->table)
            return err_set(qb->err, ERR_SEMANTIC, qb->sel->offset,
                           "Table source is not supported with table functions");
    }
    const Schema *out = &qb->plan->output;
    const Source *src = qb->srcs[0];
    if (ps->table && src->is_source && ps->project && !ps->window_cols) {
        /* A source table's pull query describes header columns as the source
         * does (HEADER('k') / HEADERS): the columns read straight from them keep
         * their role. */
        Schema o = schema_copy(qb->a, out);
        const Schema *in = &src->schema;
        for (int i = 0; i < o.ncols; i++) {
            const Expr *x = ps->project->exprs[i];
            if (!x || x->kind != EX_COLUMN || x->index < 0 || x->index >= in->ncols) continue;
            const Column *c = &in->cols[x->index];
            if (c->role != COL_HEADER && c->role != COL_HEADERS) continue;
            o.cols[i].role = c->role;
            o.cols[i].header_key = c->header_key;
        }
        qb->plan->output = o;
        out = &qb->plan->output;
    }
    for (int i = 0; i < out->ncols; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(out->cols[i].name, out->cols[j].name) == 0)
                return err_set(qb->err, ERR_SEMANTIC, qb->sel->offset,
                               "Duplicate value columns found in schema: `%s` %s",
                               out->cols[i].name, type_name(out->cols[i].type));
    return 0;
}

/* ---------------------------------------------------------------- source tables */

int planner_plan_source_table(const PlanRequest *req, const Source *src, Plan **out, EddyError *err)
{
    Plan *plan = xcalloc(1, sizeof *plan);
    arena_init(&plan->arena, 4096);
    plan->kind = PLAN_PERSISTENT;
    plan->sql = arena_strdup(&plan->arena, req->text ? req->text : "");
    QB qb = {0};
    qb.req = req;
    qb.plan = plan;
    qb.a = &plan->arena;
    qb.err = err;
    Step *s = plan_step_new(plan, STEP_SOURCE, NULL);
    qb_fill_source_step(&qb, s, src, NULL);
    Step *sk = plan_step_new(plan, STEP_SINK, s);
    sk->name = "KsqlTopic/Sink";
    sk->sink_name = s->source_name;
    sk->sink_topic = s->topic;
    sk->sink_key_fmt = src->key_fmt;
    sk->sink_val_fmt = src->val_fmt;
    sk->sink_partitions = src->partitions;
    sk->materialize = true;
    sk->materialize_only = true;
    plan->output = s->schema;
    plan->output_is_table = true;
    plan->sink = sk->sink_name;
    *out = plan;
    return 0;
}
