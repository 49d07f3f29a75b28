/*
 * session.c - one shell session: the input buffer, the session's properties
 * and variables, the local commands, and running each statement against eddyd.
 *
 * Input arrives a line at a time (typed, from -e/-f, from a pipe or from RUN
 * SCRIPT). A line that starts a local command (help, exit, output json, ...)
 * runs at once; other text gathers until the splitter finds a complete
 * statement. ${var} references are substituted here, as ksqlDB's CLI does, so
 * the server sees plain SQL. SET/UNSET are kept for the session and sent as
 * streamsProperties with every request; SELECT and PRINT go to /query-stream,
 * the rest to /ksql. Results go to the output file and, while spooling, to the
 * spool file too; errors go to the error file.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../parser/parser.h"
#include "shell.h"

#define MAX_SCRIPT_DEPTH 16

struct Shell {
    ShellConfig cfg;
    Client *client;
    Editor *editor;
    RenderOpts render;
    json_t *props; /* session streamsProperties: name -> string */
    json_t *vars;  /* DEFINEd variables: name -> string */
    FILE *spool;
    char *spool_path;
    StrBuf pending;    /* input of a statement not yet complete */
    int pending_lines; /* lines in pending */
    volatile sig_atomic_t sigint;
    bool server_ok; /* the last request reached the server */
    char server_version[64];
    int depth; /* RUN SCRIPT nesting */
};

static const char *const banner_art[] = {
    "           __    __",
    "  ___  ___/ /___/ /_ __",
    " / -_)/ _  // _  / // /",
    " \\__/ \\_,_/ \\_,_/\\_, /",
    "                /___/   streaming SQL, ksqlDB's dialect",
};

Shell *shell_new(const ShellConfig *cfg)
{
    Shell *s = calloc(1, sizeof *s);
    s->cfg = *cfg;
    if (!s->cfg.out) s->cfg.out = stdout;
    if (!s->cfg.err) s->cfg.err = stderr;
    s->client = client_new(cfg->url, cfg->user, cfg->password);
    if (!s->client) {
        free(s);
        return NULL;
    }
    s->render.format = cfg->format;
    s->render.table.wrap = true;
    s->props = json_object();
    s->vars = json_object();
    return s;
}

void shell_free(Shell *s)
{
    if (!s) return;
    client_free(s->client);
    editor_free(s->editor);
    json_decref(s->props);
    json_decref(s->vars);
    if (s->spool) fclose(s->spool);
    free(s->spool_path);
    sb_free(&s->pending);
    free(s);
}

volatile sig_atomic_t *shell_sigint_flag(Shell *s)
{
    return &s->sigint;
}

void shell_define(Shell *s, const char *name, const char *value)
{
    json_object_set_new(s->vars, name, json_string(value));
}

/* ---------------------------------------------------------------- output */

static void out_write(Shell *s, const char *text, size_t n)
{
    fwrite(text, 1, n, s->cfg.out);
    fflush(s->cfg.out);
    if (s->spool) {
        fwrite(text, 1, n, s->spool);
        fflush(s->spool);
    }
}

static void out_sb(Shell *s, StrBuf *sb)
{
    if (sb->len) out_write(s, sb->data, sb->len);
    sb_clear(sb);
}

