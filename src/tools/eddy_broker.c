/*
 * eddy_broker.c - eddy-broker: the embedded broker (librdkafka's mock cluster behind a
 * fixed bootstrap address) in a process of its own, so tests that kill eddyd and
 * benchmarks keep their topics. Prints the addresses on stdout, one per line:
 *
 *   bootstrap.servers=127.0.0.1:9092
 *   eddy.broker.control=127.0.0.1:9093
 *
 * and runs until SIGINT or SIGTERM. Topics with a partition count are created through
 * the control endpoint (line protocol, see src/runtime/broker.h and
 * docs/embedded-broker.md), because the mock answers no Admin API request.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../runtime/broker.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: eddy-broker [options]\n"
            "  --listen HOST:PORT   bootstrap address (default %s; port 0 picks a free one)\n"
            "  --control HOST:PORT  control endpoint (default: the bootstrap port + 1 on the\n"
            "                       same host, or a free port when that is 0; 'none' disables)\n"
            "  --brokers N          number of mock brokers (default 1)\n"
            "  --partitions N       partitions of topics created without a count (default 1)\n"
            "  --quiet              do not log to stderr\n"
            "Prints 'bootstrap.servers=...' and 'eddy.broker.control=...' on stdout and runs\n"
            "until SIGINT or SIGTERM. Control commands, one per line: 'create topic NAME\n"
            "[PARTITIONS]', 'describe topic NAME', 'list topics', 'bootstrap', 'ping'.\n",
            BROKER_DEFAULT_LISTEN);
}

static int parse_count(const char *s, int max, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 1 || v > max) return -1;
    *out = (int)v;
    return 0;
}

/* Builds the default control address: listen's host with its port + 1 (0 stays 0). */
static int default_control(const char *listen, char *out, size_t outsz)
{
    const char *colon = strrchr(listen, ':');
    if (!colon) return -1;
    long port = strtol(colon + 1, NULL, 10);
    if (port < 0 || port >= 65535) return -1;
    snprintf(out, outsz, "%.*s:%ld", (int)(colon - listen), listen, port ? port + 1 : 0);
    return 0;
}

int main(int argc, char **argv)
{
    BrokerConfig cfg = {.listen = BROKER_DEFAULT_LISTEN};
    const char *control = NULL;
    char control_buf[300];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--quiet") == 0) {
            cfg.quiet = true;
            continue;
        }
        if (!v) {
            fprintf(stderr, "eddy-broker: unknown option or missing value: %s\n", a);
            usage(stderr);
            return 2;
        }
        if (strcmp(a, "--listen") == 0) {
            cfg.listen = v;
        } else if (strcmp(a, "--control") == 0) {
            control = v;
        } else if (strcmp(a, "--brokers") == 0) {
            if (parse_count(v, 16, &cfg.brokers) < 0) {
                fprintf(stderr, "eddy-broker: --brokers wants 1..16, not '%s'\n", v);
                return 2;
            }
        } else if (strcmp(a, "--partitions") == 0) {
            if (parse_count(v, 100000, &cfg.default_partitions) < 0) {
                fprintf(stderr, "eddy-broker: --partitions wants a positive count, not '%s'\n", v);
                return 2;
            }
        } else {
            fprintf(stderr, "eddy-broker: unknown option: %s\n", a);
            usage(stderr);
            return 2;
        }
        i++;
    }
    if (!control) {
        if (default_control(cfg.listen, control_buf, sizeof control_buf) < 0) {
            fprintf(stderr, "eddy-broker: bad --listen address '%s' (expected HOST:PORT)\n",
                    cfg.listen);
            return 2;
        }
        control = control_buf;
    }
    if (strcmp(control, "none") != 0) cfg.control = control;

    /* Block the stop signals before any thread starts, so only sigwait sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    EddyError err;
    err_clear(&err);
    Broker *b = broker_start(&cfg, &err);
    if (!b) {
        fprintf(stderr, "eddy-broker: %s\n", err.msg);
        return 1;
    }
    printf("bootstrap.servers=%s\n", broker_bootstrap_servers(b));
    if (broker_control_address(b)) printf("eddy.broker.control=%s\n", broker_control_address(b));
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    if (!cfg.quiet) fprintf(stderr, "eddy-broker: signal %d, stopping\n", sig);
    broker_stop(b);
    return 0;
}
