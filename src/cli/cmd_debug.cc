// `drover debug ...`: developer tools for differential tests and for users
// asking "what does drover think this says?". Hidden from --help.
//   debug yaml FILE      prints a file as drover loads it, as JSON.
//   debug render-batch   reads JSON lines {"t": template, "v": vars,
//                        "mode": "render"|"templar"|"cond", "opts": {...},
//                        "files": {name: text}} and writes one JSON line per
//                        case: {"ok": true, "out": ...} or {"ok": false,
//                        "error": ...}. One process renders many cases.
//   debug bench-template SRC VARS N   renders SRC N times (tools/bench).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include "cli/command.h"
#include "cli/report.h"
#include "core/file_util.h"
#include "core/json.h"
#include "core/secrets.h"
#include "core/yaml.h"
#include "playbook/kv.h"
#include "template/template.h"

namespace drover::cli {
namespace {

Value RenderCase(const Value& c) {
  Map result;
  auto fail = [&](const Error& e) {
    result.set("ok", Value(false));
    result.set("error", Value(e.headline()));
    return Value(result);
  };
  if (!c.is_map()) return fail(MakeError("case must be an object"));
  const Map& m = c.as_map();
  const Value* t = m.find("t");
  std::string mode = m.find("mode") ? m.find("mode")->as_string() : "render";
  if (!t || (mode != "templar" && !t->is_string()))
    return fail(MakeError("case needs a string \"t\""));
  Value vars = m.find("v") ? *m.find("v") : Value(Map{});
  tmpl::Options opts = tmpl::Options::TemplateModule();
  if (const Value* o = m.find("opts"); o && o->is_map()) {
    for (auto& [k, v] : o->as_map()) {
      if (k == "trim_blocks") opts.trim_blocks = v.truthy();
      if (k == "lstrip_blocks") opts.lstrip_blocks = v.truthy();
      if (k == "keep_trailing_newline") opts.keep_trailing_newline = v.truthy();
    }
  }
  Value files = m.find("files") ? *m.find("files") : Value(Map{});
  tmpl::Hooks hooks;
  hooks.loader = [files](const std::string& name,
                         const std::string&) -> Result<tmpl::LoadedTemplate> {
    if (files.is_map())
      if (const Value* f = files.as_map().find(name))
        return tmpl::LoadedTemplate{name, f->as_string()};
    return MakeError("template not found: " + name);
  };
  tmpl::MapScope scope(vars);
  if (mode == "render") {
    Result<std::string> r = tmpl::RenderString(t->as_string(), "case", scope, opts, hooks);
    if (!r) return fail(r.error());
    result.set("ok", Value(true));
    result.set("out", Value(*r));
  } else if (mode == "templar") {
    Result<Value> r = tmpl::TemplateValue(*t, scope, hooks);
    if (!r) return fail(r.error());
    result.set("ok", Value(true));
    result.set("out", *r);
    result.set("type", Value(std::string(r->type_name())));
  } else if (mode == "cond") {
    Result<bool> r = tmpl::EvaluateConditional(t->as_string(), scope, hooks);
    if (!r) return fail(r.error());
    result.set("ok", Value(true));
    result.set("out", Value(*r));
  } else {
    return fail(MakeError("unknown mode " + mode));
  }
  return Value(result);
}

int RenderBatch() {
  std::string line;
  JsonStyle style;
  style.ensure_ascii = false;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    Result<Value> c = ParseJson(line, "<stdin>");
    Value out;
    if (!c) {
      Map e;
      e.set("ok", Value(false));
      e.set("error", Value(c.error().headline()));
      out = Value(e);
    } else {
      out = RenderCase(*c);
    }
    std::string s = ToJson(out, style) + "\n";
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

// Parses SRC once and renders it N times with VARS (JSON/YAML); prints the
// output once to stdout and the timing to stderr. For tools/bench.
int BenchTemplate(const std::string& src, const std::string& vars_path, int n) {
  Result<std::string> text = ReadFile(src);
  if (!text) return ReportError(text.error());
  Result<Value> vars = LoadYamlFile(vars_path);
  if (!vars) return ReportError(vars.error());
  Result<tmpl::Template> t = tmpl::Template::Parse(*text, src, tmpl::Options::TemplateModule());
  if (!t) return ReportError(t.error());
  tmpl::MapScope scope(*vars);
  std::string first;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    Result<std::string> out = t->Render(scope);
    if (!out) return ReportError(out.error());
    if (i == 0) first = std::move(*out);
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fwrite(first.data(), 1, first.size(), stdout);
  std::fprintf(stderr, "drover: %d renders in %.3f s (%.1f us/render)\n", n, secs, secs * 1e6 / n);
  return 0;
}

}  // namespace

Command DebugCommand() {
  Command c;
  c.name = "debug";
  c.summary =
      "Developer tools: `debug yaml FILE`, `debug kv [--raw] TEXT`, `debug render-batch` (JSON "
      "lines on stdin)";
  c.hidden = true;
  c.run = [](const std::string& prog, std::vector<std::string> args) {
    if (args.size() == 1 && args[0] == "render-batch") return RenderBatch();
    if (args.size() == 4 && args[0] == "bench-template")
      return BenchTemplate(args[1], args[2], std::stoi(args[3]));
    if (args.size() >= 2 && args[0] == "kv") {
      // debug kv [--raw] TEXT: free-form k=v arguments as a task would get them.
      const bool raw = args[1] == "--raw";
      if (raw && args.size() != 3) return 5;
      Result<Map> kv = playbook::ParseKeyValues(args[raw ? 2 : 1], raw);
      if (!kv) return ReportError(kv.error());
      std::printf("%s\n", Redact(ToJson(Value(*kv))).c_str());
      return 0;
    }
    if (args.size() != 2 || args[0] != "yaml") {
      std::fprintf(stderr, "Usage: %s yaml FILE | kv [--raw] TEXT | render-batch\n", prog.c_str());
      return 5;
    }
    Warnings warnings;
    Result<Value> doc = LoadYamlFile(args[1], &warnings);
    for (const Error& w : warnings) ReportWarning(w);
    if (!doc) return ReportError(doc.error());
    std::printf("%s\n", Redact(ToJson(*doc)).c_str());
    return 0;
  };
  return c;
}

}  // namespace drover::cli
