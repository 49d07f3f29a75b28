/*
 * plan_query.c - planning SELECTs: CREATE STREAM/TABLE AS SELECT, INSERT INTO ...
 * SELECT and push queries, into steps (plan.h).
 *
 * The shapes follow ksqlDB's logical planner:
 *   stateless:  SOURCE -> [FILTER where] -> [FLATMAP] -> SELECT -> SINK
 *   aggregate:  SOURCE -> [FILTER where] -> [REKEY (repartition)] -> AGGREGATE
 *               -> [FILTER having] -> SELECT -> SINK
 *               (EMIT FINAL makes the AGGREGATE emit each window when it closes)
 *   joins:      see plan_join.c
 * and so do the rules for key columns (the projection must carry them),
 * generated column names (KSQL_COL_n) and sink properties.
 */
#include "ddl_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan_int.h"

/* ---------------------------------------------------------------- plan basics */

void plan_free(Plan *p)
{
    if (!p) return;
    if (__atomic_fetch_sub(&p->refs, 1, __ATOMIC_ACQ_REL) > 0) return;
    arena_free(&p->arena);
    free(p);
}

Plan *plan_ref(Plan *p)
{
    __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
    return p;
}

Step *plan_step_new(Plan *p, StepKind kind, Step *input)
{
    Step *s = arena_zalloc(&p->arena, sizeof *s);
    s->kind = kind;
    s->input = input;
    s->ts_col = -1;
    s->join_grace_ms = -1;
    if (input) {
        s->schema = input->schema;
        s->is_table = input->is_table;
        s->window = input->window;
    }
    s->id = p->nsteps;
    p->steps = arena_realloc(&p->arena, p->steps, sizeof(Step *) * (size_t)p->nsteps,
                             sizeof(Step *) * (size_t)(p->nsteps + 1));
    p->steps[p->nsteps++] = s;
    p->root = s;
    return s;
}

/* ---------------------------------------------------------------- helpers */

Expr *expr_shift(Arena *a, const Expr *e, int delta)
{
    if (!e) return NULL;
    Expr *c = arena_alloc(a, sizeof *c);
    *c = *e;
    if (c->kind == EX_COLUMN) c->index += delta;
    if (e->nargs) {
        c->args = arena_alloc(a, sizeof(Expr *) * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++)
            c->args[i] = expr_shift(a, e->args[i], delta);
    }
    return c;
}

static bool is_pseudo_name(const char *n)
{
    return ddl_reserved_column(n);
}

/* Builds a scope over `sc` where every column is visible under `qual` (and `alias`). */
void scope_from_schema(Arena *a, Scope *s, const Schema *sc, const char *qual, const char *alias)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < sc->ncols; i++) {
        scope_add(a, s, qual, sc->cols[i].name, i, sc->cols[i].type);
        if (alias && strcmp(alias, qual) != 0)
            scope_add(a, s, alias, sc->cols[i].name, i, sc->cols[i].type);
    }
    if (qual) scope_add_qual(s, qual);
    if (alias && (!qual || strcmp(alias, qual) != 0)) scope_add_qual(s, alias);
}

/* An AST column reference synthesised by * expansion. */
static AstExpr *ast_col(Arena *a, const char *qual, const char *name, int offset)
{
    AstExpr *e = ast_expr_new(a, AST_COLUMN, offset);
    e->qualifier = qual;
    e->name = name;
    e->quoted = ident_needs_quotes(name);
    return e;
}

/* Copies an AST expression, qualifying unqualified column references with
 * `qual` (ksqlDB prints rewritten expressions that way in some messages). */
static AstExpr *ast_qualify(Arena *a, const AstExpr *e, const char *qual)
{
    if (!e) return NULL;
    AstExpr *c = arena_alloc(a, sizeof *c);
    *c = *e;
    if (c->kind == AST_COLUMN && !c->qualifier && !is_pseudo_name(c->name)) c->qualifier = qual;
    c->left = ast_qualify(a, e->left, qual);
    c->right = ast_qualify(a, e->right, qual);
    if (e->nargs && e->kind != AST_LAMBDA) {
        c->args = arena_alloc(a, sizeof(AstExpr *) * (size_t)e->nargs);
        for (int i = 0; i < e->nargs; i++)
            c->args[i] = ast_qualify(a, e->args[i], qual);
    }
    return c;
}

static const char *service_id(const Props *p)
{
    return props_get_str(p, "ksql.service.id", "default_");
}

/* "A, B and C" */
static void join_names(StrBuf *sb, const char *const *names, int n)
{
    for (int i = 0; i < n; i++) {
        if (i) sb_puts(sb, i == n - 1 ? " and " : ", ");
        sb_puts(sb, names[i]);
    }
}

/* ---------------------------------------------------------------- FROM */

int qb_from(QB *qb)
{
    const AstRelation *rel = qb->sel->from;
    if (rel->kind == AST_REL_JOIN) return qb_join(qb);
    Source *src = catalog_find(qb->req->catalog, rel->name);
    if (!src) {
        int line, col;
        err_line_col(qb->req->text, rel->offset, &line, &col);
        return err_set(qb->err, ERR_SEMANTIC, rel->offset,
                       "Line: %d, Col: %d: Source `%s` does not exist.", line, col, rel->name);
    }
    Step *s = plan_step_new(qb->plan, STEP_SOURCE, NULL);
    qb_fill_source_step(qb, s, src, rel->alias);
    qb->cur = s;
    qb->nsrc = 1;
    qb->srcs[0] = src;
    qb->quals[0] = rel->alias ? rel->alias : src->name;
    scope_from_schema(qb->a, &qb->scope, &s->schema, src->name, rel->alias);
    qb->scope.windowed = src->window.type != WIN_NONE;
    return 0;
}

void qb_fill_source_step(QB *qb, Step *s, const Source *src, const char *alias)
{
    Arena *a = qb->a;
    s->name = "KsqlTopic/Source";
    s->source_name = arena_strdup(a, src->name);
    s->alias = alias ? arena_strdup(a, alias) : s->source_name;
    s->topic = arena_strdup(a, src->topic);
    s->key_fmt = src->key_fmt;
    s->val_fmt = src->val_fmt;
    s->ts_col = src->ts_col;
    s->ts_format = src->ts_format ? arena_strdup(a, src->ts_format) : NULL;
    s->schema = schema_copy(a, &src->schema);
    s->is_table = src->is_table;
    s->window = src->window;
    qb->plan->sources =
        arena_realloc(a, qb->plan->sources, sizeof(char *) * (size_t)qb->plan->nsources,
                      sizeof(char *) * (size_t)(qb->plan->nsources + 1));
    qb->plan->sources[qb->plan->nsources++] = s->source_name;
}

/* ---------------------------------------------------------------- SELECT items */

static void bctx_init(QB *qb, BindCtx *c, const char *clause, const Scope *scope)
{
    memset(c, 0, sizeof *c);
    c->arena = qb->a;
    c->catalog = qb->req->catalog;
    c->props = qb->req->props;
    c->text = qb->req->text;
    c->clause = clause;
    c->scope = scope;
    c->err = qb->err;
}

