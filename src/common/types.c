/*
 * types.c - interned SQL types (see types.h).
 *
 * A global open-addressing table maps a structural description to the one Type
 * object for it. Entries are never freed: the set of distinct types a server sees
 * is small and bounded by the statements it runs.
 */
#include "types.h"
#include "arena.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t intern_lock = PTHREAD_MUTEX_INITIALIZER;
static Arena intern_arena;
static bool intern_ready;

static const Type **type_tab;
static size_t type_cap, type_cnt;
static const char **name_tab;
static size_t name_cap, name_cnt;

#define PRIM(k) [k] = {.kind = k}
static const Type prim_types[TYPE__COUNT] = {
    PRIM(TYPE_NULL),   PRIM(TYPE_BOOLEAN), PRIM(TYPE_INT),       PRIM(TYPE_BIGINT),
    PRIM(TYPE_DOUBLE), PRIM(TYPE_DECIMAL), PRIM(TYPE_STRING),    PRIM(TYPE_BYTES),
    PRIM(TYPE_DATE),   PRIM(TYPE_TIME),    PRIM(TYPE_TIMESTAMP), PRIM(TYPE_ARRAY),
    PRIM(TYPE_MAP),    PRIM(TYPE_STRUCT),  PRIM(TYPE_LAMBDA),    PRIM(TYPE_INTERVAL_UNIT),
};

static uint64_t hash_bytes(const void *p, size_t n, uint64_t h)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t type_hash(const Type *t)
{
    uint64_t h = 14695981039346656037ULL;
    h = hash_bytes(&t->kind, sizeof t->kind, h);
    h = hash_bytes(&t->precision, 1, h);
    h = hash_bytes(&t->scale, 1, h);
    h = hash_bytes(&t->elem, sizeof t->elem, h);
    h = hash_bytes(&t->key, sizeof t->key, h);
    h = hash_bytes(&t->nfields, sizeof t->nfields, h);
    for (int i = 0; i < t->nfields; i++) {
        h = hash_bytes(&t->fields[i].name, sizeof(char *), h);
        h = hash_bytes(&t->fields[i].type, sizeof(Type *), h);
    }
    return h;
}

/* Children are interned, so shallow comparison of pointers is structural. */
static bool type_same(const Type *a, const Type *b)
{
    if (a->kind != b->kind || a->precision != b->precision || a->scale != b->scale ||
        a->elem != b->elem || a->key != b->key || a->nfields != b->nfields)
        return false;
    for (int i = 0; i < a->nfields; i++)
        if (a->fields[i].name != b->fields[i].name || a->fields[i].type != b->fields[i].type)
            return false;
    return true;
}

static void ensure_ready(void)
{
    if (intern_ready) return;
    arena_init(&intern_arena, 16384);
    intern_ready = true;
}

static const char *intern_name_locked(const char *s)
{
    if (!s) return NULL;
    if (name_cnt * 2 >= name_cap) {
        size_t ncap = name_cap ? name_cap * 2 : 256;
        const char **nt = xcalloc(ncap, sizeof *nt);
        for (size_t i = 0; i < name_cap; i++) {
            if (!name_tab[i]) continue;
            size_t j = hash_bytes(name_tab[i], strlen(name_tab[i]), 14695981039346656037ULL) &
                       (ncap - 1);
            while (nt[j]) j = (j + 1) & (ncap - 1);
            nt[j] = name_tab[i];
        }
        free(name_tab);
        name_tab = nt;
        name_cap = ncap;
    }
    size_t n = strlen(s);
    size_t j = hash_bytes(s, n, 14695981039346656037ULL) & (name_cap - 1);
    while (name_tab[j]) {
        if (strcmp(name_tab[j], s) == 0) return name_tab[j];
        j = (j + 1) & (name_cap - 1);
    }
    name_tab[j] = arena_strndup(&intern_arena, s, n);
    name_cnt++;
    return name_tab[j];
}

