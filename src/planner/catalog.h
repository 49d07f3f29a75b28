/*
 * catalog.h - the metastore: streams, tables and custom types.
 *
 * A Source is what CREATE STREAM/TABLE defines: a schema (key columns first, then
 * value columns, as ksqlDB's LogicalSchema orders them), a topic, key and value
 * formats, an optional event-time column and window. Every Source owns an arena
 * with everything it points to, freed when it is dropped. The catalog is not
 * thread-safe: the statement executor serialises changes under its own lock, and
 * running queries keep their own copies of what they need (plans are built from
 * the catalog, then no longer refer to it).
 */
#ifndef EDDY_CATALOG_H
#define EDDY_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/error.h"
#include "../common/format.h"
#include "../common/strbuf.h"
#include "../common/types.h"

typedef enum ColRole {
    COL_VALUE,
    COL_KEY,     /* KEY / PRIMARY KEY */
    COL_HEADERS, /* all headers: ARRAY<STRUCT<KEY STRING, VALUE BYTES>> */
    COL_HEADER,  /* one header's value: BYTES */
} ColRole;

typedef struct Column {
    const char *name;       /* interned (type_intern_name) */
    const Type *type;
    ColRole role;
    const char *header_key; /* COL_HEADER: the header name */
} Column;

/* Key columns come first: cols[0..nkey) are keys, cols[nkey..ncols) values
 * (header columns are value-side columns that are not serialized in the value). */
typedef struct Schema {
    int ncols;
    int nkey;
    Column *cols;
} Schema;

typedef enum WindowType {
    WIN_NONE = 0,
    WIN_TUMBLING,
    WIN_HOPPING,
    WIN_SESSION,
} WindowType;

typedef struct WindowInfo {
    WindowType type;
    int64_t size_ms; /* TUMBLING/HOPPING size (0 when unknown); SESSION 0 */
} WindowInfo;

typedef struct Source {
    const char *name;        /* upper case unless quoted */
    bool is_table;
    bool is_source;          /* CREATE SOURCE ...: read-only, materialized */
    bool is_sink;            /* created by CREATE ... AS SELECT */
    Schema schema;
    const char *topic;
    FormatSpec key_fmt;
    FormatSpec val_fmt;
    WindowInfo window;       /* windowed key */
    int ts_col;              /* index of the TIMESTAMP column, or -1 for ROWTIME */
    const char *ts_format;   /* TIMESTAMP_FORMAT, or NULL */
    int partitions;          /* topic partitions when known, else 0 */
    int replicas;
    const char *sql;         /* the statement that created it */
    const char *writer_query;/* id of the query that writes it (CSAS/CTAS), or NULL */
    Arena arena;             /* owns everything above */
} Source;

typedef struct CustomType {
    const char *name;
    const Type *type;
} CustomType;

typedef struct Catalog Catalog;

Catalog *catalog_new(void);
void catalog_free(Catalog *c);

/* Finds a source by exact (already case-normalised) name. */
Source *catalog_find(Catalog *c, const char *name);

/* A new empty source with its own arena; fill it, then catalog_add it. */
Source *source_new(const char *name);
void source_free(Source *s);

/* Adds s to the catalog (taking ownership). With replace, an existing source of
 * the same name is freed and replaced. Returns 0 or ERR_EXISTS. */
int catalog_add(Catalog *c, Source *s, bool replace, EddyError *err);

/* Removes and frees a source. Returns 0 or ERR_NOT_FOUND. */
int catalog_drop(Catalog *c, const char *name);

/* Sources in creation order. */
int catalog_count(const Catalog *c);
Source *catalog_at(Catalog *c, int i);

/* Custom types (CREATE TYPE). */
const Type *catalog_type_find(Catalog *c, const char *name);
int catalog_type_add(Catalog *c, const char *name, const Type *t, EddyError *err);
int catalog_type_drop(Catalog *c, const char *name);
int catalog_type_count(const Catalog *c);
const CustomType *catalog_type_at(const Catalog *c, int i);

/* Schema helpers. */
int schema_find(const Schema *s, const char *name); /* column index or -1 */
/* DESCRIBE-style text: "`K` STRING KEY, `V` INTEGER" (PRIMARY KEY for tables,
 * HEADERS / HEADER('k') for header columns). */
void schema_print(StrBuf *sb, const Schema *s, bool is_table);
/* Copies a schema's column array into arena a. */
Schema schema_copy(Arena *a, const Schema *s);

/* Whether a name is quoted when printed (lower case or special characters). */
bool ident_needs_quotes(const char *name);

#endif