/* Expands *, src.* and struct->* into one item per column. */
static int expand_items(QB *qb)
{
    const AstSelect *sel = qb->sel;
    Arena *a = qb->a;
    int cap = 16;
    qb->items = arena_zalloc(a, sizeof(SelItem) * (size_t)cap);
    qb->nitems = 0;
    for (int i = 0; i < sel->nitems; i++) {
        const AstSelectItem *it = &sel->items[i];
        if (it->star) {
            int added = 0;
            for (int k = 0; k < qb->nstar; k++) {
                const StarCol *sc = &qb->star[k];
                if (it->star_qualifier && strcmp(it->star_qualifier, sc->qual) != 0 &&
                    !(sc->alt_qual && strcmp(it->star_qualifier, sc->alt_qual) == 0))
                    continue;
                if (qb->nitems == cap) {
                    qb->items = arena_realloc(a, qb->items, sizeof(SelItem) * (size_t)cap,
                                              sizeof(SelItem) * (size_t)cap * 2);
                    cap *= 2;
                }
                SelItem *si = &qb->items[qb->nitems++];
                memset(si, 0, sizeof *si);
                si->ast = sc->expr ? sc->expr : ast_col(a, sc->ref_qual, sc->ref_name, it->offset);
                si->name = sc->out_name;
                si->from_star = true;
                si->offset = it->offset;
                added++;
            }
            if (it->star_qualifier && added == 0) {
                bool known = false;
                for (int k = 0; k < qb->nsrc; k++)
                    if (strcmp(qb->quals[k], it->star_qualifier) == 0 ||
                        strcmp(qb->srcs[k]->name, it->star_qualifier) == 0)
                        known = true;
                if (!known)
                    return err_set(qb->err, ERR_SEMANTIC, it->offset,
                                   "'%s' is not a valid stream/table name or alias.",
                                   it->star_qualifier);
            }
            continue;
        }
        if (it->struct_star) {
            BindCtx c;
            bctx_init(qb, &c, "SELECT", &qb->scope);
            c.probing = true;
            Expr *base = bind_expr(&c, it->expr);
            if (!base) return qb->err->code;
            if (base->type->kind != TYPE_STRUCT)
                return err_set(qb->err, ERR_SEMANTIC, it->offset,
                               "Can't dereference a non-struct type: %s", ast_text(a, it->expr));
            for (int f = 0; f < base->type->nfields; f++) {
                if (qb->nitems == cap) {
                    qb->items = arena_realloc(a, qb->items, sizeof(SelItem) * (size_t)cap,
                                              sizeof(SelItem) * (size_t)cap * 2);
                    cap *= 2;
                }
                AstExpr *d = ast_expr_new(a, AST_DEREF, it->offset);
                d->left = it->expr;
                d->name = base->type->fields[f].name;
                SelItem *si = &qb->items[qb->nitems++];
                memset(si, 0, sizeof *si);
                si->ast = d;
                si->offset = it->offset;
            }
            continue;
        }
        if (qb->nitems == cap) {
            qb->items = arena_realloc(a, qb->items, sizeof(SelItem) * (size_t)cap,
                                      sizeof(SelItem) * (size_t)cap * 2);
            cap *= 2;
        }
        SelItem *si = &qb->items[qb->nitems++];
        memset(si, 0, sizeof *si);
        si->ast = it->expr;
        si->offset = it->offset;
        if (it->alias) {
            si->name = it->alias;
            si->aliased = true;
        }
    }
    return 0;
}

/* ksqlDB's default names: column name, struct field name, else KSQL_COL_n. */
static int name_items(QB *qb)
{
    int gen = 0;
    for (int i = 0; i < qb->nitems; i++) {
        SelItem *si = &qb->items[i];
        if (si->aliased && qb->persistent && is_pseudo_name(si->name))
            return err_set(qb->err, ERR_SEMANTIC, si->offset,
                           "`%s` is a reserved column name. You cannot use it as an alias for a "
                           "column.",
                           si->name);
        if (si->name) continue;
        const AstExpr *e = si->ast;
        if (e->kind == AST_COLUMN) {
            si->name = qb_column_output_name(qb, e);
            if (qb->persistent && !si->from_star && is_pseudo_name(si->name) &&
                strcmp(si->name, "ROWTIME") != 0 &&
                !(qb->windowed_output &&
                  (strcmp(si->name, "WINDOWSTART") == 0 || strcmp(si->name, "WINDOWEND") == 0)))
                return err_set(qb->err, ERR_SEMANTIC, si->offset,
                               "Reserved column name in select: `%s`. Please remove or alias the "
                               "column.",
                               si->name);
        } else if (e->kind == AST_DEREF) {
            si->name = e->name;
        } else {
            for (;;) {
                char buf[32];
                snprintf(buf, sizeof buf, "KSQL_COL_%d", gen++);
                bool taken = false;
                for (int j = 0; j < qb->nitems; j++)
                    if (qb->items[j].name && strcmp(qb->items[j].name, buf) == 0) taken = true;
                if (!taken) {
                    si->name = arena_strdup(qb->a, buf);
                    break;
                }
            }
        }
    }
    return 0;
}

/* The output name of a selected column: in joins, ksqlDB's join-schema name. */
const char *qb_column_output_name(QB *qb, const AstExpr *e)
{
    if (qb->join_names) return qb_join_column_name(qb, e);
    return e->name;
}

/* ---------------------------------------------------------------- sink */

static int check_sink_name(QB *qb, const AstStmt *st)
{
    Source *existing = catalog_find(qb->req->catalog, st->name);
    if (existing && !st->or_replace && !st->if_not_exists)
        return err_set(qb->err, ERR_EXISTS, st->offset,
                       "Cannot add %s '%s': A %s with the same name already exists",
                       st->is_table ? "table" : "stream", st->name,
                       existing->is_table ? "table" : "stream");
    if (existing && st->or_replace && existing->is_table != st->is_table)
        return err_set(qb->err, ERR_SEMANTIC, st->offset,
                       "Cannot add %s '%s': A %s with the same name already exists",
                       st->is_table ? "table" : "stream", st->name,
                       existing->is_table ? "table" : "stream");
    return 0;
}

