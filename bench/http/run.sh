#!/bin/sh
# HTTP benchmark of eddyd: pull-query key lookups with wrk on a table of
# BENCH_KEYS keys (default 1,000,000), then push-query fan-out.
# usage: bench/http/run.sh [BUILD_DIR]   (make bench-http)
set -e
BUILD=${1:-build}
KEYS=${BENCH_KEYS:-1000000}
DIR=$(mktemp -d /tmp/eddy-bench-http.XXXXXX)
HERE=$(dirname "$0")
"$BUILD/eddyd" --memory --quiet --listeners http://127.0.0.1:0 --port-file "$DIR/port" \
    --state-dir "$DIR/data" --test-endpoints --set eddy.push.buffer.rows=100000 \
    --set ksql.max.push.queries=2000 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DIR"' EXIT
while [ ! -s "$DIR/port" ]; do sleep 0.1; done
PORT=$(cat "$DIR/port")
curl -s -X POST "http://127.0.0.1:$PORT/ksql" -d '{"ksql":"CREATE STREAM BENCH (K BIGINT KEY, V BIGINT) WITH (KAFKA_TOPIC='"'"'bench'"'"', VALUE_FORMAT='"'"'JSON'"'"', PARTITIONS=1); CREATE TABLE BENCH_T AS SELECT K, LATEST_BY_OFFSET(V) AS V FROM BENCH GROUP BY K; CREATE STREAM FAN (K BIGINT KEY, V BIGINT) WITH (KAFKA_TOPIC='"'"'fan'"'"', VALUE_FORMAT='"'"'JSON'"'"', PARTITIONS=1);"}' > /dev/null
t0=$(date +%s.%N)
python3 "$HERE/load.py" "$PORT" "$KEYS"
t1=$(date +%s.%N)
echo "loaded $KEYS keys in $(echo "$t1 - $t0" | bc) s"
curl -s -X POST "http://127.0.0.1:$PORT/query" -d '{"ksql":"SELECT * FROM BENCH_T WHERE K=42;"}'
echo "== pull queries: key lookups (wrk -t2 -c16 -d15s)"
BENCH_KEYS=$KEYS wrk -t2 -c16 -d15s --latency -s "$HERE/lookup.lua" "http://127.0.0.1:$PORT" \
    | grep -E "Requests/sec|50%|90%|99%|Latency|requests in|Non-2xx"
echo "== push queries: fan-out"
for c in 10 100 500; do python3 "$HERE/fanout.py" "$PORT" "$c" 2000; done
