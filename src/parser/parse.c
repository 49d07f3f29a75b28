/*
 * parse.c - the parse driver: tokens in, statements out, errors with positions.
 *
 * The driver pulls tokens from tok_next(), skips blanks and comments, and feeds
 * the lemon parser. Before each token it asks the parser whether the token can
 * be taken (eddy_parser_accepts, a simulation on the parser's stack). That
 * serves two purposes:
 *   - a non-reserved keyword becomes an identifier when the keyword cannot be
 *     taken but an identifier can, looking one token further when both can
 *     (ksqlDB's ANTLR parser makes the same choice by adaptive prediction);
 *   - a syntax error is found before lemon performs the default reductions an
 *     erroneous token triggers, so the expected-token list is exact.
 * Errors read "line L:C: Syntax Error\n<detail>", where the detail is ANTLR's
 * single-token-insertion message ("missing ')' at ','") when exactly one token
 * inserted before the offending one lets the parse go on, and otherwise
 * "syntax error at 'Y', expecting A, B or C".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "parse_int.h"

#include "eddy.h"

#define EXPECT_MAX 8 /* expected tokens listed in a message */

/* ---------------------------------------------------------------- positions */

void parse_line_col(const char *text, int off, int *line, int *col)
{
    int l = 1, c = 1;
    for (int i = 0; text[i] && i < off; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++; /* count code points, not UTF-8 continuation bytes */
        }
    }
    *line = l;
    *col = c;
}

static void report_v(ParseCtx *c, int off, const char *fmt, va_list ap)
{
    int line, col;
    char msg[ERR_MSG_MAX];
    parse_line_col(c->text, off, &line, &col);
    vsnprintf(msg, sizeof msg, fmt, ap);
    err_set(c->err, ERR_SYNTAX, off, "line %d:%d: %s", line, col, msg);
}

void parse_report(ParseCtx *c, int off, const char *fmt, ...)
{
    if (c->failed) return;
    va_list ap;
    va_start(ap, fmt);
    report_v(c, off, fmt, ap);
    va_end(ap);
    c->failed = true;
    c->deferred = false;
}

void parse_defer(ParseCtx *c, int off, const char *fmt, ...)
{
    if (c->failed || c->deferred) return;
    va_list ap;
    va_start(ap, fmt);
    if (off < 0) {
        char msg[ERR_MSG_MAX];
        vsnprintf(msg, sizeof msg, fmt, ap);
        err_set(c->err, ERR_SYNTAX, 0, "%s", msg);
    } else {
        /* ksqlDB's AstBuilder errors show the column one past the token
         * (NodeLocation is already 1-based and ParsingException adds one
         * more): "line 2:40" for a literal at the 39th character. */
        int line, col;
        char msg[ERR_MSG_MAX];
        parse_line_col(c->text, off, &line, &col);
        vsnprintf(msg, sizeof msg, fmt, ap);
        err_set(c->err, ERR_SYNTAX, off, "line %d:%d: %s", line, col + 1, msg);
    }
    va_end(ap);
    c->deferred = true;
}

/* ---------------------------------------------------------------- syntax errors */

/* Whether the parser can take `first` and then the token of kind `kind`, as
 * itself or (for a non-reserved keyword) as an identifier. */
static bool takes_after(void *p, int first, int kind)
{
    if (eddy_parser_accepts_after(p, first, kind)) return true;
    return eddy_parser_nonreserved(kind) && eddy_parser_accepts_after(p, first, TK_ID);
}

static bool reportable(int tok)
{
    return tok != TK_ILLEGAL && tok != TK_SPACE && tok != TK_COMMENT && tok != TK_VARIABLE &&
           tok != TK_START_SCRIPT && tok != TK_START_EXPR && tok != TK_START_TYPE;
}