/* Builds the sink Source of CREATE ... AS SELECT from the final step. */
static int build_sink(QB *qb, Step *last, Source **out)
{
    const AstStmt *st = qb->req->stmt;
    EddyError *err = qb->err;
    if (ddl_check_props(st, err) < 0) return ERR_SEMANTIC;
    Source *snk = source_new(st->name);
    Arena *a = &snk->arena;
    snk->is_table = last->is_table;
    snk->is_sink = true;
    snk->sql = arena_strdup(a, qb->req->text);
    snk->schema = schema_copy(a, &last->schema);
    for (int i = 0; i < snk->schema.ncols; i++)
        snk->schema.cols[i].role = i < snk->schema.nkey ? COL_KEY : COL_VALUE;
    snk->window = last->window;
    snk->writer_query = qb->req->query_id ? arena_strdup(a, qb->req->query_id) : NULL;
    const char *topic = ddl_prop_text(a, ddl_prop(st, "KAFKA_TOPIC"));
    if (!topic) {
        const char *prefix = props_get_str(qb->req->props, "ksql.output.topic.name.prefix", "");
        topic = arena_printf(a, "%s%s", prefix, st->name);
    }
    snk->topic = topic;
    const Source *in = qb->srcs[0];
    bool key_explicit;
    FormatKind ik = in->key_fmt.kind, iv = in->val_fmt.kind;
    if (qb->njoin_srcs > 1) ik = qb->join_key_fmt;
    if (ddl_formats(st, qb->req->props, a, snk->schema.nkey > 0, false, ik, iv, &snk->key_fmt,
                    &snk->val_fmt, &key_explicit, err) < 0)
        goto fail;
    /* The inherited delimiter carries over unless a new format was chosen. */
    if (snk->val_fmt.kind == FMT_DELIMITED && in->val_fmt.kind == FMT_DELIMITED &&
        !ddl_prop(st, "VALUE_DELIMITER") && !ddl_prop(st, "VALUE_FORMAT") &&
        !ddl_prop(st, "FORMAT"))
        snk->val_fmt.delimiter = in->val_fmt.delimiter;
    if (snk->key_fmt.kind == FMT_DELIMITED && in->key_fmt.kind == FMT_DELIMITED &&
        !ddl_prop(st, "KEY_DELIMITER") && !key_explicit)
        snk->key_fmt.delimiter = in->key_fmt.delimiter;
    int nval = snk->schema.ncols - snk->schema.nkey;
    if (ddl_wrapping(st, qb->req->props, a, nval, &snk->val_fmt, err) < 0) goto fail;
    if (nval == 0) {
        err_set(err, ERR_SEMANTIC, st->offset, "The projection contains no value columns.");
        goto fail;
    }
    if (ddl_validate_key_types(&snk->schema, err) < 0) goto fail;
    if (qb_validate_sink_formats(qb, snk) < 0) goto fail;
    const char *ts = ddl_prop_text(a, ddl_prop(st, "TIMESTAMP"));
    if (ts) {
        char up[256];
        snprintf(up, sizeof up, "%s", ts);
        for (char *p = up; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        int idx = schema_find(&snk->schema, up);
        if (idx < 0) {
            err_set(
                err, ERR_SEMANTIC, -1,
                "The TIMESTAMP column set in the WITH clause does not exist in the schema: '%s'",
                up);
            goto fail;
        }
        snk->ts_col = idx;
        snk->ts_format = ddl_prop_text(a, ddl_prop(st, "TIMESTAMP_FORMAT"));
    }
    const char *parts = ddl_prop_text(a, ddl_prop(st, "PARTITIONS"));
    if (parts) {
        snk->partitions = atoi(parts);
    } else if (props_get(qb->req->props, "ksql.sink.partitions")) {
        snk->partitions = (int)props_get_i64(qb->req->props, "ksql.sink.partitions", 1);
    } else {
        snk->partitions = in->partitions;
    }
    const char *repl = ddl_prop_text(a, ddl_prop(st, "REPLICAS"));
    if (repl)
        snk->replicas = atoi(repl);
    else if (props_get(qb->req->props, "ksql.sink.replicas"))
        snk->replicas = (int)props_get_i64(qb->req->props, "ksql.sink.replicas", 1);
    else
        snk->replicas = in->replicas ? in->replicas : 1;
    if (st->or_replace) {
        const Source *old = catalog_find(qb->req->catalog, st->name);
        if (old && old->is_table == snk->is_table && ddl_check_upgrade(old, snk, err) < 0)
            goto fail;
    }
    *out = snk;
    return 0;
fail:
    source_free(snk);
    return err->code ? err->code : ERR_SEMANTIC;
}

/* The statement as ksqlDB's AstSanitizer rewrites it (columns qualified with the
 * source name, every item aliased, the source aliased, EMIT CHANGES), printed the
 * way its SqlFormatter prints it. */
void qb_sanitized_sql(QB *qb, StrBuf *sb)
{
    Arena *a = qb->a;
    const char *src = qb->srcs[0]->name;
    AstStmt st = *qb->req->stmt;
    AstSelect sel = *qb->sel;
    sel.nitems = qb->nitems;
    sel.items = arena_zalloc(a, sizeof(AstSelectItem) * (size_t)(qb->nitems ? qb->nitems : 1));
    for (int i = 0; i < qb->nitems; i++) {
        sel.items[i].expr = ast_qualify(a, qb->items[i].ast, src);
        sel.items[i].alias = qb->items[i].name;
    }
    AstRelation from = *sel.from;
    if (!from.alias) from.alias = src;
    sel.from = &from;
    if (sel.where) sel.where = ast_qualify(a, sel.where, src);
    if (sel.having) sel.having = ast_qualify(a, sel.having, src);
    AstExpr **g = arena_zalloc(a, sizeof(AstExpr *) * (size_t)(sel.ngroup ? sel.ngroup : 1));
    for (int i = 0; i < sel.ngroup; i++)
        g[i] = ast_qualify(a, sel.group_by[i], src);
    sel.group_by = sel.ngroup ? g : NULL;
    AstExpr **pb =
        arena_zalloc(a, sizeof(AstExpr *) * (size_t)(sel.npartition ? sel.npartition : 1));
    for (int i = 0; i < sel.npartition; i++)
        pb[i] = ast_qualify(a, sel.partition_by[i], src);
    sel.partition_by = sel.npartition ? pb : NULL;
    if (sel.emit == AST_EMIT_NONE) sel.emit = AST_EMIT_CHANGES;
    st.select = &sel;
    ast_stmt_print(sb, &st);
}

/* Key and value formats must carry the sink's columns (format_validate gives
 * ksqlDB's "Key format does not support schema" texts). */
int qb_validate_sink_formats(QB *qb, const Source *snk)
{
    EddyError *err = qb->err;
    const Schema *sc = &snk->schema;
    const char *names[sc->ncols > 0 ? sc->ncols : 1];
    const Type *types[sc->ncols > 0 ? sc->ncols : 1];
    for (int i = 0; i < sc->nkey; i++) {
        names[i] = sc->cols[i].name;
        types[i] = sc->cols[i].type;
    }
    if (format_validate(&snk->key_fmt, true, sc->nkey, names, types, err) < 0) {
        /* ksqlDB shows the statement as it rewrote it: qualified, aliased. */
        if (qb->nsrc == 1 && !qb->join_names) {
            StrBuf sb = STRBUF_INIT;
            qb_sanitized_sql(qb, &sb);
            size_t used = strlen(err->msg);
            snprintf(err->msg + used, sizeof err->msg - used, "\nStatement: %s", sb_cstr(&sb));
            sb_free(&sb);
        }
        return ERR_SEMANTIC;
    }
    int nv = 0;
    for (int i = sc->nkey; i < sc->ncols; i++) {
        names[nv] = sc->cols[i].name;
        types[nv++] = sc->cols[i].type;
    }
    if (format_validate(&snk->val_fmt, false, nv, names, types, err) < 0) return ERR_SEMANTIC;
    return 0;
}

/* ---------------------------------------------------------------- keys */

/* Finds the projection items carrying each key expression. keys[k] is bound
 * against the same scope as the items. On success key_item[k] is the item. */
static int match_keys(QB *qb, int nkeys, Expr **keys, const AstExpr *const *key_ast,
                      const char *what, int *key_item)
{
    Arena *a = qb->a;
    const char *missing[64];
    int nmissing = 0;
    for (int k = 0; k < nkeys; k++) {
        key_item[k] = -1;
        const char *first = NULL;
        for (int i = 0; i < qb->nitems; i++) {
            SelItem *si = &qb->items[i];
            if (!si->bound || !expr_equal(si->bound, keys[k])) continue;
            if (key_item[k] < 0) {
                key_item[k] = i;
                first = si->name;
                si->key_pos = k;
            } else if (qb->persistent) {
                if (strcmp(what, "grouping expression") == 0)
                    return err_set(qb->err, ERR_SEMANTIC, si->offset,
                                   "The projection contains a key column more than once: `%s` and "
                                   "`%s`.",
                                   first, si->name);
                /* ksqlDB lists the aliases in order. */
                const char *a1 = first, *a2 = si->name;
                if (strcmp(a1, a2) > 0) {
                    a1 = si->name;
                    a2 = first;
                }
                return err_set(qb->err, ERR_SEMANTIC, si->offset,
                               "The projection contains a key column (`%s`) more than once, "
                               "aliased as: %s and %s.",
                               first, a1, a2);
            }
        }
        if (key_item[k] < 0) nmissing++;
    }
    if (nmissing && qb->persistent && !qb->keys_optional) {
        /* ksqlDB names every key column or partitioning expression when one is
         * missing, and only the missing grouping expressions. */
        bool all = strcmp(what, "grouping expression") != 0;
        nmissing = 0;
        for (int k = 0; k < nkeys && k < 64; k++)
            if (all || key_item[k] < 0) missing[nmissing++] = ast_text(a, key_ast[k]);
        StrBuf sb = STRBUF_INIT, eg = STRBUF_INIT;
        join_names(&sb, missing, nmissing);
        for (int i = 0; i < nmissing; i++) {
            if (i) sb_puts(&eg, ", ");
            sb_puts(&eg, missing[i]);
        }
        err_set(qb->err, ERR_SEMANTIC, qb->sel->offset,
                "The query used to build `%s` must include the %s%s %s in its projection (eg, "
                "SELECT %s...).",
                qb->sink_name, what, nmissing > 1 ? "s" : "", sb_cstr(&sb), sb_cstr(&eg));
        sb_free(&sb);
        sb_free(&eg);
        return ERR_SEMANTIC;
    }
    return 0;
}

/* The final SELECT step: keys (in key order) then the other items in order. */
static Step *select_step(QB *qb, Step *input, int nkeys, const int *key_item, bool push_order)
{
    Arena *a = qb->a;
    Step *s = plan_step_new(qb->plan, STEP_SELECT, input);
    s->name = "Project";
    int n = qb->nitems;
    s->schema.cols = arena_zalloc(a, sizeof(Column) * (size_t)(n ? n : 1));
    s->exprs = arena_zalloc(a, sizeof(Expr *) * (size_t)(n ? n : 1));
    int k = 0;
    if (push_order) {
        for (int i = 0; i < n; i++) {
            SelItem *si = &qb->items[i];
            s->schema.cols[k] = (Column){type_intern_name(si->name), si->bound->type,
                                         si->key_pos >= 0 ? COL_KEY : COL_VALUE, NULL};
            s->exprs[k++] = si->bound;
        }
        s->schema.nkey = 0;
        s->schema.ncols = k;
        return s;
    }
    for (int kk = 0; kk < nkeys; kk++) {
        if (key_item[kk] < 0) continue;
        SelItem *si = &qb->items[key_item[kk]];
        s->schema.cols[k] = (Column){type_intern_name(si->name), si->bound->type, COL_KEY, NULL};
        s->exprs[k++] = si->bound;
    }
    s->schema.nkey = k;
    for (int i = 0; i < n; i++) {
        SelItem *si = &qb->items[i];
        bool is_key = false;
        for (int kk = 0; kk < nkeys; kk++)
            if (key_item[kk] == i) is_key = true;
        if (is_key) continue;
        s->schema.cols[k] = (Column){type_intern_name(si->name), si->bound->type, COL_VALUE, NULL};
        s->exprs[k++] = si->bound;
    }
    s->schema.ncols = k;
    return s;
}

static int check_duplicate_names(QB *qb)
{
    for (int i = 0; i < qb->nitems; i++)
        for (int j = i + 1; j < qb->nitems; j++)
            if (strcmp(qb->items[i].name, qb->items[j].name) == 0 && qb->persistent)
                return err_set(qb->err, ERR_SEMANTIC, qb->items[j].offset,
                               "Duplicate value columns found in schema: `%s` %s",
                               qb->items[j].name,
                               qb->items[j].bound ? type_name(qb->items[j].bound->type) : "");
    return 0;
}

/* ---------------------------------------------------------------- WHERE */

static int plan_where(QB *qb)
{
    const AstExpr *w = qb->sel->where;
    if (!w) return 0;
    BindCtx c;
    bctx_init(qb, &c, "WHERE", &qb->scope);
    Expr *p = bind_expr(&c, w);
    if (!p) {
        /* The bounds of the query's own WINDOW do not exist before it. */
        const char *bound = strstr(qb->err->msg, "column 'WINDOWSTART'") ? "WINDOWSTART"
                            : strstr(qb->err->msg, "column 'WINDOWEND'") ? "WINDOWEND"
                                                                         : NULL;
        if (qb->sel->window && bound)
            return err_set(qb->err, qb->err->code, qb->err->offset,
                           "Error in WHERE expression: Unknown column %s.", bound);
        if (strstr(qb->err->msg, "cannot be resolved") || strstr(qb->err->msg, "is not a valid"))
            return qb->err->code;
        char msg[ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", qb->err->msg);
        return err_set(qb->err, qb->err->code, qb->err->offset,
                       "Error in WHERE expression: %s\nStatement: %s", msg, ast_text(qb->a, w));
    }
    if (p->type->kind != TYPE_BOOLEAN && p->type->kind != TYPE_NULL)
        return err_set(
            qb->err, ERR_SEMANTIC, w->offset,
            "Type error in WHERE expression: Should evaluate to boolean but is %s (%s) instead.",
            ast_text(qb->a, w), type_name(p->type));
    /* A filter over a table tells a row that stops matching (a tombstone) from
     * one that never matched only if it keeps the table's rows: ksqlDB's table
     * sources are materialized, so its filters see old values. */
    if (qb->plan->kind != PLAN_PULL && qb->cur->kind == STEP_SOURCE && qb->cur->is_table)
        qb->cur->materialize = true;
    Step *f = plan_step_new(qb->plan, STEP_FILTER, qb->cur);
    f->name = "WhereFilter";
    f->pred = p;
    qb->cur = f;
    return 0;
}

/* ---------------------------------------------------------------- stateless */

static int plan_stateless(QB *qb)
{
    Arena *a = qb->a;
    const AstSelect *sel = qb->sel;
    Step *in = qb->cur;
    bool table = in->is_table;

    TfBinding tb = {0};
    tb.base = in->schema.ncols;
    tb.in_scope = &qb->scope;
    tb.collecting = true;
    for (int i = 0; i < qb->nitems; i++) {
        SelItem *si = &qb->items[i];
        BindCtx c;
        bctx_init(qb, &c, "SELECT", &qb->scope);
        c.tf = &tb;
        si->key_pos = -1;
        si->bound = bind_expr(&c, si->ast);
        if (!si->bound) return qb->err->code;
    }
    if (tb.n) {
        if (table)
            return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                           "Table source is not supported with table functions");
        Step *fm = plan_step_new(qb->plan, STEP_FLATMAP, in);
        fm->name = "FlatMap";
        int n = in->schema.ncols + tb.n;
        fm->schema.cols = arena_zalloc(a, sizeof(Column) * (size_t)n);
        memcpy(fm->schema.cols, in->schema.cols, sizeof(Column) * (size_t)in->schema.ncols);
        for (int i = 0; i < tb.n; i++)
            fm->schema.cols[in->schema.ncols + i] =
                (Column){type_intern_name(arena_printf(a, "KSQL_SYNTH_%d", i)), tb.calls[i]->type,
                         COL_VALUE, NULL};
        fm->schema.ncols = n;
        fm->ntfs = tb.n;
        fm->tfs = tb.calls;
        in = fm;
    }

    /* Key columns of the output. */
    int nkeys = 0;
    Expr **keys = NULL;
    const AstExpr **key_ast = NULL;
    const char *what = "key column";
    if (sel->has_partition_by && sel->npartition == 0)
        return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                       "PARTITION BY requires at least one expression");
    if (sel->npartition > 0) {
        if (table)
            return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                           "PARTITION BY is not supported on tables");
        bool has_null = false;
        for (int i = 0; i < sel->npartition; i++)
            if (sel->partition_by[i]->kind == AST_NULL) has_null = true;
        if (has_null && sel->npartition > 1)
            return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                           "Cannot PARTITION BY multiple columns including NULL");
        if (!has_null) {
            nkeys = sel->npartition;
            keys = arena_zalloc(a, sizeof(Expr *) * (size_t)nkeys);
            key_ast = arena_zalloc(a, sizeof(AstExpr *) * (size_t)nkeys);
            for (int i = 0; i < nkeys; i++) {
                BindCtx c;
                bctx_init(qb, &c, "PARTITION BY", &qb->scope);
                keys[i] = bind_expr(&c, sel->partition_by[i]);
                if (!keys[i]) {
                    if (strstr(qb->err->msg, "cannot be resolved")) {
                        const AstExpr *pe = sel->partition_by[i];
                        char msg[ERR_MSG_MAX];
                        snprintf(msg, sizeof msg, "%s", qb->err->msg);
                        size_t l = strlen(msg);
                        if (l && msg[l - 1] == '.') msg[l - 1] = 0;
                        const char *nm = pe->kind == AST_COLUMN ? pe->name : ast_text(a, pe);
                        return err_set(qb->err, ERR_SEMANTIC, pe->offset,
                                       "%s. '%s' must be a column in the source schema since "
                                       "PARTITION BY is applied on the input.",
                                       msg, nm);
                    }
                    return qb->err->code;
                }
                key_ast[i] = qb->nsrc == 1 ? ast_qualify(a, sel->partition_by[i], qb->srcs[0]->name)
                                           : sel->partition_by[i];
            }
            what = "partitioning expression";
            /* A windowed key can only be kept, not replaced (ksqlDB's selectKey). */
            bool same_key = nkeys == in->schema.nkey;
            for (int i = 0; same_key && i < nkeys; i++)
                if (keys[i]->kind != EX_COLUMN || keys[i]->index != i) same_key = false;
            if (in->window.type != WIN_NONE && !same_key)
                return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                               "Implicit repartitioning of windowed sources is not supported. See "
                               "https://github.com/confluentinc/ksql/issues/4385.");
        }
    } else if (qb->join_names) {
        if (qb_join_keys(qb, &nkeys, &keys, &key_ast, &what) < 0) return qb->err->code;
    } else {
        nkeys = in->schema.nkey;
        keys = arena_zalloc(a, sizeof(Expr *) * (size_t)(nkeys ? nkeys : 1));
        key_ast = arena_zalloc(a, sizeof(AstExpr *) * (size_t)(nkeys ? nkeys : 1));
        for (int i = 0; i < nkeys; i++) {
            keys[i] = expr_column(a, i, in->schema.cols[i].type);
            key_ast[i] = ast_col(a, NULL, in->schema.cols[i].name, -1);
        }
    }
    int key_item[64];
    if (nkeys > 64) return err_set(qb->err, ERR_UNSUPPORTED, -1, "too many key columns");
    if (match_keys(qb, nkeys, keys, key_ast, what, key_item) < 0) return qb->err->code;
    if (qb->keys_optional && sel->npartition == 0 && !qb->join_names) {
        /* The new planner keeps the source keys in projection order. */
        int order[64], no = 0;
        for (int i = 0; i < qb->nitems; i++)
            for (int k = 0; k < nkeys; k++)
                if (key_item[k] == i && no < 64) order[no++] = i;
        for (int k = 0; k < nkeys; k++)
            key_item[k] = k < no ? order[k] : -1;
    }
    if (qb->persistent && check_duplicate_names(qb) < 0) return qb->err->code;
    Step *s = select_step(qb, in, nkeys, key_item, !qb->persistent);
    qb->cur = s;
    return 0;
}

