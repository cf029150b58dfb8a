# The Makefile is the CI contract: .ci/run calls `make test`.
GO ?= go

.PHONY: run test lint bench build

## run: the demo (demo hospital, demo EMR, embedded store in ./data, simulator at http://127.0.0.1:8080/)
run:
	$(GO) run ./cmd/frontdesk

## test: every test, with the race detector
test:
	$(GO) test -race -count=1 ./...

## lint: go vet and staticcheck (pinned as a go tool in go.mod)
lint:
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

## bench: the Go benchmarks (webhook path, step engine, store commit); figures go to docs/performance.md
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 ./...

## build: the binary, ./frontdesk
build:
	$(GO) build -o frontdesk ./cmd/frontdesk
