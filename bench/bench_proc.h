/*
 * bench_proc.h - child processes of the benchmark and what /proc says about them:
 * spawning with captured stdout, waiting with resource usage, CPU time and memory
 * of a running process.
 */
#ifndef EDDY_BENCH_PROC_H
#define EDDY_BENCH_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

typedef struct Proc {
    pid_t pid;
    int out_fd; /* read end of the child's stdout, or -1 when not captured */
} Proc;

/* Starts argv[0] (a path) with stdin from /dev/null, stdout captured (when
 * capture) and stderr appended to log_path (NULL: inherited). Returns 0 or -1 with
 * err filled. */
int proc_spawn(const char *const *argv, bool capture, const char *log_path, Proc *p, char *err,
               size_t errsz);

/* Reads the captured stdout to EOF (malloc'd, NUL-terminated; NULL when not
 * captured). */
char *proc_read_all(Proc *p);

/* Waits for the child; fills its exit status and resource usage (CPU time, peak
 * RSS). Returns 0 or -1. */
int proc_wait(Proc *p, int *status, struct rusage *ru);

/* Runs argv to completion: its stdout (malloc'd) in *out, CPU seconds (user +
 * system) in *cpu_s, peak RSS in *rss_kb. Returns the exit status, or -1. */
int proc_run(const char *const *argv, const char *log_path, char **out, double *cpu_s, long *rss_kb,
             char *err, size_t errsz);

/* CPU seconds (user + system, every thread, exited ones included) of a running
 * process, from /proc/PID/stat; -1 when unreadable. */
double proc_cpu_seconds(pid_t pid);

/* CPU seconds of a running process summed over its live threads from
 * /proc/PID/task/TID/schedstat (nanosecond resolution, unlike the 10 ms ticks of
 * /proc/PID/stat; threads that exited are not counted); -1 when unreadable. */
double proc_cpu_seconds_precise(pid_t pid);

/* A memory figure of /proc/PID/status ("VmRSS", "VmHWM") in kB; -1 when unreadable. */
long proc_status_kb(pid_t pid, const char *field);

/* Seconds of CPU in a struct rusage. */
double proc_rusage_cpu(const struct rusage *ru);

#endif
