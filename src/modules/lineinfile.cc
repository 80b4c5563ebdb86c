// lineinfile (ansible.builtin.lineinfile): one round trip reads the file
// (stat and content), the edit is computed on the controller (line_edit.h),
// and a second round trip installs the result atomically only when it
// changed, so check and diff come from the same computation; validate runs
// on the temp file before the rename (edit_file.h InstallScript).
#include "connection/atomic_install.h"
#include "connection/shell.h"
#include "modules/edit_file.h"
#include "modules/file_common.h"
#include "modules/line_edit.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::optional<std::string> Opt(const Map& args, const char* key) {
  const Value* v = args.find(key);
  if (!v || v->is_null()) return std::nullopt;
  return ArgText(args, key);
}

// The read the edit starts from: stat, parent and content.
PathProbe Probe(const std::string& path) {
  PathProbe p;
  p.path = path;
  p.parent = true;
  p.content = true;
  return p;
}

class LineInFile : public Module {
 public:
  std::string_view Name() const override { return "lineinfile"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"path", ArgType::kPath, {}, true, {"dest", "destfile", "name"}, {}},
        {"state", ArgType::kStr, Value("present"), false, {}, {"absent", "present"}},
        {"regexp", ArgType::kStr, {}, false, {"regex"}, {}},
        {"search_string", ArgType::kStr, {}, false, {}, {}},
        {"line", ArgType::kStr, {}, false, {"value"}, {}},
        {"insertafter", ArgType::kStr, {}, false, {}, {}},
        {"insertbefore", ArgType::kStr, {}, false, {}, {}},
        {"backrefs", ArgType::kBool, Value(false), false, {}, {}},
        {"create", ArgType::kBool, Value(false), false, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"firstmatch", ArgType::kBool, Value(false), false, {}, {}},
        {"validate", ArgType::kStr, {}, false, {}, {}},
    });
    return spec;
  }

  std::optional<PathProbe> PlanProbe(const Map& args, const RunContext&) const override {
    return Probe(ArgText(args, "path"));
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string path = ArgText(args, "path");
    LineEditSpec spec;
    spec.regexp = Opt(args, "regexp");
    spec.search_string = Opt(args, "search_string");
    spec.line = Opt(args, "line");
    spec.present = ArgText(args, "state") == "present";
    spec.insertafter = Opt(args, "insertafter");
    spec.insertbefore = Opt(args, "insertbefore");
    spec.backrefs = args.find("backrefs")->as_bool();
    spec.firstmatch = args.find("firstmatch")->as_bool();
    const bool create = args.find("create")->as_bool();
    const bool backup = args.find("backup")->as_bool();
    if (spec.regexp && spec.search_string)
      return Failed("parameters are mutually exclusive: regexp|search_string");
    if (spec.insertafter && spec.insertbefore)
      return Failed("parameters are mutually exclusive: insertbefore|insertafter");
    if (spec.present && !spec.line) return Failed("line is required with state=present");
    if (spec.backrefs && !spec.regexp) return Failed("regexp is required with backrefs=true");
    if (!spec.present && !spec.regexp && !spec.search_string && !spec.line)
      return Failed("one of line, search_string, or regexp is required with state=absent");

    const std::string q = ShellQuote(path);
    std::string probe_error;
    Result<std::optional<ProbeAnswer>> probed = ctx.Probe(Probe(path), &probe_error);
    if (!probed) return probed.take_error();
    if (!*probed) return Failed("could not read " + path + ": " + probe_error);
    const ProbeAnswer& answer = **probed;
    const RemoteStat* st = &answer.st;
    Map r{{"changed", false}, {"msg", ""}, {"backup", ""}};
    if (st->exists && st->IsDir()) {
      Map f = Failed("Path " + path + " is a directory !");
      f.set("rc", 256);
      return f;
    }
    const std::string before = answer.content.value_or("");
    if (!st->exists) {
      if (!spec.present) {
        r.set("msg", "file not present");
        return r;
      }
      if (!create) {
        Map f = Failed("Destination " + path + " does not exist !");
        f.set("rc", 257);
        return f;
      }
    }
    Result<LineEditResult> edit = EditLines(before, spec);
    if (!edit) return Failed(edit.error().message);
    // Attributes.
    Result<std::optional<unsigned>> mode =
        ResolveMode(*args.find("mode"), st->exists ? st->Perms() : 0644, false);
    if (!mode) return Failed(mode.error().message);
    const std::string owner = ArgText(args, "owner"), group = ArgText(args, "group");
    const bool attrs_differ = st->exists && (OwnerDiffers(owner, *st) || GroupDiffers(group, *st) ||
                                             (*mode && **mode != st->Perms()));
    std::string msg = edit->msg;
    if (attrs_differ)
      msg = (msg.empty() ? "" : msg + " and ") + "ownership, perms or SE linux context changed";
    const bool changed = edit->changed || attrs_differ;
    r.set("changed", changed);
    r.set("msg", Value(msg));
    if (!spec.present) r.set("found", Value(edit->found));
    const std::string header = path + " (content)";
    r.set("diff", Value(List{Value(Map{{"before", Value(before)},
                                       {"after", Value(edit->content)},
                                       {"before_header", Value(header)},
                                       {"after_header", Value(header)}})}));
    if (ctx.diff_mode && edit->changed)
      r.set("_drover_diff", Value(UnifiedDiff(before, edit->content, header, header)));
    if (!changed || ctx.check_mode) return r;

    std::string script;
    std::optional<std::string> stdin_data;
    if (!st->exists && !answer.parent_exists) {
      size_t slash = path.rfind('/');
      if (slash != std::string::npos && slash > 0)
        script += "mkdir -p -- " + ShellQuote(path.substr(0, slash)) + " || exit 1\n";
    }
    if (backup && st->exists && edit->changed) {
      script += "__b=" + q + ".$$.$(date +%Y-%m-%d@%H:%M:%S~); cp -p -- " + q +
                " \"$__b\" || exit 1; echo \"DROVER_BACKUP|$__b\"\n";
    }
    if (edit->changed) {
      connection::FileAttributes fa{owner, group, *mode ? OctalMode(**mode) : ""};
      const std::string validate = ArgText(args, "validate");
      if (validate.empty()) {
        script += "( " +
                  connection::AtomicInstallScript(path, fa, connection::DigestOf(edit->content)) +
                  "\n) || exit 1\n";
      } else {
        Result<std::string> install = InstallScript(path, "cat > \"$__t\"", fa, validate,
                                                    connection::DigestOf(edit->content));
        if (!install) return Failed(install.error().message);
        script += *install;
      }
      stdin_data = edit->content;
    } else {
      script += AttrsScript(path, owner, group, *mode);
    }
    Result<connection::ExecResult> done = ctx.Exec(script, stdin_data);
    if (!done) return done.take_error();
    if (EditWriteResult v; ParseValidateFailure(*done, &v))
      return Failed("failed to validate: rc:" + std::to_string(*v.validate_rc) +
                    " error:" + v.validate_stderr);
    if (done->exit_status != 0)
      return Failed(connection::InstallFailureMessage(path, done->stderr_data));
    if (size_t at = done->stdout_data.find("DROVER_BACKUP|"); at != std::string::npos) {
      size_t nl = done->stdout_data.find('\n', at);
      r.set("backup", Value(done->stdout_data.substr(at + 14, nl - at - 14)));
    }
    return r;
  }
};

}  // namespace

const Module& LineinfileModule() {
  static const LineInFile m;
  return m;
}

}  // namespace drover::modules