const char *type_intern_name(const char *s)
{
    pthread_mutex_lock(&intern_lock);
    ensure_ready();
    const char *r = intern_name_locked(s);
    pthread_mutex_unlock(&intern_lock);
    return r;
}

/* Interns `proto` (whose field names must already be interned); returns the
 * canonical copy. Caller holds the lock. */
static const Type *intern_locked(const Type *proto)
{
    if (type_cnt * 2 >= type_cap) {
        size_t ncap = type_cap ? type_cap * 2 : 256;
        const Type **nt = xcalloc(ncap, sizeof *nt);
        for (size_t i = 0; i < type_cap; i++) {
            if (!type_tab[i]) continue;
            size_t j = type_hash(type_tab[i]) & (ncap - 1);
            while (nt[j]) j = (j + 1) & (ncap - 1);
            nt[j] = type_tab[i];
        }
        free(type_tab);
        type_tab = nt;
        type_cap = ncap;
    }
    size_t j = type_hash(proto) & (type_cap - 1);
    while (type_tab[j]) {
        if (type_same(type_tab[j], proto)) return type_tab[j];
        j = (j + 1) & (type_cap - 1);
    }
    Type *t = arena_alloc(&intern_arena, sizeof *t);
    *t = *proto;
    if (proto->nfields) {
        TypeField *f = arena_alloc(&intern_arena, sizeof *f * (size_t)proto->nfields);
        memcpy(f, proto->fields, sizeof *f * (size_t)proto->nfields);
        t->fields = f;
    } else {
        t->fields = NULL;
    }
    type_tab[j] = t;
    type_cnt++;
    return t;
}

const Type *type_prim(TypeKind k)
{
    return &prim_types[k];
}

static const Type *intern(const Type *proto)
{
    pthread_mutex_lock(&intern_lock);
    ensure_ready();
    const Type *t = intern_locked(proto);
    pthread_mutex_unlock(&intern_lock);
    return t;
}

const Type *type_decimal(int precision, int scale)
{
    Type p = {.kind = TYPE_DECIMAL, .precision = (uint8_t)precision, .scale = (uint8_t)scale};
    return intern(&p);
}

const Type *type_array(const Type *elem)
{
    Type p = {.kind = TYPE_ARRAY, .elem = elem};
    return intern(&p);
}

const Type *type_map(const Type *key, const Type *value)
{
    Type p = {.kind = TYPE_MAP, .key = key, .elem = value};
    return intern(&p);
}

const Type *type_struct(int n, const TypeField *fields)
{
    TypeField tmp[n > 0 ? n : 1];
    pthread_mutex_lock(&intern_lock);
    ensure_ready();
    for (int i = 0; i < n; i++) {
        tmp[i].name = intern_name_locked(fields[i].name);
        tmp[i].type = fields[i].type;
    }
    Type p = {.kind = TYPE_STRUCT, .nfields = n, .fields = tmp};
    const Type *t = intern_locked(&p);
    pthread_mutex_unlock(&intern_lock);
    return t;
}

const Type *type_lambda(int nparams, const Type *const *params, const Type *ret)
{
    TypeField tmp[nparams > 0 ? nparams : 1];
    for (int i = 0; i < nparams; i++) {
        tmp[i].name = NULL;
        tmp[i].type = params[i];
    }
    Type p = {.kind = TYPE_LAMBDA, .nfields = nparams, .fields = tmp, .elem = ret};
    return intern(&p);
}

int type_field_index(const Type *t, const char *name)
{
    if (t->kind != TYPE_STRUCT) return -1;
    for (int i = 0; i < t->nfields; i++)
        if (strcmp(t->fields[i].name, name) == 0) return i;
    return -1;
}

