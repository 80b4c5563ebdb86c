// raw (the text runs as is through the host's shell, no wrapper) and ping
// (a real round trip that answers "pong").
#include "connection/shell.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

class Raw : public Module {
 public:
  std::string_view Name() const override { return "raw"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"_raw_params", ArgType::kStr, {}, true, {}, {}},
        {"executable", ArgType::kStr, {}, false, {}, {}},
    };
    return spec;
  }
  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    std::string text = args.find("_raw_params")->as_string();
    if (const Value* exe = args.find("executable"); exe && exe->is_string()) {
      text = "exec " + exe->as_string() + " -c " + connection::ShellQuote(text);
    }
    Result<connection::ExecResult> res = ctx.Exec(text);
    if (!res) return res.take_error();
    Map r{{"changed", true},
          {"rc", res->exit_status},
          {"stdout", res->stdout_data},
          {"stderr", res->stderr_data}};
    if (res->exit_status != 0) {
      r.set("failed", true);
      r.set("msg", "non-zero return code");
    }
    return r;
  }
};

class Ping : public Module {
 public:
  std::string_view Name() const override { return "ping"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"data", ArgType::kStr, Value("pong"), false, {}, {}}};
    return spec;
  }
  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string data = args.find("data")->as_string();
    if (data == "crash") return Failed("boom");  // Ansible's ping raises on "crash"
    Result<connection::ExecResult> res = ctx.Exec("printf '%s' " + connection::ShellQuote(data));
    if (!res) return res.take_error();
    if (res->exit_status != 0 || res->stdout_data != data) {
      return Failed("ping: the host's shell did not answer as expected: " + res->stderr_data);
    }
    return Map{{"changed", false}, {"ping", Value(res->stdout_data)}};
  }
};

}  // namespace

const Module& RawModule() {
  static const Raw m;
  return m;
}
const Module& PingModule() {
  static const Ping m;
  return m;
}

}  // namespace drover::modules
