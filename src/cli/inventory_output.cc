#include "cli/inventory_output.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "core/json.h"
#include "core/parser_error.h"
#include "core/yaml.h"
#include "template/template.h"
#include "vars/magic_vars.h"
#include "vars/precedence.h"

namespace drover::cli {
using inventory::Group;
using inventory::Host;

namespace {

// Vault values become {"__ansible_vault": ciphertext} and `!unsafe` strings
// {"__ansible_unsafe": text}, as AnsibleJSONEncoder writes them (without
// vault_to_text, with preprocess_unsafe).
Value VaultAsCiphertext(const Value& v) {
  if (v.is_vault()) return Value(Map{{"__ansible_vault", v.vault_envelope()}});
  if (v.is_string() && v.is_unsafe()) return Value(Map{{"__ansible_unsafe", v.as_string()}});
  if (v.is_list()) {
    List out;
    for (const Value& e : v.as_list()) out.push_back(VaultAsCiphertext(e));
    return Value(std::move(out));
  }
  if (v.is_map()) {
    Map out;
    for (const auto& [k, e] : v.as_map()) out.set(k, VaultAsCiphertext(e));
    return Value(std::move(out));
  }
  return v;
}

void RemoveInternal(Map* m) {
  std::vector<std::string> drop;
  for (const auto& [k, v] : *m) {
    if (vars::IsInternalVar(k)) drop.push_back(k);
  }
  for (const std::string& k : drop) m->erase(k);
}

// A group_vars/host_vars file that cannot be read or decrypted: Ansible's
// host_group_vars plugin raises AnsibleParserError (ansible-inventory exits 4).
Result<Map> GroupVarsForDump(const InventoryView& view, const Group& group) {
  Result<Map> vars = view.vars->GroupVars(group);
  if (!vars) return AsParserError(vars.take_error());
  if (group.priority != 1) vars->set("ansible_group_priority", group.priority);
  RemoveInternal(&*vars);
  return vars;
}

}  // namespace

Result<Map> HostVarsForDump(const InventoryView& view, const Host& host) {
  vars::VarScope scope;
  if (Status s = view.vars->AddHostLayers(host, &scope); !s) return AsParserError(s.take_error());
  Map out;
  if (view.export_mode) {
    out = scope.Flatten(vars::Layer::kInventoryHost, vars::Layer::kPlaybookHostVarsFiles);
  } else {
    if (view.extra_vars != nullptr) scope.Add(vars::Layer::kExtraVars, *view.extra_vars);
    out = scope.Flatten();
  }
  RemoveInternal(&out);
  return out;
}

Result<Value> ListInventory(const InventoryView& view) {
  Map results;
  std::set<const Group*> seen;
  // format_group of ansible/cli/inventory.py json_inventory.
  std::function<Status(const Group&)> format = [&](const Group& group) -> Status {
    Map entry;
    if (group.name != "all") {
      List hosts;
      for (const Host* h : group.hosts) hosts.emplace_back(h->name);
      if (!hosts.empty()) entry.set("hosts", Value(std::move(hosts)));
    }
    List children;
    for (const Group* c : group.children) {
      children.emplace_back(c->name);
      if (!seen.count(c)) {
        if (Status s = format(*c); !s) return s;
        seen.insert(c);
      }
    }
    if (!children.empty()) entry.set("children", Value(std::move(children)));
    if (view.export_mode) {
      Result<Map> gv = GroupVarsForDump(view, group);
      if (!gv) return gv.take_error();
      if (!gv->empty()) entry.set("vars", Value(std::move(gv).value()));
    }
    if (!entry.empty()) {
      results.set(group.name, Value(std::move(entry)));
    } else {
      results.erase(group.name);
    }
    return {};
  };
  if (Status s = format(*view.inventory->all()); !s) return s.take_error();
  Map hostvars;
  for (const Host* h : view.inventory->GroupHosts(*view.inventory->all())) {
    Result<Map> hv = HostVarsForDump(view, *h);
    if (!hv) return hv.take_error();
    if (!hv->empty()) hostvars.set(h->name, Value(std::move(hv).value()));
  }
  results.set("_meta", Value(Map{{"hostvars", Value(std::move(hostvars))}}));
  return Value(std::move(results));
}

Result<Value> ListInventoryYaml(const InventoryView& view) {
  std::set<std::string> seen;
  std::function<Result<Map>(const Group&)> format = [&](const Group& group) -> Result<Map> {
    Map entry;
    Map children;
    for (const Group* c : group.children) {
      if (c->name == "all") continue;
      Result<Map> sub = format(*c);
      if (!sub) return sub;
      for (auto& [k, v] : *sub) children.set(k, std::move(v));
    }
    if (!children.empty()) entry.set("children", Value(std::move(children)));
    Map hosts;
    if (group.name != "all") {
      for (const Host* h : group.hosts) {
        Map hv;
        if (seen.insert(h->name).second) {
          Result<Map> r = HostVarsForDump(view, *h);
          if (!r) return r;
          hv = std::move(r).value();
        }
        hosts.set(h->name, Value(std::move(hv)));
      }
    }
    if (!hosts.empty()) entry.set("hosts", Value(std::move(hosts)));
    if (view.export_mode) {
      Result<Map> gv = GroupVarsForDump(view, group);
      if (!gv) return gv;
      if (!gv->empty()) entry.set("vars", Value(std::move(gv).value()));
    }
    return Map{{group.name, Value(std::move(entry))}};
  };
  Result<Map> top = format(*view.inventory->all());
  if (!top) return top.take_error();
  return Value(std::move(top).value());
}

Result<std::string> GraphInventory(const InventoryView& view, const std::string& group_name,
                                   bool show_vars) {
  const Group* start = view.inventory->FindGroup(group_name);
  if (start == nullptr) {
    Error e = MakeError("Pattern must be valid group name when using --graph");
    e.code = ExitCode::kBadOptions;
    return e;
  }
  std::vector<std::string> lines;
  auto name_at = [](const std::string& name, int depth) {
    std::string out;
    if (depth) {
      for (int i = 0; i < depth; ++i) out += "  |";
      out += "--";
    }
    return out + name;
  };
  auto show = [&](const Map& vars, int depth) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : vars) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    for (const std::string& k : keys) {
      lines.push_back(name_at("{" + k + " = " + tmpl::PyStr(*vars.find(k)) + "}", depth));
    }
  };
  std::function<Status(const Group&, int)> graph = [&](const Group& g, int depth) -> Status {
    lines.push_back(name_at("@" + g.name + ":", depth));
    ++depth;
    for (const Group* kid : g.children) {
      if (Status s = graph(*kid, depth); !s) return s;
    }
    if (g.name != "all") {
      for (const Host* h : g.hosts) {
        lines.push_back(name_at(h->name, depth));
        if (show_vars) {
          Result<Map> hv = HostVarsForDump(view, *h);
          if (!hv) return hv.take_error();
          show(*hv, depth + 1);
        }
      }
    }
    if (show_vars) {
      Result<Map> gv = GroupVarsForDump(view, g);
      if (!gv) return gv.take_error();
      show(*gv, depth);
    }
    return {};
  };
  if (Status s = graph(*start, 0); !s) return s.take_error();
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  return out;
}

