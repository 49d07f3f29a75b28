/*
 * plan_join.c - planning FROM clauses with joins: stream-stream (windowed),
 * stream-table, table-table on primary keys and foreign-key table-table joins,
 * chained left-deep into n-way joins, with ksqlDB's validation and messages.
 *
 * Each JOIN step outputs [key columns] + the left input's columns + pseudo
 * columns of the left row + the right input's columns + pseudo columns of the
 * right row (plan.h, JoinPseudo). A JoinRel records where every source's
 * columns sit in a step's output, so qualified names (L.A, R.ROWTIME) bind to
 * the right column however deep the join. As in ksqlDB, the join key is the
 * key of the result: when a side's join expression is not its key, a REKEY
 * step repartitions that side (streams only; tables must join on their primary
 * key, or on the right's primary key for a foreign-key join). The key columns
 * are named after the join expressions that are plain column references
 * (ksqlDB's "viable" key columns, L_A or R_A) or, when there is none (FULL
 * OUTER joins, expressions), a synthetic ROWKEY. Projected column names follow
 * ksqlDB's join schema: COL when unique among the sources, else ALIAS_COL.
 */
#include "ddl_int.h"
#include "plan_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_VIABLE 32

typedef struct JoinRel {
    Step *step;
    int first, last;                       /* sources [first, last] of qb->srcs */
    int col_base[QB_MAX_SOURCES];          /* index of each source's first column */
    int pseudo_base[QB_MAX_SOURCES];       /* index of its JP_ROWTIME column, -1: the row's own */
    int nkeys;                             /* key columns at the front of step's output */
    int nviable;                           /* columns always equal to a key column */
    int viable_key[MAX_VIABLE];            /* ... which key column */
    int viable[MAX_VIABLE];                /* ... the column */
    const AstExpr *viable_ast[MAX_VIABLE]; /* its qualified reference, for messages */
    const char *synthetic;                 /* name of the synthetic key column 0, or NULL */
    int nsynth;                            /* synthetic keys visible by name (n-way joins) */
    const char *synth_name[QB_MAX_SOURCES];
    int synth_index[QB_MAX_SOURCES];
    bool fk;            /* keyed by the left table's primary key */
    FormatSpec key_fmt; /* key format of the relation's records */
    int partitions;     /* of its leftmost source, 0 when unknown */
} JoinRel;

typedef struct JoinCtx {
    QB *qb;
    bool quals_only; /* first pass: only check qualifiers */
    Arena *a;
    int njoins;
    const AstRelation *joins[QB_MAX_SOURCES];
    int src_offset[QB_MAX_SOURCES];
    AstExpr *on[QB_MAX_SOURCES]; /* ON conditions with qualifiers resolved */
    int nlambda;
    const char *lambda[EXPR_MAX_LAMBDA_SLOTS];
} JoinCtx;

static const char *const pseudo_names[JOIN_NPSEUDO] = {"ROWTIME", "ROWPARTITION", "ROWOFFSET",
                                                       "WINDOWSTART", "WINDOWEND"};

static const char *service_id(const QB *qb)
{
    return props_get_str(qb->req->props, "ksql.service.id", "default_");
}

/* Records an internal topic of the query: _confluent-ksql-<service>query_<id>-<name>. */
static const char *internal_topic(QB *qb, const char *name)
{
    Plan *p = qb->plan;
    const char *t = arena_printf(qb->a, "_confluent-ksql-%squery_%s-%s", service_id(qb),
                                 qb->req->query_id ? qb->req->query_id : "transient", name);
    p->internal_topics =
        arena_realloc(qb->a, p->internal_topics, sizeof(char *) * (size_t)p->ninternal_topics,
                      sizeof(char *) * (size_t)(p->ninternal_topics + 1));
    p->internal_topics[p->ninternal_topics++] = t;
    return t;
}

static int pseudo_of(const char *name)
{
    for (int i = 0; i < JOIN_NPSEUDO; i++)
        if (strcmp(pseudo_names[i], name) == 0) return i;
    return -1;
}

/* "A, B or C" */
static void join_words(StrBuf *sb, const char *const *w, int n, const char *last)
{
    for (int i = 0; i < n; i++) {
        if (i) sb_puts(sb, i == n - 1 ? last : ", ");
        sb_puts(sb, w[i]);
    }
}

static int src_index(const QB *qb, const char *qual)
{
    for (int i = 0; i < qb->nsrc; i++)
        if (strcmp(qb->quals[i], qual) == 0) return i;
    return -1;
}

/* ---------------------------------------------------------------- qualifying */

/* Copies an AST expression, qualifying unqualified column references with the
 * one source that has the column, as ksqlDB's AST builder does for joins (and
 * failing as it does on unknown qualifiers and ambiguous names). */
static AstExpr *qualify(JoinCtx *jc, const AstExpr *e)
{
    QB *qb = jc->qb;
    if (!e || qb->err->code) return NULL;
    AstExpr *c = arena_alloc(jc->a, sizeof *c);
    *c = *e;
    if (e->kind == AST_LAMBDA) {
        int saved = jc->nlambda;
        for (int i = 0; i < e->nargs && jc->nlambda < EXPR_MAX_LAMBDA_SLOTS; i++)
            jc->lambda[jc->nlambda++] = e->names[i];
        c->left = qualify(jc, e->left);
        jc->nlambda = saved;
        return c;
    }
    if (e->kind == AST_COLUMN) {
        if (e->qualifier) {
            if (src_index(qb, e->qualifier) < 0) {
                err_set(qb->err, ERR_SEMANTIC, e->offset,
                        "Failed to prepare statement: '%s' is not a valid stream/table name or "
                        "alias.",
                        e->qualifier);
                return NULL;
            }
            return c;
        }
        if (jc->quals_only) return c;
        for (int i = 0; i < jc->nlambda; i++)
            if (strcmp(jc->lambda[i], e->name) == 0) return c;
        const char *cand[QB_MAX_SOURCES];
        int n = 0;
        for (int i = 0; i < qb->nsrc; i++)
            if (schema_find(&qb->srcs[i]->schema, e->name) >= 0)
                cand[n++] = arena_printf(jc->a, "%s.%s", qb->quals[i], e->name);
        if (n > 1) {
            int line, col;
            err_line_col(qb->req->text, e->offset, &line, &col);
            StrBuf sb = STRBUF_INIT;
            join_words(&sb, cand, n, " or ");
            err_set(qb->err, ERR_SEMANTIC, e->offset,
                    "Exception while preparing statement: Line: %d, Col: %d: Column '%s' is "
                    "ambiguous. Could be %s.",
                    line, col, e->name, sb_cstr(&sb));
            sb_free(&sb);
            return NULL;
        }
        if (n == 1)
            for (int i = 0; i < qb->nsrc; i++)
                if (schema_find(&qb->srcs[i]->schema, e->name) >= 0) c->qualifier = qb->quals[i];
        return c;
    }
    c->left = qualify(jc, e->left);
    c->right = qualify(jc, e->right);
    if (e->nargs && e->args) {
        c->args = arena_alloc(jc->a, sizeof(AstExpr *) * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++)
            c->args[i] = qualify(jc, e->args[i]);
    }
    return c;
}

