#!/bin/sh
# Installs the Debian packages eddy needs to build, test and run, when any is missing.
# Does nothing (and needs no root) when everything is already installed.
# The benchmark (make bench, and its smoke mode in make test) compares eddy with a
# Python loop on Debian's python3-confluent-kafka (run by /usr/bin/python3) and with
# sqlite3, and plots with gnuplot.
set -eu

PKGS="meson ninja-build pkg-config gcc lemon librdkafka-dev libmicrohttpd-dev \
libjansson-dev liblmdb-dev check libpcre2-dev libcurl4-openssl-dev libedit-dev \
tzdata python3 kcat python3-confluent-kafka sqlite3 gnuplot-nox"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "setup: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "setup: need root to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
