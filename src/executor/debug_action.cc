#include "executor/debug_action.h"

#include <cstdlib>

namespace drover::executor {

namespace {
// int(verbosity) as the action plugin takes it: an int, or its text (k=v).
int64_t VerbosityOf(const Value* v) {
  if (!v) return 0;
  if (v->is_int()) return v->as_int();
  if (v->is_string()) return std::strtoll(v->as_string().c_str(), nullptr, 10);
  return 0;
}
}  // namespace

Map DebugAction(const Map& args, const tmpl::Scope& scope, int run_verbosity) {
  if (VerbosityOf(args.find("verbosity")) > run_verbosity) {
    return Map{
        {"changed", false}, {"skipped", true}, {"skipped_reason", "Verbosity threshold not met."}};
  }
  Map r{{"changed", false}, {"_ansible_verbose_always", true}};
  if (const Value* var = args.find("var"); var && !var->is_null()) {
    std::string name = var->is_string() ? var->as_string() : tmpl::PyStr(*var);
    Result<Value> v = tmpl::TemplateString("{{ " + name + " }}", scope);
    r.set(name, v ? *v : Value("VARIABLE IS NOT DEFINED!"));
  } else {
    const Value* msg = args.find("msg");
    r.set("msg", msg ? *msg : Value("Hello world!"));
  }
  return r;
}

}  // namespace drover::executor
