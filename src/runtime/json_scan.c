/*
 * json_scan.c - the JSON lexer of the record path (see json_scan.h), plus the Java
 * number grammars (Integer.parseInt, Double.parseDouble, new BigDecimal) the
 * serdes coerce strings with, and UTF-8 checks.
 *
 * Strings are scanned eight bytes at a time until a quote, a backslash, a control
 * character or a non-ASCII byte shows up; only then does the byte loop run. Values
 * nobody asked for are skipped without recursion, so nesting depth costs no stack.
 */
#include "json_scan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ONES          0x0101010101010101ULL
#define HIGHS         0x8080808080808080ULL
#define HASZERO(v)    (((v)-ONES) & ~(v)&HIGHS)
#define HASLESS(x, n) (((x)-ONES * (n)) & ~(x)&HIGHS)

/* Index of the lowest byte whose high bit is set in m (m != 0), in memory order. */
static inline unsigned first_byte(uint64_t m)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (unsigned)__builtin_clzll(m) >> 3;
#else
    return (unsigned)__builtin_ctzll(m) >> 3;
#endif
}

static inline bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int js_fail(JScan *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int js_unexpected(JScan *s, const char *what)
{
    if (s->p >= s->end) return js_fail(s, "Unexpected end-of-input: %s", what);
    unsigned char c = (unsigned char)*s->p;
    if (c >= 0x20 && c < 0x7f)
        return js_fail(s, "Unexpected character ('%c' (code %d)): %s", c, c, what);
    return js_fail(s, "Unexpected character ((CTRL-CHAR, code %d)): %s", c, what);
}

/* ---------------------------------------------------------------- UTF-8 */

/* Length of the valid UTF-8 sequence at p (lead byte >= 0x80), or 0. */
static inline int utf8_seq(const unsigned char *p, const unsigned char *e)
{
    unsigned c = p[0];
    if (c >= 0xC2 && c <= 0xDF) {
        if (e - p >= 2 && (p[1] & 0xC0) == 0x80) return 2;
        return 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (e - p < 3) return 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F; /* no surrogates */
        if (p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80) return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (e - p < 4) return 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
        if (p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
        return 4;
    }
    return 0;
}

size_t utf8_valid_prefix(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    while (p < e) {
        while (p + 8 <= e) {
            uint64_t x;
            memcpy(&x, p, 8);
            if (x & HIGHS) break;
            p += 8;
        }
        if (p >= e) break;
        if (*p < 0x80) {
            p++;
            continue;
        }
        int l = utf8_seq(p, e);
        if (!l) break;
        p += l;
    }
    return (size_t)(p - (const unsigned char *)s);
}

const char *utf8_sanitize(Arena *a, const char *s, size_t n, size_t *outlen)
{
    size_t ok = utf8_valid_prefix(s, n);
    if (ok == n) {
        *outlen = n;
        return s;
    }
    /* Each bad byte becomes 3 bytes at most. */
    char *out = arena_alloc(a, n * 3 + 1);
    size_t o = ok;
    memcpy(out, s, ok);
    const unsigned char *p = (const unsigned char *)s + ok, *e = (const unsigned char *)s + n;
    while (p < e) {
        if (*p < 0x80) {
            out[o++] = (char)*p++;
            continue;
        }
        int l = utf8_seq(p, e);
        if (l) {
            memcpy(out + o, p, (size_t)l);
            o += (size_t)l;
            p += l;
            continue;
        }
        /* Java replaces the maximal invalid subpart; approximate with one byte,
         * plus the continuation bytes of a truncated sequence. */
        unsigned c = *p++;
        int want = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 0;
        while (want-- > 0 && p < e && (*p & 0xC0) == 0x80)
            p++;
        memcpy(out + o, "\xEF\xBF\xBD", 3);
        o += 3;
    }
    out[o] = 0;
    *outlen = o;
    return out;
}

/* ---------------------------------------------------------------- strings */

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int js_string_raw(JScan *s, const char **raw, size_t *rawlen, bool *esc)
{
    const unsigned char *p = (const unsigned char *)s->p + 1;
    const unsigned char *e = (const unsigned char *)s->end;
    const unsigned char *start = p;
    bool has_esc = false;
    for (;;) {
        while (p + 8 <= e) {
            uint64_t x;
            memcpy(&x, p, 8);
            uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');
            uint64_t m = HASZERO(q) | HASZERO(b) | HASLESS(x, 0x20) | (x & HIGHS);
            if (m) {
                /* The lowest flagged byte is exact (borrows only run upwards). */
                p += first_byte(m);
                break;
            }
            p += 8;
        }
        if (p >= e) {
            s->p = (const char *)p;
            return js_fail(s, "Unexpected end-of-input: was expecting closing quote for a "
                              "string value");
        }
        unsigned c = *p;
        if (c == '"') break;
        if (c == '\\') {
            has_esc = true;
            if (p + 1 >= e) {
                s->p = (const char *)e;
                return js_fail(s, "Unexpected end-of-input in character escape sequence");
            }
            c = p[1];
            switch (c) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't': p += 2; break;
            case 'u':
                if (e - p < 6) {
                    s->p = (const char *)e;
                    return js_fail(s, "Unexpected end-of-input in character escape sequence");
                }
                for (int i = 2; i < 6; i++) {
                    if (hexval(p[i]) < 0) {
                        s->p = (const char *)p + i;
                        return js_fail(
                            s,
                            "Unexpected character ('%c' (code %d)): expected a hex-digit "
                            "for character escape sequence",
                            p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '?', p[i]);
                    }
                }
                p += 6;
                break;
            default:
                s->p = (const char *)p + 1;
                return js_fail(s, "Unrecognized character escape '%c' (code %d)",
                               c >= 0x20 && c < 0x7f ? (int)c : '?', (int)c);
            }
            continue;
        }
        if (c < 0x20) {
            s->p = (const char *)p;
            return js_fail(s,
                           "Illegal unquoted character ((CTRL-CHAR, code %u)): has to be escaped "
                           "using backslash to be included in string value",
                           c);
        }
        if (c < 0x80) {
            p++;
            continue;
        }
        int l = utf8_seq(p, e);
        if (!l) {
            s->p = (const char *)p;
            return js_fail(s, "Invalid UTF-8 start byte 0x%02x", c);
        }
        p += l;
    }
    *raw = (const char *)start;
    *rawlen = (size_t)(p - start);
    *esc = has_esc;
    s->p = (const char *)p + 1;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 63));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | ((cp >> 6) & 63));
        o[2] = (char)(0x80 | (cp & 63));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | ((cp >> 12) & 63));
    o[2] = (char)(0x80 | ((cp >> 6) & 63));
    o[3] = (char)(0x80 | (cp & 63));
    return 4;
}

