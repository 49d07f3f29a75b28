/*
 * shell.h - the pieces of `eddy`, the interactive shell, and how they meet.
 *
 * The shell is a REST client of eddyd. Text typed or read from a script goes
 * through the splitter (split.c) into statements; each statement is either a
 * local command (cmd.c: SET, DEFINE, RUN SCRIPT, output, server, ...) or is sent
 * to eddyd by the HTTP client (client.c, libcurl): SELECT and PRINT to
 * /query-stream, everything else to /ksql. Answers are drawn by the renderer
 * (render.c on table.c) in the chosen output format. Line editing, history and
 * completion are in edit.c and complete.c (libedit).
 *
 * This header is internal to src/shell/: nothing outside the shell includes it.
 * The shell links only src/common and src/parser (for ${var} substitution), never
 * the engine.
 */
#ifndef EDDY_SHELL_H
#define EDDY_SHELL_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../common/error.h"
#include "../common/strbuf.h"

#define SHELL_VERSION     "0.1.0"
#define SHELL_DEFAULT_URL "http://localhost:8088"

/* ================================================================ splitting */

/* The lexical state at the end of a piece of text, so the prompt can say what
 * the shell waits for. */
typedef enum SplitState {
    SPLIT_BLANK,    /* nothing but spaces and complete comments */
    SPLIT_PARTIAL,  /* a statement has started, no terminator yet */
    SPLIT_QUOTE,    /* inside '...' */
    SPLIT_DQUOTE,   /* inside "..." */
    SPLIT_BACKTICK, /* inside `...` */
    SPLIT_COMMENT,  /* inside a block comment */
} SplitState;

/* One statement found in a buffer. */
typedef struct SplitStmt {
    size_t start;  /* first byte of the statement (leading blanks skipped) */
    size_t end;    /* one past its last byte, the terminator excluded */
    size_t next;   /* where the scan for the following statement starts */
    bool vertical; /* ended with \G instead of ; */
} SplitStmt;

/* Finds the first complete statement in text[0..len): one that ends with a
 * top-level `;` or `\G` (outside quotes, quoted identifiers and comments; `--`
 * comments run to the end of the line, block comments to their end).
 * Returns true and fills *out when there is one; returns false when the text
 * holds no complete statement, and then *state tells what is pending.
 * Pure: no allocation. Statements made of blanks only (";;") are skipped. */
bool split_next(const char *text, size_t len, SplitStmt *out, SplitState *state);

/* A small lexer for the shell's own commands (SET 'k'='v', DEFINE x = 'v',
 * RUN SCRIPT 'f', ...): words, strings, quoted identifiers and punctuation, with
 * blanks and comments skipped. */
typedef enum LexKind {
    LEX_END,
    LEX_WORD,   /* identifier, keyword or number, as written */
    LEX_STRING, /* '...': value unescaped ('' -> ') */
    LEX_QIDENT, /* `...` or "...": value without quotes */
    LEX_PUNCT,  /* one other character */
} LexKind;

typedef struct LexTok {
    LexKind kind;
    size_t start, end; /* byte range in the text, quotes included */
    char text[1024];   /* the value (truncated when longer) */
} LexTok;

/* Reads the token at *pos in text[0..len) and advances *pos past it. */
void lex_next(const char *text, size_t len, size_t *pos, LexTok *t);

/* True when t is a word equal to `word`, case-insensitively. */
bool lex_is(const LexTok *t, const char *word);

/* Kinds of statements as far as the shell cares. */
typedef enum StmtKind {
    STMT_KSQL,       /* sent to /ksql */
    STMT_PULL,       /* SELECT without EMIT: /query-stream, a table */
    STMT_PUSH,       /* SELECT ... EMIT ...: /query-stream, streamed */
    STMT_PRINT,      /* PRINT topic: /query-stream, text lines */
    STMT_SET,        /* SET 'k'='v' (session property) */
    STMT_UNSET,      /* UNSET 'k' */
    STMT_SET_CLI,    /* SET CLI <name> <value> (shell setting) */
    STMT_DEFINE,     /* DEFINE name = 'value' */
    STMT_UNDEFINE,   /* UNDEFINE name */
    STMT_SHOW_VARS,  /* SHOW | LIST VARIABLES */
    STMT_RUN_SCRIPT, /* RUN SCRIPT 'file' */
    STMT_SPOOL,      /* SPOOL file | OFF */
} StmtKind;

/* Classifies one statement (text without its terminator). For SELECT, *limit
 * gets the value of a trailing LIMIT n, or -1. */
