# gkbench — see README.md. Every target works offline once Go modules are downloaded.
GO        ?= go
BIN       := bin
WAREHOUSE ?= data/warehouse
OUT       ?= out
CORPUS    ?= $(abspath ../shared/corpus)
FUZZTIME  ?= 30s
PKGS      := ./...

.PHONY: all build demo test vet fmt-check bench fuzz clean sample analyze generate scale

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/crawl ./cmd/analyze

# The main job on the bundled default: import the project's own sample reports and print the summary.
demo: build
	$(BIN)/crawl import --quiet --warehouse $(WAREHOUSE) --manifest data/sample/manifest.csv
	$(BIN)/analyze --warehouse $(WAREHOUSE) --db $(OUT)/gkbench.duckdb --out $(OUT)

# Metrics, rankings, trends and quality tables over the warehouse (DuckDB), exported as Parquet and CSV.
analyze: build
	$(BIN)/analyze --warehouse $(WAREHOUSE) --db $(OUT)/gkbench.duckdb --out $(OUT)

# Regenerate the SQL files derived from the metric dictionary and the template model.
generate:
	$(GO) generate ./pipeline/metrics

# Analysis at realistic scale (16 districts × 7 years × 60 reports); prints timings.
scale:
	GKBENCH_SCALE=60 $(GO) test -count=1 -run '^TestScale$$' -v -timeout 30m ./pipeline/analyze/

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
	rm -rf $(BIN) $(OUT) $(WAREHOUSE)/reports $(WAREHOUSE)/facts $(WAREHOUSE)/checks
