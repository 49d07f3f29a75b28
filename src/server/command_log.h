/*
 * command_log.h - the command log: every accepted DDL/DML statement, with the
 * properties it ran with, appended in order and replayed at start so streams,
 * tables and persistent queries come back with the same names and query ids.
 *
 * The log is kept in the data directory's LMDB environment (store
 * `_eddy_commands`, key = big-endian sequence number, value = JSON
 * {"statement","properties"}). Mirroring it to a Kafka command topic
 * (`_confluent-ksql-<service id>_command_topic`, as ksqlDB names it) so several
 * servers share it is not done yet: command_log_topic names it.
 */
#ifndef EDDY_COMMAND_LOG_H
#define EDDY_COMMAND_LOG_H

#include "../common/error.h"
#include "../common/props.h"
#include "../runtime/engine.h"
#include "executor.h"

typedef struct CommandLog CommandLog;

/* Opens the log in the engine's state environment. Returns NULL with err set. */
CommandLog *command_log_open(Engine *e, const char *service_id, EddyError *err);
void command_log_close(CommandLog *l);

/* Appends a statement (the executor's ExecCommandFn: ctx is the CommandLog). */
void command_log_append(void *ctx, const char *stmt, const Props *overrides);

/* Replays every logged statement through the executor, in order. Statements
 * that fail now are reported through `warn` and skipped. Returns the number
 * replayed. */
int command_log_replay(CommandLog *l, Executor *x, void (*warn)(const char *msg));

/* Number of commands in the log. */
long command_log_size(CommandLog *l);

/* Drops every command (POST /ksql/terminate). */
void command_log_clear(CommandLog *l);

/* The command topic's name. */
const char *command_log_topic(CommandLog *l);

#endif
