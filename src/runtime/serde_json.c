/*
 * serde_json.c - the JSON format, read and written as ksqlDB's JSON serde does
 * (KsqlJsonDeserializer + JsonSerdeUtils for reading, Connect's JsonConverter for
 * writing).
 *
 * Reading is schema-directed and single-pass: the column types are compiled at
 * serde_new into a tree of JDesc nodes (field names, lengths, a hash table for wide
 * objects), and the parser walks the input once, parsing each value straight into
 * the Value its column needs. Object keys are matched to fields the way ksqlDB
 * does: an exact match wins, else the key upper-cased; the last duplicate wins. The
 * next key is guessed to be the field after the last one matched, which is what
 * producers with a fixed field order give, so a lookup is usually one memcmp.
 * Values of unknown keys are skipped without being decoded. Strings without
 * escapes point into the input; nothing is allocated per record except strings
 * with escapes, collections and structs (from the caller's arena). Scratch space
 * (a Value stack for arrays and maps) lives in the serde and is reused.
 *
 * Coercions are JsonSerdeUtils's: numbers and numeric strings for INT/BIGINT (Java
 * intValue()/longValue() truncation), numbers and strings for DOUBLE and DECIMAL
 * (exact digits, HALF_UP to the column scale), "true"/"false" strings for BOOLEAN,
 * any scalar for STRING (numbers as Jackson's asText(), objects re-serialized,
 * arrays as "[a, b]"), base64 strings for BYTES. A value of the wrong kind fails
 * the record with "Can't convert type. sourceType: TextNode, requiredType:
 * INTEGER, path: $.COL"; struct fields are checked in schema order, so the
 * reported field is the first failing one, as in ksqlDB. Syntax errors win over
 * coercion errors, as Jackson parses the whole document first.
 */
#include "json_scan.h"
#include "serde_int.h"
#include "../functions/functions.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- compiled schema */

typedef struct JDesc JDesc;
struct JDesc {
    const Type *t;
    TypeKind kind;
    /* STRUCT (and the row): fields */
    int nf;
    const char **names;
    uint32_t *nlen;
    uint8_t *lower; /* name has a lower-case letter: only exact matches reach it */
    bool pairs;     /* one key can feed two fields (FOO and `foo`) */
    uint32_t *htab; /* wide objects: hash of upper-cased name -> field index + 1 */
    uint32_t hmask;
    JDesc **fields;
    char **wkeys; /* for writing: "\"NAME\":" */
    size_t *wklen;
    /* ARRAY element, MAP value */
    JDesc *elem;
    char *tname; /* requiredType text in errors */
};

struct JsonSerde {
    JDesc *row;    /* the columns as an object (wrapped) */
    JDesc *single; /* the one column (unwrapped) */
    Value *vs;     /* array/map scratch stack */
    size_t vcap;
    uint8_t *rowq; /* per column: 0 unset, 1 set by a case-insensitive key, 2 exact */
    StrBuf tmp;
};

#define WIDE_OBJECT 12

static uint32_t hash_upper(const char *k, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if ((unsigned)(c - 'a') < 26u) c = (unsigned char)(c - 32);
        h = (h ^ c) * 16777619u;
    }
    return h;
}

/* SqlBaseType names for primitives, the full SQL type for the others. */
static char *required_name(const Type *t)
{
    switch (t->kind) {
    case TYPE_BOOLEAN: return xstrdup("BOOLEAN");
    case TYPE_INT: return xstrdup("INTEGER");
    case TYPE_BIGINT: return xstrdup("BIGINT");
    case TYPE_DOUBLE: return xstrdup("DOUBLE");
    case TYPE_STRING: return xstrdup("STRING");
    case TYPE_BYTES: return xstrdup("BYTES");
    case TYPE_DATE: return xstrdup("DATE");
    case TYPE_TIME: return xstrdup("TIME");
    case TYPE_TIMESTAMP: return xstrdup("TIMESTAMP");
    default: {
        StrBuf sb = STRBUF_INIT;
        type_print(&sb, t);
        return sb_steal(&sb);
    }
    }
}

static JDesc *desc_new(const Type *t);

static void desc_fields(JDesc *d, int nf, const char *const *names, const Type *const *types)
{
    d->nf = nf;
    size_t n = (size_t)(nf ? nf : 1);
    d->names = xcalloc(n, sizeof *d->names);
    d->nlen = xcalloc(n, sizeof *d->nlen);
    d->lower = xcalloc(n, 1);
    d->fields = xcalloc(n, sizeof *d->fields);
    d->wkeys = xcalloc(n, sizeof *d->wkeys);
    d->wklen = xcalloc(n, sizeof *d->wklen);
    for (int i = 0; i < nf; i++) {
        d->names[i] = names[i];
        d->nlen[i] = (uint32_t)strlen(names[i]);
        for (const char *p = names[i]; *p; p++)
            if (*p >= 'a' && *p <= 'z') d->lower[i] = 1;
        d->fields[i] = desc_new(types[i]);
        StrBuf sb = STRBUF_INIT;
        json_put_string(&sb, names[i], d->nlen[i]);
        sb_putc(&sb, ':');
        d->wklen[i] = sb.len;
        d->wkeys[i] = sb_steal(&sb);
    }
    /* A key feeds two fields when one field's name is another's upper-cased. */
    for (int i = 0; i < nf && !d->pairs; i++) {
        if (!d->lower[i]) continue;
        for (int j = 0; j < nf; j++) {
            if (j == i || d->nlen[j] != d->nlen[i]) continue;
            bool same = true;
            for (uint32_t k = 0; k < d->nlen[i] && same; k++) {
                unsigned char c = (unsigned char)d->names[i][k];
                if ((unsigned)(c - 'a') < 26u) c = (unsigned char)(c - 32);
                same = c == (unsigned char)d->names[j][k];
            }
            if (same) d->pairs = true;
        }
    }
    if (nf > WIDE_OBJECT) {
        uint32_t cap = 16;
        while (cap < (uint32_t)nf * 2)
            cap *= 2;
        d->htab = xcalloc(cap, sizeof *d->htab);
        d->hmask = cap - 1;
        for (int i = 0; i < nf; i++) {
            uint32_t h = hash_upper(names[i], d->nlen[i]) & d->hmask;
            while (d->htab[h])
                h = (h + 1) & d->hmask;
            d->htab[h] = (uint32_t)i + 1;
        }
    }
}

