/*
 * fn_collections.c - array and map functions (categories ARRAY and MAP): ARRAY_CONTAINS,
 * ARRAY_DISTINCT / EXCEPT / INTERSECT / UNION (insertion-ordered sets, like Java's
 * LinkedHashSet), ARRAY_CONCAT, ARRAY_JOIN, ARRAY_LENGTH, ARRAY_MAX / MIN, ARRAY_REMOVE,
 * ARRAY_SORT (stable, nulls last), AS_MAP, ELT, FIELD, MAP_KEYS / VALUES / UNION, SLICE
 * and ENTRIES.
 *
 * Equality is val_equal (Java equals on the boxed values; numbers compare by value);
 * ordering is val_compare (Comparable.compareTo).
 */
#include "functions_int.h"

#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- value sets */

/* An insertion-ordered set of values in the arena (open addressing on val_hash). */
typedef struct VSet {
    const Value **slots;
    uint32_t cap;
    uint32_t n;
} VSet;

static void vset_init(VSet *s, Arena *a, uint32_t expect)
{
    uint32_t cap = 16;
    while (cap < expect * 2)
        cap *= 2;
    s->cap = cap;
    s->n = 0;
    s->slots = arena_zalloc(a, sizeof(Value *) * cap);
}

/* Returns true when v was added (was not present). */
static bool vset_add(VSet *s, const Value *v)
{
    uint32_t mask = s->cap - 1, i = (uint32_t)val_hash(v) & mask;
    while (s->slots[i]) {
        if (val_equal(s->slots[i], v)) return false;
        i = (i + 1) & mask;
    }
    s->slots[i] = v;
    s->n++;
    return true;
}

static bool vset_has(const VSet *s, const Value *v)
{
    uint32_t mask = s->cap - 1, i = (uint32_t)val_hash(v) & mask;
    while (s->slots[i]) {
        if (val_equal(s->slots[i], v)) return true;
        i = (i + 1) & mask;
    }
    return false;
}

static Value array_of(Arena *a, uint32_t n, const Type *t)
{
    return val_array_new(a, n, t);
}

/* ---------------------------------------------------------------- ARRAY_* */

static int c_array_contains(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    (void)nargs;
    bool found = false;
    if (args[0].kind != TYPE_NULL)
        for (uint32_t i = 0; i < args[0].len && !found; i++)
            found = val_equal(&args[0].u.items[i], &args[1]);
    *out = val_bool(found);
    return 0;
}

static int c_array_distinct(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    VSet s;
    vset_init(&s, ctx->arena, args[0].len);
    Value r = array_of(ctx->arena, args[0].len, ctx->call->ret);
    uint32_t n = 0;
    for (uint32_t i = 0; i < args[0].len; i++)
        if (vset_add(&s, &args[0].u.items[i])) r.u.items[n++] = args[0].u.items[i];
    r.len = n;
    *out = r;
    return 0;
}

static int c_array_except(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    VSet right, seen;
    vset_init(&right, ctx->arena, args[1].len);
    for (uint32_t i = 0; i < args[1].len; i++)
        vset_add(&right, &args[1].u.items[i]);
    vset_init(&seen, ctx->arena, args[0].len);
    Value r = array_of(ctx->arena, args[0].len, ctx->call->ret);
    uint32_t n = 0;
    for (uint32_t i = 0; i < args[0].len; i++) {
        const Value *v = &args[0].u.items[i];
        if (vset_add(&seen, v) && !vset_has(&right, v)) r.u.items[n++] = *v;
    }
    r.len = n;
    *out = r;
    return 0;
}

static int c_array_intersect(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    VSet right, seen;
    vset_init(&right, ctx->arena, args[1].len);
    for (uint32_t i = 0; i < args[1].len; i++)
        vset_add(&right, &args[1].u.items[i]);
    vset_init(&seen, ctx->arena, args[0].len);
    Value r = array_of(ctx->arena, args[0].len, ctx->call->ret);
    uint32_t n = 0;
    for (uint32_t i = 0; i < args[0].len; i++) {
        const Value *v = &args[0].u.items[i];
        if (vset_add(&seen, v) && vset_has(&right, v)) r.u.items[n++] = *v;
    }
    r.len = n;
    *out = r;
    return 0;
}

