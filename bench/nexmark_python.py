#!/usr/bin/python3
"""The hand-written alternative: a Python consumer/producer loop doing what one
benchmark query does (bench/sql/qN.sql), with Debian's python3-confluent-kafka.

Reads the first --max records of the query's topics (--topic, comma-separated;
every partition, from the beginning, no consumer group), decodes each JSON value,
filters, projects, aggregates or joins like the query (state in dicts; windowed
aggregations emit each window once when it closes, as EMIT FINAL does) and produces the results to
--out-topic. A record's kind (bid, auction, person) is told by its topic's name.
Prints one JSON line: {"records": N, "outputs": M, "seconds": S}, S timed from the
first record received to the last output flushed. --query may name several queries
(q0,q5: each record goes through all of them, outputs to OUT_TOPIC_q0, ...); the
benchmark's smoke mode uses that to check every query in one process.

Run it with /usr/bin/python3 (Debian's python, which sees python3-confluent-kafka).
"""
import argparse
import json
import struct
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

HOP_SIZE, HOP_ADVANCE, TUMBLE_SIZE = 10000, 2000, 10000


class Sink:
    def __init__(self, producer, topic):
        self.p, self.topic, self.count = producer, topic, 0

    def send(self, key, value, ts):
        while True:
            try:
                self.p.produce(self.topic, value, key, timestamp=ts)
                break
            except BufferError:
                self.p.poll(0.01)
        self.count += 1


def kind(m):
    t = m.topic()
    return "person" if t.startswith("person") else "auction" if t.startswith("auction") else "bid"


def bids_only(fn):
    def f(m, v, sink, state):
        if kind(m) == "bid":
            fn(m, v, sink, state)
    return f


def q3(m, v, sink, state):
    """Auctions of category 10 joined with their seller in OR, ID or CA."""
    k = kind(m)
    if k == "person":
        state[v["id"]] = v
    elif k == "auction" and v["category"] == 10:
        p = state.get(v["seller"])
        if p is not None and p["state"] in ("OR", "ID", "CA"):
            out = {"NAME": p["name"], "CITY": p["city"], "STATE": p["state"], "AUCTION": v["id"]}
            sink.send(struct.pack(">q", v["seller"]), json.dumps(out), m.timestamp()[1])


def q8(m, v, sink, state):
    """Persons and the auctions they sell within 10 s of each other (both ways)."""
    k = kind(m)
    if k == "bid":
        return
    ts = m.timestamp()[1]
    persons = state.setdefault("p", {})
    auctions = state.setdefault("a", {})
    if k == "person":
        pid = v["id"]
        persons.setdefault(pid, []).append((ts, v))
        for ats, a in auctions.get(pid, ()):
            if abs(ats - ts) <= 10000:
                out = {"NAME": v["name"], "AUCTION": a["id"], "CREATED": a["dateTime"]}
                sink.send(struct.pack(">q", pid), json.dumps(out), max(ts, ats))
    else:
        pid = v["seller"]
        auctions.setdefault(pid, []).append((ts, v))
        for pts, p in persons.get(pid, ()):
            if abs(pts - ts) <= 10000:
                out = {"NAME": p["name"], "AUCTION": v["id"], "CREATED": v["dateTime"]}
                sink.send(struct.pack(">q", pid), json.dumps(out), max(ts, pts))


def q0(m, v, sink, state):
    sink.send(m.key(), json.dumps(v), m.timestamp()[1])


def q1(m, v, sink, state):
    out = {"auction": v["auction"], "bidder": v["bidder"], "price": 0.908 * v["price"],
           "dateTime": v["dateTime"], "extra": v["extra"]}
    sink.send(m.key(), json.dumps(out), m.timestamp()[1])


def q2(m, v, sink, state):
    if v["auction"] % 123 == 0:
        sink.send(m.key(), json.dumps({"auction": v["auction"], "price": v["price"]}),
                  m.timestamp()[1])


def q22(m, v, sink, state):
    parts = v["url"].split("/")
    out = {"auction": v["auction"], "bidder": v["bidder"], "price": v["price"],
           "channel": v["channel"], "dir1": parts[3], "dir2": parts[4], "dir3": parts[5]}
    sink.send(m.key(), json.dumps(out), m.timestamp()[1])


