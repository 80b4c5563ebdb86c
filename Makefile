# drover: see README.md. The targets a newcomer needs: `make demo`, `make test`.
BUILD ?= build
env ?= vagrant

.PHONY: all build asan fuzz deps test unit demo install ping provision deploy secrets env-services tunnel links format format-check clean bench

all: build

deps:
	@tools/deps.sh

$(BUILD)/build.ninja:
	@meson setup $(BUILD) --buildtype=debugoptimized >/dev/null

build: $(BUILD)/build.ninja
	@ninja -C $(BUILD) --quiet
	@$(MAKE) --no-print-directory links

# ansible-* links, so an existing Makefile runs drover with $(BUILD)/bin first on PATH.
links:
	@mkdir -p $(BUILD)/bin
	@for l in ansible-playbook ansible ansible-vault ansible-inventory drover; do \
	  ln -sf ../drover $(BUILD)/bin/$$l; done

# Every tier, the sanitizer build's included (tests/sanitize/: unit and
# chosen integration tests under ASan+UBSan, and a 10 s-per-target fuzz run).
test: deps build asan format-check
	@tests/run.sh

unit: build
	@DROVER_TEST_TIERS=unit tests/run.sh

# The benchmark (bench/bench.py, not part of `make test`): drover against
# ansible-playbook and the SSH floor; prints the table, writes bench/results/.
# BENCH_QUICK=1 for a short run, BENCH_SCENARIOS="mix-50 scale-10" to pick.
bench: deps build
	@bench/bench.py

# The main job (playbooks/site.yml, environments/$(env)): what users type.
# Extra flags pass through: make deploy env=prod opts='--check --diff'.
vault_password_file = vault/$(env).password
inventory = environments/$(env)/hosts
env_args = -i $(inventory) --vault-password-file $(vault_password_file)
# The engine; `make deploy PLAYBOOK=ansible-playbook` runs the same with Ansible.
PLAYBOOK ?= $(BUILD)/drover playbook

# The reference deployment on the local VM, then its timings (tools/demo.sh).
demo: deps build
	@tools/demo.sh $(env)

# Dependencies, build, the ansible-* links, then drover in $(PREFIX)/bin.
PREFIX ?= /usr/local
install: deps build
	@install -D -m 0755 $(BUILD)/drover $(DESTDIR)$(PREFIX)/bin/drover
	@echo "drover installed: $(DESTDIR)$(PREFIX)/bin/drover (ansible-* links: $(CURDIR)/$(BUILD)/bin, put it first on PATH to run existing Makefiles with drover)"

ping: build env-services
	@$(BUILD)/drover ping all $(env_args) $(opts)

provision: build env-services
	@$(PLAYBOOK) $(env_args) -t provision playbooks/site.yml $(opts)

deploy: build env-services
	@$(PLAYBOOK) $(env_args) -t deploy playbooks/site.yml $(opts)

# Edit an environment's vaulted secrets (plaintext only in a private temp dir).
secrets: build
	@$(BUILD)/drover vault edit --vault-password-file $(vault_password_file) environments/$(env)/group_vars/all/secrets.yml

# What the local VM needs from this machine (its git repository, the ACME
# server): started for env=vagrant, nothing for the other environments.
env-services:
	@if [ "$(env)" = vagrant ]; then tools/localenv/services.sh up $(env); fi

# SSH tunnels to the local VM's nginx: http://localhost:3080, https://localhost:3443.
tunnel:
	@tools/localenv/tunnel.sh $(env)

format:
	@clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files 'src/*.cc' 'src/*.h')

clean:
	rm -rf $(BUILD)

# Local VMs (tools/vm/): Debian hosts booted with systemd-nspawn for every
# loopback ansible_host of environments/$(env)/hosts. Needs root.
.PHONY: vm vm-down vm-ssh vm-status vm-reset
vm: deps
	@tools/vm/env.sh up $(env)
	@$(MAKE) --no-print-directory env-services env=$(env)
vm-down:
	@if [ "$(env)" = vagrant ]; then tools/localenv/services.sh down $(env); fi
	@tools/vm/env.sh down $(env)
vm-ssh:
	@tools/vm/env.sh ssh $(env) $(user)
vm-status:
	@tools/vm/env.sh status all
vm-reset:
	@tools/vm/env.sh reset $(env)

# The sanitizer build (tests/sanitize/, `make fuzz`): clang with ASan+UBSan
# and libFuzzer's coverage instrumentation, at -O0 (half the compile time of
# -O1 on this machine), in its own build dir. The same objects serve the
# sanitize test tier and the fuzz targets (fuzz/, built only by `make fuzz`).
ASAN_BUILD ?= build-asan
$(ASAN_BUILD)/build.ninja:
	@CC="ccache clang" CXX="ccache clang++" meson setup $(ASAN_BUILD) --buildtype=debugoptimized \
	  -Doptimization=0 -Ddebug=false -Dwerror=false -Db_sanitize=address,undefined -Db_lundef=false \
	  -Dcpp_args='-fsanitize=fuzzer-no-link -fno-omit-frame-pointer -gline-tables-only' \
	  -Dcpp_link_args='-fsanitize=fuzzer-no-link' >/dev/null

FUZZ_TARGETS = fuzz/fuzz_yaml fuzz/fuzz_ini_inventory fuzz/fuzz_template fuzz/fuzz_vault_envelope fuzz/fuzz_host_pattern fuzz/fuzz_kv
asan: $(ASAN_BUILD)/build.ninja
	@ninja -C $(ASAN_BUILD) --quiet drover drover_tests drover_connection_itest $(FUZZ_TARGETS)

# libFuzzer: every target in fuzz/ for FUZZ_SECONDS each (default 60).
FUZZ_SECONDS ?= 60
fuzz: deps $(ASAN_BUILD)/build.ninja
	@ninja -C $(ASAN_BUILD) --quiet $(FUZZ_TARGETS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) tools/fuzz.sh $(ASAN_BUILD)
