#include "modules/install.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "connection/atomic_install.h"
#include "connection/shell.h"
#include "core/digest.h"
#include "core/file_util.h"
#include "core/secrets.h"
#include "modules/edit_file.h"
#include "modules/file_common.h"

namespace drover::modules {

using connection::ShellQuote;

std::string HexDigest(const std::string& algorithm, const std::string& data) {
  return HexDigestOf(algorithm, data);
}

Result<std::string> FindLocalFile(const RunContext& ctx, const std::string& subdir,
                                  const std::string& src) {
  namespace fs = std::filesystem;
  if (!src.empty() && src[0] == '/') {
    if (fs::exists(src)) return src;
    return MakeError("Could not find or access '" + src + "' on the Ansible Controller.",
                     ctx.where);
  }
  std::vector<std::string> tried;
  for (const std::string& dir : ctx.search_paths) {
    for (const std::string& candidate : {dir + "/" + subdir + "/" + src, dir + "/" + src}) {
      tried.push_back(candidate);
      std::error_code ec;
      if (fs::is_regular_file(candidate, ec) || fs::is_directory(candidate, ec)) return candidate;
    }
  }
  std::string msg = "Could not find or access '" + src + "'\nSearched in:";
  for (const std::string& t : tried) msg += "\n\t" + t;
  msg += "\non the Ansible Controller.";
  return MakeError(msg, ctx.where);
}

namespace {

// Ansible's backup name: <dest>.<pid>.<YYYY-MM-DD@HH:MM:SS>~ (the pid is the
// host shell's).
std::string BackupSuffix() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d@%H:%M:%S~", &tm);
  return buf;
}

constexpr size_t kMaxDiffSize = 104448;  // Ansible's max_file_size_for_diff

}  // namespace

namespace {

// What an install writes: text in memory, or a local file streamed from
// disk (never loaded whole; its text is read only for a diff small enough).
struct Payload {
  const std::string* text = nullptr;
  std::string file;
  uint64_t size = 0;
  std::string sha1, md5;
};

// The text a diff shows; nullopt when the source is too big to diff.
Result<std::optional<std::string>> DiffText(const Payload& p) {
  if (p.text) return std::optional<std::string>(*p.text);
  if (p.size > kMaxDiffSize) return std::optional<std::string>();
  Result<std::string> t = ReadFile(p.file);
  if (!t) return t.take_error();
  return std::optional<std::string>(std::move(*t));
}

Result<Map> InstallPayload(RunContext& ctx, const Payload& payload, const Map& args,
                           std::string dest, const std::string& basename,
                           const std::string& after_header);

}  // namespace

PathProbe InstallProbe(const std::string& dest, const std::string& basename) {
  const bool dir_dest = !dest.empty() && dest.back() == '/';
  PathProbe p;
  p.path = dir_dest ? dest + basename : dest;
  if (!dir_dest) p.into_dir = basename;
  p.checksum = true;
  p.parent = true;
  return p;
}

Result<Map> InstallContent(RunContext& ctx, const std::string& content, const Map& args,
                           std::string dest, const std::string& basename,
                           const std::string& after_header) {
  Payload p{&content, "", content.size(), HexDigest("sha1", content), HexDigest("md5", content)};
  return InstallPayload(ctx, p, args, std::move(dest), basename, after_header);
}

bool IsVaultFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[15] = {};
  in.read(head, sizeof head);
  return in.gcount() == sizeof head && std::string_view(head, sizeof head) == "$ANSIBLE_VAULT;";
}

Result<std::string> ReadLocalSource(const std::string& path, bool* was_vault) {
  Result<std::string> text = ReadFile(path);
  if (!text) return text;
  const bool vault = text->rfind("$ANSIBLE_VAULT;", 0) == 0;
  if (was_vault) *was_vault = vault;
  if (!vault) return text;
  try {
    std::string plain = Value::Vault(std::move(*text)).as_string();
    RegisterSecret(plain);
    return plain;
  } catch (const Failure& f) {
    return MakeError("could not decrypt " + path + ": " + f.error.message);
  }
}

Result<Map> InstallFile(RunContext& ctx, const std::string& local_path, const Map& args,
                        std::string dest, const std::string& basename,
                        const std::string& after_header) {
  Result<FileDigests> d = DigestLocalFile(local_path);
  if (!d) return Failed(d.error().message);
  Payload p{nullptr, local_path, d->size, d->sha1, d->md5};
  return InstallPayload(ctx, p, args, std::move(dest), basename, after_header);
}

