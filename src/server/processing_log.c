/*
 * processing_log.c - the processing log's topic and stream (see processing_log.h).
 *
 * The record shape is ksqlDB's (level, logger, time, message{type,
 * deserializationError{…}, recordProcessingError{…}, …}), written by the runtime
 * (task_processing_error), plus the source partition and offset of the record.
 */
#include "processing_log.h"

#include <stdio.h>
#include <string.h>

int processing_log_setup(Executor *x, Engine *e, const Props *props, EddyError *err)
{
    char topic[512];
    const char *svc = props_get_str(props, "ksql.service.id", "default_");
    snprintf(topic, sizeof topic, "%s",
             props_get_str(props, "ksql.logging.processing.topic.name", ""));
    if (!topic[0]) snprintf(topic, sizeof topic, "%sksql_processing_log", svc);
    if (props_get_bool(props, "ksql.logging.processing.topic.auto.create", true)) {
        int actual = 0;
        int rc = engine_topic_create(e, topic, 1, 1, -1, &actual, err);
        if (rc < 0 && rc != ERR_EXISTS) return rc;
        err_clear(err);
    }
    engine_set_processing_log(e, topic);
    if (!props_get_bool(props, "ksql.logging.processing.stream.auto.create", true)) return 0;
    const char *stream = props_get_str(props, "ksql.logging.processing.stream.name",
                                       "KSQL_PROCESSING_LOG");
    if (catalog_find(engine_catalog(e), stream)) return 0;
    char sql[2048];
    snprintf(sql, sizeof sql,
             "CREATE STREAM IF NOT EXISTS %s (LOGGER STRING, LEVEL STRING, `TIME` BIGINT, "
             "MESSAGE STRUCT<`TYPE` INT, "
             "DESERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORDB64 STRING, "
             "CAUSE ARRAY<STRING>, `topic` STRING>, "
             "RECORDPROCESSINGERROR STRUCT<ERRORMESSAGE STRING, RECORD STRING, CAUSE ARRAY<STRING>>, "
             "PRODUCTIONERROR STRUCT<ERRORMESSAGE STRING>, "
             "SERIALIZATIONERROR STRUCT<TARGET STRING, ERRORMESSAGE STRING, RECORD STRING, "
             "CAUSE ARRAY<STRING>, `topic` STRING>, "
             "`PARTITION` INT, `OFFSET` BIGINT>) "
             "WITH (KAFKA_TOPIC='%s', VALUE_FORMAT='JSON');",
             stream, topic);
    ExecRequest req = {sql, NULL, NULL, false, true};
    json_t *ents = NULL;
    ExecError xe;
    int rc = executor_run(x, &req, &ents, &xe);
    json_decref(ents);
    if (rc < 0) err_set(err, ERR_SEMANTIC, -1, "processing log stream: %s", xe.message);
    exec_error_clear(&xe);
    return rc < 0 ? ERR_SEMANTIC : 0;
}
