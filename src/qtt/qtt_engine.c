/*
 * qtt_engine.c - full-mode conformance: a QTT case through the real executor and
 * operators on an in-memory engine (see qtt_engine.h).
 *
 * Per case: a fresh engine (its own LMDB directory) with the case's properties;
 * topics declared by the case are created; the statements run as one request
 * (so error positions count lines across statements, as upstream); input records
 * are serialized with the formats of the source declared on their topic and
 * written in file order, each one running every query that reads its topic
 * (outputs feeding further queries depth-first); then the records on every
 * output topic are compared in order with ksqlDB's comparator rules, and the
 * post-conditions on sources and topics are checked.
 */
#include "qtt_engine.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../parser/parser.h"
#include "../planner/planner.h"
#include "../runtime/engine.h"
#include "../runtime/serde.h"
#include "../server/executor.h"

static const char *const sr_formats[] = {"AVRO", "PROTOBUF", "PROTOBUF_NOSR", "JSON_SR"};

static bool mentions_sr(const char *s)
{
    for (size_t i = 0; i < sizeof sr_formats / sizeof sr_formats[0]; i++) {
        const char *p = s;
        size_t n = strlen(sr_formats[i]);
        while ((p = strcasestr(p, sr_formats[i])) != NULL) {
            bool left = p == s || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
            bool right = !(isalnum((unsigned char)p[n]) || p[n] == '_');
            if (left && right) return true;
            p += n;
        }
    }
    return false;
}

bool qtt_case_needs_schema_registry(const QttCase *tc)
{
    if (tc->format && mentions_sr(tc->format)) return true;
    for (int i = 0; i < tc->nstatements; i++) {
        const char *s = tc->statements[i];
        if (mentions_sr(s) && (strcasestr(s, "FORMAT") != NULL)) return true;
        if (strcasestr(s, "SCHEMA_ID") || strcasestr(s, "SCHEMA_FULL_NAME")) return true;
    }
    if (tc->topics) {
        size_t i;
        json_t *t;
        json_array_foreach(tc->topics, i, t)
        {
            if (json_object_get(t, "valueSchema") || json_object_get(t, "keySchema")) return true;
            const char *vf = json_string_value(json_object_get(t, "valueFormat"));
            const char *kf = json_string_value(json_object_get(t, "keyFormat"));
            if ((vf && mentions_sr(vf)) || (kf && mentions_sr(kf))) return true;
        }
    }
    if (tc->properties) {
        const char *k;
        json_t *v;
        json_object_foreach(tc->properties, k, v)
        {
            if (json_is_string(v) && strstr(k, "format") && mentions_sr(json_string_value(v)))
                return true;
        }
    }
    return false;
}

/* ---------------------------------------------------------------- JSON helpers */

/* Writes JSON with doubles as Java prints them (shortest round-trip). */
static void json_write(StrBuf *sb, const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        sb_putc(sb, '{');
        const char *k;
        json_t *v;
        bool first = true;
        json_object_foreach((json_t *)j, k, v)
        {
            if (!first) sb_putc(sb, ',');
            first = false;
            sb_put_json_string(sb, k, strlen(k));
            sb_putc(sb, ':');
            json_write(sb, v);
        }
        sb_putc(sb, '}');
        break;
    }
    case JSON_ARRAY: {
        sb_putc(sb, '[');
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i) sb_putc(sb, ',');
            json_write(sb, json_array_get(j, i));
        }
        sb_putc(sb, ']');
        break;
    }
    case JSON_STRING:
        if (strncmp(json_string_value(j), QTT_NUM_MARK, strlen(QTT_NUM_MARK)) == 0)
            sb_puts(sb, json_string_value(j) + strlen(QTT_NUM_MARK)); /* a protected number */
        else
            sb_put_json_string(sb, json_string_value(j), json_string_length(j));
        break;
    case JSON_INTEGER: sb_put_i64(sb, json_integer_value(j)); break;
    case JSON_REAL: fmt_java_double(sb, json_real_value(j)); break;
    case JSON_TRUE: sb_puts(sb, "true"); break;
    case JSON_FALSE: sb_puts(sb, "false"); break;
    case JSON_NULL: sb_puts(sb, "null"); break;
    }
}

static void describe_json(StrBuf *sb, const json_t *j)
{
    if (!j) {
        sb_puts(sb, "<absent>");
        return;
    }
    json_write(sb, j);
}

/* ---------------------------------------------------------------- comparator */

static bool num_value(const json_t *j, double *d)
{
    if (json_is_integer(j)) {
        *d = (double)json_integer_value(j);
        return true;
    }
    if (json_is_real(j)) {
        *d = json_real_value(j);
        return true;
    }
    if (json_is_string(j)) {
        const char *s = json_string_value(j);
        char *end;
        if (!*s) return false;
        *d = strtod(s, &end);
        return *end == 0;
    }
    return false;
}

