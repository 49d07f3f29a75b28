/*
 * ep_query.c - POST /query, POST /query-stream and POST /close-query: pull and
 * push queries streamed to the client.
 *
 * A pull query runs to completion under the engine lock; its rows are encoded
 * into a buffer that the response then streams. A push query runs on the
 * engine's side (engine_push_start): each result row is encoded into JSON on
 * the engine thread and put in the client's bounded queue, and the client's
 * connection thread writes the queue out. A client that falls more than
 * eddy.push.buffer.rows behind is cut off with an error message, so a slow
 * reader never holds up the engine or the other clients; a client that
 * disconnects stops its query and frees everything it held.
 *
 * Framing (reference §a): /query is one JSON array, header then rows then a
 * final message; /query-stream is a header object then one JSON array per row,
 * newline-delimited (application/vnd.ksqlapi.delimited.v1, the default), or the
 * same items in one JSON array with application/json.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../common/arena.h"
#include "../runtime/json_value.h"
#include "server.h"

typedef enum OutFmt {
    OUT_QUERY,     /* /query: [{"header":..},\n{"row":..},\n{"finalMessage":..}] */
    OUT_DELIMITED, /* /query-stream: header\n[row]\n[row]\n */
    OUT_JSON,      /* /query-stream JSON: [header,[row],[row]] */
} OutFmt;

/* ---------------------------------------------------------------- encoding */

typedef struct Cols {
    int n;
    const char **names;
    const Type **types;
    bool *is_key;
    const Column *schema; /* the output columns (roles, header keys) */
} Cols;

static void cols_init(Cols *c, const Schema *s)
{
    c->n = s->ncols;
    c->names = xcalloc((size_t)(s->ncols + 1), sizeof(char *));
    c->types = xcalloc((size_t)(s->ncols + 1), sizeof(Type *));
    c->is_key = xcalloc((size_t)(s->ncols + 1), sizeof(bool));
    for (int i = 0; i < s->ncols; i++) {
        c->names[i] = s->cols[i].name;
        c->types[i] = s->cols[i].type;
        c->is_key[i] = s->cols[i].role == COL_KEY;
    }
    c->schema = s->cols;
}

static void cols_free(Cols *c)
{
    free(c->names);
    free(c->types);
    free(c->is_key);
}

static bool is_header_col(const Cols *c, int i)
{
    return c->schema && (c->schema[i].role == COL_HEADER || c->schema[i].role == COL_HEADERS);
}

static void schema_col(StrBuf *sb, const Cols *c, int i, bool mark_keys, int *k)
{
    if ((*k)++) sb_puts(sb, ", ");
    sb_printf(sb, "`%s` ", c->names[i]);
    type_print(sb, c->types[i]);
    if (!mark_keys) return;
    if (c->is_key[i]) sb_puts(sb, " KEY");
    if (c->schema && c->schema[i].role == COL_HEADERS) sb_puts(sb, " HEADERS");
    if (c->schema && c->schema[i].role == COL_HEADER)
        sb_printf(sb, " HEADER('%s')", c->schema[i].header_key);
}

/* "`K` STRING KEY, `V` INTEGER" (KEY only for pull queries over tables, which
 * also mark header columns and list them after the leading keys, as ksqlDB's
 * schemas do). */
static void schema_text(StrBuf *sb, const Cols *c, bool mark_keys)
{
    int k = 0, lead = 0;
    if (mark_keys)
        while (lead < c->n && c->is_key[lead])
            lead++;
    for (int i = 0; i < lead; i++)
        schema_col(sb, c, i, true, &k);
    if (mark_keys)
        for (int i = lead; i < c->n; i++)
            if (is_header_col(c, i)) schema_col(sb, c, i, true, &k);
    for (int i = lead; i < c->n; i++)
        if (!mark_keys || !is_header_col(c, i)) schema_col(sb, c, i, mark_keys, &k);
}