/* ---------------------------------------------------------------- aggregation */

static void window_spec(const AstWindow *w, bool emit_final, WindowSpec *ws)
{
    memset(ws, 0, sizeof *ws);
    ws->type = w->kind == AST_WIN_TUMBLING  ? WIN_TUMBLING
               : w->kind == AST_WIN_HOPPING ? WIN_HOPPING
                                            : WIN_SESSION;
    ws->size_ms = w->size.ms;
    ws->advance_ms = w->kind == AST_WIN_HOPPING ? w->advance.ms : w->size.ms;
    ws->grace_given = w->grace.present;
    ws->grace_ms = w->grace.present ? w->grace.ms
                   : emit_final     ? 0 /* EMIT FINAL closes a window at its end */
                                    : planner_default_grace_ms(w->size.ms);
    /* Kafka Streams keeps a window for its size plus grace unless told otherwise. */
    int64_t min_ret = ws->size_ms + ws->grace_ms;
    ws->retention_ms =
        w->retention.present && w->retention.ms > min_ret ? w->retention.ms : min_ret;
}

/* The first aggregate call inside an expression, or NULL. */
static const AstExpr *find_aggregate(const AstExpr *e)
{
    if (!e) return NULL;
    if (ast_is_aggregate_call(e)) return e;
    const AstExpr *r = find_aggregate(e->left);
    if (!r) r = find_aggregate(e->right);
    for (int i = 0; !r && e->kind != AST_LAMBDA && i < e->nargs; i++)
        r = find_aggregate(e->args[i]);
    return r;
}