static JDesc *desc_new(const Type *t)
{
    JDesc *d = xcalloc(1, sizeof *d);
    d->t = t;
    d->kind = t->kind;
    d->tname = required_name(t);
    if (t->kind == TYPE_ARRAY || t->kind == TYPE_MAP) {
        d->elem = desc_new(t->elem);
    } else if (t->kind == TYPE_STRUCT) {
        const char *names[t->nfields > 0 ? t->nfields : 1];
        const Type *types[t->nfields > 0 ? t->nfields : 1];
        for (int i = 0; i < t->nfields; i++) {
            names[i] = t->fields[i].name;
            types[i] = t->fields[i].type;
        }
        desc_fields(d, t->nfields, names, types);
    }
    return d;
}

static void desc_free(JDesc *d)
{
    if (!d) return;
    for (int i = 0; i < d->nf; i++) {
        desc_free(d->fields[i]);
        free(d->wkeys[i]);
    }
    free(d->names);
    free(d->nlen);
    free(d->lower);
    free(d->fields);
    free(d->wkeys);
    free(d->wklen);
    free(d->htab);
    desc_free(d->elem);
    free(d->tname);
    free(d);
}

/* Finds the fields a key feeds: *ex the field named exactly so, *ci the field named
 * like the upper-cased key; -1 for none. */
static inline bool ci_eq(const char *k, const char *name, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if ((unsigned)(c - 'a') < 26u) c = (unsigned char)(c - 32);
        if (c != (unsigned char)name[i]) return false;
    }
    return true;
}

static inline void find_field(const JDesc *t, const char *k, size_t kl, int hint, int *ex, int *ci)
{
    *ex = *ci = -1;
    if (!t->pairs && hint < t->nf && t->nlen[hint] == kl) {
        if (memcmp(k, t->names[hint], kl) == 0) {
            *ex = hint;
            return;
        }
        if (!t->lower[hint] && ci_eq(k, t->names[hint], kl)) {
            *ci = hint;
            return;
        }
    }
    if (t->htab) {
        for (uint32_t h = hash_upper(k, kl) & t->hmask; t->htab[h]; h = (h + 1) & t->hmask) {
            int i = (int)t->htab[h] - 1;
            if (t->nlen[i] != kl) continue;
            if (*ex < 0 && memcmp(k, t->names[i], kl) == 0)
                *ex = i;
            else if (*ci < 0 && !t->lower[i] && ci_eq(k, t->names[i], kl))
                *ci = i;
        }
        return;
    }
    for (int i = 0; i < t->nf; i++) {
        if (t->nlen[i] != kl) continue;
        if (*ex < 0 && memcmp(k, t->names[i], kl) == 0)
            *ex = i;
        else if (*ci < 0 && !t->lower[i] && ci_eq(k, t->names[i], kl))
            *ci = i;
        else
            continue;
        if (!t->pairs) return;
    }
}

int serde_json_init(Serde *s, EddyError *err)
{
    (void)err;
    JsonSerde *js = xcalloc(1, sizeof *js);
    s->json = js;
    if (s->wrapped) {
        TypeField tf[s->ncols > 0 ? s->ncols : 1];
        for (int i = 0; i < s->ncols; i++) {
            tf[i].name = s->names[i];
            tf[i].type = s->types[i];
        }
        js->row = xcalloc(1, sizeof *js->row);
        js->row->t = type_struct(s->ncols, tf);
        js->row->kind = TYPE_STRUCT;
        js->row->tname = required_name(js->row->t);
        desc_fields(js->row, s->ncols, (const char *const *)s->names, s->types);
    } else {
        js->single = desc_new(s->types[0]);
    }
    js->rowq = xcalloc((size_t)(s->ncols ? s->ncols : 1), 1);
    js->vcap = 64;
    js->vs = xmalloc(js->vcap * sizeof(Value));
    sb_init(&js->tmp);
    return 0;
}

void serde_json_fini(Serde *s)
{
    JsonSerde *js = s->json;
    desc_free(js->row);
    desc_free(js->single);
    free(js->rowq);
    free(js->vs);
    sb_free(&js->tmp);
    free(js);
    s->json = NULL;
}

/* ---------------------------------------------------------------- decoding */

enum { JOK = 0, JCO = 1, JSY = -1 }; /* ok, coercion failed (value consumed), syntax */

#define FP 240

typedef struct JD {
    JScan s;
    Arena *a;
    JsonSerde *js;
    size_t vtop;
    char fmsg[256];
    char fpath[FP]; /* path of the failure, built from its end */
    int fpos;
} JD;

typedef struct JFail {
    char *msg;
    char *path;
    size_t plen;
} JFail;

static int co_fail(JD *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int co_fail(JD *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->fmsg, sizeof d->fmsg, fmt, ap);
    va_end(ap);
    d->fpos = FP;
    return JCO;
}

static void path_push(JD *d, const char *seg, size_t n)
{
    if (n > (size_t)d->fpos) return;
    d->fpos -= (int)n;
    memcpy(d->fpath + d->fpos, seg, n);
}

static void path_push_field(JD *d, const char *name, size_t n)
{
    char seg[72];
    if (n > 64) n = 64;
    seg[0] = '.';
    memcpy(seg + 1, name, n);
    path_push(d, seg, n + 1);
}