StmtKind split_classify(const char *text, size_t len, long *limit);

/* ================================================================ tables */

/* A table of text cells, as the renderer fills it and table_print draws it. */
typedef struct Table {
    int ncols;
    char **headers; /* ncols malloc'd strings */
    int nrows, cap;
    char ***rows; /* nrows arrays of ncols malloc'd strings */
} Table;

void table_init(Table *t, int ncols, const char *const *headers);
/* Adds a row (cells copied; a NULL cell is drawn empty). */
void table_add_row(Table *t, const char *const *cells);
void table_free(Table *t);

typedef enum TableStyle {
    TABLE_LIST, /* ksqlDB's SHOW/DESCRIBE look: " a | b " between dashed rules */
    TABLE_GRID, /* query results: +---+ borders and |a|b| cells */
} TableStyle;

/* How tables are drawn. */
typedef struct TableOpts {
    int term_width;   /* columns of the terminal; 0 = unlimited */
    int column_width; /* fixed width of every column; 0 = fit the content */
    bool wrap;        /* wrap long cells over several lines (else cut with ...) */
} TableOpts;

/* Display width of UTF-8 text (code points, control characters count 1). */
int table_text_width(const char *s);

/* Computes the width of each column (widths has ncols entries): the widest cell
 * or header, or opts->column_width; when the table is wider than the terminal,
 * the widest columns give way (down to 4) until it fits. Returns the total width
 * of the drawn table. */
int table_layout(const Table *t, TableStyle style, const TableOpts *o, int *widths);

/* Width of the table at its natural column widths (no terminal limit). */
int table_natural_width(const Table *t, TableStyle style);

/* Draws the table into out. */
void table_print(StrBuf *out, const Table *t, TableStyle style, const TableOpts *o);

/* Draws the table as vertical records:
 *   -[ RECORD 1 ]-----
 *   NAME  | value
 * (psql's \x look; first_record numbers the first one). */
void table_print_vertical(StrBuf *out, const Table *t, int first_record);

/* Pieces of a grid drawn row by row (push queries): the top rule and header
 * line, one row, the bottom rule. widths as from table_layout. */
void table_grid_header(StrBuf *out, int ncols, const char *const *headers, const int *widths);
void table_grid_row(StrBuf *out, int ncols, const char *const *cells, const int *widths, bool wrap);
void table_grid_rule(StrBuf *out, int ncols, const int *widths);

/* ================================================================ rendering */

typedef enum OutputFormat {
    OUT_TABULAR,
    OUT_JSON,
    OUT_VERTICAL,
} OutputFormat;

typedef struct RenderOpts {
    OutputFormat format;
    TableOpts table;
} RenderOpts;

/* Parses "tabular" / "json" / "vertical" (any case); returns false otherwise. */
bool render_parse_format(const char *s, OutputFormat *out);
const char *render_format_name(OutputFormat f);

/* A JSON value as a table cell: strings bare, null as "null", numbers in their
 * shortest exact form (1.5, 2.0, 10), arrays and objects as compact JSON. */
void render_value(StrBuf *out, const json_t *v);

/* A field schema ({"type":"ARRAY","memberSchema":{...}}) as SQL type text,
 * in ksqlDB CLI's words (VARCHAR(STRING), ARRAY<INTEGER>, ...). */
void render_schema(StrBuf *out, const json_t *schema);

/* Draws one /ksql entity (an element of the response array) in the given
 * format: Message tables for statuses, tables for SHOW/LIST, DESCRIBE and
 * EXPLAIN layouts, warnings after. Unknown entities are shown as JSON. */
void render_entity(StrBuf *out, const json_t *entity, const RenderOpts *o);

/* Draws the result of a pull query: header (the /query-stream header object with
 * columnNames/columnTypes) and rows (a JSON array of row arrays). Tabular output
 * turns vertical when the table is wider than the terminal. Ends with the row
 * count: "(2 rows)". */
void render_pull_result(StrBuf *out, const json_t *header, const json_t *rows, const RenderOpts *o);

/* Streams a push query. begin draws the header (and decides tabular or
 * vertical from the terminal width), row draws one row, end the footer line
 * (e.g. "Limit Reached"). */
typedef struct PushRender {
    RenderOpts opts;
    bool vertical; /* rows drawn as records */
    int ncols;
    char **names; /* column names */
    int *widths;  /* column widths (tabular) */
    long nrows;   /* rows drawn so far */
} PushRender;