def close_windows(m, state, ts, size, step, name, sink):
    """EMIT FINAL: the partition's stream time is its highest timestamp; when it
    crosses a window boundary, the windows that ended are emitted once and dropped.
    Returns the partition's open windows."""
    part = m.partition()
    prev = state.get(("st", part))
    st = ts if prev is None or ts > prev else prev
    state[("st", part)] = st
    windows = state.setdefault(("w", part), {})
    if prev is not None and prev // step != st // step:
        for k in [k for k in windows if k[1] + size <= st]:
            sink.send(struct.pack(">qq", *k), json.dumps({name: windows.pop(k)}), st)
    return windows, st


def q5(m, v, sink, state):
    ts = m.timestamp()[1]
    windows, st = close_windows(m, state, ts, HOP_SIZE, HOP_ADVANCE, "NUM", sink)
    auction = v["auction"]
    last = ts // HOP_ADVANCE * HOP_ADVANCE
    ws = last - HOP_SIZE + HOP_ADVANCE
    while ws <= last:
        if ws >= 0 and ws + HOP_SIZE > st:
            k = (auction, ws)
            windows[k] = windows.get(k, 0) + 1
        ws += HOP_ADVANCE


def q7(m, v, sink, state):
    ts = m.timestamp()[1]
    windows, st = close_windows(m, state, ts, TUMBLE_SIZE, TUMBLE_SIZE, "MAXPRICE", sink)
    auction, price = v["auction"], v["price"]
    ws = ts // TUMBLE_SIZE * TUMBLE_SIZE
    if ws + TUMBLE_SIZE > st:
        k = (auction, ws)
        best = windows.get(k)
        if best is None or price > best:
            windows[k] = price


QUERIES = {"q0": bids_only(q0), "q1": bids_only(q1), "q2": bids_only(q2),
           "q22": bids_only(q22), "q5": bids_only(q5), "q7": bids_only(q7), "q3": q3, "q8": q8}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--query", required=True, help="q0, q1, q2, q22, q5, q7, q3, q8 or a list")
    ap.add_argument("--topic", required=True)
    ap.add_argument("--out-topic", required=True)
    ap.add_argument("--max", type=int, default=0)
    a = ap.parse_args()

    c = Consumer({"bootstrap.servers": a.bootstrap, "group.id": "eddy-bench-python",
                  "enable.auto.commit": False})
    md = c.list_topics(timeout=10)
    target, assignment = 0, []
    for topic in a.topic.split(","):
        if topic not in md.topics:
            sys.exit("topic %s does not exist" % topic)
        for p in sorted(md.topics[topic].partitions):
            lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            target += hi - lo
            assignment.append(TopicPartition(topic, p, OFFSET_BEGINNING))
    if a.max and a.max < target:
        target = a.max
    c.assign(assignment)
    producer = Producer({"bootstrap.servers": a.bootstrap, "linger.ms": 5,
                         "enable.idempotence": True, "partitioner": "murmur2_random"})
    names = a.query.split(",")
    for q in names:
        if q not in QUERIES:
            sys.exit("unknown query %s" % q)
    if len(names) == 1:
        sink = Sink(producer, a.out_topic)
        fn, state = QUERIES[names[0]], {}
    else:
        sinks = [Sink(producer, a.out_topic + "_" + q) for q in names]
        fns = [QUERIES[q] for q in names]
        states = [{} for q in names]
        sink = Sink(producer, None)

        def fn(m, v, _sink, _state):
            for f, s, st in zip(fns, sinks, states):
                f(m, v, s, st)
            sink.count = sum(s.count for s in sinks)
        state = None
    n, first, idle = 0, None, time.monotonic()
    while n < target:
        msgs = c.consume(num_messages=1000, timeout=0.1)
        if not msgs:
            if time.monotonic() - idle > 30:
                sys.exit("no record for 30 s after %d of %d" % (n, target))
            continue
        idle = time.monotonic()
        if first is None:
            first = idle
        for m in msgs:
            if m.error():
                continue
            fn(m, json.loads(m.value()), sink, state)
            n += 1
            if n >= target:
                break
        producer.poll(0)
    producer.flush(60)
    seconds = time.monotonic() - first if first else 0.0
    c.close()
    print(json.dumps({"records": n, "outputs": sink.count, "seconds": seconds}))


if __name__ == "__main__":
    main()
