# Claude Code for Mattermost: one entry point for building, testing and running.
#   make            build the plugin bundle and the agent
#   make test       lint, type-check, unit tests, browser test and the end-to-end suite
#   make demo       a local Mattermost + PostgreSQL with the plugin and a paired agent,
#                   and the official web client where it can be downloaded
# See README.md for the rest.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
PLUGIN_ID := $(shell node -p "require('./plugin.json').id")
PLUGIN_VERSION := $(shell node -p "require('./plugin.json').version")
BUNDLE := dist/$(PLUGIN_ID)-$(PLUGIN_VERSION).tar.gz
SERVER_TARGETS := linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
# The Mattermost modules' newest versions are missing from Go's checksum
# database; go.sum files pin their hashes instead.
export GONOSUMDB := github.com/mattermost/mattermost
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.6.1
# Only the host's executable, for the local loop (make deploy HOST_ONLY=1).
HOST_ONLY ?=

.PHONY: all deps manifest server webapp agent dist bundle test check lint typecheck \
        test-server test-webapp test-agent test-browser e2e bench demo deploy clean

all: dist agent

deps:
	@build/install-deps.sh

manifest:
	@node build/sync-manifest.mjs

server: manifest
	@cd server && for t in $(if $(HOST_ONLY),$$($(GO) env GOOS)/$$($(GO) env GOARCH),$(SERVER_TARGETS)); do \
		os=$${t%/*}; arch=$${t#*/}; ext=$$([ $$os = windows ] && echo .exe || true); \
		echo "go build server/dist/plugin-$$os-$$arch$$ext"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '-s -w' -o dist/plugin-$$os-$$arch$$ext . ; \
	done

webapp: manifest deps
	npm run build -w webapp

agent: manifest deps
	npm run build -w agent

dist: server webapp
	@build/bundle.sh

bundle: dist

## Checks ----------------------------------------------------------------------

lint: deps
	cd server && $(GO) vet ./... && $(GO) run $(STATICCHECK) ./...
	npm run lint -w webapp
	npm run lint -w agent

typecheck: deps manifest
	npm run typecheck -w webapp
	npm run typecheck -w agent
	npm run typecheck -w e2e

test-server: manifest
	cd server && $(GO) test -race -count=1 ./...

test-webapp: deps manifest
	npm test -w webapp

test-agent: deps
	npm test -w agent

test-browser: webapp
	npm run test:browser -w webapp

check: lint typecheck test-server test-webapp test-agent

test: check test-browser e2e

e2e: dist agent
	npm test -w e2e

bench: dist agent
	npm run bench -w webapp
	npm run bench -w agent
	npm run bench -w e2e

## Running ---------------------------------------------------------------------

demo: dist agent
	npm run demo -w e2e

deploy: dist
	node build/deploy.mjs $(BUNDLE)

clean:
	rm -rf dist server/dist webapp/dist agent/dist
