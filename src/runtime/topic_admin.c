/*
 * topic_admin.c - topic administration over three backends (see topic_admin.h).
 *
 * Creation differs per backend (mock API in-process, the eddy-broker control line
 * protocol, or CreateTopics through librdkafka's Admin API); existence conflicts,
 * describe and list are decided the same way for all of them, from cluster metadata
 * read by one librdkafka handle the admin keeps open.
 */
#include "topic_admin.h"

#include <errno.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kafka_int.h"
#include "net_int.h"

#define DEFAULT_TIMEOUT_MS 5000

struct TopicAdmin {
    TopicAdminKind kind;
    Broker *embedded; /* EMBEDDED: borrowed */
    char *control;    /* CONTROL: "HOST:PORT" */
    char *bootstrap;  /* the cluster's bootstrap servers, as users see them */
    rd_kafka_t *rk;   /* metadata reads, and the Admin API for KAFKA */
    int timeout_ms;
};

static bool valid_topic_name(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 249 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* ---- control endpoint client ---------------------------------------------------- */

/* Sends one command line and reads the first reply line into reply (without the
 * newline). Returns 0 or ERR_IO. */
static int control_call(const char *addr, int timeout_ms, const char *cmd, char *reply,
                        size_t replysz, EddyError *err)
{
    int fd = net_connect(addr, timeout_ms, err);
    if (fd < 0) return ERR_IO;
    size_t len = strlen(cmd), off = 0;
    int ret = 0;
    while (off < len) {
        ssize_t w = write(fd, cmd + off, len - off);
        if (w <= 0) {
            ret = err_set(err, ERR_IO, -1, "eddy-broker control %s: write: %s", addr,
                          w < 0 ? strerror(errno) : "closed");
            goto done;
        }
        off += (size_t)w;
    }
    size_t got = 0;
    for (;;) {
        if (got + 1 >= replysz) {
            ret = err_set(err, ERR_IO, -1, "eddy-broker control %s: reply too long", addr);
            goto done;
        }
        ssize_t r = read(fd, reply + got, replysz - 1 - got);
        if (r <= 0) {
            ret = err_set(err, ERR_IO, -1, "eddy-broker control %s: %s", addr,
                          r < 0 ? strerror(errno) : "connection closed before a reply");
            goto done;
        }
        got += (size_t)r;
        reply[got] = 0;
        char *nl = strchr(reply, '\n');
        if (nl) {
            *nl = 0;
            break;
        }
    }
done:
    close(fd);
    return ret;
}

/* ---- open / close ---------------------------------------------------------------- */

TopicAdmin *topic_admin_open(const TopicAdminConfig *cfg, EddyError *err)
{
    char errstr[512];
    rd_kafka_conf_t *conf = NULL;
    TopicAdmin *a = calloc(1, sizeof *a);
    if (!a) {
        err_set(err, ERR_INTERNAL, -1, "out of memory");
        return NULL;
    }
    a->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : DEFAULT_TIMEOUT_MS;
    const char *control = cfg->broker_control
                              ? cfg->broker_control
                              : kafka_prop_get(cfg->props, cfg->nprops, "eddy.broker.control");
    const char *bootstrap = cfg->bootstrap_servers
                                ? cfg->bootstrap_servers
                                : kafka_prop_get(cfg->props, cfg->nprops, "bootstrap.servers");
    const char *meta_bootstrap = bootstrap;
    if (cfg->embedded) {
        a->kind = TOPIC_ADMIN_EMBEDDED;
        a->embedded = cfg->embedded;
        bootstrap = broker_bootstrap_servers(cfg->embedded);
        meta_bootstrap = broker_mock_servers(cfg->embedded); /* skip the forwarder hop */
    } else if (control) {
        a->kind = TOPIC_ADMIN_CONTROL;
        a->control = strdup(control);
        if (!a->control) goto oom;
        char reply[512];
        if (!bootstrap) {
            if (control_call(control, a->timeout_ms, "bootstrap\n", reply, sizeof reply, err) < 0)
                goto fail;
            if (strncmp(reply, "OK ", 3) != 0) {
                err_set(err, ERR_IO, -1, "eddy-broker control %s: unexpected reply '%s'", control,
                        reply);
                goto fail;
            }
            bootstrap = meta_bootstrap = reply + 3;
        }
        a->bootstrap = strdup(bootstrap);
        if (!a->bootstrap) goto oom;
        bootstrap = meta_bootstrap = a->bootstrap;
    } else if (bootstrap) {
        a->kind = TOPIC_ADMIN_KAFKA;
    } else {
        err_set(err, ERR_SEMANTIC, -1,
                "topic admin: no embedded broker, eddy.broker.control or bootstrap.servers");
        goto fail;
    }
    if (!a->bootstrap && !(a->bootstrap = strdup(bootstrap))) goto oom;

    conf = rd_kafka_conf_new();
    if (kafka_conf_set(conf, "client.id", "eddy-admin", err) < 0 ||
        kafka_conf_set(conf, "log.connection.close", "false", err) < 0 ||
        kafka_conf_apply(conf, cfg->props, cfg->nprops, KAFKA_ROLE_ADMIN, err) < 0 ||
        kafka_conf_set(conf, "bootstrap.servers", meta_bootstrap, err) < 0)
        goto fail;
    a->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!a->rk) {
        err_set(err, ERR_IO, -1, "topic admin: %s", errstr);
        goto fail;
    }
    return a;
oom:
    err_set(err, ERR_INTERNAL, -1, "out of memory");
fail:
    if (conf) rd_kafka_conf_destroy(conf);
    topic_admin_close(a);
    return NULL;
}

