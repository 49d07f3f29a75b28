#!/usr/bin/env python3
"""shell_e2e.py - the real `eddy` shell against a real eddyd.

Starts build/eddyd (in-memory topics, a free port, a temporary data
directory), then drives build/eddy two ways:

  * scripted: -e, -f and a pipe on stdin, asserting on the printed tables,
    the exit status and the first-error stop;
  * interactive, through a pseudo-terminal (python's pty): the banner, a
    stream created and filled, a push query ending at LIMIT, a push query
    cancelled with Ctrl-C (the shell stays), Tab completion of a stream name,
    a multi-line statement, Ctrl-C dropping a half-typed statement, and the
    history recalled with the up arrow after the shell was restarted.

Exit status 77 (meson's "skipped") when eddyd has not been built.
Standard library only.
"""
import os
import pty
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import fcntl
import termios
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("EDDY_BUILD_DIR") or os.path.join(HERE, "..", "..", "build")
EDDY = os.path.join(BUILD, "eddy")
EDDYD = os.environ.get("EDDY_TEST_EDDYD") or os.path.join(BUILD, "eddyd")

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]|\x07|\r")

failures = []


def check(cond, what, detail=""):
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        if detail:
            print("     " + detail.replace("\n", "\n     "))
        failures.append(what)


# ---------------------------------------------------------------- the server