namespace {

Result<Map> InstallPayload(RunContext& ctx, const Payload& payload, const Map& args,
                           std::string dest, const std::string& basename,
                           const std::string& after_header) {
  const std::string owner = ArgText(args, "owner");
  const std::string group = ArgText(args, "group");
  const Value* mode_arg = args.find("mode");
  const bool backup =
      args.find("backup") && args.find("backup")->is_bool() && args.find("backup")->as_bool();
  const Value* force_v = args.find("force");
  const bool force = !force_v || !force_v->is_bool() || force_v->as_bool();
  const std::string& checksum = payload.sha1;

  const bool dir_dest = !dest.empty() && dest.back() == '/';
  if (dir_dest && basename.empty()) return Failed("can not use content with a dir as dest");
  // The query: resolve the target (a directory dest means dest/basename),
  // stat it with its sha1, check the parent, and in diff mode print the
  // current content when it differs.
  std::optional<RemoteStat> st;
  bool into_dir = false, no_parent = false;
  std::string out;  // diff mode: the query's output (the current content)
  if (!ctx.diff_mode) {
    std::string probe_error;
    Result<std::optional<ProbeAnswer>> probed =
        ctx.Probe(InstallProbe(dest, basename), &probe_error);
    if (!probed) return probed.take_error();
    if (*probed && (*probed)->dir_no_name) return Failed("can not use content with a dir as dest");
    if (!*probed) return Failed("could not query " + dest + " on the host: " + probe_error);
    st = (*probed)->st;
    into_dir = (*probed)->into_dir;
    no_parent = !(*probed)->parent_exists;
  } else {
    std::string q =
        StatShellFunction(false) + "__t=" + ShellQuote(dir_dest ? dest + basename : dest) + "\n";
    if (!dir_dest) {
      q += "if [ -d \"$__t\" ]; then " +
           (basename.empty() ? std::string("echo DROVER_DIR_NO_NAME; exit 0")
                             : "__t=\"$__t\"/" + ShellQuote(basename) + "; echo DROVER_INTO_DIR") +
           "; fi\n";
    }
    q += "__drover_stat \"$__t\" sha1 || exit 1\n";
    q += "[ -d \"$(dirname -- \"$__t\")\" ] || echo DROVER_NO_PARENT\n";
    q += "if [ -f \"$__t\" ] && [ \"$__c\" != " + checksum + " ] && [ $(wc -c < \"$__t\") -le " +
         std::to_string(kMaxDiffSize) + " ]; then echo DROVER_CONTENT; cat -- \"$__t\"; fi\n";
    Result<connection::ExecResult> res = ctx.Exec(q);
    if (!res) return res.take_error();
    out = res->stdout_data;
    if (out.find("DROVER_DIR_NO_NAME") != std::string::npos)
      return Failed("can not use content with a dir as dest");
    st = ParseStatOutput(out);
    if (!st || res->exit_status != 0)
      return Failed("could not query " + dest + " on the host: " + res->stderr_data);
    into_dir = out.find("DROVER_INTO_DIR") != std::string::npos;
    no_parent = out.find("DROVER_NO_PARENT") != std::string::npos;
  }
  if (into_dir || dir_dest) dest = (dir_dest ? dest : dest + "/") + basename;
  if (no_parent && !dir_dest) {
    size_t slash = dest.rfind('/');
    Map f = Failed("Destination directory " +
                   (slash == std::string::npos ? std::string(".") : dest.substr(0, slash)) +
                   " does not exist");
    f.set("checksum", Value(checksum));
    return f;
  }
  if (st->exists && st->IsDir()) return Failed("Destination " + dest + " is a directory");

  if (!force && st->exists) {  // Ansible leaves an existing file alone, attributes too
    Map r{{"changed", false}, {"dest", Value(dest)}, {"checksum", Value(st->checksum)}};
    AddPathAttrs(*st, &r);
    r.set("path", Value(dest));
    return r;
  }
  const bool content_differs = !st->exists || st->checksum != checksum;
  const bool write = content_differs && (force || !st->exists);
  Result<std::optional<unsigned>> mode =
      ResolveMode(mode_arg ? *mode_arg : Value(), st->exists ? st->Perms() : 0644, false);
  if (!mode) return Failed(mode.error().message);
  const bool attrs_differ = st->exists && (OwnerDiffers(owner, *st) || GroupDiffers(group, *st) ||
                                           (*mode && **mode != st->Perms()));
  const bool changed = write || attrs_differ;

  Map r{{"changed", changed}, {"dest", Value(dest)}, {"checksum", Value(checksum)}};
  if (ctx.diff_mode && write) {
    std::string before;
    if (size_t at = out.find("DROVER_CONTENT\n"); at != std::string::npos)
      before = out.substr(at + 15);
    Result<std::optional<std::string>> after = DiffText(payload);
    if (!after) return Failed(after.error().message);
    std::string diff;
    if (st->exists && st->size > static_cast<int64_t>(kMaxDiffSize))
      diff = "diff skipped: destination file size is greater than 104448\n";
    else if (!*after)
      diff = "diff skipped: source file size is greater than 104448\n";
    else if (before.find('\0') != std::string::npos || (*after)->find('\0') != std::string::npos)
      diff = "diff skipped: file appears to be binary\n";
    else
      diff = UnifiedDiff(before, **after, dest, after_header);
    r.set("_drover_diff", Value(diff));
    if (*after) {
      r.set("diff", Value(List{Value(Map{{"before", Value(before)},
                                         {"after", Value(**after)},
                                         {"before_header", Value(dest)},
                                         {"after_header", Value(after_header)}})}));
    } else {
      r.set("diff", Value(List{Value(Map{{"src_larger", Value(int64_t{104448})}})}));
    }
  }
  if (!changed || ctx.check_mode) {
    if (st->exists) {
      AddPathAttrs(*st, &r);
      r.set("path", Value(dest));
    } else {
      r.set("size", Value(static_cast<int64_t>(payload.size)));
    }
    return r;
  }
  std::string script;
  if (dir_dest && no_parent) {
    size_t slash = dest.rfind('/');
    script += "mkdir -p -- " + ShellQuote(dest.substr(0, slash)) + " || exit 1\n";
  }
  if (backup && st->exists && write) {
    script += "__b=" + ShellQuote(dest) + ".$$." + ShellQuote(BackupSuffix()) + "; cp -p -- " +
              ShellQuote(dest) + " \"$__b\" || exit 1; echo \"DROVER_BACKUP|$__b\"\n";
  }
  if (write) {
    connection::FileAttributes fa{owner, group, *mode ? OctalMode(**mode) : ""};
    const connection::ContentDigest expect{payload.size, payload.sha1};
    const std::string validate = ArgText(args, "validate");
    if (validate.empty()) {
      script += "( " + connection::AtomicInstallScript(dest, fa, expect) + "\n) || exit 1\n";
    } else {
      Result<std::string> install = InstallScript(dest, "cat > \"$__t\"", fa, validate, expect);
      if (!install) {
        Map f = Failed(install.error().message);
        f.set("checksum", Value(checksum));
        return f;
      }
      script += *install;
    }
  } else {
    script += AttrsScript(dest, owner, group, *mode);
  }
  script += StatShellFunction(false) + "__drover_stat " + ShellQuote(dest) + " ''\n";
  Result<connection::ExecResult> done = !write         ? ctx.Exec(script)
                                        : payload.text ? ctx.Exec(script, *payload.text)
                                                       : ctx.ExecWithFile(script, payload.file);
  if (!done) return done.take_error();
  if (EditWriteResult v; ParseValidateFailure(*done, &v)) {  // Ansible's copy failure shape
    Map f = Failed("failed to validate");
    f.set("checksum", Value(checksum));
    f.set("exit_status", Value(static_cast<int64_t>(*v.validate_rc)));
    f.set("stdout", Value(v.validate_stdout));
    f.set("stderr", Value(v.validate_stderr));
    return f;
  }
  if (done->exit_status != 0) {
    Map f = Failed(connection::InstallFailureMessage(dest, done->stderr_data));
    f.set("checksum", Value(checksum));
    return f;
  }
  if (std::optional<RemoteStat> now = ParseStatOutput(done->stdout_data); now && now->exists)
    AddPathAttrs(*now, &r);
  if (write) r.set("md5sum", Value(payload.md5));
  if (size_t at = done->stdout_data.find("DROVER_BACKUP|"); at != std::string::npos) {
    size_t nl = done->stdout_data.find('\n', at);
    r.set("backup_file", Value(done->stdout_data.substr(at + 14, nl - at - 14)));
  }
  return r;
}

}  // namespace

}  // namespace drover::modules
