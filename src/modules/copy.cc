// copy (ansible.builtin.copy) from `content` or a local `src` file found as
// Ansible finds it (role files/, then the playbook's). Idempotent through
// install.h: one round trip when nothing differs. A local directory src is
// copied as a tree (its contents when src ends in '/', else the directory
// itself), one round trip per file plus one for the directories; remote_src
// copies one file on the host (checksums compared there). Partial: a
// remote_src directory, and symlinks inside a local tree (followed, as
// local_follow=true) are not copied as links.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "connection/shell.h"
#include "core/file_util.h"
#include "core/json.h"
#include "modules/edit_file.h"
#include "modules/file_common.h"
#include "modules/install.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;
namespace fs = std::filesystem;

std::string Between(const std::string& out, const std::string& tag, const std::string& end) {
  size_t at = out.find(tag);
  if (at == std::string::npos) return "";
  at += tag.size();
  size_t stop = out.find(end, at);
  return out.substr(at, stop == std::string::npos ? std::string::npos : stop - at);
}

// remote_src for a single file: the module's work on the host. Query:
// source and destination checksums; write (only when they differ): copy to
// a temp file beside dest (times kept, as shutil.copystat), validate, rename.
Result<Map> CopyOnHost(const Map& args, RunContext& ctx) {
  const std::string src = ArgText(args, "src");
  const std::string dest = ArgText(args, "dest");
  const std::string base = fs::path(src).filename().string();
  const Value* force_v = args.find("force");
  const bool force = !force_v->is_bool() || force_v->as_bool();
  std::string q = StatShellFunction(false) + "__s=" + ShellQuote(src) +
                  "\n"
                  "[ -e \"$__s\" ] || { echo DROVER_SRC_MISSING; exit 0; }\n"
                  "[ -r \"$__s\" ] || { echo DROVER_SRC_UNREADABLE; exit 0; }\n"
                  "[ -d \"$__s\" ] && { echo DROVER_SRC_DIR; exit 0; }\n"
                  "[ -f \"$__s\" ] || { echo DROVER_SRC_NOTFILE; exit 0; }\n"
                  "__a=$(sha1sum < \"$__s\") || exit 1; __m=$(md5sum < \"$__s\") || exit 1\n"
                  "echo \"DROVER_SUMS|${__a%% *}|${__m%% *}|\"\n"
                  "__t=" +
                  ShellQuote(dest) + "\n";
  if (!dest.empty() && dest.back() == '/') q += "__t=\"$__t\"" + ShellQuote(base) + "\n";
  q += "[ -d \"$__t\" ] && __t=\"$__t\"/" + ShellQuote(base) +
       "\n"
       "printf 'DROVER_TARGET|%s|END\\n' \"$__t\"\n"
       "__drover_stat \"$__t\" sha1 || exit 1\n"
       "[ -d \"$(dirname -- \"$__t\")\" ] || echo DROVER_NO_PARENT\n";
  Result<connection::ExecResult> res = ctx.Exec(q);
  if (!res) return res.take_error();
  const std::string& out = res->stdout_data;
  if (out.find("DROVER_SRC_MISSING") != std::string::npos)
    return Failed("Source " + src + " not found");
  if (out.find("DROVER_SRC_UNREADABLE") != std::string::npos)
    return Failed("Source " + src + " not readable");
  if (out.find("DROVER_SRC_DIR") != std::string::npos)
    return Failed("copy: remote_src with a directory src is not implemented by drover yet");
  if (out.find("DROVER_SRC_NOTFILE") != std::string::npos)
    return Failed("Cannot copy invalid source '" + src + "': not a file");
  std::optional<RemoteStat> st = ParseStatOutput(out);
  if (!st || res->exit_status != 0)
    return Failed("could not query " + dest + " on the host: " + res->stderr_data);
  const std::string sums = Between(out, "DROVER_SUMS|", "\n");
  const std::string sha1 = sums.substr(0, sums.find('|'));
  const std::string md5 = Between(sums, "|", "|");
  const std::string target = Between(out, "DROVER_TARGET|", "|END\n");
  if (st->exists && !force)
    return Map{{"msg", Value("file already exists")},
               {"src", Value(src)},
               {"dest", Value(target)},
               {"changed", false}};
  if (!st->exists && out.find("DROVER_NO_PARENT") != std::string::npos)
    return Failed("Destination directory " + fs::path(target).parent_path().string() +
                  " does not exist");
  if (st->exists && st->IsDir()) return Failed("Destination " + target + " is a directory");
  const bool write = !st->exists || st->checksum != sha1;
  RemoteStat fresh;  // what a new file is compared with
  fresh.exists = true;
  fresh.st_mode = 0100644;
  Result<AttrPlan> attrs = PlanAttrs(args, st->exists ? *st : fresh);
  if (!attrs) return Failed(attrs.error().message);
  const bool changed = write || (st->exists && attrs->differ);
  Map r{{"dest", Value(target)},
        {"src", Value(src)},
        {"md5sum", Value(md5)},
        {"checksum", Value(sha1)},
        {"changed", changed}};
  if (!changed || ctx.check_mode) {
    if (st->exists) AddPathAttrs(*st, &r);
    return r;
  }
  std::string script;
  const std::string qt = ShellQuote(target);
  if (write && st->exists && args.find("backup")->as_bool())
    script += "__b=" + qt + ".$$.$(date +%Y-%m-%d@%H:%M:%S~); cp -p -- " + qt +
              " \"$__b\" || exit 1; echo \"DROVER_BACKUP|$__b\"\n";
  if (write) {
    connection::FileAttributes fa{attrs->owner, attrs->group,
                                  attrs->mode ? OctalMode(*attrs->mode) : ""};
    const std::string qs = ShellQuote(src);
    Result<std::string> install =
        InstallScript(target, "cp -- " + qs + " \"$__t\" && touch -r " + qs + " \"$__t\"", fa,
                      ArgText(args, "validate"));
    if (!install) return Failed(install.error().message);
    script += *install;
  } else {
    script += AttrsScript(target, attrs->owner, attrs->group, attrs->mode);
  }
  script += StatShellFunction(false) + "__drover_stat " + qt + " ''\n";
  Result<connection::ExecResult> done = ctx.Exec(script);
  if (!done) return done.take_error();
  if (EditWriteResult v; ParseValidateFailure(*done, &v)) {
    Map f = Failed("failed to validate");
    f.set("exit_status", Value(static_cast<int64_t>(*v.validate_rc)));
    f.set("stdout", Value(v.validate_stdout));
    f.set("stderr", Value(v.validate_stderr));
    return f;
  }
  if (done->exit_status != 0) return Failed("could not write " + target + ": " + done->stderr_data);
  if (std::optional<RemoteStat> now = ParseStatOutput(done->stdout_data); now && now->exists)
    AddPathAttrs(*now, &r);
  const std::string backup = Between(done->stdout_data, "DROVER_BACKUP|", "\n");
  if (!backup.empty()) r.set("backup_file", Value(backup));
  return r;
}

