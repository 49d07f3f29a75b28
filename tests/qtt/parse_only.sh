#!/bin/sh
# The parse-only ratchet: eddy-qtt --parse-only over the shared conformance
# files must pass at least as many cases as tests/qtt/parse-only.min says.
# Raise the number when the parser gets better; never lower it.
# Usage: parse_only.sh EDDY_QTT MIN_FILE QTT_DIR
set -eu
qtt=$1 minfile=$2 dir=$3
if [ ! -d "$dir" ]; then
    echo "SKIP: $dir is absent; the parse-only conformance ratchet needs it"
    exit 77
fi
min=$(tr -d ' \n' < "$minfile")
out=$("$qtt" --parse-only --min-pass "$min" "$dir") && rc=0 || rc=$?
echo "$out" | grep '^FAIL' || true
echo "$out" | tail -n 1
echo "ratchet: at least $min must pass"
exit $rc
