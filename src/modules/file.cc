// file (ansible.builtin.file): state file/directory/touch/absent/link.
// Round trips: one query (stat, and with recurse a `find` for children
// whose attributes differ); a second only when something must change.
// state=hard links atomically (ln to a temp name, mv over).
// access_time/modification_time: file_times.h. Partial: SELinux attributes
// are accepted but not applied; the diff does not show times.
#include "connection/shell.h"
#include "core/json.h"
#include "modules/file_common.h"
#include "modules/file_times.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::string StateOf(const RemoteStat& st) {
  if (!st.exists) return "absent";
  if (st.IsDir()) return "directory";
  if (st.IsLink()) return "link";
  if (st.nlink > 1 && st.IsReg()) return "hard";
  return "file";
}

std::string DiffJson(const Map& m) {
  JsonStyle style;
  style.indent = 4;
  style.sort_keys = true;
  return ToJson(Value(m), style) + "\n";
}

// ensure_hardlink's decision: whether `path` must become a hard link to
// `src` (appending the shell text that makes it to *apply), or an error
// with Ansible's message. `src_id` is "dev:inode" of src ("" = missing).
Result<bool> PlanHardLink(const std::string& path, const std::string& src, bool force,
                          const RemoteStat& st, const std::string& prev, const std::string& src_id,
                          Map* after, Map* before, std::string* apply) {
  if (prev != "hard" && src.empty()) return MakeError("src is required for creating new hardlinks");
  if (!src.empty() && src_id.empty()) return MakeError("src does not exist");
  const bool same = st.exists && std::to_string(st.dev) + ":" + std::to_string(st.inode) == src_id;
  bool changed = false;
  if (prev == "absent") {
    changed = true;
  } else if (prev == "link") {
    if (st.link_target != src) {
      before->set("src", Value(st.link_target));
      after->set("src", Value(src));
      changed = true;
    }
  } else if (prev == "hard") {
    if (!src.empty() && !same) {
      if (!force) return MakeError("Cannot link, different hard link exists at destination");
      changed = true;
    }
  } else if (prev == "file") {
    if (!force) return MakeError("Cannot link, file exists at destination");
    changed = true;
  } else if (prev == "directory") {
    if (same) return false;
    if (!force) return MakeError("Cannot link: different hard link exists at destination");
    changed = true;
  }
  if (!changed) return false;
  const std::string q = ShellQuote(path), s = ShellQuote(src);
  if (prev == "absent") {
    *apply += "ln -- " + s + " " + q + " || exit 1\n";
  } else {
    // Atomically, as Ansible: link to a temp name beside, rename over.
    *apply += "__h=\"$(dirname -- " + q + ")/.$$.drover-hard.tmp\"; " +
              (prev == "directory" ? "rmdir -- " + q + " || exit 1; " : std::string()) + "ln -- " +
              s + " \"$__h\" && mv -f -- \"$__h\" " + q + " || { rm -f -- \"$__h\"; exit 1; }\n";
  }
  return true;
}

