/*
 * serde_kafka.c - the KAFKA format: one column in the byte layout of Kafka's
 * standard serializers (IntegerSerializer, LongSerializer, DoubleSerializer,
 * StringSerializer, ByteBufferSerializer). A NULL column is a Kafka null.
 */
#include "json_scan.h"
#include "serde_int.h"

#include <string.h>

static uint64_t get_be(const char *buf, int n)
{
    const unsigned char *b = (const unsigned char *)buf;
    uint64_t u = 0;
    for (int i = 0; i < n; i++)
        u = u << 8 | b[i];
    return u;
}

static void put_be(StrBuf *sb, uint64_t u, int n)
{
    unsigned char b[8];
    for (int i = n - 1; i >= 0; i--) {
        b[i] = (unsigned char)(u & 0xff);
        u >>= 8;
    }
    sb_append(sb, b, (size_t)n);
}

int serde_kafka_decode(Serde *s, const char *buf, size_t len, Arena *a, Value *cols, EddyError *err)
{
    if (s->ncols == 0) return 0;
    const Type *t = s->types[0];
    switch (t->kind) {
    case TYPE_INT:
        if (len != 4)
            return err_set(err, ERR_SERDE, -1,
                           "Size of data received by IntegerDeserializer is not 4");
        cols[0] = val_int((int32_t)(uint32_t)get_be(buf, 4));
        return 0;
    case TYPE_BIGINT:
        if (len != 8)
            return err_set(err, ERR_SERDE, -1,
                           "Size of data received by LongDeserializer is not 8");
        cols[0] = val_bigint((int64_t)get_be(buf, 8));
        return 0;
    case TYPE_DOUBLE: {
        if (len != 8)
            return err_set(err, ERR_SERDE, -1,
                           "Size of data received by DoubleDeserializer is not 8");
        uint64_t u = get_be(buf, 8);
        double d;
        memcpy(&d, &u, 8);
        cols[0] = val_double(d);
        return 0;
    }
    case TYPE_STRING: {
        size_t n;
        const char *p = utf8_sanitize(a, buf, len, &n);
        if (n > UINT32_MAX) return err_set(err, ERR_SERDE, -1, "String too long");
        cols[0] = val_string(p, (uint32_t)n);
        return 0;
    }
    case TYPE_BYTES:
        if (len > UINT32_MAX) return err_set(err, ERR_SERDE, -1, "Bytes too long");
        cols[0] = val_bytes(buf, (uint32_t)len);
        return 0;
    default:
        return err_set(err, ERR_SERDE, -1, "The 'KAFKA' format does not support type '%s'",
                       type_name(t));
    }
}

int serde_kafka_encode(Serde *s, const Value *cols, StrBuf *out, bool *is_null, EddyError *err)
{
    if (s->ncols == 0 || cols[0].kind == TYPE_NULL) {
        *is_null = true;
        return 0;
    }
    const Type *t = s->types[0];
    const Value *v = &cols[0];
    switch (t->kind) {
    case TYPE_INT:
        if (v->kind != TYPE_INT) break;
        put_be(out, (uint32_t)v->u.i, 4);
        return 0;
    case TYPE_BIGINT:
        if (v->kind == TYPE_INT)
            put_be(out, (uint64_t)(int64_t)v->u.i, 8);
        else if (v->kind == TYPE_BIGINT)
            put_be(out, (uint64_t)v->u.l, 8);
        else
            break;
        return 0;
    case TYPE_DOUBLE: {
        double d;
        if (v->kind == TYPE_DOUBLE)
            d = v->u.d;
        else if (v->kind == TYPE_INT)
            d = v->u.i;
        else if (v->kind == TYPE_BIGINT)
            d = (double)v->u.l;
        else if (v->kind == TYPE_DECIMAL)
            d = dec_to_double(v->u.dec, v->scale);
        else
            break;
        uint64_t u;
        memcpy(&u, &d, 8);
        put_be(out, u, 8);
        return 0;
    }
    case TYPE_STRING:
    case TYPE_BYTES:
        if (v->kind != TYPE_STRING && v->kind != TYPE_BYTES) break;
        sb_append(out, v->u.s, v->len);
        return 0;
    default: break;
    }
    return err_set(err, ERR_SERDE, -1, "The 'KAFKA' format cannot write a %s value as %s",
                   type_name(type_prim((TypeKind)v->kind)), type_name(t));
}