static int c_array_union(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    VSet seen;
    uint32_t total = args[0].len + args[1].len;
    vset_init(&seen, ctx->arena, total);
    Value r = array_of(ctx->arena, total, ctx->call->ret);
    uint32_t n = 0;
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < args[k].len; i++)
            if (vset_add(&seen, &args[k].u.items[i])) r.u.items[n++] = args[k].u.items[i];
    r.len = n;
    *out = r;
    return 0;
}

static int c_array_concat(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL && args[1].kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    uint32_t a = args[0].kind == TYPE_NULL ? 0 : args[0].len;
    uint32_t b = args[1].kind == TYPE_NULL ? 0 : args[1].len;
    Value r = array_of(ctx->arena, a + b, ctx->call->ret);
    if (a) memcpy(r.u.items, args[0].u.items, sizeof(Value) * a);
    if (b) memcpy(r.u.items + a, args[1].u.items, sizeof(Value) * b);
    *out = r;
    return 0;
}

static int c_array_join(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (args[0].kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    const char *d = ",";
    size_t dn = 1;
    if (nargs > 1) {
        d = args[1].kind == TYPE_NULL ? "" : args[1].u.s;
        dn = args[1].kind == TYPE_NULL ? 0 : args[1].len;
    }
    ABuf b;
    fn_abuf_init(&b, ctx->arena, 64);
    for (uint32_t i = 0; i < args[0].len; i++) {
        const Value *e = &args[0].u.items[i];
        if (e->kind == TYPE_ARRAY || e->kind == TYPE_MAP || e->kind == TYPE_STRUCT)
            return fn_error(ctx, "error: only primitive types are supported by ARRAY_JOIN");
        if (i) fn_abuf_put(&b, d, dn);
        fn_put_value(&b, e);
    }
    *out = fn_abuf_string(&b);
    return 0;
}

static int c_array_length(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    (void)nargs;
    *out = args[0].kind == TYPE_NULL ? val_null() : val_int((int32_t)args[0].len);
    return 0;
}

static int array_extreme(const Value *arr, Value *out, int sign)
{
    if (arr->kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    const Value *best = NULL;
    for (uint32_t i = 0; i < arr->len; i++) {
        const Value *v = &arr->u.items[i];
        if (v->kind == TYPE_NULL) continue;
        if (!best || val_compare(v, best) * sign > 0) best = v;
    }
    *out = best ? *best : val_null();
    return 0;
}

static int c_array_max(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    (void)nargs;
    return array_extreme(&args[0], out, 1);
}

static int c_array_min(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    (void)nargs;
    return array_extreme(&args[0], out, -1);
}

static int c_array_remove(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    Value r = array_of(ctx->arena, args[0].len, ctx->call->ret);
    uint32_t n = 0;
    for (uint32_t i = 0; i < args[0].len; i++)
        if (!val_equal(&args[0].u.items[i], &args[1])) r.u.items[n++] = args[0].u.items[i];
    r.len = n;
    *out = r;
    return 0;
}

/* Stable merge sort of values; nulls last in both directions. */
static int sort_cmp(const Value *a, const Value *b, int dir)
{
    bool an = a->kind == TYPE_NULL, bn = b->kind == TYPE_NULL;
    if (an || bn) return (int)an - (int)bn;
    return val_compare(a, b) * dir;
}

static void merge_sort(Value *v, Value *tmp, uint32_t n, int dir)
{
    if (n < 2) return;
    uint32_t h = n / 2;
    merge_sort(v, tmp, h, dir);
    merge_sort(v + h, tmp, n - h, dir);
    uint32_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        tmp[k++] = sort_cmp(&v[j], &v[i], dir) < 0 ? v[j++] : v[i++];
    while (i < h)
        tmp[k++] = v[i++];
    while (j < n)
        tmp[k++] = v[j++];
    memcpy(v, tmp, sizeof(Value) * n);
}

static int c_array_sort(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    int dir = 1;
    if (nargs > 1) {
        const char *d = args[1].u.s;
        size_t n = args[1].len;
        if ((n == 3 && strncasecmp(d, "ASC", 3) == 0) ||
            (n == 9 && strncasecmp(d, "ASCENDING", 9) == 0))
            dir = 1;
        else if ((n == 4 && strncasecmp(d, "DESC", 4) == 0) ||
                 (n == 10 && strncasecmp(d, "DESCENDING", 10) == 0))
            dir = -1;
        else {
            *out = val_null();
            return 0;
        }
    }
    uint32_t n = args[0].len;
    Value r = array_of(ctx->arena, n, ctx->call->ret);
    if (n) {
        memcpy(r.u.items, args[0].u.items, sizeof(Value) * n);
        Value *tmp = arena_alloc(ctx->arena, sizeof(Value) * n);
        merge_sort(r.u.items, tmp, n, dir);
    }
    *out = r;
    return 0;
}

/* ---------------------------------------------------------------- maps */

/* Puts (k, v) into map m (capacity preallocated), replacing an equal key. */
static void map_put(Value *m, const Value *k, const Value *v)
{
    for (uint32_t i = 0; i < m->len; i++)
        if (val_equal(&m->u.items[2 * i], k)) {
            m->u.items[2 * i + 1] = *v;
            return;
        }
    m->u.items[2 * m->len] = *k;
    m->u.items[2 * m->len + 1] = *v;
    m->len++;
}

static int c_as_map(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    Value m = val_map_new(ctx->arena, args[0].len, ctx->call->ret);
    m.len = 0;
    Value nul = val_null();
    for (uint32_t i = 0; i < args[0].len; i++)
        map_put(&m, &args[0].u.items[i], i < args[1].len ? &args[1].u.items[i] : &nul);
    fn_map_java_order(&m, ctx->arena, 0);
    *out = m;
    return 0;
}

static int c_map_keys(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    Value r = array_of(ctx->arena, args[0].len, ctx->call->ret);
    for (uint32_t i = 0; i < args[0].len; i++)
        r.u.items[i] = args[0].u.items[2 * i];
    *out = r;
    return 0;
}

static int c_map_values(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    Value r = array_of(ctx->arena, args[0].len, ctx->call->ret);
    for (uint32_t i = 0; i < args[0].len; i++)
        r.u.items[i] = args[0].u.items[2 * i + 1];
    *out = r;
    return 0;
}

static int c_map_union(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL || args[1].kind == TYPE_NULL) {
        *out = args[0].kind == TYPE_NULL ? args[1] : args[0];
        return 0;
    }
    Value m = val_map_new(ctx->arena, args[0].len + args[1].len, ctx->call->ret);
    m.len = 0;
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < args[k].len; i++)
            map_put(&m, &args[k].u.items[2 * i], &args[k].u.items[2 * i + 1]);
    fn_map_java_order(&m, ctx->arena, 0);
    *out = m;
    return 0;
}

