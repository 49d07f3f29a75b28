/*
 * broker.c - the embedded broker (see broker.h): librdkafka's mock cluster, a TCP
 * forwarder that gives it a fixed bootstrap address, and the control endpoint.
 *
 * One I/O thread serves both listeners with poll(): each accepted bootstrap
 * connection is paired with a fresh connection to the first mock broker and bytes
 * are relayed both ways through two fixed buffers (the relay does not parse the
 * Kafka protocol). Control connections carry one command per line and get one reply
 * (or a counted block of lines) per command. Metadata for topic lists comes from a
 * second librdkafka handle bootstrapped straight at the mock brokers.
 *
 * librdkafka's mock brokers leave Nagle's algorithm on for the connections they
 * accept; with the client's delayed ACKs every produce acknowledgement and fetch
 * answer that goes out in two writes waits ~40 ms (a producer flush took 44 ms
 * instead of 1). Kafka brokers set TCP_NODELAY, so the I/O thread does it for the
 * mock: every 100 ms it sets TCP_NODELAY on the process's TCP sockets it has not
 * seen yet (the mock's accepted connections are ordinary fds of this process).
 *
 * The mock API is used only in this file. The mock cluster is destroyed before the
 * rd_kafka_t that owns it, as librdkafka requires.
 */
#include "broker.h"

#include <errno.h>
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "../common/strbuf.h"
#include "net_int.h"

#define RELAY_BUF       65536
#define CONTROL_LINE    1024
#define MAX_CONNS       1024
#define META_TIMEOUT_MS 5000

enum { CONN_RELAY, CONN_CONTROL };

typedef struct Conn {
    struct Conn *next;
    int kind;  /* CONN_RELAY | CONN_CONTROL */
    int fd[2]; /* relay: client, upstream; control: client, -1 */
    bool dead; /* close at the end of this loop turn */
    /* relay: buf[i] holds bytes read from fd[i], waiting to be written to fd[1-i] */
    char *buf[2];
    size_t len[2], off[2];
    /* control */
    char in[CONTROL_LINE];
    size_t inlen;
    StrBuf out;
    size_t outoff;
    bool closing; /* peer finished sending: close once `out` is written */
    int pidx[2];  /* index in the pollfd array, -1 when not polled */
} Conn;

struct Broker {
    rd_kafka_t *owner; /* owns the mock cluster */
    rd_kafka_mock_cluster_t *mock;
    rd_kafka_t *meta;            /* metadata client of the mock brokers */
    pthread_mutex_t create_lock; /* serializes check-then-create */
    int nbrokers;
    int default_partitions;
    char bootstrap[128];       /* forwarder address */
    char control[128];         /* control address, "" when none */
    char upstream[128];        /* first mock broker */
    char *mock_servers;        /* all mock brokers, comma-separated */
    int listen_fd, control_fd; /* -1 when closed */
    int wake[2];               /* pipe: a byte stops the I/O thread */
    pthread_t thread;
    bool thread_started;
    Conn *conns;
    int nconns;
};

static void quiet_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk;
    if (level <= LOG_ERR) fprintf(stderr, "embedded broker: librdkafka %s: %s\n", fac, buf);
}

/* ---- topics --------------------------------------------------------------- */

static bool valid_topic_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 249 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static int cmp_topic(const void *a, const void *b)
{
    return strcmp(((const BrokerTopic *)a)->name, ((const BrokerTopic *)b)->name);
}

int broker_list_topics(Broker *b, BrokerTopic **out, EddyError *err)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_resp_err_t rc = rd_kafka_metadata(b->meta, 1, NULL, &md, META_TIMEOUT_MS);
    if (rc) return err_set(err, ERR_IO, -1, "embedded broker metadata: %s", rd_kafka_err2str(rc));
    BrokerTopic *t = calloc((size_t)md->topic_cnt + 1, sizeof *t);
    int n = 0;
    for (int i = 0; t && i < md->topic_cnt; i++) {
        if (md->topics[i].err) continue;
        t[n].name = strdup(md->topics[i].topic);
        t[n].partitions = md->topics[i].partition_cnt;
        if (!t[n].name) {
            broker_topics_free(t, n);
            t = NULL;
            break;
        }
        n++;
    }
    rd_kafka_metadata_destroy(md);
    if (!t) return err_set(err, ERR_INTERNAL, -1, "out of memory");
    qsort(t, (size_t)n, sizeof *t, cmp_topic);
    *out = t;
    return n;
}

