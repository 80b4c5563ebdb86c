# The root Makefile's everyday targets for an example project, included by
# examples/NAME/Makefile and run from examples/NAME/ (where its ansible.cfg,
# environments/, playbooks/, roles/ and vault/ are):
#   make vm|vm-down|vm-ssh|vm-reset env=vagrant   the example's local VMs
#                  (tools/vm/env.sh with DROVER_VM_PROJECT: kept apart from
#                  the root deployment's as the environment NAME-ENV)
#   make ping|provision|deploy env=X opts='...'   as the root Makefile
#   make secrets env=X                            drover vault edit
# The including Makefile sets EXAMPLE (its name) and may set APP_SOURCE (a
# directory of this repository, served for env=vagrant as
# git://10.213.0.1/$(EXAMPLE).git by tools/localenv/services.sh).
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
BUILD ?= $(ROOT)/build
env ?= vagrant
SITE ?= playbooks/site.yml
vault_password_file = vault/$(env).password
env_args = -i environments/$(env)/hosts --vault-password-file $(vault_password_file)
# The engine; `make deploy PLAYBOOK=ansible-playbook` runs the same with Ansible.
PLAYBOOK ?= $(BUILD)/drover playbook
vm_tool = DROVER_VM_PROJECT=$(CURDIR) $(ROOT)/tools/vm/env.sh

.PHONY: build ping provision deploy secrets env-services vm vm-down vm-ssh vm-status vm-reset

build:
	@$(MAKE) --no-print-directory -C $(ROOT) build BUILD=$(BUILD)

ping: build env-services
	@$(BUILD)/drover ping all $(env_args) $(opts)

provision: build env-services
	@$(PLAYBOOK) $(env_args) -t provision $(SITE) $(opts)

deploy: build env-services
	@$(PLAYBOOK) $(env_args) -t deploy $(SITE) $(opts)

secrets: build
	@$(BUILD)/drover vault edit --vault-password-file $(vault_password_file) environments/$(env)/group_vars/all/secrets.yml

# The app's git repository for the local VM (nothing for other environments).
env-services:
	@if [ "$(env)" = vagrant ] && [ -n "$(APP_SOURCE)" ]; then \
	  $(ROOT)/tools/localenv/services.sh repo $(APP_SOURCE) $(EXAMPLE); fi

vm:
	@$(MAKE) --no-print-directory -C $(ROOT) deps
	@$(vm_tool) up $(env)
	@$(MAKE) --no-print-directory env-services env=$(env)
vm-down:
	@if [ "$(env)" = vagrant ] && [ -n "$(APP_SOURCE)" ]; then $(ROOT)/tools/localenv/services.sh git-down; fi
	@$(vm_tool) down $(env)
vm-ssh:
	@$(vm_tool) ssh $(env) $(user)
vm-status:
	@$(vm_tool) status $(env)
vm-reset:
	@$(vm_tool) reset $(env)
