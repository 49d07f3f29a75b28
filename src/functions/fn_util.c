/*
 * fn_util.c - helpers the function implementations share on the record path:
 * arena-backed text buffers, UTF-8 decoding and Unicode case mapping, Java's
 * number-to-text rules, exact decimal rounding, numeric widening of values, a
 * thread-local PRNG and time-unit names. Nothing here mallocs or locks per call.
 */
#include "functions_int.h"

#include <locale.h>
#include <pthread.h>
#include <wctype.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

/* ---------------------------------------------------------------- ABuf */

void fn_abuf_init(ABuf *b, Arena *a, size_t cap)
{
    b->a = a;
    b->len = 0;
    b->cap = cap ? cap : 16;
    b->p = arena_alloc(a, b->cap);
}

static void abuf_grow(ABuf *b, size_t need)
{
    if (b->len + need <= b->cap) return;
    size_t nc = b->cap * 2;
    while (nc < b->len + need)
        nc *= 2;
    b->p = arena_realloc(b->a, b->p, b->len, nc);
    b->cap = nc;
}

void fn_abuf_put(ABuf *b, const void *s, size_t n)
{
    if (!n) return;
    abuf_grow(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

void fn_abuf_putc(ABuf *b, char c)
{
    abuf_grow(b, 1);
    b->p[b->len++] = c;
}

void fn_abuf_puts(ABuf *b, const char *s)
{
    fn_abuf_put(b, s, strlen(s));
}

void fn_abuf_printf(ABuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) {
        fn_abuf_put(b, tmp, (size_t)n);
        return;
    }
    abuf_grow(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void fn_abuf_put_cp(ABuf *b, uint32_t cp)
{
    char t[4];
    size_t n;
    if (cp < 0x80) {
        t[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        t[0] = (char)(0xC0 | (cp >> 6));
        t[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        t[0] = (char)(0xE0 | (cp >> 12));
        t[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        t[0] = (char)(0xF0 | (cp >> 18));
        t[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        t[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        t[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    fn_abuf_put(b, t, n);
}

Value fn_abuf_string(const ABuf *b)
{
    return val_string(b->p, (uint32_t)b->len);
}

Value fn_abuf_bytes(const ABuf *b)
{
    return val_bytes(b->p, (uint32_t)b->len);
}

Value fn_string(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n ? n : 1);
    if (n) memcpy(p, s, n);
    return val_string(p, (uint32_t)n);
}

Value fn_cstring(Arena *a, const char *s)
{
    return fn_string(a, s, strlen(s));
}

/* ---------------------------------------------------------------- UTF-8 */

uint32_t fn_utf8_next(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t k = *i;
    unsigned c = u[k];
    int len;
    uint32_t cp;
    if (c < 0x80) {
        *i = k + 1;
        return c;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        *i = k + 1;
        return c;
    }
    if (k + (size_t)len > n) {
        *i = k + 1;
        return c;
    }
    for (int j = 1; j < len; j++) {
        if ((u[k + (size_t)j] & 0xC0) != 0x80) {
            *i = k + 1;
            return c;
        }
        cp = cp << 6 | (u[k + (size_t)j] & 0x3F);
    }
    *i = k + (size_t)len;
    return cp;
}

size_t fn_utf8_count(const char *s, size_t n)
{
    size_t i = 0, c = 0;
    while (i < n) {
        fn_utf8_next(s, n, &i);
        c++;
    }
    return c;
}

size_t fn_utf8_offset(const char *s, size_t n, size_t k)
{
    size_t i = 0;
    while (k && i < n) {
        fn_utf8_next(s, n, &i);
        k--;
    }
    return i;
}

size_t fn_utf16_length(const char *s, size_t n)
{
    size_t i = 0, c = 0;
    while (i < n)
        c += fn_utf8_next(s, n, &i) >= 0x10000 ? 2 : 1;
    return c;
}

/* Case mapping beyond ASCII uses the C library's Unicode tables through the
 * built-in C.UTF-8 locale (glibc), made once per process. */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_locale_init(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t utf8_loc(void)
{
    pthread_once(&utf8_once, utf8_locale_init);
    return utf8_locale;
}

uint32_t fn_cp_lower(uint32_t c)
{
    if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + 32 : c;
    locale_t l = utf8_loc();
    return l ? (uint32_t)towlower_l((wint_t)c, l) : c;
}

uint32_t fn_cp_upper(uint32_t c)
{
    if (c < 0x80) return c >= 'a' && c <= 'z' ? c - 32 : c;
    locale_t l = utf8_loc();
    return l ? (uint32_t)towupper_l((wint_t)c, l) : c;
}

bool fn_cp_is_letter(uint32_t c)
{
    UnicodeCat k = fn_cp_category(c);
    return k != UC_OTHER && k != UC_ND;
}

const char *fn_cp_upper_special(uint32_t c)
{
    /* Java's String.toUpperCase full mappings (SpecialCasing.txt, unconditional). */
    switch (c) {
    case 0xDF: return "SS";
    case 0x149: return "\xCA\xBCN";
    case 0x1F0: return "J\xCC\x8C";
    case 0x587: return "\xD4\xB5\xD5\x92";
    case 0xFB00: return "FF";
    case 0xFB01: return "FI";
    case 0xFB02: return "FL";
    case 0xFB03: return "FFI";
    case 0xFB04: return "FFL";
    case 0xFB05:
    case 0xFB06: return "ST";
    default: return NULL;
    }
}

bool fn_cp_is_java_space(uint32_t c)
{
    if (c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F)) return true;
    if (c == 0x1680 || (c >= 0x2000 && c <= 0x2006) || (c >= 0x2008 && c <= 0x200A)) return true;
    return c == 0x205F || c == 0x3000 || c == 0x2028 || c == 0x2029;
}

/* ---------------------------------------------------------------- numbers */

double fn_to_double(const Value *v)
{
    switch (v->kind) {
    case TYPE_INT: return v->u.i;
    case TYPE_BIGINT: return (double)v->u.l;
    case TYPE_DOUBLE: return v->u.d;
    case TYPE_DECIMAL: return dec_to_double(v->u.dec, v->scale);
    default: return 0;
    }
}

void fn_put_double(ABuf *b, double d)
{
    char buf[JAVA_DOUBLE_TEXT_MAX];
    fn_abuf_put(b, buf, java_double_text(buf, d));
}

int fn_double_to_dec(double d, int128_t *unscaled, int *scale)
{
    if (!isfinite(d)) return -1;
    if (d == 0) {
        *unscaled = 0;
        *scale = 1; /* BigDecimal.valueOf(0.0) is 0.0 */
        return 0;
    }
    char digits[24];
    int exp;
    int nd = java_double_digits(d, digits, &exp);
    /* value = digits * 10^(exp - nd + 1) */
    int128_t u = 0;
    for (int i = 0; i < nd; i++)
        u = u * 10 + (digits[i] - '0');
    int sc = nd - 1 - exp;
    /* Double.toString keeps at least one fractional digit in plain notation. */
    if (sc < 1 && fabs(d) < 1e7) {
        while (sc < 1) {
            u *= 10;
            sc++;
        }
    }
    if (sc < 0) {
        if (nd - sc > 38) return -1;
        while (sc < 0) {
            u *= 10;
            sc++;
        }
    }
    if (sc > 38 + 20) return -1;
    *unscaled = d < 0 ? -u : u;
    *scale = sc;
    return 0;
}

int fn_dec_round(int128_t in, int from_scale, int to_scale, char mode, int128_t *out)
{
    if (to_scale >= from_scale) {
        int k = to_scale - from_scale;
        if (k > 38 || (in != 0 && dec_digits(in) + k > 38)) return -1;
        *out = in * dec_pow10(k);
        return 0;
    }
    int k = from_scale - to_scale;
    if (k > 38) {
        /* Every digit is dropped: the result is 0 or +-1 unit depending on the mode. */
        int128_t q = 0;
        if (in > 0 && mode == 'C') q = 1;
        if (in < 0 && mode == 'F') q = -1;
        *out = q;
        return 0;
    }
    int128_t p = dec_pow10(k);
    int128_t q = in / p, r = in % p;
    if (r != 0) {
        int128_t ar = r < 0 ? -r : r;
        int sign = in < 0 ? -1 : 1;
        switch (mode) {
        case 'U':
            if (ar * 2 >= p) q += sign;
            break;
        case 'D':
            if (ar * 2 > p) q += sign;
            break;
        case 'F':
            if (in < 0) q -= 1;
            break;
        case 'C':
            if (in > 0) q += 1;
            break;
        default: break; /* 'T': truncate */
        }
    }
    *out = q;
    return 0;
}

bool fn_widen_value(const Value *v, const Type *to_type, Value *out)
{
    TypeKind to = to_type->kind;
    if (v->kind == TYPE_NULL || v->kind == to) {
        if (v->kind == TYPE_DECIMAL && to == TYPE_DECIMAL && v->scale != to_type->scale) {
            int128_t r;
            if (fn_dec_round(v->u.dec, v->scale, to_type->scale, 'U', &r) < 0) return false;
            *out = val_decimal(r, to_type->precision, to_type->scale);
            return true;
        }
        *out = *v;
        return true;
    }
    switch (to) {
    case TYPE_BIGINT:
        if (v->kind == TYPE_INT) {
            *out = val_bigint(v->u.i);
            return true;
        }
        return false;
    case TYPE_DOUBLE:
        if (v->kind == TYPE_INT || v->kind == TYPE_BIGINT || v->kind == TYPE_DECIMAL) {
            *out = val_double(fn_to_double(v));
            return true;
        }
        return false;
    case TYPE_DECIMAL: {
        int128_t u;
        if (v->kind == TYPE_INT)
            u = v->u.i;
        else if (v->kind == TYPE_BIGINT)
            u = v->u.l;
        else
            return false;
        int128_t r;
        if (fn_dec_round(u, 0, to_type->scale, 'U', &r) < 0) return false;
        *out = val_decimal(r, to_type->precision, to_type->scale);
        return true;
    }
    default: return false;
    }
}

static void put_abuf(void *ctx, const char *s, size_t n)
{
    fn_abuf_put(ctx, s, n);
}

void fn_put_value(ABuf *b, const Value *v)
{
    val_write(v, true, put_abuf, b);
}

/* ---------------------------------------------------------------- Java HashMap order */

/* Java's hashCode of a key, false when the kind has no Java-compatible hash here. */
static bool java_hash(const Value *k, int32_t *out)
{
    uint32_t h = 0;
    switch (k->kind) {
    case TYPE_STRING: {
        size_t i = 0;
        while (i < k->len) {
            uint32_t c = fn_utf8_next(k->u.s, k->len, &i);
            if (c >= 0x10000) {
                c -= 0x10000;
                h = 31 * h + (0xD800 + (c >> 10));
                h = 31 * h + (0xDC00 + (c & 0x3FF));
            } else {
                h = 31 * h + c;
            }
        }
        break;
    }
    case TYPE_INT: h = (uint32_t)k->u.i; break;
    case TYPE_BIGINT: h = (uint32_t)((uint64_t)k->u.l ^ ((uint64_t)k->u.l >> 32)); break;
    case TYPE_BOOLEAN: h = k->u.b ? 1231 : 1237; break;
    case TYPE_DOUBLE: {
        double d = k->u.d;
        uint64_t bits;
        if (isnan(d))
            bits = 0x7ff8000000000000ULL;
        else
            memcpy(&bits, &d, 8);
        h = (uint32_t)(bits ^ (bits >> 32));
        break;
    }
    default: return false;
    }
    *out = (int32_t)h;
    return true;
}

void fn_map_java_order(Value *m, Arena *scratch, int initial_capacity)
{
    if (m->kind != TYPE_MAP || m->len < 2) return;
    uint32_t n = m->len;
    uint64_t cap = 16;
    if (initial_capacity > 0) {
        cap = 1;
        while (cap < (uint64_t)initial_capacity)
            cap <<= 1;
    } else if (initial_capacity < 0) {
        cap = 1;
    }
    while ((uint64_t)n > cap * 3 / 4)
        cap <<= 1;
    uint32_t *bucket = arena_alloc(scratch, sizeof(uint32_t) * n);
    for (uint32_t i = 0; i < n; i++) {
        int32_t h;
        if (!java_hash(&m->u.items[2 * i], &h)) return;
        uint32_t u = (uint32_t)h;
        bucket[i] = (uint32_t)((u ^ (u >> 16)) & (cap - 1));
    }
    /* Stable counting by bucket: order within a bucket is insertion order. */
    Value *tmp = arena_alloc(scratch, sizeof(Value) * 2 * n);
    uint32_t *idx = arena_alloc(scratch, sizeof(uint32_t) * n);
    for (uint32_t i = 0; i < n; i++)
        idx[i] = i;
    for (uint32_t i = 1; i < n; i++) { /* insertion sort on bucket, stable */
        uint32_t cur = idx[i], j = i;
        while (j > 0 && bucket[idx[j - 1]] > bucket[cur]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = cur;
    }
    for (uint32_t i = 0; i < n; i++) {
        tmp[2 * i] = m->u.items[2 * idx[i]];
        tmp[2 * i + 1] = m->u.items[2 * idx[i] + 1];
    }
    memcpy(m->u.items, tmp, sizeof(Value) * 2 * n);
}

/* ---------------------------------------------------------------- random */

static _Thread_local uint64_t rng_s[4];
static _Thread_local bool rng_seeded;

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t fn_rand64(void)
{
    if (!rng_seeded) {
        uint64_t seed = 0;
        if (getrandom(&seed, sizeof seed, GRND_NONBLOCK) != (ssize_t)sizeof seed) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)(uintptr_t)&seed;
        }
        for (int i = 0; i < 4; i++)
            rng_s[i] = splitmix(&seed);
        rng_seeded = true;
    }
    uint64_t r = rotl(rng_s[1] * 5, 7) * 9;
    uint64_t t = rng_s[1] << 17;
    rng_s[2] ^= rng_s[0];
    rng_s[3] ^= rng_s[1];
    rng_s[1] ^= rng_s[2];
    rng_s[0] ^= rng_s[3];
    rng_s[2] ^= t;
    rng_s[3] = rotl(rng_s[3], 45);
    return r;
}

double fn_rand_double(void)
{
    return (double)(fn_rand64() >> 11) * 0x1.0p-53;
}

/* ---------------------------------------------------------------- time units */

bool fn_time_unit(const char *s, size_t n, int64_t *num, int64_t *den)
{
    static const struct {
        const char *name;
        int64_t num, den;
    } units[] = {
        {"NANOSECOND", 1, 1000000}, {"MICROSECOND", 1, 1000}, {"MILLISECOND", 1, 1},
        {"SECOND", 1000, 1},        {"MINUTE", 60000, 1},     {"HOUR", 3600000, 1},
        {"DAY", 86400000, 1},
    };
    if (n && (s[n - 1] == 'S' || s[n - 1] == 's')) n--;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strlen(units[i].name) == n && strncasecmp(units[i].name, s, n) == 0) {
            *num = units[i].num;
            *den = units[i].den;
            return true;
        }
    }
    return false;
}