void broker_topics_free(BrokerTopic *topics, int n)
{
    if (!topics) return;
    for (int i = 0; i < n; i++)
        free(topics[i].name);
    free(topics);
}

int broker_topic_partitions(Broker *b, const char *name, EddyError *err)
{
    BrokerTopic *t = NULL;
    int n = broker_list_topics(b, &t, err);
    if (n < 0) return n;
    int found = ERR_NOT_FOUND;
    for (int i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0) found = t[i].partitions;
    broker_topics_free(t, n);
    if (found == ERR_NOT_FOUND)
        return err_set(err, ERR_NOT_FOUND, -1, "topic '%s' does not exist", name);
    return found;
}

int broker_create_topic(Broker *b, const char *name, int partitions, int *created, EddyError *err)
{
    if (created) *created = 0;
    if (!name || !valid_topic_name(name))
        return err_set(err, ERR_SEMANTIC, -1,
                       "invalid topic name '%s': use 1 to 249 of [a-zA-Z0-9._-]", name ? name : "");
    if (partitions > 100000)
        return err_set(err, ERR_LIMIT, -1, "too many partitions: %d", partitions);
    int want = partitions > 0 ? partitions : b->default_partitions;
    int replicas = b->nbrokers < 3 ? b->nbrokers : 3;
    pthread_mutex_lock(&b->create_lock);
    int rc = 0;
    rd_kafka_resp_err_t kerr = rd_kafka_mock_topic_create(b->mock, name, want, replicas);
    if (kerr == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (created) *created = 1;
    } else if (kerr == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        int have = broker_topic_partitions(b, name, err);
        if (have < 0)
            rc = have;
        else if (partitions > 0 && have != partitions)
            rc =
                err_set(err, ERR_EXISTS, -1, "topic '%s' already exists with %d partitions, not %d",
                        name, have, partitions);
    } else {
        rc = err_set(err, ERR_IO, -1, "cannot create topic '%s': %s", name, rd_kafka_err2str(kerr));
    }
    pthread_mutex_unlock(&b->create_lock);
    return rc;
}

/* ---- control endpoint -------------------------------------------------------- */

static int split_words(char *line, char **w, int maxw)
{
    int n = 0;
    char *save = NULL;
    for (char *p = strtok_r(line, " \t\r", &save); p && n < maxw;
         p = strtok_r(NULL, " \t\r", &save))
        w[n++] = p;
    return n;
}

static void control_command(Broker *b, char *line, StrBuf *out)
{
    char *w[8];
    int n = split_words(line, w, 8);
    EddyError err;
    err_clear(&err);
    if (n == 0) return;
    if (n >= 3 && n <= 4 && strcmp(w[0], "create") == 0 && strcmp(w[1], "topic") == 0) {
        int parts = 0;
        if (n == 4) {
            char *end;
            long v = strtol(w[3], &end, 10);
            if (*end || v <= 0 || v > 100000) {
                sb_printf(out, "ERR bad partition count '%s'\n", w[3]);
                return;
            }
            parts = (int)v;
        }
        int created = 0;
        int rc = broker_create_topic(b, w[2], parts, &created, &err);
        if (rc < 0) {
            sb_printf(out, "ERR %s%s\n", rc == ERR_EXISTS ? "conflict: " : "", err.msg);
            return;
        }
        int have = broker_topic_partitions(b, w[2], &err);
        if (have < 0)
            sb_printf(out, "ERR %s\n", err.msg);
        else
            sb_printf(out, "OK %s %s %d\n", created ? "created" : "exists", w[2], have);
    } else if (n == 3 && strcmp(w[0], "describe") == 0 && strcmp(w[1], "topic") == 0) {
        int have = broker_topic_partitions(b, w[2], &err);
        if (have < 0)
            sb_printf(out, "ERR %s\n", err.msg);
        else
            sb_printf(out, "OK %s %d\n", w[2], have);
    } else if (n == 2 && strcmp(w[0], "list") == 0 && strcmp(w[1], "topics") == 0) {
        BrokerTopic *t = NULL;
        int nt = broker_list_topics(b, &t, &err);
        if (nt < 0) {
            sb_printf(out, "ERR %s\n", err.msg);
            return;
        }
        sb_printf(out, "OK %d\n", nt);
        for (int i = 0; i < nt; i++)
            sb_printf(out, "%s %d\n", t[i].name, t[i].partitions);
        broker_topics_free(t, nt);
    } else if (n == 1 && strcmp(w[0], "bootstrap") == 0) {
        sb_printf(out, "OK %s\n", b->bootstrap);
    } else if (n == 1 && strcmp(w[0], "ping") == 0) {
        sb_puts(out, "OK pong\n");
    } else {
        sb_puts(out, "ERR unknown command (expected: create topic NAME [PARTITIONS] | describe "
                     "topic NAME | list topics | bootstrap | ping)\n");
    }
}

