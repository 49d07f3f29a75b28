#!/bin/sh
# eddy's own conformance suite: QTT-format files (tests/qtt/eddy/*.json) pinning
# ksqlDB behaviour of the areas the shared test files do not cover. Every case
# must pass: a failure or a skip fails the test.
# Usage: eddy.sh EDDY_QTT DIR
set -eu
qtt=$1 dir=$2
out=$("$qtt" "$dir") && rc=0 || rc=$?
echo "$out" | grep -v '^PASS' || true
if echo "$out" | grep -q '^SKIP'; then
    echo "eddy.sh: skipped cases are not allowed in eddy's own suite"
    exit 1
fi
exit $rc
