#!/bin/sh
# Builds the libFuzzer target fuzz/fuzz_parser.c with clang (fuzzer, address
# and undefined sanitizers) and runs it for FUZZ_SECONDS (default 600), seeded
# from fuzz/seeds and from every statement of the shared conformance files
# (extracted into fuzz/corpus, which git ignores); then fuzz/fuzz_http.c
# (eddyd's request handlers, built in build-fuzz) for as long, seeded from
# fuzz/seeds/http (corpus in fuzz/corpus-http). Findings go to fuzz/artifacts.
set -eu
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-600}
out=fuzz/build
mkdir -p "$out" fuzz/corpus fuzz/corpus-http fuzz/artifacts

lemon -q -T/usr/share/lemon/lempar.c -d"$out" grammar/eddy.y
clang -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -I"$out" -Isrc/parser \
    fuzz/fuzz_parser.c "$out/eddy.c" src/parser/ast.c src/parser/ast_equal.c \
    src/parser/ast_print.c src/parser/build.c src/parser/parse.c src/parser/tokenize.c \
    src/parser/vars.c src/common/arena.c src/common/error.c src/common/strbuf.c \
    -lm -o "$out/fuzz_parser"

qtt=${EDDY_SHARED_DIR:-../shared}/ksql-qtt
if [ -d "$qtt" ] && command -v python3 >/dev/null 2>&1; then
    python3 - "$qtt" fuzz/corpus <<'PY'
import hashlib, json, os, re, sys
src, dst = sys.argv[1], sys.argv[2]
def strip(t):
    # drop // and /* */ comments outside strings (the files are lenient JSON)
    return re.sub(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/',
                  lambda m: m.group(0) if m.group(0)[0] == '"' else ' ', t, flags=re.S)
n = 0
for root, _, files in os.walk(src):
    for f in files:
        if not f.endswith('.json'):
            continue
        doc = json.loads(strip(open(os.path.join(root, f)).read()))
        for t in doc.get('tests', []):
            for s in t.get('statements', []):
                s = s.replace('{FORMAT}', 'JSON')
                b = s.encode()
                open(os.path.join(dst, hashlib.sha1(b).hexdigest()), 'wb').write(b)
                # the same statement as a request body for fuzz_http: byte 0
                # picks /ksql or /query, byte 1 the Accept header
                q = s.lstrip().upper().startswith(('SELECT', 'PRINT'))
                body = (b'\x01\x00' if q else b'\x00\x00') + json.dumps(
                    {'ksql': s, 'streamsProperties': t.get('properties', {})}).encode()
                open(os.path.join(dst + '-http', hashlib.sha1(body).hexdigest()), 'wb').write(body)
                n += 1
print('corpus: %d statements from %s' % (n, src))
PY
else
    echo "fuzz: $qtt absent, seeding from fuzz/seeds only"
fi

"$out/fuzz_parser" -max_total_time="$secs" -max_len=4096 -timeout=10 \
    -artifact_prefix=fuzz/artifacts/ -print_final_stats=1 fuzz/corpus fuzz/seeds

# The HTTP request bodies (fuzz/fuzz_http.c): eddyd's handlers in-process over
# the whole server, engine and libraries, all instrumented, in build-fuzz.
if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang meson setup build-fuzz -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debugoptimized -Dc_args=-fsanitize=fuzzer-no-link
fi
ninja -C build-fuzz fuzz/fuzz_http
mkdir -p fuzz/corpus-http
build-fuzz/fuzz/fuzz_http -max_total_time="$secs" -max_len=4096 -timeout=10 \
    -rss_limit_mb=4096 -artifact_prefix=fuzz/artifacts/ -print_final_stats=1 \
    fuzz/corpus-http fuzz/seeds/http
