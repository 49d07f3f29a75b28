/*
 * types.h - SQL types of ksqlDB's type system.
 *
 * Types are immutable and interned: building the same type twice returns the same
 * pointer, so equality is pointer equality and a Type pointer can be kept anywhere
 * (catalog, plans, operators) without ownership questions. Interning takes a lock;
 * it happens only while statements are planned, never per record.
 */
#ifndef EDDY_TYPES_H
#define EDDY_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

typedef enum TypeKind {
    TYPE_NULL = 0, /* the type of an untyped NULL literal (binder only) */
    TYPE_BOOLEAN,
    TYPE_INT,       /* 32-bit */
    TYPE_BIGINT,    /* 64-bit */
    TYPE_DOUBLE,
    TYPE_DECIMAL,   /* precision 1..38, scale 0..precision */
    TYPE_STRING,
    TYPE_BYTES,
    TYPE_DATE,      /* days since epoch */
    TYPE_TIME,      /* ms of day */
    TYPE_TIMESTAMP, /* ms since epoch, no zone */
    TYPE_ARRAY,
    TYPE_MAP,
    TYPE_STRUCT,
    TYPE_LAMBDA,    /* a lambda argument while functions are resolved (binder only) */
    TYPE_INTERVAL_UNIT, /* a time-unit keyword argument (TIMESTAMPADD(SECONDS, ...)) */
    TYPE__COUNT
} TypeKind;

typedef struct Type Type;

typedef struct TypeField {
    const char *name; /* interned, case as declared (upper unless quoted) */
    const Type *type;
} TypeField;

struct Type {
    TypeKind kind;
    uint8_t precision;       /* DECIMAL */
    uint8_t scale;           /* DECIMAL */
    const Type *elem;        /* ARRAY element; MAP value; LAMBDA return */
    const Type *key;         /* MAP key */
    int nfields;             /* STRUCT fields; LAMBDA parameters */
    const TypeField *fields; /* STRUCT fields in declared order; LAMBDA params (names NULL) */
};

#define DECIMAL_MAX_PRECISION 38

/* Interned constructors. Never NULL. */
const Type *type_prim(TypeKind k); /* any kind without parameters */
const Type *type_decimal(int precision, int scale);
const Type *type_array(const Type *elem);
const Type *type_map(const Type *key, const Type *value);
/* Copies the field names; names must be distinct (not checked here). */
const Type *type_struct(int n, const TypeField *fields);
const Type *type_lambda(int nparams, const Type *const *params, const Type *ret);

/* Shorthands. */
#define T_BOOLEAN type_prim(TYPE_BOOLEAN)
#define T_INT type_prim(TYPE_INT)
#define T_BIGINT type_prim(TYPE_BIGINT)
#define T_DOUBLE type_prim(TYPE_DOUBLE)
#define T_STRING type_prim(TYPE_STRING)
#define T_BYTES type_prim(TYPE_BYTES)
#define T_DATE type_prim(TYPE_DATE)
#define T_TIME type_prim(TYPE_TIME)
#define T_TIMESTAMP type_prim(TYPE_TIMESTAMP)
#define T_NULLTYPE type_prim(TYPE_NULL)

/* Interns a string (for identifiers kept by types and the catalog). */
const char *type_intern_name(const char *s);

/* Index of the struct field named `name` (exact match), or -1. */
int type_field_index(const Type *t, const char *name);

static inline bool type_is_numeric(const Type *t)
{
    return t->kind == TYPE_INT || t->kind == TYPE_BIGINT || t->kind == TYPE_DOUBLE ||
           t->kind == TYPE_DECIMAL;
}

/* ksqlDB's SQL name, as DESCRIBE prints it:
 * INTEGER, BIGINT, DECIMAL(10, 2), ARRAY<STRING>, MAP<STRING, INTEGER>,
 * STRUCT<`A` INTEGER, `B` STRING>. */
void type_print(StrBuf *sb, const Type *t);
/* Same, into a static thread-local buffer (for error messages). */
const char *type_name(const Type *t);

/* Whether a value of type `from` is implicitly converted to `to` (INT -> BIGINT ->
 * DECIMAL -> DOUBLE, and element-wise for ARRAY/MAP/STRUCT). */
bool type_can_widen(const Type *from, const Type *to);

/* The DECIMAL type an integral type widens to: INT -> DECIMAL(10,0),
 * BIGINT -> DECIMAL(19,0); DECIMAL itself unchanged; NULL otherwise. */
const Type *type_to_decimal(const Type *t);

/* Whether a type contains a MAP anywhere (map keys are not allowed in keys). */
bool type_contains_map(const Type *t);

#endif
