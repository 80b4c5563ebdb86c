#include "connection/facts_subset.h"

#include <map>
#include <sstream>

namespace drover::connection {

namespace {

// Every collector drover knows on Linux, and the fact names that select it
// (Ansible's _fact_ids), as setup's valid subsets.
const std::map<std::string, std::set<std::string>>& CollectorAliases() {
  static const std::map<std::string, std::set<std::string>> aliases = {
      {"apparmor", {}},
      {"caps", {"system_capabilities", "system_capabilities_enforced"}},
      {"chroot", {"is_chroot"}},
      {"cmdline", {}},
      {"date_time", {}},
      {"distribution",
       {"distribution_version", "distribution_release", "distribution_major_version", "os_family"}},
      {"dns", {}},
      {"env", {}},
      {"facter", {}},
      {"fibre_channel_wwn", {}},
      {"fips", {}},
      {"hardware", {"processor", "processor_cores", "processor_count", "mounts", "devices"}},
      {"iscsi", {}},
      {"loadavg", {}},
      {"local", {}},
      {"lsb", {}},
      {"network",
       {"interfaces", "default_ipv4", "default_ipv6", "all_ipv4_addresses", "all_ipv6_addresses"}},
      {"nvme", {}},
      {"ohai", {}},
      {"pkg_mgr", {}},
      {"platform",
       {"system", "kernel", "kernel_version", "machine", "python_version", "architecture",
        "machine_id"}},
      {"python", {}},
      {"selinux", {}},
      {"service_mgr", {}},
      {"ssh_pub_keys",
       {"ssh_host_pub_keys", "ssh_host_key_dsa_public", "ssh_host_key_rsa_public",
        "ssh_host_key_ecdsa_public", "ssh_host_key_ed25519_public"}},
      {"user",
       {"user_id", "user_uid", "user_gid", "user_gecos", "user_dir", "user_shell", "real_user_id",
        "effective_user_id", "effective_group_ids"}},
      {"virtual",
       {"virtualization_type", "virtualization_role", "virtualization_tech_guest",
        "virtualization_tech_host"}},
  };
  return aliases;
}

const std::set<std::string> kMinimal = {
    "apparmor", "caps",    "cmdline",     "date_time",    "distribution", "dns",
    "env",      "fips",    "local",       "lsb",          "pkg_mgr",      "platform",
    "python",   "selinux", "service_mgr", "ssh_pub_keys", "user"};

// Collectors whose facts need others' (Ansible's required_facts).
const std::map<std::string, std::set<std::string>> kRequires = {
    {"network", {"distribution", "platform"}},
    {"hardware", {"platform"}},
    {"service_mgr", {"platform", "distribution"}},
};

std::set<std::string> ValidSubsets() {
  std::set<std::string> valid;
  for (const auto& [name, ids] : CollectorAliases()) {
    valid.insert(name);
    valid.insert(ids.begin(), ids.end());
  }
  return valid;
}

// A fact name or collector name -> its collector.
std::string CollectorOf(const std::string& id) {
  for (const auto& [name, ids] : CollectorAliases())
    if (name == id || ids.count(id)) return name;
  return id;
}

// As setup's get_collector_names: min, then additions, minus exclusions,
// plus the subsets named explicitly.
Result<std::set<std::string>> CollectorNames(const std::vector<std::string>& subsets) {
  const std::set<std::string> valid = ValidSubsets();
  std::set<std::string> add, exclude, explicit_add;
  std::vector<std::string> with_min = {"min"};
  with_min.insert(with_min.end(), subsets.begin(), subsets.end());
  for (const std::string& spec : with_min) {
    if (spec == "min") {
      add.insert(kMinimal.begin(), kMinimal.end());
    } else if (spec == "all") {
      add.insert(valid.begin(), valid.end());
    } else if (spec == "!min") {
      exclude.insert(kMinimal.begin(), kMinimal.end());
    } else if (spec == "!all") {
      for (const std::string& v : valid)
        if (!kMinimal.count(v)) exclude.insert(v);
    } else if (!spec.empty() && spec[0] == '!') {
      const std::string name = spec.substr(1);
      if (auto it = CollectorAliases().find(name); it != CollectorAliases().end())
        exclude.insert(it->second.begin(), it->second.end());
      exclude.insert(name);
    } else {
      if (!valid.count(spec)) {
        std::string allowed;
        for (const std::string& v : valid) allowed += ", " + v;
        return MakeError("Bad subset '" + spec +
                         "' given to Ansible. gather_subset options allowed: all" + allowed);
      }
      explicit_add.insert(spec);
      add.insert(spec);
    }
  }
  if (add.empty()) add = valid;
  std::set<std::string> names;
  for (const std::string& a : add)
    if (!exclude.count(a) || explicit_add.count(a)) names.insert(a);
  return names;
}

std::vector<std::string> StringList(const Value& v) {
  std::vector<std::string> out;
  auto split = [&](const std::string& s) {
    std::stringstream in(s);
    for (std::string part; std::getline(in, part, ',');) {
      const size_t b = part.find_first_not_of(" \t");
      if (b == std::string::npos) continue;
      out.push_back(part.substr(b, part.find_last_not_of(" \t") - b + 1));
    }
  };
  if (v.is_list()) {
    for (const Value& item : v.as_list()) split(item.is_string() ? item.as_string() : "");
  } else if (v.is_string()) {
    split(v.as_string());
  }
  return out;
}

}  // namespace

Result<FactsRequest> FactsRequestFromArgs(const Map& args) {
  FactsRequest r;
  std::vector<std::string> subsets = {"all"};
  if (const Value* v = args.find("gather_subset"); v && !v->is_null()) subsets = StringList(*v);
  r.gather_subset.clear();
  for (const std::string& s : subsets) r.gather_subset.emplace_back(s);
  Result<std::set<std::string>> names = CollectorNames(subsets);
  if (!names) return names.take_error();
  for (const std::string& n : *names) r.collectors.insert(CollectorOf(n));
  for (const auto& [collector, needs] : kRequires)
    if (r.collectors.count(collector)) r.collectors.insert(needs.begin(), needs.end());
  if (const Value* t = args.find("gather_timeout"); t && !t->is_null()) {
    if (t->is_int()) {
      r.timeout_s = t->as_int();
    } else if (t->is_string() && !t->as_string().empty() &&
               t->as_string().find_first_not_of("0123456789") == std::string::npos) {
      r.timeout_s = std::stoll(t->as_string());
    } else {
      return MakeError("argument 'gather_timeout' is of type " + std::string(t->type_name()) +
                       " and we were unable to convert to int");
    }
  }
  if (const Value* p = args.find("fact_path"); p && p->is_string() && !p->as_string().empty())
    r.fact_path = p->as_string();
  if (const Value* f = args.find("filter"); f && !f->is_null()) r.filter = StringList(*f);
  return r;
}

const FactsRequest& AllFacts() {
  static const FactsRequest all = *FactsRequestFromArgs(Map{});
  return all;
}

}  // namespace drover::connection
