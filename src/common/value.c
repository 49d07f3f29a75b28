/*
 * value.c - value constructors, ordering, hashing, Java-compatible text forms,
 * DECIMAL arithmetic helpers, calendar math and base64 (see value.h).
 */
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Value val_cstr(Arena *a, const char *s)
{
    size_t n = strlen(s);
    return val_string(arena_strndup(a, s, n), (uint32_t)n);
}

Value val_array_new(Arena *a, uint32_t n, const Type *type)
{
    Value v = {.kind = TYPE_ARRAY, .len = n, .type = type};
    v.u.items = n ? arena_alloc(a, sizeof(Value) * n) : NULL;
    return v;
}

Value val_map_new(Arena *a, uint32_t n, const Type *type)
{
    Value v = {.kind = TYPE_MAP, .len = n, .type = type};
    v.u.items = n ? arena_alloc(a, sizeof(Value) * 2 * n) : NULL;
    return v;
}

Value val_struct_new(Arena *a, const Type *type)
{
    Value v = {.kind = TYPE_STRUCT, .len = (uint32_t)type->nfields, .type = type};
    v.u.items = type->nfields ? arena_zalloc(a, sizeof(Value) * (size_t)type->nfields) : NULL;
    return v;
}

Value val_default_for(const Type *t)
{
    (void)t;
    return val_null();
}

Value val_copy(Arena *a, const Value *v)
{
    Value r = *v;
    switch (v->kind) {
    case TYPE_STRING:
    case TYPE_BYTES:
        if (v->len) {
            char *p = arena_alloc(a, v->len);
            memcpy(p, v->u.s, v->len);
            r.u.s = p;
        }
        break;
    case TYPE_ARRAY:
    case TYPE_STRUCT:
    case TYPE_MAP: {
        size_t n = v->kind == TYPE_MAP ? 2 * (size_t)v->len : v->len;
        if (n) {
            r.u.items = arena_alloc(a, sizeof(Value) * n);
            for (size_t i = 0; i < n; i++)
                r.u.items[i] = val_copy(a, &v->u.items[i]);
        }
        break;
    }
    default: break;
    }
    return r;
}

/* ---------------------------------------------------------------- DECIMAL */

/* 10^0 .. 10^38 (10^39 does not fit in __int128), folded at compile time. */
static const int128_t pow10_tab[39] = {
    (int128_t)1ULL,
    (int128_t)10ULL,
    (int128_t)100ULL,
    (int128_t)1000ULL,
    (int128_t)10000ULL,
    (int128_t)100000ULL,
    (int128_t)1000000ULL,
    (int128_t)10000000ULL,
    (int128_t)100000000ULL,
    (int128_t)1000000000ULL,
    (int128_t)10000000000ULL,
    (int128_t)100000000000ULL,
    (int128_t)1000000000000ULL,
    (int128_t)10000000000000ULL,
    (int128_t)100000000000000ULL,
    (int128_t)1000000000000000ULL,
    (int128_t)10000000000000000ULL,
    (int128_t)100000000000000000ULL,
    (int128_t)1000000000000000000ULL,
    (int128_t)10000000000000000000ULL,
    (int128_t)10000000000000000000ULL * 10ULL,
    (int128_t)10000000000000000000ULL * 100ULL,
    (int128_t)10000000000000000000ULL * 1000ULL,
    (int128_t)10000000000000000000ULL * 10000ULL,
    (int128_t)10000000000000000000ULL * 100000ULL,
    (int128_t)10000000000000000000ULL * 1000000ULL,
    (int128_t)10000000000000000000ULL * 10000000ULL,
    (int128_t)10000000000000000000ULL * 100000000ULL,
    (int128_t)10000000000000000000ULL * 1000000000ULL,
    (int128_t)10000000000000000000ULL * 10000000000ULL,
    (int128_t)10000000000000000000ULL * 100000000000ULL,
    (int128_t)10000000000000000000ULL * 1000000000000ULL,
    (int128_t)10000000000000000000ULL * 10000000000000ULL,
    (int128_t)10000000000000000000ULL * 100000000000000ULL,
    (int128_t)10000000000000000000ULL * 1000000000000000ULL,
    (int128_t)10000000000000000000ULL * 10000000000000000ULL,
    (int128_t)10000000000000000000ULL * 100000000000000000ULL,
    (int128_t)10000000000000000000ULL * 1000000000000000000ULL,
    (int128_t)10000000000000000000ULL * 10000000000000000000ULL,
};