void topic_admin_close(TopicAdmin *a)
{
    if (!a) return;
    if (a->rk) rd_kafka_destroy(a->rk);
    free(a->control);
    free(a->bootstrap);
    free(a);
}

TopicAdminKind topic_admin_kind(const TopicAdmin *a)
{
    return a->kind;
}

const char *topic_admin_bootstrap_servers(const TopicAdmin *a)
{
    return a->bootstrap;
}

/* ---- metadata ------------------------------------------------------------------- */

void topic_desc_clear(TopicDesc *t)
{
    if (!t) return;
    free(t->name);
    free(t->partition_replicas);
    memset(t, 0, sizeof *t);
}

void topic_desc_free(TopicDesc *list, int n)
{
    if (!list) return;
    for (int i = 0; i < n; i++)
        topic_desc_clear(&list[i]);
    free(list);
}

static int fill_info(const struct rd_kafka_metadata_topic *mt, TopicDesc *out)
{
    memset(out, 0, sizeof *out);
    out->name = strdup(mt->topic);
    out->partition_replicas =
        calloc((size_t)(mt->partition_cnt > 0 ? mt->partition_cnt : 1), sizeof(int));
    if (!out->name || !out->partition_replicas) {
        topic_desc_clear(out);
        return -1;
    }
    out->partitions = mt->partition_cnt;
    for (int p = 0; p < mt->partition_cnt; p++) {
        /* Metadata lists partitions in any order: index by partition id. */
        int id = mt->partitions[p].id;
        if (id >= 0 && id < mt->partition_cnt)
            out->partition_replicas[id] = mt->partitions[p].replica_cnt;
    }
    out->replicas = mt->partition_cnt > 0 ? out->partition_replicas[0] : 0;
    return 0;
}

static int get_metadata(TopicAdmin *a, const struct rd_kafka_metadata **md, EddyError *err)
{
    rd_kafka_resp_err_t rc = rd_kafka_metadata(a->rk, 1, NULL, md, a->timeout_ms);
    if (rc)
        return err_set(err, ERR_IO, -1, "cannot read topic metadata from %s: %s", a->bootstrap,
                       rd_kafka_err2str(rc));
    return 0;
}

int topic_admin_describe(TopicAdmin *a, const char *name, TopicDesc *out, EddyError *err)
{
    memset(out, 0, sizeof *out);
    const struct rd_kafka_metadata *md = NULL;
    if (get_metadata(a, &md, err) < 0) return ERR_IO;
    int ret = err_set(err, ERR_NOT_FOUND, -1, "Kafka topic '%s' does not exist", name);
    for (int i = 0; i < md->topic_cnt; i++) {
        if (strcmp(md->topics[i].topic, name) != 0 || md->topics[i].err) continue;
        ret = fill_info(&md->topics[i], out) < 0 ? err_set(err, ERR_INTERNAL, -1, "out of memory")
                                                 : 0;
        if (ret == 0) err_clear(err);
        break;
    }
    rd_kafka_metadata_destroy(md);
    return ret;
}

static int cmp_desc(const void *x, const void *y)
{
    return strcmp(((const TopicDesc *)x)->name, ((const TopicDesc *)y)->name);
}