static unsigned hex4(const unsigned char *p)
{
    return (unsigned)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 | hexval(p[3]));
}

size_t js_unescape(const char *raw, size_t rawlen, char *out)
{
    const unsigned char *p = (const unsigned char *)raw, *e = p + rawlen;
    size_t o = 0;
    while (p < e) {
        const unsigned char *bs = memchr(p, '\\', (size_t)(e - p));
        if (!bs) bs = e;
        memcpy(out + o, p, (size_t)(bs - p));
        o += (size_t)(bs - p);
        p = bs;
        if (p >= e) break;
        unsigned c = p[1];
        p += 2;
        switch (c) {
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            unsigned cp = hex4(p);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (e - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                    unsigned lo = hex4(p + 2);
                    if (lo >= 0xDC00 && lo <= 0xDFFF) {
                        p += 6;
                        o += put_utf8(out + o, 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00));
                        break;
                    }
                }
                out[o++] = '?';
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                out[o++] = '?';
            } else {
                o += put_utf8(out + o, cp);
            }
            break;
        }
        default: out[o++] = (char)c; break; /* " \ / */
        }
    }
    return o;
}

int js_string(JScan *s, Arena *a, const char **out, size_t *len)
{
    const char *raw;
    size_t rawlen;
    bool esc;
    if (js_string_raw(s, &raw, &rawlen, &esc) < 0) return -1;
    if (!esc) {
        *out = raw;
        *len = rawlen;
        return 0;
    }
    char *buf = arena_alloc(a, rawlen + 1);
    *len = js_unescape(raw, rawlen, buf);
    *out = buf;
    return 0;
}

