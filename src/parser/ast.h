/*
 * ast.h - the abstract syntax tree of ksqlDB's SQL dialect.
 *
 * The parser builds these nodes in an arena owned by the caller (one per
 * statement batch); nothing here is freed individually. Every node carries the
 * byte offset of its first token in the request text, so later stages can report
 * "line L:C" errors. Identifiers are stored as the engine sees them: upper-cased
 * unless they were back-quoted, with the quotes removed.
 */
#ifndef EDDY_AST_H
#define EDDY_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/strbuf.h"

typedef struct AstExpr AstExpr;
typedef struct AstType AstType;
typedef struct AstSelect AstSelect;
typedef struct AstRelation AstRelation;
typedef struct AstStmt AstStmt;

/* ---------------------------------------------------------------- types */

typedef enum AstTypeKind {
    AST_T_BOOLEAN,
    AST_T_INT,
    AST_T_BIGINT,
    AST_T_DOUBLE,
    AST_T_DECIMAL,
    AST_T_STRING,
    AST_T_BYTES,
    AST_T_DATE,
    AST_T_TIME,
    AST_T_TIMESTAMP,
    AST_T_ARRAY,
    AST_T_MAP,
    AST_T_STRUCT,
    AST_T_CUSTOM, /* a name declared with CREATE TYPE */
} AstTypeKind;

typedef struct AstStructField {
    const char *name; /* upper-cased unless quoted */
    bool quoted;
    AstType *type;
} AstStructField;

struct AstType {
    AstTypeKind kind;
    int offset;
    int precision, scale;    /* DECIMAL(p, s) */
    AstType *elem;           /* ARRAY<elem>, MAP<key, elem> */
    AstType *key;            /* MAP key */
    int nfields;
    AstStructField *fields;  /* STRUCT<...> */
    const char *name;        /* CUSTOM */
};

/* ---------------------------------------------------------------- expressions */

typedef enum AstExprKind {
    AST_NULL,        /* NULL */
    AST_BOOL,        /* TRUE / FALSE: u.b */
    AST_INT,         /* integer literal: u.i (INTEGER if it fits 32 bits, else BIGINT) */
    AST_DECIMAL,     /* 1.5 -> DECIMAL(2,1): text */
    AST_DOUBLE,      /* 1.5E3 -> DOUBLE: text and u.d */
    AST_STRING,      /* 'text' with '' unescaped: text, len */
    AST_COLUMN,      /* [qualifier.]name */
    AST_DEREF,       /* left->name (struct field) */
    AST_SUBSCRIPT,   /* left[right]: base[index] */
    AST_UNARY,       /* op: '-', '+', 'N' (NOT) ; left */
    AST_BINARY,      /* op (AstBinOp); left, right */
    AST_IS_NULL,     /* left IS [NOT] NULL; negated */
    AST_DISTINCT,    /* left IS [NOT] DISTINCT FROM right; negated */
    AST_BETWEEN,     /* left [NOT] BETWEEN args[0] AND args[1]; negated */
    AST_LIKE,        /* left [NOT] LIKE right [ESCAPE text]; negated */
    AST_IN,          /* left [NOT] IN (args...); negated */
    AST_CASE,        /* CASE [left] WHEN args[2i] THEN args[2i+1] ... [ELSE right] END */
    AST_CAST,        /* CAST(left AS type) */
    AST_FUNC,        /* name(args...); star for COUNT(*); distinct for COUNT(DISTINCT x) */
    AST_LAMBDA,      /* (params...) => left */
    AST_ARRAY,       /* ARRAY[args...] */
    AST_MAP,         /* MAP(args[2i] := args[2i+1], ...); nargs counts keys and values */
    AST_STRUCT,      /* STRUCT(names[i] := args[i], ...) */
    AST_INTERVAL_UNIT, /* a bare time unit used as a function argument: name (e.g. "SECONDS") */
    AST_AT_TIMEZONE, /* left AT TIME ZONE 'zone' (text) */
} AstExprKind;

typedef enum AstBinOp {
    AST_OP_ADD,
    AST_OP_SUB,
    AST_OP_MUL,
    AST_OP_DIV,
    AST_OP_MOD,
    AST_OP_CONCAT, /* || */
    AST_OP_EQ,
    AST_OP_NE,     /* != and <> */
    AST_OP_LT,
    AST_OP_LE,
    AST_OP_GT,
    AST_OP_GE,
    AST_OP_AND,
    AST_OP_OR,
} AstBinOp;

