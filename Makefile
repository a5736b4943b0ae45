# dnshunt — `make help` lists the targets. `make demo` and `make test` work on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help

CARGO    ?= cargo
VENV     ?= .venv
PYTHON   := $(VENV)/bin/python
SHARED   ?= ../shared
APT_PACKAGES := wamerican wrk chromium

.PHONY: help demo test lint bench data default-model setup apt venv fmt

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

demo: ## Build and run the main job: a company's day of DNS with planted threats, ingested, detected, reported
	$(CARGO) build --release -p dnshunt-cli
	./target/release/dnshunt --home target/demo-home demo --report target/demo-report.html

test: setup ## Install what the tests need, then run every test
	@mkdir -p target
	set -o pipefail; { $(CARGO) test --workspace --all-targets && $(CARGO) test --workspace --doc; } 2>&1 | tee target/test.log
	@awk '/^test result:/ { passed += $$4; failed += $$6 } END { printf "tests: %d passed, %d failed\n", passed, failed }' target/test.log

lint: ## rustfmt check and clippy with warnings as errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

bench: setup ## Benchmarks against tldextract (results: docs/performance.md)
	bench/run.sh

data: apt venv ## Regenerate the shipped data files (benign list, word list, benign and DGA trigram counts)
	rm -rf target/data-refresh && mkdir -p target/data-refresh
	$(VENV)/bin/pip download --quiet --no-deps --dest target/data-refresh hstspreload==2025.1.1
	$(PYTHON) -m zipfile -e target/data-refresh/hstspreload-2025.1.1-py3-none-any.whl target/data-refresh/hsts
	$(CARGO) run --release -p dnshunt-datasets --bin dnshunt-data -- hsts --bin target/data-refresh/hsts/hstspreload/hstspreload.bin
	$(CARGO) run --release -p dnshunt-datasets --bin dnshunt-data -- words
	$(CARGO) run --release -p dnshunt-datasets --bin dnshunt-data -- ngram
	$(CARGO) run --release -p dnshunt-datasets --bin dnshunt-data -- benign-words
	$(CARGO) run --release -p dnshunt-datasets --bin dnshunt-data -- dga-ngram

default-model: ## Retrain the DGA model built into the binaries (fit --seed 0) after a feature change
	rm -rf target/default-model-home
	$(CARGO) run --release -p dnshunt-train -- --home target/default-model-home fit --seed 0
	cp target/default-model-home/registry/dga/versions/1/manifest.json target/default-model-home/registry/dga/versions/1/model.bin models/data/default-dga/

setup: apt venv ## Install Debian packages and the Python test peers

apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: tests/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $@

fmt: ## Format the code
	$(CARGO) fmt --all