/* ---------------------------------------------------------------- numbers, literals */

int js_number(JScan *s, JNum *n)
{
    const char *p = s->p, *e = s->end;
    n->text = p;
    n->neg = false;
    n->is_float = false;
    n->exp = 0;
    n->fdig = p;
    n->nfdig = 0;
    if (*p == '-') {
        n->neg = true;
        p++;
    }
    if (p >= e || !is_digit(*p)) {
        s->p = p;
        return js_unexpected(s, "expected digit (0-9) to follow minus sign, for valid numeric "
                                "value");
    }
    n->idig = p;
    if (*p == '0') {
        p++;
        if (p < e && is_digit(*p)) {
            s->p = p;
            return js_fail(s, "Invalid numeric value: Leading zeroes not allowed");
        }
    } else {
        while (p < e && is_digit(*p))
            p++;
    }
    n->nidig = (size_t)(p - n->idig);
    if (p < e && *p == '.') {
        p++;
        n->fdig = p;
        while (p < e && is_digit(*p))
            p++;
        n->nfdig = (size_t)(p - n->fdig);
        if (!n->nfdig) {
            s->p = p;
            return js_unexpected(s, "Decimal point not followed by a digit");
        }
        n->is_float = true;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p < e && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (p >= e || !is_digit(*p)) {
            s->p = p;
            return js_unexpected(s, "Exponent indicator not followed by a digit");
        }
        int64_t v = 0;
        while (p < e && is_digit(*p)) {
            if (v < ((int64_t)1 << 40)) v = v * 10 + (*p - '0');
            p++;
        }
        if (v > ((int64_t)1 << 40)) v = (int64_t)1 << 40;
        n->exp = eneg ? -v : v;
        n->is_float = true;
    }
    n->len = (size_t)(p - n->text);
    s->p = p;
    return 0;
}

static bool ident_part(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit((char)c) || c == '_' ||
           c == '$' || c >= 0x80;
}

static int bad_token(JScan *s)
{
    const char *p = s->p, *q = p;
    while (q < s->end && q - p < 40 && ident_part((unsigned char)*q))
        q++;
    if (q == p) q++;
    return js_fail(
        s,
        "Unrecognized token '%.*s': was expecting (JSON String, Number, Array, Object or "
        "token 'null', 'true' or 'false')",
        (int)(q - p), p);
}

int js_bad_value(JScan *s)
{
    if (s->p < s->end) {
        unsigned char c = (unsigned char)*s->p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80)
            return bad_token(s);
    }
    return js_unexpected(s, "expected a valid value (JSON String, Number, Array, Object or "
                            "token 'null', 'true' or 'false')");
}

int js_literal(JScan *s, int *kind, bool *b)
{
    const char *p = s->p;
    size_t left = (size_t)(s->end - p);
    size_t n;
    if (left >= 4 && memcmp(p, "true", 4) == 0) {
        *kind = TYPE_BOOLEAN;
        *b = true;
        n = 4;
    } else if (left >= 5 && memcmp(p, "false", 5) == 0) {
        *kind = TYPE_BOOLEAN;
        *b = false;
        n = 5;
    } else if (left >= 4 && memcmp(p, "null", 4) == 0) {
        *kind = TYPE_NULL;
        *b = false;
        n = 4;
    } else {
        return bad_token(s);
    }
    if (n < left && ident_part((unsigned char)p[n])) return bad_token(s);
    s->p = p + n;
    return 0;
}

/* Skips the value at the cursor. Containers are tracked in a bit stack (1 = object),
 * so nothing recurses. */