/* ENTRIES(map, sorted): ARRAY<STRUCT<K, V>>, sorted by key when asked. */
static int c_entries(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    if (fn_any_null(nargs, args)) {
        *out = val_null();
        return 0;
    }
    const Type *st = ctx->call->ret->elem;
    uint32_t n = args[0].len;
    Value r = array_of(ctx->arena, n, ctx->call->ret);
    for (uint32_t i = 0; i < n; i++) {
        Value s = val_struct_new(ctx->arena, st);
        s.u.items[0] = args[0].u.items[2 * i];
        s.u.items[1] = args[0].u.items[2 * i + 1];
        r.u.items[i] = s;
    }
    if (args[1].u.b && n > 1) {
        /* Sort by key (struct field 0): insertion sort keeps it simple and stable. */
        for (uint32_t i = 1; i < n; i++) {
            Value cur = r.u.items[i];
            uint32_t j = i;
            while (j > 0 && val_compare(&r.u.items[j - 1].u.items[0], &cur.u.items[0]) > 0) {
                r.u.items[j] = r.u.items[j - 1];
                j--;
            }
            r.u.items[j] = cur;
        }
    }
    *out = r;
    return 0;
}

/* ---------------------------------------------------------------- ELT, FIELD, SLICE */

static int c_elt(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    if (args[0].kind == TYPE_NULL || args[0].u.i < 1 || args[0].u.i > nargs - 1) {
        *out = val_null();
        return 0;
    }
    *out = args[args[0].u.i];
    return 0;
}

static int c_field(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)ctx;
    *out = val_int(0);
    if (args[0].kind == TYPE_NULL) return 0;
    for (int i = 1; i < nargs; i++)
        if (args[i].kind != TYPE_NULL && val_equal(&args[0], &args[i])) {
            *out = val_int(i);
            return 0;
        }
    return 0;
}

