/*
 * murmur2.h - Kafka's partition hash: where the Java producer's default
 * partitioner (and so Kafka Streams and ksqlDB) puts a keyed record.
 */
#ifndef EDDY_MURMUR2_H
#define EDDY_MURMUR2_H

#include <stddef.h>
#include <stdint.h>

/* org.apache.kafka.common.utils.Utils.murmur2 over n bytes. */
uint32_t kafka_murmur2(const void *key, size_t n);

/* The partition (0..partitions-1) of a key: toPositive(murmur2(key)) % partitions. */
int32_t kafka_partition_of(const void *key, size_t n, int partitions);

#endif