int js_skip(JScan *s)
{
    uint64_t stack[(JSCAN_MAX_DEPTH + 63) / 64];
    int depth = 0;
    const int base = s->depth;
    for (;;) {
        js_ws(s);
        if (s->p >= s->end) return js_unexpected(s, "expected a value");
        char c = *s->p;
        if (c == '{' || c == '[') {
            if (base + depth >= JSCAN_MAX_DEPTH)
                return js_fail(s, "Document nesting depth exceeds the maximum allowed (%d)",
                               JSCAN_MAX_DEPTH);
            uint64_t bit = 1ULL << (depth & 63);
            if (c == '{')
                stack[depth >> 6] |= bit;
            else
                stack[depth >> 6] &= ~bit;
            depth++;
            s->p++;
            js_ws(s);
            if (s->p < s->end && *s->p == (c == '{' ? '}' : ']')) {
                s->p++;
                depth--;
                goto after_value;
            }
            if (c == '{') goto object_key;
            continue;
        }
        if (c == '"') {
            const char *r;
            size_t rl;
            bool esc;
            if (js_string_raw(s, &r, &rl, &esc) < 0) return -1;
        } else if (c == '-' || is_digit(c)) {
            JNum n;
            if (js_number(s, &n) < 0) return -1;
        } else if (c == 't' || c == 'f' || c == 'n') {
            int k;
            bool b;
            if (js_literal(s, &k, &b) < 0) return -1;
        } else {
            return js_bad_value(s);
        }
    after_value:
        if (depth == 0) return 0;
        js_ws(s);
        if (s->p >= s->end) return js_unexpected(s, "expected close marker");
        bool is_obj = (stack[(depth - 1) >> 6] >> ((depth - 1) & 63)) & 1;
        if (*s->p == ',') {
            s->p++;
            if (!is_obj) continue;
            js_ws(s);
            goto object_key;
        }
        if (*s->p == (is_obj ? '}' : ']')) {
            s->p++;
            depth--;
            goto after_value;
        }
        return js_unexpected(s, is_obj ? "was expecting comma to separate Object entries"
                                       : "was expecting comma to separate Array entries");
    object_key:
        if (s->p >= s->end || *s->p != '"')
            return js_unexpected(s, "was expecting double-quote to start field name");
        {
            const char *r;
            size_t rl;
            bool esc;
            if (js_string_raw(s, &r, &rl, &esc) < 0) return -1;
        }
        js_ws(s);
        if (s->p >= s->end || *s->p != ':')
            return js_unexpected(s, "was expecting a colon to separate field name and value");
        s->p++;
    }
}

int js_root_end(JScan *s, bool was_number)
{
    if (!was_number || s->p >= s->end) return 0;
    char c = *s->p;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return 0;
    return js_unexpected(s, "Expected space separating root-level values");
}

/* ---------------------------------------------------------------- number values */

static inline int jdigit(const JNum *n, size_t i)
{
    return i < n->nidig ? n->idig[i] - '0' : n->fdig[i - n->nidig] - '0';
}