static const json_t *obj_lookup(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (v) return v;
    char up[512];
    snprintf(up, sizeof up, "%s", key);
    for (char *p = up; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return json_object_get(obj, up);
}

static const char *num_mark(const json_t *j)
{
    if (!json_is_string(j)) return NULL;
    const char *s = json_string_value(j);
    return strncmp(s, QTT_NUM_MARK, strlen(QTT_NUM_MARK)) == 0 ? s + strlen(QTT_NUM_MARK) : NULL;
}

/* Compares two numbers given as text: as exact decimals (scale included, as
 * BigDecimal.equals) when both parse as such, else as doubles. */
static bool num_text_equal(const char *a, const char *b, bool exact_scale)
{
    int128_t ua, ub;
    int pa, sa, pb, sb;
    if (dec_parse(a, strlen(a), &ua, &pa, &sa) == 0 &&
        dec_parse(b, strlen(b), &ub, &pb, &sb) == 0) {
        /* Same scale: exact decimals. Different: doubles printed to different lengths. */
        bool exp_form = strpbrk(a, "eE") || strpbrk(b, "eE"); /* doubles */
        if (exact_scale && !exp_form && sa == sb) return ua == ub;
        if (!exact_scale) {
            int s = sa > sb ? sa : sb;
            int128_t x, y;
            if (dec_rescale(ua, sa, s, 0, &x) == 0 && dec_rescale(ub, sb, s, 0, &y) == 0 && x == y)
                return true;
        }
    }
    double x = strtod(a, NULL), y = strtod(b, NULL);
    return x == y || fabs(x - y) <= 1e-9 * (fabs(x) > 1 ? fabs(x) : 1);
}

/* ksqlDB's ExpectedRecordComparator. */
static bool json_match(const json_t *exp, const json_t *act)
{
    const char *en = num_mark(exp), *an = act ? num_mark(act) : NULL;
    if (en || an) {
        char eb[64], ab[64];
        if (!en) {
            if (!json_is_number(exp)) return false;
            StrBuf t = STRBUF_INIT;
            json_write(&t, exp);
            snprintf(eb, sizeof eb, "%s", sb_cstr(&t));
            sb_free(&t);
            en = eb;
        }
        if (!an) {
            if (!act || !json_is_number(act)) return false;
            StrBuf t = STRBUF_INIT;
            json_write(&t, act);
            snprintf(ab, sizeof ab, "%s", sb_cstr(&t));
            sb_free(&t);
            an = ab;
        }
        return num_text_equal(en, an, num_mark(exp) && num_mark(act));
    }
    if (json_is_null(exp)) return !act || json_is_null(act);
    if (!act) return false;
    switch (json_typeof(exp)) {
    case JSON_OBJECT: {
        if (!json_is_object(act) || json_object_size(act) != json_object_size(exp)) return false;
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)exp, k, v)
        {
            if (!json_match(v, obj_lookup(act, k))) return false;
        }
        return true;
    }
    case JSON_ARRAY:
        if (!json_is_array(act) || json_array_size(act) != json_array_size(exp)) return false;
        for (size_t i = 0; i < json_array_size(exp); i++)
            if (!json_match(json_array_get(exp, i), json_array_get(act, i))) return false;
        return true;
    case JSON_INTEGER:
        if (json_is_integer(act)) return json_integer_value(act) == json_integer_value(exp);
        if (json_is_real(act)) return json_real_value(act) == (double)json_integer_value(exp);
        return false;
    case JSON_REAL: {
        double a;
        if (!json_is_number(act)) return false;
        num_value(act, &a);
        double e = json_real_value(exp);
        if (isnan(e)) return isnan(a);
        return fabs(a - e) <= 1e-6 * (fabs(e) > 1 ? fabs(e) : 1);
    }
    case JSON_STRING:
        if (json_is_string(act)) return strcmp(json_string_value(act), json_string_value(exp)) == 0;
        if (json_is_number(act)) {
            /* Decimals are often written as strings in the expectations. */
            double e, a;
            if (!num_value(exp, &e) || !num_value(act, &a)) return false;
            return fabs(a - e) <= 1e-9 * (fabs(e) > 1 ? fabs(e) : 1);
        }
        return false;
    case JSON_TRUE:
    case JSON_FALSE:
        return json_is_boolean(act) && json_boolean_value(act) == json_boolean_value(exp);
    default: return false;
    }
}

/* ---------------------------------------------------------------- formats */

typedef struct TopicSpec {
    const Source *src; /* the source declared on the topic (formats, schema), or NULL */
} TopicSpec;

static const Source *source_for_topic(Catalog *c, const char *topic, bool prefer_sink)
{
    const Source *found = NULL;
    for (int i = 0; i < catalog_count(c); i++) {
        const Source *s = catalog_at(c, i);
        if (strcmp(s->topic, topic) != 0) continue;
        if (!found) found = s;
        if (prefer_sink && s->is_sink) return s;
    }
    return found;
}

static void put_be(StrBuf *sb, uint64_t v, int n)
{
    char b[8];
    for (int i = n - 1; i >= 0; i--) {
        b[i] = (char)(v & 0xff);
        v >>= 8;
    }
    sb_append(sb, b, (size_t)n);
}