void render_push_begin(PushRender *p, StrBuf *out, const json_t *header, const RenderOpts *o);
void render_push_row(PushRender *p, StrBuf *out, const json_t *row);
void render_push_end(PushRender *p, StrBuf *out, const char *footer);
void render_push_free(PushRender *p);

/* An error answer from eddyd or the client, with the failing statement: the
 * message, and for "line L:C:" messages the statement line and a caret under
 * the column. */
void render_error(StrBuf *out, const char *message, const char *statement);

/* ================================================================ HTTP client */

typedef struct Client Client;

typedef enum ClientErrKind {
    CLIENT_ERR_NONE,
    CLIENT_ERR_CONNECT,  /* no answer: server down, bad address, TLS failure */
    CLIENT_ERR_HTTP,     /* an error status with a ksqlDB error body */
    CLIENT_ERR_PROTOCOL, /* an answer we could not understand */
    CLIENT_ERR_CANCELLED,
} ClientErrKind;

typedef struct ClientError {
    ClientErrKind kind;
    long status;     /* HTTP status, 0 when none */
    long error_code; /* ksqlDB error_code (40001, ...), 0 when none */
    char message[2048];
} ClientError;

/* Creates a client of the server at url ("http://host:port", no trailing
 * slash needed). user/password may be NULL (no basic auth). Returns NULL when
 * libcurl cannot be set up. */
Client *client_new(const char *url, const char *user, const char *password);
void client_free(Client *c);
/* Points the client at another server. */
void client_set_url(Client *c, const char *url);
const char *client_url(const Client *c);

/* GET /info. Returns 0 with *info (the KsqlServerInfo object, caller decrefs)
 * or -1 with err filled. */
int client_info(Client *c, json_t **info, ClientError *err);

/* POST /ksql with one statement. props are the session's streamsProperties
 * (may be NULL). Returns 0 with *entities (a JSON array, caller decrefs) or -1
 * with err filled (for an error body: its message and error_code). */
int client_ksql(Client *c, const char *sql, const json_t *props, json_t **entities,
                ClientError *err);

/* Callbacks of a streamed query. Each returns 0 to go on, non-zero to stop
 * reading (the query is then closed). json items are borrowed. */
typedef struct QueryHandler {
    int (*on_header)(void *ctx, const json_t *header); /* {"queryId","columnNames",...} */
    int (*on_row)(void *ctx, const json_t *row);       /* [v, v, ...] */
    int (*on_text)(void *ctx, const char *line);       /* a non-JSON line (PRINT) */
    void *ctx;
} QueryHandler;

/* POST /query-stream (delimited) with sql, calling h for each item as it
 * arrives, until the server ends the response, a callback stops it, or
 * *cancel becomes non-zero (Ctrl-C). When stopped early, a push query is
 * closed with POST /close-query. Returns 0 when the server ended the stream,
 * 1 when it was stopped or cancelled, -1 on error (an error item in the stream
 * also counts) with err filled. */
int client_query_stream(Client *c, const char *sql, const json_t *props, const QueryHandler *h,
                        volatile sig_atomic_t *cancel, ClientError *err);

/* POST /close-query {"queryId": id}. Returns 0 or -1 with err. */
int client_close_query(Client *c, const char *query_id, ClientError *err);

/* Parses a ksqlDB error body (generic_error / statement_error) into err; falls
 * back to the raw text. Used by the client, exposed for tests. */
void client_parse_error(const char *body, size_t len, long status, ClientError *err);

/* Feeds bytes of a /query-stream response to a line decoder that calls h for
 * each complete line: a JSON object first is the header, arrays are rows, an
 * object with "message"/"error_code" is an error (returned as -1 with err set),
 * anything else is text. Holds partial lines between calls. */
typedef struct StreamDecoder {
    StrBuf pending; /* bytes of an incomplete line */
    bool have_header;
    bool stopped;    /* a callback asked to stop */
    bool json_array; /* the response is one JSON array ([{header},[row],...]) */
    const QueryHandler *h;
    ClientError *err;
    int failed; /* an error item was seen */
    char query_id[256];
} StreamDecoder;

void stream_decoder_init(StreamDecoder *d, const QueryHandler *h, ClientError *err);
/* Returns 0 to go on, 1 when a callback stopped, -1 on an error item. */
int stream_decoder_feed(StreamDecoder *d, const char *data, size_t len);
/* Flushes a last line without newline. Same returns. */
int stream_decoder_finish(StreamDecoder *d);
void stream_decoder_free(StreamDecoder *d);

