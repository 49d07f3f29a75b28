/*
 * entities.h - ksqlDB's REST entity shapes (reference §a) built as JSON:
 * statuses, source lists and descriptions, queries, topics, properties,
 * functions, types. Shared by the executor and the HTTP endpoints.
 */
#ifndef EDDY_ENTITIES_H
#define EDDY_ENTITIES_H

#include <jansson.h>

#include "../common/types.h"
#include "../functions/functions.h"
#include "../planner/catalog.h"
#include "../runtime/engine.h"

/* {"@type":"currentStatus", "statementText", "commandId", "commandStatus":{status,
 * message, queryId}, "commandSequenceNumber", "warnings":[]} */
json_t *ent_current_status(const char *stmt, const char *command_id, const char *message,
                           const char *query_id, long seq);

/* {"type":"STRING","fields":null,"memberSchema":null} (ksqlDB's SchemaInfo). */
json_t *ent_schema(const Type *t);
/* The "fields" array of a source description. */
json_t *ent_fields(const Schema *s, bool is_table);

json_t *ent_source_list(Engine *e, bool tables, const char *stmt, bool extended);
json_t *ent_source_description(Engine *e, const Source *s, bool extended);
json_t *ent_query_list(Engine *e, const char *stmt, bool extended);
json_t *ent_query_description(Engine *e, RunningQuery *rq);
/* SHOW [ALL] TOPICS: without all, Kafka's and ksqlDB's internal topics (names
 * starting "__" or "_confluent") are left out, as ksqlDB does. */
json_t *ent_topic_list(Engine *e, const char *stmt, bool all, bool extended, EddyError *err);
json_t *ent_function_list(const char *stmt);
json_t *ent_describe_function(const FnDef *d, const char *stmt);
json_t *ent_type_list(Catalog *c, const char *stmt);
json_t *ent_properties(const Props *effective, const Props *overrides, const char *stmt);
json_t *ent_variables(const Props *vars, const char *stmt);

/* The format name as ksqlDB reports it ("KAFKA", "JSON", "DELIMITED", "NONE"). */
const char *ent_format_name(const FormatSpec *f);
/* "TUMBLING" / "HOPPING" / "SESSION" or NULL. */
const char *ent_window_name(WindowType w);

#endif
