/*
 * ep_test.c - POST /test/topics, /test/produce and /test/records, enabled only by
 * `eddyd --test-endpoints`. The REST conformance runner (eddy-qtt --rest) uses
 * them to write the test inputs onto topics and read topics back, in the
 * "value spec" form ksqlDB's test files use: a record's key and value are JSON
 * turned into bytes by the formats of the source declared on the topic (JSON
 * as written, DELIMITED text as given, KAFKA primitives by column type), with
 * windowed keys and headers. /test/topics creates the case's topics first
 * ({"topics": [{"name": "t", "partitions": 4}]}; existing ones are left alone),
 * as upstream's harness does before the statements run. The same runner works against the in-memory
 * engine and against Kafka, since both go through engine_produce.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/arena.h"
#include "../runtime/json_value.h"
#include "../runtime/serde.h"
#include "server.h"

/* The source declared on a topic (a source the user created wins over a sink). */
static const Source *source_for_topic(Catalog *c, const char *topic)
{
    const Source *found = NULL;
    for (int i = 0; i < catalog_count(c); i++) {
        const Source *s = catalog_at(c, i);
        if (strcmp(s->topic, topic) != 0) continue;
        if (!found || (found->is_sink && !s->is_sink)) found = s;
    }
    return found;
}

static void put_be(StrBuf *sb, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--)
        sb_putc(sb, (char)((v >> (8 * i)) & 0xff));
}

/* Bytes of a spec value for a KAFKA-format column of type t. */
static int kafka_bytes(json_t *j, const Type *t, StrBuf *out, Arena *a)
{
    if (!t) {
        if (json_is_string(j)) sb_puts(out, json_string_value(j));
        return 0;
    }
    switch (t->kind) {
    case TYPE_INT: put_be(out, (uint64_t)(uint32_t)(int32_t)json_integer_value(j), 4); return 0;
    case TYPE_BIGINT: put_be(out, (uint64_t)json_integer_value(j), 8); return 0;
    case TYPE_DOUBLE: {
        double d = json_number_value(j);
        uint64_t u;
        memcpy(&u, &d, 8);
        put_be(out, u, 8);
        return 0;
    }
    case TYPE_BYTES: {
        char *raw;
        const char *s = json_string_value(j);
        long n = s ? base64_decode(a, s, strlen(s), &raw) : -1;
        if (n < 0) return -1;
        sb_append(out, raw, (size_t)n);
        return 0;
    }
    default:
        if (json_is_string(j)) {
            sb_puts(out, json_string_value(j));
        } else {
            char *d = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
            sb_puts(out, d ? d : "");
            free(d);
        }
        return 0;
    }
}

/* The bytes of a key or value in spec form. *is_null for a Kafka null. */
static int spec_bytes(json_t *j, const Source *src, bool is_key, StrBuf *out, bool *is_null,
                      Arena *a)
{
    *is_null = !j || json_is_null(j);
    if (*is_null) return 0;
    const FormatSpec *f = is_key ? &src->key_fmt : &src->val_fmt;
    const Schema *s = &src->schema;
    switch (f->kind) {
    case FMT_NONE: *is_null = true; return 0;
    case FMT_KAFKA: {
        const Type *t = NULL;
        if (is_key && s->nkey > 0) t = s->cols[0].type;
        if (!is_key)
            for (int i = s->nkey; i < s->ncols; i++)
                if (s->cols[i].role == COL_VALUE) {
                    t = s->cols[i].type;
                    break;
                }
        return kafka_bytes(j, t, out, a);
    }
    case FMT_DELIMITED:
        if (json_is_string(j)) {
            sb_puts(out, json_string_value(j));
            return 0;
        }
        /* numbers as their JSON text */
        __attribute__((fallthrough));
    default: {
        char *d = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
        sb_puts(out, d ? d : "null");
        free(d);
        return 0;
    }
    }
}