std::string DumpInventoryJson(const Value& value) {
  JsonStyle style;
  style.indent = 4;
  style.sort_keys = true;
  style.ensure_ascii = false;
  return ToJson(VaultAsCiphertext(value), style);
}

// ---- YAML output (PyYAML's block style for the shapes printed here) ----

namespace {

bool PlainScalarOk(const std::string& s) {
  if (s.empty()) return false;
  // It must read back as the same string.
  Value back = ResolvePlainScalar(s);
  if (!back.is_string() || back.as_string() != s) return false;
  const unsigned char first = static_cast<unsigned char>(s[0]);
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(static_cast<char>(first)) !=
          std::string_view::npos ||
      first == ' ') {
    if (!((first == '-' || first == '?' || first == ':') && s.size() > 1 && s[1] != ' ')) {
      return false;
    }
  }
  if (s.back() == ' ' || s.back() == ':') return false;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
  }
  if (s.find_first_of(",[]{}") != std::string::npos) {
    // Allowed in block context by PyYAML only when not flow; keep it simple.
    return s.find_first_of("[]{}") == std::string::npos;
  }
  return true;
}

std::string YamlScalar(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: return "null";
    case Value::Type::kBool: return v.as_bool() ? "true" : "false";
    case Value::Type::kInt: return std::to_string(v.as_int());
    case Value::Type::kFloat: {
      double d = v.as_float();
      if (d != d) return ".nan";
      if (d == 1.0 / 0.0) return ".inf";
      if (d == -1.0 / 0.0) return "-.inf";
      std::string r = PythonFloatRepr(d);
      if (r.find('.') == std::string::npos && r.find('e') != std::string::npos) {
        r.insert(r.find('e'), ".0");
      }
      return r;
    }
    default: break;
  }
  const std::string& s = v.as_string();
  if (PlainScalarOk(s)) return s;
  bool needs_double = false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) needs_double = true;
  }
  if (!needs_double) {
    std::string out = "'";
    for (char c : s) {
      if (c == '\'') out += '\'';
      out += c;
    }
    return out + "'";
  }
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// PyYAML's aliases: a list or dict that appears more than once (shared,
// as INI range hosts share their values) is written once with &idNNN and
// then as *idNNN. Ids are numbered in the order of their second sighting in
// a depth-first walk, as PyYAML's Serializer.anchor_node does.
struct YamlContext {
  std::unordered_map<const void*, int> anchors;  // 0: seen once
  std::unordered_set<const void*> emitted;
  int next_id = 0;
};