static void write_header(StrBuf *sb, OutFmt fmt, const Cols *c, const char *query_id,
                         bool mark_keys)
{
    if (fmt == OUT_QUERY) {
        sb_puts(sb, "[{\"header\":{");
        if (query_id) {
            sb_puts(sb, "\"queryId\":");
            sb_put_json_string(sb, query_id, strlen(query_id));
            sb_putc(sb, ',');
        }
        sb_puts(sb, "\"schema\":");
        StrBuf st = STRBUF_INIT;
        schema_text(&st, c, mark_keys);
        sb_put_json_string(sb, sb_cstr(&st), st.len);
        sb_free(&st);
        sb_puts(sb, "}}");
        return;
    }
    if (fmt == OUT_JSON) sb_putc(sb, '[');
    sb_putc(sb, '{');
    if (query_id) {
        sb_puts(sb, "\"queryId\":");
        sb_put_json_string(sb, query_id, strlen(query_id));
        sb_putc(sb, ',');
    }
    sb_puts(sb, "\"columnNames\":[");
    for (int i = 0; i < c->n; i++) {
        if (i) sb_putc(sb, ',');
        sb_put_json_string(sb, c->names[i], strlen(c->names[i]));
    }
    sb_puts(sb, "],\"columnTypes\":[");
    for (int i = 0; i < c->n; i++) {
        if (i) sb_putc(sb, ',');
        StrBuf t = STRBUF_INIT;
        type_print(&t, c->types[i]);
        sb_put_json_string(sb, sb_cstr(&t), t.len);
        sb_free(&t);
    }
    sb_puts(sb, "]}");
    if (fmt == OUT_DELIMITED) sb_putc(sb, '\n');
}

/* One row in the framing of fmt (with its leading separator). */
static void write_row(StrBuf *sb, OutFmt fmt, const Cols *c, const Row *row, bool tombstone)
{
    if (fmt == OUT_QUERY)
        sb_puts(sb, ",\n{\"row\":{\"columns\":[");
    else if (fmt == OUT_JSON)
        sb_puts(sb, ",[");
    else
        sb_putc(sb, '[');
    for (int i = 0; i < c->n; i++) {
        if (i) sb_putc(sb, ',');
        (void)tombstone; /* the projection left a tombstone's value columns NULL */
        serde_value_write_json(sb, &row->cols[i], c->types[i], SERDE_JSON_REST);
    }
    if (fmt == OUT_QUERY)
        sb_puts(sb, tombstone ? "],\"tombstone\":true}}" : "]}}");
    else if (fmt == OUT_JSON)
        sb_putc(sb, ']');
    else
        sb_puts(sb, "]\n");
}

static void write_final(StrBuf *sb, OutFmt fmt, const char *final_message)
{
    if (fmt == OUT_QUERY) {
        if (final_message) {
            sb_puts(sb, ",\n{\"finalMessage\":");
            sb_put_json_string(sb, final_message, strlen(final_message));
            sb_putc(sb, '}');
        }
        sb_puts(sb, "]\n");
    } else if (fmt == OUT_JSON) {
        sb_puts(sb, "]\n");
    }
}

static void write_error(StrBuf *sb, OutFmt fmt, int code, const char *msg)
{
    json_t *e = json_object();
    json_object_set_new(e, "@type", json_string("generic_error"));
    json_object_set_new(e, "error_code", json_integer(code));
    json_object_set_new(e, "message", json_string(msg));
    json_t *o = e;
    if (fmt == OUT_QUERY) {
        o = json_object();
        json_object_set_new(o, "errorMessage", e);
    }
    char *t = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (fmt == OUT_QUERY)
        sb_puts(sb, ",\n");
    else if (fmt == OUT_JSON)
        sb_putc(sb, ',');
    sb_puts(sb, t ? t : "{}");
    free(t);
    if (fmt == OUT_QUERY || fmt == OUT_JSON)
        sb_puts(sb, "]\n");
    else
        sb_putc(sb, '\n');
}

/* ---------------------------------------------------------------- pull */

typedef struct PullOut {
    StrBuf body;
    size_t *ends; /* end offset of each piece (header, rows, final) */
    int n, cap, next;
    size_t last;
    Cols cols;
    OutFmt fmt;
    int64_t limit;
    int64_t rows;
    bool limit_hit;
} PullOut;

static void pull_piece(PullOut *po)
{
    if (po->n == po->cap) {
        po->cap = po->cap ? po->cap * 2 : 64;
        po->ends = xrealloc(po->ends, sizeof(size_t) * (size_t)po->cap);
    }
    po->ends[po->n++] = po->body.len;
}