struct AstExpr {
    AstExprKind kind;
    int offset;          /* byte offset of the first token */
    int end;             /* byte offset just past the last token */
    int op;              /* AstBinOp for BINARY; '-', '+', 'N' for UNARY */
    bool negated;        /* NOT variants of IS NULL / DISTINCT / BETWEEN / LIKE / IN */
    bool star;           /* COUNT(*) */
    bool distinct;       /* COUNT(DISTINCT x) */
    bool quoted;         /* COLUMN/DEREF name was back-quoted */
    const char *qualifier; /* COLUMN: source name or alias, or NULL */
    const char *name;    /* COLUMN, DEREF field, FUNC name (upper-cased), INTERVAL_UNIT */
    const char *text;    /* DECIMAL/DOUBLE literal text; STRING contents; LIKE escape;
                            AT_TIMEZONE zone */
    uint32_t len;        /* STRING length in bytes */
    union {
        bool b;
        int64_t i;
        double d;
    } u;
    AstExpr *left;       /* operand / base / lambda body / CASE operand */
    AstExpr *right;      /* second operand / CASE ELSE / LIKE pattern */
    AstType *type;       /* CAST target */
    int nargs;
    AstExpr **args;      /* function arguments, IN list, CASE WHEN/THEN pairs, ... */
    const char **names;  /* STRUCT field names (nargs); LAMBDA parameter names (nargs is
                            then the parameter count and args is unused) */
};

/* ---------------------------------------------------------------- queries */

typedef struct AstSelectItem {
    int offset;
    AstExpr *expr;       /* NULL for * and qualifier.* */
    const char *alias;   /* AS alias, or NULL */
    bool star;           /* * or qualifier.* */
    const char *star_qualifier; /* qualifier of qualifier.*, or NULL */
    bool struct_star;    /* expr->* : expand a struct's fields */
} AstSelectItem;

typedef enum AstJoinType {
    AST_JOIN_INNER,
    AST_JOIN_LEFT,
    AST_JOIN_RIGHT,
    AST_JOIN_FULL,
} AstJoinType;

/* A duration as written ("10 SECONDS"); ms is the value converted to milliseconds. */
typedef struct AstDuration {
    bool present;
    int64_t value;
    const char *unit;    /* canonical upper-case plural: MILLISECONDS, SECONDS, MINUTES,
                            HOURS, DAYS (also NANOSECONDS, MICROSECONDS) */
    int64_t ms;
} AstDuration;

typedef enum AstRelKind {
    AST_REL_SOURCE,      /* name [AS alias] */
    AST_REL_JOIN,        /* left JOIN right [WITHIN ...] ON on */
} AstRelKind;

struct AstRelation {
    AstRelKind kind;
    int offset;
    const char *name;    /* SOURCE */
    const char *alias;   /* SOURCE alias or NULL */
    AstJoinType join_type;
    AstRelation *left, *right; /* JOIN: left is any relation, right is a SOURCE */
    bool has_within;
    AstDuration within_before; /* WITHIN n unit sets both before and after */
    AstDuration within_after;
    AstDuration grace;   /* GRACE PERIOD of the join window */
    AstExpr *on;
};

typedef enum AstWindowKind {
    AST_WIN_NONE,
    AST_WIN_TUMBLING,
    AST_WIN_HOPPING,
    AST_WIN_SESSION,
} AstWindowKind;

typedef struct AstWindow {
    AstWindowKind kind;
    int offset;
    AstDuration size;    /* TUMBLING/HOPPING SIZE; SESSION gap */
    AstDuration advance; /* HOPPING ADVANCE BY */
    AstDuration retention;
    AstDuration grace;
} AstWindow;

typedef enum AstEmit {
    AST_EMIT_NONE,       /* no EMIT clause: a pull query when used as a query */
    AST_EMIT_CHANGES,
    AST_EMIT_FINAL,
} AstEmit;

