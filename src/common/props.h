/*
 * props.h - string properties (ksqlDB configs, WITH-less overrides, session SET).
 *
 * A small ordered list of name/value pairs with override semantics: setting a
 * name again replaces its value. Used for server config, per-request
 * streamsProperties and the conformance cases' properties.
 */
#ifndef EDDY_PROPS_H
#define EDDY_PROPS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Props {
    int n, cap;
    char **names;
    char **values;
} Props;

void props_init(Props *p);
void props_free(Props *p);
void props_set(Props *p, const char *name, const char *value);
void props_unset(Props *p, const char *name);
/* Copies every entry of src into dst (overriding). */
void props_merge(Props *dst, const Props *src);
/* The value or NULL. */
const char *props_get(const Props *p, const char *name);
const char *props_get_str(const Props *p, const char *name, const char *dflt);
int64_t props_get_i64(const Props *p, const char *name, int64_t dflt);
bool props_get_bool(const Props *p, const char *name, bool dflt);

#endif
