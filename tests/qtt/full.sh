#!/bin/sh
# The conformance ratchet: eddy-qtt (full mode: cases run through the engine)
# over the shared ksqlDB test files must pass at least as many cases as
# tests/qtt/full.min says. Raise the number as conformance improves; never lower it.
# Usage: full.sh EDDY_QTT MIN_FILE QTT_DIR
set -eu
qtt=$1 minfile=$2 dir=$3
if [ ! -d "$dir" ]; then
    echo "SKIP: $dir is absent; the conformance ratchet needs ../shared/ksql-qtt"
    exit 77
fi
min=$(tr -d ' \n' < "$minfile")
out=$("$qtt" --min-pass "$min" "$dir") && rc=0 || rc=$?
echo "$out" | grep '^FAIL' | cut -c1-300 || true
echo "$out" | tail -n 1
echo "ratchet: at least $min must pass"
exit $rc
