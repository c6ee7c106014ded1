# Experience plugin platform. `make run` and `make test` set up what is missing themselves.
# Everything built here goes to git-ignored folders: .tools/ (opa, regal), node_modules/,
# build/ (policy.wasm, web app), dist/ (compiled server), plugins/<id>/<version>/ (bundles).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

TOOLS_BIN := .tools/bin
# The pinned builds are what CI uses; `make OPA=opa REGAL=regal ...` uses your own.
OPA ?= $(TOOLS_BIN)/opa
REGAL ?= $(TOOLS_BIN)/regal
CHROMIUM ?= /usr/bin/chromium
# Build a pinned tool only when it is the one in use (`make OPA=opa test` builds no OPA).
OPA_DEP := $(filter $(TOOLS_BIN)/opa,$(OPA))
REGAL_DEP := $(filter $(TOOLS_BIN)/regal,$(REGAL))

POLICY_SRC := $(shell find policy -name '*.rego' 2>/dev/null)
# The decisions the BFF asks, then what the CLI asks (explanations, relations): one module, the same rules.
DECISIONS := experience/api/decision experience/sse/decision experience/contributions/decision experience/authz/decision
EXPLANATIONS := experience/api/explanation experience/sse/explanation experience/contributions/explanation \
  experience/authz/explanation
RELATIONS := experience/tooling/covers experience/tooling/declared experience/tooling/granted
# The reason catalogues the BFF reads once per loaded policy (bodies, headers, log and metric labels).
CATALOGUES := experience/api/catalogue experience/sse/catalogue experience/authz/catalogue
ENTRYPOINTS := $(DECISIONS) $(CATALOGUES) $(EXPLANATIONS) $(RELATIONS)
COVERAGE_THRESHOLD := 95

export OPA CHROMIUM

.PHONY: help
help: ## List the targets
	@awk -f scripts/make/help.awk $(MAKEFILE_LIST)

# ---------------------------------------------------------------- set-up

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: deps
deps: node_modules/.installed ## Install Node packages (npm ci) when package-lock.json changed

$(TOOLS_BIN)/opa: tools/opa/go.mod tools/opa/go.sum
	@mkdir -p $(TOOLS_BIN)
	cd tools/opa && go build -trimpath -o ../../$(TOOLS_BIN)/opa github.com/open-policy-agent/opa

$(TOOLS_BIN)/regal: tools/regal/go.mod tools/regal/go.sum
	@mkdir -p $(TOOLS_BIN)
	@# Regal's release builds stamp their version with -ldflags; so does this one, from go.mod, so `regal version` names the pin.
	cd tools/regal && go build -trimpath \
	  -ldflags "-X github.com/open-policy-agent/regal/pkg/version.Version=$$(go list -m -f '{{.Version}}' github.com/open-policy-agent/regal)" \
	  -o ../../$(TOOLS_BIN)/regal github.com/open-policy-agent/regal

.PHONY: tools
tools: $(TOOLS_BIN)/opa $(TOOLS_BIN)/regal ## Build the pinned OPA CLI and Regal into .tools/bin

.PHONY: servers
servers: ## Install Debian's redis-server and haproxy for the replica tests (if missing)
	@missing=""; \
	  [ -x /usr/bin/redis-server ] || missing="$$missing redis-server"; \
	  [ -x /usr/sbin/haproxy ] || missing="$$missing haproxy"; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian's$$missing (needs root)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  fi

.PHONY: chromium
chromium: ## Install Debian's Chromium for the browser tests (if missing)
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  echo "Installing Debian's chromium (needs root)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# ---------------------------------------------------------------- build

# The bundle's .manifest revision (the BFF reports it with POLICY_BUNDLE): a digest of the sources it is built from.
POLICY_REVISION ?= $(shell cat $(sort $(filter-out %_test.rego,$(POLICY_SRC))) policy/capabilities.json 2>/dev/null | sha256sum | cut -c1-12)
# `make policy POLICY_SIGNING_KEY=<private.pem>` signs build/bundle.tar.gz, rebuilt then every time (README, "Signed policy bundles").
POLICY_SIGNING_KEY ?=
POLICY_SIGNING_ALG ?= RS256

# One build, two outputs: the OPA bundle (bundle mode, so it can be signed) and the module unpacked from it.
build/policy.wasm build/bundle.tar.gz &: $(POLICY_SRC) policy/capabilities.json $(if $(POLICY_SIGNING_KEY),FORCE) | $(OPA_DEP)
	@mkdir -p build
	$(OPA) build -b -t wasm $(addprefix -e ,$(ENTRYPOINTS)) --capabilities policy/capabilities.json \
	  --ignore '*_test.rego' --ignore capabilities.json --revision '$(POLICY_REVISION)' \
	  $(if $(POLICY_SIGNING_KEY),--signing-key '$(POLICY_SIGNING_KEY)' --signing-alg $(POLICY_SIGNING_ALG)) \
	  -o build/bundle.tar.gz policy/
	tar -xzf build/bundle.tar.gz -C build /policy.wasm
	@touch build/policy.wasm build/bundle.tar.gz

