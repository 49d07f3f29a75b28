/*
 * error.h - error codes and the error record every module fills.
 *
 * Functions return 0 on success or a negative ERR_* code, and describe the
 * failure in an EddyError the caller passed in. Offsets are byte offsets into the
 * statement text; line and column are computed only when an error is shown.
 */
#ifndef EDDY_ERROR_H
#define EDDY_ERROR_H

#include <stddef.h>

typedef enum ErrCode {
    ERR_OK = 0,
    ERR_SYNTAX = -1,   /* SQL does not parse */
    ERR_SEMANTIC = -2, /* SQL parses but is invalid: unknown column, type mismatch */
    ERR_NOT_FOUND = -3,
    ERR_EXISTS = -4,
    ERR_IO = -5,       /* Kafka, LMDB, files */
    ERR_SERDE = -6,    /* a record or request body cannot be (de)serialized */
    ERR_EVAL = -7,     /* expression evaluation failed for one record */
    ERR_UNSUPPORTED = -8,
    ERR_INTERNAL = -9,
    ERR_LIMIT = -10,   /* a configured limit was reached */
} ErrCode;

#define ERR_MSG_MAX 1024

typedef struct EddyError {
    int code;          /* ErrCode */
    int offset;        /* byte offset into the statement text, or -1 */
    char msg[ERR_MSG_MAX];
} EddyError;

void err_clear(EddyError *e);

/* Records an error (when e is non-NULL) and returns code, so callers can write
 * `return err_set(e, ERR_SEMANTIC, off, "...")`. A second call overwrites. */
int err_set(EddyError *e, int code, int offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Computes the 1-based line and column of byte offset `off` in `text`. */
void err_line_col(const char *text, int off, int *line, int *col);

#endif