/* ksqlDB prints COUNT(*) as COUNT(ROWTIME) in its messages. */
static const char *agg_text(Arena *a, const AstExpr *e)
{
    if (e->kind == AST_FUNC && e->star) return arena_printf(a, "%s(ROWTIME)", e->name);
    return ast_text(a, e);
}

static bool group_is_source_key(const Step *in, int ng, Expr **group)
{
    if (ng != in->schema.nkey) return false;
    for (int i = 0; i < ng; i++)
        if (group[i]->kind != EX_COLUMN || group[i]->index != i) return false;
    return true;
}

static int plan_aggregate(QB *qb)
{
    Arena *a = qb->a;
    const AstSelect *sel = qb->sel;
    Step *in = qb->cur;
    int ng = sel->ngroup;

    /* Sources whose values are KAFKA-formatted cannot be grouped. */
    for (int i = 0; i < qb->nsrc; i++)
        if (qb->srcs[i]->val_fmt.kind == FMT_KAFKA)
            return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                           "Source(s) %s are using the 'KAFKA' value format. This format does not "
                           "yet support GROUP BY.",
                           qb->srcs[i]->name);
    if (in->is_table && sel->window)
        return err_set(qb->err, ERR_SEMANTIC, sel->window->offset,
                       "Windowing not supported for table aggregations.");
    /* GROUP BY expressions against the input. */
    Expr **group = arena_zalloc(a, sizeof(Expr *) * (size_t)(ng ? ng : 1));
    for (int i = 0; i < ng; i++) {
        if (ast_contains_aggregate(sel->group_by[i])) {
            const AstExpr *g = find_aggregate(sel->group_by[i]);
            return err_set(qb->err, ERR_SEMANTIC, sel->group_by[i]->offset,
                           "GROUP BY does not support aggregate functions: %s is an aggregate "
                           "function.",
                           g ? g->name : "?");
        }
        BindCtx c;
        bctx_init(qb, &c, "GROUP BY", &qb->scope);
        group[i] = bind_expr(&c, sel->group_by[i]);
        if (!group[i]) return qb->err->code;
        for (int j = 0; j < i; j++)
            if (expr_equal(group[j], group[i]))
                return err_set(qb->err, ERR_SEMANTIC, sel->group_by[i]->offset,
                               "Duplicate GROUP BY expression: %s",
                               ast_text(a, qb->nsrc == 1
                                               ? ast_qualify(a, sel->group_by[i], qb->srcs[0]->name)
                                               : sel->group_by[i]));
    }
    if (in->window.type != WIN_NONE && !group_is_source_key(in, ng, group))
        return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                       "Implicit repartitioning of windowed sources is not supported. See "
                       "https://github.com/confluentinc/ksql/issues/4385.");

    /* Bind the projection and HAVING over the aggregation. */
    AggBinding ab = {0};
    ab.ngroup = ng;
    ab.group = group;
    ab.in_scope = &qb->scope;
    ab.agg_base = ng;
    ab.collecting = true;
    Scope out_scope = {0};
    out_scope.no_pseudo = true;
    /* ksqlDB cannot resolve WINDOWSTART / WINDOWEND over a windowed aggregation
     * of a join (https://github.com/confluentinc/ksql/issues/5931). */
    out_scope.windowed = (sel->window != NULL && !qb->join_names) || in->window.type != WIN_NONE;
    const char *bad[64];
    int nbad = 0;
    for (int i = 0; i < qb->nitems; i++) {
        SelItem *si = &qb->items[i];
        BindCtx c;
        bctx_init(qb, &c, "SELECT", &out_scope);
        c.agg = &ab;
        c.allow_aggs = true;
        si->key_pos = -1;
        ab.bad = NULL;
        si->bound = bind_expr(&c, si->ast);
        if (!si->bound) return qb->err->code;
        if (ab.bad && nbad < 64) bad[nbad++] = ast_text(a, si->ast);
    }
    Expr *having = NULL;
    const AstExpr *having_bad = NULL;
    if (sel->having) {
        BindCtx c;
        bctx_init(qb, &c, "HAVING", &out_scope);
        c.agg = &ab;
        c.allow_aggs = true;
        ab.bad = NULL;
        having = bind_expr(&c, sel->having);
        if (!having && sel->window && strstr(qb->err->msg, "cannot be resolved")) {
            const char *bound = strstr(qb->err->msg, "'WINDOWSTART'") ? "WINDOWSTART"
                                : strstr(qb->err->msg, "'WINDOWEND'") ? "WINDOWEND"
                                                                      : NULL;
            if (bound)
                return err_set(qb->err, qb->err->code, qb->err->offset,
                               "Window bounds column %s can only be used in the SELECT clause "
                               "of windowed aggregations",
                               bound);
        }
        if (!having) return qb->err->code;
        having_bad = ab.bad;
        if (!having_bad && having->type->kind != TYPE_BOOLEAN && having->type->kind != TYPE_NULL)
            return err_set(qb->err, ERR_SEMANTIC, sel->having->offset,
                           "Type error in HAVING expression: Should evaluate to boolean but is %s "
                           "(%s) instead.",
                           ast_text(a, sel->having), type_name(having->type));
    }
    if (ab.naggs == 0 && ng > 0)
        return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                       "GROUP BY requires aggregate functions in either the SELECT or HAVING "
                       "clause.");
    if (nbad) {
        StrBuf sb = STRBUF_INIT;
        for (int i = 0; i < nbad; i++) {
            if (i) sb_puts(&sb, ", ");
            sb_puts(&sb, bad[i]);
        }
        err_set(qb->err, ERR_SEMANTIC, sel->offset,
                "Non-aggregate SELECT expression(s) not part of GROUP BY: %s\nEither add the "
                "column(s) to the GROUP BY or remove them from the SELECT.",
                sb_cstr(&sb));
        sb_free(&sb);
        return ERR_SEMANTIC;
    }
    if (having_bad)
        return err_set(qb->err, ERR_SEMANTIC, sel->having->offset,
                       "Non-aggregate HAVING expression not part of GROUP BY: %s",
                       ast_text(a, having_bad));
    if (ng == 0 && qb->persistent && !sel->window) {
        /* Aggregates without GROUP BY. */
        return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                       "%s statement does not support aggregate function [%s] without a GROUP BY "
                       "clause.",
                       qb->req->stmt->is_table ? "CREATE TABLE AS SELECT"
                                               : "CREATE STREAM AS SELECT",
                       ab.naggs ? agg_text(a, ab.agg_ast[0]) : "");
    }
    if (in->is_table) {
        const char *bad_aggs[16];
        int nb = 0;
        for (int i = 0; i < ab.naggs && nb < 16; i++)
            if (!ab.aggs[i].call->variant->agg || !ab.aggs[i].call->variant->agg->undo) {
                bool dup = false;
                for (int j = 0; j < nb; j++)
                    if (strcmp(bad_aggs[j], ab.aggs[i].call->def->name) == 0) dup = true;
                if (!dup) bad_aggs[nb++] = ab.aggs[i].call->def->name;
            }
        if (nb) {
            StrBuf sb = STRBUF_INIT;
            join_names(&sb, bad_aggs, nb);
            err_set(qb->err, ERR_SEMANTIC, sel->offset,
                    "The aggregation functions %s cannot be applied to a table source, only to a "
                    "stream source.",
                    sb_cstr(&sb));
            sb_free(&sb);
            return ERR_SEMANTIC;
        }
    }

    if (in->is_table) {
        /* Retractions need the previous row of every key: keep the table. */
        for (Step *s = in; s; s = s->input)
            if (s->kind == STEP_SOURCE) s->materialize = true;
    }
    /* Aggregate states are kept in the value format's changelog by ksqlDB: their
     * types must be ones the format can carry. */
    {
        const FormatSpec *vf = &qb->srcs[0]->val_fmt;
        for (int i = 0; i < ab.naggs; i++) {
            const Type *stt = ab.aggs[i].call->state_type;
            if (!stt) continue;
            bool ok = true;
            if (vf->kind == FMT_DELIMITED || vf->kind == FMT_KAFKA)
                ok = stt->kind != TYPE_ARRAY && stt->kind != TYPE_MAP && stt->kind != TYPE_STRUCT;
            if (!ok)
                return err_set(
                    qb->err, ERR_SEMANTIC, sel->offset,
                    "One of the functions used in the statement has an intermediate type "
                    "that the value format can not handle. Please remove the function or "
                    "change the format.");
        }
    }
    /* Repartition when the grouping differs from the source key (tables always). */
    Step *agg_in = in;
    Expr **agg_group = group;
    bool shifted = false;
    if (in->is_table || !group_is_source_key(in, ng, group)) {
        Step *rk = plan_step_new(qb->plan, STEP_REKEY, in);
        rk->name = "Aggregate/GroupBy";
        rk->repartition = true;
        rk->repartition_topic = arena_printf(
            a, "_confluent-ksql-%squery_%s-Aggregate-GroupBy-repartition",
            service_id(qb->req->props), qb->req->query_id ? qb->req->query_id : "transient");
        rk->nkeys = ng;
        rk->key_exprs = group;
        int n = ng + in->schema.ncols;
        rk->schema.cols = arena_zalloc(a, sizeof(Column) * (size_t)n);
        for (int i = 0; i < ng; i++)
            rk->schema.cols[i] = (Column){type_intern_name(arena_printf(a, "KSQL_GROUP_%d", i)),
                                          group[i]->type, COL_KEY, NULL};
        for (int i = 0; i < in->schema.ncols; i++) {
            rk->schema.cols[ng + i] = in->schema.cols[i];
            rk->schema.cols[ng + i].role = COL_VALUE;
        }
        rk->schema.ncols = n;
        rk->schema.nkey = ng;
        rk->is_table = in->is_table;
        agg_in = rk;
        agg_group = arena_zalloc(a, sizeof(Expr *) * (size_t)(ng ? ng : 1));
        for (int i = 0; i < ng; i++)
            agg_group[i] = expr_column(a, i, group[i]->type);
        shifted = true;
    }
    Step *ag = plan_step_new(qb->plan, STEP_AGGREGATE, agg_in);
    ag->name = "Aggregate/Aggregate";
    ag->ngroup = ng;
    ag->group_exprs = agg_group;
    ag->naggs = ab.naggs;
    ag->aggs = ab.aggs;
    ag->input_is_table = in->is_table;
    ag->is_table = true;
    if (shifted)
        for (int i = 0; i < ab.naggs; i++)
            for (int j = 0; j < ab.aggs[i].nargs; j++)
                ab.aggs[i].args[j] = expr_shift(a, ab.aggs[i].args[j], ng);
    if (sel->window) {
        window_spec(sel->window, sel->emit == AST_EMIT_FINAL, &ag->win);
        ag->window.type = ag->win.type;
        ag->window.size_ms = ag->win.type == WIN_SESSION ? 0 : ag->win.size_ms;
    } else {
        ag->window = in->window;
    }
    ag->store_name = arena_printf(a, "%s-Aggregate-Materialize",
                                  qb->req->query_id ? qb->req->query_id : "transient");
    ag->changelog_topic = arena_printf(a, "_confluent-ksql-%squery_%s-changelog",
                                       service_id(qb->req->props), ag->store_name);

    /* Names of the key columns: the matching projection items. */
    Expr **keys = arena_zalloc(a, sizeof(Expr *) * (size_t)(ng ? ng : 1));
    const AstExpr **key_ast = arena_zalloc(a, sizeof(AstExpr *) * (size_t)(ng ? ng : 1));
    for (int i = 0; i < ng; i++) {
        keys[i] = expr_column(a, i, group[i]->type);
        key_ast[i] = sel->group_by[i];
    }
    int key_item[64];
    if (ng > 64) return err_set(qb->err, ERR_UNSUPPORTED, -1, "too many GROUP BY expressions");
    if (match_keys(qb, ng, keys, key_ast, "grouping expression", key_item) < 0)
        return qb->err->code;

    int n = ng + ab.naggs;
    ag->schema.cols = arena_zalloc(a, sizeof(Column) * (size_t)n);
    for (int i = 0; i < ng; i++) {
        const char *nm =
            key_item[i] >= 0 ? qb->items[key_item[i]].name : arena_printf(a, "KSQL_COL_%d", i);
        ag->schema.cols[i] = (Column){type_intern_name(nm), group[i]->type, COL_KEY, NULL};
    }
    for (int i = 0; i < ab.naggs; i++)
        ag->schema.cols[ng + i] =
            (Column){type_intern_name(arena_printf(a, "KSQL_AGG_VARIABLE_%d", i)),
                     ab.aggs[i].call->ret, COL_VALUE, NULL};
    ag->schema.ncols = n;
    ag->schema.nkey = ng;
    Step *cur = ag;
    if (having) {
        Step *f = plan_step_new(qb->plan, STEP_FILTER, cur);
        f->name = "Aggregate/HavingFilter";
        f->pred = having;
        cur = f;
    }
    qb->windowed_output = ag->window.type != WIN_NONE;
    if (qb->persistent && check_duplicate_names(qb) < 0) return qb->err->code;
    Step *s = select_step(qb, cur, ng, key_item, !qb->persistent);
    cur = s;
    if (sel->emit == AST_EMIT_FINAL) {
        if (!sel->window)
            return err_set(qb->err, ERR_SEMANTIC, sel->offset,
                           "EMIT FINAL is only supported for windowed aggregations.");
        ag->emit_final = true;
    }
    qb->cur = cur;
    return 0;
}

