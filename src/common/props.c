/*
 * props.c - ordered string properties (see props.h).
 */
#include "props.h"
#include "arena.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void props_init(Props *p)
{
    p->n = p->cap = 0;
    p->names = p->values = NULL;
}

void props_free(Props *p)
{
    for (int i = 0; i < p->n; i++) {
        free(p->names[i]);
        free(p->values[i]);
    }
    free(p->names);
    free(p->values);
    props_init(p);
}

static int find(const Props *p, const char *name)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->names[i], name) == 0) return i;
    return -1;
}

void props_set(Props *p, const char *name, const char *value)
{
    int i = find(p, name);
    if (i >= 0) {
        free(p->values[i]);
        p->values[i] = xstrdup(value ? value : "");
        return;
    }
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->names = xrealloc(p->names, sizeof(char *) * (size_t)p->cap);
        p->values = xrealloc(p->values, sizeof(char *) * (size_t)p->cap);
    }
    p->names[p->n] = xstrdup(name);
    p->values[p->n] = xstrdup(value ? value : "");
    p->n++;
}

void props_unset(Props *p, const char *name)
{
    int i = find(p, name);
    if (i < 0) return;
    free(p->names[i]);
    free(p->values[i]);
    memmove(&p->names[i], &p->names[i + 1], sizeof(char *) * (size_t)(p->n - i - 1));
    memmove(&p->values[i], &p->values[i + 1], sizeof(char *) * (size_t)(p->n - i - 1));
    p->n--;
}

void props_merge(Props *dst, const Props *src)
{
    for (int i = 0; i < src->n; i++) props_set(dst, src->names[i], src->values[i]);
}

const char *props_get(const Props *p, const char *name)
{
    int i = find(p, name);
    return i >= 0 ? p->values[i] : NULL;
}

const char *props_get_str(const Props *p, const char *name, const char *dflt)
{
    const char *v = props_get(p, name);
    return v ? v : dflt;
}

int64_t props_get_i64(const Props *p, const char *name, int64_t dflt)
{
    const char *v = props_get(p, name);
    if (!v || !*v) return dflt;
    char *end;
    long long x = strtoll(v, &end, 10);
    return *end ? dflt : (int64_t)x;
}

bool props_get_bool(const Props *p, const char *name, bool dflt)
{
    const char *v = props_get(p, name);
    if (!v) return dflt;
    if (strcasecmp(v, "true") == 0) return true;
    if (strcasecmp(v, "false") == 0) return false;
    return dflt;
}