static int pull_row(void *ctx, const Row *row)
{
    PullOut *po = ctx;
    if (po->limit >= 0 && po->rows >= po->limit) {
        po->limit_hit = true;
        return 1;
    }
    write_row(&po->body, po->fmt, &po->cols, row, false);
    pull_piece(po);
    po->rows++;
    if (po->limit >= 0 && po->rows >= po->limit) {
        po->limit_hit = true;
        return 1;
    }
    return 0;
}

static int pull_next(void *ctx, StrBuf *out)
{
    PullOut *po = ctx;
    if (po->next >= po->n) return 0;
    size_t start = po->next ? po->ends[po->next - 1] : 0;
    sb_append(out, po->body.data + start, po->ends[po->next] - start);
    po->next++;
    return po->next < po->n ? 1 : 0;
}

static void pull_done(void *ctx)
{
    PullOut *po = ctx;
    sb_free(&po->body);
    free(po->ends);
    cols_free(&po->cols);
    free(po);
}

static int run_pull(HttpReq *r, PreparedQuery *pq, OutFmt fmt, const char *ctype)
{
    Server *s = r->srv;
    Plan *plan = pq->plan;
    PullOut *po = xcalloc(1, sizeof *po);
    sb_init(&po->body);
    po->fmt = fmt;
    po->limit = plan->has_limit ? plan->limit : -1;
    cols_init(&po->cols, &plan->output);
    bool table = plan->pull && plan->pull->table;
    write_header(&po->body, fmt, &po->cols, NULL, table);
    pull_piece(po);
    EddyError err;
    err_clear(&err);
    /* A stream on Kafka is read without the engine lock: it takes as long as the
     * topic does, and touches nothing the lock guards. */
    bool locked = table || engine_mode(s->engine) != ENGINE_KAFKA;
    if (locked) engine_lock(s->engine);
    int rc = 0;
    if (po->limit == 0) {
        po->limit_hit = true;
        if (!table) {
            plan_free(plan);
            pq->plan = NULL;
        }
    } else if (table) {
        rc = engine_pull_table(s->engine, plan, pull_row, po, &err);
    } else {
        rc = engine_pull_stream(s->engine, plan, pull_row, po, &err);
        pq->plan = NULL; /* taken */
    }
    if (locked) engine_unlock(s->engine);
    metrics_pull(s->metrics, (uint64_t)po->rows, rc < 0);
    if (rc < 0 && po->rows == 0) {
        pull_done(po);
        ExecError xe;
        memset(&xe, 0, sizeof xe);
        xe.status = 400;
        xe.error_code = 40001;
        xe.type = "statement_error";
        snprintf(xe.message, sizeof xe.message, "%s", err.msg);
        xe.statement = pq->text;
        return ep_reply_exec_error(r, &xe, NULL);
    }
    if (rc < 0)
        write_error(&po->body, fmt, 50000, err.msg);
    else if (table) /* ksqlDB ends table pull queries without a final message */
        write_final(&po->body, fmt, NULL);
    else
        write_final(&po->body, fmt, po->limit_hit ? "Limit Reached" : "Query Completed");
    pull_piece(po);
    HttpStream st = {po, pull_next, pull_done};
    return http_reply_stream(r, 200, ctype, &st);
}

/* ---------------------------------------------------------------- push */

struct PushClient {
    Server *srv;
    char id[160];
    PushQuery *pq;
    Cols cols;
    OutFmt fmt;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char **queue; /* ring of encoded rows */
    int cap, head, count;
    int64_t limit;    /* -1: none */
    int64_t accepted; /* rows accepted from the engine */
    bool header_sent;
    bool limit_reached; /* the engine side is done: drain, then "Limit Reached" */
    bool overflow;      /* fell too far behind */
    bool closed;        /* /close-query or shutdown */
    bool registered;
    PushClient *next_in_list;
    /* PRINT: text lines instead of rows */
    TopicTap *tap;
    bool print;
    int64_t interval;  /* every n-th record */
    int64_t seen;      /* records seen */
    bool formats_sent; /* the "Key format:" / "Value format:" lines */
};

static void push_register(Server *s, PushClient *pc)
{
    pthread_mutex_lock(&s->push_lock);
    pc->next_in_list = s->pushes;
    s->pushes = pc;
    s->npushes++;
    pc->registered = true;
    pthread_mutex_unlock(&s->push_lock);
}