/* ================================================================ completion */

/* Names the completer offers besides keywords. Arrays of malloc'd strings. */
typedef struct CompletionNames {
    char **sources;
    int nsources; /* streams and tables */
    char **topics;
    int ntopics;
    char **functions;
    int nfunctions;
} CompletionNames;

void completion_names_free(CompletionNames *n);

/* Candidates for completing the word that ends at `cursor` in line: keywords,
 * local commands, source, topic and function names whose prefix matches
 * (case-insensitively), shaped to the case the user typed (lower-case input
 * gets lower-case keywords and names). After FROM/JOIN/INTO/DESCRIBE/DROP ...
 * sources come first and keywords are left out; after PRINT, topics.
 * Returns the count; *out is a malloc'd array of malloc'd strings, sorted and
 * without duplicates; *word_start is where the completed word begins. */
int complete_candidates(const char *line, size_t cursor, const CompletionNames *names, char ***out,
                        size_t *word_start);
void complete_free(char **cands, int n);

/* The longest common prefix (case-insensitive) of the candidates, as it is in
 * the first one; malloc'd. */
char *complete_common_prefix(char **cands, int n);

/* ================================================================ line editing */

typedef struct Editor Editor;

/* Completion names are asked for lazily, on the first Tab after a change. */
typedef void (*EditorNamesFn)(void *ctx, CompletionNames *out);

/* Sets up libedit on the terminal with the history in history_path (may be
 * NULL: no persistent history). *sigint is the flag the SIGINT handler sets
 * (installed without SA_RESTART, so a blocked read returns). Returns NULL when
 * stdin is not a terminal. */
Editor *editor_new(const char *prog, const char *history_path, EditorNamesFn names_fn,
                   void *names_ctx, volatile sig_atomic_t *sigint);
void editor_free(Editor *e);

/* Reads one line with the prompt. Returns a malloc'd line without newline,
 * or NULL at end of input (Ctrl-D on an empty line). When the user presses
 * Ctrl-C the line is dropped: *interrupted is set and "" is returned. */
char *editor_read(Editor *e, const char *prompt, bool *interrupted);
/* Adds an entry to the history and saves the history file. */
void editor_history_add(Editor *e, const char *entry);
/* Writes the history, numbered, into out. */
void editor_history_print(Editor *e, StrBuf *out);
/* Drops cached completion names (after DDL, or a server change). */
void editor_names_stale(Editor *e);

/* ================================================================ the session */

typedef struct Shell Shell;

typedef struct ShellConfig {
    const char *url;      /* server address */
    const char *user;     /* basic auth user, or NULL */
    const char *password; /* basic auth password, or NULL */
    OutputFormat format;
    bool interactive;         /* a person at a terminal: prompts, banner, colour */
    bool color;               /* colour errors */
    const char *history_path; /* persistent history, or NULL */
    FILE *out;                /* results (stdout) */
    FILE *err;                /* errors (stderr) */
} ShellConfig;

/* Creates a session; NULL when libcurl cannot start. Installs no signal
 * handler itself: main sets *shell_sigint_flag(s) from SIGINT. */
Shell *shell_new(const ShellConfig *cfg);
void shell_free(Shell *s);
volatile sig_atomic_t *shell_sigint_flag(Shell *s);

/* Defines a variable (--define name=value). */
void shell_define(Shell *s, const char *name, const char *value);

/* Asks the server for /info; prints the banner (interactive) or a warning
 * when it cannot be reached. Returns 0 when the server answered. */
int shell_connect(Shell *s, bool banner);

/* Runs the interactive loop on the terminal until exit or Ctrl-D. Returns the
 * exit status. */
int shell_interactive(Shell *s);

/* Feeds one input line: local commands run at once, SQL accumulates until a
 * statement is complete and then runs. Returns 0, -1 after an error, or 1 when
 * the user asked to leave. */
int shell_feed_line(Shell *s, const char *line);

/* Runs what is left in the input buffer as a last statement (a script's final
 * `;` may be missing). Same returns as shell_feed_line. */
int shell_flush(Shell *s);

/* Runs a whole text (from -e, -f or stdin) line by line, stopping at the first
 * error. Returns 0, -1 after an error, or 1 when the text asked to leave. */
int shell_run_text(Shell *s, const char *text);

/* Runs statements read from f until its end, stopping at the first error. */
int shell_run_file(Shell *s, FILE *f);

#endif