static void out_printf(Shell *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(Shell *s, const char *fmt, ...)
{
    StrBuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    out_sb(s, &sb);
    sb_free(&sb);
}

static void err_text(Shell *s, const char *text)
{
    if (s->cfg.color) fputs("\033[31m", s->cfg.err);
    fputs(text, s->cfg.err);
    if (s->cfg.color) fputs("\033[0m", s->cfg.err);
    fflush(s->cfg.err);
    if (s->spool) {
        fputs(text, s->spool);
        fflush(s->spool);
    }
}

static int err_printf(Shell *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int err_printf(Shell *s, const char *fmt, ...)
{
    StrBuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    if (!sb.len || sb.data[sb.len - 1] != '\n') sb_putc(&sb, '\n');
    err_text(s, sb_cstr(&sb));
    sb_free(&sb);
    return -1;
}

/* Shows a client error for a statement. Returns -1. */
static int show_client_error(Shell *s, const ClientError *e, const char *stmt)
{
    if (e->kind == CLIENT_ERR_CONNECT) {
        s->server_ok = false;
        return err_printf(s,
                          "%s\nIs eddyd running? 'server <url>' points the shell elsewhere; "
                          "it tries again with each statement.",
                          e->message);
    }
    StrBuf sb = STRBUF_INIT;
    render_error(&sb, e->message, stmt);
    err_text(s, sb_cstr(&sb));
    sb_free(&sb);
    return -1;
}

/* The terminal's width for layout, 0 when output is not a terminal. */
static void update_width(Shell *s)
{
    s->render.table.term_width = 0;
    struct winsize ws;
    if (isatty(fileno(s->cfg.out)) && ioctl(fileno(s->cfg.out), TIOCGWINSZ, &ws) == 0 &&
        ws.ws_col > 0)
        s->render.table.term_width = ws.ws_col;
}

/* ---------------------------------------------------------------- server */

static void note_server(Shell *s, const json_t *info)
{
    const char *v = json_string_value(json_object_get(info, "version"));
    snprintf(s->server_version, sizeof s->server_version, "%s", v ? v : "?");
    s->server_ok = true;
}

int shell_connect(Shell *s, bool banner)
{
    json_t *info = NULL;
    ClientError e;
    int rc = client_info(s->client, &info, &e);
    if (rc == 0) note_server(s, info);
    if (banner) {
        StrBuf sb = STRBUF_INIT;
        sb_putc(&sb, '\n');
        for (size_t i = 0; i < sizeof banner_art / sizeof banner_art[0]; i++)
            sb_printf(&sb, "%s\n", banner_art[i]);
        sb_printf(&sb, "\nCLI v%s, Server v%s located at %s\n", SHELL_VERSION,
                  rc == 0 ? s->server_version : "<unknown>", client_url(s->client));
        if (rc == 0) {
            const char *st = json_string_value(json_object_get(info, "serverStatus"));
            sb_printf(&sb, "Server Status: %s\n", st ? st : "RUNNING");
        }
        sb_puts(&sb, "\nHaving trouble? Type 'help' (case-insensitive) for a rundown of how "
                     "things work!\n\n");
        out_sb(s, &sb);
        sb_free(&sb);
    }
    if (rc != 0) {
        if (e.kind == CLIENT_ERR_CONNECT)
            err_printf(s,
                       "**************** WARNING ******************\n%s\n"
                       "The shell tries again with each statement; 'server <url>' points it "
                       "elsewhere.\n*******************************************",
                       e.message);
        else
            err_printf(s, "%s", e.message);
    }
    json_decref(info);
    return rc;
}

/* After a request failed to connect, the next one that works says so. */
static void server_back(Shell *s)
{
    if (s->server_ok) return;
    json_t *info = NULL;
    ClientError e;
    if (client_info(s->client, &info, &e) == 0) {
        note_server(s, info);
        editor_names_stale(s->editor);
        if (s->cfg.interactive)
            out_printf(s, "Connected to server v%s at %s\n", s->server_version,
                       client_url(s->client));
    }
    json_decref(info);
}

/* Fetches the names completion offers (EditorNamesFn). */
static void list_names(json_t *entities, const char *list_key, const char *name_key, char ***out,
                       int *n)
{
    const json_t *e = json_array_get(entities, 0);
    const json_t *list = json_object_get(e, list_key);
    size_t cnt = json_array_size(list);
    *out = calloc(cnt ? cnt : 1, sizeof(char *));
    *n = 0;
    for (size_t i = 0; i < cnt; i++) {
        const char *name = json_string_value(json_object_get(json_array_get(list, i), name_key));
        if (name) (*out)[(*n)++] = strdup(name);
    }
}

static void fetch_names(void *ctx, CompletionNames *out)
{
    Shell *s = ctx;
    static const struct {
        const char *sql, *key;
        int which;
    } q[] = {
        {"SHOW STREAMS;", "streams", 0},
        {"SHOW TABLES;", "tables", 0},
        {"SHOW TOPICS;", "topics", 1},
        {"SHOW FUNCTIONS;", "functions", 2},
    };
    memset(out, 0, sizeof *out);
    if (!s->server_ok) return; /* keywords only: do not wait on a dead server */
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        json_t *ents = NULL;
        ClientError e;
        if (client_ksql(s->client, q[i].sql, s->props, &ents, &e) != 0) continue;
        char **names;
        int n;
        list_names(ents, q[i].key, "name", &names, &n);
        json_decref(ents);
        char ***dst = q[i].which == 0   ? &out->sources
                      : q[i].which == 1 ? &out->topics
                                        : &out->functions;
        int *dn = q[i].which == 0   ? &out->nsources
                  : q[i].which == 1 ? &out->ntopics
                                    : &out->nfunctions;
        *dst = realloc(*dst, (size_t)(*dn + n + 1) * sizeof(char *));
        memcpy(*dst + *dn, names, (size_t)n * sizeof(char *));
        *dn += n;
        free(names);
    }
}

/* ---------------------------------------------------------------- statements */

static const char *var_lookup(void *ctx, const char *name)
{
    Shell *s = ctx;
    const char *k;
    json_t *v;
    json_object_foreach(s->vars, k, v)
    {
        if (strcasecmp(k, name) == 0) return json_string_value(v);
    }
    return NULL;
}

static int run_ksql(Shell *s, const char *sql)
{
    json_t *ents = NULL;
    ClientError e;
    if (client_ksql(s->client, sql, s->props, &ents, &e) != 0) return show_client_error(s, &e, sql);
    server_back(s);
    StrBuf sb = STRBUF_INIT;
    if (s->render.format == OUT_JSON) {
        char *j = json_dumps(ents, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
        if (j) sb_printf(&sb, "%s\n", j);
        free(j);
    } else {
        for (size_t i = 0; i < json_array_size(ents); i++) {
            if (i) sb_putc(&sb, '\n');
            render_entity(&sb, json_array_get(ents, i), &s->render);
        }
    }
    out_sb(s, &sb);
    sb_free(&sb);
    json_decref(ents);
    editor_names_stale(s->editor);
    return 0;
}

typedef struct QueryRun {
    Shell *s;
    bool push;
    json_t *header; /* pull: kept for the table */
    json_t *rows;   /* pull: collected rows */
    PushRender pr;
    bool begun;
    StrBuf buf;
} QueryRun;

static int on_header(void *ctx, const json_t *header)
{
    QueryRun *q = ctx;
    q->header = json_deep_copy(header);
    if (q->push) {
        render_push_begin(&q->pr, &q->buf, header, &q->s->render);
        q->begun = true;
        out_sb(q->s, &q->buf);
    }
    return 0;
}

static int on_row(void *ctx, const json_t *row)
{
    QueryRun *q = ctx;
    if (!q->push) {
        json_array_append(q->rows, (json_t *)row);
        return 0;
    }
    render_push_row(&q->pr, &q->buf, row);
    out_sb(q->s, &q->buf);
    return 0;
}

static int on_text(void *ctx, const char *line)
{
    QueryRun *q = ctx;
    sb_printf(&q->buf, "%s\n", line);
    out_sb(q->s, &q->buf);
    return 0;
}

static int run_query(Shell *s, const char *sql, StmtKind kind, long limit)
{
    QueryRun q;
    memset(&q, 0, sizeof q);
    q.s = s;
    q.push = kind != STMT_PULL;
    q.rows = json_array();
    QueryHandler h = {on_header, on_row, on_text, &q};
    ClientError e;
    s->sigint = 0;
    int rc = client_query_stream(s->client, sql, s->props, &h, &s->sigint, &e);
    bool cancelled = s->sigint != 0 || e.kind == CLIENT_ERR_CANCELLED;
    s->sigint = 0;
    int ret = 0;
    /* the terminal echoed ^C where the cursor was */
    if (cancelled && isatty(fileno(s->cfg.out))) out_write(s, "\n", 1);
    if (rc < 0) {
        if (q.begun) {
            render_push_end(&q.pr, &q.buf, NULL);
            out_sb(s, &q.buf);
        }
        ret = show_client_error(s, &e, sql);
    } else {
        server_back(s);
        if (kind == STMT_PULL) {
            if (q.header) render_pull_result(&q.buf, q.header, q.rows, &s->render);
        } else if (kind == STMT_PRINT) {
            if (cancelled) sb_puts(&q.buf, "Topic printing ceased\n");
        } else {
            const char *footer = cancelled ? "Query terminated"
                                 : (limit >= 0 && q.pr.nrows >= limit)
                                     ? "Limit Reached\nQuery terminated"
                                     : "Query terminated";
            if (q.begun)
                render_push_end(&q.pr, &q.buf, footer);
            else if (s->render.format != OUT_JSON)
                sb_printf(&q.buf, "%s\n", footer);
        }
        out_sb(s, &q.buf);
        /* a cancelled query in a script stops the script */
        if (cancelled && !s->cfg.interactive) ret = -1;
    }
    if (q.begun) render_push_free(&q.pr);
    json_decref(q.header);
    json_decref(q.rows);
    sb_free(&q.buf);
    return ret;
}

/* SET 'name' = 'value' */
static int run_set(Shell *s, const char *text, size_t len)
{
    size_t pos = 0;
    LexTok t, name, eq, val;
    lex_next(text, len, &pos, &t);
    lex_next(text, len, &pos, &name);
    lex_next(text, len, &pos, &eq);
    lex_next(text, len, &pos, &val);
    if (name.kind != LEX_STRING || !(eq.kind == LEX_PUNCT && eq.text[0] == '=') ||
        (val.kind != LEX_STRING && val.kind != LEX_WORD))
        return err_printf(s, "Usage: SET '<property>'='<value>';");
    const char *old = json_string_value(json_object_get(s->props, name.text));
    if (old)
        out_printf(s, "Successfully changed local property '%s' from '%s' to '%s'.\n", name.text,
                   old, val.text);
    else
        out_printf(s,
                   "Successfully changed local property '%s' to '%s'. Use the UNSET command "
                   "to revert your change.\n",
                   name.text, val.text);
    json_object_set_new(s->props, name.text, json_string(val.text));
    return 0;
}

static int run_unset(Shell *s, const char *text, size_t len)
{
    size_t pos = 0;
    LexTok t, name;
    lex_next(text, len, &pos, &t);
    lex_next(text, len, &pos, &name);
    if (name.kind != LEX_STRING) return err_printf(s, "Usage: UNSET '<property>';");
    const char *old = json_string_value(json_object_get(s->props, name.text));
    if (!old) return err_printf(s, "Property '%s' was not set in this session.", name.text);
    out_printf(s, "Successfully unset local property '%s' (value was '%s').\n", name.text, old);
    json_object_del(s->props, name.text);
    return 0;
}

static int run_set_cli(Shell *s, const char *text, size_t len)
{
    size_t pos = 0;
    LexTok t, name, val;
    lex_next(text, len, &pos, &t);
    lex_next(text, len, &pos, &t); /* CLI */
    lex_next(text, len, &pos, &name);
    lex_next(text, len, &pos, &val);
    if (lex_is(&name, "WRAP") && (lex_is(&val, "ON") || lex_is(&val, "OFF"))) {
        s->render.table.wrap = lex_is(&val, "ON");
        out_printf(s, "Wrap is %s\n", s->render.table.wrap ? "ON" : "OFF");
        return 0;
    }
    if (lex_is(&name, "COLUMN-WIDTH") && val.kind == LEX_WORD &&
        isdigit((unsigned char)val.text[0])) {
        s->render.table.column_width = atoi(val.text);
        out_printf(s, "Column width is %d%s\n", s->render.table.column_width,
                   s->render.table.column_width ? "" : " (fit to content)");
        return 0;
    }
    if (lex_is(&name, "OUTPUT") && val.kind == LEX_WORD &&
        render_parse_format(val.text, &s->render.format)) {
        out_printf(s, "Output format is %s\n", render_format_name(s->render.format));
        return 0;
    }
    return err_printf(s, "Usage: SET CLI WRAP ON|OFF;  SET CLI COLUMN-WIDTH <n>;  "
                         "SET CLI OUTPUT TABULAR|JSON|VERTICAL;");
}

static int run_define(Shell *s, const char *text, size_t len)
{
    size_t pos = 0;
    LexTok t, name, eq, val;
    lex_next(text, len, &pos, &t);
    lex_next(text, len, &pos, &name);
    lex_next(text, len, &pos, &eq);
    lex_next(text, len, &pos, &val);
    if ((name.kind != LEX_WORD && name.kind != LEX_QIDENT) ||
        !(eq.kind == LEX_PUNCT && eq.text[0] == '=') || val.kind != LEX_STRING)
        return err_printf(s, "Usage: DEFINE <name> = '<value>';");
    /* a redefinition replaces the old one, whatever its case */
    const char *k;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(s->vars, tmp, k, v)
    {
        if (strcasecmp(k, name.text) == 0) json_object_del(s->vars, k);
    }
    json_object_set_new(s->vars, name.text, json_string(val.text));
    return 0;
}

static int run_undefine(Shell *s, const char *text, size_t len)
{
    size_t pos = 0;
    LexTok t, name;
    lex_next(text, len, &pos, &t);
    lex_next(text, len, &pos, &name);
    if (name.kind != LEX_WORD && name.kind != LEX_QIDENT)
        return err_printf(s, "Usage: UNDEFINE <name>;");
    const char *k;
    json_t *v;
    void *tmp;
    bool found = false;
    json_object_foreach_safe(s->vars, tmp, k, v)
    {
        if (strcasecmp(k, name.text) == 0) {
            json_object_del(s->vars, k);
            found = true;
        }
    }
    if (!found) out_printf(s, "Cannot undefine variable '%s' which was never defined\n", name.text);
    return 0;
}

static int run_show_vars(Shell *s, const char *stmt)
{
    json_t *list = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(s->vars, k, v)
    {
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(k));
        json_object_set(o, "value", v);
        json_array_append_new(list, o);
    }
    json_t *e = json_object();
    json_object_set_new(e, "@type", json_string("variables"));
    json_object_set_new(e, "statementText", json_string(stmt));
    json_object_set_new(e, "variables", list);
    json_object_set_new(e, "warnings", json_array());
    StrBuf sb = STRBUF_INIT;
    render_entity(&sb, e, &s->render);
    out_sb(s, &sb);
    sb_free(&sb);
    json_decref(e);
    return 0;
}

static int spool_to(Shell *s, const char *arg)
{
    if (strcasecmp(arg, "off") == 0) {
        if (!s->spool) return err_printf(s, "Not spooling.");
        fclose(s->spool);
        s->spool = NULL;
        out_printf(s, "Spool written to %s\n", s->spool_path);
        free(s->spool_path);
        s->spool_path = NULL;
        return 0;
    }
    if (s->spool) fclose(s->spool);
    free(s->spool_path);
    s->spool = fopen(arg, "a");
    if (!s->spool) {
        s->spool_path = NULL;
        return err_printf(s, "Cannot open spool file %s", arg);
    }
    s->spool_path = strdup(arg);
    out_printf(s, "Session will be spooled to %s\n", arg);
    return 0;
}

static int run_spool(Shell *s, const char *text, size_t len)
{
    size_t pos = 0;
    LexTok t, arg;
    lex_next(text, len, &pos, &t);
    lex_next(text, len, &pos, &arg);
    if (arg.kind == LEX_END || arg.kind == LEX_PUNCT) {
        if (s->spool)
            out_printf(s, "Spooling to %s\n", s->spool_path);
        else
            out_printf(s, "Not spooling. Usage: spool <file> | spool off\n");
        return 0;
    }
    /* an unquoted path runs to the end of the statement */
    if (arg.kind == LEX_WORD) {
        size_t e = len;
        while (e > arg.start && (text[e - 1] == ' ' || text[e - 1] == ';'))
            e--;
        char path[1024];
        snprintf(path, sizeof path, "%.*s", (int)(e - arg.start), text + arg.start);
        return spool_to(s, path);
    }
    return spool_to(s, arg.text);
}

static int run_script(Shell *s, const char *text, size_t len)
{
    size_t pos = 0;
    LexTok t, file;
    lex_next(text, len, &pos, &t);
    lex_next(text, len, &pos, &t);
    lex_next(text, len, &pos, &file);
    if (file.kind != LEX_STRING) return err_printf(s, "Usage: RUN SCRIPT '<file>';");
    if (s->depth >= MAX_SCRIPT_DEPTH)
        return err_printf(s, "RUN SCRIPT nested more than %d deep", MAX_SCRIPT_DEPTH);
    FILE *f = fopen(file.text, "r");
    if (!f) return err_printf(s, "Cannot read script %s", file.text);
    /* the script runs in its own input buffer */
    StrBuf saved = s->pending;
    int saved_lines = s->pending_lines;
    sb_init(&s->pending);
    s->pending_lines = 0;
    s->depth++;
    int rc = shell_run_file(s, f);
    s->depth--;
    sb_free(&s->pending);
    s->pending = saved;
    s->pending_lines = saved_lines;
    fclose(f);
    return rc < 0 ? -1 : 0;
}

/* Runs one complete statement (text without its terminator). */
static int run_statement(Shell *s, const char *raw, size_t rawlen, bool vertical)
{
    char *stmt = strndup(raw, rawlen);
    size_t len = strlen(stmt);
    long limit = -1;
    StmtKind kind = split_classify(stmt, len, &limit);
    char *sql = NULL;
    int rc;
    if (kind != STMT_DEFINE && kind != STMT_UNDEFINE) {
        StrBuf sub = STRBUF_INIT;
        EddyError e;
        err_clear(&e);
        if (parse_substitute_vars(stmt, var_lookup, s, &sub, &e) != 0) {
            sb_free(&sub);
            free(stmt);
            return err_printf(s, "%s", e.msg);
        }
        sb_puts(&sub, "");
        sql = sb_steal(&sub);
        len = strlen(sql);
    } else {
        sql = strdup(stmt);
    }
    OutputFormat saved = s->render.format;
    if (vertical && s->render.format == OUT_TABULAR) s->render.format = OUT_VERTICAL;
    update_width(s);
    /* statements go to the server with their terminator, as typed */
    char *wire = malloc(len + 2);
    memcpy(wire, sql, len);
    wire[len] = ';';
    wire[len + 1] = 0;
    switch (kind) {
    case STMT_PULL:
    case STMT_PUSH:
    case STMT_PRINT: rc = run_query(s, wire, kind, limit); break;
    case STMT_SET: rc = run_set(s, sql, len); break;
    case STMT_UNSET: rc = run_unset(s, sql, len); break;
    case STMT_SET_CLI: rc = run_set_cli(s, sql, len); break;
    case STMT_DEFINE: rc = run_define(s, sql, len); break;
    case STMT_UNDEFINE: rc = run_undefine(s, sql, len); break;
    case STMT_SHOW_VARS: rc = run_show_vars(s, wire); break;
    case STMT_RUN_SCRIPT: rc = run_script(s, sql, len); break;
    case STMT_SPOOL: rc = run_spool(s, sql, len); break;
    default: rc = run_ksql(s, wire); break;
    }
    s->render.format = saved;
    free(wire);
    free(sql);
    free(stmt);
    return rc;
}

/* ---------------------------------------------------------------- local commands */

static const char help_text[] =
    "\n"
    "Statements end with ';' (or '\\G' for vertical records) and may span lines.\n"
    "SQL goes to eddyd: SHOW/LIST, DESCRIBE [EXTENDED], EXPLAIN, CREATE, DROP,\n"
    "INSERT, TERMINATE, SELECT ... EMIT CHANGES (push: rows stream until LIMIT or\n"
    "Ctrl-C), SELECT ... (pull: a table), PRINT 'topic' [FROM BEGINNING].\n"
    "\n"
    "Shell commands (case-insensitive, no ';' needed):\n"
    "  help                      this text\n"
    "  exit | quit | Ctrl-D      leave the shell\n"
    "  clear                     clear the screen\n"
    "  history                   lines entered (up/down and Ctrl-R recall them)\n"
    "  version                   client and server versions\n"
    "  server [<url>]            show or change the server\n"
    "  output [tabular|json|vertical]  show or set the output format\n"
    "  spool <file> | spool off  copy commands and results into a file\n"
    "\n"
    "Session statements (end with ';'):\n"
    "  SET 'prop'='value';       a property sent with every request (UNSET 'prop';)\n"
    "  SET CLI WRAP ON|OFF;      wrap long cells, or cut them\n"
    "  SET CLI COLUMN-WIDTH n;   fixed column width (0: fit the content)\n"
    "  DEFINE name = 'value';    a variable, used as ${name} (UNDEFINE name;)\n"
    "  SHOW VARIABLES;           the variables defined\n"
    "  RUN SCRIPT 'file.sql';    run the statements of a file\n"
    "\n"
    "Tab completes keywords and stream, table, topic and function names.\n"
    "Ctrl-C cancels a running query, or drops the line being typed.\n\n";

/* Strips a trailing ';' and blanks from a command line. */
static void command_args(const char *line, size_t start, char *out, size_t cap)
{
    while (line[start] == ' ' || line[start] == '\t')
        start++;
    size_t e = strlen(line);
    while (e > start &&
           (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == ';' || line[e - 1] == '\r'))
        e--;
    snprintf(out, cap, "%.*s", (int)(e - start), line + start);
}

/* Runs a local command when the line is one. Returns 2 when it was not, else
 * 0, -1 or 1 (leave). */
static int local_command(Shell *s, const char *line)
{
    size_t len = strlen(line), pos = 0;
    LexTok w;
    lex_next(line, len, &pos, &w);
    if (w.kind == LEX_PUNCT && w.text[0] == '\\') {
        char c = line[pos];
        if (c == 'q') return 1;
        if (c == '?' || c == 'h') {
            out_printf(s, "%s", help_text);
            return 0;
        }
        return 2;
    }
    if (w.kind != LEX_WORD) return 2;
    char args[1024];
    command_args(line, pos, args, sizeof args);
    bool bare = args[0] == 0;
    if ((lex_is(&w, "exit") || lex_is(&w, "quit")) && bare) return 1;
    if (lex_is(&w, "help") && bare) {
        out_printf(s, "%s", help_text);
        return 0;
    }
    if (lex_is(&w, "clear") && bare) {
        if (isatty(fileno(s->cfg.out))) out_printf(s, "\033[H\033[2J");
        return 0;
    }
    if (lex_is(&w, "history") && bare) {
        StrBuf sb = STRBUF_INIT;
        if (s->editor) editor_history_print(s->editor, &sb);
        out_sb(s, &sb);
        sb_free(&sb);
        return 0;
    }
    if (lex_is(&w, "version") && bare) {
        if (!s->server_ok) server_back(s);
        out_printf(s, "CLI v%s, Server v%s located at %s\n", SHELL_VERSION,
                   s->server_ok ? s->server_version : "<unknown>", client_url(s->client));
        return 0;
    }
    if (lex_is(&w, "server")) {
        if (bare) {
            out_printf(s, "%s\n", client_url(s->client));
            return 0;
        }
        client_set_url(s->client, args);
        s->server_ok = false;
        editor_names_stale(s->editor);
        json_t *info = NULL;
        ClientError e;
        if (client_info(s->client, &info, &e) != 0)
            return err_printf(s,
                              "%s\nThe shell now points at %s and tries again with each "
                              "statement.",
                              e.message, client_url(s->client));
        note_server(s, info);
        json_decref(info);
        out_printf(s, "Server now: %s (v%s)\n", client_url(s->client), s->server_version);
        return 0;
    }
    if (lex_is(&w, "output")) {
        if (bare) {
            out_printf(s, "Output format: %s\n", render_format_name(s->render.format));
            return 0;
        }
        if (!render_parse_format(args, &s->render.format))
            return err_printf(s, "Unknown output format '%s' (tabular, json or vertical)", args);
        out_printf(s, "Output format set to %s\n", render_format_name(s->render.format));
        return 0;
    }
    if (lex_is(&w, "spool") && !bare) {
        size_t n = strlen(args);
        if (n >= 2 && args[0] == '\'' && args[n - 1] == '\'') { /* spool 'file' */
            args[n - 1] = 0;
            return spool_to(s, args + 1);
        }
        return spool_to(s, args);
    }
    return 2;
}

/* ---------------------------------------------------------------- input */

/* Runs every complete statement in the pending buffer. */
static int drain(Shell *s)
{
    SplitStmt st;
    SplitState state;
    int rc = 0;
    while (rc == 0 &&
           split_next(s->pending.data ? s->pending.data : "", s->pending.len, &st, &state)) {
        char *text = strndup(s->pending.data + st.start, st.end - st.start);
        size_t next = st.next;
        /* drop the statement from the buffer before running it (RUN SCRIPT
         * swaps the buffer) */
        memmove(s->pending.data, s->pending.data + next, s->pending.len - next);
        s->pending.len -= next;
        s->pending.data[s->pending.len] = 0;
        if (s->editor && s->depth == 0) {
            /* the history keeps the statement as one entry */
            StrBuf h = STRBUF_INIT;
            sb_puts(&h, text);
            sb_puts(&h, st.vertical ? "\\G" : ";");
            if (!strstr(text, "--"))
                for (char *p = h.data; *p; p++)
                    if (*p == '\n') *p = ' ';
            editor_history_add(s->editor, sb_cstr(&h));
            sb_free(&h);
        }
        rc = run_statement(s, text, strlen(text), st.vertical);
        free(text);
        if (s->sigint && !s->cfg.interactive) rc = -1;
    }
    /* only blanks left: forget them */
    split_next(s->pending.data ? s->pending.data : "", s->pending.len, &st, &state);
    if (state == SPLIT_BLANK) {
        sb_clear(&s->pending);
        s->pending_lines = 0;
    }
    return rc;
}

int shell_feed_line(Shell *s, const char *line)
{
    SplitStmt st;
    SplitState state = SPLIT_BLANK;
    if (s->pending.len) split_next(s->pending.data, s->pending.len, &st, &state);
    if (state == SPLIT_BLANK) {
        int rc = local_command(s, line);
        if (rc != 2) {
            if (s->editor && s->depth == 0 && rc != 1) editor_history_add(s->editor, line);
            sb_clear(&s->pending);
            s->pending_lines = 0;
            return rc;
        }
    }
    sb_puts(&s->pending, line);
    sb_putc(&s->pending, '\n');
    s->pending_lines++;
    return drain(s);
}

int shell_flush(Shell *s)
{
    SplitStmt st;
    SplitState state;
    if (!s->pending.len) return 0;
    split_next(s->pending.data, s->pending.len, &st, &state);
    if (state == SPLIT_BLANK) {
        sb_clear(&s->pending);
        return 0;
    }
    if (state != SPLIT_PARTIAL) {
        sb_clear(&s->pending);
        return err_printf(s, "Unterminated %s at the end of the input",
                          state == SPLIT_COMMENT ? "comment" : "quoted text");
    }
    sb_putc(&s->pending, ';');
    s->pending_lines = 0;
    return drain(s);
}

int shell_run_text(Shell *s, const char *text)
{
    const char *p = text;
    int rc = 0;
    while (*p && rc == 0) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, n);
        rc = shell_feed_line(s, line);
        free(line);
        p += n + (nl ? 1 : 0);
    }
    if (rc == 0) rc = shell_flush(s);
    return rc;
}