const void* Identity(const Value& v) {
  if (v.is_vault()) return nullptr;
  if (v.is_list()) return &v.as_list();
  if (v.is_map()) return &v.as_map();
  return nullptr;
}

std::vector<std::string> SortedKeys(const Map& m) {
  std::vector<std::string> keys;
  for (const auto& [k, e] : m) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  return keys;
}

void FindAnchors(const Value& v, YamlContext* ctx) {
  const void* id = Identity(v);
  if (id == nullptr) return;
  auto it = ctx->anchors.find(id);
  if (it != ctx->anchors.end()) {
    if (it->second == 0) it->second = ++ctx->next_id;
    return;
  }
  ctx->anchors[id] = 0;
  if (v.is_list()) {
    for (const Value& e : v.as_list()) FindAnchors(e, ctx);
  } else {
    for (const std::string& k : SortedKeys(v.as_map())) FindAnchors(*v.as_map().find(k), ctx);
  }
}

std::string AnchorName(int id) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "id%03d", id);
  return buf;
}

void EmitYaml(const Value& v, int indent, YamlContext* ctx, std::string* out);

void EmitVault(const Value& v, int indent, std::string* out) {
  *out += "!vault |";
  std::string text = v.vault_envelope();
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl == std::string::npos ? nl : nl - start);
    *out += "\n" + std::string(indent + 2, ' ') + line;
    start = nl == std::string::npos ? text.size() : nl + 1;
  }
}

// Emits a value that follows "key:" or "-" (the caller wrote that prefix).
void EmitAfterPrefix(const Value& v, int indent, bool in_list, YamlContext* ctx, std::string* out) {
  std::string anchor;
  if (const void* id = Identity(v)) {
    int n = ctx->anchors.count(id) ? ctx->anchors[id] : 0;
    if (n > 0) {
      if (!ctx->emitted.insert(id).second) {
        *out += " *" + AnchorName(n) + "\n";
        return;
      }
      anchor = " &" + AnchorName(n);
    }
  }
  if (v.is_vault()) {
    *out += " ";
    EmitVault(v, indent, out);
    *out += "\n";
  } else if (v.is_map() && !v.as_map().empty()) {
    if (in_list && anchor.empty()) {
      // "- key: value" with the rest of the map aligned after "- ".
      std::string nested;
      EmitYaml(v, indent + 2, ctx, &nested);
      *out += " " + nested.substr(static_cast<size_t>(indent + 2));
    } else {
      *out += anchor + "\n";
      EmitYaml(v, indent + 2, ctx, out);
    }
  } else if (v.is_list() && !v.as_list().empty() && in_list && anchor.empty()) {
    // "- - item": a sequence in a sequence starts on the same line.
    std::string nested;
    EmitYaml(v, indent + 2, ctx, &nested);
    *out += " " + nested.substr(static_cast<size_t>(indent + 2));
  } else if (v.is_list() && !v.as_list().empty()) {
    *out += anchor + "\n";
    // PyYAML indents a sequence inside a sequence, not inside a mapping.
    EmitYaml(v, in_list ? indent + 2 : indent, ctx, out);
  } else if (v.is_map()) {
    *out += anchor + " {}\n";
  } else if (v.is_list()) {
    *out += anchor + " []\n";
  } else {
    *out += " " + YamlScalar(v) + "\n";
  }
}

void EmitYaml(const Value& v, int indent, YamlContext* ctx, std::string* out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_map()) {
    for (const std::string& k : SortedKeys(v.as_map())) {
      *out += pad + YamlScalar(Value(k)) + ":";
      EmitAfterPrefix(*v.as_map().find(k), indent, false, ctx, out);
    }
  } else if (v.is_list()) {
    for (const Value& e : v.as_list()) {
      *out += pad + "-";
      EmitAfterPrefix(e, indent, true, ctx, out);
    }
  } else {
    *out += pad + YamlScalar(v) + "\n";
  }
}

}  // namespace

std::string DumpInventoryYaml(const Value& value) {
  if (value.is_map() && value.as_map().empty()) return "{}\n";
  YamlContext ctx;
  FindAnchors(value, &ctx);
  std::string out;
  EmitYaml(value, 0, &ctx, &out);
  return out;
}

}  // namespace drover::cli
