/*
 * fn_url.c - URL functions (category URL): URL_ENCODE_PARAM / URL_DECODE_PARAM with
 * Java's URLEncoder/URLDecoder rules (application/x-www-form-urlencoded, UTF-8), and
 * URL_EXTRACT_* over a java.net.URI-style parse: [scheme:][//authority][path][?query]
 * [#fragment], components percent-decoded as URI.getPath()/getQuery()/getFragment()
 * return them, a syntax error (space, '<', '{', bad escape ...) being an evaluation
 * error "URL input has invalid syntax: ...".
 */
#include "functions_int.h"

#include <string.h>

typedef struct Url {
    bool opaque;
    const char *scheme, *authority, *host, *path, *query, *fragment;
    size_t scheme_n, authority_n, host_n, path_n, query_n, fragment_n;
    long port; /* -1 when absent */
} Url;

static int hexv(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Characters java.net.URI rejects anywhere (outside escapes). */
static bool illegal_char(unsigned char c)
{
    return c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' ||
           c == '`' || c == '{' || c == '|' || c == '}';
}

static bool url_parse(const char *s, size_t n, Url *u)
{
    memset(u, 0, sizeof *u);
    u->port = -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (illegal_char(c)) return false;
        if (c == '%' && (i + 2 >= n || hexv(s[i + 1]) < 0 || hexv(s[i + 2]) < 0)) return false;
    }
    if (n == 0) return false;
    size_t i = 0;
    /* scheme */
    if ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')) {
        size_t k = 1;
        while (k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
                         (s[k] >= '0' && s[k] <= '9') || s[k] == '+' || s[k] == '-' || s[k] == '.'))
            k++;
        if (k < n && s[k] == ':') {
            u->scheme = s;
            u->scheme_n = k;
            i = k + 1;
            if (i >= n) return false; /* "http:" has an empty scheme-specific part */
            if (s[i] != '/') {
                u->opaque = true;
                const char *hash = memchr(s + i, '#', n - i);
                if (hash) {
                    u->fragment = hash + 1;
                    u->fragment_n = n - (size_t)(hash + 1 - s);
                }
                return true;
            }
        }
    }
    /* fragment */
    const char *hash = memchr(s + i, '#', n - i);
    size_t end = hash ? (size_t)(hash - s) : n;
    if (hash) {
        if (memchr(hash + 1, '#', n - end - 1)) return false;
        u->fragment = hash + 1;
        u->fragment_n = n - end - 1;
    }
    /* query */
    const char *q = memchr(s + i, '?', end - i);
    size_t pend = q ? (size_t)(q - s) : end;
    if (q) {
        u->query = q + 1;
        u->query_n = end - pend - 1;
    }
    /* authority */
    if (pend - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        size_t a = i + 2, e = a;
        while (e < pend && s[e] != '/')
            e++;
        u->authority = s + a;
        u->authority_n = e - a;
        const char *at = memchr(s + a, '@', e - a);
        size_t h = at ? (size_t)(at - s) + 1 : a;
        size_t he = e;
        if (h < e && s[h] == '[') {
            const char *rb = memchr(s + h, ']', e - h);
            if (!rb) return false;
            he = (size_t)(rb - s) + 1;
        } else {
            for (size_t k = h; k < e; k++)
                if (s[k] == ':') {
                    he = k;
                    break;
                }
        }
        u->host = s + h;
        u->host_n = he - h;
        if (he < e && s[he] == ':' && he + 1 < e) {
            long port = 0;
            for (size_t k = he + 1; k < e; k++) {
                if (s[k] < '0' || s[k] > '9') return false;
                port = port * 10 + (s[k] - '0');
                if (port > 65535 * 10) return false;
            }
            u->port = port;
        }
        if (u->host_n == 0) u->host = NULL;
        i = e;
    }
    u->path = s + i;
    u->path_n = pend - i;
    return true;
}

/* Percent-decodes (URI component rules: '+' stays '+'). */
static Value uri_decode(Arena *a, const char *s, size_t n)
{
    if (!memchr(s, '%', n)) return val_string(s, (uint32_t)n);
    ABuf b;
    fn_abuf_init(&b, a, n);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
            fn_abuf_putc(&b, (char)(hexv(s[i + 1]) << 4 | hexv(s[i + 2])));
            i += 2;
        } else {
            fn_abuf_putc(&b, s[i]);
        }
    }
    return fn_abuf_string(&b);
}

static int parse_arg(FnCtx *ctx, const Value *v, Url *u)
{
    if (!url_parse(v->u.s, v->len, u))
        return fn_error(ctx, "URL input has invalid syntax: %.*s",
                        (int)(v->len > 200 ? 200 : v->len), v->u.s);
    return 0;
}

#define URL_FN(cname, body)                                                                        \
    static int cname(FnCtx *ctx, int nargs, const Value *args, Value *out)                         \
    {                                                                                              \
        if (fn_any_null(nargs, args)) {                                                            \
            *out = val_null();                                                                     \
            return 0;                                                                              \
        }                                                                                          \
        Url u;                                                                                     \
        int rc = parse_arg(ctx, &args[0], &u);                                                     \
        if (rc < 0) return rc;                                                                     \
        body;                                                                                      \
        return 0;                                                                                  \
    }

