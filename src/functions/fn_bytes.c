/*
 * fn_bytes.c - conversions between strings, bytes and numbers: TO_BYTES, FROM_BYTES
 * and ENCODE with the encodings hex, utf8, ascii and base64, and INT_FROM_BYTES,
 * BIGINT_FROM_BYTES, DOUBLE_FROM_BYTES with a byte order (category CONVERSIONS;
 * ENCODE is STRING).
 */
#include "functions_int.h"

#include <string.h>
#include <strings.h>

typedef enum Enc { ENC_BAD, ENC_HEX, ENC_UTF8, ENC_ASCII, ENC_BASE64 } Enc;

static Enc parse_enc(const Value *v)
{
    const char *s = v->u.s;
    size_t n = v->len;
    if (n == 3 && strncasecmp(s, "hex", 3) == 0) return ENC_HEX;
    if (n == 4 && strncasecmp(s, "utf8", 4) == 0) return ENC_UTF8;
    if (n == 5 && strncasecmp(s, "utf-8", 5) == 0) return ENC_UTF8;
    if (n == 5 && strncasecmp(s, "ascii", 5) == 0) return ENC_ASCII;
    if (n == 6 && strncasecmp(s, "base64", 6) == 0) return ENC_BASE64;
    return ENC_BAD;
}

static int hexdig(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Text -> bytes under an encoding. Returns false with a message on bad input. */
static bool text_to_bytes(FnCtx *ctx, Enc e, const Value *in, Value *out, int *rc)
{
    const char *s = in->u.s;
    size_t n = in->len;
    ABuf b;
    fn_abuf_init(&b, ctx->arena, n + 4);
    switch (e) {
    case ENC_HEX: {
        size_t i = 0;
        if (n % 2) {
            /* An odd digit count gets a leading zero, as Java's BigInteger-based parsers do. */
            int d = hexdig((unsigned char)s[0]);
            if (d < 0) goto bad_hex;
            fn_abuf_putc(&b, (char)d);
            i = 1;
        }
        for (; i + 1 < n; i += 2) {
            int hi = hexdig((unsigned char)s[i]), lo = hexdig((unsigned char)s[i + 1]);
            if (hi < 0 || lo < 0) goto bad_hex;
            fn_abuf_putc(&b, (char)(hi << 4 | lo));
        }
        break;
    bad_hex:
        *rc = fn_error(ctx, "Invalid hex string: '%.*s'", (int)(n > 64 ? 64 : n), s);
        return false;
    }
    case ENC_UTF8: fn_abuf_put(&b, s, n); break;
    case ENC_ASCII: {
        size_t i = 0;
        while (i < n) {
            uint32_t c = fn_utf8_next(s, n, &i);
            fn_abuf_putc(&b, c < 0x80 ? (char)c : '?');
        }
        break;
    }
    case ENC_BASE64: {
        char *p;
        long k = base64_decode(ctx->arena, s, n, &p);
        if (k < 0) {
            *rc = fn_error(ctx, "Invalid base64 string: '%.*s'", (int)(n > 64 ? 64 : n), s);
            return false;
        }
        *out = val_bytes(p, (uint32_t)k);
        return true;
    }
    default: return false;
    }
    *out = fn_abuf_bytes(&b);
    return true;
}

/* Bytes -> text. Invalid UTF-8/ASCII bytes become U+FFFD, as Java's decoders do. */
static Value bytes_to_text(Arena *a, Enc e, const char *s, size_t n, bool upper_hex)
{
    ABuf b;
    fn_abuf_init(&b, a, n * 2 + 4);
    static const char lo[] = "0123456789abcdef", up[] = "0123456789ABCDEF";
    const char *hx = upper_hex ? up : lo;
    switch (e) {
    case ENC_HEX:
        for (size_t i = 0; i < n; i++) {
            fn_abuf_putc(&b, hx[(unsigned char)s[i] >> 4]);
            fn_abuf_putc(&b, hx[(unsigned char)s[i] & 15]);
        }
        break;
    case ENC_UTF8:
        for (size_t i = 0; i < n;) {
            size_t st = i;
            uint32_t c = fn_utf8_next(s, n, &i);
            if (c >= 0x80 && i - st == 1)
                fn_abuf_put_cp(&b, 0xFFFD);
            else
                fn_abuf_put(&b, s + st, i - st);
        }
        break;
    case ENC_ASCII:
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x80)
                fn_abuf_putc(&b, (char)c);
            else
                fn_abuf_put_cp(&b, 0xFFFD);
        }
        break;
    case ENC_BASE64: {
        Value tmp = val_bytes(s, (uint32_t)n);
        fn_put_value(&b, &tmp);
        break;
    }
    default: break;
    }
    return fn_abuf_string(&b);
}

static int bad_encoding(FnCtx *ctx, const Value *v)
{
    (void)v;
    return fn_error(ctx, "Supported input and output encodings are: hex, utf8, ascii and base64");
}

static int b_to_bytes(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    Enc e = parse_enc(&args[1]);
    if (e == ENC_BAD) return bad_encoding(ctx, &args[1]);
    int rc = 0;
    if (!text_to_bytes(ctx, e, &args[0], out, &rc)) return rc;
    return 0;
}

static int b_from_bytes(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    Enc e = parse_enc(&args[1]);
    if (e == ENC_BAD) return bad_encoding(ctx, &args[1]);
    *out = bytes_to_text(ctx->arena, e, args[0].u.s, args[0].len, true);
    return 0;
}

