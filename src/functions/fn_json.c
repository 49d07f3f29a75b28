/*
 * fn_json.c - the JSON functions (category JSON): EXTRACTJSONFIELD with ksqlDB's
 * JsonPath subset ($, .name, ['name'], [index]), IS_JSON_STRING, JSON_ARRAY_LENGTH,
 * JSON_ARRAY_CONTAINS, JSON_CONCAT, JSON_ITEMS, JSON_KEYS, JSON_RECORDS and
 * TO_JSON_STRING. Parsing follows Jackson's readTree: the first value counts, trailing
 * text is ignored, blank input is a "missing" node. A literal path is tokenized once
 * at plan time.
 */
#include "functions_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int invalid_json(FnCtx *ctx, const Value *v)
{
    return fn_error(ctx, "Invalid JSON format: %.*s", (int)(v->len > 200 ? 200 : v->len), v->u.s);
}

/* ---------------------------------------------------------------- JSON paths */

typedef struct PathTok {
    const char *s;
    uint32_t n;
} PathTok;

typedef struct JsonPath {
    int ntok;
    PathTok *tok;
    char error[160];
} JsonPath;

/* Tokenizes "$.a['b'][0]" into a, b, 0. Returns false with path->error on bad syntax. */
static bool path_parse(Arena *a, const char *s, size_t n, JsonPath *path)
{
    path->ntok = 0;
    path->error[0] = 0;
    size_t cap = 8;
    path->tok = arena_alloc(a, sizeof(PathTok) * cap);
    size_t i = 0;
    if (n == 0 || s[0] != '$') {
        snprintf(path->error, sizeof path->error, "Invalid JsonPath: '%.*s' must start with '$'",
                 (int)(n > 80 ? 80 : n), s);
        return false;
    }
    i = 1;
    while (i < n) {
        const char *ts;
        size_t tn;
        if (s[i] == '.') {
            size_t st = ++i;
            while (i < n && s[i] != '.' && s[i] != '[')
                i++;
            ts = s + st;
            tn = i - st;
        } else if (s[i] == '[') {
            i++;
            if (i < n && (s[i] == '\'' || s[i] == '"')) {
                char q = s[i++];
                size_t st = i;
                while (i < n && s[i] != q)
                    i++;
                if (i + 1 >= n || s[i + 1] != ']') goto bad;
                ts = s + st;
                tn = i - st;
                i += 2;
            } else {
                size_t st = i;
                while (i < n && s[i] != ']')
                    i++;
                if (i >= n) goto bad;
                ts = s + st;
                tn = i - st;
                i++;
            }
        } else {
            goto bad;
        }
        if ((size_t)path->ntok == cap) {
            path->tok =
                arena_realloc(a, path->tok, sizeof(PathTok) * cap, sizeof(PathTok) * cap * 2);
            cap *= 2;
        }
        path->tok[path->ntok].s = ts;
        path->tok[path->ntok].n = (uint32_t)tn;
        path->ntok++;
    }
    return true;
bad:
    snprintf(path->error, sizeof path->error, "Invalid JsonPath: '%.*s'", (int)(n > 80 ? 80 : n),
             s);
    return false;
}

/* Integer.parseInt of a token. */
static bool parse_index(const char *s, size_t n, long *out)
{
    if (n == 0 || n > 11) return false;
    size_t i = 0;
    bool neg = false;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
        if (n == 1) return false;
    }
    long v = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return true;
}

static int prep_path(FnCall *call, const Value *const *literals, Arena *plan_arena, EddyError *err)
{
    (void)err;
    const Value *lit = literals ? literals[1] : NULL;
    if (!lit || lit->kind != TYPE_STRING) return 0;
    JsonPath *p = arena_zalloc(plan_arena, sizeof *p);
    char *copy = arena_strndup(plan_arena, lit->u.s, lit->len);
    path_parse(plan_arena, copy, lit->len, p);
    call->state = p;
    return 0;
}

