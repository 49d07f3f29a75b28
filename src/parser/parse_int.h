/*
 * parse_int.h - internals shared by the tokenizer, the lemon grammar
 * (grammar/eddy.y) and the parse driver; not for use outside src/parser/.
 *
 * A Token is a window into the request text: nothing is copied until a grammar
 * action turns it into an AST node. The ParseCtx is lemon's %extra_context: it
 * carries the arena, the text, the statements built so far and the first error.
 * The grammar actions call the pb_* builders (build.c) so the grammar file holds
 * only the shape of the language.
 */
#ifndef EDDY_PARSE_INT_H
#define EDDY_PARSE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/arena.h"
#include "../common/error.h"
#include "ast.h"

/* One token: pointer + length into the text, and its byte offset. */
typedef struct Token {
    const char *z; /* first byte of the token in the request text */
    int n;         /* length in bytes */
    int off;       /* byte offset of z from the start of the text */
} Token;

/* ---------------------------------------------------------------- tokenizer */

/* Scans one token starting at z (n bytes available, n > 0). Returns the token's
 * length in bytes (always >= 1) and stores its kind (a TK_* code of the
 * generated grammar header, or TK_SPACE / TK_COMMENT / TK_ILLEGAL) in *kind.
 * Pure: reads only z[0..n), allocates nothing, keeps no state. */
int tok_next(const char *z, int n, int *kind);

/* Keyword code for the n bytes at z (case-insensitive), or 0 when they are not a
 * keyword. */
int tok_keyword(const char *z, int n);

/* Human-readable name of a terminal for error messages: keywords upper-case
 * (FROM), punctuation quoted (')'), classes as words (identifier, string). */
const char *tok_display(int kind);

/* Number of keyword entries, and the i-th one (for tests and the printer). */
int tok_keyword_count(void);
const char *tok_keyword_at(int i, int *kind);

/* ---------------------------------------------------------------- builder types */

/* An identifier as written: upper-cased unless quoted, quotes removed. */
typedef struct AstIdent {
    const char *name;
    bool quoted;
    int off; /* byte offset of the identifier */
    int end; /* byte offset just past it */
} AstIdent;

/* A growable arena array of pointers, used for every list in the grammar. */
typedef struct PList {
    int n, cap;
    void **v;
} PList;

/* A time unit keyword, canonicalised ("SECONDS"), with its position. */
typedef struct UnitTok {
    const char *name;
    int off, end;
} UnitTok;

/* WITHIN ... [GRACE PERIOD ...] of a join. */
typedef struct AstWithin {
    bool present;
    AstDuration before, after, grace;
} AstWithin;

/* Optional RETENTION / GRACE PERIOD of a window. */
typedef struct AstWinOpts {
    AstDuration retention, grace;
} AstWinOpts;

/* LIMIT n. */
typedef struct AstLimit {
    bool present;
    int64_t value;
} AstLimit;

/* The clauses after FROM, accumulated while the grammar reduces them. */
typedef struct AstTail {
    AstWindow *window;
    AstExpr *where;
    PList *group_by;
    PList *partition_by;
    AstExpr *having;
    AstEmit emit;
    bool has_limit;
    int64_t limit;
} AstTail;

/* A literal whose validity depends on a sign that may still be folded in. */
typedef struct PendingLit {
    AstExpr *e;       /* the literal; e->text is what the message shows */
    const char *what; /* "Invalid numeric literal" or "Number overflows DOUBLE" */
    bool resolved;    /* a folded minus sign made it valid */
    struct PendingLit *next;
} PendingLit;

typedef enum ParseMode {
    PARSE_MODE_SCRIPT,
    PARSE_MODE_EXPR,
    PARSE_MODE_TYPE,
} ParseMode;

/* lemon's %extra_context. */
typedef struct ParseCtx {
    Arena *arena;
    const char *text; /* the whole request text, NUL-terminated */
    int len;          /* strlen(text) */
    ParseMode mode;
    PList *stmts;  /* AstStmt *, in order */
    AstExpr *expr; /* PARSE_MODE_EXPR result */
    AstType *type; /* PARSE_MODE_TYPE result */
    EddyError *err;
    bool failed;         /* an error has been recorded; stop feeding tokens */
    bool deferred;       /* err holds an error found while building the AST; it is
                            reported only if the whole text parses (as ksqlDB parses
                            a request before it builds any statement) */
    PendingLit *pending; /* numeric literals to validate at the end */
} ParseCtx;

