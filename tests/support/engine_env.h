/*
 * engine_env.h - the engine on an in-process embedded broker, for the runtime
 * tests that drive it through SQL (test_engine_kafka, test_join_kafka): start
 * and restart on one data directory, run statements, produce records, read
 * topics. Failures are Check assertions.
 */
#ifndef EDDY_TEST_ENGINE_ENV_H
#define EDDY_TEST_ENGINE_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "../../src/runtime/broker.h"
#include "../../src/runtime/engine.h"
#include "../../src/runtime/kafka_io.h"
#include "../../src/server/executor.h"

typedef struct EngineEnv {
    Broker *broker;
    Engine *engine;
    Executor *exec;
    char dir[256];
} EngineEnv;

int64_t env_mono_ms(void);

/* A broker on a free port, a data directory /tmp/eddy-test-<tag>-<pid>, the engine. */
void engine_env_start(EngineEnv *v, const char *tag);
/* The Kafka engine (auto.offset.reset=earliest) and an executor on v's directory. */
void engine_env_open(EngineEnv *v);
/* Frees the executor and the engine (the broker and the directory stay). */
void engine_env_close(EngineEnv *v);
/* Closes everything and removes the data directory. */
void engine_env_stop(EngineEnv *v);
/* Runs statements; asserts they succeed. */
void engine_env_sql(EngineEnv *v, const char *sql);

/* An external producer on v's broker; records go by their key's hash. */
KafkaProducer *env_producer(EngineEnv *v);
void env_send(KafkaProducer *p, const char *topic, const char *key, size_t key_len, const char *val,
              int64_t ts);
/* Waits for every record's acknowledgement and closes the producer. */
void env_producer_done(KafkaProducer *p);
/* A consumer assigned every partition of topic from its beginning. */
KafkaConsumer *env_topic_reader(EngineEnv *v, const char *topic);

#endif
