/*
 * tokenize.c - ksqlDB's lexical rules: bytes in, one token out.
 *
 * tok_next() is a pure function over the text: it allocates nothing, keeps no
 * state, and never reads past the n bytes it is given. It follows the lexer of
 * ksqlDB's SqlBase.g4: keywords are case-insensitive; identifiers are
 * [A-Za-z_][A-Za-z0-9_@]* (bytes >= 0x80 are accepted as letters too), or start
 * with a digit when they contain a letter (DIGIT_IDENTIFIER), or are quoted with
 * back quotes or double quotes (doubling the quote escapes it); strings use
 * '...' with ''; numbers are INTEGER (1), DECIMAL (1.5, .5, 1.) or FLOAT
 * (1.5E3, 1E-2), longest match winning and numbers winning ties; `--` line
 * comments and slash-star block comments; ${name} is a variable reference. An unterminated
 * string or quoted identifier, and any other byte, is a one-byte ILLEGAL token
 * (as ANTLR's UNRECOGNIZED), which the parser then reports.
 */
#include <string.h>

#include "parser.h"
#include "parse_int.h"

#include "eddy.h"

/* Sorted by name (ASCII order), for binary search. */
static const struct {
    const char *name;
    int kind;
} keywords[] = {
    {"ADD", TK_ADD},
    {"ADVANCE", TK_ADVANCE},
    {"ALL", TK_ALL},
    {"ALTER", TK_ALTER},
    {"AND", TK_AND},
    {"ARRAY", TK_ARRAY},
    {"AS", TK_AS},
    {"ASSERT", TK_ASSERT},
    {"AT", TK_AT},
    {"BEGINNING", TK_BEGINNING},
    {"BETWEEN", TK_BETWEEN},
    {"BY", TK_BY},
    {"CASE", TK_CASE},
    {"CAST", TK_CAST},
    {"CHANGES", TK_CHANGES},
    {"COLUMN", TK_COLUMN},
    {"CONNECTOR", TK_CONNECTOR},
    {"CONNECTORS", TK_CONNECTORS},
    {"CREATE", TK_CREATE},
    {"DAY", TK_DAY},
    {"DAYS", TK_DAYS},
    {"DECIMAL", TK_DECIMAL},
    {"DEFINE", TK_DEFINE},
    {"DELETE", TK_DELETE},
    {"DESCRIBE", TK_DESCRIBE},
    {"DISTINCT", TK_DISTINCT},
    {"DROP", TK_DROP},
    {"ELSE", TK_ELSE},
    {"EMIT", TK_EMIT},
    {"END", TK_END},
    {"ESCAPE", TK_ESCAPE},
    {"EXISTS", TK_EXISTS},
    {"EXPLAIN", TK_EXPLAIN},
    {"EXTENDED", TK_EXTENDED},
    {"FALSE", TK_FALSE},
    {"FINAL", TK_FINAL},
    {"FROM", TK_FROM},
    {"FULL", TK_FULL},
    {"FUNCTION", TK_FUNCTION},
    {"FUNCTIONS", TK_FUNCTIONS},
    {"GRACE", TK_GRACE},
    {"GROUP", TK_GROUP},
    {"HAVING", TK_HAVING},
    {"HEADER", TK_HEADER},
    {"HEADERS", TK_HEADERS},
    {"HOPPING", TK_HOPPING},
    {"HOUR", TK_HOUR},
    {"HOURS", TK_HOURS},
    {"ID", TK_ID_KW},
    {"IF", TK_IF},
    {"IN", TK_IN},
    {"INNER", TK_INNER},
    {"INSERT", TK_INSERT},
    {"INTERVAL", TK_INTERVAL},
    {"INTO", TK_INTO},
    {"IS", TK_IS},
    {"JOIN", TK_JOIN},
    {"KEY", TK_KEY},
    {"LEFT", TK_LEFT},
    {"LIKE", TK_LIKE},
    {"LIMIT", TK_LIMIT},
    {"LIST", TK_LIST},
    {"MAP", TK_MAP},
    {"MICROSECOND", TK_MICROSECOND},
    {"MICROSECONDS", TK_MICROSECONDS},
    {"MILLISECOND", TK_MILLISECOND},
    {"MILLISECONDS", TK_MILLISECONDS},
    {"MINUTE", TK_MINUTE},
    {"MINUTES", TK_MINUTES},
    {"NANOSECOND", TK_NANOSECOND},
    {"NANOSECONDS", TK_NANOSECONDS},
    {"NOT", TK_NOT},
    {"NULL", TK_NULL},
    {"ON", TK_ON},
    {"OR", TK_OR},
    {"OUTER", TK_OUTER},
    {"PARTITION", TK_PARTITION},
    {"PAUSE", TK_PAUSE},
    {"PERIOD", TK_PERIOD},
    {"PLUGINS", TK_PLUGINS},
    {"PRIMARY", TK_PRIMARY},
    {"PRINT", TK_PRINT},
    {"PROPERTIES", TK_PROPERTIES},
    {"QUERIES", TK_QUERIES},
    {"REPLACE", TK_REPLACE},
    {"RESUME", TK_RESUME},
    {"RETENTION", TK_RETENTION},
    {"RIGHT", TK_RIGHT},
    {"RUN", TK_RUN},
    {"SAMPLE", TK_SAMPLE},
    {"SCHEMA", TK_SCHEMA},
    {"SCRIPT", TK_SCRIPT},
    {"SECOND", TK_SECOND},
    {"SECONDS", TK_SECONDS},
    {"SELECT", TK_SELECT},
    {"SESSION", TK_SESSION},
    {"SET", TK_SET},
    {"SHOW", TK_SHOW},
    {"SINK", TK_SINK},
    {"SIZE", TK_SIZE},
    {"SOURCE", TK_SOURCE},
    {"STREAM", TK_STREAM},
    {"STREAMS", TK_STREAMS},
    {"STRUCT", TK_STRUCT},
    {"SUBJECT", TK_SUBJECT},
    {"SYSTEM", TK_SYSTEM},
    {"TABLE", TK_TABLE},
    {"TABLES", TK_TABLES},
    {"TERMINATE", TK_TERMINATE},
    {"THEN", TK_THEN},
    {"TIME", TK_TIME},
    {"TIMEOUT", TK_TIMEOUT},
    {"TOPIC", TK_TOPIC},
    {"TOPICS", TK_TOPICS},
    {"TRUE", TK_TRUE},
    {"TUMBLING", TK_TUMBLING},
    {"TYPE", TK_TYPE},
    {"TYPES", TK_TYPES},
    {"UNDEFINE", TK_UNDEFINE},
    {"UNSET", TK_UNSET},
    {"VALUES", TK_VALUES},
    {"VARIABLES", TK_VARIABLES},
    {"WHEN", TK_WHEN},
    {"WHERE", TK_WHERE},
    {"WINDOW", TK_WINDOW},
    {"WITH", TK_WITH},
    {"WITHIN", TK_WITHIN},
    {"ZONE", TK_ZONE},
};

