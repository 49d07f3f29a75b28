/*
 * procs.h - tests that run eddy as users do: eddy-broker and eddyd as processes of
 * their own, talked to over TCP and HTTP. One Procs per test program: a scratch
 * directory (kept when the test fails), the broker's addresses, eddyd's pid and
 * port. Every helper ends the test through procs_die when something it needs does
 * not happen.
 */
#ifndef EDDY_TEST_PROCS_H
#define EDDY_TEST_PROCS_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct Procs {
    const char *name; /* "crash test", ... (in failure messages) */
    char dir[256];    /* scratch directory: logs, data */
    char build[512];  /* where eddyd and eddy-broker are (EDDY_BUILD_DIR) */
    pid_t broker, eddyd;
    char bootstrap[256], control[256];
    int port; /* eddyd's HTTP port */
} Procs;

/* Makes the scratch directory /tmp/eddy-<tag>-XXXXXX. */
void procs_init(Procs *p, const char *name, const char *tag);
/* Prints the failure, kills the processes, keeps the directory, exits 1. */
void procs_die(Procs *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Stops the processes and removes the directory (unless EDDY_TEST_KEEP is set). */
void procs_finish(Procs *p);

/* Starts eddy-broker on free ports; extra is a NULL-ended list of more arguments
 * (or NULL). */
void procs_start_broker(Procs *p, const char *const *extra);
/* One command on the broker's control endpoint; the answer must start with "OK". */
void procs_broker_command(Procs *p, const char *cmd);

/* Starts eddyd on the broker with its data in `data`, its log in
 * <dir>/eddyd.<tag>.log; extra as above. Returns once it listens. */
void procs_start_eddyd(Procs *p, const char *data, const char *tag, const char *const *extra);
/* Sends sig to eddyd and waits for it; SIGTERM must end it with status 0. */
void procs_stop_eddyd(Procs *p, int sig);

/* POSTs {"ksql": sql, "streamsProperties": props (JSON text or NULL)} to eddyd's
 * path. Returns the body (caller frees); the HTTP status in *status (0: no
 * answer). */
char *procs_post(Procs *p, const char *path, const char *sql, const char *props, long *status);

void procs_msleep(int ms);
double procs_now(void); /* monotonic seconds */

#endif
