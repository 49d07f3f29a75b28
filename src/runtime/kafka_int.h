/*
 * kafka_int.h - helpers shared by the Kafka client files of src/runtime (kafka_io.c,
 * topic_admin.c): applying pass-through properties to a librdkafka configuration.
 */
#ifndef EDDY_KAFKA_INT_H
#define EDDY_KAFKA_INT_H

#include <librdkafka/rdkafka.h>

#include "../common/error.h"
#include "kafka_io.h"

typedef enum KafkaRole { KAFKA_ROLE_CONSUMER, KAFKA_ROLE_PRODUCER, KAFKA_ROLE_ADMIN } KafkaRole;

/* Sets one librdkafka property. Returns 0, or ERR_SEMANTIC naming the property. */
int kafka_conf_set(rd_kafka_conf_t *conf, const char *key, const char *value, EddyError *err);

/* Applies props for a client of the given role, following the prefix rules of
 * KafkaProp (kafka_io.h). Returns 0, or ERR_SEMANTIC for a bad value. */
int kafka_conf_apply(rd_kafka_conf_t *conf, const KafkaProp *props, int n, KafkaRole role,
                     EddyError *err);

/* Looks a property up by its exact key (last one wins). Returns NULL when absent. */
const char *kafka_prop_get(const KafkaProp *props, int n, const char *key);

#endif
