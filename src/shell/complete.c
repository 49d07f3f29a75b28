/*
 * complete.c - what Tab offers: SQL keywords (the parser's own table), the
 * shell's commands, and the stream, table, topic and function names eddyd
 * reported.
 *
 * A pure function of the line, the cursor and the name lists, so it is tested
 * without a terminal. The words before the cursor steer it: after FROM, JOIN,
 * INTO or DROP STREAM only sources are offered, after PRINT topics, after
 * DESCRIBE FUNCTION functions. Candidates follow the case of what was typed,
 * since unquoted identifiers and keywords are case-insensitive; a name that
 * needs quoting is offered in back quotes.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../parser/parser.h"
#include "shell.h"

static const char *const local_commands[] = {
    "HELP", "EXIT", "QUIT", "CLEAR", "HISTORY", "VERSION", "SERVER", "OUTPUT", "SPOOL",
};

void completion_names_free(CompletionNames *n)
{
    complete_free(n->sources, n->nsources);
    complete_free(n->topics, n->ntopics);
    complete_free(n->functions, n->nfunctions);
    memset(n, 0, sizeof *n);
}

void complete_free(char **cands, int n)
{
    for (int i = 0; i < n; i++)
        free(cands[i]);
    free(cands);
}

typedef struct Cands {
    char **v;
    int n, cap;
} Cands;

static void cands_add(Cands *c, const char *s)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->v = realloc(c->v, (size_t)c->cap * sizeof(char *));
    }
    c->v[c->n++] = strdup(s);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool word_char(unsigned char c, bool topic)
{
    return isalnum(c) || c == '_' || c >= 0x80 || (topic && (c == '-' || c == '.'));
}

/* True when a name can be written without quotes (upper-case identifier). */
static bool plain_identifier(const char *s)
{
    if (!*s || isdigit((unsigned char)*s)) return false;
    for (const char *p = s; *p; p++)
        if (!(isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_')) return false;
    return true;
}

/* Adds name when it starts with prefix; shaped to the prefix's case. */
static void offer(Cands *c, const char *name, const char *prefix, size_t plen, bool lower,
                  bool verbatim)
{
    if (verbatim) {
        if (strncmp(name, prefix, plen) == 0) cands_add(c, name);
        return;
    }
    if (!plain_identifier(name)) {
        /* offered quoted when the user started with a back quote or typed a
         * prefix of the exact name */
        if (plen && prefix[0] == '`') {
            if (strncmp(name, prefix + 1, plen - 1) == 0) {
                size_t n = strlen(name);
                char *q = malloc(n + 3);
                q[0] = '`';
                memcpy(q + 1, name, n);
                q[n + 1] = '`';
                q[n + 2] = 0;
                cands_add(c, q);
                free(q);
            }
        }
        return;
    }
    if (strncasecmp(name, prefix, plen) != 0) return;
    char *s = strdup(name);
    if (lower)
        for (char *p = s; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    cands_add(c, s);
    free(s);
}

/* Up to two words before position `end` (upper-cased), for context. */
static void previous_words(const char *line, size_t end, char *w1, char *w2, char *w3, size_t cap,
                           bool *at_start)
{
    size_t pos = 0;
    LexTok t;
    w1[0] = w2[0] = w3[0] = 0;
    *at_start = true;
    for (;;) {
        lex_next(line, end, &pos, &t);
        if (t.kind == LEX_END) break;
        if (t.kind == LEX_PUNCT && t.text[0] == ';') {
            w1[0] = w2[0] = w3[0] = 0;
            *at_start = true;
            continue;
        }
        *at_start = false;
        snprintf(w3, cap, "%s", w2);
        snprintf(w2, cap, "%s", w1);
        snprintf(w1, cap, "%s", t.kind == LEX_WORD ? t.text : "");
        for (char *p = w1; *p; p++)
            *p = (char)toupper((unsigned char)*p);
    }
}

int complete_candidates(const char *line, size_t cursor, const CompletionNames *names, char ***out,
                        size_t *word_start)
{
    char w1[64], w2[64], w3[64];
    bool at_start;
    /* context first, to know what a word is (topics may hold '-' and '.') */
    size_t s = cursor;
    while (s > 0 && word_char((unsigned char)line[s - 1], true))
        s--;
    if (s > 0 && line[s - 1] == '`') s--;
    previous_words(line, s, w1, w2, w3, sizeof w1, &at_start);
    bool topics = strcmp(w1, "PRINT") == 0;
    if (!topics) {
        s = cursor;
        while (s > 0 && word_char((unsigned char)line[s - 1], false))
            s--;
        if (s > 0 && line[s - 1] == '`') s--;
        if (s != cursor) previous_words(line, s, w1, w2, w3, sizeof w1, &at_start);
    }
    *word_start = s;
    size_t plen = cursor - s;
    char prefix[256];
    if (plen >= sizeof prefix) plen = sizeof prefix - 1;
    memcpy(prefix, line + s, plen);
    prefix[plen] = 0;
    bool lower = false, upper = false;
    for (size_t i = 0; i < plen; i++) {
        if (islower((unsigned char)prefix[i])) lower = true;
        if (isupper((unsigned char)prefix[i])) upper = true;
    }
    lower = lower && !upper;

    bool want_sources =
        strcmp(w1, "FROM") == 0 || strcmp(w1, "JOIN") == 0 || strcmp(w1, "INTO") == 0 ||
        strcmp(w1, "DESCRIBE") == 0 ||
        (strcmp(w1, "EXTENDED") == 0 && strcmp(w2, "DESCRIBE") == 0) ||
        ((strcmp(w1, "STREAM") == 0 || strcmp(w1, "TABLE") == 0) && strcmp(w2, "DROP") == 0) ||
        (strcmp(w1, "EXISTS") == 0 && strcmp(w2, "IF") == 0);
    bool want_functions = strcmp(w1, "FUNCTION") == 0 && strcmp(w2, "DESCRIBE") == 0;

    Cands c = {0};
    if (topics) {
        for (int i = 0; i < names->ntopics; i++)
            offer(&c, names->topics[i], prefix, plen, false, true);
    } else if (want_functions) {
        for (int i = 0; i < names->nfunctions; i++)
            offer(&c, names->functions[i], prefix, plen, lower, false);
    } else if (want_sources) {
        for (int i = 0; i < names->nsources; i++)
            offer(&c, names->sources[i], prefix, plen, lower, false);
        if (strcmp(w1, "DESCRIBE") == 0) {
            static const char *const kw[] = {"EXTENDED", "FUNCTION", "STREAMS", "TABLES"};
            for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
                offer(&c, kw[i], prefix, plen, lower, false);
        }
    } else if (plen > 0) {
        for (int i = 0; i < parse_keyword_count(); i++)
            offer(&c, parse_keyword_at(i), prefix, plen, lower, false);
        if (at_start)
            for (size_t i = 0; i < sizeof local_commands / sizeof local_commands[0]; i++)
                offer(&c, local_commands[i], prefix, plen, lower, false);
        for (int i = 0; i < names->nsources; i++)
            offer(&c, names->sources[i], prefix, plen, lower, false);
        for (int i = 0; i < names->nfunctions; i++)
            offer(&c, names->functions[i], prefix, plen, lower, false);
    }
    if (c.n > 1) {
        qsort(c.v, (size_t)c.n, sizeof(char *), cmp_str);
        int k = 1;
        for (int i = 1; i < c.n; i++) {
            if (strcmp(c.v[i], c.v[k - 1]) == 0)
                free(c.v[i]);
            else
                c.v[k++] = c.v[i];
        }
        c.n = k;
    }
    *out = c.v;
    return c.n;
}

char *complete_common_prefix(char **cands, int n)
{
    if (n == 0) return strdup("");
    size_t len = strlen(cands[0]);
    for (int i = 1; i < n; i++) {
        size_t k = 0;
        while (k < len && cands[i][k] &&
               tolower((unsigned char)cands[i][k]) == tolower((unsigned char)cands[0][k]))
            k++;
        len = k;
    }
    return strndup(cands[0], len);
}