int128_t dec_pow10(int n)
{
    if (n < 0) n = 0;
    if (n > 38) n = 38;
    return pow10_tab[n];
}

int dec_digits(int128_t v)
{
    if (v < 0) v = -v;
    if (v < (int128_t)10000000000000000000ULL) { /* fits 64 bits: the common case */
        uint64_t u = (uint64_t)v;
        int d = 1;
        while (d < 20 && u >= (uint64_t)pow10_tab[d])
            d++;
        return d;
    }
    int d = 20;
    while (d < 39 && v >= pow10_tab[d])
        d++;
    return d;
}

int dec_parse(const char *s, size_t n, int128_t *unscaled, int *precision, int *scale)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    bool neg = false;
    if (i < n && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    int128_t v = 0;
    int digits = 0, sc = 0, any = 0;
    bool dot = false;
    for (; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            any = 1;
            if (v == 0 && c == '0' && !dot) continue; /* leading zeros */
            if (digits >= 38) return -1;
            v = v * 10 + (c - '0');
            if (v != 0 || dot) digits++;
            if (dot) sc++;
        } else if (c == '.' && !dot) {
            dot = true;
        } else {
            break;
        }
    }
    if (!any) return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < n && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
        int e = 0, edig = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9') {
            e = e * 10 + (s[i++] - '0');
            if (++edig > 4) return -1;
        }
        if (!edig) return -1;
        if (eneg) {
            sc += e;
        } else {
            sc -= e;
        }
        if (sc < 0) { /* 1.5e3 -> 1500 scale 0 */
            if (dec_digits(v) - sc > 38) return -1;
            v *= dec_pow10(-sc);
            sc = 0;
        }
        if (sc > 38) return -1;
    }
    if (i != n) return -1;
    int p = dec_digits(v);
    if (p < sc) p = sc;
    if (p == 0) p = 1;
    if (p > 38) return -1;
    *unscaled = neg ? -v : v;
    *precision = p;
    *scale = sc;
    return 0;
}

size_t dec_text(char *buf, int128_t unscaled, int scale)
{
    char tmp[64];
    char *p = tmp + sizeof tmp;
    bool neg = unscaled < 0;
    unsigned __int128 u =
        neg ? (unsigned __int128)0 - (unsigned __int128)unscaled : (unsigned __int128)unscaled;
    int nd = 0;
    /* 128-bit division is slow: peel 19-digit chunks off, then divide in 64 bits. */
    while (u > UINT64_MAX) {
        uint64_t chunk = (uint64_t)(u % 10000000000000000000ULL);
        u /= 10000000000000000000ULL;
        for (int i = 0; i < 19; i++, nd++) {
            *--p = (char)('0' + (int)(chunk % 10));
            chunk /= 10;
        }
    }
    uint64_t w = (uint64_t)u;
    do {
        *--p = (char)('0' + (int)(w % 10));
        w /= 10;
        nd++;
    } while (w);
    while (nd <= scale) { /* at least one digit before the point */
        *--p = '0';
        nd++;
    }
    size_t k = 0;
    if (neg) buf[k++] = '-';
    int intdig = nd - scale;
    memcpy(buf + k, p, (size_t)intdig);
    k += (size_t)intdig;
    if (scale > 0) {
        buf[k++] = '.';
        memcpy(buf + k, p + intdig, (size_t)scale);
        k += (size_t)scale;
    }
    buf[k] = 0;
    return k;
}

void dec_format(StrBuf *sb, int128_t unscaled, int scale)
{
    char buf[DEC_TEXT_MAX];
    sb_append(sb, buf, dec_text(buf, unscaled, scale));
}

size_t dec_text_java(char *buf, int128_t u, int scale)
{
    int adjusted = -scale + (dec_digits(u) - 1);
    if (scale >= 0 && adjusted >= -6) return dec_text(buf, u, scale);
    /* Scientific: d.dddE-n */
    char t[DEC_TEXT_MAX];
    size_t n = dec_text(t, u < 0 ? -u : u, 0), k = 0;
    if (u < 0) buf[k++] = '-';
    buf[k++] = t[0];
    if (n > 1) {
        buf[k++] = '.';
        memcpy(buf + k, t + 1, n - 1);
        k += n - 1;
    }
    k += (size_t)snprintf(buf + k, 16, "E%s%d", adjusted >= 0 ? "+" : "", adjusted);
    return k;
}

