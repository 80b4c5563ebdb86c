# drover: see README.md. The targets a newcomer needs: `make demo`, `make test`.
BUILD ?= build
env ?= vagrant

.PHONY: all build deps test unit demo links format format-check clean

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

test: deps build format-check
	@tests/run.sh

unit: build
	@DROVER_TEST_TIERS=unit tests/run.sh

demo: deps build
	@echo "demo: the reference deployment (playbooks/site.yml against the local VM) has not landed yet." >&2
	@exit 1

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
vm-down:
	@tools/vm/env.sh down $(env)
vm-ssh:
	@tools/vm/env.sh ssh $(env) $(user)
vm-status:
	@tools/vm/env.sh status all
vm-reset:
	@tools/vm/env.sh reset $(env)