class Server:
    def __init__(self, tmp):
        self.dir = tmp
        port_file = os.path.join(tmp, "port")
        self.log = open(os.path.join(tmp, "eddyd.log"), "w")
        self.proc = subprocess.Popen(
            [EDDYD, "--listeners", "http://127.0.0.1:0", "--port-file", port_file,
             "--memory", "--state-dir", os.path.join(tmp, "data"), "--quiet"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        port = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with open(port_file) as f:
                    txt = f.read().strip()
                if txt:
                    port = int(txt)
                    break
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        if port is None:
            self.stop()
            with open(os.path.join(tmp, "eddyd.log")) as f:
                sys.exit("eddyd did not start:\n" + f.read())
        self.url = "http://127.0.0.1:%d" % port

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def run(args, stdin=None, env=None, timeout=20):
    p = subprocess.run([EDDY] + args, input=stdin, capture_output=True, text=True,
                       env=env, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


# ---------------------------------------------------------------- a terminal

class Term:
    """The shell on a pseudo-terminal, with expect-style reading."""

    def __init__(self, args, env, cols=120, rows=40):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(EDDY, [EDDY] + args, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.buf = ""

    def read_some(self, timeout):
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        self.buf += data.decode("utf-8", "replace")
        return True

    def text(self):
        return ANSI.sub("", self.buf)

    def expect(self, pattern, timeout=10):
        """Waits until pattern (a regex) appears in the output since the last
        match; returns the text up to and including it, or None."""
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            t = self.text()
            m = rx.search(t)
            if m:
                # drop what was matched from the buffer (keep the raw tail)
                self.buf = t[m.end():]
                return t[:m.end()]
            left = deadline - time.time()
            if left <= 0:
                return None
            self.read_some(min(left, 0.2))

    def send(self, s):
        os.write(self.fd, s.encode())

    def line(self, s):
        self.send(s + "\r")

    def close(self):
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)

    def wait_exit(self, timeout=5):
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.read_some(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
        return None


# ---------------------------------------------------------------- tests

def scripted_tests(url, tmp, env):
    # -e: DDL, INSERT, SHOW, a pull query over a stream
    rc, out, err = run([url, "-e",
                        "CREATE STREAM pageviews (id INT KEY, page STRING, secs INT) "
                        "WITH (kafka_topic='pageviews', value_format='JSON', partitions=1);"
                        "SHOW STREAMS;"], env=env)
    check(rc == 0, "-e exits 0", err)
    check(re.search(r" Message\n-+\n Stream created\n-+\n", out) is not None,
          "-e prints a Message table for CREATE STREAM", out)
    check(re.search(r" Stream Name +\| Kafka Topic +\| Key Format +\| Value Format +\| Windowed\n"
                    r"-+\n(.*\n)* PAGEVIEWS +\| pageviews +\| KAFKA +\| JSON +\| false\n", out)
          is not None, "-e prints SHOW STREAMS as a table", out)

    script = os.path.join(tmp, "inserts.sql")
    with open(script, "w") as f:
        f.write("-- rows for the tour\n"
                "INSERT INTO pageviews (id, page, secs) VALUES (1, 'home', 5);\n"
                "INSERT INTO pageviews (id, page, secs)\n  VALUES (2, 'docs', 30);\n"
                "INSERT INTO pageviews (id, page, secs) VALUES (3, 'it''s', 12)\n")
    rc, out, err = run([url, "-f", script], env=env)
    check(rc == 0, "-f runs a script (last ';' optional)", err + out)

    rc, out, err = run([url, "--define", "who=2", "-e",
                        "SELECT id, page FROM pageviews WHERE id = ${who};"], env=env)
    check(rc == 0 and re.search(r"\|ID *\|PAGE *\|\n\+-+\+-+\+\n\|2 *\|docs *\|\n", out)
          is not None and "(1 row)" in out,
          "--define and ${var}: a pull query prints a grid and the row count", out + err)

    rc, out, err = run([url, "-e", "SELECT * FROM pageviews;"], env=env)
    check(rc == 0 and "(3 rows)" in out and "it's" in out, "pull query over 3 rows", out + err)

    # stdin, JSON output and vertical records
    rc, out, err = run([url, "--output", "json"],
                       stdin="SELECT id, page FROM pageviews WHERE id = 1;\n", env=env)
    check(rc == 0 and '{"ID":1,"PAGE":"home"}' in out and "eddy>" not in out,
          "stdin: no prompt, JSON rows", out + err)
    rc, out, err = run([url], stdin="SELECT id, page FROM pageviews WHERE id = 1\\G\n", env=env)
    check(rc == 0 and re.search(r"-\[ RECORD 1 \]-+\nID +\| 1\nPAGE +\| home\n", out) is not None,
          "\\G prints vertical records", out + err)

    # push query from the beginning, ended by LIMIT
    rc, out, err = run([url, "-e", "SET 'auto.offset.reset'='earliest';"
                        "SELECT id, page FROM pageviews EMIT CHANGES LIMIT 2;"], env=env)
    check(rc == 0 and "Successfully changed local property 'auto.offset.reset'" in out
          and "Limit Reached" in out and out.count("\n|") >= 3,
          "SET is sent with later requests; push query stops at LIMIT", out + err)

    # the first error stops the run, with the server's message and position
    rc, out, err = run([url, "-e", "SHOW STREAMS; SELEC * FROM pageviews; SHOW TABLES;"], env=env)
    check(rc == 1, "-e: an error exits 1", "rc=%d" % rc)
    check("Syntax Error" in err and "Statement:" in err and "^" in err,
          "-e: syntax error with position and caret", err)
    check("Stream Name" in out and "Table Name" not in out, "-e: stops at the first error", out)
    rc, out, err = run([url], stdin="DESCRIBE nosuchstream;\nSHOW STREAMS;\n", env=env)
    check(rc == 1 and "Stream Name" not in out and err.strip() != "",
          "stdin: stops at the first error, exit 1", out + err)

    # DEFINE / SHOW VARIABLES / UNDEFINE, RUN SCRIPT, SPOOL, local commands
    inner = os.path.join(tmp, "inner.sql")
    with open(inner, "w") as f:
        f.write("DEFINE topic = 'pageviews';\nSHOW VARIABLES;\n")
    spool = os.path.join(tmp, "spool.txt")
    rc, out, err = run([url], stdin="spool %s\nRUN SCRIPT '%s';\nUNDEFINE topic;\n"
                       "SHOW VARIABLES;\nspool off\nversion\noutput\n" % (spool, inner), env=env)
    check(rc == 0 and re.search(r" Variable Name \| Value\n-+\n topic +\| pageviews\n", out)
          is not None, "RUN SCRIPT with DEFINE and SHOW VARIABLES", out + err)
    check("CLI v" in out and "Output format: TABULAR" in out, "version and output commands", out)
    with open(spool) as f:
        spooled = f.read()
    check("topic" in spooled and "Variable Name" in spooled, "spool copies results", spooled)

    # an unreachable server is a clear message, not a crash
    rc, out, err = run(["http://127.0.0.1:9", "-e", "SHOW STREAMS;"], env=env)
    check(rc == 1 and "Could not reach the server at http://127.0.0.1:9" in err,
          "unreachable server: clear message", err)


def interactive_tests(url, tmp, env):
    t = Term([url], env)
    try:
        banner = t.expect(r"eddy> ")
        check(banner is not None and "CLI v" in banner and "Server v" in banner
              and url in banner, "banner with client and server versions", t.text())

        # a multi-line statement with the continuation prompt
        t.line("CREATE STREAM clicks (user_id STRING KEY, url STRING)")
        check(t.expect(r"   -> ") is not None, "continuation prompt", t.text())
        t.line("  WITH (kafka_topic='clicks', value_format='JSON', partitions=1);")
        check(t.expect(r"Stream created") is not None, "multi-line CREATE STREAM", t.text())
        t.expect(r"eddy> ")
        for i, (u, page) in enumerate([("ann", "/a"), ("bob", "/b"), ("cid", "/c")]):
            t.line("INSERT INTO clicks (user_id, url) VALUES ('%s', '%s');" % (u, page))
            t.expect(r"eddy> ")

        # push query that ends at LIMIT
        t.line("SET 'auto.offset.reset'='earliest';")
        t.expect(r"eddy> ")
        t.line("SELECT user_id, url FROM clicks EMIT CHANGES LIMIT 3;")
        out = t.expect(r"Limit Reached", timeout=15)
        check(out is not None and "|USER_ID" in out and "|cid" in out,
              "push query streams rows until LIMIT", t.text())
        t.expect(r"eddy> ")

        # push query cancelled with Ctrl-C: the shell stays
        t.line("SELECT * FROM clicks EMIT CHANGES;")
        got = t.expect(r"\|bob", timeout=15)
        check(got is not None, "push query without LIMIT streams", t.text())
        time.sleep(0.3)
        t.send("\x03")
        out = t.expect(r"Query terminated[\s\S]*eddy> ", timeout=10)
        check(out is not None, "Ctrl-C cancels the push query and returns to the prompt",
              t.text())
        t.line("version")
        check(t.expect(r"CLI v\S+, Server v") is not None, "the shell survives Ctrl-C", t.text())
        t.expect(r"eddy> ")

        # Ctrl-C drops a half-typed statement
        t.line("SELECT * FROM")
        t.expect(r"   -> ")
        t.send("\x03")
        check(t.expect(r"eddy> ") is not None, "Ctrl-C drops the pending statement", t.text())

        # Tab completes a stream name fetched from the server
        t.send("DESCRIBE CLI\t")
        time.sleep(0.5)
        t.send(";\r")
        out = t.expect(r"Name +: CLICKS[\s\S]*eddy> ")
        check(out is not None and "USER_ID" in out, "Tab completes a stream name", t.text())

        # an error shows the server's message and the shell goes on
        t.line("DESCRIBE nosuch;")
        out = t.expect(r"eddy> ")
        check(out is not None and "NOSUCH" in out.upper() and "Exception" not in out,
              "errors show the server's message", out or t.text())

        # a result wider than the terminal turns into vertical records
        fcntl.ioctl(t.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 10, 0, 0))
        t.line("SELECT * FROM clicks WHERE user_id = 'ann';")
        out = t.expect(r"\(1 row\)")
        check(out is not None and "-[ RECORD 1 ]" in out and re.search(r"URL +\| /a", out),
              "rows wider than the terminal are shown vertically", t.text())
        fcntl.ioctl(t.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        t.expect(r"eddy> ")

        t.line("history")
        out = t.expect(r"eddy> ")
        check(out is not None and "DESCRIBE CLICKS" in out, "history lists the session", out)
        t.line("exit")
        code = t.wait_exit()
        check(code == 0, "exit leaves with status 0", "code=%r" % code)
    finally:
        if t.fd:
            try:
                t.close()
            except OSError:
                pass

    # a new shell recalls the history of the previous one
    t = Term([url], env)
    try:
        t.expect(r"eddy> ")
        t.send("\x1b[A")  # up: the last entry ("history")
        time.sleep(0.3)
        t.send("\x1b[A")  # again: the pull query before it
        time.sleep(0.3)
        t.send("\r")
        out = t.expect(r"\(1 row\)\n[\s\S]*eddy> ", timeout=10)
        check(out is not None and "user_id = 'ann'" in out and "/a" in out,
              "history is recalled after a restart", t.text())
        hist = os.path.join(env["HOME"], ".eddy_history")
        check(os.path.exists(hist), "the history file is in the home directory")
        # libedit prints the prompt a moment before it puts the terminal in raw
        # mode; a ^D arriving in that window is the line discipline's EOF, not a
        # key. A person never types that fast; the test waits as one would.
        time.sleep(0.2)
        t.send("\x04")  # Ctrl-D
        code = t.wait_exit()
        check(code == 0, "Ctrl-D leaves", "code=%r" % code)
    finally:
        try:
            t.close()
        except OSError:
            pass


class AuthStub(BaseHTTPRequestHandler):
    """A server that wants basic auth (eddyd's auth is not what is tested
    here: this checks what the shell sends and how it shows a 401)."""
    seen = []

    def log_message(self, *args):
        pass

    def reply(self, code, body):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        auth = self.headers.get("Authorization", "")
        AuthStub.seen.append(auth)
        if auth == "Basic YWxpY2U6c2VjcmV0":  # alice:secret
            self.reply(200, "[]")
        else:
            self.reply(401, '{"@type":"generic_error","error_code":40100,'
                            '"message":"Unauthorized"}')

    do_GET = do_POST


def unreachable_tests(url, env):
    """Started against a dead address, the shell says so, stays, and moves to
    a live server with `server <url>`."""
    t = Term(["http://127.0.0.1:9"], env)
    try:
        out = t.expect(r"eddy> ")
        check(out is not None and "Could not reach the server at http://127.0.0.1:9" in out,
              "banner: a clear message when the server cannot be reached", t.text())
        t.line("SHOW STREAMS;")
        out = t.expect(r"eddy> ")
        check(out is not None and "Could not reach" in out, "it tries again per statement",
              t.text())
        t.line("server " + url)
        out = t.expect(r"eddy> ")
        check(out is not None and "Server now: " + url in out, "server <url> switches", t.text())
        t.line("SHOW STREAMS;")
        out = t.expect(r"eddy> ")
        check(out is not None and "CLICKS" in out, "statements reach the new server", t.text())
        t.line("exit")
        t.wait_exit()
    finally:
        try:
            t.close()
        except OSError:
            pass


def auth_tests(env):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), AuthStub)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d" % srv.server_address[1]
    try:
        rc, out, err = run([url, "-u", "alice", "-p", "secret", "-e", "SHOW STREAMS;"], env=env)
        check(rc == 0 and "Basic YWxpY2U6c2VjcmV0" in AuthStub.seen, "-u/-p send basic auth",
              repr(AuthStub.seen) + err)
        rc, out, err = run([url, "-u", "alice", "-p", "wrong", "-e", "SHOW STREAMS;"], env=env)
        check(rc == 1 and "Unauthorized" in err, "a 401 shows the server's message", err)
        # without -p the password is asked for on the terminal, not echoed
        AuthStub.seen.clear()
        t = Term([url, "-u", "alice", "-e", "SHOW STREAMS;"], env)
        check(t.expect(r"Enter password: ") is not None, "-u alone asks for the password",
              t.text())
        t.send("secret\r")
        code = t.wait_exit()
        check(code == 0 and "Basic YWxpY2U6c2VjcmV0" in AuthStub.seen and "secret" not in t.text(),
              "the typed password is used and not echoed", t.text())
    finally:
        srv.shutdown()


def main():
    if not os.path.exists(EDDY):
        sys.exit("no shell at " + EDDY)
    if not os.path.exists(EDDYD):
        print("eddyd is not built (%s): skipping" % EDDYD)
        return 77
    tmp = tempfile.mkdtemp(prefix="eddy-shell-")
    server = Server(tmp)
    home = os.path.join(tmp, "home")
    os.makedirs(home)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "TERM": "xterm",
           "LANG": "C.UTF-8",
           "LSAN_OPTIONS": "suppressions=" + os.path.join(HERE, "lsan.supp")}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    try:
        scripted_tests(server.url, tmp, env)
        interactive_tests(server.url, tmp, env)
        unreachable_tests(server.url, env)
        auth_tests(env)
    finally:
        server.stop()
        if not failures:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept " + tmp)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
