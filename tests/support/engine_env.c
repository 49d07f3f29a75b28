/*
 * engine_env.c - the engine on an in-process embedded broker for tests (see
 * engine_env.h).
 */
#include "engine_env.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int64_t env_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void engine_env_start(EngineEnv *v, const char *tag)
{
    memset(v, 0, sizeof *v);
    EddyError err;
    err_clear(&err);
    BrokerConfig bc = {.listen = "127.0.0.1:0", .quiet = true};
    v->broker = broker_start(&bc, &err);
    ck_assert_msg(v->broker != NULL, "broker: %s", err.msg);
    snprintf(v->dir, sizeof v->dir, "/tmp/eddy-test-%s-%d", tag, (int)getpid());
    engine_env_open(v);
}

void engine_env_open(EngineEnv *v)
{
    EddyError err;
    err_clear(&err);
    Props props;
    props_init(&props);
    props_set(&props, "auto.offset.reset", "earliest");
    EngineConfig cfg = {0};
    cfg.mode = ENGINE_KAFKA;
    cfg.state_dir = v->dir;
    cfg.props = &props;
    cfg.embedded_broker = v->broker;
    v->engine = engine_new(&cfg, &err);
    props_free(&props);
    ck_assert_msg(v->engine != NULL, "engine: %s", err.msg);
    v->exec = executor_new(v->engine);
}

void engine_env_close(EngineEnv *v)
{
    executor_free(v->exec);
    engine_free(v->engine);
    v->exec = NULL;
    v->engine = NULL;
}

void engine_env_stop(EngineEnv *v)
{
    engine_env_close(v);
    broker_stop(v->broker);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", v->dir);
    ck_assert_int_eq(system(cmd), 0);
}

void engine_env_sql(EngineEnv *v, const char *sql)
{
    ExecRequest req = {sql, NULL, NULL, false, false};
    json_t *ents = NULL;
    ExecError xe;
    int rc = executor_run(v->exec, &req, &ents, &xe);
    ck_assert_msg(rc == 0, "%s: %s", sql, xe.message);
    json_decref(ents);
    exec_error_clear(&xe);
}

KafkaProducer *env_producer(EngineEnv *v)
{
    EddyError err;
    err_clear(&err);
    KafkaProducerConfig pc = {0};
    pc.bootstrap_servers = broker_bootstrap_servers(v->broker);
    KafkaProducer *p = kafka_producer_new(&pc, &err);
    ck_assert_msg(p != NULL, "producer: %s", err.msg);
    return p;
}

void env_send(KafkaProducer *p, const char *topic, const char *key, size_t key_len, const char *val,
              int64_t ts)
{
    EddyError err;
    err_clear(&err);
    RawRecord r = {0};
    r.topic = topic;
    r.partition = -1;
    r.timestamp = ts;
    r.key = key;
    r.key_len = key ? key_len : 0;
    r.value = val;
    r.value_len = strlen(val);
    ck_assert_int_eq(kafka_producer_send(p, &r, NULL, &err), 0);
}

void env_producer_done(KafkaProducer *p)
{
    EddyError err;
    err_clear(&err);
    ck_assert_int_eq(kafka_producer_flush(p, 10000, &err), 0);
    kafka_producer_close(p, 1000);
}

KafkaConsumer *env_topic_reader(EngineEnv *v, const char *topic)
{
    EddyError err;
    err_clear(&err);
    KafkaConsumerConfig cc = {0};
    cc.bootstrap_servers = broker_bootstrap_servers(v->broker);
    KafkaConsumer *c = kafka_consumer_new(&cc, &err);
    ck_assert_ptr_nonnull(c);
    int64_t deadline = env_mono_ms() + 20000;
    while (kafka_consumer_assign_topic(c, topic, KAFKA_OFFSET_BEGINNING, 2000, &err) < 0 &&
           env_mono_ms() < deadline)
        usleep(100000);
    return c;
}
