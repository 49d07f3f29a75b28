/*
 * rowcodec.c - internal binary value encoding (see rowcodec.h).
 *
 * Layout: one tag byte (the TypeKind; 0 = NULL) then the payload: fixed-width
 * little-endian integers and doubles, DECIMAL as precision, scale and 16 bytes,
 * strings/bytes and collections as a varint length followed by their contents.
 */
#include "rowcodec.h"

#include <string.h>

static void put_varint(StrBuf *out, uint64_t v)
{
    char b[10];
    int n = 0;
    while (v >= 0x80) {
        b[n++] = (char)(v | 0x80);
        v >>= 7;
    }
    b[n++] = (char)v;
    sb_append(out, b, (size_t)n);
}

static long get_varint(const char *p, size_t len, uint64_t *v)
{
    uint64_t r = 0;
    for (size_t i = 0; i < len && i < 10; i++) {
        r |= (uint64_t)((unsigned char)p[i] & 0x7f) << (7 * i);
        if (!((unsigned char)p[i] & 0x80)) {
            *v = r;
            return (long)i + 1;
        }
    }
    return -1;
}

void rowcodec_put_be64(StrBuf *out, int64_t v)
{
    char b[8];
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        b[i] = (char)(u & 0xff);
        u >>= 8;
    }
    sb_append(out, b, 8);
}

int64_t rowcodec_get_be64(const char *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = u << 8 | (unsigned char)p[i];
    return (int64_t)u;
}

void rowcodec_put(StrBuf *out, const Value *v)
{
    sb_putc(out, (char)v->kind);
    switch (v->kind) {
    case TYPE_NULL: break;
    case TYPE_BOOLEAN: sb_putc(out, v->u.b ? 1 : 0); break;
    case TYPE_INT:
    case TYPE_DATE:
    case TYPE_TIME: sb_append(out, &v->u.i, 4); break;
    case TYPE_BIGINT:
    case TYPE_TIMESTAMP: sb_append(out, &v->u.l, 8); break;
    case TYPE_DOUBLE: sb_append(out, &v->u.d, 8); break;
    case TYPE_DECIMAL:
        sb_putc(out, (char)v->precision);
        sb_putc(out, (char)v->scale);
        sb_append(out, &v->u.dec, 16);
        break;
    case TYPE_STRING:
    case TYPE_BYTES:
        put_varint(out, v->len);
        sb_append(out, v->u.s, v->len);
        break;
    case TYPE_ARRAY:
    case TYPE_STRUCT:
        put_varint(out, v->len);
        for (uint32_t i = 0; i < v->len; i++)
            rowcodec_put(out, &v->u.items[i]);
        break;
    case TYPE_MAP:
        put_varint(out, v->len);
        for (uint32_t i = 0; i < 2 * v->len; i++)
            rowcodec_put(out, &v->u.items[i]);
        break;
    default: break;
    }
}

void rowcodec_put_all(StrBuf *out, const Value *vals, int n)
{
    for (int i = 0; i < n; i++)
        rowcodec_put(out, &vals[i]);
}

long rowcodec_get(const char *buf, size_t len, const Type *t, Arena *a, Value *out)
{
    if (len < 1) return -1;
    int kind = (unsigned char)buf[0];
    const char *p = buf + 1;
    size_t rem = len - 1;
    Value v = {.kind = (uint8_t)kind};
    switch (kind) {
    case TYPE_NULL: *out = val_null(); return 1;
    case TYPE_BOOLEAN:
        if (rem < 1) return -1;
        v.u.b = p[0] != 0;
        *out = v;
        return 2;
    case TYPE_INT:
    case TYPE_DATE:
    case TYPE_TIME:
        if (rem < 4) return -1;
        memcpy(&v.u.i, p, 4);
        *out = v;
        return 5;
    case TYPE_BIGINT:
    case TYPE_TIMESTAMP:
        if (rem < 8) return -1;
        memcpy(&v.u.l, p, 8);
        *out = v;
        return 9;
    case TYPE_DOUBLE:
        if (rem < 8) return -1;
        memcpy(&v.u.d, p, 8);
        *out = v;
        return 9;
    case TYPE_DECIMAL:
        if (rem < 18) return -1;
        v.precision = (uint8_t)p[0];
        v.scale = (uint8_t)p[1];
        memcpy(&v.u.dec, p + 2, 16);
        *out = v;
        return 19;
    case TYPE_STRING:
    case TYPE_BYTES: {
        uint64_t n;
        long k = get_varint(p, rem, &n);
        if (k < 0 || n > rem - (size_t)k) return -1;
        v.len = (uint32_t)n;
        v.u.s = p + k;
        *out = v;
        return 1 + k + (long)n;
    }
    case TYPE_ARRAY:
    case TYPE_STRUCT:
    case TYPE_MAP: {
        uint64_t n;
        long k = get_varint(p, rem, &n);
        if (k < 0 || n > rem) return -1;
        size_t cnt = kind == TYPE_MAP ? 2 * n : n;
        v.len = (uint32_t)n;
        v.type = t && (int)t->kind == kind ? t : NULL;
        v.u.items = cnt ? arena_alloc(a, sizeof(Value) * cnt) : NULL;
        size_t off = (size_t)k;
        for (size_t i = 0; i < cnt; i++) {
            const Type *et = NULL;
            if (v.type) {
                if (kind == TYPE_ARRAY)
                    et = t->elem;
                else if (kind == TYPE_MAP)
                    et = (i & 1) ? t->elem : t->key;
                else if (i < (size_t)t->nfields)
                    et = t->fields[i].type;
            }
            long m = rowcodec_get(p + off, rem - off, et, a, &v.u.items[i]);
            if (m < 0) return -1;
            off += (size_t)m;
        }
        *out = v;
        return 1 + (long)off;
    }
    default: return -1;
    }
}

long rowcodec_get_all(const char *buf, size_t len, int n, const Type *const *types, Arena *a,
                      Value *out)
{
    size_t off = 0;
    for (int i = 0; i < n; i++) {
        long k = rowcodec_get(buf + off, len - off, types ? types[i] : NULL, a, &out[i]);
        if (k < 0) return -1;
        off += (size_t)k;
    }
    return (long)off;
}
