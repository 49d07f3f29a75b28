/*
 * qtt_run.h - judging one QTT case. The parse-only check lives here; the full
 * mode (running a case through the engine) plugs in next to it.
 */
#ifndef EDDY_QTT_RUN_H
#define EDDY_QTT_RUN_H

#include "../common/strbuf.h"
#include "qtt_load.h"

typedef enum QttVerdict {
    QTT_PASS,
    QTT_FAIL,
    QTT_SKIP,
} QttVerdict;

/* Parses every statement of the case. PASS when all parse; FAIL with the first
 * error in `reason` (one line); SKIP for disabled cases and cases that expect
 * an error. */
QttVerdict qtt_case_parse_only(const QttCase *c, StrBuf *reason);

#endif