int dec_rescale(int128_t in, int from_scale, int to_scale, int precision, int128_t *out)
{
    int128_t v = in;
    if (to_scale > from_scale) {
        int k = to_scale - from_scale;
        if (dec_digits(v) + k > 38) return -1;
        v *= dec_pow10(k);
    } else if (to_scale < from_scale) {
        int k = from_scale - to_scale;
        if (k > 38) {
            v = 0;
        } else {
            int128_t p = dec_pow10(k);
            int128_t q = v / p, r = v % p;
            if (r < 0) r = -r;
            if (r * 2 >= p) q += v < 0 ? -1 : 1; /* HALF_UP */
            v = q;
        }
    }
    if (precision > 0 && dec_digits(v) > precision) return -1;
    *out = v;
    return 0;
}

double dec_to_double(int128_t unscaled, int scale)
{
    /* Exact when both parts are exact doubles (one correctly rounded division);
     * otherwise through the exact decimal text, which strtod rounds correctly. */
    static const double exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                           1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                           1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    int128_t a = unscaled < 0 ? -unscaled : unscaled;
    if (a < ((int128_t)1 << 53) && scale >= 0 && scale <= 22)
        return (double)unscaled / exact_pow10[scale];
    char buf[DEC_TEXT_MAX + 8];
    size_t n = dec_text(buf, unscaled, scale < 0 ? 0 : scale);
    if (scale < 0) snprintf(buf + n, 8, "e%d", -scale);
    return strtod(buf, NULL);
}

int dec_from_double(double d, int precision, int scale, int128_t *out)
{
    if (!isfinite(d)) return -1;
    /* Go through the shortest decimal text of the double, as BigDecimal.valueOf does. */
    char tmp[64];
    for (int p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, d);
        if (strtod(tmp, NULL) == d) break;
    }
    int128_t u;
    int pr, sc;
    int rc = dec_parse(tmp, strlen(tmp), &u, &pr, &sc);
    if (rc < 0) return -1;
    return dec_rescale(u, sc, scale, precision, out);
}

/* ---------------------------------------------------------------- compare */

static bool kind_is_num(int k)
{
    return k == TYPE_INT || k == TYPE_BIGINT || k == TYPE_DOUBLE || k == TYPE_DECIMAL;
}

static int cmp_num(const Value *a, const Value *b)
{
    if (a->kind == TYPE_DOUBLE || b->kind == TYPE_DOUBLE) {
        double x = a->kind == TYPE_DOUBLE    ? a->u.d
                   : a->kind == TYPE_DECIMAL ? dec_to_double(a->u.dec, a->scale)
                   : a->kind == TYPE_INT     ? a->u.i
                                             : (double)a->u.l;
        double y = b->kind == TYPE_DOUBLE    ? b->u.d
                   : b->kind == TYPE_DECIMAL ? dec_to_double(b->u.dec, b->scale)
                   : b->kind == TYPE_INT     ? b->u.i
                                             : (double)b->u.l;
        /* Java Double.compare: NaN greatest, -0.0 < 0.0 */
        if (x < y) return -1;
        if (x > y) return 1;
        if (x == y) return 0;
        return isnan(x) ? (isnan(y) ? 0 : 1) : -1;
    }
    if (a->kind == TYPE_DECIMAL || b->kind == TYPE_DECIMAL) {
        int128_t x = a->kind == TYPE_DECIMAL ? a->u.dec : a->kind == TYPE_INT ? a->u.i : a->u.l;
        int128_t y = b->kind == TYPE_DECIMAL ? b->u.dec : b->kind == TYPE_INT ? b->u.i : b->u.l;
        int sx = a->kind == TYPE_DECIMAL ? a->scale : 0;
        int sy = b->kind == TYPE_DECIMAL ? b->scale : 0;
        int s = sx > sy ? sx : sy;
        int128_t X, Y;
        if (dec_rescale(x, sx, s, 0, &X) < 0 || dec_rescale(y, sy, s, 0, &Y) < 0) {
            double dx = dec_to_double(x, sx), dy = dec_to_double(y, sy);
            return dx < dy ? -1 : dx > dy;
        }
        return X < Y ? -1 : X > Y;
    }
    int64_t x = a->kind == TYPE_INT ? a->u.i : a->u.l;
    int64_t y = b->kind == TYPE_INT ? b->u.i : b->u.l;
    return x < y ? -1 : x > y;
}

