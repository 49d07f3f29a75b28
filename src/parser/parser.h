/*
 * parser.h - the public face of the SQL front end: text in, AST out.
 */
#ifndef EDDY_PARSER_H
#define EDDY_PARSER_H

#include "../common/arena.h"
#include "../common/error.h"
#include "ast.h"

/* Parses one or more `;`-terminated statements (the last `;` may be omitted).
 * Nodes are allocated in `a`. On a syntax error returns ERR_SYNTAX and fills err
 * with offset and a message of the form
 *   "line 1:10: Syntax Error\nsyntax error at 'FORM', expecting FROM"
 * (line/column 1-based). Never aborts on any input. */
int parse_script(Arena *a, const char *text, AstScript *out, EddyError *err);

/* Parses exactly one statement (error if the text holds more than one). */
int parse_statement(Arena *a, const char *text, AstStmt **out, EddyError *err);

/* Parses a standalone expression (used by tools and tests). */
int parse_expression(Arena *a, const char *text, AstExpr **out, EddyError *err);

/* Parses a type ("ARRAY<STRUCT<A INT>>"), e.g. from a schema string. */
int parse_type(Arena *a, const char *text, AstType **out, EddyError *err);

/* Looks up a variable for ${name} substitution; returns NULL when undefined. */
typedef const char *(*VarLookupFn)(void *ctx, const char *name);

/* Replaces every ${name} in `text` (including inside string literals and quoted
 * identifiers, as ksqlDB does) with the variable's value. Returns 0, or
 * ERR_SEMANTIC when a referenced variable is not defined (with ksqlDB's message).
 * Output goes to `out`. */
int parse_substitute_vars(const char *text, VarLookupFn lookup, void *ctx, StrBuf *out,
                          EddyError *err);

/* The SQL keywords the tokenizer knows (upper case), for completion in the
 * shell: parse_keyword_count() of them, parse_keyword_at(i) for i in range. */
int parse_keyword_count(void);
const char *parse_keyword_at(int i);

#endif