/* ---------------------------------------------------------------- generated parser */

void *EddyParserAlloc(void *(*malloc_fn)(size_t), ParseCtx *pctx);
void EddyParserFree(void *p, void (*free_fn)(void *));
void EddyParser(void *p, int major, Token minor);

/* Feeds a token the driver has checked with eddy_parser_accepts. Like
 * EddyParser() without lemon's %fallback step (see eddy.y). */
void eddy_parser_feed(void *p, int major, Token minor);

/* Whether terminal `tok` can be consumed next by parser `p` (simulating the
 * reductions it would trigger, without touching the parser). */
bool eddy_parser_accepts(void *p, int tok);
/* Whether `tok` would be accepted right after inserting `first` (first must be
 * acceptable). Used to find a single missing token. */
bool eddy_parser_accepts_after(void *p, int first, int tok);
/* Fills out[] with the terminals acceptable next (ascending code), returns the
 * count (at most max). */
int eddy_parser_expected(void *p, int *out, int max);
/* Whether keyword `tok` may be used as an identifier (grammar %fallback). */
bool eddy_parser_nonreserved(int tok);
/* Number of terminal symbols (codes are 1..count-1). */
int eddy_parser_nterminals(void);
/* Name lemon gave the terminal (e.g. "SELECT", "LP"), or NULL in NDEBUG builds. */
const char *eddy_parser_token_name(int tok);

/* Records a syntax error at token `t` (kind `major`) for parser p: message
 * "line L:C: Syntax Error\n<detail>". Used by the driver and %syntax_error. */
void parse_report_syntax(ParseCtx *c, void *p, int major, Token t);

/* Records an error at byte offset off with message "line L:C: <msg>" and stops
 * the parse. A deferred error from an earlier statement is replaced. */
