# The Makefile is the CI contract: .ci/run calls `make test`.
GO ?= go

.PHONY: run test lint bench build

## run: the demo (demo hospital, demo EMR, embedded store in ./data, simulator at http://127.0.0.1:8080/)
run:
	$(GO) run ./cmd/frontdesk

## test: every test, with the race detector; the end-to-end suite again on Redis
test:
	$(GO) test -race -count=1 ./...
	FRONTDESK_E2E_STORE=redis $(GO) test -race -count=1 ./runtime/e2e/

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

# Load, memory, start-up and crash measurements (cmd/frontdesk-load); the
# figures and the machine they were taken on are in docs/performance.md.
.PHONY: load-bin load load-embedded load-memory load-startup test-crash

## load-bin: the server and the load tool, in bin/
load-bin:
	$(GO) build -o bin/frontdesk ./cmd/frontdesk
	$(GO) build -o bin/frontdesk-load ./cmd/frontdesk-load

## load: the bare net/http baseline against the product on Redis, same traffic (hello, then browse), then ack latency at half the product's rate; 16 senders at send_rate 1000 so WhatsApp's per-sender limit stays out of the figures
load: load-bin
	bin/frontdesk-load compare --scenario hello --concurrency 64 --senders 16 --send-rate 1000 --rounds 3 --half
	bin/frontdesk-load compare --scenario browse --concurrency 64 --senders 16 --send-rate 1000 --rounds 3

## load-embedded: the product on the embedded store (one run, hello)
load-embedded: load-bin
	bin/frontdesk-load run --embedded --scenario hello --concurrency 64 --senders 16 --send-rate 1000

## load-memory: bytes per resident conversation, 100k conversations (about 3 minutes: it waits for the server's garbage collections)
load-memory: load-bin
	bin/frontdesk-load memory --conversations 100000

## load-startup: start-up to ready with 1M conversations stored in Redis
load-startup: load-bin
	bin/frontdesk-load startup --conversations 1000000

## test-crash: the crash test alone (kill -9 under load, then count replies); needs Redis
test-crash:
	$(GO) test -race -count=1 -v -run '^TestCrashRecovery$$' ./cmd/frontdesk-load/loadgen/

# Reminder lateness (runtime/reminders_load_test.go); figures in docs/performance.md.
.PHONY: load-reminders

## load-reminders: 100k reminders due over 60 s on Redis (REDIS_URL or 127.0.0.1:6379), the process restarted half-way; lateness percentiles, duplicates, lost (about 2 minutes)
load-reminders:
	FRONTDESK_LOAD_REMINDERS=100000 $(GO) test -run '^TestReminderLoad$$' -count=1 -v -timeout 30m ./runtime/