// A local directory copied as Ansible's action plugin does: every file
// under it (its contents when `src` ends in '/', else the directory itself
// under dest), then every directory (made if missing, directory_mode).
Result<Map> CopyTree(const Map& args, RunContext& ctx, const std::string& local,
                     const std::string& src) {
  const bool contents_only = !src.empty() && src.back() == '/';
  std::string dest = ArgText(args, "dest");
  if (dest.empty() || dest.back() != '/') dest += '/';
  const fs::path root = fs::path(local).lexically_normal();
  const std::string top =
      contents_only ? "" : (root.has_filename() ? root : root.parent_path()).filename().string();
  std::vector<std::pair<fs::path, std::string>> files;
  std::vector<std::string> dirs;
  if (!top.empty()) dirs.push_back(top);
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(
           root, fs::directory_options::follow_directory_symlink, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    std::string rel = fs::relative(it->path(), root).string();
    if (!top.empty()) rel = top + "/" + rel;
    if (it->is_directory())
      dirs.push_back(rel);
    else if (it->is_regular_file())
      files.emplace_back(it->path(), rel);
  }
  if (ec) return Failed("could not read " + local + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::sort(dirs.begin(), dirs.end());
  bool dirs_changed = false;
  // Directories first: one round trip makes the missing ones (dest itself
  // too, directory_mode applied when it is made) and sets directory_mode on
  // the tree's; in check mode it only reports them.
  const Value* dir_mode = args.find("directory_mode");
  Result<std::optional<unsigned>> mode = ResolveMode(dir_mode ? *dir_mode : Value(), 0755, true);
  if (!mode) return Failed(mode.error().message);
  std::string script;
  if (*mode) {
    const std::string qd = ShellQuote(dest);
    script += "if [ ! -d " + qd + " ]; then echo DROVER_DIR_CHANGED; " +
              (ctx.check_mode ? std::string(":")
                              : "mkdir -p -- " + qd + " && chmod " + OctalMode(**mode) + " -- " +
                                    qd + " || exit 1") +
              "; fi\n";
  }
  for (const std::string& d : dirs) {
    const std::string qd = ShellQuote(dest + d);
    script += "if [ ! -d " + qd + " ]; then echo DROVER_DIR_CHANGED; " +
              (ctx.check_mode ? std::string("") : "mkdir -p -- " + qd + " || exit 1; ") + "fi\n";
    if (*mode) {
      char want[16];
      std::snprintf(want, sizeof want, "%o", **mode);
      script += "if [ -d " + qd + " ] && [ \"$(stat -c %a -- " + qd + ")\" != " + want +
                " ]; then echo DROVER_DIR_CHANGED; " +
                (ctx.check_mode ? std::string(":")
                                : "chmod " + OctalMode(**mode) + " -- " + qd + " || exit 1") +
                "; fi\n";
    }
  }
  if (!script.empty()) {
    Result<connection::ExecResult> res = ctx.Exec(script);
    if (!res) return res.take_error();
    if (res->exit_status != 0) return Failed("could not create directories: " + res->stderr_data);
    dirs_changed = res->stdout_data.find("DROVER_DIR_CHANGED") != std::string::npos;
  }
  bool changed = dirs_changed;
  Map last;
  std::string diffs;
  for (const auto& [path, rel] : files) {
    Result<Map> r = InstallFile(ctx, path.string(), args, dest, rel, path.string());
    if (!r) return r;
    const Value* failed = r->find("failed");
    if (failed && failed->truthy()) return r;
    changed = changed || r->find("changed")->truthy();
    if (const Value* d = r->find("_drover_diff"); d && d->is_string()) diffs += d->as_string();
    last = *r;
  }
  Map r;
  if (files.size() == 1) {
    r = last;
    r.set("changed", changed);
    r.set("src", Value(files[0].first.string()));  // Ansible: its upload's temp path
  } else {
    const bool add_slash = contents_only && (local.empty() || local.back() != '/');
    r = Map{{"dest", Value(dest)},
            {"src", Value(local + (add_slash ? "/" : ""))},
            {"changed", changed}};
  }
  if (!diffs.empty()) r.set("_drover_diff", Value(diffs));
  return r;
}

class Copy : public Module {
 public:
  std::string_view Name() const override { return "copy"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"src", ArgType::kPath, {}, false, {}, {}},
        {"content", ArgType::kRaw, {}, false, {}, {}},
        {"dest", ArgType::kPath, {}, true, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"force", ArgType::kBool, Value(true), false, {"thirsty"}, {}},
        {"directory_mode", ArgType::kRaw, {}, false, {}, {}},
        {"remote_src", ArgType::kBool, Value(false), false, {}, {}},
        {"local_follow", ArgType::kBool, Value(true), false, {}, {}},
        {"follow", ArgType::kBool, Value(false), false, {}, {}},
        {"validate", ArgType::kStr, {}, false, {}, {}},
        {"decrypt", ArgType::kBool, Value(true), false, {}, {}},
        {"checksum", ArgType::kStr, {}, false, {}, {}},
    });
    return spec;
  }

  std::optional<PathProbe> PlanProbe(const Map& args, const RunContext& ctx) const override {
    const Value& content_v = *args.find("content");
    const std::string src = ArgText(args, "src");
    if (ctx.diff_mode || args.find("remote_src")->as_bool()) return std::nullopt;
    if (!content_v.is_null()) {
      if (!src.empty()) return std::nullopt;
      return InstallProbe(ArgText(args, "dest"), "");
    }
    Result<std::string> local = FindLocalFile(ctx, "files", src);
    if (!local || std::filesystem::is_directory(*local)) return std::nullopt;
    return InstallProbe(ArgText(args, "dest"), std::filesystem::path(*local).filename().string());
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const Value& content_v = *args.find("content");
    const std::string src = ArgText(args, "src");
    const std::string dest = ArgText(args, "dest");
    if (!content_v.is_null() && !src.empty())
      return Failed("src and content are mutually exclusive");
    if (content_v.is_null() && src.empty()) return Failed("src (or content) is required");
    if (args.find("remote_src")->as_bool() && content_v.is_null()) return CopyOnHost(args, ctx);
    if (!content_v.is_null()) {
      // Ansible writes non-string content as JSON.
      std::string content = content_v.is_string() ? content_v.as_string() : ToJson(content_v);
      return InstallContent(ctx, content, args, dest, "", dest);
    }
    Result<std::string> local = FindLocalFile(ctx, "files", src);
    if (!local) return Failed(local.error().message);
    if (std::filesystem::is_directory(*local)) return CopyTree(args, ctx, *local, src);
    // A vault-encrypted src is installed decrypted (decrypt: true, Ansible's default).
    if (args.find("decrypt")->as_bool() && IsVaultFile(*local)) {
      Result<std::string> plain = ReadLocalSource(*local);
      if (!plain) return Failed(plain.error().message);
      return InstallContent(ctx, *plain, args, dest,
                            std::filesystem::path(*local).filename().string(), *local);
    }
    return InstallFile(ctx, *local, args, dest, std::filesystem::path(*local).filename().string(),
                       *local);
  }
};

}  // namespace

const Module& CopyModule() {
  static const Copy m;
  return m;
}

}  // namespace drover::modules
