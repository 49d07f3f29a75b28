/*
 * serde.c - the format-independent half of serde.h: building and freeing serdes,
 * dispatching to the per-format codecs (serde_json.c, serde_kafka.c,
 * serde_delimited.c), the NONE key format, error prefixes naming the topic, the
 * Kafka Streams windowed-key layouts, and small helpers the codecs share
 * (base64 as Java reads it, BigDecimal text).
 */
#include "serde_int.h"

#include "../common/murmur2.h"
#include "rowcodec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Serde *serde_new(const FormatSpec *fmt, bool is_key, int ncols, const char *const *names,
                 const Type *const *types, EddyError *err)
{
    if (!format_is_supported(fmt->kind)) {
        err_set(err, ERR_UNSUPPORTED, -1, "The '%s' format is not supported by eddy",
                format_name(fmt->kind));
        return NULL;
    }
    Serde *s = xcalloc(1, sizeof *s);
    s->fmt = *fmt;
    s->is_key = is_key;
    s->ncols = ncols;
    s->names = xcalloc((size_t)(ncols ? ncols : 1), sizeof *s->names);
    s->types = xcalloc((size_t)(ncols ? ncols : 1), sizeof *s->types);
    for (int i = 0; i < ncols; i++) {
        s->names[i] = xstrdup(names[i]);
        s->types[i] = types[i];
    }
    /* Single key columns are always bare; single value columns unless
     * WRAP_SINGLE_VALUE (or the server default) says otherwise. */
    s->wrapped = ncols != 1 || (!is_key && fmt->wrap_single);
    int rc = 0;
    if (fmt->kind == FMT_JSON)
        rc = serde_json_init(s, err);
    else if (fmt->kind == FMT_DELIMITED)
        rc = serde_delim_init(s, err);
    if (rc) {
        serde_free(s);
        return NULL;
    }
    return s;
}

void serde_free(Serde *s)
{
    if (!s) return;
    if (s->json) serde_json_fini(s);
    if (s->delim) serde_delim_fini(s);
    for (int i = 0; i < s->ncols; i++)
        free((char *)s->names[i]);
    free(s->names);
    free(s->types);
    free(s->topic);
    free(s);
}

void serde_set_topic(Serde *s, const char *topic)
{
    free(s->topic);
    s->topic = topic ? xstrdup(topic) : NULL;
}

/* Puts "Failed to deserialize value from topic: t. " in front of the reason. */
static int prefix_error(Serde *s, bool decoding, EddyError *err)
{
    if (!err || !s->topic) return ERR_SERDE;
    char reason[ERR_MSG_MAX];
    snprintf(reason, sizeof reason, "%s", err->msg);
    return err_set(err, ERR_SERDE, -1, "Failed to %s %s %s topic: %s. %s",
                   decoding ? "deserialize" : "serialize", s->is_key ? "key" : "value",
                   decoding ? "from" : "to", s->topic, reason);
}

int serde_decode(Serde *s, const char *buf, size_t len, Arena *a, Value *cols, EddyError *err)
{
    if (!buf) {
        for (int i = 0; i < s->ncols; i++)
            cols[i] = val_null();
        return 1;
    }
    int rc;
    switch (s->fmt.kind) {
    case FMT_NONE:
        for (int i = 0; i < s->ncols; i++)
            cols[i] = val_null();
        return 0;
    case FMT_KAFKA: rc = serde_kafka_decode(s, buf, len, a, cols, err); break;
    case FMT_JSON: rc = serde_json_decode(s, buf, len, a, cols, err); break;
    case FMT_DELIMITED: rc = serde_delim_decode(s, buf, len, a, cols, err); break;
    default: return err_set(err, ERR_UNSUPPORTED, -1, "unsupported format");
    }
    if (rc < 0) return prefix_error(s, true, err);
    return rc;
}

int serde_encode(Serde *s, const Value *cols, StrBuf *out, bool *is_null, EddyError *err)
{
    *is_null = false;
    if (s->is_key && s->ncols == 0) { /* no key columns: no key */
        *is_null = true;
        return 0;
    }
    int rc;
    switch (s->fmt.kind) {
    case FMT_NONE: *is_null = true; return 0;
    case FMT_KAFKA: rc = serde_kafka_encode(s, cols, out, is_null, err); break;
    case FMT_JSON: rc = serde_json_encode(s, cols, out, is_null, err); break;
    case FMT_DELIMITED: rc = serde_delim_encode(s, cols, out, is_null, err); break;
    default: return err_set(err, ERR_UNSUPPORTED, -1, "unsupported format");
    }
    if (rc < 0) return prefix_error(s, false, err);
    return rc;
}

/* ---------------------------------------------------------------- windowed keys */