static void vpush(JD *d, const Value *v)
{
    JsonSerde *js = d->js;
    if (d->vtop == js->vcap) {
        js->vcap *= 2;
        js->vs = xrealloc(js->vs, js->vcap * sizeof(Value));
    }
    js->vs[d->vtop++] = *v;
}

static bool value_start(char c)
{
    return c == '"' || c == '{' || c == '[' || c == '-' || (c >= '0' && c <= '9') || c == 't' ||
           c == 'f' || c == 'n';
}

/* The value at the cursor is of the wrong kind: consume it, and fail with
 * "Can't convert type. sourceType: X, requiredType: Y". */
static int mismatch(JD *d, const char *required)
{
    JScan *s = &d->s;
    if (s->p >= s->end) return js_unexpected(s, "expected a value");
    if (!value_start(*s->p)) return js_bad_value(s);
    const char *src;
    char c = *s->p;
    if (c == '-' || (c >= '0' && c <= '9')) {
        JNum n;
        if (js_number(s, &n) < 0) return JSY;
        src = jnum_node_name(&n);
    } else {
        src = c == '"'   ? "TextNode"
              : c == '{' ? "ObjectNode"
              : c == '[' ? "ArrayNode"
                         : "BooleanNode";
        if (js_skip(s) < 0) return JSY;
    }
    return co_fail(d, "Can't convert type. sourceType: %s, requiredType: %s", src, required);
}

static int jd_value(JD *d, const JDesc *t, Value *out);
static int jd_canon(JD *d, StrBuf *sb);
static int jd_strarray(JD *d, StrBuf *sb);

/* A string value, decoded: into the input when it has no escapes. */
static int jd_str(JD *d, const char **p, size_t *n)
{
    return js_string(&d->s, d->a, p, n) < 0 ? JSY : JOK;
}

static const char *arena_copy(Arena *a, const StrBuf *sb)
{
    char *p = arena_alloc(a, sb->len ? sb->len : 1);
    memcpy(p, sb->data, sb->len);
    return p;
}

static int jd_string(JD *d, Value *out)
{
    JScan *s = &d->s;
    char c = *s->p;
    const char *p;
    size_t n;
    if (c == '"') {
        if (jd_str(d, &p, &n)) return JSY;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        JNum num;
        if (js_number(s, &num) < 0) return JSY;
        if (!num.is_float) {
            p = num.idig - (num.neg ? 1 : 0);
            n = num.nidig + (num.neg ? 1 : 0);
            if (num.neg && num.nidig == 1 && num.idig[0] == '0') {
                p = "0";
                n = 1;
            }
        } else {
            StrBuf *tmp = &d->js->tmp;
            sb_clear(tmp);
            jnum_astext(&num, tmp);
            p = arena_copy(d->a, tmp);
            n = tmp->len;
        }
    } else if (c == 't' || c == 'f') {
        int k;
        bool b;
        if (js_literal(s, &k, &b) < 0) return JSY;
        p = b ? "true" : "false";
        n = b ? 4 : 5;
    } else if (c == '{' || c == '[') {
        StrBuf sb = STRBUF_INIT; /* own buffer: the walk may nest */
        int r = c == '{' ? jd_canon(d, &sb) : jd_strarray(d, &sb);
        if (r != JOK) {
            sb_free(&sb);
            return r;
        }
        p = arena_copy(d->a, &sb);
        n = sb.len;
        sb_free(&sb);
    } else {
        return mismatch(d, "STRING");
    }
    if (n > UINT32_MAX) return co_fail(d, "String too long");
    *out = val_string(p, (uint32_t)n);
    return JOK;
}

/* Re-serializes the object or array at the cursor the way Jackson writes a
 * Map<String, Object> read from it: compact, numbers as asText(), the last of
 * duplicate keys kept at the place of the first. */
static int jd_canon(JD *d, StrBuf *sb)
{
    JScan *s = &d->s;
    js_ws(s);
    if (s->p >= s->end) return js_unexpected(s, "expected a value");
    char c = *s->p;
    if (c == '"') {
        const char *p;
        size_t n;
        if (jd_str(d, &p, &n)) return JSY;
        json_put_string(sb, p, n);
        return JOK;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        JNum num;
        if (js_number(s, &num) < 0) return JSY;
        jnum_astext(&num, sb);
        return JOK;
    }
    if (c == 't' || c == 'f' || c == 'n') {
        int k;
        bool b;
        if (js_literal(s, &k, &b) < 0) return JSY;
        sb_puts(sb, k == TYPE_NULL ? "null" : b ? "true" : "false");
        return JOK;
    }
    if (c != '{' && c != '[') return mismatch(d, "STRING");
    if (s->depth >= JSCAN_MAX_DEPTH)
        return js_fail(s, "Document nesting depth exceeds the maximum allowed (%d)",
                       JSCAN_MAX_DEPTH);
    s->depth++;
    s->p++;
    bool obj = c == '{';
    sb_putc(sb, c);
    size_t region = sb->len;
    /* entries of this object: key text and where its "key":value starts/ends */
    typedef struct {
        const char *k;
        size_t kl, from, to;
    } Ent;
    Ent *ents = NULL;
    size_t nents = 0, cap = 0;
    js_ws(s);
    if (s->p < s->end && *s->p == (obj ? '}' : ']')) {
        s->p++;
    } else {
        for (;;) {
            js_ws(s);
            if (nents) sb_putc(sb, ',');
            size_t from = sb->len;
            const char *k = NULL;
            size_t kl = 0;
            if (obj) {
                if (s->p >= s->end || *s->p != '"')
                    return js_unexpected(s, "was expecting double-quote to start field name");
                if (jd_str(d, &k, &kl)) return JSY;
                json_put_string(sb, k, kl);
                sb_putc(sb, ':');
                js_ws(s);
                if (s->p >= s->end || *s->p != ':')
                    return js_unexpected(s, "was expecting a colon to separate field name and "
                                            "value");
                s->p++;
            }
            int r = jd_canon(d, sb);
            if (r != JOK) return r;
            if (nents == cap) {
                size_t ncap = cap ? cap * 2 : 8;
                ents = arena_realloc(d->a, ents, cap * sizeof *ents, ncap * sizeof *ents);
                cap = ncap;
            }
            ents[nents].k = k;
            ents[nents].kl = kl;
            ents[nents].from = from;
            ents[nents].to = sb->len;
            nents++;
            js_ws(s);
            if (s->p < s->end && *s->p == ',') {
                s->p++;
                continue;
            }
            if (s->p < s->end && *s->p == (obj ? '}' : ']')) {
                s->p++;
                break;
            }
            return js_unexpected(s, obj ? "was expecting comma to separate Object entries"
                                        : "was expecting comma to separate Array entries");
        }
    }
    s->depth--;
    if (obj && nents > 1) {
        /* last[i]: index of the last entry with entry i's key, for first occurrences */
        bool dup = false;
        size_t *last = arena_alloc(d->a, nents * sizeof *last);
        bool *gone = arena_zalloc(d->a, nents);
        for (size_t i = 0; i < nents; i++) {
            last[i] = i;
            if (gone[i]) continue;
            for (size_t j = i + 1; j < nents; j++) {
                if (!gone[j] && ents[j].kl == ents[i].kl &&
                    memcmp(ents[j].k, ents[i].k, ents[i].kl) == 0) {
                    last[i] = j;
                    gone[j] = true;
                    dup = true;
                }
            }
        }
        if (dup) {
            size_t len = sb->len - region;
            char *copy = arena_alloc(d->a, len + 1);
            memcpy(copy, sb->data + region, len);
            sb->len = region;
            bool first = true;
            for (size_t i = 0; i < nents; i++) {
                if (gone[i]) continue;
                if (!first) sb_putc(sb, ',');
                first = false;
                const Ent *e = &ents[last[i]];
                sb_append(sb, copy + (e->from - region), e->to - e->from);
            }
        }
    }
    sb_putc(sb, obj ? '}' : ']');
    return JOK;
}

