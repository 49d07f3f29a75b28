/*
 * test_restart.c - eddyd on the Kafka engine comes back after SIGKILL.
 *
 * The broker runs in its own process (eddy-broker), so topics, committed
 * offsets and the command topic outlive eddyd. The test creates a stream, a
 * source table (written through a stream over its topic), a CSAS, a CTAS and a windowed CTAS,
 * writes records through INSERT INTO, waits for the tables to show them, and kills eddyd with
 * SIGKILL. Then:
 *   1. eddyd restarts on the same data directory: the same streams, tables and
 *      query ids are back, pull queries answer from the state that was there,
 *      and new records flow through the queries;
 *   2. eddyd is killed again and started on an EMPTY data directory: the
 *      statements come back from the command topic, the tables' state from
 *      Kafka (changelogs, sink topics), and the queries go on.
 * It prints how long each restart took until pull queries answered.
 *
 * Usage: test_restart (EDDY_BUILD_DIR names the directory holding eddyd and
 * eddy-broker). Logs and data stay in the printed directory when it fails.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/procs.h"

static Procs P;

#define die(...) procs_die(&P, __VA_ARGS__)
#define msleep   procs_msleep
#define now_s    procs_now

static char *post(const char *path, const char *sql, const char *props, long *status)
{
    return procs_post(&P, path, sql, props, status);
}

static void start_eddyd(const char *data, const char *tag)
{
    procs_start_eddyd(&P, data, tag, NULL);
}

static void ksql_ok(const char *sql, const char *props)
{
    long st;
    char *body = post("/ksql", sql, props, &st);
    if (st != 200) die("'%s' answered %ld: %s", sql, st, body);
    free(body);
}

/* Polls a pull query until its answer contains every string of want[] (NULL
 * ended); returns the seconds it took. */
static double pull_until(const char *sql, const char *const *want, double timeout_s)
{
    double t0 = now_s();
    char *body = NULL;
    while (now_s() - t0 < timeout_s) {
        long st;
        free(body);
        body = post("/query", sql, NULL, &st);
        bool all = st == 200;
        for (int i = 0; all && want[i]; i++)
            if (!strstr(body, want[i])) all = false;
        if (all) {
            free(body);
            return now_s() - t0;
        }
        msleep(50);
    }
    die("'%s' never showed %s; last answer: %s", sql, want[0], body ? body : "(none)");
    return 0;
}

/* Event times from 2026-01-01T00:00:00Z (a minute boundary); 0 would mean "now". */
#define BASE_TS 1767225600000LL

static void insert_views(const char *user, int n, int t0)
{
    char sql[8192];
    int len = 0;
    for (int i = 0; i < n; i++)
        len += snprintf(sql + len, sizeof sql - (size_t)len,
                        "INSERT INTO PV (USERID, PAGE, ROWTIME) VALUES ('%s', 'p%d', %lld);", user,
                        i, BASE_TS + t0 + i * 1000);
    ksql_ok(sql, NULL);
}

static const char *SETUP =
    "CREATE STREAM PV (USERID STRING KEY, PAGE STRING) WITH (KAFKA_TOPIC='pv', "
    "VALUE_FORMAT='JSON', PARTITIONS=2);"
    "CREATE STREAM USERS_IN (ID STRING KEY, NAME STRING) WITH (KAFKA_TOPIC='users', "
    "VALUE_FORMAT='JSON', PARTITIONS=2);"
    "CREATE SOURCE TABLE USERS (ID STRING PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='users', "
    "VALUE_FORMAT='JSON');"
    "CREATE TABLE VIEWS AS SELECT USERID, COUNT(*) AS N FROM PV GROUP BY USERID;"
    "CREATE TABLE PERMIN AS SELECT USERID, COUNT(*) AS N FROM PV WINDOW TUMBLING (SIZE 1 MINUTE) "
    "GROUP BY USERID;"
    "CREATE STREAM P1 AS SELECT USERID, PAGE FROM PV WHERE PAGE = 'p1';"
    "CREATE TABLE P1COUNT AS SELECT USERID, COUNT(*) AS N FROM P1 GROUP BY USERID;";

/* The queries and their ids: the same after every restart. */
static const char *const QUERY_IDS[] = {"\"CST_USERS_0\"",    "\"CTAS_VIEWS_1\"",
                                        "\"CTAS_PERMIN_2\"",  "\"CSAS_P1_3\"",
                                        "\"CTAS_P1COUNT_4\"", NULL};

static void check_catalog(void)
{
    long st;
    char *body = post("/ksql", "SHOW QUERIES; SHOW STREAMS; SHOW TABLES;", NULL, &st);
    if (st != 200) die("SHOW answered %ld: %s", st, body);
    for (int i = 0; QUERY_IDS[i]; i++)
        if (!strstr(body, QUERY_IDS[i])) die("query %s is missing: %s", QUERY_IDS[i], body);
    const char *names[] = {"\"name\":\"PV\"",
                           "\"name\":\"P1\"",
                           "\"name\":\"USERS\"",
                           "\"name\":\"VIEWS\"",
                           "\"name\":\"PERMIN\"",
                           "\"name\":\"P1COUNT\"",
                           NULL};
    for (int i = 0; names[i]; i++)
        if (!strstr(body, names[i])) die("%s is missing: %s", names[i], body);
    free(body);
}