/* Checks every clause for unknown qualifiers and ambiguous names, in the order
 * ksqlDB's AST builder meets them (FROM ... ON first), keeping the qualified ON
 * conditions. */
static int qualify_all(JoinCtx *jc)
{
    QB *qb = jc->qb;
    const AstSelect *sel = qb->sel;
    /* Unknown qualifiers are found before ambiguous names. */
    for (int pass = 0; pass < 2; pass++) {
        jc->quals_only = pass == 0;
        for (int j = 0; j < jc->njoins; j++) {
            jc->on[j] = qualify(jc, jc->joins[j]->on);
            if (qb->err->code) return qb->err->code;
        }
        for (int i = 0; i < sel->nitems; i++)
            qualify(jc, sel->items[i].expr);
        qualify(jc, sel->where);
        for (int i = 0; i < sel->ngroup; i++)
            qualify(jc, sel->group_by[i]);
        for (int i = 0; i < sel->npartition; i++)
            qualify(jc, sel->partition_by[i]);
        qualify(jc, sel->having);
        if (qb->err->code) return qb->err->code;
    }
    return 0;
}

/* Bit set of the sources an (already qualified) expression refers to. */
static unsigned sources_of(const QB *qb, const AstExpr *e)
{
    if (!e) return 0;
    unsigned m = 0;
    if (e->kind == AST_COLUMN && e->qualifier) {
        int i = src_index(qb, e->qualifier);
        if (i >= 0) m |= 1u << i;
    }
    if (e->kind == AST_LAMBDA) return sources_of(qb, e->left);
    m |= sources_of(qb, e->left) | sources_of(qb, e->right);
    for (int i = 0; i < e->nargs && e->args; i++)
        m |= sources_of(qb, e->args[i]);
    return m;
}

static int popcount(unsigned m)
{
    int n = 0;
    for (; m; m &= m - 1)
        n++;
    return n;
}

/* ---------------------------------------------------------------- relations */

static void rel_shift(JoinRel *r, int d)
{
    for (int i = r->first; i <= r->last; i++) {
        r->col_base[i] += d;
        if (r->pseudo_base[i] >= 0) r->pseudo_base[i] += d;
    }
    for (int i = 0; i < r->nviable; i++)
        r->viable[i] += d;
    for (int i = 0; i < r->nsynth; i++)
        r->synth_index[i] += d;
}

static JoinRel *rel_source(QB *qb, int i, const char *alias)
{
    JoinRel *r = arena_zalloc(qb->a, sizeof *r);
    Step *s = plan_step_new(qb->plan, STEP_SOURCE, NULL);
    qb_fill_source_step(qb, s, qb->srcs[i], alias);
    r->step = s;
    r->first = r->last = i;
    r->col_base[i] = 0;
    r->pseudo_base[i] = -1;
    r->nkeys = s->schema.nkey;
    r->key_fmt = qb->srcs[i]->key_fmt;
    r->partitions = qb->srcs[i]->partitions;
    return r;
}

/* The names visible over a relation's output. */
static void rel_scope(QB *qb, const JoinRel *r, Scope *s)
{
    Arena *a = qb->a;
    memset(s, 0, sizeof *s);
    for (int i = r->first; i <= r->last; i++) {
        const Source *src = qb->srcs[i];
        const char *q = qb->quals[i];
        for (int c = 0; c < src->schema.ncols; c++)
            scope_add(a, s, q, src->schema.cols[c].name, r->col_base[i] + c,
                      src->schema.cols[c].type);
        if (r->pseudo_base[i] >= 0) {
            int np = src->window.type != WIN_NONE ? JOIN_NPSEUDO : JP_WINDOWSTART;
            for (int p = 0; p < np; p++) {
                scope_add(a, s, q, pseudo_names[p], r->pseudo_base[i] + p,
                          p == JP_ROWPARTITION ? T_INT : T_BIGINT);
                s->cols[s->n - 1].qual_only = true;
            }
        }
        scope_add_qual(s, q);
    }
    for (int i = 0; i < r->nsynth; i++)
        scope_add(a, s, NULL, r->synth_name[i], r->synth_index[i],
                  r->step->schema.cols[r->synth_index[i]].type);
    s->windowed = r->step->window.type != WIN_NONE;
}

/* Whether e (bound over r's output) always equals r's (single) key. */
static bool rel_is_key(const JoinRel *r, const Expr *e)
{
    if (r->nkeys != 1 || e->kind != EX_COLUMN) return false;
    if (e->index == 0) return true;
    for (int i = 0; i < r->nviable; i++)
        if (r->viable_key[i] == 0 && r->viable[i] == e->index) return true;
    return false;
}

static const char *rel_name(const QB *qb, const JoinRel *r)
{
    return qb->srcs[r->first]->name;
}