/* BYTES compare as Java's ByteBuffer.compareTo: lexicographically by *signed* byte. */
static int cmp_bytes(const char *a, uint32_t la, const char *b, uint32_t lb)
{
    uint32_t n = la < lb ? la : lb;
    for (uint32_t i = 0; i < n; i++)
        if (a[i] != b[i]) return (signed char)a[i] < (signed char)b[i] ? -1 : 1;
    return la < lb ? -1 : la > lb;
}

/* UTF-8 strings compare as Java's String.compareTo, by UTF-16 code unit: the same as
 * byte order except that U+E000..U+FFFF (lead bytes EE, EF) sort after the
 * supplementary planes (F0..F4), whose surrogates are D800..DFFF. */
static int cmp_utf16(const char *a, uint32_t la, const char *b, uint32_t lb)
{
    uint32_t n = la < lb ? la : lb;
    int c = n ? memcmp(a, b, n) : 0;
    if (c == 0) return la < lb ? -1 : la > lb;
    uint32_t i = 0;
    while (a[i] == b[i])
        i++;
    unsigned x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (x >= 0xEE && x <= 0xEF) x += 0x10;
    if (y >= 0xEE && y <= 0xEF) y += 0x10;
    return x < y ? -1 : 1;
}

int val_compare(const Value *a, const Value *b)
{
    if (a->kind == TYPE_NULL || b->kind == TYPE_NULL)
        return (a->kind != TYPE_NULL) - (b->kind != TYPE_NULL);
    if (kind_is_num(a->kind) && kind_is_num(b->kind)) return cmp_num(a, b);
    if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
    switch (a->kind) {
    case TYPE_BOOLEAN: return (int)a->u.b - (int)b->u.b;
    case TYPE_DATE:
    case TYPE_TIME: return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
    case TYPE_TIMESTAMP: return a->u.l < b->u.l ? -1 : a->u.l > b->u.l;
    case TYPE_STRING: return cmp_utf16(a->u.s, a->len, b->u.s, b->len);
    case TYPE_BYTES: return cmp_bytes(a->u.s, a->len, b->u.s, b->len);
    case TYPE_ARRAY:
    case TYPE_STRUCT:
    case TYPE_MAP: {
        uint32_t n = a->kind == TYPE_MAP ? 2 * (a->len < b->len ? a->len : b->len)
                                         : (a->len < b->len ? a->len : b->len);
        for (uint32_t i = 0; i < n; i++) {
            int c = val_compare(&a->u.items[i], &b->u.items[i]);
            if (c) return c;
        }
        return a->len < b->len ? -1 : a->len > b->len;
    }
    default: return 0;
    }
}

static bool map_equal(const Value *a, const Value *b)
{
    if (a->len != b->len) return false;
    for (uint32_t i = 0; i < a->len; i++) {
        bool found = false;
        for (uint32_t j = 0; j < b->len; j++) {
            if (val_equal(&a->u.items[2 * i], &b->u.items[2 * j])) {
                if (!val_equal(&a->u.items[2 * i + 1], &b->u.items[2 * j + 1])) return false;
                found = true;
                break;
            }
        }
        if (!found) return false;
    }
    return true;
}

bool val_equal(const Value *a, const Value *b)
{
    if (a->kind == TYPE_MAP && b->kind == TYPE_MAP) return map_equal(a, b);
    if (a->kind == TYPE_ARRAY && b->kind == TYPE_ARRAY) {
        if (a->len != b->len) return false;
        for (uint32_t i = 0; i < a->len; i++)
            if (!val_equal(&a->u.items[i], &b->u.items[i])) return false;
        return true;
    }
    if (a->kind == TYPE_STRUCT && b->kind == TYPE_STRUCT) {
        if (a->len != b->len) return false;
        for (uint32_t i = 0; i < a->len; i++)
            if (!val_equal(&a->u.items[i], &b->u.items[i])) return false;
        return true;
    }
    if (a->kind != b->kind && !(kind_is_num(a->kind) && kind_is_num(b->kind))) return false;
    return val_compare(a, b) == 0;
}

static uint64_t mix(uint64_t h, uint64_t x)
{
    h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}

