/*
 * qtt_rest.h - the REST conformance mode: ksqlDB's RQTT cases (rest directory) run
 * over HTTP against a real eddyd that the runner starts for each case.
 */
#ifndef EDDY_QTT_REST_H
#define EDDY_QTT_REST_H

#include "../common/strbuf.h"
#include "qtt_load.h"
#include "qtt_run.h"

typedef struct QttRestConfig {
    const char *eddyd;      /* path of the eddyd binary */
    const char *state_root; /* per-case data directories are made under it */
    bool kafka;             /* run eddyd on its embedded broker (else --memory) */
} QttRestConfig;

/* Runs one RQTT case: starts eddyd (port 0, its own data directory), sends the
 * admin statements to /ksql, writes the inputs, runs each query on /query and
 * matches the responses, the expected error and the output topics as ksqlDB's
 * runner does (partial object matching, rows order-insensitive unless
 * verifyOrder). Fills reason for FAIL and SKIP. */
QttVerdict qtt_rest_case_run(const QttCase *tc, const QttRestConfig *cfg, StrBuf *reason);

#endif