/* The repartition of one side by its join expression; its topic's keys are
 * written in key format kf, as the other side's are. */
static void add_rekey(QB *qb, JoinRel *r, Expr *key, const char *node, const FormatSpec *kf)
{
    Arena *a = qb->a;
    Step *in = r->step;
    Step *rk = plan_step_new(qb->plan, STEP_REKEY, in);
    rk->name = arena_printf(a, "%s/SelectKey", node);
    rk->repartition = true;
    rk->repartition_topic = internal_topic(qb, arena_printf(a, "%s-repartition", node));
    rk->repartition_key_serde = true;
    rk->repartition_key_fmt = *kf;
    rk->rekey_changelog = in->is_table;
    rk->is_table = in->is_table;
    rk->nkeys = 1;
    rk->key_exprs = arena_alloc(a, sizeof(Expr *));
    rk->key_exprs[0] = key;
    int n = in->schema.ncols + 1;
    rk->schema.cols = arena_zalloc(a, sizeof(Column) * (size_t)n);
    rk->schema.cols[0] = (Column){type_intern_name("KSQL_JOIN_KEY"), key->type, COL_KEY, NULL};
    for (int i = 0; i < in->schema.ncols; i++) {
        rk->schema.cols[i + 1] = in->schema.cols[i];
        rk->schema.cols[i + 1].role = COL_VALUE;
    }
    rk->schema.ncols = n;
    rk->schema.nkey = 1;
    r->step = rk;
    rel_shift(r, 1);
    r->nkeys = 1;
    r->nviable = 0;
}

/* A synthetic key name no source column (nor earlier synthetic key) uses:
 * ROWKEY, else ROWKEY_n above the highest n taken. */
static const char *synthetic_name(QB *qb, const JoinRel *l, const JoinRel *r)
{
    int max = -1;
    for (int i = 0; i < qb->nsrc; i++) {
        const Schema *sc = &qb->srcs[i]->schema;
        for (int c = 0; c < sc->ncols; c++) {
            const char *n = sc->cols[c].name;
            if (strncmp(n, "ROWKEY", 6) != 0) continue;
            if (n[6] == 0) {
                if (max < 0) max = 0;
            } else if (n[6] == '_' && n[7] >= '0' && n[7] <= '9') {
                int v = atoi(n + 7);
                if (v > max) max = v;
            }
        }
    }
    const JoinRel *rels[2] = {l, r};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < rels[k]->nsynth; i++) {
            const char *n = rels[k]->synth_name[i];
            int v = n[6] == '_' ? atoi(n + 7) : 0;
            if (v > max) max = v;
        }
    if (max < 0) return "ROWKEY";
    return arena_printf(qb->a, "ROWKEY_%d", max + 1);
}

/* ---------------------------------------------------------------- one join */

static const char *join_type_text(JoinType t)
{
    switch (t) {
    case JT_INNER: return "[INNER] JOIN";
    case JT_LEFT: return "LEFT [OUTER] JOIN";
    case JT_RIGHT: return "RIGHT [OUTER] JOIN";
    case JT_OUTER: return "[FULL] OUTER JOIN";
    }
    return "JOIN";
}

static const char *join_type_word(JoinType t)
{
    switch (t) {
    case JT_RIGHT: return "right";
    case JT_OUTER: return "full-outer";
    default: return "inner";
    }
}

static const char *window_name(WindowType t)
{
    switch (t) {
    case WIN_TUMBLING: return "TUMBLING";
    case WIN_HOPPING: return "HOPPING";
    case WIN_SESSION: return "SESSION";
    default: return "NONE";
    }
}