static void put_be64(StrBuf *sb, int64_t v)
{
    unsigned char b[8];
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        b[i] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
    sb_append(sb, b, 8);
}

static int64_t get_be64(const char *p)
{
    const unsigned char *b = (const unsigned char *)p;
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | b[i];
    return (int64_t)u;
}

void serde_window_append(StrBuf *key, bool session, int64_t start, int64_t end)
{
    if (session) put_be64(key, end);
    put_be64(key, start);
}

/* The partition prefix and window bounds around key bytes at out[at..]. */
static void finish_store_key(StrBuf *out, size_t at, int partitions, bool windowed, int64_t start,
                             int64_t end)
{
    if (at) {
        int32_t p = kafka_partition_of(out->data + at, out->len - at, partitions);
        out->data[0] = (char)(p >> 8);
        out->data[1] = (char)p;
    }
    if (windowed) {
        put_be64(out, start);
        put_be64(out, end);
    }
}

void serde_table_store_key(Serde *key_serde, const Value *keys, int nkey, int partitions,
                           bool windowed, int64_t start, int64_t end, StrBuf *out)
{
    sb_clear(out);
    size_t at = partitions > 1 ? 2 : 0;
    if (at) sb_append(out, "\0\0", 2);
    bool is_null = false;
    EddyError err;
    err_clear(&err);
    if (!key_serde || nkey == 0 || serde_encode(key_serde, keys, out, &is_null, &err) < 0 ||
        is_null) {
        out->len = at;
        rowcodec_put_all(out, keys, nkey);
    }
    finish_store_key(out, at, partitions, windowed, start, end);
}

void serde_table_store_key_bytes(const char *key, size_t key_len, int partitions, bool windowed,
                                 int64_t start, int64_t end, StrBuf *out)
{
    sb_clear(out);
    size_t at = partitions > 1 ? 2 : 0;
    if (at) sb_append(out, "\0\0", 2);
    sb_append(out, key, key_len);
    finish_store_key(out, at, partitions, windowed, start, end);
}

long serde_window_split(const char *buf, size_t len, bool session, int64_t *start, int64_t *end)
{
    size_t tail = session ? 16 : 8;
    if (!buf || len < tail) return -1;
    size_t inner = len - tail;
    if (session) {
        *end = get_be64(buf + inner);
        *start = get_be64(buf + inner + 8);
    } else {
        *start = get_be64(buf + inner);
        *end = *start; /* not stored: the caller adds the window size */
    }
    return (long)inner;
}

/* ---------------------------------------------------------------- shared helpers */

static int b64_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

long serde_base64_decode(Arena *a, const char *s, size_t n, bool need_padding, char **out)
{
    size_t pad = 0;
    while (n && s[n - 1] == '=' && pad < 2) {
        n--;
        pad++;
    }
    if (n % 4 == 1) return -1;
    if (pad && (n + pad) % 4) return -1;
    if (need_padding && n % 4 && (n % 4) + pad != 4) return -1;
    char *o = arena_alloc(a, n / 4 * 3 + 3);
    size_t k = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_val((unsigned char)s[i]);
        if (v < 0) return -1;
        acc = acc << 6 | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[k++] = (char)((acc >> bits) & 0xff);
        }
    }
    *out = o;
    return (long)k;
}

void serde_put_decimal_java(StrBuf *sb, int128_t unscaled, int scale)
{
    int m = dec_digits(unscaled);
    int adjusted = -scale + (m - 1);
    if (scale >= 0 && adjusted >= -6) {
        dec_format(sb, unscaled, scale);
        return;
    }
    char tmp[48];
    char *p = tmp + sizeof tmp;
    unsigned __int128 u = unscaled < 0 ? (unsigned __int128)0 - (unsigned __int128)unscaled
                                       : (unsigned __int128)unscaled;
    do {
        *--p = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (unscaled < 0) sb_putc(sb, '-');
    sb_putc(sb, p[0]);
    if (m > 1) {
        sb_putc(sb, '.');
        sb_append(sb, p + 1, (size_t)(m - 1));
    }
    sb_printf(sb, "E%s%d", adjusted > 0 ? "+" : "", adjusted);
}

int serde_to_decimal(const Value *v, int precision, int scale, int128_t *out)
{
    switch (v->kind) {
    case TYPE_DECIMAL: return dec_rescale(v->u.dec, v->scale, scale, precision, out);
    case TYPE_INT: return dec_rescale(v->u.i, 0, scale, precision, out);
    case TYPE_BIGINT: return dec_rescale(v->u.l, 0, scale, precision, out);
    case TYPE_DOUBLE: return dec_from_double(v->u.d, precision, scale, out);
    default: return -1;
    }
}
