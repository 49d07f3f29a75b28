/*
 * qtt_load.h - loading ksqlDB query-validation test files (QTT and RQTT).
 *
 * A file is read leniently (// and slash-star comments outside strings are
 * stripped, as upstream's Jackson reader allows them), parsed with jansson, and
 * expanded into cases exactly as ksqlDB's runner does: one case per element of
 * `format` ({FORMAT} substituted in the statements, name suffix " - FORMAT"),
 * times one per element of `config` (the property whose value is "{CONFIG}" set
 * to the element, name suffix " - prop=value"). The runner in main.c and the
 * engine-backed full mode both work from QttCase.
 */
#ifndef EDDY_QTT_LOAD_H
#define EDDY_QTT_LOAD_H

#include <jansson.h>
#include <stdbool.h>

#include "../common/error.h"

typedef struct QttCase {
    const char *file; /* path as reported: relative to the directory given */
    char *name;       /* test name plus expansion suffixes */
    int nstatements;
    char **statements;  /* SQL, one statement each, {FORMAT} substituted */
    const char *format; /* the `format` element of this case, or NULL */
    const char *config; /* the `config` element of this case, or NULL */
    bool enabled;       /* false when the test says "enabled": false */
    bool rest;          /* an RQTT case (the file has `responses`-style cases) */
    /* Borrowed from the file's JSON (NULL when absent); valid until
     * qtt_file_free. `properties` is this case's own copy, with {CONFIG} set. */
    json_t *test; /* the whole test object */
    json_t *inputs, *outputs, *topics, *properties, *post;
    json_t *expected_exception; /* QTT */
    json_t *expected_error;     /* RQTT */
    json_t *responses, *input_conditions, *output_conditions;
} QttCase;

typedef struct QttFile {
    char *rel; /* name to report, e.g. "rest/insert-values.json" */
    json_t *root;
    int ncases;
    QttCase *cases;
} QttFile;

/* Reads JSON with comments: returns a malloc'd copy of text[0..n) with // and
 * slash-star comments outside string literals replaced by blanks (newlines are
 * kept so jansson's line numbers stay right). */
char *qtt_strip_comments(const char *text, size_t n);

/* Numbers with more than 15 significant digits (which a double would round)
 * become strings QTT_NUM_MARK "<text>", so their digits survive jansson. Returns a
 * malloc'd copy of s[0..*len) and updates *len. qtt_file_load applies it. */
#define QTT_NUM_MARK "\x1bNUM:"
char *qtt_protect_numbers(const char *s, size_t *len);

/* Loads and expands one test file. rel is the name reported for it. Returns 0,
 * or ERR_IO / ERR_SERDE with err filled (unreadable file, bad JSON, a test
 * without a name or statements). On success the caller frees with
 * qtt_file_free. */
int qtt_file_load(const char *path, const char *rel, QttFile *out, EddyError *err);

/* Expands a parsed file root (takes a reference to root). */
int qtt_file_expand(json_t *root, const char *rel, QttFile *out, EddyError *err);

void qtt_file_free(QttFile *f);

/* Lists the test files under a path: for a directory its *.json then
 * those in rest/, each group sorted by name; for a file, the file itself. Fills
 * malloc'd arrays of full paths and of names relative to the directory.
 * Returns the count, or a negative ERR_* when the path cannot be read. */
int qtt_collect(const char *path, char ***paths, char ***rels, EddyError *err);
void qtt_collect_free(char **paths, char **rels, int n);

#endif