static void push_unregister(Server *s, PushClient *pc)
{
    pthread_mutex_lock(&s->push_lock);
    for (PushClient **p = &s->pushes; *p; p = &(*p)->next_in_list) {
        if (*p == pc) {
            *p = pc->next_in_list;
            s->npushes--;
            break;
        }
    }
    pc->registered = false;
    pthread_mutex_unlock(&s->push_lock);
}

/* Queues an encoded item (sb, emptied) for the client; non-zero: no more wanted. */
static int push_enqueue(PushClient *pc, StrBuf *sb)
{
    pthread_mutex_lock(&pc->mu);
    int stop = 0;
    if (pc->closed || pc->overflow || pc->limit_reached) {
        stop = 1;
    } else if (pc->count == pc->cap) {
        pc->overflow = true;
        stop = 1;
    } else {
        pc->queue[(pc->head + pc->count) % pc->cap] = sb_steal(sb);
        pc->count++;
        pc->accepted++;
        if (pc->limit >= 0 && pc->accepted >= pc->limit) {
            pc->limit_reached = true;
            stop = 1;
        }
    }
    pthread_cond_signal(&pc->cv);
    pthread_mutex_unlock(&pc->mu);
    sb_free(sb);
    return stop;
}

/* Engine thread: encode and enqueue; non-zero stops the query. */
static int push_row(void *ctx, const Row *row, bool tombstone)
{
    PushClient *pc = ctx;
    StrBuf sb = STRBUF_INIT;
    write_row(&sb, pc->fmt, &pc->cols, row, tombstone);
    return push_enqueue(pc, &sb);
}

/* ---------------------------------------------------------------- PRINT */

static bool printable_utf8(const char *p, size_t n)
{
    const unsigned char *s = (const unsigned char *)p;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        int extra = c < 0x80             ? 0
                    : (c & 0xE0) == 0xC0 ? 1
                    : (c & 0xF0) == 0xE0 ? 2
                    : (c & 0xF8) == 0xF0 ? 3
                                         : -1;
        if (extra < 0 || i + (size_t)extra >= n + (extra ? 0 : 1)) return false;
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
        for (int k = 1; k <= extra; k++)
            if ((s[i + (size_t)k] & 0xC0) != 0x80) return false;
        i += (size_t)extra + 1;
    }
    return true;
}

static bool is_json(const char *p, size_t n)
{
    json_t *j = json_loadb(p, n, JSON_DECODE_ANY, NULL);
    json_decref(j);
    return j != NULL;
}

/* ksqlDB's guess of a key or value format from its bytes. */
static const char *guess_format(const char *p, size_t n)
{
    bool text = printable_utf8(p, n) && n > 0;
    if (text && is_json(p, n)) {
        /* a bare string is not a JSON value: '"x"' is, 'x' is not */
        return "JSON or KAFKA_STRING";
    }
    if (n == 4 && !text) return "KAFKA_INT";
    if (n == 8 && !text) return "KAFKA_BIGINT or KAFKA_DOUBLE";
    if (n > 0 && (unsigned char)p[0] == 0 && n >= 5) return "AVRO or PROTOBUF";
    return "KAFKA_STRING";
}

static void print_bytes(StrBuf *sb, const char *p, size_t n)
{
    if (!p) {
        sb_puts(sb, "<null>");
        return;
    }
    bool text = printable_utf8(p, n);
    if (text) {
        sb_append(sb, p, n);
    } else if (n == 4) {
        uint32_t v = ((uint32_t)(unsigned char)p[0] << 24) | ((uint32_t)(unsigned char)p[1] << 16) |
                     ((uint32_t)(unsigned char)p[2] << 8) | (uint32_t)(unsigned char)p[3];
        sb_printf(sb, "%d", (int32_t)v);
    } else if (n == 8) {
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
            v = (v << 8) | (unsigned char)p[i];
        sb_printf(sb, "%lld", (long long)(int64_t)v);
    } else {
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)p[i];
            if (c >= 0x20 && c < 0x7f)
                sb_putc(sb, (char)c);
            else
                sb_printf(sb, "\\x%02x", c);
        }
    }
}