const char *jnum_node_name(const JNum *n)
{
    if (n->is_float) return "DecimalNode";
    /* Integers: IntNode when it fits 32 bits, LongNode 64, else BigIntegerNode. */
    if (n->nidig > 19) return "BigIntegerNode";
    uint64_t v = 0;
    for (size_t i = 0; i < n->nidig; i++) {
        uint64_t d = (uint64_t)(n->idig[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return "BigIntegerNode";
        v = v * 10 + d;
    }
    uint64_t lim32 = n->neg ? 2147483648ULL : 2147483647ULL;
    uint64_t lim64 = n->neg ? 9223372036854775808ULL : 9223372036854775807ULL;
    if (v <= lim32) return "IntNode";
    if (v <= lim64) return "LongNode";
    return "BigIntegerNode";
}

int64_t jnum_to_i64(const JNum *n)
{
    size_t nd = n->nidig + n->nfdig;
    int64_t k = (int64_t)n->nidig + n->exp; /* digits in the integer part */
    uint64_t v = 0;
    if (k > 0) {
        size_t take = (uint64_t)k < nd ? (size_t)k : nd;
        for (size_t i = 0; i < take; i++)
            v = v * 10 + (uint64_t)jdigit(n, i);
        for (int64_t z = (int64_t)take; z < k && v; z++)
            v *= 10; /* 10^64 = 0 mod 2^64 */
    }
    if (n->neg) v = (uint64_t)0 - v;
    return (int64_t)v;
}

static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

double jnum_to_double(const JNum *n)
{
    size_t nd = n->nidig + n->nfdig;
    size_t z = 0;
    while (z < nd && jdigit(n, z) == 0)
        z++;
    if (z == nd) return 0.0; /* BigDecimal has no negative zero */
    size_t last = nd;
    while (last > z && jdigit(n, last - 1) == 0)
        last--;
    /* value = digits[z..last) * 10^e10 */
    int64_t e10 = n->exp - (int64_t)n->nfdig + (int64_t)(nd - last);
    if (last - z <= 15 && e10 >= -22 && e10 <= 22) {
        uint64_t m = 0;
        for (size_t i = z; i < last; i++)
            m = m * 10 + (uint64_t)jdigit(n, i);
        double d = (double)m;
        d = e10 >= 0 ? d * pow10_exact[e10] : d / pow10_exact[-e10];
        return n->neg ? -d : d;
    }
    char stackbuf[128];
    char *buf = n->len < sizeof stackbuf ? stackbuf : xmalloc(n->len + 1);
    memcpy(buf, n->text, n->len);
    buf[n->len] = 0;
    double d = strtod(buf, NULL);
    if (buf != stackbuf) free(buf);
    return d;
}

int jnum_to_decimal(const JNum *n, int precision, int scale, int128_t *out)
{
    if (precision <= 0 || precision > DECIMAL_MAX_PRECISION) precision = DECIMAL_MAX_PRECISION;
    size_t nd = n->nidig + n->nfdig;
    size_t z = 0;
    while (z < nd && jdigit(n, z) == 0)
        z++;
    *out = 0;
    if (z == nd) return 0;
    int64_t m = (int64_t)(nd - z);                               /* significant digits */
    int64_t shift = n->exp - (int64_t)n->nfdig + (int64_t)scale; /* unscaled = D * 10^shift */
    int128_t u = 0;
    if (shift >= 0) {
        if (m + shift > precision) return -1;
        for (size_t i = z; i < nd; i++)
            u = u * 10 + jdigit(n, i);
        u *= dec_pow10((int)shift);
    } else {
        int64_t keep = m + shift;
        if (keep > precision) return -1;
        if (keep >= 0) {
            for (int64_t i = 0; i < keep; i++)
                u = u * 10 + jdigit(n, z + (size_t)i);
            if (jdigit(n, z + (size_t)keep) >= 5) u += 1; /* HALF_UP */
        }
    }
    if (u >= dec_pow10(precision)) return -1;
    *out = n->neg ? -u : u;
    return 0;
}

/* Digits of the value without leading zeros (and, with strip, trailing zeros), and
 * the scale that goes with them. Returns false for zero. */
static bool jnum_coeff(const JNum *n, bool strip, size_t *z, size_t *last, int64_t *scale)
{
    size_t nd = n->nidig + n->nfdig;
    size_t a = 0;
    while (a < nd && jdigit(n, a) == 0)
        a++;
    size_t b = nd;
    if (strip)
        while (b > a && jdigit(n, b - 1) == 0)
            b--;
    *z = a;
    *last = b;
    *scale = (int64_t)n->nfdig - n->exp - (int64_t)(nd - b);
    return a < nd;
}

static void put_digits(StrBuf *sb, const JNum *n, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        sb_putc(sb, (char)('0' + jdigit(n, i)));
}

static void put_zeros(StrBuf *sb, int64_t k)
{
    if (k > 400) { /* only error texts and absurd exponents get here */
        sb_puts(sb, "...");
        return;
    }
    for (int64_t i = 0; i < k; i++)
        sb_putc(sb, '0');
}

void jnum_astext(const JNum *n, StrBuf *sb)
{
    if (!n->is_float) {
        if (n->neg && !(n->nidig == 1 && n->idig[0] == '0')) sb_putc(sb, '-');
        sb_append(sb, n->idig, n->nidig);
        return;
    }
    size_t z, last;
    int64_t scale;
    if (!jnum_coeff(n, true, &z, &last, &scale)) {
        sb_putc(sb, '0');
        return;
    }
    if (n->neg) sb_putc(sb, '-');
    int64_t m = (int64_t)(last - z);
    int64_t adjusted = -scale + (m - 1);
    if (scale >= 0 && adjusted >= -6) {
        if (scale == 0) {
            put_digits(sb, n, z, last);
        } else if (scale >= m) {
            sb_puts(sb, "0.");
            put_zeros(sb, scale - m);
            put_digits(sb, n, z, last);
        } else {
            put_digits(sb, n, z, z + (size_t)(m - scale));
            sb_putc(sb, '.');
            put_digits(sb, n, z + (size_t)(m - scale), last);
        }
        return;
    }
    put_digits(sb, n, z, z + 1);
    if (m > 1) {
        sb_putc(sb, '.');
        put_digits(sb, n, z + 1, last);
    }
    sb_putc(sb, 'E');
    if (adjusted > 0) sb_putc(sb, '+');
    sb_printf(sb, "%lld", (long long)adjusted);
}

void jnum_plain(const JNum *n, bool strip, StrBuf *sb)
{
    size_t z, last;
    int64_t scale;
    if (!jnum_coeff(n, strip, &z, &last, &scale)) {
        sb_putc(sb, '0');
        if (!strip && scale > 0) {
            sb_putc(sb, '.');
            put_zeros(sb, scale);
        }
        return;
    }
    if (n->neg) sb_putc(sb, '-');
    int64_t m = (int64_t)(last - z);
    if (scale <= 0) {
        put_digits(sb, n, z, last);
        put_zeros(sb, -scale);
    } else if (scale >= m) {
        sb_puts(sb, "0.");
        put_zeros(sb, scale - m);
        put_digits(sb, n, z, last);
    } else {
        put_digits(sb, n, z, z + (size_t)(m - scale));
        sb_putc(sb, '.');
        put_digits(sb, n, z + (size_t)(m - scale), last);
    }
}

int jnum_lex_bigdecimal(const char *s, size_t len, JNum *n)
{
    const char *p = s, *e = s + len;
    n->text = s;
    n->len = len;
    n->neg = false;
    n->is_float = false;
    n->exp = 0;
    if (p < e && (*p == '+' || *p == '-')) n->neg = *p++ == '-';
    n->idig = p;
    while (p < e && is_digit(*p))
        p++;
    n->nidig = (size_t)(p - n->idig);
    n->fdig = p;
    n->nfdig = 0;
    if (p < e && *p == '.') {
        p++;
        n->fdig = p;
        while (p < e && is_digit(*p))
            p++;
        n->nfdig = (size_t)(p - n->fdig);
        n->is_float = true;
    }
    if (n->nidig + n->nfdig == 0) return -1;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p < e && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        if (p >= e || !is_digit(*p)) return -1;
        int64_t v = 0;
        while (p < e && is_digit(*p)) {
            v = v * 10 + (*p++ - '0');
            if (v > 2147483647LL) return -1; /* BigDecimal's int exponent */
        }
        n->exp = eneg ? -v : v;
        n->is_float = true;
    }
    return p == e ? 0 : -1;
}

int java_parse_long(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == n) return -1;
    uint64_t lim = neg ? 9223372036854775808ULL : 9223372036854775807ULL;
    uint64_t v = 0;
    for (; i < n; i++) {
        if (!is_digit(s[i])) return -1;
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (lim - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)((uint64_t)0 - v) : (int64_t)v;
    return 0;
}

int java_parse_int(const char *s, size_t n, int32_t *out)
{
    int64_t v;
    if (n > 12 || java_parse_long(s, n, &v) < 0 || v < INT32_MIN || v > INT32_MAX) return -1;
    *out = (int32_t)v;
    return 0;
}

static bool is_hex(char c)
{
    return hexval((unsigned char)c) >= 0;
}

int java_parse_double(const char *s, size_t n, double *out)
{
    while (n && (unsigned char)*s <= ' ') {
        s++;
        n--;
    }
    while (n && (unsigned char)s[n - 1] <= ' ')
        n--;
    const char *p = s, *e = s + n;
    bool neg = false;
    if (p < e && (*p == '+' || *p == '-')) neg = *p++ == '-';
    if ((size_t)(e - p) == 3 && memcmp(p, "NaN", 3) == 0) {
        *out = NAN;
        return 0;
    }
    if ((size_t)(e - p) == 8 && memcmp(p, "Infinity", 8) == 0) {
        *out = neg ? -INFINITY : INFINITY;
        return 0;
    }
    const char *body = p;
    if (e - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        size_t digs = 0;
        while (p < e && is_hex(*p))
            p++, digs++;
        if (p < e && *p == '.') {
            p++;
            while (p < e && is_hex(*p))
                p++, digs++;
        }
        if (!digs || p >= e || (*p != 'p' && *p != 'P')) return -1;
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || !is_digit(*p)) return -1;
        while (p < e && is_digit(*p))
            p++;
    } else {
        size_t digs = 0;
        while (p < e && is_digit(*p))
            p++, digs++;
        if (p < e && *p == '.') {
            p++;
            while (p < e && is_digit(*p))
                p++, digs++;
        }
        if (!digs) return -1;
        if (p < e && (*p == 'e' || *p == 'E')) {
            p++;
            if (p < e && (*p == '+' || *p == '-')) p++;
            if (p >= e || !is_digit(*p)) return -1;
            while (p < e && is_digit(*p))
                p++;
        }
    }
    const char *stop = p;
    if (p < e && (*p == 'f' || *p == 'F' || *p == 'd' || *p == 'D')) p++;
    if (p != e) return -1;
    size_t blen = (size_t)(stop - body);
    char stackbuf[128];
    char *buf = blen + 2 < sizeof stackbuf ? stackbuf : xmalloc(blen + 2);
    memcpy(buf, body, blen);
    buf[blen] = 0;
    double d = strtod(buf, NULL);
    if (buf != stackbuf) free(buf);
    *out = neg ? -d : d;
    return 0;
}

