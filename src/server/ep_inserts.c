/*
 * ep_inserts.c - POST /inserts-stream: a first line {"target": "<stream>"},
 * then one JSON object per line (column -> value, matched case-insensitively),
 * each written to the target's topic with its formats and acknowledged with
 * {"status":"ok","seq":N} (N counting rows from 0), or an error object with the
 * row's seq. libmicrohttpd answers once the request body is complete, so the
 * acknowledgements come after the last row arrived, one line each.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../common/arena.h"
#include "../runtime/json_value.h"
#include "../runtime/serde.h"
#include "server.h"

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ack_error(StrBuf *out, long seq, int code, const char *msg)
{
    json_t *o = json_object();
    json_object_set_new(o, "status", json_string("error"));
    json_object_set_new(o, "seq", json_integer(seq));
    json_object_set_new(o, "error_code", json_integer(code));
    json_object_set_new(o, "message", json_string(msg));
    char *t = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    sb_puts(out, t ? t : "{}");
    sb_putc(out, '\n');
    free(t);
}

/* Encodes and writes one row. Returns 0 or -1 with msg filled. */
static int insert_row(Engine *e, const Source *src, json_t *row, Arena *a, char *msg, size_t msglen)
{
    const Schema *sc = &src->schema;
    int n = sc->ncols;
    Value *cols = arena_zalloc(a, sizeof(Value) * (size_t)(n ? n : 1));
    int64_t ts = wall_ms();
    const char *k;
    json_t *v;
    json_object_foreach(row, k, v)
    {
        if (strcasecmp(k, "ROWTIME") == 0) {
            if (json_is_integer(v)) ts = json_integer_value(v);
            continue;
        }
        int idx = -1;
        for (int i = 0; i < n; i++)
            if (strcasecmp(sc->cols[i].name, k) == 0 &&
                (sc->cols[i].role == COL_KEY || sc->cols[i].role == COL_VALUE))
                idx = i;
        if (idx < 0) {
            snprintf(msg, msglen, "Key '%s' does not match any column", k);
            return -1;
        }
        EddyError ce;
        err_clear(&ce);
        if (serde_json_to_value(v, sc->cols[idx].type, a, &cols[idx], &ce) < 0) {
            snprintf(msg, msglen, "Can't coerce a field of type %s (%s) into type %s",
                     json_is_string(v) ? "STRING" : "value", k, type_name(sc->cols[idx].type));
            return -1;
        }
    }
    if (src->is_table)
        for (int i = 0; i < sc->nkey; i++)
            if (cols[i].kind == TYPE_NULL) {
                snprintf(msg, msglen, "Value for primary key column(s) %s is required for tables",
                         sc->cols[i].name);
                return -1;
            }
    EddyError ie;
    err_clear(&ie);
    if (engine_insert_row(e, src, cols, ts, &ie) < 0) {
        snprintf(msg, msglen, "%s", ie.msg);
        return -1;
    }
    return 0;
}

int ep_inserts_stream(HttpReq *r)
{
    static const char *const offered[] = {MT_DELIMITED, MT_JSON, NULL};
    const char *ct = http_negotiate(r, offered);
    if (!ct) return http_reply_text(r, 406, "Not Acceptable");
    Server *s = r->srv;
    char *p = r->body.data ? r->body.data : (char *)"";
    char *nl = strchr(p, '\n');
    size_t first_len = nl ? (size_t)(nl - p) : strlen(p);
    json_error_t je;
    json_t *first = json_loadb(p, first_len, 0, &je);
    const char *target = json_string_value(json_object_get(first, "target"));
    if (!target) {
        json_decref(first);
        return http_reply_error(r, 400, 40000, "Invalid JSON in inserts stream: expected {\"target\": \"<stream>\"}");
    }
    char name[512];
    snprintf(name, sizeof name, "%s", target);
    json_decref(first);
    /* Unquoted names are upper-cased, as in SQL. */
    if (name[0] == '`') {
        size_t l = strlen(name);
        memmove(name, name + 1, l);
        if (l >= 2 && name[l - 2] == '`') name[l - 2] = 0;
    } else {
        for (char *c = name; *c; c++) *c = (char)toupper((unsigned char)*c);
    }
    engine_lock(s->engine);
    const Source *src = catalog_find(engine_catalog(s->engine), name);
    if (!src || src->is_table || src->is_source) {
        engine_unlock(s->engine);
        if (!src) return http_reply_error(r, 400, 40000, "Cannot insert into unknown stream: %s", name);
        return http_reply_error(r, 400, 40000, "Cannot insert into %s: %s",
                                src->is_table ? "a table" : "a read-only stream", name);
    }
    StrBuf out = STRBUF_INIT;
    bool json_array_out = strcmp(ct, MT_JSON) == 0;
    if (json_array_out) sb_putc(&out, '[');
    Arena a;
    arena_init(&a, 4096);
    long seq = 0;
    uint64_t ok = 0;
    char *line = nl ? nl + 1 : p + strlen(p);
    while (*line) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        size_t tl = len;
        while (tl && (line[tl - 1] == '\r' || line[tl - 1] == ' ')) tl--;
        if (tl > 0) {
            if (json_array_out && seq > 0) sb_putc(&out, ',');
            arena_reset(&a);
            json_t *row = json_loadb(line, tl, 0, &je);
            char msg[1024];
            if (!json_is_object(row)) {
                ack_error(&out, seq, 40000, "Invalid JSON in inserts stream");
            } else if (insert_row(s->engine, src, row, &a, msg, sizeof msg) < 0) {
                ack_error(&out, seq, 40000, msg);
            } else {
                sb_printf(&out, "{\"status\":\"ok\",\"seq\":%ld}\n", seq);
                ok++;
            }
            json_decref(row);
            seq++;
        }
        line = end ? end + 1 : line + len;
    }
    engine_unlock(s->engine);
    if (json_array_out) sb_puts(&out, "]\n");
    arena_free(&a);
    metrics_inserted(s->metrics, ok);
    int rc = http_reply(r, 200, ct, out.data ? out.data : "", out.len);
    sb_free(&out);
    return rc;
}