void type_print(StrBuf *sb, const Type *t)
{
    switch (t->kind) {
    case TYPE_NULL: sb_puts(sb, "NULL"); break;
    case TYPE_BOOLEAN: sb_puts(sb, "BOOLEAN"); break;
    case TYPE_INT: sb_puts(sb, "INTEGER"); break;
    case TYPE_BIGINT: sb_puts(sb, "BIGINT"); break;
    case TYPE_DOUBLE: sb_puts(sb, "DOUBLE"); break;
    case TYPE_DECIMAL: sb_printf(sb, "DECIMAL(%d, %d)", t->precision, t->scale); break;
    case TYPE_STRING: sb_puts(sb, "STRING"); break;
    case TYPE_BYTES: sb_puts(sb, "BYTES"); break;
    case TYPE_DATE: sb_puts(sb, "DATE"); break;
    case TYPE_TIME: sb_puts(sb, "TIME"); break;
    case TYPE_TIMESTAMP: sb_puts(sb, "TIMESTAMP"); break;
    case TYPE_ARRAY:
        sb_puts(sb, "ARRAY<");
        type_print(sb, t->elem);
        sb_putc(sb, '>');
        break;
    case TYPE_MAP:
        sb_puts(sb, "MAP<");
        type_print(sb, t->key);
        sb_puts(sb, ", ");
        type_print(sb, t->elem);
        sb_putc(sb, '>');
        break;
    case TYPE_STRUCT:
        sb_puts(sb, "STRUCT<");
        for (int i = 0; i < t->nfields; i++) {
            if (i) sb_puts(sb, ", ");
            sb_printf(sb, "`%s` ", t->fields[i].name);
            type_print(sb, t->fields[i].type);
        }
        sb_putc(sb, '>');
        break;
    case TYPE_LAMBDA:
        sb_puts(sb, "LAMBDA");
        break;
    case TYPE_INTERVAL_UNIT: sb_puts(sb, "INTERVALUNIT"); break;
    case TYPE__COUNT: break;
    }
}

const char *type_name(const Type *t)
{
    static _Thread_local char buf[4][512];
    static _Thread_local int slot;
    StrBuf sb = STRBUF_INIT;
    type_print(&sb, t);
    char *out = buf[slot++ & 3];
    snprintf(out, sizeof buf[0], "%s", sb_cstr(&sb));
    sb_free(&sb);
    return out;
}

static int numeric_rank(TypeKind k)
{
    switch (k) {
    case TYPE_INT: return 1;
    case TYPE_BIGINT: return 2;
    case TYPE_DECIMAL: return 3;
    case TYPE_DOUBLE: return 4;
    default: return 0;
    }
}

bool type_can_widen(const Type *from, const Type *to)
{
    if (from == to || from->kind == TYPE_NULL) return true;
    int rf = numeric_rank(from->kind), rt = numeric_rank(to->kind);
    if (rf && rt) {
        if (rf > rt) return false;
        if (to->kind == TYPE_DECIMAL) {
            const Type *fd = type_to_decimal(from);
            return to->precision - to->scale >= fd->precision - fd->scale &&
                   to->scale >= fd->scale;
        }
        return true;
    }
    if (from->kind != to->kind) return false;
    switch (from->kind) {
    case TYPE_ARRAY: return type_can_widen(from->elem, to->elem);
    case TYPE_MAP: return type_can_widen(from->key, to->key) && type_can_widen(from->elem, to->elem);
    case TYPE_STRUCT:
        if (from->nfields != to->nfields) return false;
        for (int i = 0; i < from->nfields; i++)
            if (from->fields[i].name != to->fields[i].name ||
                !type_can_widen(from->fields[i].type, to->fields[i].type))
                return false;
        return true;
    default: return false;
    }
}

const Type *type_to_decimal(const Type *t)
{
    switch (t->kind) {
    case TYPE_INT: return type_decimal(10, 0);
    case TYPE_BIGINT: return type_decimal(19, 0);
    case TYPE_DECIMAL: return t;
    default: return NULL;
    }
}

bool type_contains_map(const Type *t)
{
    switch (t->kind) {
    case TYPE_MAP: return true;
    case TYPE_ARRAY: return type_contains_map(t->elem);
    case TYPE_STRUCT:
        for (int i = 0; i < t->nfields; i++)
            if (type_contains_map(t->fields[i].type)) return true;
        return false;
    default: return false;
    }
}