static int c_slice(FnCtx *ctx, int nargs, const Value *args, Value *out)
{
    (void)nargs;
    if (args[0].kind == TYPE_NULL) {
        *out = val_null();
        return 0;
    }
    long size = args[0].len;
    long start = args[1].kind == TYPE_NULL ? 0 : (long)args[1].u.i - 1;
    long end = args[2].kind == TYPE_NULL ? size : (long)args[2].u.i;
    if (start < 0 || end > size || start > end) {
        *out = val_null();
        return 0;
    }
    Value r = array_of(ctx->arena, (uint32_t)(end - start), ctx->call->ret);
    if (end > start)
        memcpy(r.u.items, args[0].u.items + start, sizeof(Value) * (size_t)(end - start));
    *out = r;
    return 0;
}

/* ---------------------------------------------------------------- table */

#define ARR_DEF(NAME, vs, desc)                                                                    \
    {                                                                                              \
        .name = NAME, .kind = FN_SCALAR, .category = "ARRAY", .description = desc, FN_VARIANTS(vs) \
    }
#define MAP_DEF(NAME, vs, desc)                                                                    \
    {                                                                                              \
        .name = NAME, .kind = FN_SCALAR, .category = "MAP", .description = desc, FN_VARIANTS(vs)   \
    }

static const FnVariant v_array_contains[] = {
    {.params = "ARRAY<T> array, T val",
     .returns = "BOOLEAN",
     .description = "Returns whether the array contains val.",
     .impl = c_array_contains},
};
static const FnVariant v_array_distinct[] = {
    {.params = "ARRAY<T> array",
     .returns = "ARRAY<T>",
     .description = "Returns the distinct elements of the array, in order of first occurrence.",
     .impl = c_array_distinct},
};
static const FnVariant v_array_except[] = {
    {.params = "ARRAY<T> left, ARRAY<T> right",
     .returns = "ARRAY<T>",
     .description = "Returns the distinct elements of left that are not in right.",
     .impl = c_array_except},
};
static const FnVariant v_array_intersect[] = {
    {.params = "ARRAY<T> left, ARRAY<T> right",
     .returns = "ARRAY<T>",
     .description = "Returns the distinct elements present in both arrays.",
     .impl = c_array_intersect},
};
static const FnVariant v_array_union[] = {
    {.params = "ARRAY<T> left, ARRAY<T> right",
     .returns = "ARRAY<T>",
     .description = "Returns the distinct elements of both arrays.",
     .impl = c_array_union},
};
static const FnVariant v_array_concat[] = {
    {.params = "ARRAY<T> left, ARRAY<T> right",
     .returns = "ARRAY<T>",
     .description = "Concatenates two arrays; a null array counts as empty unless both are null.",
     .impl = c_array_concat},
};
static const FnVariant v_array_join[] = {
    {.params = "ARRAY<T> array",
     .returns = "STRING",
     .description = "Joins the array's elements with ','.",
     .impl = c_array_join},
    {.params = "ARRAY<T> array, STRING delimiter",
     .returns = "STRING",
     .description = "Joins the array's elements with the delimiter.",
     .impl = c_array_join},
};
static const FnVariant v_array_length[] = {
    {.params = "ARRAY<T> array",
     .returns = "INT",
     .description = "Returns the number of elements in the array.",
     .impl = c_array_length},
};
static const FnVariant v_array_max[] = {
    {.params = "ARRAY<T> array",
     .returns = "T",
     .description = "Returns the largest non-null element.",
     .impl = c_array_max},
};
static const FnVariant v_array_min[] = {
    {.params = "ARRAY<T> array",
     .returns = "T",
     .description = "Returns the smallest non-null element.",
     .impl = c_array_min},
};
static const FnVariant v_array_remove[] = {
    {.params = "ARRAY<T> array, T victim",
     .returns = "ARRAY<T>",
     .description = "Removes every element equal to victim.",
     .impl = c_array_remove},
};
static const FnVariant v_array_sort[] = {
    {.params = "ARRAY<T> array",
     .returns = "ARRAY<T>",
     .description = "Sorts the array ascending, nulls last.",
     .impl = c_array_sort},
    {.params = "ARRAY<T> array, STRING direction",
     .returns = "ARRAY<T>",
     .description = "Sorts the array in the direction 'ASC' or 'DESC', nulls last.",
     .impl = c_array_sort},
};
static const FnVariant v_as_map[] = {
    {.params = "ARRAY<STRING> keys, ARRAY<T> values",
     .returns = "MAP<STRING, T>",
     .description = "Builds a map from a list of keys and a list of values.",
     .impl = c_as_map},
};
static const FnVariant v_elt[] = {
    {.params = "INT n, STRING... args",
     .returns = "STRING",
     .description = "Returns the nth argument (1-based), or null when out of range.",
     .impl = c_elt},
};
static const FnVariant v_field[] = {
    {.params = "STRING str, STRING... args",
     .returns = "INT",
     .description = "Returns the 1-based position of str in args, or 0.",
     .impl = c_field},
};
static const FnVariant v_map_keys[] = {
    {.params = "MAP<STRING, T> input",
     .returns = "ARRAY<STRING>",
     .description = "Returns the keys of the map.",
     .impl = c_map_keys},
};
static const FnVariant v_map_values[] = {
    {.params = "MAP<STRING, T> input",
     .returns = "ARRAY<T>",
     .description = "Returns the values of the map.",
     .impl = c_map_values},
};
static const FnVariant v_map_union[] = {
    {.params = "MAP<STRING, T> map1, MAP<STRING, T> map2",
     .returns = "MAP<STRING, T>",
     .description = "Merges two maps; keys of map2 win.",
     .impl = c_map_union},
};
static const FnVariant v_slice[] = {
    {.params = "ARRAY<T> list, INT from, INT to",
     .returns = "ARRAY<T>",
     .description = "Returns the elements from position from to position to (1-based, inclusive).",
     .impl = c_slice},
};
static const FnVariant v_entries[] = {
    {.params = "MAP<STRING, T> map, BOOLEAN sorted",
     .returns = "ARRAY<STRUCT<K STRING, V T>>",
     .description =
         "Returns the map's entries as an array of structs K, V (sorted by key when asked).",
     .impl = c_entries},
};