int topic_admin_list(TopicAdmin *a, TopicDesc **out, EddyError *err)
{
    *out = NULL;
    const struct rd_kafka_metadata *md = NULL;
    if (get_metadata(a, &md, err) < 0) return ERR_IO;
    TopicDesc *list = calloc((size_t)md->topic_cnt + 1, sizeof *list);
    int n = 0, ret = 0;
    if (!list) ret = err_set(err, ERR_INTERNAL, -1, "out of memory");
    for (int i = 0; ret == 0 && i < md->topic_cnt; i++) {
        if (md->topics[i].err) continue;
        if (fill_info(&md->topics[i], &list[n]) < 0)
            ret = err_set(err, ERR_INTERNAL, -1, "out of memory");
        else
            n++;
    }
    rd_kafka_metadata_destroy(md);
    if (ret < 0) {
        topic_desc_free(list, n);
        return ret;
    }
    qsort(list, (size_t)n, sizeof *list, cmp_desc);
    *out = list;
    return n;
}

/* ---- create / delete ------------------------------------------------------------ */

/* The topic exists already: fine when it matches the spec, a conflict otherwise. */
static int check_existing(TopicAdmin *a, const TopicSpec *spec, EddyError *err)
{
    TopicDesc ti;
    int rc = topic_admin_describe(a, spec->name, &ti, err);
    if (rc == ERR_NOT_FOUND)
        return err_set(err, ERR_IO, -1, "topic '%s' reported as existing but not in metadata",
                       spec->name);
    if (rc < 0) return rc;
    bool part_ok = spec->partitions <= 0 || spec->partitions == ti.partitions;
    bool repl_ok =
        a->kind != TOPIC_ADMIN_KAFKA || spec->replicas <= 0 || spec->replicas == ti.replicas;
    if (!part_ok || !repl_ok) {
        char want[96];
        if (!part_ok && !repl_ok)
            snprintf(want, sizeof want, "%d partitions and replication factor %d", spec->partitions,
                     spec->replicas);
        else if (!part_ok)
            snprintf(want, sizeof want, "%d partitions", spec->partitions);
        else
            snprintf(want, sizeof want, "replication factor %d", spec->replicas);
        rc = err_set(err, ERR_EXISTS, -1,
                     "Topic '%s' already exists with %d partitions and replication factor %d; "
                     "requested %s",
                     spec->name, ti.partitions, ti.replicas, want);
    } else {
        rc = 0;
        err_clear(err);
    }
    topic_desc_clear(&ti);
    return rc;
}

/* Returns 1 when created, 0 when it existed already, or an error. */
static int create_control(TopicAdmin *a, const TopicSpec *spec, EddyError *err)
{
    char cmd[400], reply[512];
    if (spec->partitions > 0)
        snprintf(cmd, sizeof cmd, "create topic %s %d\n", spec->name, spec->partitions);
    else
        snprintf(cmd, sizeof cmd, "create topic %s\n", spec->name);
    if (control_call(a->control, a->timeout_ms, cmd, reply, sizeof reply, err) < 0) return ERR_IO;
    if (strncmp(reply, "OK created ", 11) == 0) return 1;
    if (strncmp(reply, "OK exists ", 10) == 0) return 0;
    if (strncmp(reply, "ERR conflict:", 13) == 0) return 0; /* check_existing words it */
    return err_set(err, ERR_IO, -1, "eddy-broker control %s: %s", a->control,
                   strncmp(reply, "ERR ", 4) == 0 ? reply + 4 : reply);
}

static int admin_error_code(rd_kafka_resp_err_t e)
{
    switch (e) {
    case RD_KAFKA_RESP_ERR_INVALID_PARTITIONS:
    case RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR:
    case RD_KAFKA_RESP_ERR_INVALID_CONFIG:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
    case RD_KAFKA_RESP_ERR_INVALID_REQUEST: return ERR_SEMANTIC;
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART: return ERR_NOT_FOUND;
    default: return ERR_IO;
    }
}

/* Runs one Admin API request that reports per-topic results: CreateTopics when
 * newt is non-NULL, else DeleteTopics of delt. Returns the topic's error code
 * (RD_KAFKA_RESP_ERR_NO_ERROR on success) with its message in msg, or -1 with err set
 * when the request itself failed or timed out. */
