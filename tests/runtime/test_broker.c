/*
 * test_broker.c - eddy-broker as a separate process (addresses on stdout, topics
 * created through its control endpoint, records through its fixed bootstrap address,
 * SIGTERM), a busy port, and kcat against the in-process embedded broker.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../src/runtime/broker.h"
#include "../../src/runtime/kafka_io.h"
#include "../../src/runtime/net_int.h"
#include "../../src/runtime/topic_admin.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

typedef struct Proc {
    pid_t pid;
    int out; /* read end of its stdout */
    int err; /* read end of its stderr */
} Proc;

static const char *broker_path(void)
{
    static char path[1024];
    const char *dir = getenv("EDDY_BUILD_DIR");
    snprintf(path, sizeof path, "%s/eddy-broker", dir ? dir : ".");
    return path;
}

static Proc spawn_broker(const char *listen, const char *control)
{
    int po[2], pe[2];
    ck_assert(pipe(po) == 0 && pipe(pe) == 0);
    Proc p = {.pid = fork()};
    ck_assert(p.pid >= 0);
    if (p.pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        execl(broker_path(), "eddy-broker", "--listen", listen, "--control", control,
              "--partitions", "2", (char *)NULL);
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    p.out = po[0];
    p.err = pe[0];
    return p;
}

/* Reads one line from fd within timeout_ms into buf (newline dropped). */
static int read_line(int fd, char *buf, size_t sz, int timeout_ms)
{
    size_t n = 0;
    int64_t end = now_ms() + timeout_ms;
    while (n + 1 < sz) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int left = (int)(end - now_ms());
        if (left <= 0 || poll(&pfd, 1, left) <= 0) return -1;
        if (read(fd, buf + n, 1) != 1) return -1;
        if (buf[n] == '\n') break;
        n++;
    }
    buf[n] = 0;
    return (int)n;
}

