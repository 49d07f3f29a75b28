#!/bin/sh
# Runs Cube's ksqlDB driver (@cubejs-backend/ksql-driver, from npm) against a
# fresh eddyd. The driver is installed on first use into BUILD_DIR/cube-node
# (not committed); without node/npm, or when the npm registry cannot be
# reached, the test is skipped (exit 77).
# usage: run.sh EDDYD BUILD_DIR
eddyd=$1
build=$2
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "SKIP: node and npm are needed for Cube's ksqlDB driver (apt-get install nodejs npm)"
    exit 77
fi
cache="$build/cube-node"
if [ ! -d "$cache/node_modules/@cubejs-backend/ksql-driver" ] ||
    ! cmp -s "$here/package.json" "$cache/package.json"; then
    echo "installing @cubejs-backend/ksql-driver into $cache (first run: about a minute)"
    rm -rf "$cache"
    mkdir -p "$cache"
    cp "$here/package.json" "$cache/package.json"
    if ! (cd "$cache" && timeout 300 npm install --no-audit --no-fund --loglevel=error \
        --fetch-timeout=30000 --fetch-retries=1); then
        rm -rf "$cache"
        echo "SKIP: npm could not install @cubejs-backend/ksql-driver (is the npm registry reachable?)"
        exit 77
    fi
fi
NODE_PATH="$cache/node_modules" exec node "$here/driver_test.js" "$eddyd"