/* processString() on an array: "[" + elements as strings joined by ", " + "]". */
static int jd_strarray(JD *d, StrBuf *sb)
{
    JScan *s = &d->s;
    if (s->depth >= JSCAN_MAX_DEPTH)
        return js_fail(s, "Document nesting depth exceeds the maximum allowed (%d)",
                       JSCAN_MAX_DEPTH);
    s->depth++;
    s->p++;
    sb_putc(sb, '[');
    js_ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
    } else {
        for (bool first = true;; first = false) {
            js_ws(s);
            if (!first) sb_puts(sb, ", ");
            if (s->p >= s->end) return js_unexpected(s, "expected a value");
            char c = *s->p;
            int r;
            if (c == '[') {
                r = jd_strarray(d, sb);
            } else if (c == '{') {
                r = jd_canon(d, sb);
            } else if (c == 'n') {
                int k;
                bool b;
                r = js_literal(s, &k, &b) < 0 ? JSY : JOK; /* only "null" starts with n */
                if (r == JOK) sb_puts(sb, "null");
            } else {
                Value v;
                r = jd_string(d, &v);
                if (r == JOK) sb_append(sb, v.u.s, v.len);
            }
            if (r != JOK) return r;
            js_ws(s);
            if (s->p < s->end && *s->p == ',') {
                s->p++;
                continue;
            }
            if (s->p < s->end && *s->p == ']') {
                s->p++;
                break;
            }
            return js_unexpected(s, "was expecting comma to separate Array entries");
        }
    }
    s->depth--;
    sb_putc(sb, ']');
    return JOK;
}

/* Plain integers of up to 18 digits, the common case, without the general lexer.
 * Returns false (cursor unchanged) for anything else. */
static inline bool quick_int(JScan *s, int64_t *out)
{
    const char *p = s->p, *e = s->end;
    bool neg = *p == '-';
    if (neg) p++;
    const char *d0 = p;
    uint64_t v = 0;
    while (p < e && (unsigned)(*p - '0') < 10u && p - d0 < 18)
        v = v * 10 + (uint64_t)(*p++ - '0');
    if (p == d0 || (*d0 == '0' && p - d0 > 1)) return false;
    if (p < e && ((unsigned)(*p - '0') < 10u || *p == '.' || *p == 'e' || *p == 'E')) return false;
    *out = neg ? -(int64_t)v : (int64_t)v;
    s->p = p;
    return true;
}

static int jd_integral(JD *d, const JDesc *t, Value *out)
{
    JScan *s = &d->s;
    char c = *s->p;
    int64_t v;
    if (c == '-' || (c >= '0' && c <= '9')) {
        if (quick_int(s, &v)) goto done;
        JNum n;
        if (js_number(s, &n) < 0) return JSY;
        v = jnum_to_i64(&n);
    } else if (c == '"') {
        const char *p;
        size_t n;
        if (jd_str(d, &p, &n)) return JSY;
        if (t->kind == TYPE_INT) {
            int32_t i;
            if (java_parse_int(p, n, &i) < 0)
                return co_fail(d, "Can't coerce string to type. targetType: %s", t->tname);
            v = i;
        } else if (java_parse_long(p, n, &v) < 0) {
            return co_fail(d, "Can't coerce string to type. targetType: %s", t->tname);
        }
    } else {
        return mismatch(d, t->tname);
    }
done:
    switch (t->kind) {
    case TYPE_INT: *out = val_int((int32_t)v); break;
    case TYPE_BIGINT: *out = val_bigint(v); break;
    case TYPE_TIMESTAMP: *out = val_timestamp(v); break;
    case TYPE_TIME: *out = val_time((int32_t)v); break;
    default: *out = val_date((int32_t)v); break;
    }
    return JOK;
}