# A prerequisite that is never up to date (no recipe, no file): what names it is always rebuilt.
FORCE:

.PHONY: policy
policy: build/policy.wasm build/bundle.tar.gz ## Compile policy/ to build/policy.wasm and the OPA bundle build/bundle.tar.gz (one module, every entrypoint)

.PHONY: server
server: deps ## Compile the BFF, engine, config and CLI to dist/
	npx tsc -p tsconfig.build.json
	@chmod +x dist/cli/main.js

.PHONY: web
web: deps ## Build the shell (build/web) and the plugin bundles (plugins/<id>/<version>/index.esm.js)
	node scripts/build-web.mjs

.PHONY: build
build: policy server web ## Everything `make run` needs

# ---------------------------------------------------------------- run

.PHONY: run
run: build ## Start the BFF with the embedded default config on http://localhost:8080 (demo upstream included)
	node dist/demo/main.js

.PHONY: dev
dev: deps policy ## BFF, shell and a dev server per plugin in development mode on 127.0.0.1:8080; edits show on reload; Ctrl-C stops
	node --import tsx src/dev/main.ts

.PHONY: run-cluster
run-cluster: build servers ## Redis, three BFF replicas and HAProxy on http://localhost:8080 (demo provider, upstream and publisher); Ctrl-C stops all
	node dist/demo/cluster/main.js

# ---------------------------------------------------------------- checks and tests

.PHONY: validate
validate: deps web policy ## Check config/*.yaml and the plugin bundles the way the BFF loads them (the policy answers who is granted)
	npx tsx src/cli/main.ts validate

.PHONY: help-check
help-check: ## make help lists every documented target; the pinned tool versions match go.mod and README
	node scripts/make/check-help.mjs
	node scripts/make/check-tools.mjs

.PHONY: policy-check
policy-check: | $(OPA_DEP) $(REGAL_DEP) ## opa fmt, opa check --strict, Regal, package namespace
	@echo "== opa fmt --fail"; $(OPA) fmt --fail --list policy/ || { echo "not formatted: run $(OPA) fmt -w policy/"; exit 1; }
	@echo "== opa check --strict"; $(OPA) check --strict --capabilities policy/capabilities.json --ignore capabilities.json policy/
	@echo "== regal lint"; $(REGAL) lint policy/
	@echo "== packages live under experience.* (data.registry is the config root)"; \
	  bad=$$(grep -rhE '^package ' policy | grep -vE '^package experience(\.|$$)' || true); \
	  if [ -n "$$bad" ]; then echo "package outside experience.*: $$bad"; exit 1; fi

.PHONY: policy-test
policy-test: | $(OPA_DEP) ## opa test with coverage (fails under the threshold)
	@mkdir -p build
	@echo "== opa test (coverage threshold $(COVERAGE_THRESHOLD)%)"
	$(OPA) test policy/ --ignore capabilities.json --count 1
	@$(OPA) test policy/ --ignore capabilities.json --coverage --threshold $(COVERAGE_THRESHOLD) > build/opa-coverage.json || \
	  { node -e 'const c=require("./build/opa-coverage.json");console.error("coverage "+c.coverage+"% is under $(COVERAGE_THRESHOLD)%")'; exit 1; }
	@node -e 'const c=require("./build/opa-coverage.json");console.log("policy coverage: "+c.coverage.toFixed(2)+"%")'

.PHONY: typecheck
typecheck: deps ## TypeScript, strict, whole tree
	npx tsc -p tsconfig.json --noEmit

.PHONY: test-unit
test-unit: deps $(OPA_DEP) ## Unit tests beside the code (src/**; the engine tests build small policies with opa)
	npx vitest run --project unit

.PHONY: test-policy
test-policy: deps policy ## Differential test (Wasm vs opa eval) and the capabilities check
	npx vitest run --project policy

.PHONY: test-integration
test-integration: servers deps policy web server ## BFF integration tests against a real loopback upstream (and dist/server/main.js as a child process)
	npx vitest run --project integration

.PHONY: test-e2e
test-e2e: deps build chromium ## Browser tests in Chromium against the BFF as `make run` starts it
	npx vitest run --project e2e

.PHONY: test
test: deps $(OPA_DEP) $(REGAL_DEP) help-check policy-check policy-test typecheck validate test-unit test-policy test-integration test-e2e ## Every check and test

# ---------------------------------------------------------------- benchmarks

.PHONY: bench
bench: build servers ## Benchmarks: tables on stdout, JSON in bench/results/
	npx tsx test/bench/engine.bench.ts
	@if [ -f test/bench/bff.bench.ts ]; then npx tsx test/bench/bff.bench.ts; fi
	npx tsx test/bench/decision-log.bench.ts
	npx tsx test/bench/events-fanout.bench.ts
	npx tsx test/bench/scale.bench.ts

.PHONY: clean
clean: ## Remove every build output (keeps node_modules and .tools)
	rm -rf build dist coverage test-results bench/results plugins/*/*/index.esm.js
