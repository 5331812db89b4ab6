# gkbench — see README.md. Every target works offline once Go modules are downloaded.
GO        ?= go
BIN       := bin
WAREHOUSE ?= data/warehouse
CORPUS    ?= $(abspath ../shared/corpus)
FUZZTIME  ?= 30s
# Packages whose test binaries link DuckDB (slow to build, ~100 MB); everything else stays small.
PKGS      := ./...

.PHONY: all build demo test vet fmt-check bench fuzz clean sample

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/crawl

# The main job on the bundled default: import the project's own sample reports and print the summary.
demo: build
	$(BIN)/crawl import --quiet --warehouse $(WAREHOUSE) --manifest data/sample/manifest.csv

# Regenerate the bundled sample reports from the project's own generator.
sample:
	$(GO) test ./pipeline/synth -run TestBundledSample -update

test: fmt-check vet
	GKBENCH_CORPUS=$(CORPUS) $(GO) test -count=1 $(PKGS)

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Benchmarks on realistic pages (2-core machine figures are in the issue notes).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 3 ./pipeline/parse/ ./pipeline/extract/ ./pipeline/warehouse/ ./pipeline/ingest/

# Short fuzz runs of every decoder and reader.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./pipeline/decode/
	$(GO) test -run '^$$' -fuzz '^FuzzHTMLDocument$$' -fuzztime $(FUZZTIME) ./pipeline/extract/
	$(GO) test -run '^$$' -fuzz '^FuzzTextDocument$$' -fuzztime $(FUZZTIME) ./pipeline/extract/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./pipeline/ingest/

clean:
	rm -rf $(BIN) $(WAREHOUSE)/reports $(WAREHOUSE)/facts $(WAREHOUSE)/checks