static int jd_double(JD *d, const JDesc *t, Value *out)
{
    JScan *s = &d->s;
    char c = *s->p;
    if (c == '-' || (c >= '0' && c <= '9')) {
        JNum n;
        if (js_number(s, &n) < 0) return JSY;
        *out = val_double(jnum_to_double(&n));
        return JOK;
    }
    if (c == '"') {
        const char *p;
        size_t n;
        double v;
        if (jd_str(d, &p, &n)) return JSY;
        if (java_parse_double(p, n, &v) < 0)
            return co_fail(d, "Can't coerce string to type. targetType: %s", t->tname);
        *out = val_double(v);
        return JOK;
    }
    return mismatch(d, t->tname);
}

static int jd_bool(JD *d, const JDesc *t, Value *out)
{
    JScan *s = &d->s;
    char c = *s->p;
    if (c == 't' || c == 'f') {
        int k;
        bool b;
        if (js_literal(s, &k, &b) < 0) return JSY;
        *out = val_bool(b);
        return JOK;
    }
    if (c == '"') {
        const char *p;
        size_t n;
        if (jd_str(d, &p, &n)) return JSY;
        if (n == 4 && strncasecmp(p, "true", 4) == 0)
            *out = val_bool(true);
        else if (n == 5 && strncasecmp(p, "false", 5) == 0)
            *out = val_bool(false);
        else
            return co_fail(d, "Can't convert type. sourceType: TextNode, requiredType: %s",
                           t->tname);
        return JOK;
    }
    return mismatch(d, t->tname);
}

static int decimal_overflow(JD *d, const Type *t, const JNum *n, bool strip)
{
    StrBuf sb = STRBUF_INIT;
    jnum_plain(n, strip, &sb);
    co_fail(d,
            "Numeric field overflow: A field with precision %d and scale %d must round to an "
            "absolute value less than 10^%d. Got %s",
            t->precision, t->scale, t->precision - t->scale, sb_cstr(&sb));
    sb_free(&sb);
    return JCO;
}

static int jd_decimal(JD *d, const JDesc *t, Value *out)
{
    JScan *s = &d->s;
    char c = *s->p;
    JNum n;
    bool from_text = false;
    if (c == '-' || (c >= '0' && c <= '9')) {
        if (js_number(s, &n) < 0) return JSY;
    } else if (c == '"') {
        const char *p;
        size_t len;
        if (jd_str(d, &p, &len)) return JSY;
        if (jnum_lex_bigdecimal(p, len, &n) < 0)
            return co_fail(d, "Can't coerce string to type. targetType: DECIMAL");
        from_text = true;
    } else {
        return mismatch(d, t->tname);
    }
    int128_t u;
    if (jnum_to_decimal(&n, t->t->precision, t->t->scale, &u) < 0)
        return decimal_overflow(d, t->t, &n, !from_text);
    *out = val_decimal(u, t->t->precision, t->t->scale);
    return JOK;
}

static int jd_bytes(JD *d, const JDesc *t, Value *out)
{
    JScan *s = &d->s;
    if (*s->p != '"') return mismatch(d, t->tname);
    const char *p;
    size_t n;
    if (jd_str(d, &p, &n)) return JSY;
    char *b;
    long bl = serde_base64_decode(d->a, p, n, true, &b);
    if (bl < 0) return co_fail(d, "Value is not a valid Base64 encoded string");
    *out = val_bytes(b, (uint32_t)bl);
    return JOK;
}

static int jd_array(JD *d, const JDesc *t, Value *out)
{
    JScan *s = &d->s;
    if (*s->p != '[') return mismatch(d, t->tname);
    if (s->depth >= JSCAN_MAX_DEPTH)
        return js_fail(s, "Document nesting depth exceeds the maximum allowed (%d)",
                       JSCAN_MAX_DEPTH);
    s->depth++;
    s->p++;
    size_t base = d->vtop;
    bool failed = false;
    uint32_t i = 0;
    js_ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
    } else {
        for (;; i++) {
            js_ws(s);
            if (failed) {
                if (js_skip(s) < 0) goto syntax;
            } else {
                Value v;
                int r = jd_value(d, t->elem, &v);
                if (r == JSY) goto syntax;
                if (r == JCO) {
                    char seg[24];
                    int sl = snprintf(seg, sizeof seg, "[%u]", i);
                    path_push(d, seg, (size_t)sl);
                    failed = true;
                } else {
                    vpush(d, &v);
                }
            }
            js_ws(s);
            if (s->p < s->end && *s->p == ',') {
                s->p++;
                continue;
            }
            if (s->p < s->end && *s->p == ']') {
                s->p++;
                break;
            }
            js_unexpected(s, "was expecting comma to separate Array entries");
            goto syntax;
        }
    }
    s->depth--;
    if (failed) {
        d->vtop = base;
        return JCO;
    }
    uint32_t n = (uint32_t)(d->vtop - base);
    *out = val_array_new(d->a, n, t->t);
    if (n) memcpy(out->u.items, d->js->vs + base, n * sizeof(Value));
    d->vtop = base;
    return JOK;
syntax:
    d->vtop = base;
    return JSY;
}

/* Keeps the first position and the last value of duplicate map keys (Jackson's
 * ObjectNode semantics). */