/* Binds one side of the ON condition against its relation. */
static Expr *bind_side(QB *qb, const JoinRel *r, const AstExpr *e)
{
    Scope sc;
    rel_scope(qb, r, &sc);
    BindCtx c;
    memset(&c, 0, sizeof c);
    c.arena = qb->a;
    c.catalog = qb->req->catalog;
    c.props = qb->req->props;
    c.text = qb->req->text;
    c.clause = "JOIN ON";
    c.scope = &sc;
    c.err = qb->err;
    Expr *x = bind_expr(&c, e);
    if (!x && strstr(qb->err->msg, "cannot be resolved") && qb->err->offset >= 0 &&
        strncmp(qb->err->msg, "Line:", 5) != 0) {
        char msg[ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", qb->err->msg);
        int line, col;
        err_line_col(qb->req->text, qb->err->offset, &line, &col);
        err_set(qb->err, qb->err->code, qb->err->offset, "Line: %d, Col: %d: %s", line, col, msg);
    }
    return x;
}

/* Names of a side's input columns in the join output. */
static void side_names(QB *qb, const JoinRel *r, const char **names)
{
    const Schema *sc = &r->step->schema;
    for (int i = 0; i < sc->ncols; i++)
        names[i] = sc->cols[i].name;
    for (int s = r->first; s <= r->last; s++) {
        if (r->pseudo_base[s] >= 0) continue;
        const Schema *ss = &qb->srcs[s]->schema;
        for (int c = 0; c < ss->ncols; c++)
            names[r->col_base[s] + c] =
                arena_printf(qb->a, "%s_%s", qb->quals[s], ss->cols[c].name);
    }
}

static void add_viable(JoinRel *o, int key, int col, const AstExpr *ast)
{
    for (int i = 0; i < o->nviable; i++)
        if (o->viable[i] == col && o->viable_key[i] == key) return;
    if (o->nviable == MAX_VIABLE) return;
    o->viable_key[o->nviable] = key;
    o->viable[o->nviable] = col;
    o->viable_ast[o->nviable++] = ast;
}

/* The column of the join output an ON side refers to when it is a column
 * reference (a source column, or a side's ROWTIME / ROWPARTITION / ...), else -1. */
static int column_of(const QB *qb, const JoinRel *o, const AstExpr *e)
{
    if (e->kind != AST_COLUMN || !e->qualifier) return -1;
    int i = src_index(qb, e->qualifier);
    if (i < 0) return -1;
    int c = schema_find(&qb->srcs[i]->schema, e->name);
    if (c >= 0) return o->col_base[i] + c;
    int p = pseudo_of(e->name);
    if (p < 0 || o->pseudo_base[i] < 0) return -1;
    if (p >= JP_WINDOWSTART && qb->srcs[i]->window.type == WIN_NONE) return -1;
    return o->pseudo_base[i] + p;
}

static int plan_one_join(JoinCtx *jc, int j, const char *prefix, JoinRel *L, JoinRel *R,
                         JoinRel **out)
{
    QB *qb = jc->qb;
    Arena *a = jc->a;
    EddyError *err = qb->err;
    const AstRelation *jr = jc->joins[j];
    const AstExpr *on = jc->on[j];
    JoinType type = jr->join_type == AST_JOIN_LEFT    ? JT_LEFT
                    : jr->join_type == AST_JOIN_RIGHT ? JT_RIGHT
                    : jr->join_type == AST_JOIN_FULL  ? JT_OUTER
                                                      : JT_INNER;
    int ri = R->first;

    /* The shape of the condition: one equality, one source on each side. */
    if (on->kind == AST_BINARY && (on->op == AST_OP_AND || on->op == AST_OP_OR))
        return err_set(err, ERR_SEMANTIC, on->offset,
                       "Invalid join condition: joins on multiple conditions are not yet "
                       "supported. Got %s.",
                       ast_text(a, on));
    bool cmp = on->kind == AST_BINARY && on->op >= AST_OP_EQ && on->op <= AST_OP_GE;
    if (!cmp)
        return err_set(err, ERR_SEMANTIC, on->offset, "Unsupported join expression: %s",
                       ast_text(a, on));
    if (on->op != AST_OP_EQ)
        return err_set(err, ERR_SEMANTIC, on->offset,
                       "Invalid join condition: non-equi joins are not supported. Got %s.",
                       ast_text(a, on));
    const AstExpr *sides[2] = {on->left, on->right};
    unsigned masks[2];
    for (int k = 0; k < 2; k++) {
        masks[k] = sources_of(qb, sides[k]);
        if (popcount(masks[k]) != 1)
            return err_set(err, ERR_SEMANTIC, sides[k]->offset,
                           "Invalid comparison expression '%s' in join '%s'. Each side of the "
                           "join comparision must contain references from exactly one source.",
                           ast_text(a, sides[k]), ast_text(a, on));
    }
    unsigned lmask = 0;
    for (int i = L->first; i <= L->last; i++)
        lmask |= 1u << i;
    const AstExpr *lx, *rx;
    if (masks[1] == 1u << ri && (masks[0] & lmask)) {
        lx = sides[0];
        rx = sides[1];
    } else if (masks[0] == 1u << ri && (masks[1] & lmask)) {
        lx = sides[1];
        rx = sides[0];
    } else if (masks[0] == masks[1]) {
        return err_set(err, ERR_SEMANTIC, on->offset,
                       "Each side of the join must reference exactly one source and not the same "
                       "source. Left side references `%s` and right references `%s`",
                       ast_text(a, sides[0]), ast_text(a, sides[1]));
    } else {
        return err_set(err, ERR_SEMANTIC, on->offset,
                       "A join criteria is expected to reference the source (%s) in the FROM "
                       "clause, instead the right source references %s and the left source "
                       "references %s",
                       qb->quals[ri], ast_text(a, sides[1]), ast_text(a, sides[0]));
    }
    int lsrc = L->first;
    for (int i = L->first; i <= L->last; i++)
        if (sources_of(qb, lx) == 1u << i) lsrc = i;
    const char *lname = qb->quals[lsrc], *rname = qb->quals[ri];

    Expr *le = bind_side(qb, L, lx);
    if (!le) return err->code;
    Expr *re = bind_side(qb, R, rx);
    if (!re) return err->code;
    if (le->type != re->type)
        return err_set(err, ERR_SEMANTIC, on->offset,
                       "Invalid join condition: types don't match. Got %s{%s} = %s{%s}.",
                       ast_text(a, lx), type_name(le->type), ast_text(a, rx), type_name(re->type));

    /* Join kinds ksqlDB supports. */
    bool lt = L->step->is_table, rt = R->step->is_table;
    const char *jstr = arena_printf(a, "%s %s %s", lname, join_type_text(type), rname);
    if (lt && !rt)
        return err_set(err, ERR_SEMANTIC, jr->offset,
                       "Invalid join order: table-stream joins are not supported; only "
                       "stream-table joins. Got %s.",
                       jstr);
    if (!lt && rt && (type == JT_OUTER || type == JT_RIGHT))
        return err_set(err, ERR_SEMANTIC, jr->offset,
                       "Invalid join type: %s join not supported for stream-table join. Got %s.",
                       join_type_word(type), jstr);
    if (!lt && !rt && !jr->has_within)
        return err_set(err, ERR_SEMANTIC, jr->offset,
                       "Stream-Stream joins must have a WITHIN clause specified. None was "
                       "provided. To learn about how to specify a WITHIN clause with a "
                       "stream-stream join, please visit: "
                       "https://docs.confluent.io/current/ksql/docs/syntax-reference.html"
                       "#create-stream-as-select");
    if (!lt && rt && jr->has_within)
        return err_set(err, ERR_SEMANTIC, jr->offset,
                       "A window definition was provided for a Stream-Table join. These joins "
                       "are not windowed. Please drop the window definition (ie. the WITHIN "
                       "clause) and try to execute your join again.");
    if (lt && rt && jr->has_within)
        return err_set(err, ERR_SEMANTIC, jr->offset,
                       "A window definition was provided for a Table-Table join. These joins "
                       "are not windowed. Please drop the window definition (i.e. the WITHIN "
                       "clause) and try to execute your join again.");

    /* Windowed sources join windowed sources of the same kind. */
    WindowInfo lw = L->step->window, rw = R->step->window;
    if ((lw.type != WIN_NONE) != (rw.type != WIN_NONE)) {
        const char *wn = lw.type != WIN_NONE ? lname : rname;
        const char *nn = lw.type != WIN_NONE ? rname : lname;
        WindowType t = lw.type != WIN_NONE ? lw.type : rw.type;
        return err_set(err, ERR_SEMANTIC, jr->offset,
                       "Can not join windowed source to non-windowed source.\n`%s` is %s "
                       "windowed\n`%s` is not windowed",
                       wn, window_name(t), nn);
    }
    if (lw.type != WIN_NONE && (lw.type == WIN_SESSION) != (rw.type == WIN_SESSION))
        return err_set(err, ERR_SEMANTIC, jr->offset,
                       "Incompatible windowed sources.\nLeft source: %s\nRight source: %s\n"
                       "Session windowed sources can only be joined to other session windowed "
                       "sources, and may still not result in expected behaviour as session "
                       "bounds must be an exact match for the join to work\nHopping and "
                       "tumbling windowed sources can only be joined to other hopping and "
                       "tumbling windowed sources",
                       window_name(lw.type), window_name(rw.type));

    /* Which sides are keyed by their join expression. */
    bool lkey = rel_is_key(L, le), rkey = rel_is_key(R, re);
    bool fk = false;
    if (rt && !rkey) {
        if (!lt)
            return err_set(err, ERR_SEMANTIC, jr->offset,
                           "Invalid join condition: stream-table joins require to join on the "
                           "table's primary key. Got %s = %s.",
                           ast_text(a, lx), ast_text(a, rx));
        return err_set(err, ERR_SEMANTIC, jr->offset,
                       "Invalid join condition: table-table joins require to join on the primary "
                       "key of the right input table. Got %s = %s.",
                       ast_text(a, lx), ast_text(a, rx));
    }
    if (lt && !lkey) {
        fk = true;
        if (type == JT_OUTER || type == JT_RIGHT)
            return err_set(err, ERR_SEMANTIC, jr->offset,
                           "Invalid join type: %s join not supported for foreign-key table-table "
                           "join. Got %s.",
                           join_type_word(type), jstr);
        if (lw.type != WIN_NONE)
            return err_set(err, ERR_SEMANTIC, jr->offset,
                           "Foreign-key table-table joins are not supported on windowed tables.");
    }
    bool format_mismatch =
        lkey && rkey && !fk &&
        (L->key_fmt.kind != R->key_fmt.kind || lw.type != rw.type || lw.size_ms != rw.size_ms);
    bool lrekey = !lt && !lkey;
    bool rrekey = !rt && !rkey;
    if ((lrekey && lw.type != WIN_NONE) || (rrekey && rw.type != WIN_NONE) ||
        (format_mismatch && (lw.type != WIN_NONE || rw.type != WIN_NONE)))
        return err_set(err, ERR_SEMANTIC, jr->offset,
                       "Implicit repartitioning of windowed sources is not supported. See "
                       "https://github.com/confluentinc/ksql/issues/4385.");
    /* Co-partitioning (ksqlDB checks joins of streams; table-table joins are
     * left to the runtime). */
    if (!(lt && rt) && L->partitions > 0 && R->partitions > 0 && L->partitions != R->partitions) {
        const char *ln = rel_name(qb, L), *rn = rel_name(qb, R);
        return err_set(err, ERR_SEMANTIC, jr->offset,
                       "Can't join `%s` with `%s` since the number of partitions don't match. "
                       "`%s` partitions = %d; `%s` partitions = %d. Please repartition either "
                       "one so that the number of partitions match.",
                       ln, rn, ln, L->partitions, rn, R->partitions);
    }

    /* Key format of the result: the left's, unless it has no key. */
    FormatSpec kf = L->key_fmt;
    if (kf.kind == FMT_NONE) kf = R->key_fmt;
    if (kf.kind == FMT_NONE) {
        const char *d =
            props_get_str(qb->req->props, "ksql.persistence.default.format.key", "KAFKA");
        EddyError ferr;
        memset(&kf, 0, sizeof kf);
        if (format_parse(d, &kf.kind, &ferr) < 0) kf.kind = FMT_KAFKA;
    }

    /* Repartitions, keyed as the side that keeps its key (both: the result's format). */
    bool ss = !lt && !rt;
    const FormatSpec *lfmt = rrekey || format_mismatch ? &L->key_fmt : &kf;
    const FormatSpec *rfmt = lrekey ? &R->key_fmt : &kf;
    if (lrekey && rrekey) lfmt = rfmt = &kf;
    if (lrekey) add_rekey(qb, L, le, arena_printf(a, "%sJoin%s", prefix, ss ? "-left" : ""), rfmt);
    if (rrekey) add_rekey(qb, R, re, arena_printf(a, "%sJoin-right", prefix), lfmt);
    if (format_mismatch)
        add_rekey(qb, R, expr_column(a, 0, re->type),
                  arena_printf(a, rt ? "%sRightSourceKeyed-SelectKey" : "%sJoin-right", prefix),
                  lfmt);
    /* The state stores' changelogs ksqlDB's topology would have (Kafka Streams
     * numbers a stream-stream join's stores after the nodes before it). */
    if (ss) {
        int nrep = lrekey + rrekey + format_mismatch;
        int node = 8 + 4 * nrep;
        internal_topic(qb, arena_printf(a, "KSTREAM-%s-%010d-store-changelog",
                                        type == JT_OUTER ? "OUTERTHIS" : "JOINTHIS", node));
        internal_topic(qb, arena_printf(a, "KSTREAM-%s-%010d-store-changelog",
                                        type == JT_INNER ? "JOINOTHER" : "OUTEROTHER", node + 1));
    } else {
        if (lt && L->first == L->last)
            internal_topic(qb, arena_printf(a, "KafkaTopic_%sLeft-Reduce-changelog", prefix));
        internal_topic(qb, format_mismatch
                               ? arena_printf(a, "%sRightSourceKeyed-Materialize-changelog", prefix)
                               : arena_printf(a, "KafkaTopic_%sRight-Reduce-changelog", prefix));
    }
    if (!fk) le = expr_column(a, 0, le->type);
    re = expr_column(a, 0, re->type);

    /* The JOIN step. */
    Step *ls = L->step, *rs = R->step;
    int nk = fk ? L->nkeys : 1;
    Step *s = plan_step_new(qb->plan, STEP_JOIN, ls);
    s->right = rs;
    s->name = arena_printf(a, "%sJoin", prefix);
    s->join_kind = ss    ? JOIN_STREAM_STREAM
                   : !lt ? JOIN_STREAM_TABLE
                   : fk  ? JOIN_TABLE_TABLE_FK
                         : JOIN_TABLE_TABLE;
    s->join_type = type;
    s->left_key = le;
    s->right_key = re;
    if (jr->has_within) {
        s->before_ms = jr->within_before.ms;
        s->after_ms = jr->within_after.ms;
    }
    s->join_grace_ms = jr->grace.present ? jr->grace.ms : -1;
    s->join_nkeys = nk;
    s->left_base = nk;
    s->nleft_cols = ls->schema.ncols;
    s->right_base = nk + ls->schema.ncols + JOIN_NPSEUDO;
    s->nright_cols = rs->schema.ncols;
    s->join_windowed = lw.type != WIN_NONE;
    s->is_table = lt && rt;
    s->window = lw;
    int ncols = s->right_base + rs->schema.ncols + JOIN_NPSEUDO;

    JoinRel *o = arena_zalloc(a, sizeof *o);
    o->step = s;
    o->first = L->first;
    o->last = R->last;
    o->nkeys = nk;
    o->fk = fk;
    o->key_fmt = kf;
    o->partitions = L->partitions;
    for (int i = L->first; i <= L->last; i++) {
        o->col_base[i] = s->left_base + L->col_base[i];
        o->pseudo_base[i] = L->pseudo_base[i] >= 0 ? s->left_base + L->pseudo_base[i]
                                                   : s->left_base + ls->schema.ncols;
    }
    for (int i = R->first; i <= R->last; i++) {
        o->col_base[i] = s->right_base + R->col_base[i];
        o->pseudo_base[i] = R->pseudo_base[i] >= 0 ? s->right_base + R->pseudo_base[i]
                                                   : s->right_base + rs->schema.ncols;
    }
    const JoinRel *in[2] = {L, R};
    int base[2] = {s->left_base, s->right_base};
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < in[k]->nsynth && o->nsynth < QB_MAX_SOURCES; i++) {
            o->synth_name[o->nsynth] = in[k]->synth_name[i];
            o->synth_index[o->nsynth++] = base[k] + in[k]->synth_index[i];
        }

    /* Columns equal to the key: the join expressions that are source columns,
     * and what was equal to the key of a side joined on its key. */
    if (fk) {
        const Source *lsrc0 = qb->srcs[L->first];
        for (int k = 0; k < nk; k++) {
            if (L->first != L->last) continue;
            AstExpr *ka = ast_expr_new(a, AST_COLUMN, -1);
            ka->qualifier = qb->quals[L->first];
            ka->name = lsrc0->schema.cols[k].name;
            add_viable(o, k, s->left_base + k, ka);
        }
        for (int i = 0; i < L->nviable; i++)
            add_viable(o, L->viable_key[i], s->left_base + L->viable[i], L->viable_ast[i]);
    } else if (type != JT_OUTER) {
        int lc = column_of(qb, o, lx), rc = column_of(qb, o, rx);
        if (lc >= 0) add_viable(o, 0, lc, lx);
        if (rc >= 0) add_viable(o, 0, rc, rx);
        if (lkey && !lrekey)
            for (int i = 0; i < L->nviable; i++)
                if (L->viable_key[i] == 0)
                    add_viable(o, 0, s->left_base + L->viable[i], L->viable_ast[i]);
        if (rkey && !rrekey && !format_mismatch)
            for (int i = 0; i < R->nviable; i++)
                if (R->viable_key[i] == 0)
                    add_viable(o, 0, s->right_base + R->viable[i], R->viable_ast[i]);
    }
    if (!fk && o->nviable == 0) {
        o->synthetic = synthetic_name(qb, L, R);
        if (o->nsynth < QB_MAX_SOURCES) {
            o->synth_name[o->nsynth] = o->synthetic;
            o->synth_index[o->nsynth++] = 0;
        }
    }

    /* Output schema. */
    s->schema.cols = arena_zalloc(a, sizeof(Column) * (size_t)ncols);
    s->schema.ncols = ncols;
    s->schema.nkey = nk;
    for (int k = 0; k < nk; k++) {
        const Type *t = fk ? ls->schema.cols[k].type : le->type;
        const char *nm = o->synthetic;
        if (!nm) {
            nm = fk ? ls->schema.cols[k].name : "ROWKEY";
            for (int i = 0; i < o->nviable; i++)
                if (o->viable_key[i] == k) {
                    const AstExpr *v = o->viable_ast[i];
                    nm = arena_printf(a, "%s_%s", v->qualifier, v->name);
                    break;
                }
        }
        s->schema.cols[k] = (Column){type_intern_name(nm), t, COL_KEY, NULL};
    }
    const char **lnames = arena_zalloc(a, sizeof(char *) * (size_t)(ls->schema.ncols + 1));
    const char **rnames = arena_zalloc(a, sizeof(char *) * (size_t)(rs->schema.ncols + 1));
    side_names(qb, L, lnames);
    side_names(qb, R, rnames);
    for (int i = 0; i < ls->schema.ncols; i++)
        s->schema.cols[s->left_base + i] =
            (Column){type_intern_name(lnames[i]), ls->schema.cols[i].type, COL_VALUE, NULL};
    for (int i = 0; i < rs->schema.ncols; i++)
        s->schema.cols[s->right_base + i] =
            (Column){type_intern_name(rnames[i]), rs->schema.cols[i].type, COL_VALUE, NULL};
    for (int k = 0; k < 2; k++) {
        int pb = k == 0 ? s->left_base + ls->schema.ncols : s->right_base + rs->schema.ncols;
        const char *q = k == 0 ? (L->first == L->last ? qb->quals[L->first] : "KSQL_LEFT")
                               : (R->first == R->last ? qb->quals[R->first] : "KSQL_RIGHT");
        for (int p = 0; p < JOIN_NPSEUDO; p++)
            s->schema.cols[pb + p] =
                (Column){type_intern_name(arena_printf(a, "%s_%s", q, pseudo_names[p])),
                         p == JP_ROWPARTITION ? T_INT : T_BIGINT, COL_VALUE, NULL};
    }
    if (ddl_validate_key_types(&s->schema, err) < 0) return err->code;
    *out = o;
    return 0;
}