int shell_run_file(Shell *s, FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        rc = shell_feed_line(s, line);
    }
    free(line);
    if (rc == 0 && s->sigint) rc = -1; /* Ctrl-C stops a script */
    if (rc == 0) rc = shell_flush(s);
    return rc;
}

/* The prompt for the next line: what is pending decides the continuation. */
static const char *prompt_for(Shell *s)
{
    SplitStmt st;
    SplitState state = SPLIT_BLANK;
    if (s->pending.len) split_next(s->pending.data, s->pending.len, &st, &state);
    switch (state) {
    case SPLIT_BLANK: return "eddy> ";
    case SPLIT_QUOTE: return "   '> ";
    case SPLIT_DQUOTE: return "   \"> ";
    case SPLIT_BACKTICK: return "   `> ";
    case SPLIT_COMMENT: return "   *> ";
    default: return "   -> ";
    }
}

int shell_interactive(Shell *s)
{
    s->editor = editor_new("eddy", s->cfg.history_path, fetch_names, s, &s->sigint);
    if (!s->editor) return shell_run_file(s, stdin) < 0 ? 1 : 0;
    for (;;) {
        bool interrupted;
        s->sigint = 0;
        char *line = editor_read(s->editor, prompt_for(s), &interrupted);
        if (!line) {
            out_printf(s, "\n");
            break;
        }
        if (interrupted) {
            /* Ctrl-C drops the statement being typed */
            sb_clear(&s->pending);
            s->pending_lines = 0;
            free(line);
            continue;
        }
        if (s->spool) {
            fprintf(s->spool, "%s%s\n", prompt_for(s), line);
            fflush(s->spool);
        }
        int rc = shell_feed_line(s, line);
        free(line);
        if (rc == 1) break;
    }
    if (s->spool) {
        fclose(s->spool);
        s->spool = NULL;
    }
    out_printf(s, "Exiting eddy.\n");
    return 0;
}