static uint32_t map_dedupe(Arena *a, Value *kv, uint32_t n)
{
    if (n < 2) return n;
    if (n <= 32) {
        uint32_t o = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t j;
            for (j = 0; j < o; j++)
                if (kv[2 * j].len == kv[2 * i].len &&
                    memcmp(kv[2 * j].u.s, kv[2 * i].u.s, kv[2 * i].len) == 0)
                    break;
            if (j < o) {
                kv[2 * j + 1] = kv[2 * i + 1];
            } else {
                kv[2 * o] = kv[2 * i];
                kv[2 * o + 1] = kv[2 * i + 1];
                o++;
            }
        }
        return o;
    }
    uint32_t cap = 64;
    while (cap < n * 2)
        cap *= 2;
    uint32_t *tab = arena_zalloc(a, cap * sizeof *tab);
    uint32_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t h = hash_upper(kv[2 * i].u.s, kv[2 * i].len) & (cap - 1);
        uint32_t found = 0;
        for (; tab[h]; h = (h + 1) & (cap - 1)) {
            uint32_t j = tab[h] - 1;
            if (kv[2 * j].len == kv[2 * i].len &&
                memcmp(kv[2 * j].u.s, kv[2 * i].u.s, kv[2 * i].len) == 0) {
                found = tab[h];
                break;
            }
        }
        if (found) {
            kv[2 * (found - 1) + 1] = kv[2 * i + 1];
        } else {
            kv[2 * o] = kv[2 * i];
            kv[2 * o + 1] = kv[2 * i + 1];
            tab[h] = ++o;
        }
    }
    return o;
}

static int jd_map(JD *d, const JDesc *t, Value *out)
{
    JScan *s = &d->s;
    if (*s->p != '{') return mismatch(d, t->tname);
    if (s->depth >= JSCAN_MAX_DEPTH)
        return js_fail(s, "Document nesting depth exceeds the maximum allowed (%d)",
                       JSCAN_MAX_DEPTH);
    s->depth++;
    s->p++;
    size_t base = d->vtop;
    bool failed = false;
    js_ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
    } else {
        for (;;) {
            js_ws(s);
            if (s->p >= s->end || *s->p != '"') {
                js_unexpected(s, "was expecting double-quote to start field name");
                goto syntax;
            }
            const char *k;
            size_t kl;
            if (jd_str(d, &k, &kl)) goto syntax;
            js_ws(s);
            if (s->p >= s->end || *s->p != ':') {
                js_unexpected(s, "was expecting a colon to separate field name and value");
                goto syntax;
            }
            s->p++;
            js_ws(s);
            if (failed) {
                if (js_skip(s) < 0) goto syntax;
            } else {
                Value v;
                int r = jd_value(d, t->elem, &v);
                if (r == JSY) goto syntax;
                if (r == JCO) {
                    path_push_field(d, k, kl);
                    failed = true;
                } else {
                    Value kv = val_string(k, (uint32_t)kl);
                    vpush(d, &kv);
                    vpush(d, &v);
                }
            }
            js_ws(s);
            if (s->p < s->end && *s->p == ',') {
                s->p++;
                continue;
            }
            if (s->p < s->end && *s->p == '}') {
                s->p++;
                break;
            }
            js_unexpected(s, "was expecting comma to separate Object entries");
            goto syntax;
        }
    }
    s->depth--;
    if (failed) {
        d->vtop = base;
        return JCO;
    }
    uint32_t n = (uint32_t)((d->vtop - base) / 2);
    n = map_dedupe(d->a, d->js->vs + base, n);
    *out = val_map_new(d->a, n, t->t);
    if (n) memcpy(out->u.items, d->js->vs + base, 2 * n * sizeof(Value));
    /* ksqlDB's maps are Java HashMaps: iteration order is visible (MAP_KEYS, REDUCE). */
    if (n > 1) fn_map_java_order(out, d->a, (int)n);
    d->vtop = base;
    return JOK;
syntax:
    d->vtop = base;
    return JSY;
}

/* Decodes field i from the value at the cursor. Keeps the failure, if any, until a
 * later key for the same field replaces it. */
static int take_field(JD *d, const JDesc *t, Value *items, uint8_t *q, JFail **fails, int i,
                      uint8_t quality)
{
    int r = jd_value(d, t->fields[i], &items[i]);
    if (r == JSY) return JSY;
    q[i] = quality;
    if (r == JCO) {
        items[i] = val_null();
        path_push_field(d, t->names[i], t->nlen[i]);
        if (!*fails) *fails = arena_zalloc(d->a, (size_t)t->nf * sizeof(JFail));
        JFail *f = &(*fails)[i];
        f->msg = arena_strdup(d->a, d->fmsg);
        f->plen = (size_t)(FP - d->fpos);
        f->path = arena_strndup(d->a, d->fpath + d->fpos, f->plen);
    } else if (*fails) {
        (*fails)[i].msg = NULL;
    }
    return JOK;
}

/* At '{': fills items[0..nf) (already NULL) from the object. q is zeroed scratch of
 * nf bytes. */
static int jd_object(JD *d, const JDesc *t, Value *items, uint8_t *q)
{
    JScan *s = &d->s;
    if (s->depth >= JSCAN_MAX_DEPTH)
        return js_fail(s, "Document nesting depth exceeds the maximum allowed (%d)",
                       JSCAN_MAX_DEPTH);
    s->depth++;
    s->p++;
    JFail *fails = NULL;
    int hint = 0;
    js_ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
    } else {
        for (;;) {
            js_ws(s);
            if (s->p >= s->end || *s->p != '"')
                return js_unexpected(s, "was expecting double-quote to start field name");
            const char *raw;
            size_t kl;
            bool esc;
            if (js_string_raw(s, &raw, &kl, &esc) < 0) return JSY;
            const char *k = raw;
            if (esc) {
                char *buf = arena_alloc(d->a, kl + 1);
                kl = js_unescape(raw, kl, buf);
                k = buf;
            }
            js_ws(s);
            if (s->p >= s->end || *s->p != ':')
                return js_unexpected(s, "was expecting a colon to separate field name and value");
            s->p++;
            js_ws(s);
            int ex, ci;
            find_field(t, k, kl, hint, &ex, &ci);
            if (ci >= 0 && q[ci] == 2) ci = -1; /* an exact key already set it */
            if (ex < 0 && ci < 0) {
                if (js_skip(s) < 0) return JSY;
            } else {
                const char *at = s->p;
                if (ex >= 0) {
                    if (take_field(d, t, items, q, &fails, ex, 2) < 0) return JSY;
                    hint = ex + 1;
                }
                if (ci >= 0) {
                    if (ex >= 0) s->p = at; /* the same value feeds a second field */
                    if (take_field(d, t, items, q, &fails, ci, 1) < 0) return JSY;
                    if (ex < 0) hint = ci + 1;
                }
            }
            js_ws(s);
            if (s->p < s->end && *s->p == ',') {
                s->p++;
                continue;
            }
            if (s->p < s->end && *s->p == '}') {
                s->p++;
                break;
            }
            return js_unexpected(s, "was expecting comma to separate Object entries");
        }
    }
    s->depth--;
    if (fails) {
        for (int i = 0; i < t->nf; i++) {
            if (!fails[i].msg) continue;
            snprintf(d->fmsg, sizeof d->fmsg, "%s", fails[i].msg);
            d->fpos = FP - (int)fails[i].plen;
            memcpy(d->fpath + d->fpos, fails[i].path, fails[i].plen);
            return JCO;
        }
    }
    return JOK;
}

