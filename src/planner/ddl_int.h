/*
 * ddl_int.h - WITH-property helpers shared by CREATE STREAM/TABLE (ddl.c) and
 * CREATE ... AS SELECT (plan_query.c). Internal to src/planner/.
 */
#ifndef EDDY_DDL_INT_H
#define EDDY_DDL_INT_H

#include "planner.h"
#include "planner_int.h"

const AstProperty *ddl_prop(const AstStmt *s, const char *name);
/* The property's value as text (strings unquoted, numbers rendered), or NULL. */
const char *ddl_prop_text(Arena *a, const AstProperty *p);
/* Rejects unknown WITH properties with ksqlDB's message. */
int ddl_check_props(const AstStmt *s, EddyError *err);
int ddl_parse_delimiter(const char *prop, const char *v, char *out, EddyError *err);
/* Milliseconds per unit name (singular or plural), 0 for sub-ms units, -1 unknown. */
int64_t duration_unit_ms(const char *unit);
bool ddl_reserved_column(const char *name);

/* Key and value formats from FORMAT / KEY_FORMAT / VALUE_FORMAT, falling back to
 * the inherited kinds (pass (FormatKind)-1 for none) and the default properties. */
int ddl_formats(const AstStmt *s, const Props *props, Arena *a, bool has_keys, bool require_value,
                FormatKind inherit_key, FormatKind inherit_val, FormatSpec *key, FormatSpec *val,
                bool *key_explicit, EddyError *err);
/* WRAP_SINGLE_VALUE and ksql.persistence.wrap.single.values. */
int ddl_wrapping(const AstStmt *s, const Props *props, Arena *a, int nvalue_cols, FormatSpec *val,
                 EddyError *err);
int ddl_validate_key_types(const Schema *sc, EddyError *err);
int ddl_validate_formats(const Schema *sc, const FormatSpec *key, const FormatSpec *val,
                         EddyError *err);
/* CREATE OR REPLACE: whether `old` may be upgraded to `next` (ksqlDB's
 * DataSource.canUpgradeTo): same key columns, the old value columns kept in order
 * with their types (new ones only appended), same topic, formats, timestamp
 * column and window. Returns 0, or ERR_SEMANTIC with "Cannot upgrade data source". */
int ddl_check_upgrade(const Source *old, const Source *next, EddyError *err);
/* WINDOW_TYPE / WINDOW_SIZE of a windowed source. */
int ddl_window(const AstStmt *s, Arena *a, WindowInfo *w, EddyError *err);

#endif
