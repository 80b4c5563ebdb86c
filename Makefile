# drover: see README.md. The targets a newcomer needs: `make demo`, `make test`.
BUILD ?= build
env ?= vagrant

.PHONY: all build asan fuzz deps test unit demo release install deb ping provision deploy secrets env-services tunnel links format format-check clean bench

# `make`: the release build (build-release/drover, -O3, no test binaries,
# no -Werror). `make build` is the test build every test uses (build/).
all: release

deps:
	@tools/deps.sh

$(BUILD)/build.ninja:
	@meson setup $(BUILD) --buildtype=debugoptimized -Dwerror=true -Dtests=true >/dev/null

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
# Says first what it needs and how long it takes, then shows each step (the
# build with ninja's progress lines).
demo:
	@echo "make demo: needs root and Debian's apt (it installs packages, boots a local VM with"
	@echo "systemd-nspawn); the first run usually takes 15-20 minutes (packages, build, the VM's"
	@echo "base image and packages), a run after that a few minutes."
	@echo "==> dependencies (make deps)"
	@$(MAKE) --no-print-directory deps
	@echo "==> build (make build)"
	@$(MAKE) -s --no-print-directory $(BUILD)/build.ninja
	@ninja -C $(BUILD)
	@$(MAKE) --no-print-directory links
	@tools/demo.sh $(env)

# The release build (make install, make deb): meson's release buildtype (-O3,
# no -g), hardened, without -Werror, in its own build dir; only what
# `meson install` installs is built (no test binaries). The prefix is set on
# each call: changing it reconfigures, it recompiles nothing.
PREFIX ?= /usr/local
RELEASE_BUILD ?= build-release
RELEASE_FLAGS = --buildtype=release -Dwerror=false -Dtests=false \
  -Dcpp_args='-fstack-protector-strong -D_FORTIFY_SOURCE=2' -Dcpp_link_args='-Wl,-z,relro,-z,now'
# A build dir made before an option existed is set up again (--reconfigure).
release_setup = env -u CFLAGS -u CXXFLAGS -u CPPFLAGS -u LDFLAGS \
  meson setup $(1) $(RELEASE_BUILD) $(RELEASE_FLAGS) --prefix=$(PREFIX) >/dev/null
release:
	@[ -f $(RELEASE_BUILD)/build.ninja ] || $(call release_setup)
	@meson configure $(RELEASE_BUILD) -Dprefix=$(PREFIX) -Dtests=false >/dev/null 2>&1 || \
	  $(call release_setup,--reconfigure)
	@ninja -C $(RELEASE_BUILD) --quiet drover dist/drover.1
	@echo "release build: $(RELEASE_BUILD)/drover (make build for the test build in $(BUILD)/)"

# drover (stripped) in $(PREFIX)/bin, its man page, bash and zsh completions,
# and the ansible-* links in $(PREFIX)/lib/drover/ansible-bin. DESTDIR honoured.
install: deps release
	@DESTDIR="$(DESTDIR)" meson install -C $(RELEASE_BUILD) --no-rebuild --strip --quiet
	@echo "drover installed: $(DESTDIR)$(PREFIX)/bin/drover, man drover; ansible-* links: $(PREFIX)/lib/drover/ansible-bin (put it first on PATH to run existing Makefiles with drover)"

# The Debian package, with dpkg-buildpackage from debian/ (debian/rules builds
# with the release build above). It runs in a copy of debian/ under
# $(BUILD)/deb/, so the .deb, .buildinfo and .changes land in $(BUILD)/deb/.
DEB_DIR = $(BUILD)/deb
deb: deps
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/drover && cp -r debian $(DEB_DIR)/drover/
	@cd $(DEB_DIR)/drover && DROVER_SOURCE=$(CURDIR) RELEASE_BUILD=$(RELEASE_BUILD) \
	  dpkg-buildpackage -b -us -uc >../build.log 2>&1 || { tail -40 ../build.log; exit 1; }
	@echo "deb: $$(ls $(DEB_DIR)/*.deb)"

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
	rm -rf $(BUILD) $(RELEASE_BUILD)

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
