/*
 * vars.c - ${name} variable substitution (DEFINE / sessionVariables).
 *
 * ksqlDB substitutes variables in the statement text before parsing it, and
 * does so everywhere, inside string literals and quoted identifiers too, so this
 * is a plain text pass rather than a token pass. A reference is `${` followed by
 * an identifier ([A-Za-z_][A-Za-z0-9_@]*) and `}`; anything else is copied as
 * written.
 */
#include <string.h>

#include "parser.h"

static bool ident_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool ident_char(unsigned char c)
{
    return ident_start(c) || (c >= '0' && c <= '9') || c == '@';
}

int parse_substitute_vars(const char *text, VarLookupFn lookup, void *ctx, StrBuf *out,
                          EddyError *err)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t i = 0, copied = 0;
    char name[256];
    while (u[i]) {
        if (u[i] != '$' || u[i + 1] != '{' || !ident_start(u[i + 2])) {
            i++;
            continue;
        }
        size_t j = i + 3;
        while (ident_char(u[j]))
            j++;
        if (u[j] != '}') {
            i++;
            continue;
        }
        size_t n = j - (i + 2);
        if (n >= sizeof name) n = sizeof name - 1;
        memcpy(name, text + i + 2, n);
        name[n] = 0;
        const char *value = lookup ? lookup(ctx, name) : NULL;
        if (!value)
            return err_set(err, ERR_SEMANTIC, (int)i, "Variable '%s' is not defined.", name);
        sb_append(out, text + copied, i - copied);
        sb_puts(out, value);
        i = j + 1;
        copied = i;
    }
    sb_append(out, text + copied, i - copied);
    return 0;
}
