#!/usr/bin/env python3
"""Push-query fan-out: C concurrent /query-stream push queries on one stream,
R rows inserted; reports how long until every client had every row."""
import json, socket, sys, threading, time, urllib.request
port, clients, rows = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
body = json.dumps({"sql": "SELECT * FROM FAN EMIT CHANGES LIMIT %d;" % rows}).encode()
done, got, started = [], [0] * clients, threading.Barrier(clients + 1)

def client(i):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"POST /query-stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    buf = b""
    while b"columnNames" not in buf:
        buf += s.recv(65536)
    started.wait()
    while True:
        d = s.recv(1 << 20)
        if not d:
            break
        buf += d
    n = buf.count(b"]\n")
    got[i] = n
    done.append(time.time())
    s.close()

ts = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
for t in ts: t.start()
started.wait()
t0 = time.time()
step = 5000
for a in range(0, rows, step):
    lines = "".join(json.dumps({"K": k, "V": k}) + "\n" for k in range(a, min(rows, a + step)))
    req = urllib.request.Request(f"http://127.0.0.1:{port}/inserts-stream",
                                 data=(json.dumps({"target": "FAN"}) + "\n" + lines).encode(), method="POST")
    urllib.request.urlopen(req, timeout=600).read()
t_ins = time.time() - t0
for t in ts: t.join(timeout=120)
ok = sum(1 for g in got if g >= rows)
print("fanout clients=%d rows=%d inserted_in=%.2fs all_delivered_in=%.2fs complete_clients=%d rows_delivered=%d"
      % (clients, rows, t_ins, (max(done) - t0) if done else -1, ok, sum(got)))