int main(void)
{
    procs_init(&P, "restart test", "restart");
    double t_all = now_s();
    procs_start_broker(&P, NULL);
    char data1[300], data2[300];
    snprintf(data1, sizeof data1, "%s/data1", P.dir);
    snprintf(data2, sizeof data2, "%s/data2", P.dir);

    /* ---- first life */
    start_eddyd(data1, "first");
    ksql_ok(SETUP, "{\"auto.offset.reset\":\"earliest\"}");
    ksql_ok("INSERT INTO USERS_IN (ID, NAME) VALUES ('alice', 'Alice');"
            "INSERT INTO USERS_IN (ID, NAME) VALUES ('bob', 'Bob');",
            NULL);
    insert_views("alice", 3, 0);
    insert_views("bob", 2, 0);
    double t_first = pull_until("SELECT * FROM VIEWS;",
                                (const char *[]){"[\"alice\",3]", "[\"bob\",2]", NULL}, 20);
    pull_until("SELECT * FROM PERMIN WHERE USERID='alice';",
               (const char *[]){"[\"alice\",1767225600000,1767225660000,3]", NULL}, 10);
    pull_until("SELECT * FROM P1COUNT;", (const char *[]){"[\"alice\",1]", "[\"bob\",1]", NULL},
               10);
    pull_until("SELECT * FROM USERS WHERE ID='bob';", (const char *[]){"[\"bob\",\"Bob\"]", NULL},
               10);
    check_catalog();
    printf("first start: tables up to date %.2f s after the inserts\n", t_first);
    /* A stateless query (P1) commits its input offsets shortly after its output
     * is acknowledged; a kill inside that window makes it write some records
     * again after the restart (at-least-once, as ksqlDB without exactly-once).
     * The crash test covers kills at any moment; here the kill comes at rest. */
    msleep(1000);
    procs_stop_eddyd(&P, SIGKILL);

    /* ---- restart on the same data directory */
    double t0 = now_s();
    start_eddyd(data1, "restart");
    double t_listen = now_s() - t0;
    check_catalog();
    /* pull queries answer from the state that was there */
    pull_until("SELECT * FROM VIEWS;", (const char *[]){"[\"alice\",3]", "[\"bob\",2]", NULL}, 10);
    pull_until("SELECT * FROM USERS WHERE ID='alice';",
               (const char *[]){"[\"alice\",\"Alice\"]", NULL}, 10);
    double t_pull = now_s() - t0;
    /* and the queries go on */
    insert_views("alice", 2, 60000);
    ksql_ok("INSERT INTO USERS_IN (ID, NAME) VALUES ('carol', 'Carol');", NULL);
    double t_flow = pull_until("SELECT * FROM VIEWS;",
                               (const char *[]){"[\"alice\",5]", "[\"bob\",2]", NULL}, 20);
    pull_until("SELECT * FROM PERMIN WHERE USERID='alice';",
               (const char *[]){"[\"alice\",1767225600000,1767225660000,3]",
                                "[\"alice\",1767225660000,1767225720000,2]", NULL},
               10);
    pull_until("SELECT * FROM P1COUNT;", (const char *[]){"[\"alice\",2]", "[\"bob\",1]", NULL},
               10);
    pull_until("SELECT * FROM USERS;", (const char *[]){"[\"carol\",\"Carol\"]", NULL}, 10);
    /* new statements get the next id */
    long st;
    char *body =
        post("/ksql", "CREATE TABLE PAGES AS SELECT PAGE, COUNT(*) AS N FROM PV GROUP BY PAGE;",
             "{\"auto.offset.reset\":\"earliest\"}", &st);
    if (st != 200 || !strstr(body, "CTAS_PAGES_5")) die("new CTAS: %s", body);
    free(body);
    pull_until("SELECT * FROM PAGES WHERE PAGE='p0';", (const char *[]){"[\"p0\",3]", NULL}, 20);
    printf("restart (same data directory): listening after %.2f s, pull queries answered after "
           "%.2f s, new records through the queries in %.2f s\n",
           t_listen, t_pull, t_flow);
    msleep(1000);
    procs_stop_eddyd(&P, SIGKILL);

    /* ---- restart with the data directory lost: the command topic and Kafka */
    t0 = now_s();
    start_eddyd(data2, "lost");
    t_listen = now_s() - t0;
    check_catalog();
    body = post("/ksql", "SHOW QUERIES;", NULL, &st);
    if (!strstr(body, "\"CTAS_PAGES_5\"")) die("CTAS_PAGES_5 not replayed: %s", body);
    free(body);
    pull_until("SELECT * FROM VIEWS;", (const char *[]){"[\"alice\",5]", "[\"bob\",2]", NULL}, 20);
    pull_until("SELECT * FROM PERMIN WHERE USERID='alice';",
               (const char *[]){"[\"alice\",1767225600000,1767225660000,3]",
                                "[\"alice\",1767225660000,1767225720000,2]", NULL},
               20);
    pull_until("SELECT * FROM USERS;",
               (const char *[]){"[\"alice\",\"Alice\"]", "[\"carol\",\"Carol\"]", NULL}, 20);
    t_pull = now_s() - t0;
    insert_views("bob", 1, 120000);
    pull_until("SELECT * FROM VIEWS;", (const char *[]){"[\"alice\",5]", "[\"bob\",3]", NULL}, 20);
    pull_until("SELECT * FROM PAGES WHERE PAGE='p0';", (const char *[]){"[\"p0\",4]", NULL}, 20);
    printf("restart (data directory lost): listening after %.2f s, state rebuilt and pull queries "
           "answered after %.2f s\n",
           t_listen, t_pull);
    procs_stop_eddyd(&P, SIGTERM);

    double took = now_s() - t_all;
    procs_finish(&P);
    printf("restart test passed in %.1f s\n", took);
    return 0;
}
