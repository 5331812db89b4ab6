# gkbench — see README.md. Every target works offline once Go modules are downloaded.
GO        ?= go
BIN       := bin
WAREHOUSE ?= data/warehouse
OUT       ?= out
SITE      ?= site
DEMO      ?= demo
ADDR      ?= 127.0.0.1:8080
CORPUS    ?= $(abspath ../shared/corpus)
FUZZTIME  ?= 30s
PKGS      := ./...

.PHONY: all build demo serve run import-sample test vet fmt-check bench fuzz clean sample city analyze generate scale

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/crawl ./cmd/analyze ./cmd/demo

# The main job on the bundled default: serve the sample city 示例市 on 127.0.0.1, crawl it with the real
# crawler, import, analyze and render the comparison site into $(DEMO)/ (offline).
demo: build
	$(BIN)/demo --dir $(DEMO)

# Browse the demo's site on loopback.
serve: build
	$(BIN)/analyze serve --site $(DEMO)/site --addr $(ADDR)

# The same pipeline against the shipped registry of real sources (needs the internet; offline every source
# fails fast and is listed).
run: build
	$(BIN)/crawl run --data data
	$(BIN)/analyze --warehouse data/warehouse --raw data/raw --registry beijing --db $(OUT)/gkbench.duckdb --out $(OUT) --site $(SITE)

# Import the twelve bundled sample files (one per kind of page) and print the summary.
import-sample: build
	$(BIN)/crawl import --quiet --warehouse $(WAREHOUSE) --manifest data/sample/manifest.csv

# Metrics, rankings, trends and quality tables over the warehouse (DuckDB), exported as Parquet and CSV.
analyze: build
	$(BIN)/analyze --warehouse $(WAREHOUSE) --db $(OUT)/gkbench.duckdb --out $(OUT)

# Regenerate the SQL files derived from the metric dictionary and the template model.
generate:
	$(GO) generate ./pipeline/metrics

# Analysis at realistic scale (16 districts × 7 years × 60 reports); prints timings.
scale:
	GKBENCH_SCALE=60 $(GO) test -count=1 -run '^TestScale$$' -v -timeout 30m ./pipeline/analyze/

# Regenerate the bundled samples from the project's own generator.
sample:
	$(GO) test ./pipeline/synth -run TestBundledSample -update
city:
	GKBENCH_CORPUS=$(CORPUS) $(GO) test ./pipeline/testsite -run TestBundledCity -update

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

# Fuzz every decoder and reader, FUZZTIME each (CI: 30s; before a release: FUZZTIME=5m). Each target is
# package:Name; a failing input is written to the package's testdata/fuzz/ and fails the run.
FUZZ_TARGETS := \
	./pipeline/decode:FuzzDecode \
	./pipeline/extract:FuzzHTMLDocument \
	./pipeline/extract:FuzzTextDocument \
	./pipeline/extract:FuzzFold \
	./pipeline/extract:FuzzDOCXDocument \
	./pipeline/extract:FuzzPDFDocument \
	./pipeline/template:FuzzToSimplified \
	./pipeline/parse:FuzzScanNumber \
	./pipeline/ingest:FuzzParse \
	./pipeline/ingest:FuzzManifest

fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

clean:
	rm -rf $(BIN) $(OUT) $(SITE) $(DEMO) $(WAREHOUSE)/reports $(WAREHOUSE)/facts $(WAREHOUSE)/checks