/* Reads what the peer sent and runs every complete line. */
static void control_read(Broker *b, Conn *c)
{
    ssize_t r = read(c->fd[0], c->in + c->inlen, sizeof c->in - c->inlen);
    if (r == 0) {
        c->closing = true;
        return;
    }
    if (r < 0) {
        if (errno != EAGAIN && errno != EINTR) c->dead = true;
        return;
    }
    c->inlen += (size_t)r;
    char *start = c->in, *nl;
    while ((nl = memchr(start, '\n', c->inlen - (size_t)(start - c->in))) != NULL) {
        *nl = 0;
        control_command(b, start, &c->out);
        start = nl + 1;
    }
    size_t rest = c->inlen - (size_t)(start - c->in);
    if (rest == sizeof c->in) {
        sb_puts(&c->out, "ERR line too long\n");
        c->closing = true;
        rest = 0;
    }
    memmove(c->in, start, rest);
    c->inlen = rest;
}

static void control_write(Conn *c)
{
    ssize_t w = write(c->fd[0], c->out.data + c->outoff, c->out.len - c->outoff);
    if (w < 0) {
        if (errno != EAGAIN && errno != EINTR) c->dead = true;
        return;
    }
    c->outoff += (size_t)w;
    if (c->outoff == c->out.len) {
        sb_clear(&c->out);
        c->outoff = 0;
    }
}

/* ---- relay ------------------------------------------------------------------ */

static void relay_io(Conn *c, int i, short revents)
{
    if ((revents & POLLIN) && c->len[i] == 0) {
        ssize_t r = read(c->fd[i], c->buf[i], RELAY_BUF);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
            c->dead = true;
            return;
        }
        if (r > 0) {
            c->len[i] = (size_t)r;
            c->off[i] = 0;
        }
    }
    int j = 1 - i; /* bytes from fd[j] are written to fd[i] */
    if ((revents & POLLOUT) && c->len[j] > c->off[j]) {
        ssize_t w = send(c->fd[i], c->buf[j] + c->off[j], c->len[j] - c->off[j], MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN && errno != EINTR) {
            c->dead = true;
            return;
        }
        if (w > 0) c->off[j] += (size_t)w;
        if (c->off[j] == c->len[j]) c->len[j] = c->off[j] = 0;
    }
    if ((revents & (POLLERR | POLLHUP | POLLNVAL)) && !(revents & POLLIN)) c->dead = true;
}

/* ---- I/O thread --------------------------------------------------------------- */

static void conn_free(Conn *c)
{
    for (int i = 0; i < 2; i++) {
        if (c->fd[i] >= 0) close(c->fd[i]);
        free(c->buf[i]);
    }
    sb_free(&c->out);
    free(c);
}

static void accept_conn(Broker *b, int lfd, int kind)
{
    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    Conn *c = calloc(1, sizeof *c);
    if (!c) goto fail;
    c->kind = kind;
    c->fd[0] = c->fd[1] = -1; /* fd is closed below on failure, not by conn_free */
    if (b->nconns >= MAX_CONNS) goto fail;
    if (kind == CONN_RELAY) {
        c->buf[0] = malloc(RELAY_BUF);
        c->buf[1] = malloc(RELAY_BUF);
        if (!c->buf[0] || !c->buf[1]) goto fail;
        EddyError err;
        c->fd[1] = net_connect(b->upstream, 2000, &err);
        if (c->fd[1] < 0 || net_set_nonblocking(c->fd[1]) < 0) goto fail;
    }
    c->fd[0] = fd;
    c->next = b->conns;
    b->conns = c;
    b->nconns++;
    return;
fail:
    if (c) conn_free(c);
    close(fd);
}

/* Sets TCP_NODELAY on every TCP socket of the process not seen before. seen[fd]
 * holds the inode of the socket last handled at that fd (fds are reused). */