/* ---------------------------------------------------------------- entry */

static void add_star_cols(QB *qb)
{
    Step *s = qb->cur;
    Arena *a = qb->a;
    if (qb->join_names) {
        qb_join_star_cols(qb);
        return;
    }
    qb->star = arena_zalloc(a, sizeof(StarCol) * (size_t)(s->schema.ncols + 2));
    qb->nstar = 0;
    const char *qual = qb->srcs[0]->name;
    const char *alias = qb->sel->from->alias;
    const AstSelect *sel = qb->sel;
    bool rekeyed = sel->npartition > 0 && sel->partition_by[0]->kind != AST_NULL;
    /* Push queries over a windowed source list its bounds after the key (ksqlDB's
     * SELECT * on windowed streams and tables). */
    bool window_bounds = qb->plan->kind == PLAN_PUSH && s->window.type != WIN_NONE;
    if (!rekeyed) {
        for (int i = 0; i < s->schema.ncols; i++) {
            if (window_bounds && i == s->schema.nkey) {
                static const char *const bounds[] = {"WINDOWSTART", "WINDOWEND"};
                for (int b = 0; b < 2; b++) {
                    StarCol *wc = &qb->star[qb->nstar++];
                    wc->qual = qual;
                    wc->alt_qual = alias;
                    wc->ref_qual = NULL;
                    wc->ref_name = bounds[b];
                    wc->out_name = bounds[b];
                }
            }
            StarCol *sc = &qb->star[qb->nstar++];
            sc->qual = qual;
            sc->alt_qual = alias;
            sc->ref_qual = NULL;
            sc->ref_name = s->schema.cols[i].name;
            sc->out_name = s->schema.cols[i].name;
        }
        return;
    }
    /* After PARTITION BY, * covers the re-keyed schema: the new key columns, then
     * the value columns, then the old key columns (ksqlDB moves them to the value). */
    qb->star = arena_zalloc(a, sizeof(StarCol) * (size_t)(s->schema.ncols + sel->npartition + 2));
    for (int k = 0; k < sel->npartition; k++) {
        const AstExpr *pe = sel->partition_by[k];
        StarCol *sc = &qb->star[qb->nstar++];
        sc->qual = qual;
        sc->alt_qual = alias;
        sc->expr = pe;
        if (pe->kind == AST_COLUMN)
            sc->out_name = pe->name;
        else if (pe->kind == AST_DEREF)
            sc->out_name = pe->name;
        else
            sc->out_name = NULL;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < s->schema.ncols; i++) {
            bool is_key = i < s->schema.nkey;
            if (is_key != (pass == 1)) continue;
            const char *nm = s->schema.cols[i].name;
            bool taken = false;
            for (int k = 0; k < sel->npartition; k++)
                if (sel->partition_by[k]->kind == AST_COLUMN &&
                    strcmp(sel->partition_by[k]->name, nm) == 0)
                    taken = true;
            if (taken) continue;
            StarCol *sc = &qb->star[qb->nstar++];
            sc->qual = qual;
            sc->alt_qual = alias;
            sc->ref_qual = NULL;
            sc->ref_name = nm;
            sc->out_name = nm;
        }
    }
}

