#include "cli/target_hosts.h"

#include <filesystem>

#include "core/parser_error.h"
#include "executor/connection_vars.h"
#include "executor/lookups.h"
#include "inventory/host_pattern.h"
#include "inventory/sources.h"
#include "template/template.h"
#include "vars/inventory_vars.h"
#include "vars/precedence.h"

namespace drover::cli {

namespace {
class VarScopeAdapter : public tmpl::Scope {
 public:
  explicit VarScopeAdapter(const vars::VarScope& s) : s_(s) {}
  const Value* Lookup(std::string_view name) const override { return s_.Find(name); }

 private:
  const vars::VarScope& s_;
};
}  // namespace

Result<std::vector<TargetHost>> ResolveTargetHosts(const std::string& pattern,
                                                   const std::vector<std::string>& inventories,
                                                   const std::string& limit, const Map& extra_vars,
                                                   std::vector<Error>* warnings,
                                                   bool* inventory_empty,
                                                   const std::string& playbook_dir) {
  std::vector<std::string> sources = inventories;
  if (sources.empty()) {
    if (std::filesystem::exists("/etc/ansible/hosts")) {
      sources.push_back("/etc/ansible/hosts");
    } else {
      warnings->push_back(
          MakeError("No inventory was parsed, only implicit localhost is available"));
    }
  }
  Result<inventory::Inventory> inv = inventory::LoadInventory(sources);
  if (!inv) return inv.take_error();
  for (const Error& w : inv->warnings()) warnings->push_back(w);
  if (inventory_empty) *inventory_empty = inv->hosts().empty();
  inventory::HostMatcher matcher(&*inv);
  if (!limit.empty())
    if (Status s = matcher.SetLimit(limit); !s) return s.take_error();
  Result<std::vector<inventory::Host*>> matched = matcher.Match(pattern, warnings);
  if (!matched) return matched.take_error();
  vars::InventoryVars inventory_vars(*inv);
  if (!playbook_dir.empty()) inventory_vars.AddPlaybookDir(playbook_dir);
  auto extra = std::make_shared<const Map>(extra_vars);
  std::vector<TargetHost> hosts;
  for (inventory::Host* h : *matched) {
    vars::VarScope scope;
    // Exit code 4 as Ansible's host_group_vars plugin (AnsibleParserError).
    if (Status s = inventory_vars.AddHostLayers(*h, &scope); !s)
      return AsParserError(s.take_error());
    scope.Add(vars::Layer::kExtraVars, extra);
    TargetHost out;
    out.name = h->name;
    out.vars = scope.Flatten();
    VarScopeAdapter tscope(scope);
    // Connection variables are rendered as the playbook's are (lookups
    // included, relative to the playbook dir); one that cannot be stops
    // the run (Ansible fails that host).
    executor::LookupContext lookup_ctx;
    lookup_ctx.playbook_dir =
        playbook_dir.empty() ? std::filesystem::current_path().string() : playbook_dir;
    tmpl::ThreadLookup lookups(executor::MakeLookupHook(
        lookup_ctx, [warnings](const std::string& w) { warnings->push_back(MakeError(w)); }));
    Result<Map> rendered = executor::TemplateConnectionVars(out.vars, tscope);
    if (!rendered) return rendered.take_error();
    for (const auto& [k, v] : *rendered) out.vars.set(k, v);
    hosts.push_back(std::move(out));
  }
  return hosts;
}

}  // namespace drover::cli
