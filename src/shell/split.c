/*
 * split.c - cutting typed text into statements, and a small lexer for the
 * shell's own commands.
 *
 * A statement ends at a `;` or `\G` that is outside string literals ('...',
 * with '' inside), quoted identifiers (`...`, "...") and comments (-- to the
 * end of the line, block comments). The splitter is a pure scan over the
 * pending text, so the shell can call it again after every line and learn
 * both whether a statement is complete and what the continuation prompt should
 * say (an open quote or comment). The classifier looks only at leading words:
 * the server parses the statements, the shell only needs to know where to send
 * them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "shell.h"

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool split_next(const char *text, size_t len, SplitStmt *out, SplitState *state)
{
    size_t i = 0;
    bool started = false;
    size_t start = 0;
    SplitState st = SPLIT_BLANK;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        if (is_space(c)) {
            i++;
            continue;
        }
        if (c == '-' && i + 1 < len && text[i + 1] == '-') {
            while (i < len && text[i] != '\n')
                i++;
            continue;
        }
        if (c == '/' && i + 1 < len && text[i + 1] == '*') {
            size_t j = i + 2;
            while (j + 1 < len && !(text[j] == '*' && text[j + 1] == '/'))
                j++;
            if (j + 1 >= len) {
                st = SPLIT_COMMENT;
                goto incomplete;
            }
            i = j + 2;
            continue;
        }
        bool terminator =
            c == ';' || (c == '\\' && i + 1 < len && (text[i + 1] == 'G' || text[i + 1] == 'g'));
        if (terminator) {
            size_t tlen = c == ';' ? 1 : 2;
            if (!started) { /* an empty statement: skip it */
                i += tlen;
                continue;
            }
            size_t end = i;
            while (end > start && is_space((unsigned char)text[end - 1]))
                end--;
            out->start = start;
            out->end = end;
            out->next = i + tlen;
            out->vertical = c == '\\' && text[i + 1] == 'G';
            if (state) *state = SPLIT_PARTIAL;
            return true;
        }
        if (!started) {
            started = true;
            start = i;
        }
        if (c == '\'' || c == '`' || c == '"') {
            size_t j = i + 1;
            for (;;) {
                if (j >= len) {
                    st = c == '\'' ? SPLIT_QUOTE : c == '"' ? SPLIT_DQUOTE : SPLIT_BACKTICK;
                    goto incomplete;
                }
                if ((unsigned char)text[j] == c) {
                    if (j + 1 < len && (unsigned char)text[j + 1] == c) { /* doubled */
                        j += 2;
                        continue;
                    }
                    break;
                }
                j++;
            }
            i = j + 1;
            continue;
        }
        i++;
    }
    st = started ? SPLIT_PARTIAL : SPLIT_BLANK;
incomplete:
    if (st == SPLIT_COMMENT && !started) st = SPLIT_COMMENT;
    if (state) *state = st;
    return false;
}

void lex_next(const char *text, size_t len, size_t *pos, LexTok *t)
{
    size_t i = *pos;
    for (;;) {
        while (i < len && is_space((unsigned char)text[i]))
            i++;
        if (i + 1 < len && text[i] == '-' && text[i + 1] == '-') {
            while (i < len && text[i] != '\n')
                i++;
            continue;
        }
        if (i + 1 < len && text[i] == '/' && text[i + 1] == '*') {
            i += 2;
            while (i + 1 < len && !(text[i] == '*' && text[i + 1] == '/'))
                i++;
            i = i + 2 <= len ? i + 2 : len;
            continue;
        }
        break;
    }
    t->start = i;
    t->text[0] = 0;
    if (i >= len) {
        t->kind = LEX_END;
        t->end = i;
        *pos = i;
        return;
    }
    unsigned char c = (unsigned char)text[i];
    size_t n = 0;
    if (c == '\'' || c == '`' || c == '"') {
        t->kind = c == '\'' ? LEX_STRING : LEX_QIDENT;
        i++;
        while (i < len) {
            if ((unsigned char)text[i] == c) {
                if (i + 1 < len && (unsigned char)text[i + 1] == c) {
                    if (n + 1 < sizeof t->text) t->text[n++] = (char)c;
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            if (n + 1 < sizeof t->text) t->text[n++] = text[i];
            i++;
        }
    } else if (isalnum(c) || c == '_' || c >= 0x80) {
        t->kind = LEX_WORD;
        /* words may hold '-' and '.' so `set cli column-width 20` and
         * `auto.offset.reset`-like bare names read as one word */
        while (i < len) {
            unsigned char d = (unsigned char)text[i];
            if (!(isalnum(d) || d == '_' || d == '-' || d == '.' || d == '@' || d >= 0x80)) break;
            if (d == '-' && i + 1 < len && text[i + 1] == '-') break;
            if (n + 1 < sizeof t->text) t->text[n++] = (char)d;
            i++;
        }
    } else {
        t->kind = LEX_PUNCT;
        t->text[n++] = (char)c;
        i++;
    }
    t->text[n] = 0;
    t->end = i;
    *pos = i;
}

bool lex_is(const LexTok *t, const char *word)
{
    return t->kind == LEX_WORD && strcasecmp(t->text, word) == 0;
}

/* Scans a SELECT for a top-level EMIT and a trailing LIMIT n. */
static StmtKind classify_select(const char *text, size_t len, long *limit)
{
    size_t pos = 0;
    LexTok t, prev = {0}, prev2 = {0};
    bool emit = false;
    int depth = 0;
    for (;;) {
        lex_next(text, len, &pos, &t);
        if (t.kind == LEX_END) break;
        if (t.kind == LEX_PUNCT && t.text[0] == '(') depth++;
        if (t.kind == LEX_PUNCT && t.text[0] == ')') depth--;
        if (depth == 0 && lex_is(&t, "EMIT")) emit = true;
        prev2 = prev;
        prev = t;
    }
    if (limit) {
        *limit = -1;
        if (lex_is(&prev2, "LIMIT") && prev.kind == LEX_WORD) {
            char *endp;
            long v = strtol(prev.text, &endp, 10);
            if (*endp == 0 && v >= 0) *limit = v;
        }
    }
    return emit ? STMT_PUSH : STMT_PULL;
}

StmtKind split_classify(const char *text, size_t len, long *limit)
{
    size_t pos = 0;
    LexTok a, b;
    if (limit) *limit = -1;
    lex_next(text, len, &pos, &a);
    if (lex_is(&a, "SELECT")) return classify_select(text, len, limit);
    if (lex_is(&a, "PRINT")) {
        long l = -1;
        classify_select(text, len, &l);
        if (limit) *limit = l;
        return STMT_PRINT;
    }
    if (lex_is(&a, "DEFINE")) return STMT_DEFINE;
    if (lex_is(&a, "UNDEFINE")) return STMT_UNDEFINE;
    if (lex_is(&a, "SPOOL")) return STMT_SPOOL;
    lex_next(text, len, &pos, &b);
    if (lex_is(&a, "SET")) return lex_is(&b, "CLI") ? STMT_SET_CLI : STMT_SET;
    if (lex_is(&a, "UNSET")) return STMT_UNSET;
    if (lex_is(&a, "RUN") && lex_is(&b, "SCRIPT")) return STMT_RUN_SCRIPT;
    if ((lex_is(&a, "SHOW") || lex_is(&a, "LIST")) && lex_is(&b, "VARIABLES")) {
        LexTok c;
        lex_next(text, len, &pos, &c);
        if (c.kind == LEX_END) return STMT_SHOW_VARS;
    }
    return STMT_KSQL;
}
