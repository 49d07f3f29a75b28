/*
 * test_join_kafka.c - joins on the embedded broker, with two partitions per
 * topic: a stream joined to a table on a value column goes through its
 * repartition topic keyed as the table's keys are, so every row meets its
 * table row in the same task; after a restart on the same data directory the
 * join's table state (in LMDB, committed with the offsets) still answers,
 * without the table being read again; after the data directory is lost it is
 * rebuilt by processing the inputs again, without writing their results twice.
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../support/engine_env.h"

typedef EngineEnv Env;

static void produce(Env *v, const char *topic, const char *key, size_t kl, const char *val)
{
    KafkaProducer *p = env_producer(v);
    env_send(p, topic, key, kl, val, 1700000000000LL);
    env_producer_done(p);
}

static void produce_table_row(Env *v, int id, const char *name)
{
    char key[4] = {0, 0, (char)(id >> 8), (char)id}, val[64];
    snprintf(val, sizeof val, "{\"NAME\":\"%s\"}", name);
    produce(v, "t", key, 4, val);
}

static void produce_stream_row(Env *v, const char *k, int id)
{
    char val[64];
    snprintf(val, sizeof val, "{\"ID\":%d,\"V\":\"%s\"}", id, k);
    produce(v, "s", k, strlen(k), val);
}

/* Joined rows seen on J so far: names[id] = "NAME" value of the latest. */
static int read_joined(Env *v, KafkaConsumer *c, char names[][16], int max_id, int timeout_ms)
{
    EddyError err;
    err_clear(&err);
    int got = 0;
    int64_t deadline = env_mono_ms() + timeout_ms;
    while (env_mono_ms() < deadline) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(c, 500, 200, &recs, &err);
        ck_assert_int_ge(n, 0);
        for (int i = 0; i < n; i++) {
            ck_assert_int_eq(recs[i].key_len, 4);
            int id = ((unsigned char)recs[i].key[2] << 8) | (unsigned char)recs[i].key[3];
            ck_assert_int_le(id, max_id);
            json_t *val = json_loadb(recs[i].value, recs[i].value_len, 0, NULL);
            ck_assert_ptr_nonnull(val);
            snprintf(names[id], 16, "%s", json_string_value(json_object_get(val, "NAME")));
            json_decref(val);
            got++;
        }
        kafka_consumer_release_batch(c);
        if (n == 0 && got) break;
    }
    (void)v;
    return got;
}

static const char *const ddl =
    "CREATE STREAM S (K STRING KEY, ID INT, V STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', "
    "PARTITIONS=2);"
    "CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', "
    "PARTITIONS=2);"
    "CREATE STREAM J AS SELECT S.ID, V, NAME FROM S JOIN T ON S.ID = T.ID;";

START_TEST(repartitioned_join_over_two_partitions_survives_restart)
{
    Env v;
    engine_env_start(&v, "join");
    engine_env_sql(&v, ddl);
    static const char *const names[] = {"", "one", "two", "three", "four", "five", "six"};
    for (int id = 1; id <= 6; id++)
        produce_table_row(&v, id, names[id]);

    /* Stream rows until every id has met its table row (the table side may be
     * read after the first stream rows: those find nothing, as upstream). */
    KafkaConsumer *c = env_topic_reader(&v, "J");
    char seen[8][16];
    memset(seen, 0, sizeof seen);
    int64_t deadline = env_mono_ms() + 60000;
    int matched = 0;
    while (matched < 6 && env_mono_ms() < deadline) {
        for (int id = 1; id <= 6; id++) {
            char k[16];
            snprintf(k, sizeof k, "k%d", id);
            if (!seen[id][0]) produce_stream_row(&v, k, id);
        }
        read_joined(&v, c, seen, 6, 3000);
        matched = 0;
        for (int id = 1; id <= 6; id++)
            if (seen[id][0]) matched++;
    }
    ck_assert_int_eq(matched, 6);
    for (int id = 1; id <= 6; id++)
        ck_assert_str_eq(seen[id], names[id]);

    /* Restart on the same data directory: the table is not read again (its
     * offsets were committed with the state), yet stream rows still join. */
    engine_env_close(&v);
    engine_env_open(&v);
    engine_env_sql(&v, ddl);
    memset(seen, 0, sizeof seen);
    deadline = env_mono_ms() + 60000;
    while (!seen[4][0] && env_mono_ms() < deadline) {
        produce_stream_row(&v, "again", 4);
        read_joined(&v, c, seen, 6, 3000);
    }
    ck_assert_str_eq(seen[4], "four");

    /* The data directory is lost: the join's state comes back by processing
     * its inputs again up to the committed offsets, and that replay writes
     * nothing to the sink (only the new row's result appears there). */
    engine_env_close(&v);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", v.dir);
    ck_assert_int_eq(system(cmd), 0);
    engine_env_open(&v);
    engine_env_sql(&v, ddl);
    read_joined(&v, c, seen, 6, 1000); /* whatever was still unread */
    memset(seen, 0, sizeof seen);
    deadline = env_mono_ms() + 60000;
    while (!seen[5][0] && env_mono_ms() < deadline) {
        produce_stream_row(&v, "lost", 5);
        read_joined(&v, c, seen, 6, 3000);
    }
    ck_assert_str_eq(seen[5], "five");
    for (int id = 1; id <= 6; id++)
        if (id != 5) ck_assert_msg(!seen[id][0], "id %d was written again by the replay", id);
    kafka_consumer_close(c);
    engine_env_stop(&v);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("join_kafka");
    TCase *tc = tcase_create("embedded");
    tcase_set_timeout(tc, 170);
    tcase_add_test(tc, repartitioned_join_over_two_partitions_survives_restart);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