int planner_plan_query(const PlanRequest *req, Plan **out, Source **sink_out, EddyError *err)
{
    const AstStmt *st = req->stmt;
    const AstSelect *sel = st->select;
    if (sink_out) *sink_out = NULL;
    Plan *plan = xcalloc(1, sizeof *plan);
    arena_init(&plan->arena, 16384);
    QB qb = {0};
    qb.req = req;
    qb.plan = plan;
    qb.a = &plan->arena;
    qb.err = err;
    qb.sel = sel;
    plan->sql = arena_strdup(qb.a, req->text);
    if (st->kind == AST_QUERY) {
        plan->kind = sel->emit == AST_EMIT_NONE ? PLAN_PULL : PLAN_PUSH;
        qb.persistent = false;
    } else {
        plan->kind = PLAN_PERSISTENT;
        qb.persistent = true;
    }
    qb.keys_optional = props_get_bool(req->props, "ksql.new.query.planner.enabled", false);
    plan->has_limit = sel->has_limit;
    plan->limit = sel->limit;
    plan->emit_final = sel->emit == AST_EMIT_FINAL;

    Source *insert_target = NULL;
    if (st->kind == AST_CREATE_AS) {
        qb.sink_name = st->name;
        if (check_sink_name(&qb, st) < 0) goto fail;
    } else if (st->kind == AST_INSERT_SELECT) {
        qb.sink_name = st->name;
        insert_target = catalog_find(req->catalog, st->name);
        if (!insert_target) {
            int line, col;
            /* Point at the target name, after INTO. */
            const char *into = strcasestr(req->text, "INTO");
            int off = into ? (int)(into - req->text) + 4 : 0;
            while (req->text[off] == ' ' || req->text[off] == '\t' || req->text[off] == '\n')
                off++;
            err_line_col(req->text, off, &line, &col);
            err_set(err, ERR_SEMANTIC, off, "Line: %d, Col: %d: Source `%s` does not exist.", line,
                    col, st->name);
            goto fail;
        }
        if (insert_target->is_table) {
            err_set(err, ERR_SEMANTIC, st->offset,
                    "INSERT INTO can only be used to insert into a stream. %s is a table.",
                    st->name);
            goto fail;
        }
        if (insert_target->is_source) {
            err_set(err, ERR_SEMANTIC, st->offset, "Cannot insert into read-only stream: %s",
                    st->name);
            goto fail;
        }
    }

    if (plan->kind == PLAN_PULL && qb_pull_validate(&qb) < 0) goto fail;
    if (qb_from(&qb) < 0) goto fail;
    if (plan->kind == PLAN_PULL && qb_pull_analyze(&qb) < 0) goto fail;
    if (plan_where(&qb) < 0) goto fail;
    add_star_cols(&qb);
    if (expand_items(&qb) < 0) goto fail;
    qb.windowed_output = qb.cur->window.type != WIN_NONE || sel->window;
    if (name_items(&qb) < 0) goto fail;

    bool aggregate = sel->ngroup > 0 || sel->window;
    for (int i = 0; i < qb.nitems && !aggregate; i++)
        if (ast_contains_aggregate(qb.items[i].ast)) aggregate = true;
    if (sel->having) aggregate = true;
    if (sel->window && !aggregate) {
        err_set(err, ERR_SEMANTIC, sel->offset, "WINDOW clause requires a GROUP BY clause.");
        goto fail;
    }
    if (aggregate) {
        if (sel->npartition) {
            err_set(err, ERR_SEMANTIC, sel->offset,
                    "PARTITION BY and GROUP BY in the same query are not supported.");
            goto fail;
        }
        if (plan_aggregate(&qb) < 0) goto fail;
    } else {
        if (sel->emit == AST_EMIT_FINAL) {
            err_set(err, ERR_SEMANTIC, sel->offset,
                    "EMIT FINAL is only supported for windowed aggregations.");
            goto fail;
        }
        if (plan_stateless(&qb) < 0) goto fail;
    }
    Step *last = qb.cur;
    if (st->kind == AST_CREATE_AS) {
        if (last->is_table && !st->is_table) {
            err_set(err, ERR_SEMANTIC, st->offset,
                    "Invalid result type. Your SELECT query produces a TABLE. Please use CREATE "
                    "TABLE AS SELECT statement instead.");
            goto fail;
        }
        if (!last->is_table && st->is_table) {
            err_set(err, ERR_SEMANTIC, st->offset,
                    "Invalid result type. Your SELECT query produces a STREAM. Please use CREATE "
                    "STREAM AS SELECT statement instead.");
            goto fail;
        }
    }
    plan->output = last->schema;
    plan->output_is_table = last->is_table;
    if (plan->kind == PLAN_PULL && qb_pull_finish(&qb) < 0) goto fail;
    if (plan->kind == PLAN_PERSISTENT) {
        Source *snk = NULL;
        if (insert_target) {
            if (last->is_table != insert_target->is_table) {
                err_set(err, ERR_SEMANTIC, st->offset,
                        "Incompatible data sink and query result. Data sink (%s) type is %s but "
                        "select query result is %s.",
                        insert_target->name, insert_target->is_table ? "KTABLE" : "KSTREAM",
                        last->is_table ? "KTABLE" : "KSTREAM");
                goto fail;
            }
            if (qb_check_insert_schema(&qb, last, insert_target) < 0) goto fail;
            snk = insert_target;
        } else {
            if (build_sink(&qb, last, &snk) < 0) goto fail;
        }
        Step *sk = plan_step_new(plan, STEP_SINK, last);
        sk->name = "KsqlTopic/Sink";
        sk->sink_name = arena_strdup(qb.a, snk->name);
        sk->sink_topic = arena_strdup(qb.a, snk->topic);
        sk->sink_key_fmt = snk->key_fmt;
        sk->sink_val_fmt = snk->val_fmt;
        sk->sink_partitions = snk->partitions;
        sk->ts_col = snk->ts_col;
        sk->ts_format = snk->ts_format ? arena_strdup(qb.a, snk->ts_format) : NULL;
        sk->materialize = snk->is_table;
        plan->sink = sk->sink_name;
        if (!insert_target && sink_out) *sink_out = snk;
    }
    *out = plan;
    return 0;
fail:
    plan_free(plan);
    *out = NULL;
    return err->code ? err->code : ERR_SEMANTIC;
}