static int j_extract(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    const JsonPath *path = ctx->call ? ctx->call->state : NULL;
    JsonPath tmp;
    if (!path) {
        path_parse(ctx->arena, args[1].u.s, args[1].len, &tmp);
        path = &tmp;
    }
    if (path->error[0]) return fn_error(ctx, "%s", path->error);
    JNode root;
    if (fjson_parse(ctx->arena, args[0].u.s, args[0].len, &root) < 0)
        return invalid_json(ctx, &args[0]);
    const JNode *cur = &root;
    for (int t = 0; t < path->ntok; t++) {
        const PathTok *tok = &path->tok[t];
        if (cur->kind == J_ARR) {
            long idx;
            if (!parse_index(tok->s, tok->n, &idx) || idx < 0 || idx >= (long)cur->len) {
                *out = val_null();
                return 0;
            }
            cur = &cur->items[idx];
        } else {
            cur = fjson_get(cur, tok->s, tok->n);
        }
        if (!cur) {
            *out = val_null();
            return 0;
        }
    }
    if (cur->kind == J_MISSING) {
        *out = val_null();
        return 0;
    }
    if (cur->kind == J_STR) {
        *out = val_string(cur->s, cur->n);
        return 0;
    }
    ABuf b;
    fn_abuf_init(&b, ctx->arena, 32);
    fjson_write(&b, cur);
    *out = fn_abuf_string(&b);
    return 0;
}

/* ---------------------------------------------------------------- simple readers */

static int j_is_json(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) {
        *out = val_bool(false);
        return 0;
    }
    JNode root;
    bool ok =
        fjson_parse(ctx->arena, args[0].u.s, args[0].len, &root) == 0 && root.kind != J_MISSING;
    *out = val_bool(ok);
    return 0;
}

/* Parses args[0]; *root->kind is J_MISSING for blank input. */
static int parse_arg(FnCtx *ctx, const Value *v, JNode *root)
{
    if (fjson_parse(ctx->arena, v->u.s, v->len, root) < 0) return invalid_json(ctx, v);
    return 0;
}

static int j_array_length(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    JNode root;
    int rc = parse_arg(ctx, &args[0], &root);
    if (rc < 0) return rc;
    *out = root.kind == J_ARR ? val_int((int32_t)root.len) : val_null();
    return 0;
}

static int j_keys(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    JNode root;
    int rc = parse_arg(ctx, &args[0], &root);
    if (rc < 0) return rc;
    if (root.kind != J_OBJ) {
        *out = val_null();
        return 0;
    }
    Value r = val_array_new(ctx->arena, root.len, ctx->call->ret);
    for (uint32_t i = 0; i < root.len; i++)
        r.u.items[i] = val_string(root.items[2 * i].s, root.items[2 * i].n);
    *out = r;
    return 0;
}

static Value node_text(Arena *a, const JNode *j, bool unquote_strings)
{
    if (unquote_strings && j->kind == J_STR) return val_string(j->s, j->n);
    ABuf b;
    fn_abuf_init(&b, a, 32);
    fjson_write(&b, j);
    return fn_abuf_string(&b);
}

static int j_records(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    JNode root;
    int rc = parse_arg(ctx, &args[0], &root);
    if (rc < 0) return rc;
    if (root.kind != J_OBJ) {
        *out = val_null();
        return 0;
    }
    Value m = val_map_new(ctx->arena, root.len, ctx->call->ret);
    uint32_t n = 0;
    for (uint32_t i = 0; i < root.len; i++) {
        Value k = val_string(root.items[2 * i].s, root.items[2 * i].n);
        Value v = node_text(ctx->arena, &root.items[2 * i + 1], true);
        uint32_t slot = n;
        for (uint32_t j = 0; j < n; j++)
            if (val_equal(&m.u.items[2 * j], &k)) slot = j;
        m.u.items[2 * slot] = k;
        m.u.items[2 * slot + 1] = v;
        if (slot == n) n++;
    }
    m.len = n;
    fn_map_java_order(&m, ctx->arena, 0);
    *out = m;
    return 0;
}

static int j_items(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    JNode root;
    int rc = parse_arg(ctx, &args[0], &root);
    if (rc < 0) return rc;
    if (root.kind != J_ARR) {
        *out = val_null();
        return 0;
    }
    Value r = val_array_new(ctx->arena, root.len, ctx->call->ret);
    for (uint32_t i = 0; i < root.len; i++)
        r.u.items[i] = node_text(ctx->arena, &root.items[i], false);
    *out = r;
    return 0;
}

/* JSON_CONCAT(json...): merges objects (later keys win, in place) or else concatenates
 * arrays, non-array values counting as one-element arrays. */
