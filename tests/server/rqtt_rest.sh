#!/bin/sh
# Runs eddy-qtt --rest over ksqlDB's REST test files and fails when fewer cases
# pass than the ratchet in the .min file. Skips when the files are absent.
# usage: rqtt_rest.sh EDDY_QTT MIN_FILE REST_DIR
qtt=$1; min=$(cat "$2"); dir=$3
if [ ! -d "$dir" ]; then echo "no REST test files at $dir: skipped"; exit 77; fi
out=$("$qtt" --rest "$dir" 2>&1)
echo "$out" | grep -v '^PASS'
passed=$(echo "$out" | tail -1 | sed -n 's/^\([0-9]*\) passed.*/\1/p')
echo "ratchet: at least $min must pass, $passed did"
[ -n "$passed" ] && [ "$passed" -ge "$min" ]