/* ksqlDB's SqlType.canImplicitlyCast: numbers widen (INT to BIGINT, DECIMAL or
 * DOUBLE; BIGINT to DECIMAL or DOUBLE; DECIMAL to DOUBLE, or to a DECIMAL with as
 * many integer digits and at least its scale); collections and structs cast
 * element by element. */
static bool implicitly_castable(const Type *from, const Type *to)
{
    if (from == to) return true;
    switch (from->kind) {
    case TYPE_INT:
        return to->kind == TYPE_BIGINT || to->kind == TYPE_DECIMAL || to->kind == TYPE_DOUBLE;
    case TYPE_BIGINT: return to->kind == TYPE_DECIMAL || to->kind == TYPE_DOUBLE;
    case TYPE_DECIMAL:
        if (to->kind == TYPE_DOUBLE) return true;
        return to->kind == TYPE_DECIMAL && from->scale <= to->scale &&
               from->precision - from->scale <= to->precision - to->scale;
    case TYPE_ARRAY: return to->kind == TYPE_ARRAY && implicitly_castable(from->elem, to->elem);
    case TYPE_MAP:
        return to->kind == TYPE_MAP && implicitly_castable(from->key, to->key) &&
               implicitly_castable(from->elem, to->elem);
    case TYPE_STRUCT:
        if (to->kind != TYPE_STRUCT || to->nfields != from->nfields) return false;
        for (int i = 0; i < from->nfields; i++)
            if (strcmp(from->fields[i].name, to->fields[i].name) != 0 ||
                !implicitly_castable(from->fields[i].type, to->fields[i].type))
                return false;
        return true;
    default: return false;
    }
}

int qb_check_insert_schema(QB *qb, Step *last, const Source *target)
{
    const Schema *r = &last->schema, *s = &target->schema;
    bool same = r->ncols == s->ncols && r->nkey == s->nkey, exact = same;
    for (int i = 0; same && i < r->ncols; i++) {
        if (strcmp(r->cols[i].name, s->cols[i].name) != 0 ||
            !implicitly_castable(r->cols[i].type, s->cols[i].type))
            same = false;
        else if (r->cols[i].type != s->cols[i].type)
            exact = false;
    }
    if (same && !exact && last->kind == STEP_SELECT) {
        /* The projection casts to the sink's types (INSERT INTO ... SELECT 1 AS D
         * into a DECIMAL column writes 1.00). */
        for (int i = 0; i < r->ncols; i++) {
            if (r->cols[i].type == s->cols[i].type) continue;
            Expr *c = expr_new(qb->a, EX_CAST, s->cols[i].type, last->exprs[i]->offset);
            c->nargs = 1;
            c->args = arena_zalloc(qb->a, sizeof(Expr *));
            c->args[0] = last->exprs[i];
            c->text = last->exprs[i]->text;
            last->exprs[i] = c;
            last->schema.cols[i].type = s->cols[i].type;
        }
        exact = true;
    }
    if (same && exact) return 0;
    StrBuf a = STRBUF_INIT, b = STRBUF_INIT;
    schema_print(&a, r, false);
    schema_print(&b, s, false);
    err_set(qb->err, ERR_SEMANTIC, -1,
            "Incompatible schema between results and sink.\nResult schema is %s\nSink schema is %s",
            sb_cstr(&a), sb_cstr(&b));
    sb_free(&a);
    sb_free(&b);
    return ERR_SEMANTIC;
}