static const FnDef collection_defs[] = {
    ARR_DEF("ARRAY_CONCAT", v_array_concat, "Concatenates two arrays."),
    ARR_DEF("ARRAY_CONTAINS", v_array_contains, "Returns whether an array contains a value."),
    ARR_DEF("ARRAY_DISTINCT", v_array_distinct, "Returns the distinct elements of an array."),
    ARR_DEF("ARRAY_EXCEPT", v_array_except, "Returns the elements of one array not in another."),
    ARR_DEF("ARRAY_INTERSECT", v_array_intersect, "Returns the elements common to two arrays."),
    ARR_DEF("ARRAY_JOIN", v_array_join, "Joins the elements of an array into a string."),
    ARR_DEF("ARRAY_LENGTH", v_array_length, "Returns the length of an array."),
    ARR_DEF("ARRAY_MAX", v_array_max, "Returns the maximum element of an array."),
    ARR_DEF("ARRAY_MIN", v_array_min, "Returns the minimum element of an array."),
    ARR_DEF("ARRAY_REMOVE", v_array_remove, "Removes all occurrences of a value from an array."),
    ARR_DEF("ARRAY_SORT", v_array_sort, "Sorts an array."),
    ARR_DEF("ARRAY_UNION", v_array_union, "Returns the union of two arrays."),
    MAP_DEF("AS_MAP", v_as_map, "Builds a map from arrays of keys and values."),
    {.name = "ELT",
     .kind = FN_SCALAR,
     .category = "STRING",
     .description = "Returns the nth of its string arguments.",
     FN_VARIANTS(v_elt)},
    MAP_DEF("ENTRIES", v_entries, "Returns the entries of a map as an array of structs."),
    {.name = "FIELD",
     .kind = FN_SCALAR,
     .category = "STRING",
     .description = "Returns the position of a string among the arguments.",
     FN_VARIANTS(v_field)},
    MAP_DEF("MAP_KEYS", v_map_keys, "Returns the keys of a map."),
    MAP_DEF("MAP_UNION", v_map_union, "Merges two maps."),
    MAP_DEF("MAP_VALUES", v_map_values, "Returns the values of a map."),
    ARR_DEF("SLICE", v_slice, "Returns a slice of an array."),
};

FN_FAMILY(collection_defs);