static uint64_t hash_mem(const char *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t val_hash(const Value *v)
{
    switch (v->kind) {
    case TYPE_NULL: return 0x12345;
    case TYPE_BOOLEAN: return v->u.b ? 1231 : 1237;
    case TYPE_INT:
    case TYPE_BIGINT:
    case TYPE_DECIMAL:
    case TYPE_DOUBLE: {
        /* Equal numbers of different kinds must hash alike. */
        double d;
        if (v->kind == TYPE_INT)
            d = v->u.i;
        else if (v->kind == TYPE_BIGINT)
            d = (double)v->u.l;
        else if (v->kind == TYPE_DOUBLE)
            d = v->u.d;
        else
            d = dec_to_double(v->u.dec, v->scale);
        if (d == 0) d = 0; /* -0.0 */
        uint64_t bits;
        memcpy(&bits, &d, 8);
        return mix(0x51ed27, bits);
    }
    case TYPE_DATE:
    case TYPE_TIME: return mix((uint64_t)v->kind, (uint64_t)(uint32_t)v->u.i);
    case TYPE_TIMESTAMP: return mix((uint64_t)v->kind, (uint64_t)v->u.l);
    case TYPE_STRING:
    case TYPE_BYTES: return hash_mem(v->u.s, v->len);
    case TYPE_MAP: {
        uint64_t h = 0x77; /* order-independent */
        for (uint32_t i = 0; i < v->len; i++)
            h += mix(val_hash(&v->u.items[2 * i]), val_hash(&v->u.items[2 * i + 1]));
        return h;
    }
    case TYPE_ARRAY:
    case TYPE_STRUCT: {
        uint64_t h = (uint64_t)v->kind;
        for (uint32_t i = 0; i < v->len; i++)
            h = mix(h, val_hash(&v->u.items[i]));
        return h;
    }
    default: return 0;
    }
}

/* ---------------------------------------------------------------- text */

int java_double_digits(double d, char *digits, int *exp10)
{
    /* Shortest digits that round-trip. */
    char tmp[40];
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, d);
        if (strtod(tmp, NULL) == d) break;
    }
    /* tmp is [-]D[.DDD]e[+-]XX */
    int nd = 0;
    const char *q = tmp + (tmp[0] == '-');
    for (; *q && *q != 'e'; q++)
        if (*q >= '0' && *q <= '9') digits[nd++] = *q;
    *exp10 = atoi(q + 1);
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (nd == 1) {
        /* Java prints at least two significant digits and picks the two-digit value
         * closest to the double (Double.MIN_VALUE is 4.9E-324, not 5.0E-324). */
        char two[40];
        snprintf(two, sizeof two, "%.1e", d);
        if (strtod(two, NULL) == d) {
            const char *t = two + (two[0] == '-');
            digits[0] = t[0];
            digits[1] = t[2];
            nd = digits[1] == '0' ? 1 : 2;
        }
    }
    digits[nd] = 0;
    return nd;
}

size_t java_double_text(char *out, double d)
{
    const char *special = isnan(d)   ? "NaN"
                          : isinf(d) ? (d > 0 ? "Infinity" : "-Infinity")
                          : d == 0   ? (signbit(d) ? "-0.0" : "0.0")
                                     : NULL;
    if (special) {
        size_t n = strlen(special);
        memcpy(out, special, n + 1);
        return n;
    }
    char digits[24];
    int exp;
    int nd = java_double_digits(d, digits, &exp);
    size_t k = 0;
    if (d < 0) out[k++] = '-';
    double ad = fabs(d);
    if (ad >= 1e-3 && ad < 1e7) {
        if (exp >= 0) {
            for (int i = 0; i <= exp; i++)
                out[k++] = i < nd ? digits[i] : '0';
            out[k++] = '.';
            if (nd > exp + 1) {
                memcpy(out + k, digits + exp + 1, (size_t)(nd - exp - 1));
                k += (size_t)(nd - exp - 1);
            } else {
                out[k++] = '0';
            }
        } else {
            out[k++] = '0';
            out[k++] = '.';
            for (int i = 0; i < -exp - 1; i++)
                out[k++] = '0';
            memcpy(out + k, digits, (size_t)nd);
            k += (size_t)nd;
        }
    } else {
        out[k++] = digits[0];
        out[k++] = '.';
        if (nd > 1) {
            memcpy(out + k, digits + 1, (size_t)(nd - 1));
            k += (size_t)(nd - 1);
        } else {
            out[k++] = '0';
        }
        k += (size_t)snprintf(out + k, 8, "E%d", exp);
    }
    out[k] = 0;
    return k;
}