static int admin_request(TopicAdmin *a, rd_kafka_NewTopic_t *newt, rd_kafka_DeleteTopic_t *delt,
                         char *msg, size_t msgsz, EddyError *err)
{
    char errstr[256];
    rd_kafka_queue_t *q = rd_kafka_queue_new(a->rk);
    rd_kafka_AdminOptions_t *opt = rd_kafka_AdminOptions_new(
        a->rk, newt ? RD_KAFKA_ADMIN_OP_CREATETOPICS : RD_KAFKA_ADMIN_OP_DELETETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(opt, a->timeout_ms, errstr, sizeof errstr);
    rd_kafka_AdminOptions_set_operation_timeout(opt, a->timeout_ms, errstr, sizeof errstr);
    if (newt)
        rd_kafka_CreateTopics(a->rk, &newt, 1, opt, q);
    else
        rd_kafka_DeleteTopics(a->rk, &delt, 1, opt, q);
    /* The request timeout bounds the answer; the margin covers connection set-up. */
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, a->timeout_ms + 1000);
    int ret = -1;
    const char *what = newt ? "create" : "delete";
    if (!ev) {
        err_set(err, ERR_IO, -1, "%s topic: no answer from %s within %d ms", what, a->bootstrap,
                a->timeout_ms);
    } else if (rd_kafka_event_error(ev)) {
        err_set(err, ERR_IO, -1, "%s topic: %s", what, rd_kafka_event_error_string(ev));
    } else {
        const rd_kafka_topic_result_t **res;
        size_t cnt = 0;
        if (newt)
            res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
        else
            res = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev), &cnt);
        if (cnt != 1) {
            err_set(err, ERR_IO, -1, "%s topic: unexpected answer (%zu results)", what, cnt);
        } else {
            ret = rd_kafka_topic_result_error(res[0]);
            const char *es = rd_kafka_topic_result_error_string(res[0]);
            snprintf(msg, msgsz, "%s", es ? es : rd_kafka_err2str((rd_kafka_resp_err_t)ret));
        }
    }
    if (ev) rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(opt);
    rd_kafka_queue_destroy(q);
    return ret;
}

static int create_kafka(TopicAdmin *a, const TopicSpec *spec, EddyError *err)
{
    char errstr[256], msg[512];
    rd_kafka_NewTopic_t *nt =
        rd_kafka_NewTopic_new(spec->name, spec->partitions > 0 ? spec->partitions : -1,
                              spec->replicas > 0 ? spec->replicas : -1, errstr, sizeof errstr);
    if (!nt) return err_set(err, ERR_SEMANTIC, -1, "create topic '%s': %s", spec->name, errstr);
    for (int i = 0; i < spec->nconfigs; i++) {
        if (rd_kafka_NewTopic_set_config(nt, spec->configs[i].key, spec->configs[i].value)) {
            rd_kafka_NewTopic_destroy(nt);
            return err_set(err, ERR_SEMANTIC, -1, "create topic '%s': bad config %s", spec->name,
                           spec->configs[i].key);
        }
    }
    int rc = admin_request(a, nt, NULL, msg, sizeof msg, err);
    rd_kafka_NewTopic_destroy(nt);
    if (rc < 0) return ERR_IO;
    if (rc == RD_KAFKA_RESP_ERR_NO_ERROR) return 1;
    if (rc == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) return 0;
    return err_set(err, admin_error_code((rd_kafka_resp_err_t)rc), -1, "create topic '%s': %s",
                   spec->name, msg);
}

int topic_admin_create(TopicAdmin *a, const TopicSpec *spec, bool *created, EddyError *err)
{
    if (created) *created = false;
    if (!spec->name || !valid_topic_name(spec->name))
        return err_set(err, ERR_SEMANTIC, -1,
                       "Invalid topic name '%s': use 1 to 249 of [a-zA-Z0-9._-]",
                       spec->name ? spec->name : "");
    int rc;
    switch (a->kind) {
    case TOPIC_ADMIN_EMBEDDED: {
        int made = 0;
        rc = broker_create_topic(a->embedded, spec->name, spec->partitions, &made, err);
        if (rc == ERR_EXISTS)
            rc = 0; /* check_existing words the conflict */
        else if (rc == 0)
            rc = made;
        break;
    }
    case TOPIC_ADMIN_CONTROL: rc = create_control(a, spec, err); break;
    default: rc = create_kafka(a, spec, err); break;
    }
    if (rc < 0) return rc;
    if (rc == 1) {
        if (created) *created = true;
        return 0;
    }
    return check_existing(a, spec, err);
}

int topic_admin_delete(TopicAdmin *a, const char *name, EddyError *err)
{
    if (a->kind != TOPIC_ADMIN_KAFKA)
        return err_set(err, ERR_UNSUPPORTED, -1,
                       "the embedded broker cannot delete topics (topic '%s' is kept)", name);
    char msg[512];
    rd_kafka_DeleteTopic_t *dt = rd_kafka_DeleteTopic_new(name);
    int rc = admin_request(a, NULL, dt, msg, sizeof msg, err);
    rd_kafka_DeleteTopic_destroy(dt);
    if (rc < 0) return ERR_IO;
    if (rc == RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
    return err_set(err, admin_error_code((rd_kafka_resp_err_t)rc), -1, "delete topic '%s': %s",
                   name, msg);
}