struct AstSelect {
    int offset;
    int nitems;
    AstSelectItem *items;
    AstRelation *from;
    AstWindow *window;   /* NULL when absent */
    AstExpr *where;
    int ngroup;
    AstExpr **group_by;
    AstExpr *having;
    int npartition;
    AstExpr **partition_by;
    bool has_group_by;     /* GROUP BY written (possibly as an empty list "()") */
    bool has_partition_by; /* PARTITION BY written (possibly "()") */
    AstEmit emit;
    bool has_limit;
    int64_t limit;
};

/* ---------------------------------------------------------------- statements */

typedef struct AstProperty {
    int offset;
    const char *name;    /* upper-cased unless quoted; a quoted-string key is kept as written */
    AstExpr *value;      /* a literal: STRING, INT, DECIMAL, DOUBLE, BOOL or NULL */
} AstProperty;

typedef enum AstColumnRole {
    AST_COL_VALUE,
    AST_COL_KEY,         /* KEY (streams) */
    AST_COL_PRIMARY_KEY, /* PRIMARY KEY (tables) */
    AST_COL_HEADERS,     /* HEADERS: all headers as ARRAY<STRUCT<KEY STRING, VALUE BYTES>> */
    AST_COL_HEADER,      /* HEADER('key'): one header's bytes */
} AstColumnRole;

typedef struct AstColumnDef {
    int offset;
    const char *name;
    bool quoted;
    AstType *type;
    AstColumnRole role;
    const char *header_key; /* HEADER('key') */
} AstColumnDef;

typedef enum AstStmtKind {
    AST_CREATE_SOURCE,   /* CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS] n (cols) WITH (...) */
    AST_CREATE_AS,       /* CREATE [OR REPLACE] STREAM|TABLE [IF NOT EXISTS] n [WITH (...)] AS SELECT */
    AST_INSERT_SELECT,   /* INSERT INTO n [WITH (...)] SELECT ... */
    AST_INSERT_VALUES,   /* INSERT INTO n [(cols)] VALUES (exprs) */
    AST_QUERY,           /* SELECT ... (push when emit != NONE, else pull) */
    AST_DROP_SOURCE,     /* DROP STREAM|TABLE [IF EXISTS] n [DELETE TOPIC] */
    AST_CREATE_TYPE,     /* CREATE TYPE [IF NOT EXISTS] n AS type */
    AST_DROP_TYPE,       /* DROP TYPE [IF EXISTS] n */
    AST_LIST,            /* SHOW|LIST what [EXTENDED] */
    AST_DESCRIBE,        /* DESCRIBE [EXTENDED] name | STREAMS | TABLES */
    AST_DESCRIBE_FUNCTION,
    AST_DESCRIBE_CONNECTOR,
    AST_EXPLAIN,         /* EXPLAIN query_id | statement */
    AST_TERMINATE,       /* TERMINATE id | ALL */
    AST_PAUSE,           /* PAUSE id | ALL */
    AST_RESUME,          /* RESUME id | ALL */
    AST_SET,             /* SET 'name' = 'value' */
    AST_UNSET,           /* UNSET 'name' */
    AST_ALTER_SYSTEM,    /* ALTER SYSTEM 'name' = 'value' */
    AST_DEFINE,          /* DEFINE name = 'value' */
    AST_UNDEFINE,        /* UNDEFINE name */
    AST_PRINT,           /* PRINT topic [FROM BEGINNING] [INTERVAL|SAMPLE n] [LIMIT n] */
    AST_ASSERT_TOPIC,    /* ASSERT [NOT EXISTS] TOPIC name [WITH (...)] [TIMEOUT d] */
    AST_ASSERT_SCHEMA,   /* ASSERT [NOT EXISTS] SCHEMA [SUBJECT s] [ID n] [TIMEOUT d] */
    AST_ALTER_SOURCE,    /* ALTER STREAM|TABLE n ADD [COLUMN] c type, ... */
    AST_CREATE_CONNECTOR,/* CREATE SOURCE|SINK CONNECTOR [IF NOT EXISTS] n WITH (...) */
    AST_DROP_CONNECTOR,  /* DROP CONNECTOR [IF EXISTS] n */
    AST_RUN_SCRIPT,      /* RUN SCRIPT 'path' */
} AstStmtKind;