static int jd_value(JD *d, const JDesc *t, Value *out)
{
    JScan *s = &d->s;
    if (s->p >= s->end) return js_unexpected(s, "expected a value");
    if (*s->p == 'n') {
        int k;
        bool b;
        if (js_literal(s, &k, &b) < 0) return JSY;
        *out = val_null();
        return JOK;
    }
    switch (t->kind) {
    case TYPE_STRING: return jd_string(d, out);
    case TYPE_INT:
    case TYPE_BIGINT:
    case TYPE_TIMESTAMP:
    case TYPE_TIME:
    case TYPE_DATE: return jd_integral(d, t, out);
    case TYPE_DOUBLE: return jd_double(d, t, out);
    case TYPE_BOOLEAN: return jd_bool(d, t, out);
    case TYPE_DECIMAL: return jd_decimal(d, t, out);
    case TYPE_BYTES: return jd_bytes(d, t, out);
    case TYPE_ARRAY: return jd_array(d, t, out);
    case TYPE_MAP: return jd_map(d, t, out);
    case TYPE_STRUCT: {
        if (*s->p != '{') return mismatch(d, t->tname);
        *out = val_struct_new(d->a, t->t);
        uint8_t *q = arena_zalloc(d->a, (size_t)(t->nf ? t->nf : 1));
        int r = jd_object(d, t, out->u.items, q);
        if (r == JCO) *out = val_null();
        return r;
    }
    default: return mismatch(d, t->tname);
    }
}

static void jd_start(JD *d, Serde *s, const char *buf, size_t len, Arena *a)
{
    js_init(&d->s, buf, len);
    d->a = a;
    d->js = s->json;
    d->vtop = 0;
    d->fmsg[0] = 0;
    d->fpos = FP;
}

static int jd_error(JD *d, int r, EddyError *err)
{
    if (r == JSY) return err_set(err, ERR_SERDE, -1, "%s", d->s.msg);
    return err_set(err, ERR_SERDE, -1, "%s, path: $%.*s", d->fmsg, FP - d->fpos,
                   d->fpath + d->fpos);
}

/* Decodes one root value with desc t into *out (the unwrapped case). */
static int jd_root_value(JD *d, const JDesc *t, Value *out)
{
    JScan *s = &d->s;
    js_ws(s);
    if (s->p >= s->end) { /* Jackson reads empty input as a MissingNode */
        if (t->kind == TYPE_STRING) {
            *out = val_string("", 0);
            return JOK;
        }
        return co_fail(d, "Can't convert type. sourceType: MissingNode, requiredType: %s",
                       t->tname);
    }
    char c = *s->p;
    int r = jd_value(d, t, out);
    if (r == JSY) return JSY;
    if (js_root_end(s, c == '-' || (c >= '0' && c <= '9')) < 0) return JSY;
    return r;
}

int serde_json_decode(Serde *s, const char *buf, size_t len, Arena *a, Value *cols, EddyError *err)
{
    for (int i = 0; i < s->ncols; i++)
        cols[i] = val_null();
    if (s->ncols == 0 && s->is_key) return 0;
    JD d;
    jd_start(&d, s, buf, len, a);
    JsonSerde *js = s->json;
    if (!s->wrapped) {
        int r = jd_root_value(&d, js->single, &cols[0]);
        if (r != JOK) {
            cols[0] = val_null();
            return jd_error(&d, r, err);
        }
        return 0;
    }
    JScan *sc = &d.s;
    js_ws(sc);
    if (sc->p < sc->end && *sc->p == '{') {
        memset(js->rowq, 0, (size_t)s->ncols);
        int r = jd_object(&d, js->row, cols, js->rowq);
        if (r == JSY) return jd_error(&d, r, err);
        if (r == JCO) {
            for (int i = 0; i < s->ncols; i++)
                cols[i] = val_null();
            return jd_error(&d, r, err);
        }
        return 0;
    }
    /* Not an object: null is a null row, anything else cannot be a row. */
    Value v;
    int r = jd_root_value(&d, js->row, &v);
    if (r != JOK) return jd_error(&d, r, err);
    return 1;
}

/* ---------------------------------------------------------------- encoding */

static int64_t as_i64(const Value *v)
{
    switch (v->kind) {
    case TYPE_INT:
    case TYPE_DATE:
    case TYPE_TIME: return v->u.i;
    case TYPE_BIGINT:
    case TYPE_TIMESTAMP: return v->u.l;
    case TYPE_DOUBLE: return (int64_t)v->u.d;
    case TYPE_DECIMAL: return (int64_t)(v->u.dec / dec_pow10(v->scale));
    case TYPE_BOOLEAN: return v->u.b;
    default: return 0;
    }
}

static double as_double(const Value *v)
{
    switch (v->kind) {
    case TYPE_DOUBLE: return v->u.d;
    case TYPE_DECIMAL: return dec_to_double(v->u.dec, v->scale);
    default: return (double)as_i64(v);
    }
}