int ep_test_produce(HttpReq *r)
{
    int rc;
    json_t *body = ep_body_object(r, &rc);
    if (!body) return rc;
    Server *s = r->srv;
    json_t *recs = json_object_get(body, "records");
    size_t i;
    json_t *rec;
    int produced = 0;
    StrBuf kb = STRBUF_INIT, vb = STRBUF_INIT;
    Arena a;
    arena_init(&a, 4096);
    char errmsg[1024] = "";
    engine_lock(s->engine);
    json_array_foreach(recs, i, rec)
    {
        const char *topic = json_string_value(json_object_get(rec, "topic"));
        if (!topic) continue;
        const Source *src = source_for_topic(engine_catalog(s->engine), topic);
        sb_clear(&kb);
        sb_clear(&vb);
        arena_reset(&a);
        bool knull = true, vnull = true;
        if (src) {
            if (spec_bytes(json_object_get(rec, "key"), src, true, &kb, &knull, &a) < 0 ||
                spec_bytes(json_object_get(rec, "value"), src, false, &vb, &vnull, &a) < 0) {
                snprintf(errmsg, sizeof errmsg, "record %zu: cannot encode", i);
                break;
            }
            json_t *w = json_object_get(rec, "window");
            if (w && src->window.type != WIN_NONE) {
                if (knull) {
                    knull = false;
                    sb_clear(&kb);
                }
                serde_window_append(&kb, src->window.type == WIN_SESSION,
                                    json_integer_value(json_object_get(w, "start")),
                                    json_integer_value(json_object_get(w, "end")));
            }
        } else {
            /* No source: strings as bytes, anything else as JSON text. */
            json_t *k = json_object_get(rec, "key"), *v = json_object_get(rec, "value");
            if (k && !json_is_null(k)) {
                knull = false;
                kafka_bytes(k, NULL, &kb, &a);
                if (!json_is_string(k)) {
                    char *d = json_dumps(k, JSON_COMPACT | JSON_ENCODE_ANY);
                    sb_puts(&kb, d ? d : "");
                    free(d);
                }
            }
            if (v && !json_is_null(v)) {
                vnull = false;
                char *d = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
                sb_puts(&vb, d ? d : json_string_value(v));
                free(d);
            }
        }
        RawRecord raw;
        memset(&raw, 0, sizeof raw);
        raw.topic = topic;
        raw.partition = -1;
        raw.offset = -1;
        raw.timestamp = json_integer_value(json_object_get(rec, "timestamp"));
        raw.key = knull ? NULL : kb.data ? kb.data : "";
        raw.key_len = knull ? 0 : kb.len;
        raw.value = vnull ? NULL : vb.data ? vb.data : "";
        raw.value_len = vnull ? 0 : vb.len;
        json_t *hs = json_object_get(rec, "headers");
        int nh = json_is_array(hs) ? (int)json_array_size(hs) : 0;
        RawHeader *h = nh ? arena_zalloc(&a, sizeof(RawHeader) * (size_t)nh) : NULL;
        for (int k = 0; k < nh; k++) {
            json_t *hj = json_array_get(hs, (size_t)k);
            const char *hk = json_string_value(json_object_get(hj, "KEY"));
            if (!hk) hk = json_string_value(json_object_get(hj, "key"));
            json_t *hv = json_object_get(hj, "VALUE");
            if (!hv) hv = json_object_get(hj, "value");
            h[k].key = hk ? hk : "";
            h[k].key_len = strlen(h[k].key);
            if (json_is_string(hv)) {
                char *out;
                long n =
                    base64_decode(&a, json_string_value(hv), strlen(json_string_value(hv)), &out);
                h[k].value = n >= 0 ? out : NULL;
                h[k].value_len = n >= 0 ? (size_t)n : 0;
            }
        }
        raw.headers = h;
        raw.nheaders = nh;
        int part = json_is_integer(json_object_get(rec, "partition"))
                       ? (int)json_integer_value(json_object_get(rec, "partition"))
                       : -1;
        EddyError perr;
        err_clear(&perr);
        if (engine_produce(s->engine, topic, part, &raw, &perr) < 0) {
            snprintf(errmsg, sizeof errmsg, "record %zu: %s", i, perr.msg);
            break;
        }
        produced++;
    }
    engine_unlock(s->engine);
    sb_free(&kb);
    sb_free(&vb);
    arena_free(&a);
    json_decref(body);
    if (errmsg[0]) return http_reply_error(r, 400, 40000, "%s", errmsg);
    json_t *o = json_object();
    json_object_set_new(o, "produced", json_integer(produced));
    return http_reply_json(r, 200, o, MT_JSON);
}