static void nodelay_sweep(ino_t **seen, size_t *nseen)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) return;
    int dfd = dirfd(d);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        char *end;
        long fd = strtol(de->d_name, &end, 10);
        if (*end || fd < 0 || fd == dfd || fd > 1 << 20) continue;
        struct stat st;
        if (fstat((int)fd, &st) < 0 || !S_ISSOCK(st.st_mode)) continue;
        if ((size_t)fd >= *nseen) {
            size_t n = (size_t)fd * 2 + 64;
            ino_t *ns = realloc(*seen, n * sizeof *ns);
            if (!ns) break;
            memset(ns + *nseen, 0, (n - *nseen) * sizeof *ns);
            *seen = ns;
            *nseen = n;
        }
        if ((*seen)[fd] == st.st_ino) continue;
        (*seen)[fd] = st.st_ino;
        struct sockaddr_storage sa;
        socklen_t sl = sizeof sa;
        if (getsockname((int)fd, (struct sockaddr *)&sa, &sl) < 0) continue;
        if (sa.ss_family != AF_INET && sa.ss_family != AF_INET6) continue;
        int one = 1;
        setsockopt((int)fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    closedir(d);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *io_thread(void *arg)
{
    Broker *b = arg;
    struct pollfd *pfd = NULL;
    size_t pcap = 0;
    ino_t *seen = NULL;
    size_t nseen = 0;
    int64_t last_sweep = 0;
    for (;;) {
        int64_t now = mono_ms();
        if (now - last_sweep >= 100) {
            nodelay_sweep(&seen, &nseen);
            last_sweep = now;
        }
        size_t need = 3 + 2 * (size_t)b->nconns;
        if (need > pcap) {
            struct pollfd *np = realloc(pfd, need * sizeof *np);
            if (!np) break;
            pfd = np;
            pcap = need;
        }
        nfds_t n = 0;
        pfd[n++] = (struct pollfd){.fd = b->wake[0], .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = b->listen_fd, .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = b->control_fd, .events = POLLIN}; /* -1 is ignored */
        for (Conn *c = b->conns; c; c = c->next) {
            c->pidx[0] = c->pidx[1] = -1;
            if (c->kind == CONN_RELAY) {
                for (int i = 0; i < 2; i++) {
                    short ev = 0;
                    if (c->len[i] == 0) ev |= POLLIN;
                    if (c->len[1 - i] > 0) ev |= POLLOUT;
                    c->pidx[i] = (int)n;
                    pfd[n++] = (struct pollfd){.fd = c->fd[i], .events = ev};
                }
            } else {
                short ev = 0;
                if (!c->closing) ev |= POLLIN;
                if (c->out.len > c->outoff) ev |= POLLOUT;
                c->pidx[0] = (int)n;
                pfd[n++] = (struct pollfd){.fd = c->fd[0], .events = ev};
            }
        }
        if (poll(pfd, n, 100) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (pfd[0].revents) break;
        for (Conn *c = b->conns; c; c = c->next) {
            if (c->kind == CONN_RELAY) {
                for (int i = 0; i < 2 && !c->dead; i++)
                    if (pfd[c->pidx[i]].revents) relay_io(c, i, pfd[c->pidx[i]].revents);
            } else {
                short rev = pfd[c->pidx[0]].revents;
                if (rev & POLLIN) control_read(b, c);
                if (!c->dead && c->out.len > c->outoff) control_write(c);
                if (!c->dead && (rev & (POLLERR | POLLNVAL))) c->dead = true;
                if (c->closing && c->out.len == c->outoff) c->dead = true;
            }
        }
        for (Conn **pp = &b->conns; *pp;) {
            Conn *c = *pp;
            if (c->dead) {
                *pp = c->next;
                conn_free(c);
                b->nconns--;
            } else {
                pp = &c->next;
            }
        }
        if (pfd[1].revents & POLLIN) accept_conn(b, b->listen_fd, CONN_RELAY);
        if (b->control_fd >= 0 && (pfd[2].revents & POLLIN))
            accept_conn(b, b->control_fd, CONN_CONTROL);
    }
    free(seen);
    free(pfd);
    return NULL;
}

/* ---- start / stop --------------------------------------------------------------- */

static rd_kafka_t *new_handle(const char *bootstrap, EddyError *err)
{
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, quiet_log_cb);
    if (rd_kafka_conf_set(conf, "client.id", "eddy-embedded-broker", errstr, sizeof errstr) ||
        (bootstrap &&
         rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr))) {
        rd_kafka_conf_destroy(conf);
        err_set(err, ERR_INTERNAL, -1, "embedded broker: %s", errstr);
        return NULL;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        err_set(err, ERR_IO, -1, "embedded broker: %s", errstr);
    }
    return rk;
}