void parse_report_syntax(ParseCtx *c, void *p, int major, Token t)
{
    if (c->failed) return;
    int expected[256];
    int n = eddy_parser_expected(p, expected, 256), k = 0;
    for (int i = 0; i < n; i++)
        if (reportable(expected[i])) expected[k++] = expected[i];
    n = k;

    /* The offending token as written; the end of the text (or the ';' the
     * driver adds there) reads <EOF>. */
    bool at_eof = major == 0 || t.n == 0;
    char shown[128];
    if (at_eof)
        snprintf(shown, sizeof shown, "<EOF>");
    else if (t.n > 100)
        snprintf(shown, sizeof shown, "%.*s...", 100, t.z);
    else
        snprintf(shown, sizeof shown, "%.*s", t.n, t.z);
    int off = at_eof ? c->len : t.off;

    /* ANTLR's single-token insertion: exactly one token makes Y acceptable. */
    int missing = -1, nmissing = 0;
    if (major != TK_ILLEGAL) {
        int next = at_eof && c->mode == PARSE_MODE_SCRIPT ? TK_SEMI : major;
        for (int i = 0; i < n; i++) {
            if (expected[i] == 0) continue;
            if (takes_after(p, expected[i], next)) {
                missing = expected[i];
                nmissing++;
            }
        }
    }
    if (nmissing == 1) {
        const char *x = tok_display(missing);
        if (x[0] == '\'' || missing == TK_ID || missing == TK_STRING ||
            missing == TK_INTEGER_VALUE || missing == TK_DECIMAL_VALUE || missing == TK_FLOAT_VALUE)
            parse_report(c, off, "Syntax Error\nmissing %s at '%s'", x, shown);
        else
            parse_report(c, off, "Syntax Error\nmissing '%s' at '%s'", x, shown);
        return;
    }

    char list[512];
    size_t len = 0;
    list[0] = 0;
    for (int i = 0; i < n && i < EXPECT_MAX; i++) {
        const char *sep = i == 0 ? "" : (i == n - 1 ? " or " : ", ");
        len +=
            (size_t)snprintf(list + len, sizeof list - len, "%s%s", sep, tok_display(expected[i]));
        if (len >= sizeof list) break;
    }
    if (n > EXPECT_MAX && len < sizeof list) snprintf(list + len, sizeof list - len, ", ...");
    if (n == 0)
        parse_report(c, off, "Syntax Error\nsyntax error at '%s'", shown);
    else
        parse_report(c, off, "Syntax Error\nsyntax error at '%s', expecting %s", shown, list);
}

/* ---------------------------------------------------------------- the driver */

/* Next token that is not blank or a comment, from *pos; false at the end. */
static bool next_token(const ParseCtx *c, int *pos, Token *t, int *kind)
{
    while (*pos < c->len) {
        int k, n = tok_next(c->text + *pos, c->len - *pos, &k);
        if (k == TK_SPACE || k == TK_COMMENT) {
            *pos += n;
            continue;
        }
        t->z = c->text + *pos;
        t->n = n;
        t->off = *pos;
        *kind = k;
        *pos += n;
        return true;
    }
    return false;
}

/* Decides whether the non-reserved keyword `kind` is fed as itself or as an
 * identifier; `pos` is just past it. */
static int keyword_or_ident(ParseCtx *c, void *p, int kind, int pos)
{
    bool kw = eddy_parser_accepts(p, kind);
    bool id = eddy_parser_accepts(p, TK_ID);
    if (!kw) return id ? TK_ID : kind;
    if (!id) return kind;
    Token t;
    int next;
    if (!next_token(c, &pos, &t, &next)) next = c->mode == PARSE_MODE_SCRIPT ? TK_SEMI : 0;
    if (takes_after(p, kind, next) || !takes_after(p, TK_ID, next)) return kind;
    return TK_ID;
}

