/*
 * command_log.c - the command log (see command_log.h).
 *
 * Entries are appended in the executor's thread while it holds the engine lock,
 * so the log's order is the order statements took effect. Each append is its
 * own LMDB write transaction, committed (and synced) before the client hears
 * that the statement succeeded: a SIGKILL right after a 200 loses nothing.
 */
#include "command_log.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/arena.h"
#include "../runtime/rowcodec.h"
#include "../runtime/state.h"

#define STORE_NAME "_eddy_commands"

struct CommandLog {
    Engine *engine;
    StateEnv *env;
    StateStore store;
    uint64_t next_seq;
    char topic[512];
};

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
    for (int i = 0; i < 8; i++) v = (v << 8) | b[i];
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
    StateTxn *txn;
    if (state_txn_begin(l->env, true, &txn, &err) == 0) {
        char key[8];
        put_be64(key, l->next_seq);
        state_put(txn, l->store, key, 8, text, strlen(text));
        if (state_txn_commit(txn, &err) == 0) l->next_seq++;
    }
    if (err.code) fprintf(stderr, "eddyd: command log: %s\n", err.msg);
    free(text);
}

long command_log_size(CommandLog *l)
{
    return (long)l->next_seq;
}

int command_log_replay(CommandLog *l, Executor *x, void (*warn)(const char *msg))
{
    /* Read everything first: replaying writes state in the same environment. */
    EddyError err;
    err_clear(&err);
    StateTxn *txn;
    if (state_txn_begin(l->env, false, &txn, &err) < 0) {
        if (warn) warn(err.msg);
        return 0;
    }
    char **texts = NULL;
    int n = 0, cap = 0;
    StateIter *it;
    if (state_iter_open(txn, l->store, NULL, 0, &it) == 0) {
        const void *k, *v;
        size_t kl, vl;
        while (state_iter_next(it, &k, &kl, &v, &vl) == 0) {
            if (n == cap) {
                cap = cap ? cap * 2 : 32;
                texts = xrealloc(texts, sizeof(char *) * (size_t)cap);
            }
            char *t = xmalloc(vl + 1);
            memcpy(t, v, vl);
            t[vl] = 0;
            texts[n++] = t;
        }
        state_iter_close(it);
    }
    state_txn_abort(txn);
    int replayed = 0;
    for (int i = 0; i < n; i++) {
        json_error_t je;
        json_t *o = json_loads(texts[i], 0, &je);
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
                    snprintf(msg, sizeof msg, "command log: could not replay `%s`: %s", stmt, xe.message);
                    warn(msg);
                }
            } else {
                replayed++;
            }
            exec_error_clear(&xe);
            json_decref(ents);
            props_free(&props);
        }
        json_decref(o);
        free(texts[i]);
    }
    free(texts);
    return replayed;
}

void command_log_clear(CommandLog *l)
{
    EddyError err;
    err_clear(&err);
    state_store_drop(l->env, STORE_NAME);
    if (state_store_open(l->env, STORE_NAME, &l->store, &err) < 0)
        fprintf(stderr, "eddyd: command log: %s\n", err.msg);
    l->next_seq = 0;
}