/* The spec form of stored bytes (the inverse of spec_bytes). */
static json_t *spec_json(const char *p, size_t n, const Source *src, bool is_key)
{
    if (!p) return json_null();
    const FormatSpec *f = src ? (is_key ? &src->key_fmt : &src->val_fmt) : NULL;
    FormatKind k = f ? f->kind : FMT_DELIMITED;
    if (k == FMT_JSON) {
        json_error_t je;
        json_t *j = json_loadb(p, n, JSON_DECODE_ANY, &je);
        return j ? j : json_stringn(p, n);
    }
    if (k == FMT_KAFKA && src) {
        const Schema *s = &src->schema;
        const Type *t = NULL;
        if (is_key && s->nkey > 0) t = s->cols[0].type;
        for (int i = s->nkey; !is_key && i < s->ncols; i++)
            if (s->cols[i].role == COL_VALUE) {
                t = s->cols[i].type;
                break;
            }
        const unsigned char *b = (const unsigned char *)p;
        if (t && t->kind == TYPE_INT && n == 4)
            return json_integer((int32_t)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
                                          (uint32_t)b[2] << 8 | b[3]));
        if (t && (t->kind == TYPE_BIGINT || t->kind == TYPE_DOUBLE) && n == 8) {
            uint64_t u = 0;
            for (int i = 0; i < 8; i++)
                u = u << 8 | b[i];
            if (t->kind == TYPE_BIGINT) return json_integer((json_int_t)u);
            double d;
            memcpy(&d, &u, 8);
            return json_real(d);
        }
        if (t && t->kind == TYPE_BYTES) {
            StrBuf sb = STRBUF_INIT;
            base64_encode(&sb, p, n);
            json_t *j = json_string(sb_cstr(&sb));
            sb_free(&sb);
            return j;
        }
    }
    return json_stringn(p, n);
}

int ep_test_records(HttpReq *r)
{
    int rc;
    json_t *body = ep_body_object(r, &rc);
    if (!body) return rc;
    Server *s = r->srv;
    const char *topic = json_string_value(json_object_get(body, "topic"));
    if (!topic) {
        json_decref(body);
        return http_reply_error(r, 400, 40000, "topic missing");
    }
    json_t *list = json_array();
    engine_lock(s->engine);
    if (engine_mode(s->engine) != ENGINE_MEMORY) {
        engine_unlock(s->engine);
        json_decref(body);
        json_decref(list);
        return http_reply_error(r, 400, 40000, "/test/records needs the in-memory engine");
    }
    const Source *src = source_for_topic(engine_catalog(s->engine), topic);
    const RawRecord *recs;
    int n = engine_memory_records(s->engine, topic, &recs);
    for (int i = 0; i < n; i++) {
        const RawRecord *rr = &recs[i];
        json_t *o = json_object();
        const char *kp = rr->key;
        size_t kl = rr->key_len;
        if (src && src->window.type != WIN_NONE && kp) {
            int64_t ws = 0, we = 0;
            long inner = serde_window_split(kp, kl, src->window.type == WIN_SESSION, &ws, &we);
            if (inner >= 0) {
                kl = (size_t)inner;
                json_t *w = json_object();
                json_object_set_new(w, "start", json_integer(ws));
                json_object_set_new(
                    w, "end",
                    json_integer(src->window.type == WIN_SESSION ? we : ws + src->window.size_ms));
                json_object_set_new(
                    w, "type", json_string(src->window.type == WIN_SESSION ? "session" : "time"));
                json_object_set_new(o, "window", w);
            }
        }
        json_object_set_new(o, "topic", json_string(topic));
        json_object_set_new(o, "partition", json_integer(rr->partition));
        json_object_set_new(o, "offset", json_integer(rr->offset));
        json_object_set_new(o, "timestamp", json_integer(rr->timestamp));
        json_object_set_new(o, "key", spec_json(kp, kl, src, true));
        json_object_set_new(o, "value", spec_json(rr->value, rr->value_len, src, false));
        json_array_append_new(list, o);
    }
    engine_unlock(s->engine);
    json_decref(body);
    return http_reply_json(r, 200, list, MT_JSON);
}

int ep_test_topics(HttpReq *r)
{
    int rc;
    json_t *body = ep_body_object(r, &rc);
    if (!body) return rc;
    Server *s = r->srv;
    json_t *topics = json_object_get(body, "topics");
    size_t i;
    json_t *t;
    char errmsg[1024] = "";
    engine_lock(s->engine);
    json_array_foreach(topics, i, t)
    {
        const char *name = json_string_value(json_object_get(t, "name"));
        json_int_t parts = json_integer_value(json_object_get(t, "partitions"));
        if (!name || parts < 1 || parts > 64) {
            snprintf(errmsg, sizeof errmsg, "topic %zu: a name and 1-64 partitions are needed", i);
            break;
        }
        int have = 0;
        if (engine_topic_exists(s->engine, name, &have)) continue;
        EddyError err;
        err_clear(&err);
        int actual = 0;
        if (engine_topic_create(s->engine, name, (int)parts, 1, -1, &actual, &err) < 0 &&
            err.code != 0) {
            snprintf(errmsg, sizeof errmsg, "%s", err.msg);
            break;
        }
    }
    engine_unlock(s->engine);
    json_decref(body);
    if (errmsg[0]) return http_reply_error(r, 400, 40000, "%s", errmsg);
    json_t *ok = json_object();
    json_object_set_new(ok, "created", json_true());
    return http_reply_json(r, 200, ok, MT_JSON);
}