/* Waits for the process to exit; returns its exit status, or -1 on timeout. */
static int wait_exit(pid_t pid, int timeout_ms)
{
    int64_t end = now_ms() + timeout_ms;
    while (now_ms() < end) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        usleep(20000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

/* Sends one control command and reads everything until the peer's first reply
 * block ends (the test commands' replies have a known number of lines). */
static void control_lines(const char *addr, const char *cmd, char *out, size_t sz, int lines)
{
    EddyError err;
    int fd = net_connect(addr, 3000, &err);
    ck_assert_msg(fd >= 0, "%s", err.msg);
    ck_assert(write(fd, cmd, strlen(cmd)) == (ssize_t)strlen(cmd));
    size_t n = 0;
    int seen = 0;
    while (seen < lines && n + 1 < sz) {
        ssize_t r = read(fd, out + n, 1);
        ck_assert(r == 1);
        if (out[n++] == '\n') seen++;
    }
    out[n] = 0;
    close(fd);
}

START_TEST(eddy_broker_process)
{
    EddyError err;
    Proc bp = spawn_broker("127.0.0.1:0", "127.0.0.1:0");
    char line1[256], line2[256];
    ck_assert_msg(read_line(bp.out, line1, sizeof line1, 5000) > 0, "no address from eddy-broker");
    ck_assert(read_line(bp.out, line2, sizeof line2, 5000) > 0);
    ck_assert(strncmp(line1, "bootstrap.servers=127.0.0.1:", 28) == 0);
    ck_assert(strncmp(line2, "eddy.broker.control=127.0.0.1:", 30) == 0);
    const char *bs = line1 + strlen("bootstrap.servers=");
    const char *ctl = line2 + strlen("eddy.broker.control=");

    /* A second broker on the same bootstrap address fails clearly. */
    Proc dup = spawn_broker(bs, "none");
    ck_assert_int_eq(wait_exit(dup.pid, 5000), 1);
    char msg[512];
    ck_assert(read_line(dup.err, msg, sizeof msg, 1000) > 0);
    ck_assert_msg(strstr(msg, "is in use") != NULL, "%s", msg);
    close(dup.out);
    close(dup.err);

    /* Topic admin through the control endpoint, configured by property. */
    KafkaProp props[] = {{"eddy.broker.control", ctl}};
    TopicAdminConfig ac = {.props = props, .nprops = 1, .timeout_ms = 3000};
    TopicAdmin *a = topic_admin_open(&ac, &err);
    ck_assert_msg(a != NULL, "%s", err.msg);
    ck_assert_int_eq(topic_admin_kind(a), TOPIC_ADMIN_CONTROL);
    ck_assert_str_eq(topic_admin_bootstrap_servers(a), bs);
    bool created = false;
    TopicSpec spec = {.name = "remote", .partitions = 4};
    ck_assert_msg(topic_admin_create(a, &spec, &created, &err) == 0, "%s", err.msg);
    ck_assert(created);
    ck_assert_int_eq(topic_admin_create(a, &spec, &created, &err), 0);
    ck_assert(!created);
    TopicSpec other = {.name = "remote", .partitions = 2};
    ck_assert_int_eq(topic_admin_create(a, &other, &created, &err), ERR_EXISTS);
    ck_assert_str_eq(err.msg, "Topic 'remote' already exists with 4 partitions and "
                              "replication factor 1; requested 2 partitions");
    TopicSpec dflt = {.name = "dflt"}; /* --partitions 2 */
    ck_assert_int_eq(topic_admin_create(a, &dflt, &created, &err), 0);
    TopicDesc ti;
    ck_assert_int_eq(topic_admin_describe(a, "dflt", &ti, &err), 0);
    ck_assert_int_eq(ti.partitions, 2);
    topic_desc_clear(&ti);
    ck_assert_int_eq(topic_admin_delete(a, "dflt", &err), ERR_UNSUPPORTED);

    /* The raw line protocol. */
    char out[512];
    control_lines(ctl, "list topics\n", out, sizeof out, 3);
    ck_assert_str_eq(out, "OK 2\ndflt 2\nremote 4\n");
    control_lines(ctl, "create topic bad/name 1\n", out, sizeof out, 1);
    ck_assert(strncmp(out, "ERR invalid topic name", 22) == 0);
    control_lines(ctl, "create topic remote 3\n", out, sizeof out, 1);
    ck_assert(strncmp(out, "ERR conflict: ", 14) == 0);

    /* Records through the fixed bootstrap address. */
    KafkaProducerConfig pc = {.bootstrap_servers = bs, .linger_ms = 1};
    KafkaProducer *p = kafka_producer_new(&pc, &err);
    ck_assert_ptr_nonnull(p);
    for (int i = 0; i < 50; i++) {
        char k[16];
        int kl = snprintf(k, sizeof k, "k%d", i);
        RawRecord r = {.topic = "remote",
                       .partition = -1,
                       .key = k,
                       .key_len = (size_t)kl,
                       .value = "v",
                       .value_len = 1};
        ck_assert_int_eq(kafka_producer_send(p, &r, NULL, &err), 0);
    }
    ck_assert_msg(kafka_producer_flush(p, 5000, &err) == 0, "%s", err.msg);
    kafka_producer_close(p, 1000);
    KafkaConsumerConfig cc = {.bootstrap_servers = bs};
    KafkaConsumer *c = kafka_consumer_new(&cc, &err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(kafka_consumer_assign_topic(c, "remote", KAFKA_OFFSET_BEGINNING, 3000, &err),
                     4);
    int count = 0;
    int64_t end = now_ms() + 5000;
    while (count < 50 && now_ms() < end) {
        const RawRecord *recs;
        int n = kafka_consumer_poll_batch(c, 100, 100, &recs, &err);
        ck_assert(n >= 0);
        count += n;
        kafka_consumer_release_batch(c);
    }
    ck_assert_int_eq(count, 50);
    kafka_consumer_close(c);

    kill(bp.pid, SIGTERM);
    ck_assert_int_eq(wait_exit(bp.pid, 5000), 0);
    close(bp.out);
    close(bp.err);
    /* Gone: admin calls fail fast. */
    int64_t t0 = now_ms();
    TopicSpec later = {.name = "later", .partitions = 1};
    ck_assert_int_eq(topic_admin_create(a, &later, &created, &err), ERR_IO);
    ck_assert(now_ms() - t0 < 3500);
    topic_admin_close(a);
}
END_TEST

static bool have_kcat(void)
{
    return system("command -v kcat >/dev/null 2>&1") == 0;
}

/* Runs a shell command and returns its stdout (malloc'd). */
static char *run(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = 0;
    ck_assert_int_eq(pclose(f), 0);
    return buf;
}

START_TEST(kcat_against_embedded_broker)
{
    if (!have_kcat()) {
        fprintf(stderr, "SKIP kcat_against_embedded_broker: kcat is not installed\n");
        return;
    }
    EddyError err;
    BrokerConfig cfg = {.listen = "127.0.0.1:0", .quiet = true};
    Broker *b = broker_start(&cfg, &err);
    ck_assert_msg(b != NULL, "%s", err.msg);
    ck_assert_int_eq(broker_create_topic(b, "kc", 2, NULL, &err), 0);
    const char *bs = broker_bootstrap_servers(b);
    char cmd[1024];

    /* Metadata comes through the forwarder (broker -1 is the bootstrap address). */
    snprintf(cmd, sizeof cmd, "kcat -L -b %s -t kc 2>&1", bs);
    char *md = run(cmd);
    char want[256];
    snprintf(want, sizeof want, "from broker -1: %s/bootstrap", bs);
    ck_assert_msg(strstr(md, want) != NULL, "%s", md);
    ck_assert_msg(strstr(md, "topic \"kc\" with 2 partitions") != NULL, "%s", md);
    free(md);

    snprintf(cmd, sizeof cmd,
             "printf 'a:1\\nb:2\\nc:3\\n' | kcat -P -b %s -t kc -K: "
             "-X partitioner=murmur2_random 2>&1",
             bs);
    free(run(cmd));
    snprintf(cmd, sizeof cmd, "kcat -C -b %s -t kc -e -q -o beginning -f '%%k=%%s\\n' | sort", bs);
    char *got = run(cmd);
    ck_assert_str_eq(got, "a=1\nb=2\nc=3\n");
    free(got);
    broker_stop(b);
}
END_TEST

static Suite *broker_suite(void)
{
    Suite *s = suite_create("broker");
    TCase *tc = tcase_create("process");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, eddy_broker_process);
    tcase_add_test(tc, kcat_against_embedded_broker);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    SRunner *sr = srunner_create(broker_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