URL_FN(u_host, *out = u.host ? val_string(u.host, (uint32_t)u.host_n) : val_null())
URL_FN(u_port, *out = u.port >= 0 ? val_int((int32_t)u.port) : val_null())
URL_FN(u_protocol, *out = u.scheme ? val_string(u.scheme, (uint32_t)u.scheme_n) : val_null())
URL_FN(u_path, *out = u.opaque ? val_null() : uri_decode(ctx->arena, u.path, u.path_n))
URL_FN(u_query, *out = u.query ? uri_decode(ctx->arena, u.query, u.query_n) : val_null())
URL_FN(u_fragment,
       *out = u.fragment ? uri_decode(ctx->arena, u.fragment, u.fragment_n) : val_null())

/* URLDecoder.decode(s, UTF-8): '+' is a space; a bad escape is an error. */
static int form_decode(FnCtx *ctx, const char *s, size_t n, Value *out)
{
    ABuf b;
    fn_abuf_init(&b, ctx->arena, n + 1);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            fn_abuf_putc(&b, ' ');
        } else if (c == '%') {
            if (i + 2 >= n || hexv(s[i + 1]) < 0 || hexv(s[i + 2]) < 0)
                return fn_error(ctx, "URLDecoder: Illegal hex characters in escape (%%) pattern");
            fn_abuf_putc(&b, (char)(hexv(s[i + 1]) << 4 | hexv(s[i + 2])));
            i += 2;
        } else {
            fn_abuf_putc(&b, c);
        }
    }
    *out = fn_abuf_string(&b);
    return 0;
}

static int u_parameter(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    Url u;
    int rc = parse_arg(ctx, &args[0], &u);
    if (rc < 0) return rc;
    *out = val_null();
    if (!u.query) return 0;
    const char *q = u.query, *name = args[1].u.s;
    size_t qn = u.query_n, nn = args[1].len;
    size_t i = 0;
    while (i <= qn) {
        size_t e = i;
        while (e < qn && q[e] != '&')
            e++;
        if (e > i) {
            const char *eq = memchr(q + i, '=', e - i);
            size_t kn = eq ? (size_t)(eq - (q + i)) : e - i;
            if (kn == nn && memcmp(q + i, name, nn) == 0) {
                if (!eq) {
                    *out = val_string("", 0);
                    return 0;
                }
                return form_decode(ctx, eq + 1, (size_t)(q + e - (eq + 1)), out);
            }
        }
        i = e + 1;
    }
    return 0;
}

static int u_decode(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    return form_decode(ctx, args[0].u.s, args[0].len, out);
}

/* URLEncoder.encode(s, UTF-8): [a-zA-Z0-9.*_-] kept, space to '+', others %XX. */
static int u_encode(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    static const char hx[] = "0123456789ABCDEF";
    ABuf b;
    fn_abuf_init(&b, ctx->arena, args[0].len * 3 + 1);
    for (uint32_t i = 0; i < args[0].len; i++) {
        unsigned char c = (unsigned char)args[0].u.s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '.' || c == '-' || c == '*' || c == '_') {
            fn_abuf_putc(&b, (char)c);
        } else if (c == ' ') {
            fn_abuf_putc(&b, '+');
        } else {
            char e[3] = {'%', hx[c >> 4], hx[c & 15]};
            fn_abuf_put(&b, e, 3);
        }
    }
    *out = fn_abuf_string(&b);
    return 0;
}

#define URLV(cname, fn, ret, what)                                                                 \
    static const FnVariant cname[] = {                                                             \
        {.params = "STRING input", .returns = ret, .description = what, .impl = fn},               \
    };

URLV(v_host, u_host, "STRING", "Extracts the host of a URL.")
URLV(v_port, u_port, "INT", "Extracts the port of a URL, or null when it has none.")
URLV(v_protocol, u_protocol, "STRING", "Extracts the protocol (scheme) of a URL.")
URLV(v_path, u_path, "STRING", "Extracts the decoded path of a URL.")
URLV(v_query, u_query, "STRING", "Extracts the decoded query string of a URL.")
URLV(v_fragment, u_fragment, "STRING", "Extracts the decoded fragment of a URL.")
URLV(v_decode, u_decode, "STRING", "Decodes an application/x-www-form-urlencoded parameter.")
URLV(v_encode, u_encode, "STRING",
     "Encodes a string as an application/x-www-form-urlencoded parameter.")

static const FnVariant v_parameter[] = {
    {.params = "STRING input, STRING paramToFind",
     .returns = "STRING",
     .description = "Extracts the decoded value of the first query parameter of that name.",
     .impl = u_parameter},
};

#define URLD(NAME, vs, desc)                                                                       \
    {                                                                                              \
        .name = NAME, .kind = FN_SCALAR, .category = "URL", .description = desc, FN_VARIANTS(vs)   \
    }

static const FnDef url_defs[] = {
    URLD("URL_DECODE_PARAM", v_decode, "Unescapes a URL-encoded parameter."),
    URLD("URL_ENCODE_PARAM", v_encode, "Escapes a value for use in a URL query."),
    URLD("URL_EXTRACT_FRAGMENT", v_fragment, "Extracts the fragment of a URL."),
    URLD("URL_EXTRACT_HOST", v_host, "Extracts the host of a URL."),
    URLD("URL_EXTRACT_PARAMETER", v_parameter, "Extracts a query parameter of a URL."),
    URLD("URL_EXTRACT_PATH", v_path, "Extracts the path of a URL."),
    URLD("URL_EXTRACT_PORT", v_port, "Extracts the port of a URL."),
    URLD("URL_EXTRACT_PROTOCOL", v_protocol, "Extracts the protocol of a URL."),
    URLD("URL_EXTRACT_QUERY", v_query, "Extracts the query of a URL."),
};

FN_FAMILY(url_defs);
