/*
 * test_crash.c - exactly-once state across crashes, end to end.
 *
 * The broker runs in its own process (eddy-broker), so topics and committed
 * offsets outlive eddyd. The test produces 200,000 records with known keys, values
 * and event times, in rounds; in each round eddyd (re)starts, resumes the windowed
 * COUNT/SUM query from its LMDB state, and is killed with SIGKILL at a random
 * moment after it has visibly made progress on the round's records. After the last
 * round eddyd runs until every record is counted, and the aggregates it serves
 * from LMDB (a pull query over the windowed table) must equal the exact values
 * computed here from the input: no update lost, none applied twice.
 *
 * Usage: test_crash [RECORDS [KILLS]]   (defaults 200000 and 10; EDDY_BUILD_DIR
 * names the directory holding eddyd and eddy-broker). EDDY_CRASH_SEED fixes the
 * random kill moments; the seed is printed so a failure can be replayed.
 */
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../support/procs.h"

#define NKEYS     1000
#define STEP_MS   20              /* event time between consecutive records */
#define WINDOW_MS 60000           /* TUMBLING (SIZE 1 MINUTE) */
#define BASE_TS   1767225600000LL /* 2026-01-01T00:00:00Z, a window boundary */

static Procs P;

#define die(...) procs_die(&P, __VA_ARGS__)
#define msleep   procs_msleep
#define now_s    procs_now

/* The record i of the input: its key index, value and event time. */
static int rec_key(long i)
{
    return (int)((i * 7L) % NKEYS);
}
static long rec_value(long i)
{
    return (i * 7919L) % 1000L - 300L;
}
static long long rec_ts(long i)
{
    return BASE_TS + (long long)i * STEP_MS;
}

static void start_eddyd(int round)
{
    char data[300], tag[16];
    snprintf(data, sizeof data, "%s/data", P.dir);
    snprintf(tag, sizeof tag, "%d", round);
    const char *extra[] = {"--set", "ksql.streams.auto.offset.reset=earliest",
                           "--set", "ksql.streams.consumer.session.timeout.ms=6000",
                           "--set", "ksql.streams.consumer.heartbeat.interval.ms=1000",
                           NULL};
    procs_start_eddyd(&P, data, tag, extra);
}

static long post_ksql(const char *path, const char *sql, char **body)
{
    long st;
    *body = procs_post(&P, path, sql, NULL, &st);
    return st;
}

/* The windowed table as eddyd serves it: for each (key, window) the COUNT and SUM. */
typedef struct Agg {
    long count, sum;
} Agg;

/* Reads every row of the table into aggs[key][window] (cleared first); returns the
 * number of rows, or -1 when the pull query failed (eddyd not ready yet). */
static long pull_all(Agg *aggs, int nwin, long *total_count)
{
    char *body;
    long st = post_ksql("/query", "SELECT K, WINDOWSTART, C, S FROM CRASH_AGG;", &body);
    if (st != 200) {
        free(body);
        return -1;
    }
    json_error_t je;
    json_t *arr = json_loads(body, 0, &je);
    free(body);
    if (!json_is_array(arr)) die("pull query answered no JSON array: %s", je.text);
    memset(aggs, 0, sizeof(Agg) * (size_t)NKEYS * (size_t)nwin);
    long rows = 0;
    *total_count = 0;
    size_t i;
    json_t *el;
    json_array_foreach(arr, i, el)
    {
        json_t *cols = json_object_get(json_object_get(el, "row"), "columns");
        if (!cols) continue; /* header, final message */
        const char *k = json_string_value(json_array_get(cols, 0));
        long long ws = json_integer_value(json_array_get(cols, 1));
        long cnt = (long)json_integer_value(json_array_get(cols, 2));
        long sum = (long)json_integer_value(json_array_get(cols, 3));
        int key = k && k[0] == 'k' ? atoi(k + 1) : -1;
        long long w = (ws - BASE_TS) / WINDOW_MS;
        if (key < 0 || key >= NKEYS || w < 0 || w >= nwin || (ws - BASE_TS) % WINDOW_MS)
            die("unexpected row: key %s window start %lld", k ? k : "(null)", ws);
        Agg *a = &aggs[(size_t)key * (size_t)nwin + (size_t)w];
        if (a->count) die("two rows for key %s window %lld", k, ws);
        a->count = cnt;
        a->sum = sum;
        *total_count += cnt;
        rows++;
    }
    json_decref(arr);
    return rows;
}

