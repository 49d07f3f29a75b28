/*
 * arena.c - chunked bump allocator (see arena.h).
 */
#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ArenaChunk {
    ArenaChunk *next;
    size_t size; /* usable bytes in data */
    size_t off;  /* bytes used */
    _Alignas(16) unsigned char data[];
};

static void oom(size_t n)
{
    fprintf(stderr, "eddy: out of memory allocating %zu bytes\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p) oom(n * sz);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void arena_init(Arena *a, size_t chunk_size)
{
    a->head = NULL;
    a->spare = NULL;
    a->chunk_size = chunk_size ? chunk_size : 8192;
    a->used = 0;
}

static ArenaChunk *chunk_new(Arena *a, size_t need)
{
    /* Reuse a spare chunk when it is big enough. */
    ArenaChunk **pp = &a->spare;
    while (*pp) {
        if ((*pp)->size >= need) {
            ArenaChunk *c = *pp;
            *pp = c->next;
            c->off = 0;
            return c;
        }
        pp = &(*pp)->next;
    }
    size_t size = a->chunk_size;
    while (size < need) size *= 2;
    ArenaChunk *c = xmalloc(sizeof(ArenaChunk) + size);
    c->size = size;
    c->off = 0;
    return c;
}

void *arena_alloc(Arena *a, size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (need == 0) need = 16;
    ArenaChunk *c = a->head;
    if (!c || c->off + need > c->size) {
        c = chunk_new(a, need);
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->off;
    c->off += need;
    a->used += need;
    return p;
}

void *arena_zalloc(Arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *arena_strdup(Arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    if ((size_t)n < sizeof tmp) {
        memcpy(p, tmp, (size_t)n + 1);
    } else {
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return p;
}

void *arena_realloc(Arena *a, void *old, size_t old_n, size_t new_n)
{
    if (new_n <= old_n) return old;
    void *p = arena_alloc(a, new_n);
    if (old && old_n) memcpy(p, old, old_n);
    return p;
}

void arena_reset(Arena *a)
{
    ArenaChunk *c = a->head;
    /* Every chunk becomes a spare: the next batch reuses them without malloc. */
    while (c) {
        ArenaChunk *next = c->next;
        c->next = a->spare;
        a->spare = c;
        c = next;
    }
    a->head = NULL;
    a->used = 0;
}

static void chunks_free(ArenaChunk *c)
{
    while (c) {
        ArenaChunk *next = c->next;
        free(c);
        c = next;
    }
}

void arena_free(Arena *a)
{
    chunks_free(a->head);
    chunks_free(a->spare);
    a->head = a->spare = NULL;
    a->used = 0;
}