/* ---------------------------------------------------------------- entry points */

static int collect(JoinCtx *jc, const AstRelation *r)
{
    QB *qb = jc->qb;
    if (r->kind == AST_REL_JOIN) {
        if (collect(jc, r->left) < 0) return qb->err->code;
        if (collect(jc, r->right) < 0) return qb->err->code;
        jc->joins[jc->njoins++] = r;
        return 0;
    }
    if (qb->nsrc == QB_MAX_SOURCES)
        return err_set(qb->err, ERR_UNSUPPORTED, r->offset, "eddy joins at most %d sources",
                       QB_MAX_SOURCES);
    Source *src = catalog_find(qb->req->catalog, r->name);
    if (!src) {
        int line, col;
        err_line_col(qb->req->text, r->offset, &line, &col);
        return err_set(qb->err, ERR_SEMANTIC, r->offset,
                       "Line: %d, Col: %d: Source `%s` does not exist.", line, col, r->name);
    }
    jc->src_offset[qb->nsrc] = r->offset;
    qb->srcs[qb->nsrc] = src;
    qb->quals[qb->nsrc] = r->alias ? r->alias : src->name;
    qb->nsrc++;
    return 0;
}

int qb_join(QB *qb)
{
    JoinCtx jc;
    memset(&jc, 0, sizeof jc);
    jc.qb = qb;
    jc.a = qb->a;
    qb->nsrc = 0;
    if (collect(&jc, qb->sel->from) < 0) return qb->err->code;
    for (int i = 0; i < qb->nsrc; i++)
        for (int k = 0; k < i; k++)
            if (qb->srcs[i] == qb->srcs[k])
                return err_set(qb->err, ERR_SEMANTIC, jc.src_offset[i],
                               "Can not join '%s' to '%s': self joins are not yet supported.",
                               qb->srcs[k]->name, qb->srcs[i]->name);
    {
        const char *kafka[QB_MAX_SOURCES];
        int nk = 0;
        for (int i = 0; i < qb->nsrc; i++)
            if (qb->srcs[i]->val_fmt.kind == FMT_KAFKA) kafka[nk++] = qb->srcs[i]->name;
        if (nk) {
            StrBuf sb = STRBUF_INIT;
            join_words(&sb, kafka, nk, ", ");
            err_set(qb->err, ERR_SEMANTIC, qb->sel->from->offset,
                    "Source(s) %s are using the 'KAFKA' value format. This format does not yet "
                    "support JOIN.",
                    sb_cstr(&sb));
            sb_free(&sb);
            return ERR_SEMANTIC;
        }
    }
    if (qualify_all(&jc) < 0) return qb->err->code;

    JoinRel *cur = NULL;
    for (int j = 0; j < jc.njoins; j++) {
        if (!cur) cur = rel_source(qb, 0, jc.joins[0]->left->alias);
        const AstRelation *rr = jc.joins[j]->right;
        JoinRel *right = rel_source(qb, j + 1, rr->alias);
        StrBuf pre = STRBUF_INIT;
        for (int k = j + 1; k < jc.njoins; k++)
            sb_puts(&pre, "L_");
        JoinRel *o = NULL;
        int rc = plan_one_join(&jc, j, arena_strdup(qb->a, sb_cstr(&pre)), cur, right, &o);
        sb_free(&pre);
        if (rc < 0) return rc;
        cur = o;
    }
    qb->cur = cur->step;
    qb->join_rel = cur;
    qb->join_names = true;
    qb->njoin_srcs = qb->nsrc;
    qb->join_key_fmt = cur->key_fmt.kind;
    rel_scope(qb, cur, &qb->scope);
    return 0;
}