/* ------------------------------------------------------------ producer */

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    if (m->err) die("produce failed: %s", rd_kafka_err2str(m->err));
}

static rd_kafka_t *producer_new(void)
{
    char errstr[256];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", P.bootstrap, errstr, sizeof errstr) ||
        rd_kafka_conf_set(conf, "linger.ms", "5", errstr, sizeof errstr) ||
        rd_kafka_conf_set(conf, "enable.idempotence", "true", errstr, sizeof errstr))
        die("producer config: %s", errstr);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) die("producer: %s", errstr);
    return rk;
}

static void produce_range(rd_kafka_t *rk, long from, long to)
{
    for (long i = from; i < to; i++) {
        char key[16], val[64];
        int kl = snprintf(key, sizeof key, "k%d", rec_key(i));
        int vl = snprintf(val, sizeof val, "{\"V\":%ld}", rec_value(i));
        rd_kafka_resp_err_t e;
        while ((e = rd_kafka_producev(
                    rk, RD_KAFKA_V_TOPIC("crash_in"), RD_KAFKA_V_KEY(key, (size_t)kl),
                    RD_KAFKA_V_VALUE(val, (size_t)vl), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                    RD_KAFKA_V_TIMESTAMP(rec_ts(i)), RD_KAFKA_V_END)) ==
               RD_KAFKA_RESP_ERR__QUEUE_FULL)
            rd_kafka_poll(rk, 50);
        if (e) die("produce: %s", rd_kafka_err2str(e));
        rd_kafka_poll(rk, 0);
    }
    if (rd_kafka_flush(rk, 30000)) die("producer flush timed out");
}

/* Produces [from, to) evenly over ms milliseconds, in a thread of its own. */
typedef struct Pacer {
    rd_kafka_t *rk;
    long from, to;
    int ms;
    volatile long sent;         /* records handed to the producer so far */
    volatile long sent_at_kill; /* set by the main thread's kill */
} Pacer;

static void *paced_producer(void *arg)
{
    Pacer *pc = arg;
    const int steps = 50;
    long n = pc->to - pc->from;
    for (int i = 0; i < steps; i++) {
        long a = pc->from + n * i / steps, b = pc->from + n * (i + 1) / steps;
        produce_range(pc->rk, a, b);
        pc->sent = b;
        msleep(pc->ms / steps);
    }
    return NULL;
}

/* ------------------------------------------------------------ the test */

