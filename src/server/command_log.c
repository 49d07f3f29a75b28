/*
 * command_log.c - the command log (see command_log.h).
 *
 * Entries are appended in the executor's thread while it holds the engine lock,
 * so the log's order is the order statements took effect. Each append is its
 * own LMDB write transaction, committed (and synced) before the client hears
 * that the statement succeeded: a SIGKILL right after a 200 loses nothing. On
 * the Kafka engine the same entry is then written to the command topic and
 * acknowledged (engine_produce waits for it).
 */
#include "command_log.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/arena.h"
#include "../runtime/state.h"

#define STORE_NAME "_eddy_commands"

struct CommandLog {
    Engine *engine;
    StateEnv *env;
    StateStore store;
    uint64_t next_seq;
    bool use_topic; /* the Kafka engine: mirror to the command topic */
    char topic[512];
};

typedef struct Entries {
    char **texts; /* JSON {"statement","properties"} (malloc'd) */
    int n, cap;
} Entries;

static void entries_add(Entries *e, const char *p, size_t n)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 32;
        e->texts = xrealloc(e->texts, sizeof(char *) * (size_t)e->cap);
    }
    char *t = xmalloc(n + 1);
    memcpy(t, p, n);
    t[n] = 0;
    e->texts[e->n++] = t;
}

static void entries_clear(Entries *e)
{
    for (int i = 0; i < e->n; i++)
        free(e->texts[i]);
    e->n = 0;
}

static void entries_free(Entries *e)
{
    entries_clear(e);
    free(e->texts);
    memset(e, 0, sizeof *e);
}

static void put_be64(char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (char)(v & 0xff);
        v >>= 8;
    }
}

static uint64_t get_be64(const void *p)
{
    const unsigned char *b = p;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | b[i];
    return v;
}

CommandLog *command_log_open(Engine *e, const char *service_id, EddyError *err)
{
    StateEnv *env = engine_state(e);
    if (!env) {
        err_set(err, ERR_INTERNAL, -1, "the command log needs a state directory");
        return NULL;
    }
    CommandLog *l = xcalloc(1, sizeof *l);
    l->engine = e;
    l->env = env;
    snprintf(l->topic, sizeof l->topic, "_confluent-ksql-%s_command_topic", service_id);
    if (state_store_open(env, STORE_NAME, &l->store, err) < 0) {
        free(l);
        return NULL;
    }
    /* The next sequence number follows the last entry. */
    StateTxn *txn;
    if (state_txn_begin(env, false, &txn, err) < 0) {
        free(l);
        return NULL;
    }
    StateIter *it;
    if (state_iter_open(txn, l->store, NULL, 0, &it) == 0) {
        const void *k, *v;
        size_t kl, vl;
        while (state_iter_next(it, &k, &kl, &v, &vl) == 0)
            if (kl == 8) l->next_seq = get_be64(k) + 1;
        state_iter_close(it);
    }
    state_txn_abort(txn);
    if (engine_mode(e) == ENGINE_KAFKA) {
        /* One partition (one order), kept forever, as ksqlDB's command topic. */
        int replicas = (int)props_get_i64(engine_props(e), "ksql.internal.topic.replicas", 1);
        int actual = 0;
        EddyError te;
        err_clear(&te);
        int rc = engine_topic_create(e, l->topic, 1, replicas, INT64_MAX, &actual, &te);
        if (rc < 0 && rc != ERR_EXISTS) {
            err_set(err, rc, -1, "cannot create the command topic %s: %s", l->topic, te.msg);
            free(l);
            return NULL;
        }
        l->use_topic = true;
    }
    return l;
}

void command_log_close(CommandLog *l)
{
    free(l);
}

const char *command_log_topic(CommandLog *l)
{
    return l->topic;
}

/* Writes an entry to the command topic (acknowledged before it returns). */
static int topic_put(CommandLog *l, uint64_t seq, const char *text, EddyError *err)
{
    char key[32];
    int kl = snprintf(key, sizeof key, "%llu", (unsigned long long)seq);
    RawRecord rec = {0};
    rec.topic = l->topic;
    rec.partition = 0;
    rec.offset = -1;
    rec.timestamp = 0;
    rec.key = key;
    rec.key_len = (size_t)kl;
    rec.value = text;
    rec.value_len = strlen(text);
    return engine_produce(l->engine, l->topic, 0, &rec, err);
}

/* Writes an entry to LMDB at seq (its own synced transaction). */
static int lmdb_put(CommandLog *l, uint64_t seq, const char *text, EddyError *err)
{
    StateTxn *txn;
    if (state_txn_begin(l->env, true, &txn, err) < 0) return ERR_IO;
    char key[8];
    put_be64(key, seq);
    state_put(txn, l->store, key, 8, text, strlen(text));
    return state_txn_commit(txn, err);
}

void command_log_append(void *ctx, const char *stmt, const Props *overrides)
{
    CommandLog *l = ctx;
    json_t *o = json_object();
    json_object_set_new(o, "statement", json_string(stmt));
    json_t *p = json_object();
    for (int i = 0; overrides && i < overrides->n; i++)
        json_object_set_new(p, overrides->names[i], json_string(overrides->values[i]));
    json_object_set_new(o, "properties", p);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!text) return;
    EddyError err;
    err_clear(&err);
    uint64_t seq = l->next_seq;
    if (lmdb_put(l, seq, text, &err) == 0) l->next_seq++;
    if (err.code) fprintf(stderr, "eddyd: command log: %s\n", err.msg);
    err_clear(&err);
    if (l->use_topic && topic_put(l, seq, text, &err) < 0)
        fprintf(stderr, "eddyd: command topic %s: %s\n", l->topic, err.msg);
    free(text);
}

