/*
 * executor.h - the statement executor: SQL text in, ksqlDB entities out.
 *
 * Splits a request into statements, substitutes ${variables}, parses, plans and
 * applies each statement to the engine in order, and describes the outcome of
 * each as a ksqlDB REST entity (JSON). Used by POST /ksql, by the command log
 * replay, and by the conformance runner (without HTTP).
 */
#ifndef EDDY_EXECUTOR_H
#define EDDY_EXECUTOR_H

#include <jansson.h>
#include <stdbool.h>

#include "../common/error.h"
#include "../common/props.h"
#include "../parser/ast.h"
#include "../runtime/engine.h"

typedef struct ExecRequest {
    const char *sql;         /* one or more statements */
    const Props *overrides;  /* streamsProperties: apply to this request only */
    Props *variables;        /* session variables (DEFINE/UNDEFINE change them), may be NULL */
    bool allow_queries;      /* accept SELECT/PRINT (else: "use the /query endpoint") */
    bool replay;             /* command-log replay: statements were accepted before */
} ExecRequest;

typedef struct ExecError {
    int status;              /* HTTP status: 400, 404, 500, ... */
    int error_code;          /* ksqlDB error code: 40001, ... */
    const char *type;        /* "statement_error" or "generic_error" */
    char message[2048];
    char *statement;         /* the statement that failed (malloc'd) */
} ExecError;

/* Called for every statement that changed the catalog or the queries, with the
 * exact text to log (variables substituted); the command log appends it. */
typedef void (*ExecCommandFn)(void *ctx, const char *stmt_text, const Props *overrides);

typedef struct Executor Executor;

Executor *executor_new(Engine *engine);
void executor_free(Executor *x);
void executor_on_command(Executor *x, ExecCommandFn fn, void *ctx);

/* Runs every statement of req. Returns 0 with *entities (a JSON array, one entity
 * per statement). On failure returns < 0, fills *err and sets *entities to the
 * entities of the statements that succeeded before the failing one. */
int executor_run(Executor *x, const ExecRequest *req, json_t **entities, ExecError *err);

void exec_error_clear(ExecError *e);

/* A SELECT or PRINT prepared for /query and /query-stream. */
typedef struct PreparedQuery {
    Plan *plan;           /* SELECT: PLAN_PULL or PLAN_PUSH (owned); NULL for PRINT */
    char *text;           /* the statement, variables substituted (malloc'd) */
    Props props;          /* effective properties: server + streamsProperties */
    bool is_print;        /* PRINT: */
    char *print_topic;    /*   the topic (malloc'd) */
    bool from_beginning;  /*   FROM BEGINNING */
    int64_t interval;     /*   INTERVAL n (1: every record) */
    int64_t limit;        /*   LIMIT n, -1 when absent */
} PreparedQuery;

/* Parses and plans the single query of req->sql (under the engine lock).
 * Returns 0 with *out filled (free with prepared_query_free), or < 0 with err
 * set: parse and planning errors as statement_error 40001, several statements
 * or a non-query statement as 400. */
int executor_prepare_query(Executor *x, const ExecRequest *req, PreparedQuery *out,
                           ExecError *err);
void prepared_query_free(PreparedQuery *q);

/* Splits SQL text into statements at top-level ';' (quotes and comments
 * respected). Returns the count; starts[i]/ends[i] are byte offsets (malloc'd
 * arrays the caller frees). */
int executor_split(const char *sql, int **starts, int **ends);

#endif