int main(int argc, char **argv)
{
    long nrec = argc > 1 ? atol(argv[1]) : 200000;
    int kills = argc > 2 ? atoi(argv[2]) : 10;
    procs_init(&P, "crash test", "crash");
    const char *seed_env = getenv("EDDY_CRASH_SEED");
    unsigned seed = seed_env ? (unsigned)strtoul(seed_env, NULL, 10)
                             : (unsigned)time(NULL) ^ (unsigned)getpid();
    srand(seed);
    printf("crash test: %ld records, %d kills, seed %u, dir %s\n", nrec, kills, seed, P.dir);
    fflush(stdout);

    int nwin = (int)((rec_ts(nrec - 1) - BASE_TS) / WINDOW_MS) + 1;
    Agg *expect = calloc((size_t)NKEYS * (size_t)nwin, sizeof(Agg));
    Agg *got = calloc((size_t)NKEYS * (size_t)nwin, sizeof(Agg));
    long expect_rows = 0;
    for (long i = 0; i < nrec; i++) {
        Agg *a = &expect[(size_t)rec_key(i) * (size_t)nwin +
                         (size_t)((rec_ts(i) - BASE_TS) / WINDOW_MS)];
        if (a->count++ == 0) expect_rows++;
        a->sum += rec_value(i);
    }

    const char *partitions[] = {"--partitions", "2", NULL};
    procs_start_broker(&P, partitions);
    procs_broker_command(&P, "create topic crash_in 2");
    rd_kafka_t *rk = producer_new();

    start_eddyd(0);
    char *body;
    long st = post_ksql("/ksql",
                        "CREATE STREAM crash_in (K STRING KEY, V BIGINT) "
                        "WITH (KAFKA_TOPIC='crash_in', VALUE_FORMAT='JSON');"
                        "CREATE TABLE crash_agg AS SELECT K, COUNT(*) AS C, SUM(V) AS S "
                        "FROM crash_in WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 1 DAY) "
                        "GROUP BY K EMIT CHANGES;",
                        &body);
    if (st != 200) die("CREATE statements answered %ld: %s", st, body);
    free(body);

    /* Rounds: (re)start eddyd on what is already in the topic, wait until it has
     * visibly resumed, then produce the round's records at a steady pace while it
     * runs and kill it at a random moment in the middle of that stream. */
    long produced = 0;
    int survived = 0;
    double t0 = now_s();
    for (int round = 0; round <= kills; round++) {
        long upto = nrec * (round + 1) / (kills + 1);
        long half = produced + (upto - produced) / 2;
        produce_range(rk, produced, half); /* a backlog to resume on */
        produced = half;
        if (round > 0) start_eddyd(round);
        if (round == kills) {
            produce_range(rk, produced, upto);
            produced = upto;
            break;
        }
        /* What this eddyd found in LMDB when it started (the previous one may
         * have committed more between our last look and the kill). */
        double deadline = now_s() + 120;
        long base = -1, total = -1;
        while (now_s() < deadline && base < 0) {
            long t;
            if (pull_all(got, nwin, &t) >= 0)
                base = t;
            else
                msleep(20);
        }
        while (now_s() < deadline) {
            long t;
            /* A fast restart may have counted the whole backlog before our first
             * look: everything produced counted is progress too. */
            if (pull_all(got, nwin, &t) >= 0 && (t > base || (t == produced && t > 0))) {
                total = t;
                break;
            }
            msleep(50);
        }
        if (total < 0) die("no progress in round %d within 120 s", round);
        if (total > produced)
            die("round %d: %ld counted but only %ld produced", round, total, produced);
        Pacer pc = {rk, produced, upto, 1000};
        pthread_t th;
        pthread_create(&th, NULL, paced_producer, &pc);
        msleep(100 + rand() % 800);
        pc.sent_at_kill = pc.sent;
        procs_stop_eddyd(&P, SIGKILL);
        pthread_join(th, NULL);
        produced = upto;
        long at = pc.sent_at_kill;
        survived++;
        printf("  round %d: resumed from %ld counted records, killed with SIGKILL while "
               "%ld of %ld records were produced (%.1f s)\n",
               round, base, at, produced, now_s() - t0);
        fflush(stdout);
    }

    /* Last run: wait until every record is counted, and stays so. */
    double deadline = now_s() + 120;
    long total = 0, rows = 0;
    while (now_s() < deadline) {
        rows = pull_all(got, nwin, &total);
        if (rows >= 0 && total >= nrec) break;
        msleep(200);
    }
    msleep(1000);
    rows = pull_all(got, nwin, &total);
    if (total != nrec)
        die("after the last restart %ld records are counted, %ld were produced", total, nrec);
    long checked = 0, bad = 0;
    for (long i = 0; i < (long)NKEYS * nwin; i++) {
        if (got[i].count != expect[i].count || got[i].sum != expect[i].sum) {
            if (bad++ < 10)
                fprintf(stderr, "  key k%ld window %ld: COUNT %ld SUM %ld, expected %ld %ld\n",
                        i / nwin, i % nwin, got[i].count, got[i].sum, expect[i].count,
                        expect[i].sum);
        }
        if (expect[i].count) checked++;
    }
    if (bad || rows != expect_rows)
        die("%ld of %ld aggregates differ from the exact values (%ld rows served)", bad,
            expect_rows, rows);
    printf("crash test passed: %d SIGKILLs survived; %ld records; %ld windowed aggregates "
           "(COUNT and SUM) equal the exact values; %.1f s\n",
           survived, nrec, checked, now_s() - t0);

    /* Clean shutdown (SIGTERM must end eddyd with status 0). */
    rd_kafka_destroy(rk);
    free(expect);
    free(got);
    procs_finish(&P);
    return 0;
}
