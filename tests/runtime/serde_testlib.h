/*
 * serde_testlib.h - helpers shared by the serde tests and the serde benchmark:
 * a small parser for column lists written like SQL ("K INT, `v` ARRAY<STRING>")
 * and a precise text rendering of decoded values ("i:1, s:'x', NULL").
 *
 * Header-only (static functions) so the test and bench programs need no extra
 * library; not part of eddy itself.
 */
#ifndef EDDY_SERDE_TESTLIB_H
#define EDDY_SERDE_TESTLIB_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../src/common/types.h"
#include "../../src/common/value.h"

#define TL_MAX_COLS 64

typedef struct TlSchema {
    int n;
    const char *names[TL_MAX_COLS];
    const Type *types[TL_MAX_COLS];
} TlSchema;

typedef struct TlLex {
    const char *p;
} TlLex;

static void tl_ws(TlLex *l)
{
    while (*l->p == ' ')
        l->p++;
}

/* Reads an identifier (upper-cased) or a back-quoted name (kept). */
static const char *tl_name(TlLex *l)
{
    static char buf[8][128];
    static int slot;
    char *o = buf[slot++ & 7];
    size_t n = 0;
    tl_ws(l);
    if (*l->p == '`') {
        l->p++;
        while (*l->p && *l->p != '`' && n < 127)
            o[n++] = *l->p++;
        if (*l->p == '`') l->p++;
    } else {
        while ((isalnum((unsigned char)*l->p) || *l->p == '_') && n < 127)
            o[n++] = (char)toupper((unsigned char)*l->p++);
    }
    o[n] = 0;
    return type_intern_name(o);
}

static const Type *tl_type(TlLex *l);

static int tl_int(TlLex *l)
{
    tl_ws(l);
    int v = (int)strtol(l->p, (char **)&l->p, 10);
    tl_ws(l);
    return v;
}

static void tl_expect(TlLex *l, char c)
{
    tl_ws(l);
    if (*l->p == c) l->p++;
    tl_ws(l);
}

static const Type *tl_type(TlLex *l)
{
    const char *w = tl_name(l);
    if (!strcmp(w, "BOOLEAN")) return T_BOOLEAN;
    if (!strcmp(w, "INT") || !strcmp(w, "INTEGER")) return T_INT;
    if (!strcmp(w, "BIGINT")) return T_BIGINT;
    if (!strcmp(w, "DOUBLE")) return T_DOUBLE;
    if (!strcmp(w, "STRING") || !strcmp(w, "VARCHAR")) return T_STRING;
    if (!strcmp(w, "BYTES")) return T_BYTES;
    if (!strcmp(w, "DATE")) return T_DATE;
    if (!strcmp(w, "TIME")) return T_TIME;
    if (!strcmp(w, "TIMESTAMP")) return T_TIMESTAMP;
    if (!strcmp(w, "DECIMAL")) {
        tl_expect(l, '(');
        int p = tl_int(l);
        tl_expect(l, ',');
        int s = tl_int(l);
        tl_expect(l, ')');
        return type_decimal(p, s);
    }
    if (!strcmp(w, "ARRAY")) {
        tl_expect(l, '<');
        const Type *e = tl_type(l);
        tl_expect(l, '>');
        return type_array(e);
    }
    if (!strcmp(w, "MAP")) {
        tl_expect(l, '<');
        const Type *k = tl_type(l);
        tl_expect(l, ',');
        const Type *v = tl_type(l);
        tl_expect(l, '>');
        return type_map(k, v);
    }
    if (!strcmp(w, "STRUCT")) {
        TypeField f[TL_MAX_COLS];
        int n = 0;
        tl_expect(l, '<');
        while (*l->p && *l->p != '>') {
            f[n].name = tl_name(l);
            f[n].type = tl_type(l);
            n++;
            tl_ws(l);
            if (*l->p == ',') l->p++;
            tl_ws(l);
        }
        tl_expect(l, '>');
        return type_struct(n, f);
    }
    fprintf(stderr, "testlib: unknown type %s\n", w);
    abort();
}

/* "A INT, `b` STRING" -> names and types. */
static TlSchema tl_schema(const char *text)
{
    TlSchema s;
    s.n = 0;
    TlLex l = {text};
    tl_ws(&l);
    while (*l.p) {
        s.names[s.n] = tl_name(&l);
        s.types[s.n] = tl_type(&l);
        s.n++;
        tl_ws(&l);
        if (*l.p == ',') l.p++;
        tl_ws(&l);
    }
    return s;
}

/* Renders a value with its kind: i:1 l:1 d:1.5 dec:1.10 b:true s:'x' y:<base64>
 * date:1 time:1 ts:1 [..] {k=v} Struct{A=..} NULL. */
static void tl_render(StrBuf *sb, const Value *v)
{
    switch (v->kind) {
    case TYPE_NULL: sb_puts(sb, "NULL"); break;
    case TYPE_BOOLEAN: sb_printf(sb, "b:%s", v->u.b ? "true" : "false"); break;
    case TYPE_INT: sb_printf(sb, "i:%d", v->u.i); break;
    case TYPE_BIGINT: sb_printf(sb, "l:%lld", (long long)v->u.l); break;
    case TYPE_DOUBLE:
        sb_puts(sb, "d:");
        fmt_java_double(sb, v->u.d);
        break;
    case TYPE_DECIMAL:
        sb_puts(sb, "dec:");
        dec_format(sb, v->u.dec, v->scale);
        break;
    case TYPE_STRING:
        sb_puts(sb, "s:'");
        sb_append(sb, v->u.s, v->len);
        sb_putc(sb, '\'');
        break;
    case TYPE_BYTES:
        sb_puts(sb, "y:");
        base64_encode(sb, v->u.s, v->len);
        break;
    case TYPE_DATE: sb_printf(sb, "date:%d", v->u.i); break;
    case TYPE_TIME: sb_printf(sb, "time:%d", v->u.i); break;
    case TYPE_TIMESTAMP: sb_printf(sb, "ts:%lld", (long long)v->u.l); break;
    case TYPE_ARRAY:
        sb_putc(sb, '[');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) sb_puts(sb, ", ");
            tl_render(sb, &v->u.items[i]);
        }
        sb_putc(sb, ']');
        break;
    case TYPE_MAP:
        sb_putc(sb, '{');
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) sb_puts(sb, ", ");
            tl_render(sb, &v->u.items[2 * i]);
            sb_putc(sb, '=');
            tl_render(sb, &v->u.items[2 * i + 1]);
        }
        sb_putc(sb, '}');
        break;
    case TYPE_STRUCT:
        sb_puts(sb, "Struct{");
        for (uint32_t i = 0; i < v->len; i++) {
            if (i) sb_puts(sb, ", ");
            sb_printf(sb, "%s=", v->type->fields[i].name);
            tl_render(sb, &v->u.items[i]);
        }
        sb_putc(sb, '}');
        break;
    default: sb_puts(sb, "?"); break;
    }
}

#endif