/* Serializes a JSON "value spec" for a KAFKA-format single column of type t. */
static int kafka_bytes(const json_t *j, const Type *t, StrBuf *out, bool *is_null, Arena *a)
{
    *is_null = false;
    if (!j || json_is_null(j)) {
        *is_null = true;
        return 0;
    }
    switch (t->kind) {
    case TYPE_INT: put_be(out, (uint32_t)(int32_t)json_integer_value(j), 4); return 0;
    case TYPE_BIGINT: put_be(out, (uint64_t)json_integer_value(j), 8); return 0;
    case TYPE_DOUBLE: {
        double d = json_number_value(j);
        uint64_t u;
        memcpy(&u, &d, 8);
        put_be(out, u, 8);
        return 0;
    }
    case TYPE_BYTES: {
        char *p;
        long n = base64_decode(a, json_string_value(j), json_string_length(j), &p);
        if (n < 0) return -1;
        sb_append(out, p, (size_t)n);
        return 0;
    }
    default:
        if (json_is_string(j))
            sb_append(out, json_string_value(j), json_string_length(j));
        else
            json_write(out, j);
        return 0;
    }
}

/* Serializes a record's key or value with the declared format. */
static int spec_bytes(const json_t *j, const Source *src, bool is_key, StrBuf *out, bool *is_null,
                      Arena *a)
{
    *is_null = false;
    if (!j || json_is_null(j)) {
        *is_null = true;
        return 0;
    }
    FormatKind f = src ? (is_key ? src->key_fmt.kind : src->val_fmt.kind) : FMT_JSON;
    if (f == FMT_KAFKA && src) {
        int idx = is_key ? 0 : src->schema.nkey;
        if (idx >= src->schema.ncols) return -1;
        return kafka_bytes(j, src->schema.cols[idx].type, out, is_null, a);
    }
    if (f == FMT_NONE) {
        *is_null = true;
        return 0;
    }
    if (f == FMT_DELIMITED && json_is_string(j)) {
        sb_append(out, json_string_value(j), json_string_length(j));
        return 0;
    }
    if (json_is_string(j) && f != FMT_JSON) {
        sb_append(out, json_string_value(j), json_string_length(j));
        return 0;
    }
    json_write(out, j);
    return 0;
}