void qb_join_star_cols(QB *qb)
{
    const JoinRel *r = qb->join_rel;
    Arena *a = qb->a;
    int n = 1;
    for (int i = 0; i < qb->nsrc; i++)
        n += qb->srcs[i]->schema.ncols + JOIN_NPSEUDO;
    qb->star = arena_zalloc(a, sizeof(StarCol) * (size_t)n);
    qb->nstar = 0;
    if (r->synthetic) {
        StarCol *sc = &qb->star[qb->nstar++];
        sc->qual = "";
        sc->ref_name = r->synthetic;
        sc->out_name = r->synthetic;
    }
    /* With PARTITION BY, * reads the join's input schema as ksqlDB lays it out:
     * per source its values, ROWTIME, ROWPARTITION, ROWOFFSET, keys, window. */
    if (qb->sel->npartition > 0) {
        for (int i = 0; i < qb->nsrc; i++) {
            const Source *src = qb->srcs[i];
            const char *q = qb->quals[i];
            const Schema *ss = &src->schema;
            const char *names[512];
            int nn = 0;
            for (int c = ss->nkey; c < ss->ncols && nn < 500; c++)
                names[nn++] = ss->cols[c].name;
            for (int p = 0; p < JP_WINDOWSTART; p++)
                names[nn++] = pseudo_names[p];
            for (int c = 0; c < ss->nkey && nn < 505; c++)
                names[nn++] = ss->cols[c].name;
            if (src->window.type != WIN_NONE)
                for (int p = JP_WINDOWSTART; p <= JP_WINDOWEND; p++)
                    names[nn++] = pseudo_names[p];
            for (int k = 0; k < nn; k++) {
                StarCol *sc = &qb->star[qb->nstar++];
                sc->qual = src->name;
                sc->alt_qual = q;
                sc->ref_qual = q;
                sc->ref_name = names[k];
                sc->out_name = arena_printf(a, "%s_%s", q, names[k]);
            }
        }
        return;
    }
    for (int i = 0; i < qb->nsrc; i++) {
        const Source *src = qb->srcs[i];
        const char *q = qb->quals[i];
        for (int c = 0; c <= src->schema.ncols; c++) {
            if (c == src->schema.nkey && src->window.type != WIN_NONE) {
                for (int p = JP_WINDOWSTART; p <= JP_WINDOWEND; p++) {
                    StarCol *sc = &qb->star[qb->nstar++];
                    sc->qual = src->name;
                    sc->alt_qual = q;
                    sc->ref_qual = q;
                    sc->ref_name = pseudo_names[p];
                    sc->out_name = arena_printf(a, "%s_%s", q, pseudo_names[p]);
                }
            }
            if (c == src->schema.ncols) break;
            StarCol *sc = &qb->star[qb->nstar++];
            sc->qual = src->name;
            sc->alt_qual = q;
            sc->ref_qual = q;
            sc->ref_name = src->schema.cols[c].name;
            sc->out_name = arena_printf(a, "%s_%s", q, src->schema.cols[c].name);
        }
    }
}

