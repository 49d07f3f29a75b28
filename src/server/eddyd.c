/*
 * eddyd.c - the server's main: configuration, the engine (on Kafka, the
 * embedded broker, or in-memory topics), the command log replay, the HTTP
 * listener, and a clean shutdown on SIGINT/SIGTERM (push queries closed, the
 * listener stopped, persistent queries stopped with their state and offsets
 * committed).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "../common/arena.h"
#include "../runtime/broker.h"
#include "processing_log.h"
#include "server.h"

static bool quiet;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
    if (quiet) return;
    char ts[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[%s] eddyd: ", ts);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void warn_replay(const char *msg)
{
    fprintf(stderr, "eddyd: warning: %s\n", msg);
}

static int mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) return -1;
    return 0;
}

int main(int argc, char **argv)
{
    ServerConfig cfg;
    EddyError err;
    err_clear(&err);
    int prc = config_parse_args(&cfg, argc, argv, &err);
    if (prc == 1) {
        config_free(&cfg);
        return 0;
    }
    if (prc < 0) {
        fprintf(stderr, "eddyd: %s\n", err.msg);
        config_free(&cfg);
        return 2;
    }
    quiet = cfg.quiet;
    if (mkdirs(cfg.state_dir) < 0) {
        fprintf(stderr, "eddyd: cannot create state directory %s: %s\n", cfg.state_dir,
                strerror(errno));
        config_free(&cfg);
        return 1;
    }
    /* SIGINT/SIGTERM are taken by sigwait below; every thread inherits the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    Server srv;
    memset(&srv, 0, sizeof srv);
    srv.cfg = &cfg;
    pthread_mutex_init(&srv.push_lock, NULL);
    pthread_mutex_init(&srv.status_lock, NULL);
    srv.statuses = json_object();
    srv.metrics = metrics_new();
    int exit_code = 1;

    Broker *broker = NULL;
    EngineConfig ec;
    memset(&ec, 0, sizeof ec);
    ec.state_dir = cfg.state_dir;
    ec.durable_state = false;
    ec.props = &cfg.props;
    ec.hash_partitions = true; /* the in-memory engine partitions as a Kafka producer would */
    if (!cfg.memory_engine) {
        ec.mode = ENGINE_KAFKA;
        if (!cfg.bootstrap) {
            BrokerConfig bc;
            memset(&bc, 0, sizeof bc);
            /* Kafka's usual address, so that kcat -b 127.0.0.1:9092 just works; when
             * that is taken (a Kafka, another eddyd) and the user did not ask for it,
             * a free port (logged, and in /info). */
            const char *asked = props_get(&cfg.props, "eddy.embedded.broker.listen");
            bc.listen = asked ? asked : BROKER_DEFAULT_LISTEN;
            bc.quiet = true;
            broker = broker_start(&bc, &err);
            if (!broker && !asked) {
                logf_("the embedded broker cannot listen on %s (%s): using a free port",
                      BROKER_DEFAULT_LISTEN, err.msg);
                err_clear(&err);
                bc.listen = "127.0.0.1:0";
                broker = broker_start(&bc, &err);
            }
            if (!broker) {
                fprintf(stderr, "eddyd: cannot start the embedded broker: %s\n", err.msg);
                goto done;
            }
            ec.bootstrap = broker_bootstrap_servers(broker);
            ec.embedded_broker = broker;
        } else {
            ec.bootstrap = cfg.bootstrap;
        }
        srv.engine = engine_new(&ec, &err);
        if (!srv.engine && err.code == ERR_UNSUPPORTED) {
            logf_("the Kafka engine is not available in this build (%s): using in-memory topics",
                  err.msg);
            broker_stop(broker);
            broker = NULL;
            ec.mode = ENGINE_MEMORY;
            ec.bootstrap = NULL;
            ec.embedded_broker = NULL;
            err_clear(&err);
        }
    } else {
        ec.mode = ENGINE_MEMORY;
    }
    if (!srv.engine) srv.engine = engine_new(&ec, &err);
    if (!srv.engine) {
        fprintf(stderr, "eddyd: cannot start the engine: %s\n", err.msg);
        goto done;
    }
    if (ec.bootstrap) {
        snprintf(srv.bootstrap, sizeof srv.bootstrap, "%s", ec.bootstrap);
        if (broker) logf_("embedded Kafka broker at %s", ec.bootstrap);
    }
    snprintf(srv.kafka_cluster_id, sizeof srv.kafka_cluster_id, "%s",
             ec.mode == ENGINE_MEMORY ? "eddy-in-memory"
             : broker                 ? "eddy-embedded"
                                      : "kafka");
    srv.exec = executor_new(srv.engine);
    srv.clog = command_log_open(srv.engine, cfg.service_id, &err);
    if (!srv.clog) {
        fprintf(stderr, "eddyd: cannot open the command log: %s\n", err.msg);
        goto done;
    }
    /* The processing log (topic and KSQL_PROCESSING_LOG stream) exists before the
     * logged statements replay, which may read from it; it is not itself logged. */
    if (processing_log_setup(srv.exec, srv.engine, &cfg.props, &err) < 0) {
        logf_("processing log not set up: %s", err.msg);
        err_clear(&err);
    }
    long logged = 0;
    int replayed = command_log_replay(srv.clog, srv.exec, warn_replay, &logged);
    if (logged > 0) logf_("replayed %d of %ld logged statements", replayed, logged);
    executor_on_command(srv.exec, command_log_append, srv.clog);

    char msg[512];
    srv.http = http_start(&srv, cfg.host, cfg.port, &srv.port, msg, sizeof msg);
    if (!srv.http) {
        fprintf(stderr, "eddyd: %s\n", msg);
        goto done;
    }
    snprintf(srv.host_port, sizeof srv.host_port, "%s:%d",
             strcmp(cfg.host, "0.0.0.0") == 0 ? "localhost" : cfg.host, srv.port);
    logf_("listening on http://%s:%d (service id %s, data in %s)", cfg.host, srv.port,
          cfg.service_id, cfg.state_dir);
    if (cfg.port_file) {
        char tmp[4096];
        snprintf(tmp, sizeof tmp, "%s.tmp", cfg.port_file);
        FILE *f = fopen(tmp, "w");
        if (f) {
            fprintf(f, "%d\n", srv.port);
            fclose(f);
            rename(tmp, cfg.port_file);
        }
    }
    int sig = 0;
    sigwait(&sigs, &sig);
    logf_("%s: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
    exit_code = 0;
done:
    srv.shutting_down = 1;
    if (srv.http) {
        push_stop_all(&srv);
        http_stop(srv.http);
    }
    executor_free(srv.exec);
    command_log_close(srv.clog);
    engine_free(srv.engine);
    broker_stop(broker);
    metrics_free(srv.metrics);
    json_decref(srv.statuses);
    pthread_mutex_destroy(&srv.push_lock);
    pthread_mutex_destroy(&srv.status_lock);
    config_free(&cfg);
    if (exit_code == 0) logf_("stopped");
    return exit_code;
}