void parse_report(ParseCtx *c, int off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Records an error found while building the AST ("Invalid numeric literal:
 * ..."), reported only when the rest of the text parses. Keeps the first.
 * off < 0: the message has no position (as some of ksqlDB's have none). */
void parse_defer(ParseCtx *c, int off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Line and column (1-based, columns in code points) of a byte offset. */
void parse_line_col(const char *text, int off, int *line, int *col);

/* ---------------------------------------------------------------- builders (build.c) */

PList *pb_list(ParseCtx *c, void *first);
PList *pb_list_add(ParseCtx *c, PList *l, void *item);

AstIdent pb_ident(ParseCtx *c, Token t);
AstIdent pb_ident_raw(ParseCtx *c, Token t);          /* DEFINE names: kept as written */
char *pb_string(ParseCtx *c, Token t, uint32_t *len); /* 'text' unescaped */
int64_t pb_int(ParseCtx *c, Token t, bool neg);       /* INTEGER token as a number */

AstExpr *pb_literal(ParseCtx *c, int kind, Token t);
AstExpr *pb_signed_literal(ParseCtx *c, Token minus, int kind, Token t);
AstExpr *pb_unary(ParseCtx *c, Token op, AstExpr *e);
AstExpr *pb_binary(ParseCtx *c, int op, AstExpr *l, AstExpr *r);
AstExpr *pb_not(ParseCtx *c, Token t, AstExpr *e);
AstExpr *pb_column(ParseCtx *c, AstIdent *qual, AstIdent name);
AstExpr *pb_deref(ParseCtx *c, AstExpr *base, AstIdent field);
AstExpr *pb_subscript(ParseCtx *c, AstExpr *base, AstExpr *index, Token end);
AstExpr *pb_paren(ParseCtx *c, Token lp, AstExpr *e, Token rp);
AstExpr *pb_func(ParseCtx *c, AstIdent name, PList *args, Token end);
AstExpr *pb_func_star(ParseCtx *c, AstIdent name, Token end);
AstExpr *pb_func_distinct(ParseCtx *c, AstIdent name, AstExpr *arg, Token end);
UnitTok pb_unit(Token t, const char *name);
AstExpr *pb_unit_arg(ParseCtx *c, UnitTok u);
AstExpr *pb_lambda(ParseCtx *c, int off, PList *params, AstExpr *body);
AstExpr *pb_case(ParseCtx *c, Token t, AstExpr *operand, PList *whens, AstExpr *els, Token end);
AstExpr *pb_cast(ParseCtx *c, Token t, AstExpr *e, AstType *type, Token end);
AstExpr *pb_array(ParseCtx *c, Token t, PList *items, Token end);
AstExpr *pb_map(ParseCtx *c, Token t, PList *kvs, Token end);
AstExpr *pb_struct(ParseCtx *c, Token t, PList *fields, Token end);
/* A `name := value` argument of STRUCT(...), kept until the list is complete. */
typedef struct StructArg {
    AstIdent name;
    AstExpr *value;
} StructArg;
StructArg *pb_struct_field(ParseCtx *c, AstIdent name, AstExpr *value);
AstExpr *pb_predicate(ParseCtx *c, AstExprKind kind, bool negated, AstExpr *l, AstExpr *a,
                      AstExpr *b, int end);
AstExpr *pb_in(ParseCtx *c, bool negated, AstExpr *l, PList *items, Token end);
AstExpr *pb_like(ParseCtx *c, bool negated, AstExpr *l, AstExpr *pattern, Token *escape);
AstExpr *pb_at_tz(ParseCtx *c, AstExpr *e, Token zone);

AstType *pb_type_named(ParseCtx *c, AstIdent name);
AstType *pb_type_decimal(ParseCtx *c, Token t, Token p, Token s);
AstType *pb_type_array(ParseCtx *c, Token t, AstType *elem);
AstType *pb_type_map(ParseCtx *c, Token t, AstType *k, AstType *v);
AstType *pb_type_struct(ParseCtx *c, Token t, PList *fields);
AstStructField *pb_type_field(ParseCtx *c, AstIdent name, AstType *type);

AstDuration pb_duration(ParseCtx *c, Token n, const char *unit);

AstSelectItem *pb_item_expr(ParseCtx *c, AstExpr *e, AstIdent *alias);
AstSelectItem *pb_item_star(ParseCtx *c, Token t, AstIdent *qual);
AstSelectItem *pb_item_struct_star(ParseCtx *c, AstExpr *e);

AstRelation *pb_source(ParseCtx *c, AstIdent name, AstIdent *alias);
AstRelation *pb_join(ParseCtx *c, AstRelation *l, AstJoinType type, AstRelation *r,
                     AstWithin *within, AstExpr *on);
AstWindow *pb_window(ParseCtx *c, Token t, AstWindowKind kind, AstDuration size,
                     AstDuration *advance, AstWinOpts *opts);

AstLimit pb_limit(ParseCtx *c, AstExpr *n);
AstSelect *pb_select(ParseCtx *c, Token t, PList *items, AstRelation *from, AstTail *tail);

AstProperty *pb_property(ParseCtx *c, AstIdent *name, Token *str, AstExpr *value);
AstColumnDef *pb_column_def(ParseCtx *c, AstIdent name, AstType *type, AstColumnRole role,
                            Token *header);

AstStmt *pb_stmt(ParseCtx *c, AstStmtKind kind, Token first);
void pb_stmt_name(ParseCtx *c, AstStmt *s, AstIdent name);
void pb_stmt_columns(ParseCtx *c, AstStmt *s, PList *cols);
void pb_stmt_props(ParseCtx *c, AstStmt *s, PList *props);
void pb_stmt_values(ParseCtx *c, AstStmt *s, PList *cols, PList *values);
void pb_stmt_done(ParseCtx *c, AstStmt *s, Token semi);

/* Copies a PList into an exact-size array of pointers (NULL when empty). */
void **pb_array_of(ParseCtx *c, PList *l, int *n);

/* Validates the literals of a finished statement (pb_stmt_done does it for
 * statements; the driver calls this after a standalone expression). */
void pb_expr_done(ParseCtx *c);

#endif
