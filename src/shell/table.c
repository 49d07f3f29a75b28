/*
 * table.c - drawing tables of text cells: ksqlDB CLI's list look for SHOW and
 * DESCRIBE, a bordered grid for query results, and vertical records.
 *
 * Widths are display widths of UTF-8 text (one per code point). A cell wider
 * than its column is wrapped over several lines, or cut with "..." when wrapping
 * is off. When a table is wider than the terminal, the widest columns shrink
 * until it fits; the renderer decides separately whether query results should
 * rather turn into vertical records.
 */
#include <stdlib.h>
#include <string.h>

#include "shell.h"

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

void table_init(Table *t, int ncols, const char *const *headers)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->headers = calloc((size_t)(ncols ? ncols : 1), sizeof(char *));
    for (int i = 0; i < ncols; i++)
        t->headers[i] = dup_or_empty(headers ? headers[i] : NULL);
}

void table_add_row(Table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 8;
        t->rows = realloc(t->rows, (size_t)t->cap * sizeof(char **));
    }
    char **row = calloc((size_t)(t->ncols ? t->ncols : 1), sizeof(char *));
    for (int i = 0; i < t->ncols; i++)
        row[i] = dup_or_empty(cells[i]);
    t->rows[t->nrows++] = row;
}

void table_free(Table *t)
{
    for (int r = 0; r < t->nrows; r++) {
        for (int i = 0; i < t->ncols; i++)
            free(t->rows[r][i]);
        free(t->rows[r]);
    }
    for (int i = 0; i < t->ncols; i++)
        free(t->headers[i]);
    free(t->headers);
    free(t->rows);
    memset(t, 0, sizeof *t);
}

int table_text_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) w++;
    return w;
}

/* Byte length of the longest prefix of s whose width is at most w. */
static size_t prefix_bytes(const char *s, int w)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    int seen = 0;
    while (p[i]) {
        if ((p[i] & 0xC0) != 0x80) {
            if (seen == w) break;
            seen++;
        }
        i++;
    }
    return i;
}

/* Appends the n bytes at s padded with spaces to width w. */
static void put_padded(StrBuf *out, const char *s, size_t n, int w)
{
    sb_append(out, s, n);
    int sw = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) sw++;
    for (int i = sw; i < w; i++)
        sb_putc(out, ' ');
}

/* Cells as they are drawn: newlines and tabs would break the grid. */
static char *cell_clean(const char *s)
{
    char *c = strdup(s);
    for (char *p = c; *p; p++)
        if (*p == '\n' || *p == '\t' || *p == '\r') *p = ' ';
    return c;
}

int table_natural_width(const Table *t, TableStyle style)
{
    int total = 0;
    for (int i = 0; i < t->ncols; i++) {
        int w = table_text_width(t->headers[i]);
        for (int r = 0; r < t->nrows; r++) {
            int cw = table_text_width(t->rows[r][i]);
            if (cw > w) w = cw;
        }
        total += w;
    }
    /* list: " a | b " = widths + 3 per column - 1; grid: "|a|b|" = widths + n + 1 */
    return style == TABLE_LIST ? total + 3 * t->ncols - 1 : total + t->ncols + 1;
}

int table_layout(const Table *t, TableStyle style, const TableOpts *o, int *widths)
{
    int total = 0;
    for (int i = 0; i < t->ncols; i++) {
        int w = table_text_width(t->headers[i]);
        if (o->column_width > 0) {
            w = o->column_width;
        } else {
            for (int r = 0; r < t->nrows; r++) {
                int cw = table_text_width(t->rows[r][i]);
                if (cw > w) w = cw;
            }
        }
        if (w < 1) w = 1;
        widths[i] = w;
        total += w;
    }
    int extra = style == TABLE_LIST ? 3 * t->ncols - 1 : t->ncols + 1;
    if (o->term_width > 0 && o->column_width <= 0) {
        /* the widest columns give way, one character at a time */
        while (total + extra > o->term_width) {
            int widest = -1;
            for (int i = 0; i < t->ncols; i++)
                if (widths[i] > 4 && (widest < 0 || widths[i] > widths[widest])) widest = i;
            if (widest < 0) break;
            widths[widest]--;
            total--;
        }
    }
    return total + extra;
}