void fmt_java_double(StrBuf *sb, double d)
{
    char buf[JAVA_DOUBLE_TEXT_MAX];
    sb_append(sb, buf, java_double_text(buf, d));
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yy + (*m <= 2);
}

/* ---- SqlTimeTypes parsers ---- */

static void why_set(char *why, size_t whylen, const char *msg)
{
    if (why && whylen) snprintf(why, whylen, "%s", msg);
}

/* Reads at least `width` and at most `max` digits at s[*i]. Returns the value or -1. */
static int64_t read_digits(const char *s, size_t n, size_t *i, int width, int max)
{
    int64_t v = 0;
    int d = 0;
    while (*i < n && d < max && s[*i] >= '0' && s[*i] <= '9')
        v = v * 10 + (s[(*i)++] - '0'), d++;
    return d >= width ? v : -1;
}

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : md[m - 1];
}

/* yyyy-MM-dd (4+ digit year): fills y/m/d; `smart` clamps the day to the month. */
static int parse_ymd(const char *s, size_t n, size_t *i, bool smart, int64_t *y, int *m, int *d)
{
    *y = read_digits(s, n, i, 4, 10);
    if (*y < 0 || *i >= n || s[*i] != '-') return -1;
    (*i)++;
    int64_t mo = read_digits(s, n, i, 2, 2);
    if (mo < 0 || *i >= n || s[*i] != '-') return -1;
    (*i)++;
    int64_t dd = read_digits(s, n, i, 2, 2);
    if (dd < 0 || mo < 1 || mo > 12 || dd < 1 || dd > 31) return -1;
    int ml = month_days(*y, (int)mo);
    if (dd > ml) {
        if (!smart) return -1;
        dd = ml;
    }
    *m = (int)mo;
    *d = (int)dd;
    return 0;
}

/* PartialStringToTimestampParser.completeDate: yyyy -> yyyy-01-01, yyyy-MM ->
 * yyyy-MM-01 (counting parts as Java's split("-") does). */
static void complete_date(char *date, size_t cap, const char *s, size_t n)
{
    snprintf(date, cap, "%.*s", (int)n, s);
    size_t k = n;
    while (k > 0 && s[k - 1] == '-')
        k--;
    int dashes = 0;
    for (size_t i = 0; i < k; i++)
        dashes += s[i] == '-';
    if (dashes == 0)
        strncat(date, "-01-01", cap - strlen(date) - 1);
    else if (dashes == 1)
        strncat(date, "-01", cap - strlen(date) - 1);
}