static int j_concat(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (nargs == 0 || fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    JNode *nodes = arena_alloc(ctx->arena, sizeof(JNode) * (size_t)nargs);
    bool all_objects = true;
    uint32_t total = 0;
    for (int i = 0; i < nargs; i++) {
        int rc = parse_arg(ctx, &args[i], &nodes[i]);
        if (rc < 0) return rc;
        if (nodes[i].kind == J_MISSING) {
            *out = val_null();
            return 0;
        }
        if (nodes[i].kind != J_OBJ) all_objects = false;
        total += nodes[i].kind == J_OBJ || nodes[i].kind == J_ARR ? nodes[i].len : 1;
    }
    JNode res = {.kind = all_objects ? J_OBJ : J_ARR};
    res.items =
        arena_alloc(ctx->arena, sizeof(JNode) * (total ? total : 1) * (all_objects ? 2 : 1));
    for (int i = 0; i < nargs; i++) {
        const JNode *nd = &nodes[i];
        if (all_objects) {
            for (uint32_t k = 0; k < nd->len; k++) {
                const JNode *key = &nd->items[2 * k];
                uint32_t slot = res.len;
                for (uint32_t j = 0; j < res.len; j++)
                    if (res.items[2 * j].n == key->n &&
                        memcmp(res.items[2 * j].s, key->s, key->n) == 0)
                        slot = j;
                res.items[2 * slot] = *key;
                res.items[2 * slot + 1] = nd->items[2 * k + 1];
                if (slot == res.len) res.len++;
            }
        } else if (nd->kind == J_ARR) {
            for (uint32_t k = 0; k < nd->len; k++)
                res.items[res.len++] = nd->items[k];
        } else {
            res.items[res.len++] = *nd;
        }
    }
    *out = node_text(ctx->arena, &res, false);
    return 0;
}

/* JSON_ARRAY_CONTAINS(json, value): matches elements of the same JSON kind. */
static int j_array_contains(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    *out = val_bool(false);
    if (args[0].kind == TYPE_NULL) return 0;
    JNode root;
    if (fjson_parse(ctx->arena, args[0].u.s, args[0].len, &root) < 0 || root.kind != J_ARR)
        return 0;
    const Value *v = &args[1];
    for (uint32_t i = 0; i < root.len; i++) {
        const JNode *e = &root.items[i];
        bool hit = false;
        switch (e->kind) {
        case J_NULL: hit = v->kind == TYPE_NULL; break;
        case J_BOOL: hit = v->kind == TYPE_BOOLEAN && v->u.b == e->b; break;
        case J_STR:
            hit = v->kind == TYPE_STRING && v->len == e->n && memcmp(v->u.s, e->s, e->n) == 0;
            break;
        case J_NUM: {
            char tmp[64];
            size_t k = e->n < sizeof tmp - 1 ? e->n : sizeof tmp - 1;
            memcpy(tmp, e->s, k);
            tmp[k] = 0;
            if (e->integral && (v->kind == TYPE_INT || v->kind == TYPE_BIGINT)) {
                long long x = strtoll(tmp, NULL, 10);
                hit = x == (v->kind == TYPE_INT ? v->u.i : v->u.l);
            } else if (!e->integral && v->kind == TYPE_DOUBLE) {
                hit = strtod(tmp, NULL) == v->u.d;
            }
            break;
        }
        default: break;
        }
        if (hit) {
            *out = val_bool(true);
            return 0;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------- TO_JSON_STRING */

static void value_to_json(ABuf *b, const Value *v, const Type *t)
{
    switch (v->kind) {
    case TYPE_NULL: fn_abuf_puts(b, "null"); break;
    case TYPE_BOOLEAN: fn_abuf_puts(b, v->u.b ? "true" : "false"); break;
    case TYPE_INT: fn_abuf_printf(b, "%d", v->u.i); break;
    case TYPE_BIGINT: fn_abuf_printf(b, "%lld", (long long)v->u.l); break;
    case TYPE_DOUBLE: fn_put_double(b, v->u.d); break;
    case TYPE_DECIMAL: {
        Value tmp = *v;
        fn_put_value(b, &tmp);
        break;
    }
    case TYPE_STRING: fjson_put_string(b, v->u.s, v->len); break;
    case TYPE_BYTES: {
        ABuf t64;
        fn_abuf_init(&t64, b->a, v->len * 2 + 4);
        fn_put_value(&t64, v);
        fjson_put_string(b, t64.p, t64.len);
        break;
    }
    case TYPE_DATE: fn_abuf_printf(b, "%lld", (long long)v->u.i * 86400000LL); break;
    case TYPE_TIME: {
        int s = v->u.i / 1000;
        fn_abuf_printf(b, "\"%02d:%02d:%02d\"", s / 3600, s / 60 % 60, s % 60);
        break;
    }
    case TYPE_TIMESTAMP: fn_abuf_printf(b, "%lld", (long long)v->u.l); break;
    case TYPE_ARRAY:
        fn_abuf_putc(b, '[');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) fn_abuf_putc(b, ',');
            value_to_json(b, &v->u.items[i], t && t->kind == TYPE_ARRAY ? t->elem : NULL);
        }
        fn_abuf_putc(b, ']');
        break;
    case TYPE_MAP:
        fn_abuf_putc(b, '{');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) fn_abuf_putc(b, ',');
            const Value *k = &v->u.items[2 * i];
            if (k->kind == TYPE_STRING) {
                fjson_put_string(b, k->u.s, k->len);
            } else {
                ABuf kb;
                fn_abuf_init(&kb, b->a, 16);
                fn_put_value(&kb, k);
                fjson_put_string(b, kb.p, kb.len);
            }
            fn_abuf_putc(b, ':');
            value_to_json(b, &v->u.items[2 * i + 1], t && t->kind == TYPE_MAP ? t->elem : NULL);
        }
        fn_abuf_putc(b, '}');
        break;
    case TYPE_STRUCT:
        fn_abuf_putc(b, '{');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) fn_abuf_putc(b, ',');
            const char *name = v->type->fields[i].name;
            fjson_put_string(b, name, strlen(name));
            fn_abuf_putc(b, ':');
            value_to_json(b, &v->u.items[i], v->type->fields[i].type);
        }
        fn_abuf_putc(b, '}');
        break;
    default: fn_abuf_puts(b, "null"); break;
    }
}

