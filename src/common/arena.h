/*
 * arena.h - bump allocator for everything whose lifetime is a scope.
 *
 * What a statement or a query builds (AST, plan, operator state) lives in that
 * scope's arena and is freed with it in one call. Per-batch work allocates from a
 * scratch arena that is reset after each batch, so the record path never calls
 * malloc per record once the arena has grown to the batch's working size.
 */
#ifndef EDDY_ARENA_H
#define EDDY_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct ArenaChunk ArenaChunk;

typedef struct Arena {
    ArenaChunk *head;  /* chunk being filled */
    ArenaChunk *spare; /* chunks kept by arena_reset() for reuse */
    size_t chunk_size; /* bytes per new chunk (grows for big requests) */
    size_t used;       /* bytes handed out since init/reset, for metrics */
} Arena;

/* Initialises an empty arena; no memory is taken until the first allocation. */
void arena_init(Arena *a, size_t chunk_size);

/* Returns 16-byte aligned memory valid until arena_reset/arena_free. Never NULL
 * (aborts the process on out-of-memory, like the rest of eddy's allocators). */
void *arena_alloc(Arena *a, size_t n);

/* Like arena_alloc, zero-filled. */
void *arena_zalloc(Arena *a, size_t n);

/* Copies n bytes into the arena and appends a NUL; returns the copy. */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);

/* printf into the arena. */
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Grows an array allocated in this arena (copying); old memory stays until reset. */
void *arena_realloc(Arena *a, void *old, size_t old_n, size_t new_n);

/* Frees everything allocated since init but keeps the chunks for reuse. */
void arena_reset(Arena *a);

/* Releases all memory. The arena may be reused after arena_init. */
void arena_free(Arena *a);

/* Heap helpers that abort on out-of-memory (used where an arena does not fit). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