int ts_parse_partial(const char *s, size_t n, int64_t *ms, char *why, size_t whylen)
{
    /* Completes the text the way PartialStringToTimestampParser does, then reads
     * it with the pattern yyyy-MM-dd'T'HH:mm:ss.SSS. */
    char date[64], time[64];
    long off_ms = 0;
    const char *t = memchr(s, 'T', n);
    if (n >= 48) goto bad;
    if (t) {
        size_t dn = (size_t)(t - s);
        const char *rest = t + 1;
        size_t rn = n - dn - 1;
        const char *tz = memchr(rest, '+', rn);
        if (!tz) tz = memchr(rest, '-', rn);
        size_t tn = tz ? (size_t)(rest + rn - tz) : 0;
        size_t timen = rn - tn;
        if (timen && rest[timen - 1] == 'Z') timen--;
        snprintf(date, sizeof date, "%.*s", (int)dn, s);
        static const char pad[] = "00:00:00.000";
        snprintf(time, sizeof time, "%.*s%s", (int)timen, rest,
                 timen < sizeof pad - 1 ? pad + timen : "");
        if (tn) {
            /* ZoneOffset.of: +h, +hh, +hh:mm, +hhmm, +hh:mm:ss, +hhmmss. */
            int sign = *tz == '-' ? -1 : 1;
            size_t i = 1;
            int64_t hh, mm = 0, ss = 0;
            if (tn == 2) {
                hh = tz[1] >= '0' && tz[1] <= '9' ? tz[1] - '0' : -1;
                i = 2;
            } else {
                hh = read_digits(tz, tn, &i, 2, 2);
                if (hh >= 0 && i < tn) {
                    bool colon = tz[i] == ':';
                    if (colon) i++;
                    mm = read_digits(tz, tn, &i, 2, 2);
                    if (mm >= 0 && i < tn) {
                        if (colon != (tz[i] == ':')) goto bad_zone;
                        if (colon) i++;
                        ss = read_digits(tz, tn, &i, 2, 2);
                    }
                }
            }
            if (hh < 0 || mm < 0 || ss < 0 || i != tn || hh > 18 || mm > 59 || ss > 59)
                goto bad_zone;
            off_ms = sign * (long)((hh * 3600 + mm * 60 + ss) * 1000);
        }
    } else {
        complete_date(date, sizeof date, s, n);
        snprintf(time, sizeof time, "00:00:00.000");
    }
    size_t dn = strlen(date), tn = strlen(time), i = 0;
    int64_t y;
    int mo, d;
    if (parse_ymd(date, dn, &i, true, &y, &mo, &d) < 0 || i != dn) goto bad;
    i = 0;
    int64_t hh = read_digits(time, tn, &i, 2, 2);
    if (hh < 0 || i >= tn || time[i++] != ':') goto bad;
    int64_t mi = read_digits(time, tn, &i, 2, 2);
    if (mi < 0 || i >= tn || time[i++] != ':') goto bad;
    int64_t se = read_digits(time, tn, &i, 2, 2);
    if (se < 0 || i >= tn || time[i++] != '.') goto bad;
    int64_t fr = read_digits(time, tn, &i, 3, 3);
    if (fr < 0 || i != tn || hh > 23 || mi > 59 || se > 59) goto bad;
    *ms = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400000LL +
          (hh * 3600 + mi * 60 + se) * 1000 + fr - off_ms;
    return 0;
bad_zone:
    why_set(why, whylen, "Invalid ID for ZoneOffset");
    return -1;
bad:
    why_set(why, whylen, "Text could not be parsed");
    return -1;
}

int date_parse_iso(const char *s, size_t n, int32_t *days, char *why, size_t whylen)
{
    char date[64];
    if (n >= 48) goto bad;
    complete_date(date, sizeof date, s, n);
    size_t dn = strlen(date), i = 0;
    int64_t y;
    int m, d;
    if (parse_ymd(date, dn, &i, false, &y, &m, &d) < 0 || i != dn) goto bad;
    *days = (int32_t)days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
bad:
    why_set(why, whylen, "Text could not be parsed");
    return -1;
}

int time_parse_iso(const char *s, size_t n, int32_t *ms_of_day, char *why, size_t whylen)
{
    size_t i = 0;
    int64_t hh = read_digits(s, n, &i, 2, 2), mi = -1, se = 0, frac = 0;
    if (hh >= 0 && i < n && s[i] == ':') {
        i++;
        mi = read_digits(s, n, &i, 2, 2);
        if (mi >= 0 && i < n && s[i] == ':') {
            i++;
            se = read_digits(s, n, &i, 2, 2);
            if (se >= 0 && i < n && s[i] == '.') {
                i++;
                size_t st = i;
                int64_t f = read_digits(s, n, &i, 1, 9);
                if (f < 0) goto bad;
                int nd = (int)(i - st);
                frac = f;
                for (; nd < 3; nd++)
                    frac *= 10;
                for (; nd > 3; nd--)
                    frac /= 10;
            }
        }
    }
    if (hh < 0 || mi < 0 || se < 0 || i != n || hh > 23 || mi > 59 || se > 59) goto bad;
    *ms_of_day = (int32_t)((hh * 3600 + mi * 60 + se) * 1000 + frac);
    return 0;
bad:
    why_set(why, whylen, "Text could not be parsed");
    return -1;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* ISO date, time (HH:mm[:ss[.SSS]], always with millis in timestamps) and
 * timestamp texts, as Java's LocalDate/LocalTime/Timestamp print them. */
static size_t date_text(char *out, int64_t days)
{
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    return (size_t)snprintf(out, 32, "%04lld-%02u-%02u", (long long)y, m, d);
}

static size_t time_text(char *out, int64_t ms, bool always_ms)
{
    int64_t s = ms / 1000, frac = ms % 1000;
    size_t k =
        (size_t)snprintf(out, 16, "%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60));
    if (s % 60 || frac || always_ms)
        k += (size_t)snprintf(out + k, 8, ":%02lld", (long long)(s % 60));
    if (frac || always_ms) k += (size_t)snprintf(out + k, 8, ".%03lld", (long long)frac);
    return k;
}

static void put_base64(const void *p, size_t n, ValPutFn put, void *ctx)
{
    const unsigned char *s = p;
    char o[64];
    size_t k = 0, i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned x = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
        o[k++] = b64[x >> 18];
        o[k++] = b64[(x >> 12) & 63];
        o[k++] = b64[(x >> 6) & 63];
        o[k++] = b64[x & 63];
        if (k == sizeof o) {
            put(ctx, o, k);
            k = 0;
        }
    }
    if (i < n) {
        unsigned x = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0);
        o[k++] = b64[x >> 18];
        o[k++] = b64[(x >> 12) & 63];
        o[k++] = i + 1 < n ? b64[(x >> 6) & 63] : '=';
        o[k++] = '=';
    }
    if (k) put(ctx, o, k);
}