/* Draws one logical row (wrapping into several lines when needed). */
static void put_row(StrBuf *out, int ncols, const char *const *cells, const int *widths, bool wrap,
                    TableStyle style)
{
    char **clean = calloc((size_t)ncols, sizeof(char *));
    const char **rest = calloc((size_t)ncols, sizeof(char *));
    for (int i = 0; i < ncols; i++) {
        clean[i] = cell_clean(cells[i] ? cells[i] : "");
        rest[i] = clean[i];
    }
    bool more = true;
    while (more) {
        more = false;
        if (style == TABLE_GRID) sb_putc(out, '|');
        for (int i = 0; i < ncols; i++) {
            if (style == TABLE_LIST) sb_puts(out, i ? " | " : " ");
            int w = widths[i];
            const char *s = rest[i];
            if (table_text_width(s) <= w) {
                put_padded(out, s, strlen(s), w);
                rest[i] = s + strlen(s);
            } else if (wrap) {
                size_t n = prefix_bytes(s, w);
                put_padded(out, s, n, w);
                rest[i] = s + n;
                if (*rest[i]) more = true;
            } else {
                int keep = w > 3 ? w - 3 : 0;
                size_t n = prefix_bytes(s, keep);
                sb_append(out, s, n);
                sb_append(out, "...", (size_t)(w - keep));
                rest[i] = s + strlen(s);
            }
            if (style == TABLE_GRID) sb_putc(out, '|');
        }
        if (style == TABLE_LIST) sb_putc(out, ' ');
        /* trailing spaces carry nothing: drop them */
        while (out->len && out->data[out->len - 1] == ' ')
            out->data[--out->len] = 0;
        sb_putc(out, '\n');
    }
    for (int i = 0; i < ncols; i++)
        free(clean[i]);
    free(clean);
    free(rest);
}

static void dash_rule(StrBuf *out, int width)
{
    for (int i = 0; i < width; i++)
        sb_putc(out, '-');
    sb_putc(out, '\n');
}

void table_grid_rule(StrBuf *out, int ncols, const int *widths)
{
    sb_putc(out, '+');
    for (int i = 0; i < ncols; i++) {
        for (int k = 0; k < widths[i]; k++)
            sb_putc(out, '-');
        sb_putc(out, '+');
    }
    sb_putc(out, '\n');
}

void table_grid_header(StrBuf *out, int ncols, const char *const *headers, const int *widths)
{
    table_grid_rule(out, ncols, widths);
    put_row(out, ncols, headers, widths, true, TABLE_GRID);
    table_grid_rule(out, ncols, widths);
}

void table_grid_row(StrBuf *out, int ncols, const char *const *cells, const int *widths, bool wrap)
{
    put_row(out, ncols, cells, widths, wrap, TABLE_GRID);
}

void table_print(StrBuf *out, const Table *t, TableStyle style, const TableOpts *o)
{
    if (t->ncols == 0) return;
    int *widths = calloc((size_t)t->ncols, sizeof(int));
    int total = table_layout(t, style, o, widths);
    const char *const *hdr = (const char *const *)t->headers;
    if (style == TABLE_GRID) {
        table_grid_header(out, t->ncols, hdr, widths);
        for (int r = 0; r < t->nrows; r++)
            put_row(out, t->ncols, (const char *const *)t->rows[r], widths, o->wrap, style);
        table_grid_rule(out, t->ncols, widths);
    } else {
        put_row(out, t->ncols, hdr, widths, true, style);
        dash_rule(out, total);
        for (int r = 0; r < t->nrows; r++)
            put_row(out, t->ncols, (const char *const *)t->rows[r], widths, o->wrap, style);
        dash_rule(out, total);
    }
    free(widths);
}

void table_print_vertical(StrBuf *out, const Table *t, int first_record)
{
    int w = 0;
    for (int i = 0; i < t->ncols; i++) {
        int hw = table_text_width(t->headers[i]);
        if (hw > w) w = hw;
    }
    for (int r = 0; r < t->nrows; r++) {
        StrBuf title = STRBUF_INIT;
        sb_printf(&title, "-[ RECORD %d ]", first_record + r);
        sb_puts(out, sb_cstr(&title));
        for (int k = table_text_width(sb_cstr(&title)); k < w + 20; k++)
            sb_putc(out, '-');
        sb_putc(out, '\n');
        sb_free(&title);
        for (int i = 0; i < t->ncols; i++) {
            put_padded(out, t->headers[i], strlen(t->headers[i]), w);
            sb_puts(out, " | ");
            /* multi-line values continue under the value column */
            for (const char *p = t->rows[r][i]; *p; p++) {
                sb_putc(out, *p);
                if (*p == '\n' && p[1]) {
                    for (int k = 0; k < w; k++)
                        sb_putc(out, ' ');
                    sb_puts(out, " | ");
                }
            }
            while (out->len && out->data[out->len - 1] == ' ')
                out->data[--out->len] = 0;
            sb_putc(out, '\n');
        }
    }
}