static int drive(ParseCtx *c, int start)
{
    void *p = EddyParserAlloc(malloc, c);
    if (!p) return err_set(c->err, ERR_INTERNAL, 0, "out of memory");
    Token t = {c->text, 0, 0};
    eddy_parser_feed(p, start, t);
    int pos = 0, last = start, kind;
    while (!c->failed && next_token(c, &pos, &t, &kind)) {
        int major = kind;
        if (eddy_parser_nonreserved(kind)) major = keyword_or_ident(c, p, kind, pos);
        if (kind == TK_ILLEGAL || !eddy_parser_accepts(p, major)) {
            parse_report_syntax(c, p, kind, t);
            break;
        }
        eddy_parser_feed(p, major, t);
        last = major;
    }
    Token end = {c->text + c->len, 0, c->len};
    if (!c->failed && c->mode == PARSE_MODE_SCRIPT && last != TK_SEMI && last != start) {
        /* the last statement's ';' may be omitted */
        if (eddy_parser_accepts(p, TK_SEMI))
            eddy_parser_feed(p, TK_SEMI, end);
        else
            parse_report_syntax(c, p, 0, end);
    }
    if (!c->failed) {
        if (eddy_parser_accepts(p, 0))
            eddy_parser_feed(p, 0, end);
        else
            parse_report_syntax(c, p, 0, end);
    }
    EddyParserFree(p, free);
    if (c->failed || c->deferred) return c->err ? c->err->code : ERR_SYNTAX;
    return 0;
}

static void ctx_init(ParseCtx *c, Arena *a, const char *text, ParseMode mode, EddyError *err)
{
    memset(c, 0, sizeof *c);
    c->arena = a;
    c->text = text ? text : "";
    c->len = (int)strlen(c->text);
    c->mode = mode;
    c->err = err;
}

/* The error record is optional for callers; the driver always needs one. */
static EddyError *err_or_scratch(EddyError *err, EddyError *scratch)
{
    err_clear(err ? err : scratch);
    return err ? err : scratch;
}

int parse_script(Arena *a, const char *text, AstScript *out, EddyError *err)
{
    EddyError scratch;
    ParseCtx c;
    ctx_init(&c, a, text, PARSE_MODE_SCRIPT, err_or_scratch(err, &scratch));
    out->nstmts = 0;
    out->stmts = NULL;
    if (text && strlen(text) > (size_t)(INT32_MAX / 2))
        return err_set(c.err, ERR_LIMIT, 0, "Statement text is too long");
    int rc = drive(&c, TK_START_SCRIPT);
    if (rc < 0) return rc;
    out->stmts = (AstStmt **)pb_array_of(&c, c.stmts, &out->nstmts);
    return 0;
}

int parse_statement(Arena *a, const char *text, AstStmt **out, EddyError *err)
{
    AstScript s;
    EddyError scratch;
    EddyError *e = err_or_scratch(err, &scratch);
    *out = NULL;
    int rc = parse_script(a, text, &s, e);
    if (rc < 0) return rc;
    if (s.nstmts != 1) {
        int off = s.nstmts > 1 ? s.stmts[1]->offset : 0;
        int line, col;
        parse_line_col(text ? text : "", off, &line, &col);
        return err_set(e, ERR_SYNTAX, off, "line %d:%d: Expected exactly one statement, got %d",
                       line, col, s.nstmts);
    }
    *out = s.stmts[0];
    return 0;
}

int parse_expression(Arena *a, const char *text, AstExpr **out, EddyError *err)
{
    EddyError scratch;
    ParseCtx c;
    ctx_init(&c, a, text, PARSE_MODE_EXPR, err_or_scratch(err, &scratch));
    *out = NULL;
    int rc = drive(&c, TK_START_EXPR);
    if (rc == 0) {
        pb_expr_done(&c);
        if (c.deferred) return c.err->code;
    }
    if (rc < 0) return rc;
    *out = c.expr;
    return 0;
}

int parse_type(Arena *a, const char *text, AstType **out, EddyError *err)
{
    EddyError scratch;
    ParseCtx c;
    ctx_init(&c, a, text, PARSE_MODE_TYPE, err_or_scratch(err, &scratch));
    *out = NULL;
    int rc = drive(&c, TK_START_TYPE);
    if (rc < 0) return rc;
    *out = c.type;
    return 0;
}
