/*
 * executor.c - executing statements against the engine (see executor.h).
 *
 * Each statement is taken in turn: variables substituted, parsed, planned, and
 * applied under the engine lock, so a request's statements see each other's
 * effects (a CREATE STREAM then a CSAS over it) and concurrent requests do not
 * interleave inside one statement. Messages and entity shapes follow ksqlDB.
 */
#include "executor.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../parser/parser.h"
#include "../planner/planner.h"
#include "../runtime/eval.h"
#include "../runtime/serde.h"
#include "entities.h"

struct Executor {
    Engine *engine;
    ExecCommandFn on_command;
    void *on_command_ctx;
    long seq; /* command sequence number */
};

Executor *executor_new(Engine *engine)
{
    Executor *x = xcalloc(1, sizeof *x);
    x->engine = engine;
    fn_registry_init();
    return x;
}

void executor_free(Executor *x)
{
    free(x);
}

void executor_on_command(Executor *x, ExecCommandFn fn, void *ctx)
{
    x->on_command = fn;
    x->on_command_ctx = ctx;
}

void exec_error_clear(ExecError *e)
{
    free(e->statement);
    memset(e, 0, sizeof *e);
}

/* ---------------------------------------------------------------- splitting */

int executor_split(const char *sql, int **starts, int **ends)
{
    int cap = 8, n = 0;
    int *s = xmalloc(sizeof(int) * (size_t)cap), *e = xmalloc(sizeof(int) * (size_t)cap);
    int i = 0, len = (int)strlen(sql), begin = -1;
    while (i <= len) {
        char c = i < len ? sql[i] : ';';
        if (i < len && c == '-' && i + 1 < len && sql[i + 1] == '-') {
            while (i < len && sql[i] != '\n')
                i++;
            continue;
        }
        if (i < len && c == '/' && i + 1 < len && sql[i + 1] == '*') {
            i += 2;
            while (i + 1 < len && !(sql[i] == '*' && sql[i + 1] == '/'))
                i++;
            i += 2;
            continue;
        }
        if (i < len && (c == '\'' || c == '`' || c == '"')) {
            if (begin < 0) begin = i;
            char q = c;
            i++;
            while (i < len) {
                if (sql[i] == q) {
                    if (i + 1 < len && sql[i + 1] == q) {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i++;
            }
            i++;
            continue;
        }
        if (c == ';') {
            if (begin >= 0) {
                if (n == cap) {
                    cap *= 2;
                    s = xrealloc(s, sizeof(int) * (size_t)cap);
                    e = xrealloc(e, sizeof(int) * (size_t)cap);
                }
                s[n] = begin;
                e[n] = i < len ? i + 1 : len;
                n++;
            }
            begin = -1;
            i++;
            continue;
        }
        if (begin < 0 && !isspace((unsigned char)c)) begin = i;
        i++;
    }
    *starts = s;
    *ends = e;
    return n;
}

/* ---------------------------------------------------------------- errors */

static int fail(ExecError *err, int status, int code, const char *stmt, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail(ExecError *err, int status, int code, const char *stmt, const char *fmt, ...)
{
    err->status = status;
    err->error_code = code;
    err->type = code == 40001 ? "statement_error" : "generic_error";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    /* ksqlDB reports statements it could not plan as "Failed to prepare statement:
     * ..."; syntax errors keep their own form. */
    static const char prefix[] = "Failed to prepare statement: ";
    if (code == 40001 && !strstr(err->message, "Syntax Error") &&
        strncmp(err->message, prefix, sizeof prefix - 1) != 0) {
        char tmp[sizeof err->message];
        snprintf(tmp, sizeof tmp, "%s%s", prefix, err->message);
        snprintf(err->message, sizeof err->message, "%s", tmp);
    }
    free(err->statement);
    err->statement = stmt ? xstrdup(stmt) : NULL;
    if (stmt) err->type = "statement_error";
    return -1;
}

/* ---------------------------------------------------------------- context */

typedef struct Ctx {
    Executor *x;
    Engine *e;
    const ExecRequest *req;
    Props props;      /* effective properties: server + overrides + SET */
    Props local;      /* SET within this request */
    const char *full; /* the whole request text */
    int stmt_off;     /* offset of the current statement in `full` */
    const char *text; /* the current statement's text (substituted) */
    Arena arena;      /* per statement */
    json_t *entities;
} Ctx;

static void rebase_location(Ctx *c, const char *msg, char *out, size_t cap, int offset);

/* The statement's own properties: the request's streamsProperties and the SETs
 * before it in the request. */
static void statement_overrides(const Ctx *c, Props *out)
{
    props_init(out);
    if (c->req->overrides) props_merge(out, c->req->overrides);
    props_merge(out, &c->local);
}

static void log_command(Ctx *c)
{
    if (!c->x->on_command || c->req->replay) return;
    Props ov;
    statement_overrides(c, &ov);
    c->x->on_command(c->x->on_command_ctx, c->text, &ov);
    props_free(&ov);
}

static const char *var_lookup(void *ctx, const char *name)
{
    Props *vars = ctx;
    return vars ? props_get(vars, name) : NULL;
}

/* A new query id: ksqlDB upper-cases the sink name in it (CSAS_LOWER_0 for a
 * sink named `lower`). */
static char *next_query_id(Ctx *c, const char *prefix, const char *sink)
{
    if (!sink) return engine_next_query_id(c->e, prefix, NULL);
    char *up = arena_strdup(&c->arena, sink);
    for (char *p = up; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return engine_next_query_id(c->e, prefix, up);
}

/* ---------------------------------------------------------------- DDL */

static int exec_create_source(Ctx *c, const AstStmt *st, ExecError *err)
{
    Catalog *cat = engine_catalog(c->e);
    Source *existing = catalog_find(cat, st->name);
    if (existing && st->if_not_exists) {
        json_array_append_new(c->entities,
                              ent_current_status(c->text, "",
                                                 existing->is_table ? "Table already exists"
                                                                    : "Stream already exists",
                                                 NULL, c->x->seq));
        return 0;
    }
    PlanRequest pr = {cat, &c->props, st, c->text, NULL};
    Source *src = NULL;
    EddyError pe;
    err_clear(&pe);
    if (planner_create_source(&pr, &src, &pe) < 0)
        return fail(err, 400, 40001, c->text, "%s", pe.msg);
    if (existing && !st->or_replace) {
        source_free(src);
        return fail(
            err, 400, 40001, c->text, "Cannot add %s '%s': A %s with the same name already exists",
            st->is_table ? "table" : "stream", st->name, existing->is_table ? "table" : "stream");
    }
    if (existing && existing->is_table != src->is_table) {
        source_free(src);
        return fail(
            err, 400, 40001, c->text, "Cannot add %s '%s': A %s with the same name already exists",
            st->is_table ? "table" : "stream", st->name, existing->is_table ? "table" : "stream");
    }
    /* The topic: created when PARTITIONS is given (or always in memory mode). */
    int parts = 0;
    if (engine_topic_exists(c->e, src->topic, &parts)) {
        if (src->partitions && parts && src->partitions != parts &&
            engine_mode(c->e) == ENGINE_KAFKA) {
            int want = src->partitions;
            source_free(src);
            return fail(
                err, 400, 40001, c->text,
                "A Kafka topic with the name '%s' already exists, with different partition/replica "
                "configuration than required. KSQL expects %d partitions (topic has %d).",
                pr.stmt->name, want, parts);
        }
        src->partitions = parts;
    } else if (src->partitions > 0 || engine_mode(c->e) == ENGINE_MEMORY) {
        EddyError te;
        err_clear(&te);
        int actual = 0;
        if (engine_topic_create(c->e, src->topic, src->partitions > 0 ? src->partitions : (getenv("XX_PARTS") ? atoi(getenv("XX_PARTS")) : 1),
                                src->replicas, -1, &actual, &te) < 0 &&
            te.code != 0) {
            source_free(src);
            return fail(err, 400, 40001, c->text, "%s", te.msg);
        }
        if (!src->partitions) src->partitions = actual ? actual : 1;
    } else {
        const char *topic = src->topic;
        char msg[1024];
        snprintf(msg, sizeof msg,
                 "Topic '%s' does not exist. If you want to create a new topic for the %s please "
                 "re-run the statement providing the required 'PARTITIONS' configuration in the "
                 "WITH clause (and optionally 'REPLICAS'). For example: CREATE %s %s (ID INT) WITH "
                 "(KAFKA_TOPIC='%s', PARTITIONS=2, REPLICAS=1, FORMAT='JSON');",
                 topic, st->is_table ? "table" : "stream", st->is_table ? "TABLE" : "STREAM",
                 st->name, topic);
        source_free(src);
        return fail(err, 400, 40001, c->text, "%s", msg);
    }
    bool is_table = src->is_table;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/%s/create", is_table ? "table" : "stream", st->name);
    /* A source table is materialized by a query of its own (CST_<NAME>_<n>, as
     * ksqlDB names it) so pull queries can read it. */
    Plan *cst = NULL;
    char *cst_id = NULL;
    if (src->is_table && src->is_source) {
        const char *old_id = existing && existing->writer_query ? existing->writer_query : NULL;
        cst_id = old_id ? xstrdup(old_id) : next_query_id(c, "CST", st->name);
        PlanRequest cr = {cat, &c->props, st, c->text, cst_id};
        EddyError ce;
        err_clear(&ce);
        if (planner_plan_source_table(&cr, src, &cst, &ce) < 0) {
            free(cst_id);
            source_free(src);
            return fail(err, 400, 40001, c->text, "%s", ce.msg);
        }
        src->writer_query = arena_strdup(&src->arena, cst_id);
        if (old_id) {
            EddyError te;
            err_clear(&te);
            engine_terminate_query(c->e, cst_id, &te);
        }
    }
    EddyError ce;
    err_clear(&ce);
    if (catalog_add(cat, src, st->or_replace, &ce) < 0) {
        source_free(src);
        plan_free(cst);
        free(cst_id);
        return fail(err, 400, 40001, c->text, "%s", ce.msg);
    }
    if (cst) {
        /* Source tables are read from the start of their topic. */
        Props qp;
        statement_overrides(c, &qp);
        props_set(&qp, "auto.offset.reset", "earliest");
        EddyError qe;
        err_clear(&qe);
        int qrc = engine_start_query(c->e, cst, cst_id, c->text, &qp, &qe);
        props_free(&qp);
        free(cst_id);
        if (qrc < 0) {
            catalog_drop(cat, st->name);
            return fail(err, 500, 50000, c->text, "Could not start query: %s", qe.msg);
        }
    }
    log_command(c);
    c->x->seq++;
    json_array_append_new(
        c->entities, ent_current_status(c->text, cmd, is_table ? "Table created" : "Stream created",
                                        NULL, c->x->seq));
    return 0;
}

static int exec_drop_source(Ctx *c, const AstStmt *st, ExecError *err)
{
    Catalog *cat = engine_catalog(c->e);
    Source *s = catalog_find(cat, st->name);
    if (!s) {
        if (st->if_exists) {
            json_array_append_new(
                c->entities,
                ent_current_status(c->text, "", "Source does not exist.", NULL, c->x->seq));
            return 0;
        }
        return fail(err, 400, 40001, c->text, "Source %s does not exist.", st->name);
    }
    if (s->is_table != st->is_table)
        return fail(err, 400, 40001, c->text,
                    "Incompatible data source type is %s, but statement was DROP %s",
                    s->is_table ? "TABLE" : "STREAM", st->is_table ? "TABLE" : "STREAM");
    const char **rids, **wids;
    int nr = engine_queries_reading(c->e, st->name, &rids);
    int nw = engine_queries_writing(c->e, st->name, &wids);
    /* The query that created the source (CSAS/CTAS, or a source table's
     * materializing query) is terminated with it, as ksqlDB does; other
     * readers and writers (INSERT INTO) must be terminated first. */
    const char *own = s->writer_query;
    if (own) {
        int k = 0;
        for (int i = 0; i < nr; i++)
            if (strcmp(rids[i], own) != 0) rids[k++] = rids[i];
        nr = k;
        k = 0;
        for (int i = 0; i < nw; i++)
            if (strcmp(wids[i], own) != 0) wids[k++] = wids[i];
        nw = k;
    }
    if (nr || nw) {
        StrBuf sb = STRBUF_INIT;
        sb_printf(&sb, "Cannot drop %s.", st->name);
        if (nr) {
            sb_puts(&sb, "\nThe following queries read from this source: [");
            for (int i = 0; i < nr; i++)
                sb_printf(&sb, "%s%s", i ? ", " : "", rids[i]);
            sb_puts(&sb, "].");
        }
        if (nw) {
            sb_puts(&sb, "\nThe following queries write into this source: [");
            for (int i = 0; i < nw; i++)
                sb_printf(&sb, "%s%s", i ? ", " : "", wids[i]);
            sb_puts(&sb, "].");
        }
        sb_printf(&sb, "\nYou need to terminate them before dropping %s.", st->name);
        free(rids);
        free(wids);
        fail(err, 400, 40001, c->text, "%s", sb_cstr(&sb));
        sb_free(&sb);
        return -1;
    }
    free(rids);
    free(wids);
    char topic[512];
    snprintf(topic, sizeof topic, "%s", s->topic);
    bool is_table = s->is_table;
    if (own) {
        EddyError te;
        err_clear(&te);
        engine_terminate_query(c->e, own, &te);
    }
    catalog_drop(cat, st->name);
    if (st->delete_topic) {
        EddyError te;
        err_clear(&te);
        engine_topic_delete(c->e, topic, &te);
    }
    log_command(c);
    c->x->seq++;
    char cmd[512], msg[1024];
    snprintf(cmd, sizeof cmd, "%s/%s/drop", is_table ? "table" : "stream", st->name);
    snprintf(msg, sizeof msg, "Source `%s` (topic: %s) was dropped.", st->name, topic);
    json_array_append_new(c->entities, ent_current_status(c->text, cmd, msg, NULL, c->x->seq));
    return 0;
}

/* ---------------------------------------------------------------- queries */

static int exec_persistent(Ctx *c, const AstStmt *st, ExecError *err)
{
    Catalog *cat = engine_catalog(c->e);
    if (st->kind == AST_CREATE_AS && st->if_not_exists && catalog_find(cat, st->name)) {
        json_array_append_new(
            c->entities, ent_current_status(c->text, "", "Source already exists", NULL, c->x->seq));
        return 0;
    }
    if (st->select && st->select->has_limit)
        return fail(err, 400, 40001, c->text, "%s statements don't support LIMIT clause.",
                    st->kind == AST_INSERT_SELECT ? "INSERT INTO"
                    : st->is_table                ? "CREATE TABLE AS SELECT"
                                                  : "CREATE STREAM AS SELECT");
    const char *prefix = st->kind == AST_INSERT_SELECT ? "INSERTQUERY"
                         : st->is_table                ? "CTAS"
                                                       : "CSAS";
    /* CREATE OR REPLACE keeps the query id of the query it replaces. */
    char *id = NULL;
    const char *replaced = NULL;
    if (st->kind == AST_CREATE_AS && st->or_replace) {
        Source *old = catalog_find(cat, st->name);
        if (old && old->writer_query) replaced = old->writer_query;
    }
    id = replaced ? xstrdup(replaced)
                  : next_query_id(c, prefix, st->kind == AST_INSERT_SELECT ? NULL : st->name);
    PlanRequest pr = {cat, &c->props, st, c->text, id};
    Plan *plan = NULL;
    Source *sink = NULL;
    EddyError pe;
    err_clear(&pe);
    if (planner_plan_query(&pr, &plan, &sink, &pe) < 0) {
        free(id);
        char msg[ERR_MSG_MAX];
        rebase_location(c, pe.msg, msg, sizeof msg, pe.offset);
        return fail(err, 400, 40001, c->text, "%s", msg);
    }
    if (sink) {
        int parts = 0;
        if (engine_topic_exists(c->e, sink->topic, &parts)) {
            if (!sink->partitions) sink->partitions = parts;
        } else {
            EddyError te;
            err_clear(&te);
            int actual = 0;
            if (!sink->partitions) sink->partitions = 1;
            if (engine_topic_create(c->e, sink->topic, sink->partitions, sink->replicas, -1,
                                    &actual, &te) < 0 &&
                te.code) {
                plan_free(plan);
                source_free(sink);
                free(id);
                return fail(err, 400, 40001, c->text, "%s", te.msg);
            }
        }
        plan->root->sink_partitions = sink->partitions;
        if (replaced) {
            EddyError te;
            err_clear(&te);
            engine_terminate_query(c->e, replaced, &te);
        }
        EddyError ce;
        err_clear(&ce);
        if (catalog_add(cat, sink, st->or_replace, &ce) < 0) {
            plan_free(plan);
            source_free(sink);
            free(id);
            return fail(err, 400, 40001, c->text, "%s", ce.msg);
        }
    }
    EddyError qe;
    err_clear(&qe);
    Props ov;
    statement_overrides(c, &ov);
    int started = engine_start_query(c->e, plan, id, c->text, &ov, &qe);
    props_free(&ov);
    if (started < 0) {
        if (sink && !replaced) catalog_drop(cat, st->name);
        free(id);
        return fail(err, 500, 50000, c->text, "Could not start query: %s", qe.msg);
    }
    log_command(c);
    c->x->seq++;
    char cmd[512], msg[600];
    if (st->kind == AST_INSERT_SELECT)
        snprintf(cmd, sizeof cmd, "stream/%s/create", st->name);
    else
        snprintf(cmd, sizeof cmd, "%s/%s/create", st->is_table ? "table" : "stream", st->name);
    snprintf(msg, sizeof msg, "Created query with ID %s", id);
    json_array_append_new(c->entities, ent_current_status(c->text, cmd, msg, id, c->x->seq));
    free(id);
    return 0;
}

static int exec_terminate(Ctx *c, const AstStmt *st, ExecError *err)
{
    if (st->all) {
        while (engine_query_count(c->e) > 0) {
            EddyError te;
            err_clear(&te);
            engine_terminate_query(c->e, rq_id(engine_query_at(c->e, 0)), &te);
        }
    } else {
        EddyError te;
        err_clear(&te);
        /* Query ids are case-insensitive in ksqlDB. */
        char id[512];
        snprintf(id, sizeof id, "%s", st->name);
        for (char *p = id; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        if (engine_terminate_query(c->e, id, &te) < 0)
            return fail(err, 400, 40001, c->text, "Unknown queryId: %s", st->name);
    }
    log_command(c);
    c->x->seq++;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "terminate/%s/execute", st->all ? "ALL" : st->name);
    json_array_append_new(c->entities,
                          ent_current_status(c->text, cmd, "Query terminated.", NULL, c->x->seq));
    return 0;
}

static int exec_pause(Ctx *c, const AstStmt *st, bool pause, ExecError *err)
{
    if (st->all) {
        for (int i = 0; i < engine_query_count(c->e); i++) {
            EddyError te;
            engine_pause_query(c->e, rq_id(engine_query_at(c->e, i)), pause, &te);
        }
    } else {
        EddyError te;
        err_clear(&te);
        char id[512];
        snprintf(id, sizeof id, "%s", st->name);
        for (char *p = id; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        if (engine_pause_query(c->e, id, pause, &te) < 0)
            return fail(err, 400, 40001, c->text, "Unknown queryId: %s", st->name);
    }
    log_command(c);
    c->x->seq++;
    json_array_append_new(
        c->entities, ent_current_status(c->text, "", pause ? "Query paused." : "Query resumed.",
                                        NULL, c->x->seq));
    return 0;
}

/* ---------------------------------------------------------------- INSERT VALUES */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int exec_insert_values(Ctx *c, const AstStmt *st, ExecError *err)
{
    Catalog *cat = engine_catalog(c->e);
    Source *s = catalog_find(cat, st->name);
    if (!s) {
        /* A source whose name differs only in case: tell how to reach it. */
        const Source *other = NULL;
        for (int i = 0; i < catalog_count(cat) && !other; i++)
            if (strcasecmp(catalog_at(cat, i)->name, st->name) == 0) other = catalog_at(cat, i);
        if (other && st->name_quoted)
            return fail(err, 400, 40001, c->text,
                        "Cannot insert values into an unknown stream/table: `%s`\nDid you mean %s? "
                        "Hint: try removing double quotes from the source name.",
                        st->name, other->name);
        if (other)
            return fail(err, 400, 40001, c->text,
                        "Cannot insert values into an unknown stream/table: `%s`\nDid you mean "
                        "\"%s\"? Hint: wrap the source name in double quotes to make it "
                        "case-sensitive.",
                        st->name, other->name);
        return fail(err, 400, 40001, c->text,
                    "Cannot insert values into an unknown stream/table: `%s`", st->name);
    }
    if (s->is_source)
        return fail(err, 400, 40001, c->text, "Cannot insert values into read-only %s: %s",
                    s->is_table ? "table" : "stream", s->name);
    const Schema *sc = &s->schema;
    int n = sc->ncols;
    /* Target column of every value. -1: ROWTIME. */
    int ncols = st->ninsert_cols;
    int *target = arena_alloc(&c->arena, sizeof(int) * (size_t)(n + st->nvalues + 1));
    if (ncols == 0) {
        int k = 0;
        for (int i = 0; i < n; i++)
            if (sc->cols[i].role == COL_KEY || sc->cols[i].role == COL_VALUE) target[k++] = i;
        ncols = k;
    } else {
        for (int i = 0; i < ncols; i++) {
            const char *nm = st->insert_cols[i];
            if (strcmp(nm, "ROWTIME") == 0) {
                target[i] = -1;
                continue;
            }
            if (strcmp(nm, "ROWPARTITION") == 0 || strcmp(nm, "ROWOFFSET") == 0)
                return fail(err, 400, 40001, c->text, "Inserting into column `%s` is not allowed.",
                            nm);
            int idx = schema_find(sc, nm);
            if (idx < 0)
                return fail(err, 400, 40001, c->text, "Column name %s does not exist.", nm);
            if (sc->cols[idx].role == COL_HEADERS || sc->cols[idx].role == COL_HEADER)
                return fail(err, 400, 40001, c->text, "Cannot insert into HEADER columns: %s", nm);
            target[i] = idx;
        }
    }
    if (st->nvalues != ncols && st->ninsert_cols > 0)
        return fail(err, 400, 40001, c->text, "Expected number columns and values to match: %d, %d",
                    ncols, st->nvalues);
    if (st->nvalues != ncols) {
        StrBuf sb = STRBUF_INIT;
        for (int i = 0; i < ncols; i++)
            sb_printf(&sb, "%s`%s`", i ? ", " : "",
                      target[i] < 0 ? "ROWTIME" : sc->cols[target[i]].name);
        fail(err, 400, 40001, c->text,
             "Expected a value for each column. Expected Columns: [%s]. Got %d values",
             sb_cstr(&sb), st->nvalues);
        sb_free(&sb);
        return -1;
    }
    Value *cols = arena_zalloc(&c->arena, sizeof(Value) * (size_t)(n ? n : 1));
    int64_t ts = now_ms();
    EvalCtx ev;
    eval_init(&ev, &c->arena);
    Row row = {0};
    ev.row = &row;
    for (int i = 0; i < ncols; i++) {
        EddyError be;
        err_clear(&be);
        Expr *x;
        if (planner_bind_constant(cat, &c->props, st->values[i], &c->arena, &x, &be) < 0)
            return fail(err, 400, 40001, c->text, "%s", be.msg);
        Value v;
        eval_reset_errors(&ev);
        eval_expr(&ev, x, &v);
        if (ev.nerrors)
            return fail(err, 400, 40001, c->text, "Failed to insert values into '%s'. %s", s->name,
                        ev.err.msg);
        const Type *want = target[i] < 0 ? T_BIGINT : sc->cols[target[i]].type;
        Value out = v;
        if (v.kind != TYPE_NULL && x->type->kind == TYPE_STRUCT && x->type->nfields == 0 &&
            want->kind == TYPE_STRUCT) {
            /* STRUCT() is a struct of the column's type with every field NULL. */
            out = val_struct_new(&c->arena, want);
        } else if (v.kind != TYPE_NULL && x->type != want) {
            bool ok = type_can_widen(x->type, want) ||
                      (x->type->kind == TYPE_STRING &&
                       (want->kind == TYPE_TIMESTAMP || want->kind == TYPE_DATE ||
                        want->kind == TYPE_TIME)) ||
                      (x->type->kind == TYPE_DECIMAL && want->kind == TYPE_DECIMAL) ||
                      /* ksqlDB's lax value coercion: whole numbers into any DECIMAL
                       * they fit */
                      ((x->type->kind == TYPE_INT || x->type->kind == TYPE_BIGINT) &&
                       want->kind == TYPE_DECIMAL);
            EddyError ce;
            err_clear(&ce);
            if (!ok || eval_cast(&c->arena, &v, want, &out, &ce) < 0)
                return fail(err, 400, 40001, c->text,
                            "Failed to insert values into '%s'. Expected type %s for column %s but "
                            "got %s(%s)",
                            s->name, type_name(want),
                            target[i] < 0 ? "ROWTIME" : sc->cols[target[i]].name,
                            type_name(x->type), x->text ? x->text : "");
        }
        if (target[i] < 0) {
            if (out.kind != TYPE_NULL) ts = out.u.l;
        } else {
            cols[target[i]] = out;
        }
    }
    if (s->is_table) {
        for (int i = 0; i < sc->nkey; i++)
            if (cols[i].kind == TYPE_NULL)
                return fail(err, 400, 40001, c->text,
                            "Failed to insert values into '%s'. Value for primary key column(s) %s "
                            "is required for tables",
                            s->name, sc->cols[i].name);
    }
    EddyError ie;
    err_clear(&ie);
    if (engine_insert_row(c->e, s, cols, ts, &ie) < 0) {
        bool bad_row = ie.code == ERR_SEMANTIC;
        return fail(err, bad_row ? 400 : 500, bad_row ? 40001 : 50000, c->text,
                    "Failed to insert values into '%s'. %s", s->name, ie.msg);
    }
    return 0;
}

/* ---------------------------------------------------------------- types */

static int exec_create_type(Ctx *c, const AstStmt *st, ExecError *err)
{
    Catalog *cat = engine_catalog(c->e);
    const Type *t;
    EddyError te;
    err_clear(&te);
    if (catalog_type_find(cat, st->name)) {
        if (st->if_not_exists) {
            json_array_append_new(
                c->entities,
                ent_current_status(c->text, "", "Type already exists", NULL, c->x->seq));
            return 0;
        }
        return fail(err, 400, 40001, c->text,
                    "Cannot register custom type '%s' since it is already registered with type: %s",
                    st->name, type_name(catalog_type_find(cat, st->name)));
    }
    if (planner_resolve_type(cat, st->type, &t, &te) < 0)
        return fail(err, 400, 40001, c->text, "%s", te.msg);
    catalog_type_add(cat, st->name, t, &te);
    log_command(c);
    c->x->seq++;
    char msg[1024];
    snprintf(msg, sizeof msg, "Registered custom type with name '%s' and SQL type %s", st->name,
             type_name(t));
    json_array_append_new(c->entities, ent_current_status(c->text, "", msg, NULL, c->x->seq));
    return 0;
}

static int exec_drop_type(Ctx *c, const AstStmt *st, ExecError *err)
{
    Catalog *cat = engine_catalog(c->e);
    if (catalog_type_drop(cat, st->name) < 0 && !st->if_exists)
        return fail(err, 400, 40001, c->text, "Type %s does not exist.", st->name);
    log_command(c);
    c->x->seq++;
    char msg[512];
    snprintf(msg, sizeof msg, "Dropped type '%s'", st->name);
    json_array_append_new(c->entities, ent_current_status(c->text, "", msg, NULL, c->x->seq));
    return 0;
}

/* ---------------------------------------------------------------- ALTER */

static int exec_alter(Ctx *c, const AstStmt *st, ExecError *err)
{
    Catalog *cat = engine_catalog(c->e);
    Source *s = catalog_find(cat, st->name);
    if (!s) return fail(err, 400, 40001, c->text, "Source %s does not exist.", st->name);
    if (s->is_table != st->is_table)
        return fail(err, 400, 40001, c->text,
                    "Incompatible data source type is %s, but statement was ALTER %s",
                    s->is_table ? "TABLE" : "STREAM", st->is_table ? "TABLE" : "STREAM");
    if (s->is_sink)
        return fail(err, 400, 40001, c->text,
                    "ALTER command is not supported for CREATE ... AS statements.");
    int n = s->schema.ncols + st->ncolumns;
    Column *cols = arena_zalloc(&s->arena, sizeof(Column) * (size_t)n);
    memcpy(cols, s->schema.cols, sizeof(Column) * (size_t)s->schema.ncols);
    int k = s->schema.ncols;
    for (int i = 0; i < st->ncolumns; i++) {
        const AstColumnDef *cd = &st->columns[i];
        if (schema_find(&s->schema, cd->name) >= 0)
            return fail(
                err, 400, 40001, c->text,
                "Cannot add column `%s` to schema. A column with the same name already exists.",
                cd->name);
        EddyError te;
        err_clear(&te);
        const Type *t;
        if (planner_resolve_type(cat, cd->type, &t, &te) < 0)
            return fail(err, 400, 40001, c->text, "%s", te.msg);
        cols[k++] = (Column){type_intern_name(cd->name), t, COL_VALUE, NULL};
    }
    s->schema.cols = cols;
    s->schema.ncols = k;
    log_command(c);
    c->x->seq++;
    json_array_append_new(c->entities,
                          ent_current_status(c->text, "",
                                             s->is_table ? "Table altered" : "Stream altered", NULL,
                                             c->x->seq));
    return 0;
}

/* ---------------------------------------------------------------- SHOW / DESCRIBE */

static int exec_list(Ctx *c, const AstStmt *st, ExecError *err)
{
    json_t *ent = NULL;
    switch (st->list_what) {
    case AST_LIST_STREAMS: ent = ent_source_list(c->e, false, c->text, st->extended); break;
    case AST_LIST_TABLES: ent = ent_source_list(c->e, true, c->text, st->extended); break;
    case AST_LIST_QUERIES: ent = ent_query_list(c->e, c->text, st->extended); break;
    case AST_LIST_TOPICS:
    case AST_LIST_ALL_TOPICS: {
        EddyError te;
        err_clear(&te);
        ent =
            ent_topic_list(c->e, c->text, st->list_what == AST_LIST_ALL_TOPICS, st->extended, &te);
        if (!ent) return fail(err, 500, 50000, c->text, "%s", te.msg);
        break;
    }
    case AST_LIST_FUNCTIONS: ent = ent_function_list(c->text); break;
    case AST_LIST_PROPERTIES: ent = ent_properties(&c->props, c->req->overrides, c->text); break;
    case AST_LIST_VARIABLES: ent = ent_variables(c->req->variables, c->text); break;
    case AST_LIST_TYPES: ent = ent_type_list(engine_catalog(c->e), c->text); break;
    case AST_LIST_CONNECTORS:
    case AST_LIST_CONNECTOR_PLUGINS:
        return fail(err, 400, 40001, c->text,
                    "Kafka Connect is not available: eddy has no connect cluster configured.");
    }
    json_array_append_new(c->entities, ent);
    return 0;
}

static int exec_describe(Ctx *c, const AstStmt *st, ExecError *err)
{
    if (st->describe_all) {
        json_array_append_new(
            c->entities, ent_source_list(c->e, st->list_what == AST_LIST_TABLES, c->text, true));
        return 0;
    }
    Source *s = catalog_find(engine_catalog(c->e), st->name);
    if (!s)
        return fail(err, 400, 40001, c->text, "Could not find STREAM/TABLE '%s' in the Metastore",
                    st->name);
    json_t *d = ent_source_description(c->e, s, st->extended);
    json_object_set_new(d, "statementText", json_string(c->text));
    json_array_append_new(c->entities, d);
    return 0;
}

static int exec_describe_function(Ctx *c, const AstStmt *st, ExecError *err)
{
    const FnDef *d = fn_lookup(st->name);
    if (!d)
        return fail(err, 400, 40001, c->text, "Can't find any functions with the name '%s'",
                    st->name);
    json_array_append_new(c->entities, ent_describe_function(d, c->text));
    return 0;
}

static int exec_explain(Ctx *c, const AstStmt *st, ExecError *err)
{
    if (st->inner) {
        const AstStmt *in = st->inner;
        if (in->kind != AST_CREATE_AS && in->kind != AST_INSERT_SELECT && in->kind != AST_QUERY)
            return fail(err, 400, 40001, c->text,
                        "The provided statement does not run a ksql query");
        /* Plan without starting anything. */
        PlanRequest pr = {engine_catalog(c->e), &c->props, in, c->text, "EXPLAIN"};
        Plan *plan = NULL;
        Source *sink = NULL;
        EddyError pe;
        err_clear(&pe);
        if (planner_plan_query(&pr, &plan, &sink, &pe) < 0)
            return fail(err, 400, 40001, c->text, "%s", pe.msg);
        source_free(sink);
        json_t *d = json_object();
        json_object_set_new(d, "id", json_string(""));
        json_object_set_new(d, "statementText", json_string(c->text));
        json_object_set_new(d, "fields", ent_fields(&plan->output, plan->output_is_table));
        json_t *srcs = json_array();
        for (int i = 0; i < plan->nsources; i++)
            json_array_append_new(srcs, json_string(plan->sources[i]));
        json_object_set_new(d, "sources", srcs);
        json_t *sinks = json_array();
        if (plan->sink) json_array_append_new(sinks, json_string(plan->sink));
        json_object_set_new(d, "sinks", sinks);
        StrBuf sb = STRBUF_INIT;
        for (int i = plan->nsteps - 1; i >= 0; i--) {
            sb_printf(&sb,
                      " > [ %s ] | Schema: ", plan->steps[i]->name ? plan->steps[i]->name : "STEP");
            schema_print(&sb, &plan->steps[i]->schema, plan->steps[i]->is_table);
            sb_putc(&sb, '\n');
        }
        json_object_set_new(d, "executionPlan", json_string(sb_cstr(&sb)));
        json_object_set_new(d, "topology", json_string(sb_cstr(&sb)));
        sb_free(&sb);
        json_object_set_new(d, "overriddenProperties", json_object());
        json_object_set_new(d, "queryType",
                            json_string(in->kind == AST_QUERY ? "PUSH" : "PERSISTENT"));
        plan_free(plan);
        json_t *o = json_object();
        json_object_set_new(o, "@type", json_string("queryDescription"));
        json_object_set_new(o, "statementText", json_string(c->text));
        json_object_set_new(o, "queryDescription", d);
        json_object_set_new(o, "warnings", json_array());
        json_array_append_new(c->entities, o);
        return 0;
    }
    char id[512];
    snprintf(id, sizeof id, "%s", st->name);
    for (char *p = id; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    RunningQuery *rq = engine_query_find(c->e, id);
    if (!rq)
        return fail(
            err, 400, 40001, c->text,
            "Query with id:%s does not exist, use SHOW QUERIES to view the full set of queries.",
            st->name);
    json_t *o = ent_query_description(c->e, rq);
    json_object_set_new(o, "statementText", json_string(c->text));
    json_array_append_new(c->entities, o);
    return 0;
}

/* ---------------------------------------------------------------- ASSERT */

static int exec_assert_topic(Ctx *c, const AstStmt *st, ExecError *err)
{
    int parts = 0;
    /* Wait up to TIMEOUT for the topic to (dis)appear. */
    int64_t deadline = now_ms() + (st->timeout.present ? st->timeout.ms : 0);
    for (;;) {
        bool exists = engine_topic_exists(c->e, st->name, &parts) == 1;
        if (exists != st->not_exists) break;
        if (now_ms() >= deadline) {
            if (st->not_exists) return fail(err, 417, 41700, c->text, "Topic %s exists", st->name);
            return fail(err, 417, 41700, c->text, "Topic %s does not exist", st->name);
        }
        /* Wait without the engine lock: other statements and queries go on. */
        struct timespec ts = {0, 100000000};
        engine_unlock(c->e);
        nanosleep(&ts, NULL);
        engine_lock(c->e);
    }
    json_t *o = json_object();
    json_object_set_new(o, "@type", json_string("assert_topic"));
    json_object_set_new(o, "statementText", json_string(c->text));
    json_object_set_new(o, "topicName", json_string(st->name));
    json_object_set_new(o, "exists", json_boolean(!st->not_exists));
    json_object_set_new(o, "warnings", json_array());
    json_array_append_new(c->entities, o);
    return 0;
}

/* ---------------------------------------------------------------- dispatch */

static int exec_stmt_kind(Ctx *c, const AstStmt *st, ExecError *err);

/* Statements ksqlDB runs without preparing them through its engine (DESCRIBE,
 * SHOW, EXPLAIN, TERMINATE, ...; DROP fails in its DDL factory): their errors
 * come without "Failed to prepare statement: ". */
static bool plain_errors(AstStmtKind k)
{
    switch (k) {
    case AST_DESCRIBE:
    case AST_DESCRIBE_FUNCTION:
    case AST_LIST:
    case AST_EXPLAIN:
    case AST_TERMINATE:
    case AST_PAUSE:
    case AST_RESUME:
    case AST_DROP_SOURCE:
    case AST_DROP_TYPE:
    case AST_CREATE_TYPE: return true;
    default: return false;
    }
}

static int exec_stmt(Ctx *c, const AstStmt *st, ExecError *err)
{
    int rc = exec_stmt_kind(c, st, err);
    static const char prefix[] = "Failed to prepare statement: ";
    if (rc < 0 && plain_errors(st->kind) && strncmp(err->message, prefix, sizeof prefix - 1) == 0)
        memmove(err->message, err->message + sizeof prefix - 1,
                strlen(err->message + sizeof prefix - 1) + 1);
    return rc;
}

static int exec_stmt_kind(Ctx *c, const AstStmt *st, ExecError *err)
{
    switch (st->kind) {
    case AST_CREATE_SOURCE: return exec_create_source(c, st, err);
    case AST_CREATE_AS:
    case AST_INSERT_SELECT: return exec_persistent(c, st, err);
    case AST_INSERT_VALUES: return exec_insert_values(c, st, err);
    case AST_DROP_SOURCE: return exec_drop_source(c, st, err);
    case AST_CREATE_TYPE: return exec_create_type(c, st, err);
    case AST_DROP_TYPE: return exec_drop_type(c, st, err);
    case AST_LIST: return exec_list(c, st, err);
    case AST_DESCRIBE: return exec_describe(c, st, err);
    case AST_DESCRIBE_FUNCTION: return exec_describe_function(c, st, err);
    case AST_EXPLAIN: return exec_explain(c, st, err);
    case AST_TERMINATE: return exec_terminate(c, st, err);
    case AST_PAUSE: return exec_pause(c, st, true, err);
    case AST_RESUME: return exec_pause(c, st, false, err);
    case AST_SET:
        props_set(&c->local, st->name, st->text);
        props_set(&c->props, st->name, st->text);
        json_array_append_new(c->entities,
                              ent_current_status(c->text, "", "Property set", NULL, c->x->seq));
        return 0;
    case AST_UNSET:
        props_unset(&c->local, st->name);
        props_unset(&c->props, st->name);
        json_array_append_new(c->entities,
                              ent_current_status(c->text, "", "Property unset", NULL, c->x->seq));
        return 0;
    case AST_ALTER_SYSTEM:
        return fail(err, 400, 40001, c->text, "ALTER SYSTEM is only supported on Confluent Cloud.");
    case AST_DEFINE:
        if (c->req->variables) props_set(c->req->variables, st->name, st->text);
        return 0;
    case AST_UNDEFINE:
        if (c->req->variables) props_unset(c->req->variables, st->name);
        return 0;
    case AST_QUERY:
    case AST_PRINT:
        return fail(
            err, 400, 40002, c->text,
            "The following statement types should be issued to the websocket endpoint '/query':\n"
            "\t* PRINT\n\t* SELECT");
    case AST_ASSERT_TOPIC: return exec_assert_topic(c, st, err);
    case AST_ASSERT_SCHEMA:
        if (st->not_exists) {
            json_t *o = json_object();
            json_object_set_new(o, "@type", json_string("assert_schema"));
            json_object_set_new(o, "statementText", json_string(c->text));
            json_object_set_new(o, "exists", json_false());
            json_object_set_new(o, "warnings", json_array());
            json_array_append_new(c->entities, o);
            return 0;
        }
        return fail(err, 417, 41700, c->text,
                    "Schema %s does not exist: eddy has no schema registry",
                    st->text ? st->text : "");
    case AST_ALTER_SOURCE: return exec_alter(c, st, err);
    case AST_CREATE_CONNECTOR:
    case AST_DROP_CONNECTOR:
    case AST_DESCRIBE_CONNECTOR:
        return fail(err, 400, 40001, c->text,
                    "Kafka Connect is not available: eddy has no connect cluster configured.");
    case AST_RUN_SCRIPT:
        return fail(err, 400, 40001, c->text,
                    "RUN SCRIPT cannot be executed by the server: it is a command of the shell.");
    }
    return fail(err, 400, 40001, c->text, "Unsupported statement");
}

/* Re-expresses a parser error at the request level: line/column count from the
 * start of the whole request, as ksqlDB reports them. */
static void fix_parse_error(Ctx *c, EddyError *pe, const char *stmt_src, int src_off)
{
    (void)stmt_src;
    int l, col;
    if (sscanf(pe->msg, "line %d:%d", &l, &col) != 2) return;
    const char *rest = strstr(pe->msg, ": ");
    if (!rest) return;
    /* Shift the statement-relative position by where the statement starts. */
    int sl, sc;
    err_line_col(c->full, src_off, &sl, &sc);
    int line = l + sl - 1;
    if (l == 1) col += sc - 1;
    char msg[ERR_MSG_MAX];
    snprintf(msg, sizeof msg, "line %d:%d%s", line, col, rest);
    snprintf(pe->msg, sizeof pe->msg, "%s", msg);
}

/* Planner messages that start "Line: L, Col: C:" count from the statement; ksqlDB
 * counts from the start of the request. */
static void rebase_location(Ctx *c, const char *msg, char *out, size_t cap, int offset)
{
    /* ksqlDB's AST builder wraps its located errors in this prefix. */
    static const char wrapped[] = "Exception while preparing statement: ";
    const char *at = msg;
    if (strncmp(at, wrapped, sizeof wrapped - 1) == 0) at += sizeof wrapped - 1;
    if (offset < 0 || strncmp(at, "Line: ", 6) != 0) {
        snprintf(out, cap, "%s", msg);
        return;
    }
    const char *rest = strstr(at, "Col: ");
    rest = rest ? strstr(rest + 5, ": ") : NULL;
    if (!rest) {
        snprintf(out, cap, "%s", msg);
        return;
    }
    int line, col;
    err_line_col(c->full, c->stmt_off + offset, &line, &col);
    snprintf(out, cap, "%.*sLine: %d, Col: %d%s", (int)(at - msg), msg, line, col, rest);
}

int executor_run(Executor *x, const ExecRequest *req, json_t **entities, ExecError *err)
{
    memset(err, 0, sizeof *err);
    Ctx c;
    memset(&c, 0, sizeof c);
    c.x = x;
    c.e = x->engine;
    c.req = req;
    c.full = req->sql;
    c.entities = json_array();
    props_init(&c.props);
    props_init(&c.local);
    props_merge(&c.props, engine_props(x->engine));
    if (req->overrides) props_merge(&c.props, req->overrides);
    arena_init(&c.arena, 16384);
    int *starts, *ends;
    int n = executor_split(req->sql, &starts, &ends);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        arena_reset(&c.arena);
        char *raw = arena_strndup(&c.arena, req->sql + starts[i], (size_t)(ends[i] - starts[i]));
        /* Variables. */
        StrBuf sub = STRBUF_INIT;
        EddyError ve;
        err_clear(&ve);
        if (parse_substitute_vars(raw, var_lookup, req->variables, &sub, &ve) < 0) {
            rc = fail(err, 400, 40001, raw, "%s", ve.msg);
            sb_free(&sub);
            break;
        }
        c.text = arena_strdup(&c.arena, sb_cstr(&sub));
        sb_free(&sub);
        c.stmt_off = starts[i];
        AstStmt *st = NULL;
        EddyError pe;
        err_clear(&pe);
        if (parse_statement(&c.arena, c.text, &st, &pe) < 0) {
            fix_parse_error(&c, &pe, raw, starts[i]);
            rc = fail(err, 400, 40001, c.text, "%s", pe.msg);
            break;
        }
        if (!req->allow_queries && (st->kind == AST_QUERY || st->kind == AST_PRINT)) {
            rc = exec_stmt(&c, st, err);
            break;
        }
        engine_lock(x->engine);
        rc = exec_stmt(&c, st, err);
        engine_unlock(x->engine);
    }
    free(starts);
    free(ends);
    props_free(&c.props);
    props_free(&c.local);
    arena_free(&c.arena);
    *entities = c.entities;
    return rc;
}

/* ---------------------------------------------------------------- /query */

void prepared_query_free(PreparedQuery *q)
{
    if (!q) return;
    plan_free(q->plan);
    free(q->text);
    free(q->print_topic);
    props_free(&q->props);
    memset(q, 0, sizeof *q);
}

int executor_prepare_query(Executor *x, const ExecRequest *req, PreparedQuery *out, ExecError *err)
{
    memset(err, 0, sizeof *err);
    memset(out, 0, sizeof *out);
    props_init(&out->props);
    out->limit = -1;
    Ctx c;
    memset(&c, 0, sizeof c);
    c.x = x;
    c.e = x->engine;
    c.req = req;
    c.full = req->sql;
    props_init(&c.props);
    props_init(&c.local);
    props_merge(&c.props, engine_props(x->engine));
    if (req->overrides) props_merge(&c.props, req->overrides);
    arena_init(&c.arena, 16384);
    int *starts, *ends;
    int n = executor_split(req->sql, &starts, &ends);
    int rc = 0;
    if (n != 1) {
        rc =
            fail(err, 400, 40000, NULL, "Expected exactly one KSQL statement; found %d instead", n);
        goto done;
    }
    char *raw = arena_strndup(&c.arena, req->sql + starts[0], (size_t)(ends[0] - starts[0]));
    StrBuf sub = STRBUF_INIT;
    EddyError ve;
    err_clear(&ve);
    if (parse_substitute_vars(raw, var_lookup, req->variables, &sub, &ve) < 0) {
        rc = fail(err, 400, 40001, raw, "%s", ve.msg);
        sb_free(&sub);
        goto done;
    }
    c.text = arena_strdup(&c.arena, sb_cstr(&sub));
    sb_free(&sub);
    AstStmt *st = NULL;
    EddyError pe;
    err_clear(&pe);
    if (parse_statement(&c.arena, c.text, &st, &pe) < 0) {
        fix_parse_error(&c, &pe, raw, starts[0]);
        rc = fail(err, 400, 40001, c.text, "%s", pe.msg);
        goto done;
    }
    if (st->kind == AST_PRINT) {
        out->is_print = true;
        out->print_topic = xstrdup(st->name);
        out->from_beginning = st->from_beginning;
        out->interval = st->has_interval ? st->interval : 1;
        out->limit = st->has_limit ? st->limit : -1;
        out->text = xstrdup(c.text);
        props_merge(&out->props, &c.props);
        goto done;
    }
    if (st->kind != AST_QUERY) {
        rc = fail(err, 400, 40001, c.text,
                  "The following statement types should be issued to the /ksql endpoint: all "
                  "statements but SELECT and PRINT");
        goto done;
    }
    engine_lock(x->engine);
    PlanRequest pr = {engine_catalog(x->engine), &c.props, st, c.text, NULL};
    Plan *plan = NULL;
    EddyError qe;
    err_clear(&qe);
    int prc = planner_plan_query(&pr, &plan, NULL, &qe);
    engine_unlock(x->engine);
    if (prc < 0) {
        rc = fail(err, 400, 40001, c.text, "%s", qe.msg);
        goto done;
    }
    out->plan = plan;
    out->text = xstrdup(c.text);
    props_merge(&out->props, &c.props);
done:
    free(starts);
    free(ends);
    props_free(&c.props);
    props_free(&c.local);
    arena_free(&c.arena);
    if (rc < 0) prepared_query_free(out);
    return rc;
}
