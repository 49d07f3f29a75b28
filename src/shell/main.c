/*
 * main.c - `eddy`, the interactive shell: command-line options, signals, and
 * the choice between an interactive session and a scripted run.
 *
 *   eddy [http://host:8088] [-u user [-p password]] [-e "stmts;"] [-f file.sql]
 *        [--define name=value]... [--output tabular|json|vertical]
 *
 * With -e or -f (or when stdin is not a terminal) the shell runs the statements
 * without prompts or colour and stops at the first error with exit status 1.
 * Otherwise it greets the user and reads lines with libedit until exit or
 * Ctrl-D. SIGINT only raises a flag: it cancels a running query or drops the
 * line being typed, never the shell.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "shell.h"

static volatile sig_atomic_t *sigint_flag;

static void on_sigint(int sig)
{
    (void)sig;
    if (sigint_flag) *sigint_flag = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: eddy [<server-url>] [options]\n"
            "\n"
            "The interactive shell of eddy (a REST client of eddyd, like ksqlDB's CLI).\n"
            "The server defaults to %s.\n"
            "\n"
            "  -u, --user <user>          basic authentication user\n"
            "  -p, --password <password>  its password (asked for when -u is given alone)\n"
            "  -e, --execute <sql>        run these statements and exit\n"
            "  -f, --file <file>          run the statements of a file and exit\n"
            "      --define <name=value>  define a variable for ${name} (repeatable)\n"
            "      --output <format>      tabular (default), json or vertical\n"
            "      --history-file <file>  where the history is kept (default ~/.eddy_history)\n"
            "  -V, --version              print the version and exit\n"
            "  -h, --help                 this text\n",
            SHELL_DEFAULT_URL);
}

/* Reads a password from the terminal without echo; NULL when there is none. */
static char *ask_password(void)
{
    FILE *tty = fopen("/dev/tty", "r+");
    if (!tty) return NULL;
    struct termios old, quiet;
    int fd = fileno(tty);
    bool restore = tcgetattr(fd, &old) == 0;
    if (restore) { /* echo off before the prompt, so nothing typed shows */
        quiet = old;
        quiet.c_lflag &= (tcflag_t)~ECHO;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    fputs("Enter password: ", tty);
    fflush(tty);
    char buf[512];
    char *pw = NULL;
    if (fgets(buf, sizeof buf, tty)) {
        buf[strcspn(buf, "\r\n")] = 0;
        pw = strdup(buf);
    }
    if (restore) tcsetattr(fd, TCSAFLUSH, &old);
    fputc('\n', tty);
    fclose(tty);
    return pw;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    StrBuf sb = STRBUF_INIT;
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_append(&sb, buf, n);
    fclose(f);
    sb_puts(&sb, "");
    return sb_steal(&sb);
}

int main(int argc, char **argv)
{
    enum { OPT_DEFINE = 1000, OPT_OUTPUT, OPT_HISTORY };
    static const struct option opts[] = {
        {"user", required_argument, NULL, 'u'},
        {"password", required_argument, NULL, 'p'},
        {"execute", required_argument, NULL, 'e'},
        {"file", required_argument, NULL, 'f'},
        {"define", required_argument, NULL, OPT_DEFINE},
        {"output", required_argument, NULL, OPT_OUTPUT},
        {"history-file", required_argument, NULL, OPT_HISTORY},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *user = NULL, *execute = NULL, *file = NULL, *history = NULL;
    char *password = NULL;
    const char **defines = calloc((size_t)argc + 1, sizeof(char *));
    int ndefines = 0;
    OutputFormat format = OUT_TABULAR;
    int c;
    while ((c = getopt_long(argc, argv, "u:p:e:f:Vh", opts, NULL)) != -1) {
        switch (c) {
        case 'u': user = optarg; break;
        case 'p':
            free(password);
            password = strdup(optarg);
            break;
        case 'e': execute = optarg; break;
        case 'f': file = optarg; break;
        case OPT_DEFINE:
            if (!strchr(optarg, '=')) {
                fprintf(stderr, "eddy: --define wants name=value, not '%s'\n", optarg);
                return 2;
            }
            defines[ndefines++] = optarg;
            break;
        case OPT_OUTPUT:
            if (!render_parse_format(optarg, &format)) {
                fprintf(stderr, "eddy: unknown output format '%s' (tabular, json, vertical)\n",
                        optarg);
                return 2;
            }
            break;
        case OPT_HISTORY: history = optarg; break;
        case 'V': printf("eddy %s\n", SHELL_VERSION); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    const char *url = getenv("EDDY_URL") ? getenv("EDDY_URL") : SHELL_DEFAULT_URL;
    if (optind < argc) url = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "eddy: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    if (user && !password) password = ask_password();

    bool scripted = execute || file || !isatty(STDIN_FILENO);
    char histbuf[4096];
    if (!history) {
        const char *home = getenv("HOME");
        if (home && *home) {
            snprintf(histbuf, sizeof histbuf, "%s/.eddy_history", home);
            history = histbuf;
        }
    }
    ShellConfig cfg = {
        .url = url,
        .user = user,
        .password = password,
        .format = format,
        .interactive = !scripted,
        .color = !scripted && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO) && !getenv("NO_COLOR"),
        .history_path = history && *history ? history : NULL,
        .out = stdout,
        .err = stderr,
    };
    Shell *s = shell_new(&cfg);
    if (!s) {
        fprintf(stderr, "eddy: cannot start the HTTP client (libcurl)\n");
        return 1;
    }
    for (int i = 0; i < ndefines; i++) {
        char *d = strdup(defines[i]);
        char *eq = strchr(d, '=');
        *eq = 0;
        shell_define(s, d, eq + 1);
        free(d);
    }
    free(defines);

    sigint_flag = shell_sigint_flag(s);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocked read must return */
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int status = 0;
    if (scripted) {
        int rc = 0;
        if (file) {
            char *text = read_file(file);
            if (!text) {
                fprintf(stderr, "eddy: cannot read %s\n", file);
                rc = -1;
            } else {
                rc = shell_run_text(s, text);
                free(text);
            }
        }
        if (rc == 0 && execute) rc = shell_run_text(s, execute);
        if (rc == 0 && !file && !execute) rc = shell_run_file(s, stdin);
        status = rc < 0 ? 1 : 0;
    } else {
        shell_connect(s, true);
        status = shell_interactive(s);
    }
    shell_free(s);
    free(password);
    return status;
}