/* Engine or tap thread: one record as ksqlDB's PRINT writes it. */
static int print_record(void *ctx, const RawRecord *rec)
{
    PushClient *pc = ctx;
    if (pc->seen++ % pc->interval != 0) return 0;
    StrBuf sb = STRBUF_INIT;
    if (!pc->formats_sent) {
        sb_printf(&sb, "Key format: %s\n",
                  rec->key ? guess_format(rec->key, rec->key_len)
                           : "\u00af\\_(\u30c4)_/\u00af - no data processed");
        sb_printf(&sb, "Value format: %s\n",
                  rec->value ? guess_format(rec->value, rec->value_len)
                             : "\u00af\\_(\u30c4)_/\u00af - no data processed");
        pc->formats_sent = true;
    }
    time_t secs = (time_t)(rec->timestamp / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    sb_printf(&sb, "rowtime: %04d/%02d/%02d %02d:%02d:%02d.%03d Z, key: ", tm.tm_year + 1900,
              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
              (int)(rec->timestamp % 1000));
    print_bytes(&sb, rec->key, rec->key_len);
    sb_puts(&sb, ", value: ");
    print_bytes(&sb, rec->value, rec->value_len);
    sb_printf(&sb, ", partition: %d\n", (int)rec->partition);
    return push_enqueue(pc, &sb);
}

static int push_next(void *ctx, StrBuf *out)
{
    PushClient *pc = ctx;
    Server *s = pc->srv;
    if (!pc->header_sent && !pc->print) {
        write_header(out, pc->fmt, &pc->cols, pc->id, false);
        pc->header_sent = true;
        return 1;
    }
    pthread_mutex_lock(&pc->mu);
    if (pc->count == 0 && !pc->limit_reached && !pc->overflow && !pc->closed && !s->shutting_down) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&pc->cv, &pc->mu, &ts);
    }
    int rc = 1;
    if (pc->count > 0) {
        /* Rows go out before any end (a LIMIT's last rows, then its message). */
        char *line = pc->queue[pc->head];
        pc->queue[pc->head] = NULL;
        pc->head = (pc->head + 1) % pc->cap;
        pc->count--;
        pthread_mutex_unlock(&pc->mu);
        sb_puts(out, line);
        free(line);
        return 1;
    }
    if (pc->overflow) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "Push query %s closed: the client fell more than %lld rows behind", pc->id,
                 (long long)s->cfg->push_buffer_rows);
        write_error(out, pc->fmt, 50000, msg);
        rc = 0;
    } else if (pc->limit_reached) {
        if (!pc->print) write_final(out, pc->fmt, "Limit Reached");
        rc = 0;
    } else if (pc->closed || s->shutting_down) {
        if (!pc->print) write_final(out, pc->fmt, NULL);
        rc = 0;
    }
    pthread_mutex_unlock(&pc->mu);
    return rc;
}

static void push_done(void *ctx)
{
    PushClient *pc = ctx;
    Server *s = pc->srv;
    push_unregister(s, pc);
    if (pc->pq || pc->tap) {
        engine_lock(s->engine);
        engine_push_stop(pc->pq);
        engine_tap_stop(pc->tap);
        engine_unlock(s->engine);
        pc->pq = NULL;
        pc->tap = NULL;
    }
    metrics_push_ended(s->metrics, pc->overflow);
    for (int i = 0; i < pc->count; i++)
        free(pc->queue[(pc->head + i) % pc->cap]);
    free(pc->queue);
    cols_free(&pc->cols);
    pthread_mutex_destroy(&pc->mu);
    pthread_cond_destroy(&pc->cv);
    free(pc);
}

static bool earliest(const Props *p)
{
    const char *v = props_get(p, "auto.offset.reset");
    if (!v) v = props_get(p, "ksql.streams.auto.offset.reset");
    return v && strcasecmp(v, "earliest") == 0;
}