/* ---------------------------------------------------------------- writing */

void json_put_string(StrBuf *sb, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    sb_reserve(sb, n + 2);
    sb->data[sb->len++] = '"';
    const unsigned char *p = (const unsigned char *)s, *e = p + n, *run = p;
    while (p < e) {
        while (p + 8 <= e) {
            uint64_t x;
            memcpy(&x, p, 8);
            uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');
            if (HASZERO(q) | HASZERO(b) | HASLESS(x, 0x20)) break;
            p += 8;
        }
        if (p >= e) break;
        unsigned c = *p;
        if (c >= 0x20 && c != '"' && c != '\\') {
            p++;
            continue;
        }
        sb_append(sb, run, (size_t)(p - run));
        p++;
        run = p;
        switch (c) {
        case '"': sb_append(sb, "\\\"", 2); break;
        case '\\': sb_append(sb, "\\\\", 2); break;
        case '\n': sb_append(sb, "\\n", 2); break;
        case '\r': sb_append(sb, "\\r", 2); break;
        case '\t': sb_append(sb, "\\t", 2); break;
        case '\b': sb_append(sb, "\\b", 2); break;
        case '\f': sb_append(sb, "\\f", 2); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            sb_append(sb, u, 6);
        }
        }
    }
    sb_append(sb, run, (size_t)(e - run));
    sb_putc(sb, '"');
}
