/*
 * bench_proc.c - spawning and measuring child processes (see bench_proc.h).
 */
#include "bench_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int proc_spawn(const char *const *argv, bool capture, const char *log_path, Proc *p, char *err,
               size_t errsz)
{
    int pipefd[2] = {-1, -1};
    p->pid = -1;
    p->out_fd = -1;
    if (capture && pipe(pipefd) < 0) {
        snprintf(err, errsz, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errsz, "fork: %s", strerror(errno));
        if (capture) {
            close(pipefd[0]);
            close(pipefd[1]);
        }
        return -1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        if (capture) {
            dup2(pipefd[1], 1);
            close(pipefd[0]);
            close(pipefd[1]);
        }
        if (log_path) {
            int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) dup2(fd, 2);
        }
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "eddy-bench: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (capture) {
        close(pipefd[1]);
        p->out_fd = pipefd[0];
    }
    p->pid = pid;
    return 0;
}

char *proc_read_all(Proc *p)
{
    if (p->out_fd < 0) return NULL;
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1024 > cap) buf = realloc(buf, cap *= 2);
        ssize_t n = read(p->out_fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
    }
    buf[len] = 0;
    close(p->out_fd);
    p->out_fd = -1;
    return buf;
}

int proc_wait(Proc *p, int *status, struct rusage *ru)
{
    int st = 0;
    struct rusage r;
    memset(&r, 0, sizeof r);
    pid_t w;
    while ((w = wait4(p->pid, &st, 0, &r)) < 0 && errno == EINTR) {
    }
    if (p->out_fd >= 0) {
        close(p->out_fd);
        p->out_fd = -1;
    }
    if (w < 0) return -1;
    if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (ru) *ru = r;
    return 0;
}

double proc_rusage_cpu(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

int proc_run(const char *const *argv, const char *log_path, char **out, double *cpu_s, long *rss_kb,
             char *err, size_t errsz)
{
    Proc p;
    if (proc_spawn(argv, out != NULL, log_path, &p, err, errsz) < 0) return -1;
    char *text = out ? proc_read_all(&p) : NULL;
    int status;
    struct rusage ru;
    if (proc_wait(&p, &status, &ru) < 0) {
        free(text);
        snprintf(err, errsz, "wait for %s failed", argv[0]);
        return -1;
    }
    if (out) *out = text;
    if (cpu_s) *cpu_s = proc_rusage_cpu(&ru);
    if (rss_kb) *rss_kb = ru.ru_maxrss;
    return status;
}

double proc_cpu_seconds(pid_t pid)
{
    char path[64], buf[2048];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    /* Fields after the command name (which may hold spaces) start after the last ')'. */
    char *s = strrchr(buf, ')');
    if (!s) return -1;
    unsigned long utime = 0, stime = 0;
    /* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (sscanf(s + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
        return -1;
    return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

double proc_cpu_seconds_precise(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d) return -1;
    unsigned long long sum = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char p2[128];
        snprintf(p2, sizeof p2, "/proc/%d/task/%s/schedstat", (int)pid, de->d_name);
        FILE *f = fopen(p2, "r");
        if (!f) continue;
        unsigned long long ns = 0;
        if (fscanf(f, "%llu", &ns) == 1) sum += ns;
        fclose(f);
    }
    closedir(d);
    return (double)sum / 1e9;
}

long proc_status_kb(pid_t pid, const char *field)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kb = -1;
    size_t fl = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, fl) == 0 && line[fl] == ':') {
            kb = strtol(line + fl + 1, NULL, 10);
            break;
        }
    fclose(f);
    return kb;
}
