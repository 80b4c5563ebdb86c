#include "inventory/ini_source.h"

#include <cctype>
#include <map>
#include <memory>
#include <vector>

#include "core/shlex.h"
#include "inventory/host_address.h"
#include "inventory/python_literal.h"

namespace drover::inventory {
namespace {

bool IsWordChar(unsigned char c) {
  return std::isalnum(c) || c == '_' || c >= 0x80;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Group name characters: not ':', not ']', not whitespace.
bool IsGroupNameChar(char c) {
  return c != ':' && c != ']' && !std::isspace(static_cast<unsigned char>(c));
}

// "\s*(#.*)?$" at `pos`.
bool OnlyCommentFollows(std::string_view line, size_t pos) {
  while (pos < line.size() && std::isspace(static_cast<unsigned char>(line[pos]))) ++pos;
  return pos == line.size() || line[pos] == '#';
}

struct Section {
  std::string group;
  std::string state;  // "" when absent
};

// ^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$
bool MatchSection(std::string_view line, Section* out) {
  if (line.empty() || line[0] != '[') return false;
  size_t i = 1;
  while (i < line.size() && IsGroupNameChar(line[i])) ++i;
  if (i == 1) return false;
  out->group = std::string(line.substr(1, i - 1));
  out->state.clear();
  if (i < line.size() && line[i] == ':') {
    size_t start = ++i;
    while (i < line.size() && IsWordChar(static_cast<unsigned char>(line[i]))) ++i;
    if (i == start) return false;
    out->state = std::string(line.substr(start, i - start));
  }
  if (i >= line.size() || line[i] != ']') return false;
  return OnlyCommentFollows(line, i + 1);
}

// ^([^:\]\s]+)\s*(?:#.*)?$
bool MatchGroupName(std::string_view line, std::string* out) {
  size_t i = 0;
  while (i < line.size() && IsGroupNameChar(line[i])) ++i;
  if (i == 0 || !OnlyCommentFollows(line, i)) return false;
  *out = std::string(line.substr(0, i));
  return true;
}

struct Pending {
  int line = 0;
  std::string state;
  std::vector<std::string> parents;
};

class IniParser {
 public:
  IniParser(const std::string& path, Inventory* inv)
      : file_(std::make_shared<const std::string>(path)), inv_(inv) {}

  Status Parse(std::string_view text) {
    std::string groupname = "ungrouped";
    std::string state = "hosts";
    size_t pos = 0;
    while (pos <= text.size()) {
      size_t nl = text.find('\n', pos);
      std::string_view raw = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
      pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
      ++lineno_;
      std::string_view line = Trim(raw);
      if (line.empty() || line[0] == '#' || line[0] == ';') continue;

      Section section;
      if (MatchSection(line, &section)) {
        groupname = section.group;
        state = section.state.empty() ? "hosts" : section.state;
        if (state != "hosts" && state != "children" && state != "vars") {
          return Fail("Section [" + section.group + ":" + section.state +
                      "] has unknown type: " + state);
        }
        if (inv_->FindGroup(groupname) == nullptr) {
          if (state == "vars" && !pending_.count(groupname)) {
            pending_[groupname] = Pending{lineno_, state, {}};
            order_.push_back(groupname);
          }
          inv_->AddGroup(groupname);
        }
        auto it = pending_.find(groupname);
        if (it != pending_.end() && state != "vars") {
          if (it->second.state == "children") {
            if (Status s = AddPendingChildren(groupname); !s) return s;
          } else if (it->second.state == "vars") {
            pending_.erase(it);
          }
        }
        continue;
      }
      if (line.front() == '[' && line.back() == ']') {
        return Fail("Invalid section entry: '" + std::string(line) +
                    "'. Please make sure that there are no spaces in the section entry, and "
                    "that there are no other invalid characters");
      }

      Status s;
      if (state == "hosts") {
        s = ParseHostLine(line, groupname);
      } else if (state == "vars") {
        size_t eq = line.find('=');
        if (eq == std::string_view::npos)
          return Fail("Expected key=value, got: " + std::string(line));
        std::string key(Trim(line.substr(0, eq)));
        Value v = ParseIniValue(Trim(line.substr(eq + 1)));
        v.set_where(Here());
        s = inv_->SetGroupVar(inv_->FindGroup(groupname), key, std::move(v));
        if (!s) return Fail(s.error().message);
      } else {
        std::string child;
        if (!MatchGroupName(line, &child)) {
          return Fail("Expected group name, got: " + std::string(line));
        }
        if (inv_->FindGroup(child) == nullptr) {
          auto it = pending_.find(child);
          if (it == pending_.end()) {
            pending_[child] = Pending{lineno_, "children", {groupname}};
            order_.push_back(child);
          } else {
            it->second.parents.push_back(groupname);
          }
        } else {
          s = inv_->AddChild(inv_->FindGroup(groupname), inv_->FindGroup(child));
          if (!s) return Fail(s.error().message);
        }
      }
      if (!s) return s;
    }
    // Unresolved references: report the first, as Ansible does.
    for (const std::string& name : order_) {
      auto it = pending_.find(name);
      if (it == pending_.end()) continue;
      const Pending& p = it->second;
      Location where{file_, p.line, 0};
      if (p.state == "vars") {
        return MakeError("Section [" + name + ":vars] not valid for undefined group: " + name,
                         where);
      }
      return MakeError(
          "Section [" + p.parents.back() + ":children] includes undefined group: " + name, where);
    }
    return {};
  }

 private:
  Location Here() const { return Location{file_, lineno_, 0}; }
  Error Fail(std::string message) const { return MakeError(std::move(message), Here()); }

  Status AddPendingChildren(const std::string& group) {
    auto it = pending_.find(group);
    std::vector<std::string> parents = it->second.parents;
    for (const std::string& parent : parents) {
      Status s = inv_->AddChild(inv_->AddGroup(parent), inv_->FindGroup(group));
      if (!s) return Fail(s.error().message);
      auto pit = pending_.find(parent);
      if (pit != pending_.end() && pit->second.state == "children") {
        if (Status s2 = AddPendingChildren(parent); !s2) return s2;
      }
    }
    pending_.erase(group);
    return {};
  }

  Status ParseHostLine(std::string_view line, const std::string& groupname) {
    Result<std::vector<std::string>> tokens = ShlexSplit(line, {.comments = true});
    if (!tokens) {
      return Fail("Error parsing host definition '" + std::string(line) +
                  "': " + tokens.error().message);
    }
    if (tokens->empty()) return {};
    const std::string& entry = (*tokens)[0];
    Result<HostPatternExpansion> hosts = ExpandHostPattern(entry);
    if (!hosts) return Fail(hosts.error().message + " (in '" + entry + "')");
    if (!entry.empty() && entry.back() == ':' && !hosts->port) {
      return Fail("Invalid host pattern '" + entry +
                  "' supplied, ending in ':' is not allowed, this character is reserved to "
                  "provide a port.");
    }
    for (const std::string& h : hosts->hosts) {
      if (Trim(h) == "---") {
        return Fail("Invalid host pattern '" + entry +
                    "' supplied, '---' is normally a sign this is a YAML file.");
      }
    }
    std::vector<std::pair<std::string, Value>> vars;
    for (size_t i = 1; i < tokens->size(); ++i) {
      const std::string& t = (*tokens)[i];
      size_t eq = t.find('=');
      if (eq == std::string::npos) {
        return Fail("Expected key=value host variable assignment, got: " + t);
      }
      Value v = ParseIniValue(std::string_view(t).substr(eq + 1));
      v.set_where(Here());
      vars.emplace_back(t.substr(0, eq), std::move(v));
    }
    Group* group = inv_->FindGroup(groupname);
    for (const std::string& name : hosts->hosts) {
      Host* host = inv_->AddHost(name, group, hosts->port);
      for (const auto& [k, v] : vars) Inventory::SetHostVar(host, k, v);
    }
    return {};
  }

  std::shared_ptr<const std::string> file_;
  Inventory* inv_;
  int lineno_ = 0;
  std::map<std::string, Pending> pending_;
  std::vector<std::string> order_;  // pending names in first-seen order
};

}  // namespace

Status LoadIniInventory(std::string_view text, const std::string& path, Inventory* inventory) {
  return IniParser(path, inventory).Parse(text);
}

}  // namespace drover::inventory
