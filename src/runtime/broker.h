/*
 * broker.h - the embedded broker: librdkafka's in-process mock cluster behind a
 * fixed bootstrap address, plus an optional control endpoint for topic creation.
 *
 * librdkafka 2.0.2's mock cluster listens on random loopback ports and answers no
 * Admin API request. The broker therefore (1) runs a small TCP forwarder on the
 * configured bootstrap address that relays each connection to the first mock
 * broker (clients bootstrap there, read the metadata and then connect to the mock
 * brokers' advertised loopback addresses directly), and (2) creates topics through
 * the mock API, in-process or, for other processes, through the control endpoint's
 * line protocol (see docs/embedded-broker.md):
 *
 *   create topic NAME [PARTITIONS] ->  "OK created NAME PARTITIONS" | "OK exists NAME PARTITIONS"
 *                                      | "ERR conflict: msg" (other count) | "ERR msg"
 *   describe topic NAME            ->  "OK NAME PARTITIONS" | "ERR ..."
 *   list topics                    ->  "OK N", then N lines "NAME PARTITIONS"
 *   bootstrap                      ->  "OK HOST:PORT"
 *   ping                           ->  "OK pong"
 *
 * Everything lives in memory and disappears with broker_stop().
 */
#ifndef EDDY_BROKER_H
#define EDDY_BROKER_H

#include <stdbool.h>

#include "../common/error.h"

#define BROKER_DEFAULT_LISTEN "127.0.0.1:9092"

typedef struct Broker Broker;

typedef struct BrokerConfig {
    const char *listen;  /* bootstrap "HOST:PORT"; port 0 picks a free one; NULL: 127.0.0.1:9092 */
    const char *control; /* control endpoint "HOST:PORT" (port 0 allowed); NULL: none */
    int brokers;         /* mock brokers, 1..16; 0: 1 */
    int default_partitions; /* partitions of topics created without a count; 0: 1 */
    bool quiet;             /* do not log the addresses to stderr */
} BrokerConfig;

typedef struct BrokerTopic {
    char *name; /* owned by the array (see broker_topics_free) */
    int partitions;
} BrokerTopic;

/* Starts the mock cluster, the bootstrap forwarder and (if configured) the control
 * endpoint. Returns NULL with err set (ERR_IO) when a listen address is busy or
 * invalid ("bootstrap address 127.0.0.1:9092 is in use: ..."), or the mock cluster
 * cannot be created. Unless cfg->quiet, logs the addresses to stderr. */
Broker *broker_start(const BrokerConfig *cfg, EddyError *err);

/* Stops everything and frees the broker (all topics are lost). NULL is allowed. */
void broker_stop(Broker *b);

/* The address clients bootstrap from ("127.0.0.1:9092", or the port actually bound
 * when port 0 was asked). Valid until broker_stop. */
const char *broker_bootstrap_servers(const Broker *b);

/* The mock brokers' own listeners, comma-separated. Valid until broker_stop. */
const char *broker_mock_servers(const Broker *b);

/* The control endpoint's bound "HOST:PORT", or NULL when none was configured. */
const char *broker_control_address(const Broker *b);

/* Creates a topic with `partitions` partitions (<= 0: the default count).
 * Creating an existing topic with the same count (or with partitions <= 0) returns
 * 0 and sets *created (if non-NULL) to 0; a different count returns ERR_EXISTS with
 * a message naming both counts. Thread-safe. */
int broker_create_topic(Broker *b, const char *name, int partitions, int *created, EddyError *err);

/* Returns the partition count of topic `name`, ERR_NOT_FOUND when it does not exist,
 * or ERR_IO when the metadata request fails. Thread-safe. */
int broker_topic_partitions(Broker *b, const char *name, EddyError *err);

/* Lists the topics (sorted by name) into a malloc'd array the caller frees with
 * broker_topics_free. Returns the count or ERR_IO. Thread-safe. */
int broker_list_topics(Broker *b, BrokerTopic **out, EddyError *err);

void broker_topics_free(BrokerTopic *topics, int n);

#endif