class File : public Module {
 public:
  std::string_view Name() const override { return "file"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"path", ArgType::kPath, {}, true, {"dest", "name"}, {}},
        {"state",
         ArgType::kStr,
         {},
         false,
         {},
         {"absent", "directory", "file", "hard", "link", "touch"}},
        {"src", ArgType::kPath, {}, false, {}, {}},
        {"recurse", ArgType::kBool, Value(false), false, {}, {}},
        {"force", ArgType::kBool, Value(false), false, {}, {}},
        {"follow", ArgType::kBool, Value(true), false, {}, {}},
        {"access_time", ArgType::kStr, {}, false, {}, {}},
        {"access_time_format", ArgType::kStr, Value("%Y%m%d%H%M.%S"), false, {}, {}},
        {"modification_time", ArgType::kStr, {}, false, {}, {}},
        {"modification_time_format", ArgType::kStr, Value("%Y%m%d%H%M.%S"), false, {}, {}},
        {"_original_basename", ArgType::kStr, {}, false, {}, {}},
        {"_diff_peek", ArgType::kStr, {}, false, {}, {}},
    });
    return spec;
  }

  // Only the stat is read unless recurse fixes attributes or a hard link
  // needs its source's identity.
  std::optional<PathProbe> PlanProbe(const Map& args, const RunContext&) const override {
    const bool recurse_attrs = args.find("recurse")->as_bool() &&
                               (!ArgText(args, "owner").empty() ||
                                !ArgText(args, "group").empty() || !args.find("mode")->is_null());
    if (recurse_attrs || (ArgText(args, "state") == "hard" && !ArgText(args, "src").empty()))
      return std::nullopt;
    PathProbe p;
    p.path = ArgText(args, "path");
    return p;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string path = ArgText(args, "path");
    const std::string owner = ArgText(args, "owner");
    const std::string group = ArgText(args, "group");
    const std::string src = ArgText(args, "src");
    const bool recurse = args.find("recurse")->as_bool();
    const bool force = args.find("force")->as_bool();
    const Value& mode_arg = *args.find("mode");
    const std::string q = ShellQuote(path);

    std::optional<RemoteStat> st;
    std::string out;  // the query's other lines (recurse, hard)
    if (std::optional<PathProbe> probe = PlanProbe(args, ctx)) {
      std::string probe_error;
      Result<std::optional<ProbeAnswer>> probed = ctx.Probe(*probe, &probe_error);
      if (!probed) return probed.take_error();
      if (!*probed) return Failed("file: could not stat " + path + ": " + probe_error);
      st = (*probed)->st;
    } else {
      std::string query = StatShellFunction(false) + "__drover_stat " + q + " '' || exit 1\n";
      if (recurse && (!owner.empty() || !group.empty() || !mode_arg.is_null())) {
        // Children whose owner, group or mode differ (mode as find -perm).
        std::string cond;
        if (!owner.empty()) cond += " ! -user " + ShellQuote(owner);
        if (!group.empty())
          cond += std::string(cond.empty() ? "" : " -o") + " ! -group " + ShellQuote(group);
        if (!mode_arg.is_null()) {
          std::string m = mode_arg.is_int() ? OctalMode(static_cast<unsigned>(mode_arg.as_int()))
                                            : ArgText(args, "mode");
          cond += std::string(cond.empty() ? "" : " -o") + " ! -perm " + ShellQuote(m);
        }
        query += "if [ -d " + q + " ]; then __n=$(find " + q + " -mindepth 1 \\(" + cond +
                 " \\) -print 2>/dev/null | head -n 1); [ -n \"$__n\" ] && echo DROVER_RECURSE; "
                 "fi\n";
      }
      if (ArgText(args, "state") == "hard" && !src.empty()) {
        // The source's identity, to compare with the path's (a hard link is
        // right when both are the same inode).
        query += "if [ -e " + ShellQuote(src) +
                 " ]; then echo \"DROVER_SRC_ID|$(stat -L -c %d:%i -- " + ShellQuote(src) +
                 ")\"; fi\n";
      }
      Result<connection::ExecResult> res = ctx.Exec(query);
      if (!res) return res.take_error();
      out = res->stdout_data;
      st = ParseStatOutput(out);
      if (!st) return Failed("file: could not stat " + path + ": " + res->stderr_data);
    }
    const bool children_differ = out.find("DROVER_RECURSE") != std::string::npos;
    const std::string prev = StateOf(*st);
    std::string state = ArgText(args, "state");
    if (state.empty()) state = prev == "absent" ? "file" : prev == "hard" ? "file" : prev;
    if (recurse && state != "directory")
      return Failed("recurse option requires state to be 'directory'");

    Map r{{"path", Value(path)}, {"changed", false}};
    Map before{{"path", Value(path)}, {"state", Value(prev)}};
    Map after{{"path", Value(path)}, {"state", Value(state)}};
    std::string apply;  // shell text that makes the change; "" = nothing to do
    bool changed = false;

    if (state == "absent") {
      if (st->exists) {
        changed = true;
        apply = "rm -rf -- " + q + " || exit 1\n";
      }
      r.set("state", "absent");
    } else {
      if (state == "file") {
        if (!st->exists) return Failed("file (" + path + ") is absent, cannot continue");
        if (prev == "directory") return Failed("file (" + path + ") is directory, cannot continue");
      } else if (state == "directory") {
        if (!st->exists) {
          changed = true;
          apply += "mkdir -p -- " + q + " || exit 1\n";
        } else if (prev != "directory") {
          return Failed("There was an issue creating " + path + " as requested: '" + path +
                        "' exists but is not a directory");
        }
      } else if (state == "touch") {
        // Created empty when absent; its times are set below.
        if (!st->exists) {
          changed = true;
          apply += ": >>" + q + " || exit 1\n";
        }
      } else if (state == "link") {
        if (src.empty()) return Failed("src is required for creating new symlinks");
        if (prev == "link" && st->link_target == src) {
          // already right
        } else if (prev == "absent" || prev == "link" || force) {
          if (prev == "directory" && !force)
            return Failed("refusing to convert from directory to symlink for " + path);
          changed = true;
          apply += (prev == "directory" ? "rm -rf -- " + q + " && " : std::string()) +
                   "ln -sfn -- " + ShellQuote(src) + " " + q + " || exit 1\n";
        } else {
          return Failed("refusing to convert from " + prev + " to symlink for " + path);
        }
        r.set("src", Value(src));
      } else if (state == "hard") {
        std::string src_id;
        if (size_t at = out.find("DROVER_SRC_ID|"); at != std::string::npos)
          src_id = out.substr(at + 14, out.find('\n', at) - at - 14);
        Result<bool> link =
            PlanHardLink(path, src, force, *st, prev, src_id, &after, &before, &apply);
        if (!link) {  // Ansible's results: dest, src, and dest's attributes
          Map f = Failed(link.error().message);
          if (src.empty()) return f;
          f.set("dest", Value(path));
          f.set("src", Value(src));
          if (st->exists) AddPathAttrs(*st, &f);
          return f;
        }
        changed = *link;
        r.erase("path");
        r.set("dest", Value(path));
        r.set("src", src.empty() ? Value() : Value(src));
        if (ctx.check_mode && !st->exists) {
          r.set("changed", changed);
          r.set("diff", Value(Map{{"before", Value(before)}, {"after", Value(after)}}));
          return r;
        }
      }
      const bool is_dir = state == "directory";
      unsigned current = st->exists ? st->Perms() : (is_dir ? 0755 : 0644);
      Result<std::optional<unsigned>> mode = ResolveMode(mode_arg, current, is_dir);
      if (!mode) return Failed(mode.error().message);
      const bool link = state == "link";
      bool attrs = !st->exists || OwnerDiffers(owner, *st) || GroupDiffers(group, *st) ||
                   (*mode && !link && **mode != st->Perms()) || children_differ;
      if (attrs && (!owner.empty() || !group.empty() || *mode)) {
        if (st->exists && st->Perms() != (*mode ? **mode : st->Perms())) {
          before.set("mode", Value(OctalMode(st->Perms())));
          after.set("mode", Value(OctalMode(**mode)));
        }
        if (st->exists && OwnerDiffers(owner, *st)) {
          before.set("owner", Value(st->uid));
          after.set("owner", Value(owner));
        }
        if (st->exists && GroupDiffers(group, *st)) {
          before.set("group", Value(st->gid));
          after.set("group", Value(group));
        }
        changed = true;
        std::optional<unsigned> m = *mode;
        if (recurse && !mode_arg.is_null() && mode_arg.is_string() &&
            ArgText(args, "mode").find_first_of("ugoa+-=") != std::string::npos) {
          // Symbolic modes apply per file when recursing: let chmod do it.
          apply += AttrsScript(path, owner, group, std::nullopt, recurse, link);
          apply += "chmod -R " + ShellQuote(ArgText(args, "mode")) + " -- " + q + " || exit 1\n";
        } else {
          apply += AttrsScript(path, owner, group, m, recurse, link);
        }
      }
    }

    if (state != "absent" && !(ctx.check_mode && !st->exists)) {
      Result<FileTime> mtime = ParseFileTime(*args.find("modification_time"),
                                             ArgText(args, "modification_time_format"), state);
      Result<FileTime> atime =
          ParseFileTime(*args.find("access_time"), ArgText(args, "access_time_format"), state);
      if (!mtime) return Failed(mtime.error().message);
      if (!atime) return Failed(atime.error().message);
      Result<bool> times = PlanFileTimes(*mtime, *atime, *st, path, ctx, &apply);
      if (!times) return Failed(times.error().message);
      changed = changed || *times;
    }
    r.set("changed", changed);
    if (ctx.diff_mode && changed)
      r.set("_drover_diff", Value(UnifiedDiff(DiffJson(before), DiffJson(after), "", "")));
    if (changed) r.set("diff", Value(Map{{"before", Value(before)}, {"after", Value(after)}}));
    if (!changed || ctx.check_mode) {
      if (st->exists && state != "absent") AddPathAttrs(*st, &r);
      if (state != "absent") r.set("state", Value(st->exists ? prev : "absent"));
      return r;
    }
    apply = StatShellFunction(false) + apply + "__drover_stat " + q + " ''\n";
    Result<connection::ExecResult> done = ctx.Exec(apply);
    if (!done) return done.take_error();
    if (done->exit_status != 0) {
      Map f = Failed(done->stderr_data.empty() ? "file: the change failed on the host"
                                               : done->stderr_data);
      f.set("path", Value(path));
      return f;
    }
    if (state != "absent") {
      if (std::optional<RemoteStat> now = ParseStatOutput(done->stdout_data); now && now->exists)
        AddPathAttrs(*now, &r);
    }
    return r;
  }
};

}  // namespace

const Module& FileModule() {
  static const File m;
  return m;
}

}  // namespace drover::modules