static int run_push(HttpReq *r, PreparedQuery *pq, OutFmt fmt, const char *ctype)
{
    Server *s = r->srv;
    pthread_mutex_lock(&s->push_lock);
    bool full = s->npushes >= s->cfg->max_push_queries;
    long seq = ++s->push_seq;
    pthread_mutex_unlock(&s->push_lock);
    if (full)
        return http_reply_error(r, 400, 40003,
                                "Not executing query(s) as the maximum number of push queries "
                                "(%lld) has been reached",
                                (long long)s->cfg->max_push_queries);
    Plan *plan = pq->plan;
    PushClient *pc = xcalloc(1, sizeof *pc);
    pc->srv = s;
    pc->fmt = fmt;
    pc->limit = plan->has_limit ? plan->limit : -1;
    pc->cap = (int)(s->cfg->push_buffer_rows > 1000000 ? 1000000 : s->cfg->push_buffer_rows);
    pc->queue = xcalloc((size_t)pc->cap, sizeof(char *));
    pthread_mutex_init(&pc->mu, NULL);
    pthread_cond_init(&pc->cv, NULL);
    cols_init(&pc->cols, &plan->output);
    snprintf(pc->id, sizeof pc->id, "transient_%s_%ld%06ld",
             plan->nsources ? plan->sources[0] : "QUERY", seq, (long)(http_now_us() % 1000000));
    if (pc->limit == 0) pc->limit_reached = true;
    EddyError err;
    err_clear(&err);
    push_register(s, pc);
    engine_lock(s->engine);
    pq->plan = NULL; /* taken by the engine */
    pc->pq = pc->limit_reached ? NULL
                               : engine_push_start(s->engine, plan, pc->id, earliest(&pq->props),
                                                   push_row, pc, &err);
    engine_unlock(s->engine);
    if (pc->limit_reached && !pc->pq) plan_free(plan);
    if (!pc->pq && !pc->limit_reached) {
        ExecError xe;
        memset(&xe, 0, sizeof xe);
        xe.status = 400;
        xe.error_code = 40001;
        xe.type = "statement_error";
        snprintf(xe.message, sizeof xe.message, "%s", err.msg);
        xe.statement = pq->text;
        push_done(pc);
        return ep_reply_exec_error(r, &xe, NULL);
    }
    metrics_push_started(s->metrics);
    HttpStream st = {pc, push_next, push_done};
    return http_reply_stream(r, 200, ctype, &st);
}

/* PRINT topic [FROM BEGINNING] [INTERVAL n] [LIMIT n]: the topic's records as
 * text lines, streamed like a push query's rows (same queue, same limits). */
static int run_print(HttpReq *r, PreparedQuery *pq, const char *ctype)
{
    Server *s = r->srv;
    pthread_mutex_lock(&s->push_lock);
    bool full = s->npushes >= s->cfg->max_push_queries;
    long seq = ++s->push_seq;
    pthread_mutex_unlock(&s->push_lock);
    if (full)
        return http_reply_error(r, 400, 40003,
                                "Not executing query(s) as the maximum number of push queries "
                                "(%lld) has been reached",
                                (long long)s->cfg->max_push_queries);
    PushClient *pc = xcalloc(1, sizeof *pc);
    pc->srv = s;
    pc->fmt = OUT_DELIMITED;
    pc->print = true;
    pc->interval = pq->interval > 0 ? pq->interval : 1;
    pc->limit = pq->limit;
    pc->cap = (int)(s->cfg->push_buffer_rows > 1000000 ? 1000000 : s->cfg->push_buffer_rows);
    pc->queue = xcalloc((size_t)pc->cap, sizeof(char *));
    pthread_mutex_init(&pc->mu, NULL);
    pthread_cond_init(&pc->cv, NULL);
    snprintf(pc->id, sizeof pc->id, "print_%s_%ld", pq->print_topic, seq);
    if (pc->limit == 0) pc->limit_reached = true;
    EddyError err;
    err_clear(&err);
    push_register(s, pc);
    engine_lock(s->engine);
    /* An unquoted name is upper-cased by the parser: a topic whose name differs
     * only in case is the one meant (PRINT pageviews). */
    const char *topic = pq->print_topic;
    char found[256] = "";
    if (!engine_topic_exists(s->engine, topic, NULL)) {
        TopicInfo *ti = NULL;
        EddyError le;
        err_clear(&le);
        int n = engine_topic_list(s->engine, &ti, &le);
        for (int i = 0; i < n; i++)
            if (strcasecmp(ti[i].name, topic) == 0) snprintf(found, sizeof found, "%s", ti[i].name);
        free(ti);
        if (found[0]) topic = found;
    }
    if (!pc->limit_reached)
        pc->tap = engine_tap_start(s->engine, topic, pq->from_beginning, print_record, pc, &err);
    engine_unlock(s->engine);
    if (!pc->tap && !pc->limit_reached) {
        ExecError xe;
        memset(&xe, 0, sizeof xe);
        xe.status = 400;
        xe.error_code = 40001;
        xe.type = "statement_error";
        snprintf(xe.message, sizeof xe.message, "%s", err.msg);
        xe.statement = pq->text;
        push_done(pc);
        return ep_reply_exec_error(r, &xe, NULL);
    }
    metrics_push_started(s->metrics);
    HttpStream st = {pc, push_next, push_done};
    return http_reply_stream(r, 200, ctype, &st);
}

