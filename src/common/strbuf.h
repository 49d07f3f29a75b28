/*
 * strbuf.h - growable byte buffer for building text (SQL, JSON, messages).
 *
 * A StrBuf owns heap memory; buffers that live across batches (serializer output)
 * are reset with sb_clear() and reused, so steady-state appends do not allocate.
 */
#ifndef EDDY_STRBUF_H
#define EDDY_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct StrBuf {
    char *data; /* NUL-terminated when cap > 0 */
    size_t len;
    size_t cap;
} StrBuf;

#define STRBUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void sb_init(StrBuf *sb);
void sb_free(StrBuf *sb);
static inline void sb_clear(StrBuf *sb)
{
    sb->len = 0;
    if (sb->data) sb->data[0] = 0;
}
/* Makes room for n more bytes (the slow path of sb_reserve). */
void sb_grow(StrBuf *sb, size_t n);
/* Makes room for n more bytes. Inline: serializers append per field. */
static inline void sb_reserve(StrBuf *sb, size_t n)
{
    if (sb->len + n + 1 > sb->cap) sb_grow(sb, n);
}
static inline void sb_append(StrBuf *sb, const void *p, size_t n)
{
    sb_reserve(sb, n);
    if (n) memcpy(sb->data + sb->len, p, n);
    sb->len += n;
    sb->data[sb->len] = 0;
}
void sb_puts(StrBuf *sb, const char *s);
static inline void sb_putc(StrBuf *sb, char c)
{
    if (sb->len + 2 > sb->cap) sb_reserve(sb, 1);
    sb->data[sb->len++] = c;
    sb->data[sb->len] = 0;
}
void sb_printf(StrBuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap);
/* The decimal text of v into out (24 bytes), NUL-ended; returns its length. */
size_t i64_text(char *out, int64_t v);
void sb_put_i64(StrBuf *sb, int64_t v);
/* Appends s as a JSON string literal (quotes and escapes). */
void sb_put_json_string(StrBuf *sb, const char *s, size_t n);
/* Detaches the buffer: returns malloc'd NUL-terminated text; sb becomes empty. */
char *sb_steal(StrBuf *sb);
/* Returns the text (never NULL; "" when empty). Valid until the next append. */
const char *sb_cstr(StrBuf *sb);

#endif
