// drover adhoc's modules: the module library's (src/modules/), with -a text
// parsed as a task's free-form arguments, plus setup (facts).
#include "cli/adhoc_modules.h"

#include "connection/facts.h"
#include "core/json.h"
#include "executor/debug_action.h"
#include "modules/module.h"
#include "output/ansible_text.h"
#include "playbook/kv.h"
#include "playbook/module_names.h"

namespace drover::cli {

namespace {

using State = AdhocOutcome::State;

std::string Canonical(const std::string& module) {
  std::string name = playbook::CanonicalModuleName(module);
  return name.empty() ? module : name;
}

bool ShowsRawOutput(const std::string& name) {
  return name == "command" || name == "shell" || name == "raw";
}

Error BadOptions(std::string message) {
  Error e = MakeError(std::move(message));
  e.code = ExitCode::kBadOptions;
  return e;
}

// -a text as the module's arguments (free-form for command/shell/raw).
Result<Map> AdhocArgs(const std::string& name, const std::string& args) {
  if (args.empty()) return Map{};
  if (!args.empty() && args[0] == '{') {
    Result<Value> json = ParseJson(args, "-a");
    if (json && json->is_map()) return json->as_map();
  }
  Result<Map> kv = playbook::ParseKeyValues(args, playbook::TakesFreeForm(name));
  if (!kv) return BadOptions(kv.error().message);
  if (name == "raw" && kv->size() > 1) {
    // raw takes all its text verbatim.
    return Map{{"_raw_params", args}};
  }
  return kv;
}

}  // namespace

Status ValidateAdhocModule(const std::string& module, const std::string& args) {
  const std::string name = Canonical(module);
  if (name == "debug") return {};  // its arguments are checked per host, as Ansible's
  if (name != "setup" && !modules::FindModule(name)) {
    std::string supported = "setup";
    for (std::string_view n : modules::ModuleNames()) supported += ", " + std::string(n);
    return BadOptions("module '" + module +
                      "' is not available to `drover adhoc` yet; supported: " + supported);
  }
  if (ShowsRawOutput(name) && args.empty())
    return BadOptions("No argument passed to " + name + " module");
  Result<Map> parsed = AdhocArgs(name, args);
  if (!parsed) return parsed.take_error();
  if (name == "setup") return {};
  const modules::Module* m = modules::FindModule(name);
  Result<Map> checked = modules::ParseArgs(name, *parsed, m->Spec(), {});
  if (!checked) return BadOptions(checked.error().message);
  return {};
}

AdhocOutcome RunAdhocModule(const std::string& module, const std::string& args,
                            connection::Connection& connection,
                            const std::optional<connection::BecomeSpec>& become) {
  const std::string name = Canonical(module);
  AdhocOutcome out;
  out.raw_output = ShowsRawOutput(name);
  auto unreachable = [&](const Error& e) {
    out.state = State::kUnreachable;
    out.raw_output = false;
    out.result = Map{{"changed", false}, {"msg", e.message}, {"unreachable", true}};
    return out;
  };
  if (name == "setup") {
    Result<Map> parsed = AdhocArgs(name, args);
    Result<connection::FactsRequest> request =
        parsed ? connection::FactsRequestFromArgs(*parsed) : parsed.take_error();
    if (!request) {
      out.state = State::kFailed;
      out.result = modules::Failed(request.error().message);
      return out;
    }
    Result<Map> facts = connection::GatherFacts(connection, *request, become);
    if (!facts) {
      if (facts.error().code == ExitCode::kUnreachable) return unreachable(facts.error());
      out.state = State::kFailed;
      out.result = modules::Failed(facts.error().message);
      return out;
    }
    out.result =
        Map{{"ansible_facts", Value(connection::PrefixedFacts(*facts))}, {"changed", false}};
    return out;
  }
  const modules::Module* m = modules::FindModule(name);
  Result<Map> parsed = AdhocArgs(name, args);
  Result<Map> checked = parsed ? modules::ParseArgs(name, *parsed, m->Spec(), {}) : parsed;
  if (!checked) {
    out.state = State::kFailed;
    out.result = modules::Failed(checked.error().message);
    return out;
  }
  modules::RunContext ctx;
  ctx.conn = &connection;
  ctx.become = become;
  Result<Map> r = m->Run(*checked, ctx);
  if (!r) {
    if (r.error().code == ExitCode::kUnreachable) return unreachable(r.error());
    out.state = State::kFailed;
    out.result = modules::Failed(r.error().message);
    return out;
  }
  out.result = std::move(r).value();
  const Value* failed = out.result.find("failed");
  const Value* changed = out.result.find("changed");
  out.state = failed && failed->truthy()     ? State::kFailed
              : changed && changed->truthy() ? State::kChanged
                                             : State::kOk;
  return out;
}

bool IsAdhocDebug(const std::string& module) {
  return Canonical(module) == "debug";
}

AdhocOutcome RunAdhocDebug(const std::string& args, const tmpl::Scope& scope, int verbosity) {
  AdhocOutcome out;
  Result<Map> parsed = AdhocArgs("debug", args);
  if (!parsed) {
    out.state = State::kFailed;
    out.result = Map{{"changed", false}, {"msg", parsed.error().message}};
    return out;
  }
  std::string invalid;
  for (const auto& [k, v] : *parsed)
    if (k != "msg" && k != "var" && k != "verbosity") invalid += (invalid.empty() ? "" : ", ") + k;
  if (!invalid.empty()) {
    out.state = State::kFailed;
    out.result = Map{{"changed", false}, {"msg", "Invalid options for debug: " + invalid}};
    return out;
  }
  Map result = executor::DebugAction(*parsed, scope, verbosity);
  if (const Value* skipped = result.find("skipped"); skipped && skipped->truthy()) {
    out.state = State::kSkipped;
    return out;
  }
  out.result = output::AnsibleTextReporter::CleanResult(Value(std::move(result)), "debug");
  return out;
}

std::string FormatAdhocOutcome(const std::string& host, const AdhocOutcome& outcome) {
  if (outcome.state == State::kSkipped) return host + " | SKIPPED";
  const bool changed = outcome.state == State::kChanged;
  if (outcome.raw_output && outcome.state != State::kUnreachable) {
    const char* caption = outcome.state == State::kFailed ? "FAILED"
                          : changed                       ? "CHANGED"
                                                          : "SUCCESS";
    auto text = [&](const char* key) {
      const Value* v = outcome.result.find(key);
      return v && v->is_string() ? v->as_string() : std::string();
    };
    const Value* rc = outcome.result.find("rc");
    return host + " | " + caption + " | rc=" + (rc ? std::to_string(rc->as_int()) : "-1") +
           " >>\n" + text("stdout") + text("stderr") + text("msg") + "\n";
  }
  JsonStyle style;
  style.indent = 4;
  style.sort_keys = true;
  const std::string json = ToJson(Value(Map(outcome.result)), style);
  switch (outcome.state) {
    case State::kUnreachable: return host + " | UNREACHABLE! => " + json;
    case State::kFailed: return host + " | FAILED! => " + json;
    case State::kChanged: return host + " | CHANGED => " + json;
    case State::kOk:
    case State::kSkipped: break;
  }
  return host + " | SUCCESS => " + json;
}

}  // namespace drover::cli