Broker *broker_start(const BrokerConfig *cfg, EddyError *err)
{
    Broker *b = calloc(1, sizeof *b);
    if (!b) {
        err_set(err, ERR_INTERNAL, -1, "out of memory");
        return NULL;
    }
    b->listen_fd = b->control_fd = b->wake[0] = b->wake[1] = -1;
    pthread_mutex_init(&b->create_lock, NULL);
    b->nbrokers = cfg && cfg->brokers > 0 ? cfg->brokers : 1;
    b->default_partitions = cfg && cfg->default_partitions > 0 ? cfg->default_partitions : 1;
    if (b->nbrokers > 16) {
        err_set(err, ERR_LIMIT, -1, "embedded broker: at most 16 brokers, not %d", b->nbrokers);
        goto fail;
    }
    const char *listen_addr = cfg && cfg->listen ? cfg->listen : BROKER_DEFAULT_LISTEN;

    /* Bind first: a busy port is the likeliest failure and the cheapest to report. */
    b->listen_fd =
        net_listen(listen_addr, "bootstrap address", b->bootstrap, sizeof b->bootstrap, err);
    if (b->listen_fd < 0) goto fail;
    if (cfg && cfg->control) {
        b->control_fd =
            net_listen(cfg->control, "control address", b->control, sizeof b->control, err);
        if (b->control_fd < 0) goto fail;
    }

    b->owner = new_handle(NULL, err);
    if (!b->owner) goto fail;
    b->mock = rd_kafka_mock_cluster_new(b->owner, b->nbrokers);
    if (!b->mock) {
        err_set(err, ERR_IO, -1, "embedded broker: cannot create the mock cluster");
        goto fail;
    }
    b->mock_servers = strdup(rd_kafka_mock_cluster_bootstraps(b->mock));
    if (!b->mock_servers) {
        err_set(err, ERR_INTERNAL, -1, "out of memory");
        goto fail;
    }
    size_t first = strcspn(b->mock_servers, ",");
    if (first >= sizeof b->upstream) {
        err_set(err, ERR_INTERNAL, -1, "embedded broker: odd mock address %s", b->mock_servers);
        goto fail;
    }
    memcpy(b->upstream, b->mock_servers, first);
    b->upstream[first] = 0;
    b->meta = new_handle(b->mock_servers, err);
    if (!b->meta) goto fail;

    if (pipe2(b->wake, O_CLOEXEC) < 0) {
        err_set(err, ERR_IO, -1, "embedded broker: pipe: %s", strerror(errno));
        goto fail;
    }
    if (pthread_create(&b->thread, NULL, io_thread, b) != 0) {
        err_set(err, ERR_IO, -1, "embedded broker: cannot start its I/O thread");
        goto fail;
    }
    b->thread_started = true;
    if (!(cfg && cfg->quiet)) {
        fprintf(stderr, "embedded broker: bootstrap.servers=%s (mock brokers %s)", b->bootstrap,
                b->mock_servers);
        if (b->control[0]) fprintf(stderr, ", control %s", b->control);
        fprintf(stderr, "\n");
    }
    return b;
fail:
    broker_stop(b);
    return NULL;
}

void broker_stop(Broker *b)
{
    if (!b) return;
    if (b->thread_started) {
        char x = 1;
        ssize_t w = write(b->wake[1], &x, 1);
        (void)w;
        pthread_join(b->thread, NULL);
    }
    while (b->conns) {
        Conn *c = b->conns;
        b->conns = c->next;
        conn_free(c);
    }
    if (b->listen_fd >= 0) close(b->listen_fd);
    if (b->control_fd >= 0) close(b->control_fd);
    for (int i = 0; i < 2; i++)
        if (b->wake[i] >= 0) close(b->wake[i]);
    if (b->meta) rd_kafka_destroy(b->meta);
    if (b->mock) rd_kafka_mock_cluster_destroy(b->mock);
    if (b->owner) rd_kafka_destroy(b->owner);
    free(b->mock_servers);
    pthread_mutex_destroy(&b->create_lock);
    free(b);
}

const char *broker_bootstrap_servers(const Broker *b)
{
    return b->bootstrap;
}

const char *broker_mock_servers(const Broker *b)
{
    return b->mock_servers;
}

const char *broker_control_address(const Broker *b)
{
    return b->control[0] ? b->control : NULL;
}