const char *qb_join_column_name(QB *qb, const AstExpr *col)
{
    if (!col->qualifier) return col->name;
    int n = 0;
    int p = pseudo_of(col->name);
    for (int i = 0; i < qb->nsrc; i++) {
        if (p >= 0) {
            if (p < JP_WINDOWSTART || qb->srcs[i]->window.type != WIN_NONE) n++;
        } else if (schema_find(&qb->srcs[i]->schema, col->name) >= 0) {
            n++;
        }
    }
    if (n <= 1) return col->name;
    return arena_printf(qb->a, "%s_%s", col->qualifier, col->name);
}

int qb_join_keys(QB *qb, int *nkeys, Expr ***keys_out, const AstExpr ***key_ast_out,
                 const char **what)
{
    const JoinRel *r = qb->join_rel;
    Arena *a = qb->a;
    const Schema *sc = &r->step->schema;
    int nk = r->nkeys;
    Expr **keys = arena_zalloc(a, sizeof(Expr *) * (size_t)nk);
    const AstExpr **key_ast = arena_zalloc(a, sizeof(AstExpr *) * (size_t)nk);
    int missing[QB_MAX_SOURCES * 4], nmissing = 0;
    for (int k = 0; k < nk; k++) {
        keys[k] = expr_column(a, k, sc->cols[k].type);
        AstExpr *ka = ast_expr_new(a, AST_COLUMN, -1);
        ka->name = sc->cols[k].name;
        key_ast[k] = ka;
        bool present = false;
        for (int i = 0; i < qb->nitems && !present; i++)
            if (qb->items[i].bound && expr_equal(qb->items[i].bound, keys[k])) present = true;
        /* The first equivalent column the projection carries becomes the key. */
        for (int v = 0; v < r->nviable && !present; v++) {
            if (r->viable_key[v] != k) continue;
            Expr *col = expr_column(a, r->viable[v], sc->cols[r->viable[v]].type);
            for (int i = 0; i < qb->nitems; i++) {
                SelItem *si = &qb->items[i];
                if (!si->bound || !expr_equal(si->bound, col)) continue;
                si->bound = keys[k];
                present = true;
            }
            if (present) key_ast[k] = r->viable_ast[v];
        }
        if (!present && nmissing < (int)(sizeof missing / sizeof missing[0]))
            missing[nmissing++] = k;
    }
    if (nmissing && qb->persistent && !qb->keys_optional) {
        /* ksqlDB's messages for a missing join key. */
        StrBuf sb = STRBUF_INIT;
        if (r->fk) {
            const Source *ls = qb->srcs[r->first];
            for (int i = 0; i < nmissing; i++) {
                if (i) sb_puts(&sb, ", ");
                sb_printf(&sb, "`%s`",
                          missing[i] < ls->schema.nkey ? ls->schema.cols[missing[i]].name
                                                       : sc->cols[missing[i]].name);
            }
            err_set(qb->err, ERR_SEMANTIC, qb->sel->offset,
                    "Primary key column%s missing in projection. For foreign-key table-table "
                    "joins, the projection must include all primary key columns from the left "
                    "input table (`%s`). Missing column%s: %s.",
                    nmissing > 1 ? "s" : "", qb->quals[r->first], nmissing > 1 ? "s" : "",
                    sb_cstr(&sb));
        } else if (r->synthetic) {
            err_set(qb->err, ERR_SEMANTIC, qb->sel->offset,
                    "Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\n"
                    "The query used to build `%s` must include the join expression %s in its "
                    "projection (eg, SELECT %s...).\n%s was added as a synthetic key column "
                    "because the join criteria did not match any source column. This "
                    "expression must be included in the projection and may be aliased.",
                    qb->sink_name, r->synthetic, r->synthetic, r->synthetic);
        } else {
            const char *alts[MAX_VIABLE];
            int nalt = 0;
            for (int v = 0; v < r->nviable; v++)
                if (r->viable_key[v] == missing[0]) alts[nalt++] = ast_text(a, r->viable_ast[v]);
            if (nalt == 0) alts[nalt++] = sc->cols[missing[0]].name;
            join_words(&sb, alts, nalt, " or ");
            err_set(qb->err, ERR_SEMANTIC, qb->sel->offset,
                    "Key%s missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\n"
                    "The query used to build `%s` must include the join expression%s %s in its "
                    "projection (eg, SELECT %s...).",
                    nalt > 1 ? "s" : "", qb->sink_name, nalt > 1 ? "s" : "", sb_cstr(&sb), alts[0]);
        }
        sb_free(&sb);
        return ERR_SEMANTIC;
    }
    *nkeys = nk;
    *keys_out = keys;
    *key_ast_out = key_ast;
    *what = "join expression";
    return 0;
}
