/*
 * json.c - a small JSON reader and writer for the JSON functions. Values are parsed
 * into arena nodes that keep object key order and the original text of numbers
 * ("1.23450" stays "1.23450", as Jackson's BigDecimal-backed nodes print it), and are
 * written back compactly the way Jackson's JsonNode.toString() does.
 */
#include "functions_int.h"

#include <string.h>

typedef struct JP {
    Arena *a;
    const char *s;
    size_t n;
    size_t i;
    int depth;
} JP;

static void ws(JP *p)
{
    while (p->i < p->n &&
           (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
        p->i++;
}

static int hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return -1;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

static int parse_string(JP *p, const char **out, uint32_t *len)
{
    p->i++; /* opening quote */
    size_t start = p->i;
    bool plain = true;
    while (p->i < p->n && p->s[p->i] != '"') {
        if (p->s[p->i] == '\\') {
            plain = false;
            p->i++;
        } else if ((unsigned char)p->s[p->i] < 0x20) {
            return -1;
        }
        p->i++;
    }
    if (p->i >= p->n) return -1;
    size_t end = p->i++;
    if (plain) {
        *out = p->s + start;
        *len = (uint32_t)(end - start);
        return 0;
    }
    ABuf b;
    fn_abuf_init(&b, p->a, end - start + 4);
    for (size_t i = start; i < end; i++) {
        char c = p->s[i];
        if (c != '\\') {
            fn_abuf_putc(&b, c);
            continue;
        }
        char e = p->s[++i];
        switch (e) {
        case '"': fn_abuf_putc(&b, '"'); break;
        case '\\': fn_abuf_putc(&b, '\\'); break;
        case '/': fn_abuf_putc(&b, '/'); break;
        case 'b': fn_abuf_putc(&b, '\b'); break;
        case 'f': fn_abuf_putc(&b, '\f'); break;
        case 'n': fn_abuf_putc(&b, '\n'); break;
        case 'r': fn_abuf_putc(&b, '\r'); break;
        case 't': fn_abuf_putc(&b, '\t'); break;
        case 'u': {
            uint32_t u;
            if (i + 4 >= end || hex4(p->s + i + 1, &u) < 0) return -1;
            i += 4;
            if (u >= 0xD800 && u < 0xDC00 && i + 6 < end && p->s[i + 1] == '\\' &&
                p->s[i + 2] == 'u') {
                uint32_t lo;
                if (hex4(p->s + i + 3, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                }
            }
            fn_abuf_put_cp(&b, u);
            break;
        }
        default: return -1;
        }
    }
    *out = b.p;
    *len = (uint32_t)b.len;
    return 0;
}

static int parse_value(JP *p, JNode *out);

static int parse_number(JP *p, JNode *out)
{
    size_t st = p->i;
    bool integral = true;
    if (p->s[p->i] == '-') p->i++;
    size_t digits = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    if (p->i == digits) return -1;
    if (p->i < p->n && p->s[p->i] == '.') {
        integral = false;
        p->i++;
        size_t f = p->i;
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
        if (p->i == f) return -1;
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        integral = false;
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
        size_t e = p->i;
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            p->i++;
        if (p->i == e) return -1;
    }
    out->kind = J_NUM;
    out->integral = integral;
    out->s = p->s + st;
    out->n = (uint32_t)(p->i - st);
    return 0;
}

static int parse_container(JP *p, JNode *out, bool obj)
{
    if (++p->depth > 500) return -1;
    p->i++;
    uint32_t cap = 4, n = 0;
    size_t per = obj ? 2 : 1;
    JNode *items = arena_alloc(p->a, sizeof(JNode) * cap * per);
    ws(p);
    if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) {
        p->i++;
    } else {
        for (;;) {
            if (n == cap) {
                items = arena_realloc(p->a, items, sizeof(JNode) * cap * per,
                                      sizeof(JNode) * cap * 2 * per);
                cap *= 2;
            }
            JNode *slot = &items[n * per];
            memset(slot, 0, sizeof(JNode) * per);
            ws(p);
            if (obj) {
                if (p->i >= p->n || p->s[p->i] != '"') return -1;
                slot[0].kind = J_STR;
                if (parse_string(p, &slot[0].s, &slot[0].n) < 0) return -1;
                ws(p);
                if (p->i >= p->n || p->s[p->i] != ':') return -1;
                p->i++;
                if (parse_value(p, &slot[1]) < 0) return -1;
            } else {
                if (parse_value(p, &slot[0]) < 0) return -1;
            }
            n++;
            ws(p);
            if (p->i >= p->n) return -1;
            if (p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (p->s[p->i] == (obj ? '}' : ']')) {
                p->i++;
                break;
            }
            return -1;
        }
    }
    out->kind = obj ? J_OBJ : J_ARR;
    out->len = n;
    out->items = items;
    p->depth--;
    return 0;
}

static bool lit(JP *p, const char *w)
{
    size_t k = strlen(w);
    if (p->i + k > p->n || memcmp(p->s + p->i, w, k) != 0) return false;
    p->i += k;
    return true;
}

static int parse_value(JP *p, JNode *out)
{
    memset(out, 0, sizeof *out);
    ws(p);
    if (p->i >= p->n) return -1;
    char c = p->s[p->i];
    switch (c) {
    case '{': return parse_container(p, out, true);
    case '[': return parse_container(p, out, false);
    case '"': out->kind = J_STR; return parse_string(p, &out->s, &out->n);
    case 't':
        if (!lit(p, "true")) return -1;
        out->kind = J_BOOL;
        out->b = true;
        return 0;
    case 'f':
        if (!lit(p, "false")) return -1;
        out->kind = J_BOOL;
        return 0;
    case 'n':
        if (!lit(p, "null")) return -1;
        out->kind = J_NULL;
        return 0;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p, out);
        return -1;
    }
}

int fjson_parse(Arena *a, const char *s, size_t n, JNode *out)
{
    JP p = {.a = a, .s = s, .n = n};
    ws(&p);
    if (p.i >= n) {
        memset(out, 0, sizeof *out);
        out->kind = J_MISSING;
        return 0;
    }
    return parse_value(&p, out);
}

void fjson_put_string(ABuf *b, const char *s, size_t n)
{
    static const char hx[] = "0123456789ABCDEF";
    fn_abuf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        fn_abuf_put(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': fn_abuf_puts(b, "\\\""); break;
        case '\\': fn_abuf_puts(b, "\\\\"); break;
        case '\n': fn_abuf_puts(b, "\\n"); break;
        case '\r': fn_abuf_puts(b, "\\r"); break;
        case '\t': fn_abuf_puts(b, "\\t"); break;
        case '\b': fn_abuf_puts(b, "\\b"); break;
        case '\f': fn_abuf_puts(b, "\\f"); break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hx[c >> 4], hx[c & 15]};
            fn_abuf_put(b, u, 6);
        }
        }
    }
    fn_abuf_put(b, s + run, n - run);
    fn_abuf_putc(b, '"');
}

