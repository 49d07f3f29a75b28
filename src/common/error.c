/*
 * error.c - filling and locating errors (see error.h).
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

void err_clear(EddyError *e)
{
    if (!e) return;
    e->code = 0;
    e->offset = -1;
    e->msg[0] = 0;
}

int err_set(EddyError *e, int code, int offset, const char *fmt, ...)
{
    if (!e) return code;
    e->code = code;
    e->offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    return code;
}

void err_line_col(const char *text, int off, int *line, int *col)
{
    int l = 1, c = 1;
    for (int i = 0; text && text[i] && i < off; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}
