/*
 * engine_kafka.c - the engine on a Kafka cluster or the embedded broker: topic
 * administration, one thread per persistent query with its own consumer group
 * and producer, push queries with their own consumers.
 *
 * Not wired yet: the Kafka client layer (kafka_io.h) is being built; until then
 * ENGINE_KAFKA reports that it is unavailable rather than pretending.
 */
#include "engine_int.h"

int engine_kafka_init(Engine *e, const EngineConfig *cfg, EddyError *err)
{
    (void)e;
    (void)cfg;
    return err_set(err, ERR_UNSUPPORTED, -1, "the Kafka engine is not available in this build yet");
}

void engine_kafka_close(Engine *e)
{
    (void)e;
}

int engine_kafka_topic_create(Engine *e, const char *topic, int partitions, int replicas,
                              int64_t retention_ms, int *actual, EddyError *err)
{
    (void)e;
    (void)topic;
    (void)partitions;
    (void)replicas;
    (void)retention_ms;
    (void)actual;
    return err_set(err, ERR_UNSUPPORTED, -1, "Kafka engine not available");
}

int engine_kafka_topic_exists(Engine *e, const char *topic, int *partitions)
{
    (void)e;
    (void)topic;
    (void)partitions;
    return 0;
}

int engine_kafka_topic_delete(Engine *e, const char *topic, EddyError *err)
{
    (void)e;
    (void)topic;
    return err_set(err, ERR_UNSUPPORTED, -1, "Kafka engine not available");
}

int engine_kafka_topic_list(Engine *e, TopicInfo **out, EddyError *err)
{
    (void)e;
    *out = NULL;
    return err_set(err, ERR_UNSUPPORTED, -1, "Kafka engine not available");
}

int engine_kafka_produce(Engine *e, const char *topic, int32_t partition, const RawRecord *rec,
                         EddyError *err)
{
    (void)e;
    (void)topic;
    (void)partition;
    (void)rec;
    return err_set(err, ERR_UNSUPPORTED, -1, "Kafka engine not available");
}

int engine_kafka_start_query(Engine *e, RunningQuery *rq, Plan *plan, const QueryEnv *env,
                             EddyError *err)
{
    (void)e;
    (void)rq;
    (void)env;
    plan_free(plan);
    return err_set(err, ERR_UNSUPPORTED, -1, "Kafka engine not available");
}

void engine_kafka_stop_query(Engine *e, RunningQuery *rq)
{
    (void)e;
    (void)rq;
}

void engine_kafka_pause_query(Engine *e, RunningQuery *rq, bool pause)
{
    (void)e;
    (void)rq;
    (void)pause;
}

PushQuery *engine_push_start(Engine *e, Plan *plan, const char *id, bool from_beginning,
                             PushRowFn fn, void *ctx, EddyError *err)
{
    (void)e;
    (void)id;
    (void)from_beginning;
    (void)fn;
    (void)ctx;
    plan_free(plan);
    err_set(err, ERR_UNSUPPORTED, -1, "push queries need the Kafka engine");
    return NULL;
}

void engine_push_stop(PushQuery *pq)
{
    (void)pq;
}

const char *engine_push_id(const PushQuery *pq)
{
    (void)pq;
    return "";
}