/* Decodes actual bytes into JSON for comparison. */
static json_t *actual_json(const char *p, size_t n, const Source *src, bool is_key, Arena *a)
{
    if (!p) return json_null();
    FormatKind f = src ? (is_key ? src->key_fmt.kind : src->val_fmt.kind) : FMT_JSON;
    if (f == FMT_JSON) {
        json_error_t e;
        size_t len = n;
        char *prot = qtt_protect_numbers(p, &len);
        json_t *j = json_loadb(prot, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
        free(prot);
        return j ? j : json_stringn(p, n);
    }
    if (f == FMT_KAFKA && src) {
        int idx = is_key ? 0 : src->schema.nkey;
        if (idx >= src->schema.ncols) return json_stringn(p, n);
        const Type *t = src->schema.cols[idx].type;
        const unsigned char *u = (const unsigned char *)p;
        uint64_t v = 0;
        switch (t->kind) {
        case TYPE_INT:
            if (n != 4) break;
            for (int i = 0; i < 4; i++)
                v = v << 8 | u[i];
            return json_integer((int32_t)(uint32_t)v);
        case TYPE_BIGINT:
            if (n != 8) break;
            for (int i = 0; i < 8; i++)
                v = v << 8 | u[i];
            return json_integer((int64_t)v);
        case TYPE_DOUBLE: {
            if (n != 8) break;
            for (int i = 0; i < 8; i++)
                v = v << 8 | u[i];
            double d;
            memcpy(&d, &v, 8);
            return json_real(d);
        }
        case TYPE_BYTES: {
            StrBuf sb = STRBUF_INIT;
            base64_encode(&sb, p, n);
            json_t *j = json_string(sb_cstr(&sb));
            sb_free(&sb);
            return j;
        }
        default: break;
        }
        (void)a;
        return json_stringn(p, n);
    }
    return json_stringn(p, n);
}

/* ---------------------------------------------------------------- running */

typedef struct Fed {
    char *topic;
    int64_t offset;
} Fed;

typedef struct Run {
    Engine *engine;
    Executor *exec;
    Arena arena;
    Fed *fed;
    int nfed, capfed;
    StrBuf *reason;
} Run;

static bool was_fed(const Run *r, const char *topic, int64_t offset)
{
    for (int i = 0; i < r->nfed; i++)
        if (r->fed[i].offset == offset && strcmp(r->fed[i].topic, topic) == 0) return true;
    return false;
}

static int feed_inputs(Run *r, const QttCase *tc)
{
    if (!tc->inputs) return 0;
    Catalog *cat = engine_catalog(r->engine);
    size_t i;
    json_t *in;
    json_array_foreach(tc->inputs, i, in)
    {
        const char *topic = json_string_value(json_object_get(in, "topic"));
        if (!topic) continue;
        const Source *src = source_for_topic(cat, topic, false);
        StrBuf kb = STRBUF_INIT, vb = STRBUF_INIT;
        bool knull, vnull;
        arena_reset(&r->arena);
        if (spec_bytes(json_object_get(in, "key"), src, true, &kb, &knull, &r->arena) < 0 ||
            spec_bytes(json_object_get(in, "value"), src, false, &vb, &vnull, &r->arena) < 0) {
            sb_printf(r->reason, "cannot serialize input %zu", i);
            sb_free(&kb);
            sb_free(&vb);
            return -1;
        }
        json_t *win = json_object_get(in, "window");
        if (win) {
            bool session = json_string_value(json_object_get(win, "type")) &&
                           strcmp(json_string_value(json_object_get(win, "type")), "session") == 0;
            if (knull) sb_clear(&kb);
            serde_window_append(&kb, session, json_integer_value(json_object_get(win, "start")),
                                json_integer_value(json_object_get(win, "end")));
            knull = false;
        }
        RawHeader hdrs[64];
        int nh = 0;
        json_t *hs = json_object_get(in, "headers");
        if (json_is_array(hs)) {
            size_t k;
            json_t *h;
            json_array_foreach(hs, k, h)
            {
                if (nh >= 64) break;
                const char *hk = json_string_value(obj_lookup(h, "KEY"));
                const json_t *hv = obj_lookup(h, "VALUE");
                hdrs[nh].key = hk ? hk : "";
                hdrs[nh].key_len = hk ? strlen(hk) : 0;
                if (hv && json_is_string(hv)) {
                    char *p;
                    long n =
                        base64_decode(&r->arena, json_string_value(hv), json_string_length(hv), &p);
                    hdrs[nh].value = n >= 0 ? p : NULL;
                    hdrs[nh].value_len = n >= 0 ? (size_t)n : 0;
                } else {
                    hdrs[nh].value = NULL;
                    hdrs[nh].value_len = 0;
                }
                nh++;
            }
        }
        RawRecord rec = {0};
        rec.topic = topic;
        rec.partition = 0;
        rec.offset = -1;
        json_t *ts = json_object_get(in, "timestamp");
        rec.timestamp = ts ? json_integer_value(ts) : 0;
        rec.key = knull ? NULL : kb.data ? kb.data : "";
        rec.key_len = knull ? 0 : kb.len;
        rec.value = vnull ? NULL : vb.data ? vb.data : "";
        rec.value_len = vnull ? 0 : vb.len;
        rec.headers = hdrs;
        rec.nheaders = nh;
        /* Remember which records the runner wrote, to leave them out of outputs. */
        const RawRecord *existing;
        int before = engine_memory_records(r->engine, topic, &existing);
        if (r->nfed == r->capfed) {
            r->capfed = r->capfed ? r->capfed * 2 : 64;
            r->fed = xrealloc(r->fed, sizeof(Fed) * (size_t)r->capfed);
        }
        r->fed[r->nfed].topic = xstrdup(topic);
        r->fed[r->nfed].offset = before;
        r->nfed++;
        EddyError err;
        err_clear(&err);
        int rc = engine_produce(r->engine, topic, 0, &rec, &err);
        sb_free(&kb);
        sb_free(&vb);
        if (rc < 0) {
            sb_printf(r->reason, "processing input %zu failed: %s", i, err.msg);
            return -1;
        }
    }
    return 0;
}

static bool headers_match(const json_t *exp, const RawRecord *act, Arena *a)
{
    size_t n = exp ? json_array_size(exp) : 0;
    if ((size_t)act->nheaders != n) return false;
    for (size_t i = 0; i < n; i++) {
        const json_t *h = json_array_get(exp, i);
        const char *k = json_string_value(obj_lookup(h, "KEY"));
        const json_t *v = obj_lookup(h, "VALUE");
        if (!k || act->headers[i].key_len != strlen(k) ||
            memcmp(act->headers[i].key, k, strlen(k)) != 0)
            return false;
        if (!v || json_is_null(v)) {
            if (act->headers[i].value) return false;
            continue;
        }
        char *p;
        long len = base64_decode(a, json_string_value(v), json_string_length(v), &p);
        if (len < 0 || !act->headers[i].value || (size_t)len != act->headers[i].value_len ||
            memcmp(p, act->headers[i].value, (size_t)len) != 0)
            return false;
    }
    return true;
}

static void describe_actual(StrBuf *sb, const RawRecord *rec, const Source *src, Arena *a)
{
    json_t *k = actual_json(rec->key, rec->key_len, src, true, a);
    json_t *v = actual_json(rec->value, rec->value_len, src, false, a);
    sb_puts(sb, "key=");
    describe_json(sb, k);
    sb_puts(sb, " value=");
    describe_json(sb, v);
    sb_printf(sb, " ts=%lld", (long long)rec->timestamp);
    json_decref(k);
    json_decref(v);
}

/* EDDY_QTT_DUMP=1: every record of an output topic on stderr (windowed keys split),
 * to see all the differences of a case at once. */
static void dump_records(const char *topic, const RawRecord **act, int na, const Source *src,
                         Arena *a)
{
    for (int x = 0; x < na; x++) {
        const RawRecord *rec = act[x];
        RawRecord inner = *rec;
        StrBuf sb = STRBUF_INIT;
        if (src && src->window.type != WIN_NONE && rec->key) {
            int64_t ws, we;
            long kl = serde_window_split(rec->key, rec->key_len, src->window.type == WIN_SESSION,
                                         &ws, &we);
            if (kl >= 0) {
                inner.key_len = (size_t)kl;
                if (src->window.type != WIN_SESSION) we = ws + src->window.size_ms;
                sb_printf(&sb, "[%lld,%lld] ", (long long)ws, (long long)we);
            }
        }
        describe_actual(&sb, &inner, src, a);
        fprintf(stderr, "  %s #%d %s\n", topic, x, sb_cstr(&sb));
        sb_free(&sb);
    }
}

static int check_outputs(Run *r, const QttCase *tc)
{
    if (!tc->outputs) return 0;
    Catalog *cat = engine_catalog(r->engine);
    /* Topics named in outputs, in first-appearance order. */
    const char *topics[256];
    int nt = 0;
    size_t i;
    json_t *o;
    json_array_foreach(tc->outputs, i, o)
    {
        const char *t = json_string_value(json_object_get(o, "topic"));
        if (!t) continue;
        bool seen = false;
        for (int k = 0; k < nt; k++)
            if (strcmp(topics[k], t) == 0) seen = true;
        if (!seen && nt < 256) topics[nt++] = t;
    }
    bool has_inputs = tc->inputs && json_array_size(tc->inputs) > 0;
    for (int k = 0; k < nt; k++) {
        const RawRecord *all;
        int n = engine_memory_records(r->engine, topics[k], &all);
        const RawRecord **act = xcalloc((size_t)(n ? n : 1), sizeof *act);
        int na = 0;
        for (int x = 0; x < n; x++)
            if (!was_fed(r, topics[k], all[x].offset)) act[na++] = &all[x];
        int ne = 0;
        json_array_foreach(tc->outputs, i, o)
        {
            if (strcmp(json_string_value(json_object_get(o, "topic")), topics[k]) == 0) ne++;
        }
        const Source *src = source_for_topic(cat, topics[k], true);
        if (getenv("EDDY_QTT_DUMP")) dump_records(topics[k], act, na, src, &r->arena);
        int idx = 0;
        int rc = 0;
        json_array_foreach(tc->outputs, i, o)
        {
            if (strcmp(json_string_value(json_object_get(o, "topic")), topics[k]) != 0) continue;
            if (idx >= na) {
                sb_printf(r->reason, "topic %s: expected %d records, got %d", topics[k], ne, na);
                rc = -1;
                break;
            }
            const RawRecord *ar = act[idx++];
            arena_reset(&r->arena);
            /* Window. */
            json_t *win = json_object_get(o, "window");
            const char *kp = ar->key;
            size_t kl = ar->key_len;
            if (win) {
                bool session =
                    json_string_value(json_object_get(win, "type")) &&
                    strcmp(json_string_value(json_object_get(win, "type")), "session") == 0;
                int64_t ws, we;
                long inner = kp ? serde_window_split(kp, kl, session, &ws, &we) : -1;
                if (inner < 0) {
                    sb_printf(r->reason, "topic %s record %d: expected a windowed key", topics[k],
                              idx - 1);
                    rc = -1;
                    break;
                }
                if (!session) we = ws + (src && src->window.size_ms ? src->window.size_ms : 0);
                int64_t es = json_integer_value(json_object_get(win, "start"));
                int64_t ee = json_integer_value(json_object_get(win, "end"));
                bool bad = ws != es;
                if (session || (src && src->window.size_ms)) bad = bad || we != ee;
                if (bad) {
                    sb_printf(r->reason,
                              "topic %s record %d: window [%lld,%lld] expected [%lld,%lld]",
                              topics[k], idx - 1, (long long)ws, (long long)we, (long long)es,
                              (long long)ee);
                    rc = -1;
                    break;
                }
                kl = (size_t)inner;
                if (kl == 0 && src && src->schema.nkey == 0) kp = NULL;
            }
            json_t *ak = actual_json(kp, kl, src, true, &r->arena);
            json_t *av = actual_json(ar->value, ar->value_len, src, false, &r->arena);
            const json_t *ek = json_object_get(o, "key");
            const json_t *ev = json_object_get(o, "value");
            bool ok =
                json_match(ek ? ek : json_null(), ak) && json_match(ev ? ev : json_null(), av);
            json_t *ets = json_object_get(o, "timestamp");
            if (ok && ets && !(json_integer_value(ets) == 0 && !has_inputs) &&
                json_integer_value(ets) != ar->timestamp)
                ok = false;
            if (ok && !headers_match(json_object_get(o, "headers"), ar, &r->arena)) ok = false;
            if (!ok) {
                sb_printf(r->reason, "topic %s record %d: expected key=", topics[k], idx - 1);
                describe_json(r->reason, ek ? ek : json_null());
                sb_puts(r->reason, " value=");
                describe_json(r->reason, ev ? ev : json_null());
                if (ets) sb_printf(r->reason, " ts=%lld", (long long)json_integer_value(ets));
                sb_puts(r->reason, " got ");
                describe_actual(r->reason, ar, src, &r->arena);
                rc = -1;
            }
            json_decref(ak);
            json_decref(av);
            if (rc < 0) break;
        }
        if (rc == 0 && na != ne) {
            sb_printf(r->reason, "topic %s: expected %d records, got %d", topics[k], ne, na);
            if (na > ne) {
                sb_puts(r->reason, "; first extra: ");
                describe_actual(r->reason, act[ne], src, &r->arena);
            }
            rc = -1;
        }
        free(act);
        if (rc < 0) return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- post */

/* Normalises a DESCRIBE-style schema string: "`A` INTEGER KEY, `B` STRING". */
static int normalize_schema(const char *in, StrBuf *out, StrBuf *why)
{
    /* Split at top-level commas. */
    const char *p = in;
    bool first = true;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *start = p;
        int depth = 0;
        bool q = false;
        while (*p && !(depth == 0 && !q && *p == ',')) {
            if (*p == '`') q = !q;
            if (!q && (*p == '<' || *p == '(')) depth++;
            if (!q && (*p == '>' || *p == ')')) depth--;
            p++;
        }
        char col[1024];
        size_t n = (size_t)(p - start);
        if (n >= sizeof col) n = sizeof col - 1;
        memcpy(col, start, n);
        col[n] = 0;
        if (*p == ',') p++;
        /* Name. */
        char *c = col;
        char name[256];
        if (*c == '`') {
            char *e = strchr(c + 1, '`');
            if (!e) return -1;
            snprintf(name, sizeof name, "%.*s", (int)(e - c - 1), c + 1);
            c = e + 1;
        } else {
            int k = 0;
            while (*c && *c != ' ' && k < 255)
                name[k++] = (char)toupper((unsigned char)*c++);
            name[k] = 0;
        }
        while (*c == ' ')
            c++;
        /* Trailing role. */
        const char *role = "";
        size_t cl = strlen(c);
        while (cl && c[cl - 1] == ' ')
            c[--cl] = 0;
        if (cl > 12 && strcasecmp(c + cl - 12, " PRIMARY KEY") == 0) {
            role = " KEY";
            c[cl - 12] = 0;
        } else if (cl > 4 && strcasecmp(c + cl - 4, " KEY") == 0) {
            role = " KEY";
            c[cl - 4] = 0;
        } else if (cl > 8 && strcasecmp(c + cl - 8, " HEADERS") == 0) {
            role = " HEADERS";
            c[cl - 8] = 0;
        }
        Arena a;
        arena_init(&a, 1024);
        AstType *t;
        EddyError err;
        err_clear(&err);
        const Type *rt;
        if (parse_type(&a, c, &t, &err) < 0 || planner_resolve_type(NULL, t, &rt, &err) < 0) {
            sb_printf(why, "cannot parse schema type '%s': %s", c, err.msg);
            arena_free(&a);
            return -1;
        }
        if (!first) sb_puts(out, ", ");
        first = false;
        sb_printf(out, "`%s` ", name);
        type_print(out, rt);
        sb_puts(out, role);
        arena_free(&a);
    }
    return 0;
}

static void our_schema(StrBuf *out, const Schema *s)
{
    for (int i = 0; i < s->ncols; i++) {
        if (i) sb_puts(out, ", ");
        sb_printf(out, "`%s` ", s->cols[i].name);
        type_print(out, s->cols[i].type);
        if (s->cols[i].role == COL_KEY) sb_puts(out, " KEY");
        if (s->cols[i].role == COL_HEADERS) sb_puts(out, " HEADERS");
    }
}

static const char *format_of(const json_t *f)
{
    if (json_is_string(f)) return json_string_value(f);
    if (json_is_object(f)) return json_string_value(json_object_get(f, "format"));
    return NULL;
}

static bool features_match(const json_t *exp, bool unwrap, bool wrap)
{
    if (!exp) return true;
    bool eu = false, ew = false;
    size_t i;
    json_t *f;
    json_array_foreach(exp, i, f)
    {
        const char *s = json_string_value(f);
        if (s && strcmp(s, "UNWRAP_SINGLES") == 0) eu = true;
        if (s && strcmp(s, "WRAP_SINGLES") == 0) ew = true;
    }
    return eu == unwrap && ew == wrap;
}

static int check_post(Run *r, const QttCase *tc)
{
    if (!tc->post) return 0;
    Catalog *cat = engine_catalog(r->engine);
    json_t *sources = json_object_get(tc->post, "sources");
    size_t i;
    json_t *s;
    json_array_foreach(sources, i, s)
    {
        const char *name = json_string_value(json_object_get(s, "name"));
        const Source *src = name ? catalog_find(cat, name) : NULL;
        if (!src) {
            sb_printf(r->reason, "post: source %s does not exist", name ? name : "?");
            return -1;
        }
        const char *type = json_string_value(json_object_get(s, "type"));
        if (type && (strcasecmp(type, "table") == 0) != src->is_table) {
            sb_printf(r->reason, "post: %s is a %s", name, src->is_table ? "table" : "stream");
            return -1;
        }
        const char *schema = json_string_value(json_object_get(s, "schema"));
        if (schema) {
            StrBuf exp = STRBUF_INIT, act = STRBUF_INIT;
            if (normalize_schema(schema, &exp, r->reason) < 0) {
                sb_free(&exp);
                sb_free(&act);
                return -1;
            }
            our_schema(&act, &src->schema);
            bool same = strcmp(sb_cstr(&exp), sb_cstr(&act)) == 0;
            if (!same)
                sb_printf(r->reason, "post: %s schema is %s, expected %s", name, sb_cstr(&act),
                          sb_cstr(&exp));
            sb_free(&exp);
            sb_free(&act);
            if (!same) return -1;
        }
        json_t *kf = json_object_get(s, "keyFormat");
        if (kf) {
            const char *f = format_of(kf);
            if (f && strcasecmp(f, format_name(src->key_fmt.kind)) != 0) {
                sb_printf(r->reason, "post: %s key format is %s, expected %s", name,
                          format_name(src->key_fmt.kind), f);
                return -1;
            }
            const char *wt = json_string_value(json_object_get(kf, "windowType"));
            static const char *const wn[] = {NULL, "TUMBLING", "HOPPING", "SESSION"};
            if (wt && (!wn[src->window.type] || strcasecmp(wt, wn[src->window.type]) != 0)) {
                sb_printf(r->reason, "post: %s window type is %s, expected %s", name,
                          wn[src->window.type] ? wn[src->window.type] : "none", wt);
                return -1;
            }
            json_t *ws = json_object_get(kf, "windowSize");
            if (ws && json_integer_value(ws) != src->window.size_ms) {
                sb_printf(r->reason, "post: %s window size is %lld, expected %lld", name,
                          (long long)src->window.size_ms, (long long)json_integer_value(ws));
                return -1;
            }
        }
        const char *vf = format_of(json_object_get(s, "valueFormat"));
        if (vf && strcasecmp(vf, format_name(src->val_fmt.kind)) != 0) {
            sb_printf(r->reason, "post: %s value format is %s, expected %s", name,
                      format_name(src->val_fmt.kind), vf);
            return -1;
        }
        bool key_unwrap = src->schema.nkey == 1 && src->key_fmt.kind == FMT_JSON;
        if (!features_match(json_object_get(s, "keyFeatures"), key_unwrap, false)) {
            sb_printf(r->reason, "post: %s key features differ", name);
            return -1;
        }
        bool vu = src->val_fmt.wrap_explicit && !src->val_fmt.wrap_single;
        bool vw = src->val_fmt.wrap_explicit && src->val_fmt.wrap_single;
        if (!features_match(json_object_get(s, "valueFeatures"), vu, vw)) {
            sb_printf(r->reason, "post: %s value features differ", name);
            return -1;
        }
        json_t *is_source = json_object_get(s, "isSource");
        if (is_source && json_boolean_value(is_source) != src->is_source) {
            sb_printf(r->reason, "post: %s isSource is %s", name,
                      src->is_source ? "true" : "false");
            return -1;
        }
    }
    json_t *topics = json_object_get(tc->post, "topics");
    if (topics) {
        TopicInfo *ti = NULL;
        EddyError err;
        err_clear(&err);
        int nt = engine_topic_list(r->engine, &ti, &err);
        const char *bl = json_string_value(json_object_get(topics, "blacklist"));
        if (bl) {
            regex_t re;
            /* Java's matches(): the whole name must match. */
            char anchored[1024];
            snprintf(anchored, sizeof anchored, "^(%s)$", bl);
            if (regcomp(&re, anchored, REG_EXTENDED | REG_NOSUB) == 0) {
                for (int k = 0; k < nt; k++) {
                    if (regexec(&re, ti[k].name, 0, NULL, 0) == 0) {
                        sb_printf(r->reason, "post: topic %s matches the blacklist %s", ti[k].name,
                                  bl);
                        regfree(&re);
                        free(ti);
                        return -1;
                    }
                }
                regfree(&re);
            }
        }
        json_t *list = json_object_get(topics, "topics");
        size_t j;
        json_t *t;
        json_array_foreach(list, j, t)
        {
            const char *name = json_string_value(json_object_get(t, "name"));
            int found = -1;
            for (int k = 0; k < nt; k++)
                if (name && strcmp(ti[k].name, name) == 0) found = k;
            if (found < 0) {
                sb_printf(r->reason, "post: topic %s does not exist", name ? name : "?");
                free(ti);
                return -1;
            }
            json_t *parts = json_object_get(t, "partitions");
            if (parts && json_integer_value(parts) != ti[found].partitions) {
                sb_printf(r->reason, "post: topic %s has %d partitions, expected %lld", name,
                          ti[found].partitions, (long long)json_integer_value(parts));
                free(ti);
                return -1;
            }
            const Source *src = source_for_topic(cat, name, true);
            const char *kf = format_of(json_object_get(t, "keyFormat"));
            if (kf && src && strcasecmp(kf, format_name(src->key_fmt.kind)) != 0) {
                sb_printf(r->reason, "post: topic %s key format is %s, expected %s", name,
                          format_name(src->key_fmt.kind), kf);
                free(ti);
                return -1;
            }
            const char *vf2 = format_of(json_object_get(t, "valueFormat"));
            if (vf2 && src && strcasecmp(vf2, format_name(src->val_fmt.kind)) != 0) {
                sb_printf(r->reason, "post: topic %s value format is %s, expected %s", name,
                          format_name(src->val_fmt.kind), vf2);
                free(ti);
                return -1;
            }
        }
        free(ti);
    }
    return 0;
}

/* ---------------------------------------------------------------- entry */

static void rm_rf(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/lock.mdb", dir);
    unlink(path);
    rmdir(dir);
}

static bool exception_matches(const json_t *exp, const char *msg, StrBuf *reason)
{
    const char *m = json_string_value(json_object_get(exp, "message"));
    if (m && !strstr(msg, m)) {
        sb_printf(reason, "expected an error containing \"%s\", got \"%s\"", m, msg);
        return false;
    }
    return true;
}

QttVerdict qtt_case_run(const QttCase *tc, const char *state_root, StrBuf *reason)
{
    if (!tc->enabled) {
        sb_puts(reason, "disabled in the test file");
        return QTT_SKIP;
    }
    if (qtt_case_needs_schema_registry(tc)) {
        sb_puts(reason, "needs a schema registry (AVRO/PROTOBUF/JSON_SR)");
        return QTT_SKIP;
    }
    static int counter;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/qtt-%d-%d", state_root, (int)getpid(), counter++);
    Props props;
    props_init(&props);
    /* ksqlDB's test driver runs with this service id (internal topic names). */
    props_set(&props, "ksql.service.id", "some.ksql.service.id");
    if (tc->properties) {
        const char *k;
        json_t *v;
        json_object_foreach(tc->properties, k, v)
        {
            StrBuf sb = STRBUF_INIT;
            if (json_is_string(v))
                sb_puts(&sb, json_string_value(v));
            else
                json_write(&sb, v);
            props_set(&props, k, sb_cstr(&sb));
            sb_free(&sb);
        }
    }
    EngineConfig cfg = {0};
    cfg.mode = ENGINE_MEMORY;
    cfg.frozen_clock = true;
    cfg.state_dir = dir;
    cfg.props = &props;
    EddyError err;
    err_clear(&err);
    Run r;
    memset(&r, 0, sizeof r);
    r.reason = reason;
    arena_init(&r.arena, 8192);
    r.engine = engine_new(&cfg, &err);
    QttVerdict v = QTT_FAIL;
    if (!r.engine) {
        sb_printf(reason, "engine: %s", err.msg);
        goto done;
    }
    r.exec = executor_new(r.engine);
    /* Topics the case declares. */
    if (tc->topics) {
        size_t i;
        json_t *t;
        json_array_foreach(tc->topics, i, t)
        {
            const char *name = json_string_value(json_object_get(t, "name"));
            json_t *p = json_object_get(t, "partitions");
            if (name)
                engine_topic_create(r.engine, name, p ? (int)json_integer_value(p) : 1, 1, -1, NULL,
                                    &err);
        }
    }
    /* The statements, as one request. */
    StrBuf sql = STRBUF_INIT;
    for (int i = 0; i < tc->nstatements; i++) {
        if (i) sb_putc(&sql, '\n');
        sb_puts(&sql, tc->statements[i]);
    }
    Props vars;
    props_init(&vars);
    ExecRequest req = {sb_cstr(&sql), NULL, &vars, false, false};
    json_t *ents = NULL;
    ExecError xe;
    int rc = executor_run(r.exec, &req, &ents, &xe);
    json_decref(ents);
    props_free(&vars);
    sb_free(&sql);
    if (rc < 0) {
        if (tc->expected_exception) {
            v = exception_matches(tc->expected_exception, xe.message, reason) ? QTT_PASS : QTT_FAIL;
        } else {
            sb_printf(reason, "statement failed: %s", xe.message);
            for (char *p = reason->data; p && *p; p++)
                if (*p == '\n' || *p == '\t') *p = ' ';
        }
        exec_error_clear(&xe);
        goto done;
    }
    exec_error_clear(&xe);
    if (feed_inputs(&r, tc) < 0) goto done;
    if (tc->expected_exception) {
        sb_puts(reason, "expected an exception, but none was thrown");
        goto done;
    }
    if (check_outputs(&r, tc) < 0) goto done;
    if (check_post(&r, tc) < 0) goto done;
    v = QTT_PASS;
done:
    for (char *p = reason->data; p && *p; p++)
        if (*p == '\n' || *p == '\t') *p = ' ';
    executor_free(r.exec);
    engine_free(r.engine);
    for (int i = 0; i < r.nfed; i++)
        free(r.fed[i].topic);
    free(r.fed);
    arena_free(&r.arena);
    props_free(&props);
    rm_rf(dir);
    return v;
}
