# eddy - top-level wrapper around meson. The two commands a new user needs:
#   make run    set up, build and start the server (data in ./data)
#   make test   set up, build and run every test
BUILD      ?= build
ASAN_BUILD ?= build-asan
MESON_OPTS ?=

.PHONY: all setup build run test test-asan fuzz bench bench-http clean format

all: build

setup:
	@sh scripts/setup-deps.sh

$(BUILD)/build.ninja:
	@sh scripts/setup-deps.sh
	meson setup $(BUILD) $(MESON_OPTS)

build: setup $(BUILD)/build.ninja
	ninja -C $(BUILD)

run: build
	mkdir -p data
	./$(BUILD)/eddyd --state-dir ./data

test: build
	meson test -C $(BUILD) --print-errorlogs --num-processes 2

$(ASAN_BUILD)/build.ninja:
	@sh scripts/setup-deps.sh
	CC=clang meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dbuildtype=debug $(MESON_OPTS)

test-asan: setup $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    meson test -C $(ASAN_BUILD) --print-errorlogs --num-processes 2

fuzz:
	@sh scripts/setup-deps.sh
	sh fuzz/run.sh

bench: build
	./$(BUILD)/eddy-bench

# eddyd over HTTP: pull-query throughput/latency with wrk, push fan-out.
bench-http: build
	sh bench/http/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
