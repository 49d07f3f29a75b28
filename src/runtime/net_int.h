/*
 * net_int.h - small TCP helpers shared by the embedded broker (forwarder, control
 * endpoint) and the topic-admin client of a remote eddy-broker. Internal to
 * src/runtime.
 */
#ifndef EDDY_NET_INT_H
#define EDDY_NET_INT_H

#include <stddef.h>

#include "../common/error.h"

/* Splits "HOST:PORT" or "[V6HOST]:PORT" into host and port. Returns 0, or ERR_IO
 * with a message when the form is wrong or a part does not fit. */
int net_split_hostport(const char *addr, char *host, size_t hostsz, char *port, size_t portsz,
                       EddyError *err);

/* Opens a non-blocking listening TCP socket on addr (port 0 picks a free port) and
 * writes the bound "HOST:PORT" into bound. Returns the fd, or ERR_IO with a message
 * naming `what` (e.g. "bootstrap address 127.0.0.1:9092 is in use"). */
int net_listen(const char *addr, const char *what, char *bound, size_t boundsz, EddyError *err);

/* Connects to addr within timeout_ms (blocking socket returned, with send/receive
 * timeouts of timeout_ms set). Returns the fd or ERR_IO. */
int net_connect(const char *addr, int timeout_ms, EddyError *err);

/* Sets O_NONBLOCK on fd. Returns 0 or -1. */
int net_set_nonblocking(int fd);

#endif
