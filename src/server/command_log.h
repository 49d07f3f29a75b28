/*
 * command_log.h - the command log: every accepted DDL/DML statement, with the
 * properties it ran with, appended in order and replayed at start so streams,
 * tables and persistent queries come back with the same names and query ids.
 *
 * The log lives in two places that mirror each other:
 *   - the data directory's LMDB environment (store `_eddy_commands`, key =
 *     big-endian sequence number, value = JSON {"statement","properties"});
 *   - on the Kafka engine, the command topic `_confluent-ksql-<service id>_command_topic`
 *     (ksqlDB's name; 1 partition, kept forever), one record per command (key =
 *     the sequence number as text, value = the same JSON). Clearing the log
 *     (POST /ksql/terminate) appends a {"clear":true} record: what precedes it
 *     is void (the embedded broker cannot delete topics).
 * Every append goes to both, LMDB first (synced), then the topic (acknowledged),
 * before the client hears that the statement succeeded. At start the longer of
 * the two is replayed and the other is brought up to it: a lost data directory
 * is rebuilt from the topic, and a topic that is empty (the embedded broker
 * starts empty) is filled again from LMDB.
 */
#ifndef EDDY_COMMAND_LOG_H
#define EDDY_COMMAND_LOG_H

#include "../common/error.h"
#include "../common/props.h"
#include "../runtime/engine.h"
#include "executor.h"

typedef struct CommandLog CommandLog;

/* Opens the log in the engine's state environment, and on the Kafka engine
 * creates the command topic if it is missing. Returns NULL with err set. */
CommandLog *command_log_open(Engine *e, const char *service_id, EddyError *err);
void command_log_close(CommandLog *l);

/* Appends a statement (the executor's ExecCommandFn: ctx is the CommandLog). */
void command_log_append(void *ctx, const char *stmt, const Props *overrides);

/* Replays every logged statement through the executor, in order (from LMDB or
 * from the command topic, whichever holds more; see above). Statements that
 * fail now are reported through `warn` and skipped. Returns the number
 * replayed; *total (may be NULL) receives the number logged. */
int command_log_replay(CommandLog *l, Executor *x, void (*warn)(const char *msg), long *total);

/* Number of commands in the log. */
long command_log_size(CommandLog *l);

/* Drops every command (POST /ksql/terminate). */
void command_log_clear(CommandLog *l);

/* The command topic's name. */
const char *command_log_topic(CommandLog *l);

#endif