/* ENCODE(str, inputEncoding, outputEncoding): decode then re-encode. */
static int b_encode(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    Enc in = parse_enc(&args[1]), oe = parse_enc(&args[2]);
    if (in == ENC_BAD) return bad_encoding(ctx, &args[1]);
    if (oe == ENC_BAD) return bad_encoding(ctx, &args[2]);
    Value raw;
    int rc = 0;
    if (!text_to_bytes(ctx, in, &args[0], &raw, &rc)) return rc;
    *out = bytes_to_text(ctx->arena, oe, raw.u.s, raw.len, false);
    return 0;
}

/* Reads a big- or little-endian integer of `size` bytes. */
static int read_number(FnCtx *ctx, int nargs, const Value *args, size_t size, uint64_t *bits,
                       bool *isnull)
{
    *isnull = fn_any_null(nargs, args);
    if (*isnull) return 0;
    if (args[0].len != size)
        return fn_error(ctx, "Number of bytes must be equal to %zu, but found %u", size,
                        args[0].len);
    bool little = false;
    if (nargs > 1) {
        const char *o = args[1].u.s;
        size_t n = args[1].len;
        if (n == 13 && strncasecmp(o, "LITTLE_ENDIAN", 13) == 0)
            little = true;
        else if (!(n == 10 && strncasecmp(o, "BIG_ENDIAN", 10) == 0))
            return fn_error(ctx, "Byte order must be BIG_ENDIAN or LITTLE_ENDIAN");
    }
    uint64_t v = 0;
    const unsigned char *p = (const unsigned char *)args[0].u.s;
    for (size_t i = 0; i < size; i++)
        v = v << 8 | p[little ? size - 1 - i : i];
    *bits = v;
    return 0;
}

static int b_int_from(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    uint64_t v;
    bool isnull;
    int rc = read_number(ctx, nargs, args, 4, &v, &isnull);
    if (rc < 0) return rc;
    *out = isnull ? val_null() : val_int((int32_t)(uint32_t)v);
    return 0;
}

static int b_bigint_from(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    uint64_t v;
    bool isnull;
    int rc = read_number(ctx, nargs, args, 8, &v, &isnull);
    if (rc < 0) return rc;
    *out = isnull ? val_null() : val_bigint((int64_t)v);
    return 0;
}

static int b_double_from(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    uint64_t v;
    bool isnull;
    int rc = read_number(ctx, nargs, args, 8, &v, &isnull);
    if (rc < 0) return rc;
    double d;
    memcpy(&d, &v, 8);
    *out = isnull ? val_null() : val_double(d);
    return 0;
}

static const FnVariant v_to_bytes[] = {
    {.params = "STRING str, STRING encoding",
     .returns = "BYTES",
     .description = "Converts a string to bytes with the encoding hex, utf8, ascii or base64.",
     .impl = b_to_bytes},
};
static const FnVariant v_from_bytes[] = {
    {.params = "BYTES bytes, STRING encoding",
     .returns = "STRING",
     .description = "Converts bytes to a string with the encoding hex, utf8, ascii or base64.",
     .impl = b_from_bytes},
};
static const FnVariant v_encode[] = {
    {.params = "STRING str, STRING inputEncoding, STRING outputEncoding",
     .returns = "STRING",
     .description = "Re-encodes a string from one encoding (hex, utf8, ascii, base64) to another.",
     .impl = b_encode},
};
static const FnVariant v_int_from[] = {
    {.params = "BYTES bytes",
     .returns = "INT",
     .description = "Reads 4 big-endian bytes as an INT.",
     .impl = b_int_from},
    {.params = "BYTES bytes, STRING byteOrder",
     .returns = "INT",
     .description = "Reads 4 bytes in the byte order (BIG_ENDIAN or LITTLE_ENDIAN) as an INT.",
     .impl = b_int_from},
};
static const FnVariant v_bigint_from[] = {
    {.params = "BYTES bytes",
     .returns = "BIGINT",
     .description = "Reads 8 big-endian bytes as a BIGINT.",
     .impl = b_bigint_from},
    {.params = "BYTES bytes, STRING byteOrder",
     .returns = "BIGINT",
     .description = "Reads 8 bytes in the byte order (BIG_ENDIAN or LITTLE_ENDIAN) as a BIGINT.",
     .impl = b_bigint_from},
};
static const FnVariant v_double_from[] = {
    {.params = "BYTES bytes",
     .returns = "DOUBLE",
     .description = "Reads 8 big-endian bytes as a DOUBLE.",
     .impl = b_double_from},
    {.params = "BYTES bytes, STRING byteOrder",
     .returns = "DOUBLE",
     .description = "Reads 8 bytes in the byte order (BIG_ENDIAN or LITTLE_ENDIAN) as a DOUBLE.",
     .impl = b_double_from},
};

#define CONV(NAME, vs, desc)                                                                       \
    {                                                                                              \
        .name = NAME, .kind = FN_SCALAR, .category = "CONVERSIONS", .description = desc,           \
        FN_VARIANTS(vs)                                                                            \
    }

static const FnDef bytes_defs[] = {
    CONV("BIGINT_FROM_BYTES", v_bigint_from, "Converts bytes to a BIGINT."),
    CONV("DOUBLE_FROM_BYTES", v_double_from, "Converts bytes to a DOUBLE."),
    {.name = "ENCODE",
     .kind = FN_SCALAR,
     .category = "STRING",
     .description = "Changes the encoding of a string.",
     FN_VARIANTS(v_encode)},
    CONV("FROM_BYTES", v_from_bytes, "Converts bytes to a string."),
    CONV("INT_FROM_BYTES", v_int_from, "Converts bytes to an INT."),
    CONV("TO_BYTES", v_to_bytes, "Converts a string to bytes."),
};

FN_FAMILY(bytes_defs);
