/*
 * net.c - TCP listen/connect helpers for the embedded broker and its clients
 * (see net_int.h). Addresses are "HOST:PORT" resolved with getaddrinfo, so names,
 * IPv4 and bracketed IPv6 literals all work.
 */
#include "net_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int net_split_hostport(const char *addr, char *host, size_t hostsz, char *port, size_t portsz,
                       EddyError *err)
{
    if (!addr || !*addr) return err_set(err, ERR_IO, -1, "empty address (expected HOST:PORT)");
    const char *h = addr, *colon;
    size_t hlen;
    if (addr[0] == '[') {
        const char *close = strchr(addr, ']');
        if (!close || close[1] != ':')
            return err_set(err, ERR_IO, -1, "bad address '%s' (expected [HOST]:PORT)", addr);
        h = addr + 1;
        hlen = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(addr, ':');
        if (!colon) return err_set(err, ERR_IO, -1, "bad address '%s' (expected HOST:PORT)", addr);
        hlen = (size_t)(colon - addr);
    }
    const char *p = colon + 1;
    size_t plen = strlen(p);
    if (hlen == 0 || plen == 0 || hlen >= hostsz || plen >= portsz ||
        strspn(p, "0123456789") != plen)
        return err_set(err, ERR_IO, -1, "bad address '%s' (expected HOST:PORT)", addr);
    memcpy(host, h, hlen);
    host[hlen] = 0;
    memcpy(port, p, plen + 1);
    return 0;
}

int net_set_nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0) return -1;
    return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static struct addrinfo *resolve(const char *addr, int passive, EddyError *err)
{
    char host[256], port[16];
    if (net_split_hostport(addr, host, sizeof host, port, sizeof port, err) < 0) return NULL;
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = passive ? AI_PASSIVE : 0;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        err_set(err, ERR_IO, -1, "cannot resolve '%s': %s", addr, gai_strerror(rc));
        return NULL;
    }
    return res;
}

static void format_sockaddr(const struct sockaddr *sa, char *out, size_t outsz)
{
    char host[INET6_ADDRSTRLEN] = "?", port[16] = "0";
    getnameinfo(
        sa, sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
        host, sizeof host, port, sizeof port, NI_NUMERICHOST | NI_NUMERICSERV);
    if (sa->sa_family == AF_INET6)
        snprintf(out, outsz, "[%s]:%s", host, port);
    else
        snprintf(out, outsz, "%s:%s", host, port);
}

int net_listen(const char *addr, const char *what, char *bound, size_t boundsz, EddyError *err)
{
    struct addrinfo *res = resolve(addr, 1, err);
    if (!res) return ERR_IO;
    int fd = -1, last_errno = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0) break;
        last_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (last_errno == EADDRINUSE)
            return err_set(err, ERR_IO, -1,
                           "%s %s is in use (another broker or Kafka running? choose another "
                           "port, or port 0 for a free one)",
                           what, addr);
        return err_set(err, ERR_IO, -1, "cannot listen on %s %s: %s", what, addr,
                       strerror(last_errno));
    }
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0 || net_set_nonblocking(fd) < 0) {
        int e = errno;
        close(fd);
        return err_set(err, ERR_IO, -1, "cannot set up %s %s: %s", what, addr, strerror(e));
    }
    format_sockaddr((struct sockaddr *)&ss, bound, boundsz);
    return fd;
}

int net_connect(const char *addr, int timeout_ms, EddyError *err)
{
    struct addrinfo *res = resolve(addr, 0, err);
    if (!res) return ERR_IO;
    int fd = -1, last_errno = ECONNREFUSED;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        net_set_nonblocking(fd);
        int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc < 0 && errno == EINPROGRESS) {
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};
            rc = poll(&pfd, 1, timeout_ms);
            if (rc == 0) {
                last_errno = ETIMEDOUT;
                rc = -1;
            } else if (rc > 0) {
                int so = 0;
                socklen_t sl = sizeof so;
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl);
                if (so) {
                    last_errno = so;
                    rc = -1;
                } else {
                    rc = 0;
                }
            } else {
                last_errno = errno;
            }
        } else if (rc < 0) {
            last_errno = errno;
        }
        if (rc == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return err_set(err, ERR_IO, -1, "cannot connect to %s: %s", addr, strerror(last_errno));
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}