void val_write(const Value *v, bool java_decimals, ValPutFn put, void *ctx)
{
    char buf[DEC_TEXT_MAX > 64 ? DEC_TEXT_MAX : 64];
    size_t n;
    switch (v->kind) {
    case TYPE_NULL: put(ctx, "null", 4); break;
    case TYPE_BOOLEAN: v->u.b ? put(ctx, "true", 4) : put(ctx, "false", 5); break;
    case TYPE_INT: put(ctx, buf, i64_text(buf, v->u.i)); break;
    case TYPE_BIGINT: put(ctx, buf, i64_text(buf, v->u.l)); break;
    case TYPE_DOUBLE: put(ctx, buf, java_double_text(buf, v->u.d)); break;
    case TYPE_DECIMAL:
        n = java_decimals ? dec_text_java(buf, v->u.dec, v->scale)
                          : dec_text(buf, v->u.dec, v->scale);
        put(ctx, buf, n);
        break;
    case TYPE_STRING: put(ctx, v->u.s, v->len); break;
    case TYPE_BYTES: put_base64(v->u.s, v->len, put, ctx); break;
    case TYPE_DATE: put(ctx, buf, date_text(buf, v->u.i)); break;
    case TYPE_TIME: put(ctx, buf, time_text(buf, v->u.i, false)); break;
    case TYPE_TIMESTAMP: {
        int64_t ms = v->u.l;
        int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
        n = date_text(buf, days);
        buf[n++] = 'T';
        n += time_text(buf + n, ms - days * 86400000, true);
        put(ctx, buf, n);
        break;
    }
    case TYPE_ARRAY:
        put(ctx, "[", 1);
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) put(ctx, ", ", 2);
            val_write(&v->u.items[i], java_decimals, put, ctx);
        }
        put(ctx, "]", 1);
        break;
    case TYPE_MAP:
        put(ctx, "{", 1);
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) put(ctx, ", ", 2);
            val_write(&v->u.items[2 * i], java_decimals, put, ctx);
            put(ctx, "=", 1);
            val_write(&v->u.items[2 * i + 1], java_decimals, put, ctx);
        }
        put(ctx, "}", 1);
        break;
    case TYPE_STRUCT: {
        put(ctx, "Struct{", 7);
        bool first = true;
        for (uint32_t i = 0; i < v->len; i++) {
            if (v->u.items[i].kind == TYPE_NULL) continue; /* Connect omits nulls */
            if (!first) put(ctx, ",", 1);
            first = false;
            put(ctx, v->type->fields[i].name, strlen(v->type->fields[i].name));
            put(ctx, "=", 1);
            val_write(&v->u.items[i], java_decimals, put, ctx);
        }
        put(ctx, "}", 1);
        break;
    }
    default: break;
    }
}

static void put_strbuf(void *ctx, const char *s, size_t n)
{
    sb_append(ctx, s, n);
}

void val_format(StrBuf *sb, const Value *v)
{
    val_write(v, false, put_strbuf, sb);
}

/* ---------------------------------------------------------------- base64 */

void base64_encode(StrBuf *sb, const void *p, size_t n)
{
    sb_reserve(sb, (n + 2) / 3 * 4);
    put_base64(p, n, put_strbuf, sb);
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

long base64_decode(Arena *a, const char *s, size_t n, char **out)
{
    while (n && s[n - 1] == '=')
        n--;
    if (n % 4 == 1) return -1;
    char *o = arena_alloc(a, n * 3 / 4 + 3);
    size_t k = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64val(s[i]);
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