void push_stop_all(Server *s)
{
    pthread_mutex_lock(&s->push_lock);
    for (PushClient *pc = s->pushes; pc; pc = pc->next_in_list) {
        pthread_mutex_lock(&pc->mu);
        pc->closed = true;
        pthread_cond_signal(&pc->cv);
        pthread_mutex_unlock(&pc->mu);
    }
    pthread_mutex_unlock(&s->push_lock);
}

/* ---------------------------------------------------------------- endpoints */

static int run_query(HttpReq *r, const char *sql_field, const char *props_field, OutFmt fmt,
                     const char *ctype)
{
    int rc;
    json_t *body = ep_body_object(r, &rc);
    if (!body) return rc;
    json_t *sql = json_object_get(body, sql_field);
    if (!json_is_string(sql)) {
        json_decref(body);
        return http_reply_error(r, 400, 40000, "Required field '%s' is missing or not a string",
                                sql_field);
    }
    Props overrides, vars;
    props_init(&overrides);
    props_init(&vars);
    ep_props_from_json(&overrides, json_object_get(body, props_field));
    ep_props_from_json(&vars, json_object_get(body, "sessionVariables"));
    ExecRequest req = {0};
    req.sql = json_string_value(sql);
    req.overrides = &overrides;
    req.variables = &vars;
    req.allow_queries = true;
    PreparedQuery pq;
    ExecError err;
    if (executor_prepare_query(r->srv->exec, &req, &pq, &err) < 0) {
        rc = ep_reply_exec_error(r, &err, NULL);
    } else if (pq.is_print && fmt == OUT_JSON) {
        /* ksqlDB prints only in the delimited framing of /query-stream */
        rc = http_reply_text(r, 406, "Not Acceptable");
    } else if (pq.is_print) {
        rc = run_print(r, &pq, ctype);
    } else if (pq.plan->kind == PLAN_PULL) {
        rc = run_pull(r, &pq, fmt, ctype);
    } else {
        rc = run_push(r, &pq, fmt, ctype);
    }
    prepared_query_free(&pq);
    exec_error_clear(&err);
    props_free(&overrides);
    props_free(&vars);
    json_decref(body);
    return rc;
}

int ep_query(HttpReq *r)
{
    static const char *const offered[] = {MT_KSQL_JSON, MT_JSON, NULL};
    const char *ct = http_negotiate(r, offered);
    if (!ct) return http_reply_text(r, 406, "Not Acceptable");
    return run_query(r, "ksql", "streamsProperties", OUT_QUERY, ct);
}

int ep_query_stream(HttpReq *r)
{
    static const char *const offered[] = {MT_DELIMITED, MT_JSON, NULL};
    const char *ct = http_negotiate(r, offered);
    if (!ct) return http_reply_text(r, 406, "Not Acceptable");
    OutFmt fmt = strcmp(ct, MT_JSON) == 0 ? OUT_JSON : OUT_DELIMITED;
    return run_query(r, "sql", "properties", fmt, ct);
}

int ep_close_query(HttpReq *r)
{
    int rc;
    json_t *body = ep_body_object(r, &rc);
    if (!body) return rc;
    const char *id = json_string_value(json_object_get(body, "queryId"));
    if (!id) {
        json_decref(body);
        return http_reply_error(r, 400, 40000, "No queryId in request");
    }
    Server *s = r->srv;
    bool found = false;
    pthread_mutex_lock(&s->push_lock);
    for (PushClient *pc = s->pushes; pc; pc = pc->next_in_list) {
        if (strcmp(pc->id, id) != 0) continue;
        pthread_mutex_lock(&pc->mu);
        pc->closed = true;
        pthread_cond_signal(&pc->cv);
        pthread_mutex_unlock(&pc->mu);
        found = true;
    }
    pthread_mutex_unlock(&s->push_lock);
    if (!found) {
        rc = http_reply_error(r, 400, 40000, "No query with id %s", id);
    } else {
        rc = http_reply(r, 200, MT_JSON, "", 0);
    }
    json_decref(body);
    return rc;
}
