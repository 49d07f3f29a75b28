/*
 * processing_log.h - the processing log: where queries report records they could
 * not process. Sets up its topic and the KSQL_PROCESSING_LOG stream over it (as
 * ksqlDB's ksql.logging.processing.* settings do), so users can query it.
 */
#ifndef EDDY_PROCESSING_LOG_H
#define EDDY_PROCESSING_LOG_H

#include "../common/error.h"
#include "../common/props.h"
#include "executor.h"

/* Creates the processing-log topic (ksql.logging.processing.topic.name, default
 * "<service id>ksql_processing_log") unless ksql.logging.processing.topic.auto.create
 * is false, points the engine's queries at it, and registers the stream
 * KSQL_PROCESSING_LOG (ksql.logging.processing.stream.name) unless
 * ksql.logging.processing.stream.auto.create is false or it exists. Returns 0 or an
 * error. */
int processing_log_setup(Executor *x, Engine *e, const Props *props, EddyError *err);

#endif
