# mcnamara — two commands: `make run` (build, generate demo data, run, write
# the report) and `make test`. Everything else is for developers.
SHELL := /bin/bash
GO ?= go
TAGS := duckdb_arrow
GOFLAGS_BUILD := -tags $(TAGS)
BIN := bin/mcnamara
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: all build run test test-short bench bench-large benchtool fuzz lint deps assets browser clean

ECHARTS_VERSION := 5.6.0
ECHARTS_JS := reports/assets/echarts.min.js

all: build

deps:
	@command -v $(GO) >/dev/null || { echo "go is required: install Go 1.26+ from https://go.dev/dl/"; exit 1; }
	@command -v gcc >/dev/null || { echo "gcc is required for cgo (DuckDB): apt-get install -y gcc"; exit 1; }
	@command -v g++ >/dev/null || { echo "installing g++ (DuckDB links libstdc++)"; \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq g++; \
		else echo "g++ is required: sudo apt-get install -y g++"; exit 1; fi; }

# The report inlines echarts so it renders offline. It comes from the npm
# package (not a CDN), fetched once and embedded with go:embed; `go
# generate ./reports` runs this target too. It is not committed: the
# repository holds no third-party code. The file is pinned by its sha256
# (it carries its Apache-2.0 licence header into every report).
ECHARTS_SHA256 := bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1
assets: $(ECHARTS_JS)
$(ECHARTS_JS):
	@command -v npm >/dev/null || { echo "npm is required to fetch echarts@$(ECHARTS_VERSION): apt-get install -y npm"; exit 1; }
	@tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent echarts@$(ECHARTS_VERSION) >/dev/null \
		&& tar -xzf echarts-$(ECHARTS_VERSION).tgz package/dist/echarts.min.js \
		&& cd - >/dev/null \
		&& { echo "$(ECHARTS_SHA256)  $$tmp/package/dist/echarts.min.js" | sha256sum -c --quiet \
			|| { echo "echarts@$(ECHARTS_VERSION) from npm does not match the pinned sha256 $(ECHARTS_SHA256): not using it"; rm -rf $$tmp; exit 1; }; } \
		&& mv $$tmp/package/dist/echarts.min.js $@ && rm -rf $$tmp \
		&& echo "fetched echarts@$(ECHARTS_VERSION) -> $@ (sha256 verified)"

# Headless Chromium (the report's browser tests, and `report --pdf`) and
# poppler-utils (pdftoppm, pdftotext, pdfinfo: the PDF tests read the PDF
# back). Installed as root; CI fails without them; a developer without
# root gets a message and those tests skip (outside CI only).
CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser || echo /usr/bin/chromium)
browser:
	@pkgs=""; [ -x "$(CHROMIUM)" ] || pkgs="chromium"; \
	for t in pdftoppm pdftotext pdfinfo; do command -v $$t >/dev/null || { pkgs="$$pkgs poppler-utils"; break; }; done; \
	pkgs=$${pkgs# }; if [ -z "$$pkgs" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then echo "installing $$pkgs for the browser and PDF tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$pkgs >/dev/null) \
		|| { echo "could not install $$pkgs: apt-get install -y $$pkgs"; exit 1; }; \
	elif [ "$$CI" = true ]; then echo "$$pkgs is required in CI: apt-get install -y $$pkgs"; exit 1; \
	else echo "note: $$pkgs not found (sudo apt-get install -y $$pkgs); the browser and PDF tests will skip"; fi

build: deps assets
	CGO_ENABLED=1 $(GO) build $(GOFLAGS_BUILD) -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/mcnamara

run: build
	./$(BIN) demo

test: deps assets browser
	CGO_ENABLED=1 CHROMIUM=$(CHROMIUM) $(GO) test $(GOFLAGS_BUILD) -timeout 30m ./...

# The quick local loop: go test -short skips the real data sets, the figure
# audit, the generated docs, the browser and PDF tests and the crash
# scripts. CI and `make test` run everything.
test-short: deps assets
	CGO_ENABLED=1 $(GO) test $(GOFLAGS_BUILD) -short -timeout 30m ./...

# make bench: every benchmark once (BENCHTIME), one package at a time (two
# at once would share the 2 cores), each appending its results to a JSON
# lines file that benchtool then collects into bench/results/<commit>-
# <time>.json (stage, size, wall, rows/s, peak RSS, bytes, ratios) and
# prints as a table. `go run ./internal/benchtool compare OLD.json
# NEW.json` compares two runs. BENCH and BENCHPKG narrow it, e.g.
# make bench BENCH=Build BENCHPKG=./pipeline/build; sizes come from the
# benchmarks' environment (MCNAMARA_BENCH_CONTACTS, MCNAMARA_BENCH_ROWS, …).
BENCH ?= .
BENCHPKG ?= ./...
BENCHTIME ?= 1x
benchtool:
	$(GO) build -o bin/benchtool ./internal/benchtool

bench: deps assets benchtool
	@mkdir -p bench/results
	@rec=bench/results/run-$$(date -u +%Y%m%dT%H%M%SZ).jsonl; \
	CGO_ENABLED=1 MCNAMARA_BENCH_RECORD=$$PWD/$$rec $(GO) test $(GOFLAGS_BUILD) -p 1 -timeout 0 -run '^$$' \
		-bench '$(BENCH)' -benchtime $(BENCHTIME) -benchmem $(BENCHPKG) | tee bench/latest.txt; \
	./bin/benchtool collect -in $$rec -dir bench/results -command "make bench BENCH=$(BENCH) BENCHPKG=$(BENCHPKG) BENCHTIME=$(BENCHTIME)"

# make bench-large: CONTACTS (default 100M) contacts end to end through
# the CLI with memory_limit MEMORY_LIMIT (default 8GiB), spilling into
# SPILL_DIR; see bench/large.sh. Hours on 2 cores; needs ~80 GB of disk
# at 100M.
bench-large: build benchtool
	CONTACTS=$(or $(CONTACTS),100000000) bench/large.sh

# Every fuzz test of a parser of outside input, FUZZTIME each (go test
# -fuzz takes one target at a time). Their seed corpora run in `make test`;
# a failing input is written to the package's testdata/fuzz/<Fuzz…>/ and
# stays there as a regression case (commit it). FUZZMINIMIZE bounds the
# minimisation of each new interesting input: at Go's default (60 s) a
# target that runs DuckDB (~100 execs/s) spent most of FUZZTIME minimising,
# during which the exec count stood still ("stalled after ~10 s").
FUZZTIME ?= 30s
FUZZMINIMIZE ?= 50x
fuzz: deps assets
	@set -e; for pkg in $$($(GO) list $(GOFLAGS_BUILD) ./...); do \
		for f in $$($(GO) test $(GOFLAGS_BUILD) -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
			CGO_ENABLED=1 $(GO) test $(GOFLAGS_BUILD) -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) \
				-fuzzminimizetime $(FUZZMINIMIZE) $$pkg; \
		done; done

lint: deps assets
	$(GO) mod tidy -diff
	$(GO) vet $(GOFLAGS_BUILD) ./...
	CGO_ENABLED=1 $(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

clean:
	rm -rf bin demo lake
