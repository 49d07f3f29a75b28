/*
 * catalog.c - the metastore of streams, tables and custom types (see catalog.h).
 *
 * Small arrays searched linearly: a server holds tens to hundreds of sources, and
 * lookups happen while statements are planned, never per record.
 */
#include "catalog.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct Catalog {
    Source **sources;
    int nsources, cap;
    CustomType *types;
    int ntypes, tcap;
};

Catalog *catalog_new(void)
{
    return xcalloc(1, sizeof(Catalog));
}

void catalog_free(Catalog *c)
{
    if (!c) return;
    for (int i = 0; i < c->nsources; i++) source_free(c->sources[i]);
    free(c->sources);
    for (int i = 0; i < c->ntypes; i++) free((char *)c->types[i].name);
    free(c->types);
    free(c);
}

Source *source_new(const char *name)
{
    Source *s = xcalloc(1, sizeof *s);
    arena_init(&s->arena, 4096);
    s->name = arena_strdup(&s->arena, name);
    s->ts_col = -1;
    return s;
}

void source_free(Source *s)
{
    if (!s) return;
    arena_free(&s->arena);
    free(s);
}

Source *catalog_find(Catalog *c, const char *name)
{
    for (int i = 0; i < c->nsources; i++)
        if (strcmp(c->sources[i]->name, name) == 0) return c->sources[i];
    return NULL;
}

int catalog_add(Catalog *c, Source *s, bool replace, EddyError *err)
{
    for (int i = 0; i < c->nsources; i++) {
        if (strcmp(c->sources[i]->name, s->name) == 0) {
            if (!replace) return err_set(err, ERR_EXISTS, -1, "%s already exists", s->name);
            source_free(c->sources[i]);
            c->sources[i] = s;
            return 0;
        }
    }
    if (c->nsources == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->sources = xrealloc(c->sources, sizeof(Source *) * (size_t)c->cap);
    }
    c->sources[c->nsources++] = s;
    return 0;
}

int catalog_drop(Catalog *c, const char *name)
{
    for (int i = 0; i < c->nsources; i++) {
        if (strcmp(c->sources[i]->name, name) == 0) {
            source_free(c->sources[i]);
            memmove(&c->sources[i], &c->sources[i + 1],
                    sizeof(Source *) * (size_t)(c->nsources - i - 1));
            c->nsources--;
            return 0;
        }
    }
    return ERR_NOT_FOUND;
}

int catalog_count(const Catalog *c)
{
    return c->nsources;
}

Source *catalog_at(Catalog *c, int i)
{
    return c->sources[i];
}

const Type *catalog_type_find(Catalog *c, const char *name)
{
    for (int i = 0; i < c->ntypes; i++)
        if (strcmp(c->types[i].name, name) == 0) return c->types[i].type;
    return NULL;
}

int catalog_type_add(Catalog *c, const char *name, const Type *t, EddyError *err)
{
    if (catalog_type_find(c, name))
        return err_set(err, ERR_EXISTS, -1, "Cannot register custom type '%s' since it is already registered with type: %s", name, type_name(catalog_type_find(c, name)));
    if (c->ntypes == c->tcap) {
        c->tcap = c->tcap ? c->tcap * 2 : 8;
        c->types = xrealloc(c->types, sizeof(CustomType) * (size_t)c->tcap);
    }
    c->types[c->ntypes].name = xstrdup(name);
    c->types[c->ntypes].type = t;
    c->ntypes++;
    return 0;
}

int catalog_type_drop(Catalog *c, const char *name)
{
    for (int i = 0; i < c->ntypes; i++) {
        if (strcmp(c->types[i].name, name) == 0) {
            free((char *)c->types[i].name);
            memmove(&c->types[i], &c->types[i + 1], sizeof(CustomType) * (size_t)(c->ntypes - i - 1));
            c->ntypes--;
            return 0;
        }
    }
    return ERR_NOT_FOUND;
}

int catalog_type_count(const Catalog *c)
{
    return c->ntypes;
}

const CustomType *catalog_type_at(const Catalog *c, int i)
{
    return &c->types[i];
}

int schema_find(const Schema *s, const char *name)
{
    for (int i = 0; i < s->ncols; i++)
        if (strcmp(s->cols[i].name, name) == 0) return i;
    return -1;
}

bool ident_needs_quotes(const char *name)
{
    if (!name[0] || isdigit((unsigned char)name[0])) return true;
    for (const char *p = name; *p; p++)
        if (!(isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_')) return true;
    return false;
}

void schema_print(StrBuf *sb, const Schema *s, bool is_table)
{
    for (int i = 0; i < s->ncols; i++) {
        const Column *c = &s->cols[i];
        if (i) sb_puts(sb, ", ");
        sb_printf(sb, "`%s` ", c->name);
        type_print(sb, c->type);
        switch (c->role) {
        case COL_KEY: sb_puts(sb, is_table ? " PRIMARY KEY" : " KEY"); break;
        case COL_HEADERS: sb_puts(sb, " HEADERS"); break;
        case COL_HEADER: sb_printf(sb, " HEADER('%s')", c->header_key); break;
        default: break;
        }
    }
}

Schema schema_copy(Arena *a, const Schema *s)
{
    Schema r = *s;
    r.cols = arena_alloc(a, sizeof(Column) * (size_t)(s->ncols ? s->ncols : 1));
    memcpy(r.cols, s->cols, sizeof(Column) * (size_t)s->ncols);
    for (int i = 0; i < s->ncols; i++)
        if (s->cols[i].header_key) r.cols[i].header_key = arena_strdup(a, s->cols[i].header_key);
    return r;
}