static void put_double(StrBuf *sb, double x)
{
    if (isnan(x) || isinf(x)) { /* Jackson quotes non-numeric numbers */
        sb_putc(sb, '"');
        fmt_java_double(sb, x);
        sb_putc(sb, '"');
        return;
    }
    fmt_java_double(sb, x);
}

static void jw_value(StrBuf *sb, const Value *v, const Type *t);

static void jw_fields(StrBuf *sb, const Value *v, const Type *t)
{
    if (v->type && (int)v->len != t->nfields) t = v->type;
    sb_putc(sb, '{');
    for (int i = 0; i < t->nfields && i < (int)v->len; i++) {
        if (i) sb_putc(sb, ',');
        json_put_string(sb, t->fields[i].name, strlen(t->fields[i].name));
        sb_putc(sb, ':');
        jw_value(sb, &v->u.items[i], t->fields[i].type);
    }
    sb_putc(sb, '}');
}

static void jw_value(StrBuf *sb, const Value *v, const Type *t)
{
    if (v->kind == TYPE_NULL) {
        sb_append(sb, "null", 4);
        return;
    }
    switch (t->kind) {
    case TYPE_BOOLEAN:
        if (v->kind == TYPE_BOOLEAN) {
            sb_puts(sb, v->u.b ? "true" : "false");
            return;
        }
        break;
    case TYPE_INT:
    case TYPE_BIGINT:
    case TYPE_DATE:
    case TYPE_TIME:
    case TYPE_TIMESTAMP: sb_put_i64(sb, as_i64(v)); return;
    case TYPE_DOUBLE: put_double(sb, as_double(v)); return;
    case TYPE_DECIMAL: {
        int128_t u;
        if (serde_to_decimal(v, t->precision, t->scale, &u) == 0) {
            serde_put_decimal_java(sb, u, t->scale);
            return;
        }
        if (v->kind == TYPE_DECIMAL) {
            serde_put_decimal_java(sb, v->u.dec, v->scale);
            return;
        }
        break;
    }
    case TYPE_STRING:
        if (v->kind == TYPE_STRING || v->kind == TYPE_BYTES) {
            json_put_string(sb, v->u.s, v->len);
            return;
        }
        break;
    case TYPE_BYTES:
        if (v->kind == TYPE_BYTES || v->kind == TYPE_STRING) {
            sb_putc(sb, '"');
            base64_encode(sb, v->u.s, v->len);
            sb_putc(sb, '"');
            return;
        }
        break;
    case TYPE_ARRAY:
        if (v->kind == TYPE_ARRAY) {
            sb_putc(sb, '[');
            for (uint32_t i = 0; i < v->len; i++) {
                if (i) sb_putc(sb, ',');
                jw_value(sb, &v->u.items[i], t->elem);
            }
            sb_putc(sb, ']');
            return;
        }
        break;
    case TYPE_MAP:
        if (v->kind == TYPE_MAP) {
            sb_putc(sb, '{');
            for (uint32_t i = 0; i < v->len; i++) {
                if (i) sb_putc(sb, ',');
                const Value *k = &v->u.items[2 * i];
                if (k->kind == TYPE_STRING) {
                    json_put_string(sb, k->u.s, k->len);
                } else {
                    StrBuf kt = STRBUF_INIT;
                    val_format(&kt, k);
                    json_put_string(sb, kt.data ? kt.data : "", kt.len);
                    sb_free(&kt);
                }
                sb_putc(sb, ':');
                jw_value(sb, &v->u.items[2 * i + 1], t->elem);
            }
            sb_putc(sb, '}');
            return;
        }
        break;
    case TYPE_STRUCT:
        if (v->kind == TYPE_STRUCT) {
            jw_fields(sb, v, t);
            return;
        }
        break;
    default: break;
    }
    /* A value of another kind than declared: write what it is. */
    if (v->kind != t->kind && v->kind != TYPE_NULL && v->kind < TYPE_LAMBDA &&
        v->kind != TYPE_STRUCT)
        jw_value(sb, v, type_prim((TypeKind)v->kind));
    else if (v->kind == TYPE_STRUCT && v->type)
        jw_fields(sb, v, v->type);
    else
        sb_append(sb, "null", 4);
}

int serde_json_encode(Serde *s, const Value *cols, StrBuf *out, bool *is_null, EddyError *err)
{
    (void)err;
    JsonSerde *js = s->json;
    if (!s->wrapped) {
        if (cols[0].kind == TYPE_NULL) { /* ksqlDB writes a Kafka null */
            *is_null = true;
            return 0;
        }
        jw_value(out, &cols[0], s->types[0]);
        return 0;
    }
    const JDesc *r = js->row;
    sb_putc(out, '{');
    for (int i = 0; i < s->ncols; i++) {
        if (i) sb_putc(out, ',');
        sb_append(out, r->wkeys[i], r->wklen[i]);
        jw_value(out, &cols[i], s->types[i]);
    }
    sb_putc(out, '}');
    return 0;
}

/* ---------------------------------------------------------------- one value of a type */

int serde_json_decode_type(const char *buf, size_t len, const Type *t, Arena *a, Value *out,
                           EddyError *err)
{
    Serde fake = {0};
    JsonSerde js = {0};
    js.vcap = 16;
    js.vs = xmalloc(js.vcap * sizeof(Value));
    fake.json = &js;
    JDesc *desc = desc_new(t);
    JD d;
    jd_start(&d, &fake, buf, len, a);
    int r = jd_root_value(&d, desc, out);
    int rc = 0;
    if (r != JOK) {
        *out = val_null();
        rc = jd_error(&d, r, err);
    }
    desc_free(desc);
    free(js.vs);
    sb_free(&js.tmp);
    return rc;
}

void serde_json_write_value(StrBuf *sb, const Value *v, const Type *t)
{
    jw_value(sb, v, t);
}