void fjson_write(ABuf *b, const JNode *j)
{
    switch (j->kind) {
    case J_MISSING: break;
    case J_NULL: fn_abuf_puts(b, "null"); break;
    case J_BOOL: fn_abuf_puts(b, j->b ? "true" : "false"); break;
    case J_NUM: fn_abuf_put(b, j->s, j->n); break;
    case J_STR: fjson_put_string(b, j->s, j->n); break;
    case J_ARR:
        fn_abuf_putc(b, '[');
        for (uint32_t i = 0; i < j->len; i++) {
            if (i) fn_abuf_putc(b, ',');
            fjson_write(b, &j->items[i]);
        }
        fn_abuf_putc(b, ']');
        break;
    case J_OBJ:
        fn_abuf_putc(b, '{');
        for (uint32_t i = 0; i < j->len; i++) {
            if (i) fn_abuf_putc(b, ',');
            fjson_put_string(b, j->items[2 * i].s, j->items[2 * i].n);
            fn_abuf_putc(b, ':');
            fjson_write(b, &j->items[2 * i + 1]);
        }
        fn_abuf_putc(b, '}');
        break;
    }
}

const JNode *fjson_get(const JNode *obj, const char *key, size_t n)
{
    if (!obj || obj->kind != J_OBJ) return NULL;
    const JNode *found = NULL;
    for (uint32_t i = 0; i < obj->len; i++) /* the last duplicate wins, as in Jackson */
        if (obj->items[2 * i].n == n && memcmp(obj->items[2 * i].s, key, n) == 0)
            found = &obj->items[2 * i + 1];
    return found;
}
