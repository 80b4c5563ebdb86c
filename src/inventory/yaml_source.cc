#include "inventory/yaml_source.h"

#include "inventory/host_address.h"

namespace drover::inventory {
namespace {

class YamlParser {
 public:
  YamlParser(const std::string& path, Inventory* inv)
      : file_(std::make_shared<const std::string>(path)), inv_(inv) {}

  Status ParseGroup(const std::string& name, const Value& data, Location where,
                    Group** out = nullptr) {
    if (!data.is_null() && !data.is_map()) {
      Warn("Skipping '" + name + "' as this is not a valid group definition", where);
      if (out) *out = nullptr;
      return {};
    }
    Group* group = inv_->AddGroup(name);
    if (out) *out = group;
    if (data.is_null()) return {};
    for (const auto& [key, raw] : data.as_map()) {
      Value section = raw;
      const Location at = raw.where().known() ? raw.where() : where;
      if ((key == "vars" || key == "children" || key == "hosts") && section.is_string()) {
        section = Value(Map{{section.as_string(), Value()}});
      }
      if (!section.is_null() && !section.is_map()) {
        if (key == "vars" || key == "children" || key == "hosts") {
          return MakeError("Invalid \"" + key + "\" entry for \"" + name +
                               "\" group, requires a dictionary, found \"" +
                               std::string(section.type_name()) + "\" instead.",
                           at);
        }
        Warn("Skipping key (" + key + ") in group (" + name + ") as it is not a mapping, it is a " +
                 std::string(section.type_name()),
             at);
        continue;
      }
      if (section.is_null()) continue;
      if (key == "vars") {
        for (const auto& [var, value] : section.as_map()) {
          if (Status s = inv_->SetGroupVar(group, var, value); !s) return s;
        }
      } else if (key == "children") {
        for (const auto& [child_name, child_data] : section.as_map()) {
          Group* child = nullptr;
          Location cw = child_data.where().known() ? child_data.where() : at;
          if (Status s = ParseGroup(child_name, child_data, cw, &child); !s) return s;
          if (child == nullptr) child = inv_->AddGroup(child_name);
          if (Status s = inv_->AddChild(group, child); !s) {
            return MakeError(s.error().message, cw);
          }
        }
      } else if (key == "hosts") {
        for (const auto& [entry, host_vars] : section.as_map()) {
          Location hw = host_vars.where().known() ? host_vars.where() : at;
          Result<HostPatternExpansion> hosts = ExpandHostPattern(entry);
          if (!hosts) return MakeError(hosts.error().message + " (in '" + entry + "')", hw);
          if (!host_vars.is_null() && !host_vars.is_map()) {
            return MakeError("Invalid data from file, expected dictionary and got: " +
                                 std::string(host_vars.type_name()),
                             hw);
          }
          for (const std::string& h : hosts->hosts) {
            Host* host = inv_->AddHost(h, group, hosts->port);
            if (host_vars.is_map()) {
              for (const auto& [k, v] : host_vars.as_map()) Inventory::SetHostVar(host, k, v);
            }
          }
        }
      } else {
        Warn("Skipping unexpected key (" + key + ") in group (" + name +
                 "), only \"vars\", \"children\" and \"hosts\" are valid",
             at);
      }
    }
    return {};
  }

 private:
  void Warn(std::string message, Location where) {
    inv_->warnings().push_back(MakeError(std::move(message), std::move(where)));
  }

  std::shared_ptr<const std::string> file_;
  Inventory* inv_;
};

}  // namespace

bool IsYamlInventory(const Value& doc) {
  return doc.is_map() && !doc.as_map().empty() && !doc.as_map().contains("plugin");
}

Status LoadYamlInventory(const Value& doc, const std::string& path, Inventory* inventory) {
  if (!IsYamlInventory(doc)) {
    return MakeError("YAML inventory has invalid structure, it should be a dictionary",
                     Location{std::make_shared<const std::string>(path), 0, 0});
  }
  YamlParser parser(path, inventory);
  for (const auto& [name, data] : doc.as_map()) {
    Location where = data.where().known()
                         ? data.where()
                         : Location{std::make_shared<const std::string>(path), 0, 0};
    if (Status s = parser.ParseGroup(name, data, where); !s) return s;
  }
  return {};
}

}  // namespace drover::inventory
