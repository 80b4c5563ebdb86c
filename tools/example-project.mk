# The root Makefile's targets for an example project (examples/NAME/),
# included by examples/NAME/Makefile, which runs in its own directory. The
# project is laid out like the root deployment: environments/ENV/hosts and
# group_vars, vault/ENV.password, playbooks/site.yml, roles/, ansible.cfg.
# The engine, the local VMs and the services they need are the root's:
# $(root)/build/drover, tools/vm/env.sh (with DROVER_PROJECT, so that the
# project's VMs, key and known_hosts are its own) and tools/localenv/.
#
# The including Makefile sets, before the include:
#   root        the repository root, relative (../..)
#   stand_ins   optional: NAME=DIR pairs, stand-in git repositories served
#               to env=vagrant at git://10.213.0.1/NAME.git (DIR is a
#               directory of the project, published as committed)
# and may add targets of its own after it (e.g. run_tag targets).
env ?= vagrant
BUILD ?= $(root)/build
vault_password_file = vault/$(env).password
inventory = environments/$(env)/hosts
env_args = -i $(inventory) --vault-password-file $(vault_password_file)
# The engine; `make deploy PLAYBOOK=ansible-playbook` runs the same with Ansible.
PLAYBOOK ?= $(BUILD)/drover playbook
project_dir := $(patsubst $(abspath $(root))/%,%,$(CURDIR))
vm_env := DROVER_PROJECT=$(CURDIR) $(root)/tools/vm/env.sh

.PHONY: build ping provision deploy secrets env-services vm vm-down vm-ssh vm-reset

build:
	@$(MAKE) --no-print-directory -C $(root) build BUILD=$(abspath $(BUILD))

# `make TARGET env=X opts=...` runs playbooks/site.yml with tag TARGET.
run_tag = $(PLAYBOOK) $(env_args) -t $(1) playbooks/site.yml $(opts)

ping: build env-services
	@$(BUILD)/drover ping all $(env_args) $(opts)

provision: build env-services
	@$(call run_tag,provision)

deploy: build env-services
	@$(call run_tag,deploy)

# Edit an environment's vaulted secrets (plaintext only in a private temp dir).
secrets: build
	@$(BUILD)/drover vault edit --vault-password-file $(vault_password_file) environments/$(env)/group_vars/all/secrets.yml

# The stand-in repositories, published to the root's .vm/git/ and served by
# its git daemon: for env=vagrant only.
env-services:
	@if [ "$(env)" = vagrant ]; then \
	  for pair in $(stand_ins); do \
	    $(root)/tools/localenv/app-repo.sh $(root)/.vm/git/$${pair%%=*}.git $(project_dir)/$${pair#*=} >/dev/null || exit 1; \
	  done; \
	  $(root)/tools/localenv/services.sh git $(env); \
	fi

# Local VMs of this project (tools/vm/): every 10.213.X.Y ansible_host of
# environments/$(env)/hosts boots in a network of its own. Needs root.
vm:
	@$(root)/tools/deps.sh
	@$(vm_env) up $(env)
	@$(MAKE) --no-print-directory env-services env=$(env)
vm-down:
	@if [ "$(env)" = vagrant ]; then $(root)/tools/localenv/services.sh down $(env); fi
	@$(vm_env) down $(env)
vm-ssh:
	@$(vm_env) ssh $(env) $(user)
vm-reset:
	@$(vm_env) reset $(env)