static int j_to_json(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    ABuf b;
    fn_abuf_init(&b, ctx->arena, 64);
    value_to_json(&b, &args[0], ctx->call ? ctx->call->arg_types[0] : NULL);
    *out = fn_abuf_string(&b);
    return 0;
}

/* ---------------------------------------------------------------- table */

static const FnVariant v_extract[] = {
    {.params = "STRING jsonString, STRING path",
     .returns = "STRING",
     .description = "Extracts the value at a JSONPath ($.a.b[0]) from a JSON string; strings are "
                    "returned unquoted.",
     .impl = j_extract,
     .prepare = prep_path},
};
static const FnVariant v_is_json[] = {
    {.params = "STRING str",
     .returns = "BOOLEAN",
     .description = "Returns whether the string is valid JSON.",
     .impl = j_is_json},
};
static const FnVariant v_array_length[] = {
    {.params = "STRING jsonArray",
     .returns = "INT",
     .description = "Returns the number of elements of a JSON array, or null.",
     .impl = j_array_length},
};
static const FnVariant v_array_contains[] = {
    {.params = "STRING jsonArray, T val",
     .returns = "BOOLEAN",
     .description = "Returns whether a JSON array contains the value.",
     .impl = j_array_contains},
};
static const FnVariant v_concat[] = {
    {.params = "STRING... jsonStrings",
     .returns = "STRING",
     .description = "Merges JSON objects, or concatenates JSON arrays.",
     .impl = j_concat},
};
static const FnVariant v_items[] = {
    {.params = "STRING jsonItems",
     .returns = "ARRAY<STRING>",
     .description = "Returns the elements of a JSON array as JSON strings.",
     .impl = j_items},
};
static const FnVariant v_keys[] = {
    {.params = "STRING jsonObj",
     .returns = "ARRAY<STRING>",
     .description = "Returns the keys of a JSON object.",
     .impl = j_keys},
};
static const FnVariant v_records[] = {
    {.params = "STRING jsonObj",
     .returns = "MAP<STRING, STRING>",
     .description = "Returns the entries of a JSON object as a map of key to JSON text.",
     .impl = j_records},
};
static const FnVariant v_to_json[] = {
    {.params = "T input",
     .returns = "STRING",
     .description = "Serializes a value of any type as a JSON string.",
     .impl = j_to_json},
};

#define JS(NAME, vs, desc)                                                                         \
    {                                                                                              \
        .name = NAME, .kind = FN_SCALAR, .category = "JSON", .description = desc, FN_VARIANTS(vs)  \
    }

static const FnDef json_defs[] = {
    JS("EXTRACTJSONFIELD", v_extract, "Extracts a field from a JSON string."),
    JS("IS_JSON_STRING", v_is_json, "Checks whether a string is valid JSON."),
    JS("JSON_ARRAY_CONTAINS", v_array_contains, "Checks whether a JSON array contains a value."),
    JS("JSON_ARRAY_LENGTH", v_array_length, "Returns the length of a JSON array."),
    JS("JSON_CONCAT", v_concat, "Concatenates JSON objects or arrays."),
    JS("JSON_ITEMS", v_items, "Returns the items of a JSON array."),
    JS("JSON_KEYS", v_keys, "Returns the keys of a JSON object."),
    JS("JSON_RECORDS", v_records, "Returns the key-value pairs of a JSON object."),
    JS("TO_JSON_STRING", v_to_json, "Converts a value to a JSON string."),
};

FN_FAMILY(json_defs);
