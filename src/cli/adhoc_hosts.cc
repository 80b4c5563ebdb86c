#include "cli/adhoc_hosts.h"

#include <fnmatch.h>

#include <algorithm>
#include <sstream>

namespace drover::cli {

namespace {

std::vector<std::string> SplitAny(const std::string& text, const std::string& separators) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : text) {
    if (separators.find(c) != std::string::npos) {
      if (!current.empty()) parts.push_back(current);
      current.clear();
    } else if (c != ' ') {
      current += c;
    }
  }
  if (!current.empty()) parts.push_back(current);
  return parts;
}

bool Matches(const std::string& pattern, const std::string& name) {
  return pattern == "all" || pattern == "*" || fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

}  // namespace

Result<std::vector<AdhocHost>> ResolveAdhocHosts(const std::string& pattern,
                                                 const std::vector<std::string>& inventories,
                                                 const Map& extra_vars) {
  std::vector<AdhocHost> listed;
  for (const std::string& inv : inventories) {
    if (inv.find(',') == std::string::npos) {
      Error e = MakeError("inventory '" + inv +
                          "': inventory files are not supported by `drover adhoc` yet; "
                          "give hosts inline, e.g. -i 'web1,web2:2222,'");
      e.code = ExitCode::kBadOptions;
      return e;
    }
    for (const std::string& entry : SplitAny(inv, ",")) {
      AdhocHost h;
      h.name = entry;
      // "host:port", as Ansible's inline list (IPv6 needs [addr]:port).
      const size_t colon = entry.rfind(':');
      if (colon != std::string::npos && entry.find(':') == colon && colon + 1 < entry.size() &&
          std::all_of(entry.begin() + static_cast<long>(colon) + 1, entry.end(), ::isdigit)) {
        h.name = entry.substr(0, colon);
        h.vars.set("ansible_port", std::stoll(entry.substr(colon + 1)));
      }
      const bool seen = std::any_of(listed.begin(), listed.end(),
                                    [&](const AdhocHost& x) { return x.name == h.name; });
      if (!seen) listed.push_back(std::move(h));
    }
  }
  std::vector<std::string> include, exclude;
  for (const std::string& p : SplitAny(pattern, ",:")) {
    if (p[0] == '!') {
      exclude.push_back(p.substr(1));
    } else {
      include.push_back(p);
    }
  }
  std::vector<AdhocHost> hosts;
  for (const AdhocHost& h : listed) {
    bool in = std::any_of(include.begin(), include.end(),
                          [&](const std::string& p) { return Matches(p, h.name); });
    bool out = std::any_of(exclude.begin(), exclude.end(),
                           [&](const std::string& p) { return Matches(p, h.name); });
    if (in && !out) hosts.push_back(h);
  }
  const bool wants_localhost =
      std::find(include.begin(), include.end(), "localhost") != include.end();
  const bool has_localhost = std::any_of(hosts.begin(), hosts.end(),
                                         [](const AdhocHost& h) { return h.name == "localhost"; });
  if (wants_localhost && !has_localhost) {
    AdhocHost local;
    local.name = "localhost";
    local.vars.set("ansible_connection", "local");
    hosts.push_back(local);
  }
  for (AdhocHost& h : hosts) {
    for (const auto& [k, v] : extra_vars) h.vars.set(k, v);
  }
  return hosts;
}

}  // namespace drover::cli