typedef enum AstListWhat {
    AST_LIST_STREAMS,
    AST_LIST_TABLES,
    AST_LIST_QUERIES,
    AST_LIST_TOPICS,
    AST_LIST_ALL_TOPICS,
    AST_LIST_FUNCTIONS,
    AST_LIST_PROPERTIES,
    AST_LIST_VARIABLES,
    AST_LIST_TYPES,
    AST_LIST_CONNECTORS,
    AST_LIST_CONNECTOR_PLUGINS,
} AstListWhat;

struct AstStmt {
    AstStmtKind kind;
    int offset;          /* byte offset of the first token */
    int end;             /* byte offset just past the terminating ';' (or the end) */
    bool is_table;       /* STREAM (false) or TABLE (true) where it applies */
    bool or_replace;
    bool is_source;      /* CREATE SOURCE STREAM/TABLE; CREATE SOURCE CONNECTOR */
    bool if_not_exists;  /* IF NOT EXISTS */
    bool if_exists;      /* IF EXISTS */
    bool delete_topic;   /* DROP ... DELETE TOPIC */
    bool extended;       /* SHOW/DESCRIBE ... EXTENDED */
    bool all;            /* TERMINATE/PAUSE/RESUME ALL */
    bool not_exists;     /* ASSERT NOT EXISTS */
    bool from_beginning; /* PRINT ... FROM BEGINNING */
    bool is_sink;        /* CREATE SINK CONNECTOR; LIST SINK CONNECTORS (is_source for
                            SOURCE; neither: all connectors) */
    const char *name;    /* target / source / type / query id / function / variable / topic;
                            SET/UNSET/ALTER SYSTEM property name */
    bool name_quoted;
    bool name_string;    /* PRINT 'topic' / ASSERT TOPIC 'name': name was a string literal */
    int ncolumns;
    AstColumnDef *columns;    /* CREATE_SOURCE, ALTER_SOURCE */
    int nprops;
    AstProperty *props;       /* WITH (...) */
    AstSelect *select;        /* CREATE_AS, INSERT_SELECT, QUERY */
    int ninsert_cols;
    const char **insert_cols; /* INSERT INTO n (cols) VALUES */
    int nvalues;
    AstExpr **values;         /* INSERT VALUES */
    AstType *type;            /* CREATE TYPE */
    AstListWhat list_what;    /* LIST */
    bool describe_all;        /* DESCRIBE STREAMS|TABLES: list_what says which */
    AstStmt *inner;           /* EXPLAIN <statement> */
    const char *text;         /* SET/ALTER SYSTEM/DEFINE value; RUN SCRIPT path; ASSERT SCHEMA subject */
    bool has_interval;        /* PRINT INTERVAL|SAMPLE n */
    int64_t interval;
    bool has_limit;           /* PRINT LIMIT n */
    int64_t limit;
    bool has_id;              /* ASSERT SCHEMA ID n */
    int64_t id;
    AstDuration timeout;      /* ASSERT ... TIMEOUT */
};

/* A parsed request: statements in order, with their text spans. */
typedef struct AstScript {
    int nstmts;
    AstStmt **stmts;
} AstScript;

/* ---------------------------------------------------------------- constructors */
/* Used by the grammar actions; all allocate in `a`. */

AstExpr *ast_expr_new(Arena *a, AstExprKind kind, int offset);
AstType *ast_type_new(Arena *a, AstTypeKind kind, int offset);
AstStmt *ast_stmt_new(Arena *a, AstStmtKind kind, int offset);

/* ---------------------------------------------------------------- printing */

/* Renders an expression as ksqlDB prints it in messages and generated SQL:
 * fully parenthesised binary operations "(A + B)", upper-case keywords,
 * strings re-quoted, identifiers back-quoted only when they need it. */
void ast_expr_print(StrBuf *sb, const AstExpr *e);
void ast_type_print(StrBuf *sb, const AstType *t);
/* Renders a statement back to canonical SQL that parses to the same AST. */
void ast_stmt_print(StrBuf *sb, const AstStmt *s);

/* Whether two trees are the same (ignoring offsets); used by round-trip tests. */
bool ast_stmt_equal(const AstStmt *a, const AstStmt *b);
bool ast_expr_equal(const AstExpr *a, const AstExpr *b);

#endif