long command_log_size(CommandLog *l)
{
    return (long)l->next_seq;
}

static int read_lmdb(CommandLog *l, Entries *out, EddyError *err)
{
    StateTxn *txn;
    if (state_txn_begin(l->env, false, &txn, err) < 0) return ERR_IO;
    StateIter *it;
    if (state_iter_open(txn, l->store, NULL, 0, &it) == 0) {
        const void *k, *v;
        size_t kl, vl;
        while (state_iter_next(it, &k, &kl, &v, &vl) == 0)
            entries_add(out, v, vl);
        state_iter_close(it);
    }
    state_txn_abort(txn);
    return 0;
}

static int topic_record(void *ctx, const RawRecord *rec)
{
    Entries *e = ctx;
    if (!rec->value) return 0;
    json_t *o = json_loadb(rec->value, rec->value_len, 0, NULL);
    if (json_is_true(json_object_get(o, "clear")))
        entries_clear(e);
    else if (json_is_string(json_object_get(o, "statement")))
        entries_add(e, rec->value, rec->value_len);
    json_decref(o);
    return 0;
}

/* Makes LMDB hold exactly `src` (the command topic knew more). */
static int lmdb_replace(CommandLog *l, const Entries *src, EddyError *err)
{
    state_store_drop(l->env, STORE_NAME);
    if (state_store_open(l->env, STORE_NAME, &l->store, err) < 0) return ERR_IO;
    StateTxn *txn;
    if (state_txn_begin(l->env, true, &txn, err) < 0) return ERR_IO;
    for (int i = 0; i < src->n; i++) {
        char key[8];
        put_be64(key, (uint64_t)i);
        state_put(txn, l->store, key, 8, src->texts[i], strlen(src->texts[i]));
    }
    if (state_txn_commit(txn, err) < 0) return ERR_IO;
    l->next_seq = (uint64_t)src->n;
    return 0;
}

static void replay_one(Executor *x, const char *text, void (*warn)(const char *msg), int *ok)
{
    json_error_t je;
    json_t *o = json_loads(text, 0, &je);
    const char *stmt = json_string_value(json_object_get(o, "statement"));
    if (stmt) {
        Props props;
        props_init(&props);
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(o, "properties"), k, v)
        {
            if (json_is_string(v)) props_set(&props, k, json_string_value(v));
        }
        ExecRequest req = {0};
        req.sql = stmt;
        req.overrides = &props;
        req.replay = true;
        json_t *ents = NULL;
        ExecError xe;
        if (executor_run(x, &req, &ents, &xe) < 0) {
            if (warn) {
                char msg[2600];
                snprintf(msg, sizeof msg, "command log: could not replay `%s`: %s", stmt,
                         xe.message);
                warn(msg);
            }
        } else {
            (*ok)++;
        }
        exec_error_clear(&xe);
        json_decref(ents);
        props_free(&props);
    }
    json_decref(o);
}

int command_log_replay(CommandLog *l, Executor *x, void (*warn)(const char *msg), long *total)
{
    /* Read everything first: replaying writes state in the same environment. */
    EddyError err;
    err_clear(&err);
    Entries local = {0}, topic = {0};
    if (read_lmdb(l, &local, &err) < 0 && warn) warn(err.msg);
    err_clear(&err);
    bool topic_read = false;
    if (l->use_topic) {
        if (engine_read_topic(l->engine, l->topic, topic_record, &topic, &err) < 0) {
            if (warn) {
                char msg[700];
                snprintf(msg, sizeof msg, "command topic %s not read: %s", l->topic, err.msg);
                warn(msg);
            }
        } else {
            topic_read = true;
        }
    }
    const Entries *use = &local;
    if (topic_read && topic.n > local.n) {
        /* The data directory lost commands (or is new): the topic has them. */
        if (warn) {
            char msg[700];
            snprintf(msg, sizeof msg,
                     "the data directory holds %d commands, the command topic %s %d: replaying "
                     "the topic",
                     local.n, l->topic, topic.n);
            warn(msg);
        }
        err_clear(&err);
        if (lmdb_replace(l, &topic, &err) < 0 && warn) warn(err.msg);
        use = &topic;
    } else if (topic_read && topic.n < local.n) {
        /* The topic lost commands (the embedded broker starts empty): refill it. */
        for (int i = topic.n; i < local.n; i++) {
            err_clear(&err);
            if (topic_put(l, (uint64_t)i, local.texts[i], &err) < 0) {
                if (warn) warn(err.msg);
                break;
            }
        }
    }
    int replayed = 0;
    for (int i = 0; i < use->n; i++)
        replay_one(x, use->texts[i], warn, &replayed);
    if (total) *total = use->n;
    entries_free(&local);
    entries_free(&topic);
    return replayed;
}

void command_log_clear(CommandLog *l)
{
    EddyError err;
    err_clear(&err);
    state_store_drop(l->env, STORE_NAME);
    if (state_store_open(l->env, STORE_NAME, &l->store, &err) < 0)
        fprintf(stderr, "eddyd: command log: %s\n", err.msg);
    err_clear(&err);
    if (l->use_topic && topic_put(l, l->next_seq, "{\"clear\":true}", &err) < 0)
        fprintf(stderr, "eddyd: command topic %s: %s\n", l->topic, err.msg);
    l->next_seq = 0;
}
