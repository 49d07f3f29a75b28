#!/usr/bin/env python3
"""Loads N keys into the bench stream through eddyd's /test/produce (batches)."""
import json, sys, urllib.request
port, n = int(sys.argv[1]), int(sys.argv[2])
batch = 20000
for start in range(0, n, batch):
    recs = [{"topic": "bench", "key": k, "value": {"V": k}, "timestamp": k}
            for k in range(start, min(n, start + batch))]
    req = urllib.request.Request(f"http://127.0.0.1:{port}/test/produce",
                                 data=json.dumps({"records": recs}).encode(), method="POST")
    urllib.request.urlopen(req, timeout=600).read()