#define NKEYWORDS   ((int)(sizeof keywords / sizeof keywords[0]))
#define KEYWORD_MAX 16 /* longest keyword, in bytes */

int tok_keyword_count(void)
{
    return NKEYWORDS;
}

const char *tok_keyword_at(int i, int *kind)
{
    if (i < 0 || i >= NKEYWORDS) return NULL;
    if (kind) *kind = keywords[i].kind;
    return keywords[i].name;
}

int parse_keyword_count(void)
{
    return NKEYWORDS;
}

const char *parse_keyword_at(int i)
{
    return tok_keyword_at(i, NULL);
}

int tok_keyword(const char *z, int n)
{
    char up[KEYWORD_MAX + 1];
    if (n <= 0 || n > KEYWORD_MAX) return 0;
    for (int i = 0; i < n; i++) {
        char ch = z[i];
        up[i] = ch >= 'a' && ch <= 'z' ? (char)(ch - 'a' + 'A') : ch;
    }
    up[n] = 0;
    int lo = 0, hi = NKEYWORDS - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = strcmp(up, keywords[mid].name);
        if (c == 0) return keywords[mid].kind;
        if (c < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return 0;
}

const char *tok_display(int kind)
{
    switch (kind) {
    case 0: return "<EOF>";
    case TK_ID: return "identifier";
    case TK_STRING: return "string";
    case TK_INTEGER_VALUE: return "integer";
    case TK_DECIMAL_VALUE: return "decimal";
    case TK_FLOAT_VALUE: return "double";
    case TK_VARIABLE: return "variable";
    case TK_SEMI: return "';'";
    case TK_COMMA: return "','";
    case TK_DOT: return "'.'";
    case TK_LP: return "'('";
    case TK_RP: return "')'";
    case TK_LBRACKET: return "'['";
    case TK_RBRACKET: return "']'";
    case TK_EQ: return "'='";
    case TK_NE: return "'<>'";
    case TK_LT: return "'<'";
    case TK_LE: return "'<='";
    case TK_GT: return "'>'";
    case TK_GE: return "'>='";
    case TK_PLUS: return "'+'";
    case TK_MINUS: return "'-'";
    case TK_STAR: return "'*'";
    case TK_SLASH: return "'/'";
    case TK_PERCENT: return "'%'";
    case TK_CONCAT: return "'||'";
    case TK_ARROW: return "'->'";
    case TK_LAMBDA: return "'=>'";
    case TK_ASSIGN: return "':='";
    default: break;
    }
    for (int i = 0; i < NKEYWORDS; i++)
        if (keywords[i].kind == kind) return keywords[i].name;
    return "?";
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static bool is_ident_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c)
{
    return is_ident_start(c) || is_digit(c) || c == '@';
}

/* Length of a quoted run starting at z[0] == q, with qq as an escaped quote, or
 * 0 when the closing quote is missing. */
static int quoted_len(const char *z, int n, char q)
{
    for (int i = 1; i < n; i++) {
        if (z[i] != q) continue;
        if (i + 1 < n && z[i + 1] == q) {
            i++;
            continue;
        }
        return i + 1;
    }
    return 0;
}

/* Scans a number at z (a digit, or '.' followed by a digit). */
static int number(const char *z, int n, int *kind)
{
    const unsigned char *u = (const unsigned char *)z;
    int i = 0;
    *kind = TK_INTEGER_VALUE;
    while (i < n && is_digit(u[i]))
        i++;
    if (i < n && u[i] == '.') {
        i++;
        while (i < n && is_digit(u[i]))
            i++;
        *kind = TK_DECIMAL_VALUE;
    }
    if (i < n && (u[i] == 'e' || u[i] == 'E')) {
        int j = i + 1;
        if (j < n && (u[j] == '+' || u[j] == '-')) j++;
        if (j < n && is_digit(u[j])) {
            while (j < n && is_digit(u[j]))
                j++;
            i = j;
            *kind = TK_FLOAT_VALUE;
        }
    }
    if (is_digit(u[0])) {
        /* DIGIT_IDENTIFIER: a digit then letters/digits/_/@, if longer */
        int j = 1;
        while (j < n && is_ident_char(u[j]))
            j++;
        if (j > i && j >= 2) {
            *kind = TK_ID;
            return j;
        }
    }
    return i;
}

int tok_next(const char *z, int n, int *kind)
{
    const unsigned char *u = (const unsigned char *)z;
    unsigned char c = u[0];
    int i;
    switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\f':
        for (i = 1;
             i < n && (u[i] == ' ' || u[i] == '\t' || u[i] == '\n' || u[i] == '\r' || u[i] == '\f');
             i++) {
        }
        *kind = TK_SPACE;
        return i;
    case '-':
        if (n > 1 && u[1] == '-') {
            for (i = 2; i < n && u[i] != '\n'; i++) {
            }
            *kind = TK_COMMENT;
            return i;
        }
        if (n > 1 && u[1] == '>') {
            *kind = TK_ARROW;
            return 2;
        }
        *kind = TK_MINUS;
        return 1;
    case '/':
        if (n > 1 && u[1] == '*') {
            for (i = 2; i + 1 < n; i++) {
                if (u[i] == '*' && u[i + 1] == '/') {
                    *kind = TK_COMMENT;
                    return i + 2;
                }
            }
        }
        *kind = TK_SLASH; /* an unterminated comment is not a comment */
        return 1;
    case '(': *kind = TK_LP; return 1;
    case ')': *kind = TK_RP; return 1;
    case '[': *kind = TK_LBRACKET; return 1;
    case ']': *kind = TK_RBRACKET; return 1;
    case ',': *kind = TK_COMMA; return 1;
    case ';': *kind = TK_SEMI; return 1;
    case '+': *kind = TK_PLUS; return 1;
    case '*': *kind = TK_STAR; return 1;
    case '%': *kind = TK_PERCENT; return 1;
    case '=':
        if (n > 1 && u[1] == '>') {
            *kind = TK_LAMBDA;
            return 2;
        }
        *kind = TK_EQ;
        return 1;
    case '<':
        if (n > 1 && u[1] == '=') {
            *kind = TK_LE;
            return 2;
        }
        if (n > 1 && u[1] == '>') {
            *kind = TK_NE;
            return 2;
        }
        *kind = TK_LT;
        return 1;
    case '>':
        if (n > 1 && u[1] == '=') {
            *kind = TK_GE;
            return 2;
        }
        *kind = TK_GT;
        return 1;
    case '!':
        if (n > 1 && u[1] == '=') {
            *kind = TK_NE;
            return 2;
        }
        break;
    case '|':
        if (n > 1 && u[1] == '|') {
            *kind = TK_CONCAT;
            return 2;
        }
        break;
    case ':':
        if (n > 1 && u[1] == '=') {
            *kind = TK_ASSIGN;
            return 2;
        }
        break;
    case '.':
        if (n > 1 && is_digit(u[1])) return number(z, n, kind);
        *kind = TK_DOT;
        return 1;
    case '\'':
        if ((i = quoted_len(z, n, '\'')) > 0) {
            *kind = TK_STRING;
            return i;
        }
        break;
    case '`':
    case '"':
        if ((i = quoted_len(z, n, (char)c)) > 0) {
            *kind = TK_ID;
            return i;
        }
        break;
    case '$':
        /* ${name}: '${' IDENTIFIER '}' */
        if (n > 3 && u[1] == '{' && (is_ident_start(u[2]))) {
            for (i = 3; i < n && is_ident_char(u[i]); i++) {
            }
            if (i < n && u[i] == '}') {
                *kind = TK_VARIABLE;
                return i + 1;
            }
        }
        break;
    default:
        if (is_digit(c)) return number(z, n, kind);
        if (is_ident_start(c)) {
            for (i = 1; i < n && is_ident_char(u[i]); i++) {
            }
            int kw = tok_keyword(z, i);
            *kind = kw ? kw : TK_ID;
            return i;
        }
        break;
    }
    *kind = TK_ILLEGAL;
    return 1;
}
