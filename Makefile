# Duka: the commands a developer and CI use. Each target is a thin door to a script under scripts/.
SHELL := /bin/bash

.PHONY: start test demo infra stop-infra infra-status typecheck lint gen bench pnpm

# pnpm 10 (pinned in package.json) is installed with npm when absent; pnpm 11 crashes on Node 20.
pnpm:
	@bash scripts/lib/ensure-pnpm

start: pnpm
	@bash scripts/dev

test: pnpm
	@bash scripts/test

demo: pnpm
	pnpm exec tsx scripts/demo.ts

infra:
	@bash scripts/infra start

stop-infra:
	@bash scripts/infra stop

infra-status:
	@bash scripts/infra status

typecheck: pnpm
	pnpm typecheck

lint: pnpm
	pnpm lint

gen: pnpm
	pnpm gen

bench: pnpm
	pnpm exec tsx scripts/bench/run.ts
