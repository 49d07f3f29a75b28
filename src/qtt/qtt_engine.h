/*
 * qtt_engine.h - the conformance runner's full mode: runs a QTT case through the
 * same executor, planner and operators eddyd runs, on an in-memory engine fed in
 * file order (TopologyTestDriver's model), and checks outputs, expected
 * exceptions and post-conditions.
 */
#ifndef EDDY_QTT_ENGINE_H
#define EDDY_QTT_ENGINE_H

#include "../common/strbuf.h"
#include "qtt_load.h"
#include "qtt_run.h"

/* Runs one QTT (engine-level) case. Fills reason for FAIL and SKIP. */
QttVerdict qtt_case_run(const QttCase *tc, const char *state_root, StrBuf *reason);

/* Whether a case needs a schema registry (AVRO, PROTOBUF, JSON_SR formats). */
bool qtt_case_needs_schema_registry(const QttCase *tc);

#endif
