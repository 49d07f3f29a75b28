/*
 * topic_admin.h - create, delete, describe and list Kafka topics, whatever runs the
 * topics: the in-process embedded broker, a separate eddy-broker process (through its
 * control endpoint), or a real Kafka cluster (librdkafka's Admin API).
 *
 * The backend is chosen at open, in this order: an embedded Broker handle; a control
 * address (cfg->broker_control or the property eddy.broker.control=HOST:PORT); else
 * the cluster at bootstrap.servers. Describe and list always read cluster metadata,
 * so they answer the same way for every backend. Every call returns within the
 * configured timeout (5 s by default).
 */
#ifndef EDDY_TOPIC_ADMIN_H
#define EDDY_TOPIC_ADMIN_H

#include <stdbool.h>

#include "../common/error.h"
#include "broker.h"
#include "kafka_io.h"

typedef struct TopicAdmin TopicAdmin;

typedef enum TopicAdminKind {
    TOPIC_ADMIN_EMBEDDED, /* mock cluster in this process */
    TOPIC_ADMIN_CONTROL,  /* eddy-broker in another process */
    TOPIC_ADMIN_KAFKA,    /* a real cluster: Admin API */
} TopicAdminKind;

typedef struct TopicAdminConfig {
    Broker *embedded;              /* non-NULL: backend EMBEDDED (borrowed, must outlive) */
    const char *broker_control;    /* "HOST:PORT" of an eddy-broker control endpoint */
    const char *bootstrap_servers; /* KAFKA: required (or in props); CONTROL: optional,
                                      asked from the control endpoint when NULL */
    const KafkaProp *props;        /* client properties (admin. prefix applies) */
    int nprops;
    int timeout_ms; /* per call; 0: 5000 */
} TopicAdminConfig;

typedef struct TopicSpec {
    const char *name;
    int partitions;           /* <= 0: the cluster's default */
    int replicas;             /* <= 0: the cluster's default; ignored by the embedded broker */
    const KafkaProp *configs; /* topic configs (retention.ms, cleanup.policy, ...);
                                 ignored by the embedded broker */
    int nconfigs;
} TopicSpec;

typedef struct TopicDesc {
    char *name; /* owned (see topic_desc_free) */
    int partitions;
    int replicas;            /* replication factor (replicas of partition 0) */
    int *partition_replicas; /* [partitions]: replica count per partition (owned) */
} TopicDesc;

/* Opens the backend the config selects. For CONTROL, the endpoint is asked for its
 * bootstrap address now (so a dead eddy-broker is reported here). Returns NULL with
 * err set (ERR_SEMANTIC for a bad config, ERR_IO when unreachable). */
TopicAdmin *topic_admin_open(const TopicAdminConfig *cfg, EddyError *err);

void topic_admin_close(TopicAdmin *a);

TopicAdminKind topic_admin_kind(const TopicAdmin *a);

/* The bootstrap servers of the cluster this admin talks to. Valid until close. */
const char *topic_admin_bootstrap_servers(const TopicAdmin *a);

/* Creates a topic. An existing topic with the same partition count (and replication
 * factor, when given, on a real cluster) is not an error: returns 0 with *created
 * false. A different count returns ERR_EXISTS with a message naming both
 * ("Topic 'x' already exists with 4 partitions and replication factor 1; requested
 * 3 partitions"). Other failures: ERR_SEMANTIC (bad name or config), ERR_IO. */
int topic_admin_create(TopicAdmin *a, const TopicSpec *spec, bool *created, EddyError *err);

/* Deletes a topic. Returns 0, ERR_NOT_FOUND, ERR_UNSUPPORTED on the embedded broker
 * (the mock cluster cannot delete topics), or ERR_IO. */
int topic_admin_delete(TopicAdmin *a, const char *name, EddyError *err);

/* Fills *out (the caller frees it with topic_desc_clear). Returns 0, ERR_NOT_FOUND or
 * ERR_IO. */
int topic_admin_describe(TopicAdmin *a, const char *name, TopicDesc *out, EddyError *err);

/* Lists every topic, internal ones (names starting "__") included, sorted by name,
 * into a malloc'd array freed with topic_desc_free. Returns the count or ERR_IO. */
int topic_admin_list(TopicAdmin *a, TopicDesc **out, EddyError *err);

void topic_desc_clear(TopicDesc *t);
void topic_desc_free(TopicDesc *list, int n);

#endif
