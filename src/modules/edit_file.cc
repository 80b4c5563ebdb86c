#include "modules/edit_file.h"

#include <cstdio>
#include <cstdlib>

#include "connection/atomic_install.h"
#include "connection/shell.h"
#include "modules/path_probe.h"

namespace drover::modules {

using connection::ShellQuote;

namespace {

// The text between `tag` and the end of its line; "" when absent.
std::string Field(const std::string& out, const std::string& tag, size_t* at_out = nullptr) {
  size_t at = out.find(tag);
  if (at == std::string::npos) return "";
  at += tag.size();
  if (at_out) *at_out = at;
  size_t nl = out.find('\n', at);
  return out.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
}

std::vector<std::string> SplitBars(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t bar = s.find('|', start);
    parts.push_back(s.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) return parts;
    start = bar + 1;
  }
}

// Python's '0%03o'.
std::string PythonModeText(unsigned mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0%03o", mode);
  return buf;
}

}  // namespace

std::vector<std::string> SplitLinesKeepEnds(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      lines.push_back(text.substr(start, i + 1 - start));
      start = i + 1;
    }
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

Status AddPathInfo(RunContext& ctx, const std::string& path, Map* result) {
  Result<connection::ExecResult> r =
      ctx.Exec(StatShellFunction(false) + "__drover_stat " + ShellQuote(path) + " ''\n");
  if (!r) return r.take_error();
  std::optional<RemoteStat> st = ParseStatOutput(r->stdout_data);
  if (st && st->exists) AddPathAttrs(*st, result);
  return {};
}

Result<EditTarget> ReadEditTarget(RunContext& ctx, const std::string& path,
                                  std::optional<Map>* failure) {
  const std::string q = ShellQuote(path);
  const std::string script =
      StatShellFunction(true) + "__drover_stat " + q +
      " '' || exit 1\n"
      "[ -d " +
      ShellQuote(PosixDirname(path)) +
      " ] || echo DROVER_NO_PARENT\n"
      "[ -L " +
      q +
      " ] && echo DROVER_IS_LINK\n"
      "printf 'DROVER_ENV|%s|%s|%s|%s|%s\\n' \"$(umask)\" \"$(id -u)\" \"$(id -g)\" \"$(id -un)\" "
      "\"$(id -gn)\"\n"
      "__r=$(readlink -f -- " +
      q +
      ") && printf 'DROVER_REAL|%s|END\\n' \"$__r\"\n"
      "if [ -f " +
      q + " ]; then echo DROVER_CONTENT; cat -- " + q + " || exit 1; fi\n";
  Result<connection::ExecResult> res = ctx.Exec(script);
  if (!res) return res.take_error();
  const std::string& out = res->stdout_data;
  EditTarget t;
  size_t content_at = out.find("DROVER_CONTENT\n");
  const std::string head = out.substr(0, content_at);
  std::optional<RemoteStat> st = ParseStatOutput(head);
  if (!st || res->exit_status != 0) {
    *failure = Failed("Unable to read the contents of " + path + ": " + res->stderr_data);
    return t;
  }
  t.st = *st;
  t.parent_exists = head.find("DROVER_NO_PARENT") == std::string::npos;
  t.is_link = head.find("DROVER_IS_LINK") != std::string::npos;
  if (size_t at = head.find("DROVER_REAL|"); at != std::string::npos) {
    size_t end = head.find("|END\n", at);
    if (end != std::string::npos) t.real_path = head.substr(at + 12, end - at - 12);
  }
  if (t.real_path.empty()) t.real_path = path;
  std::vector<std::string> env = SplitBars(Field(head, "DROVER_ENV|"));
  if (env.size() == 5) {
    unsigned umask = static_cast<unsigned>(std::strtoul(env[0].c_str(), nullptr, 8));
    t.new_file.exists = true;
    t.new_file.st_mode = 0100000 | (0666 & ~umask);
    t.new_file.uid = std::atoll(env[1].c_str());
    t.new_file.gid = std::atoll(env[2].c_str());
    t.new_file.owner = env[3];
    t.new_file.group = env[4];
  }
  if (content_at != std::string::npos) t.content = out.substr(content_at + 15);
  return t;
}

Result<AttrPlan> PlanAttrs(const Map& args, const RemoteStat& current, bool is_link,
                           bool check_mode) {
  AttrPlan p;
  p.owner = ArgText(args, "owner");
  p.group = ArgText(args, "group");
  const Value* mode_arg = args.find("mode");
  const unsigned perms = is_link ? 0777 : current.Perms();
  Result<std::optional<unsigned>> mode = ResolveMode(mode_arg ? *mode_arg : Value(), perms, false);
  if (!mode) return mode.take_error();
  const bool mode_differs = *mode && **mode != perms && (!is_link || check_mode);
  if (!is_link) p.mode = *mode;
  p.differ = OwnerDiffers(p.owner, current) || GroupDiffers(p.group, current) || mode_differs;
  if (mode_differs) {
    p.diff.set("before", Value(Map{{"mode", Value(PythonModeText(perms))}}));
    p.diff.set("after", Value(Map{{"mode", Value(PythonModeText(**mode))}}));
  }
  return p;
}

Result<std::string> ValidateCommand(const std::string& validate, const std::string& temp_path) {
  if (validate.find("%s") == std::string::npos)
    return MakeError("validate must contain %s: " + validate);
  // Python's `validate % tmpfile` happens before shlex.split there; drover's
  // temp file sits beside the destination and may contain spaces, so the
  // command is split with a placeholder first and the path put in after.
  static const std::string kHole = "\x01DROVER_TMP\x01";
  std::string formatted;
  for (size_t i = 0; i < validate.size(); ++i) {
    if (validate[i] != '%') {
      formatted += validate[i];
      continue;
    }
    if (i + 1 < validate.size() && validate[i + 1] == 's') {
      formatted += kHole;
    } else if (i + 1 < validate.size() && validate[i + 1] == '%') {
      formatted += '%';
    } else {
      return MakeError("validate: unsupported format character in: " + validate);
    }
    ++i;
  }
  Result<std::vector<std::string>> words = connection::ShellSplit(formatted);
  if (!words) return words.take_error();
  std::string cmd;
  for (std::string w : *words) {
    for (size_t at; (at = w.find(kHole)) != std::string::npos;)
      w.replace(at, kHole.size(), temp_path);
    if (!cmd.empty()) cmd += ' ';
    cmd += ShellQuote(w);
  }
  return cmd;
}

Result<std::string> InstallScript(const std::string& dest, const std::string& fill,
                                  const connection::FileAttributes& attrs,
                                  const std::string& validate,
                                  const std::optional<connection::ContentDigest>& expect) {
  const std::string temp = connection::TempNameBeside(dest);
  std::string script = connection::StaleTempSweep(dest) + "__t=" + ShellQuote(temp) +
                       "\n(umask 077; " + fill +
                       ") || { rm -f -- \"$__t\"; printf 'Failed to replace file: %s to %s: %s\\n' "
                       "\"$__t\" " +
                       ShellQuote(dest) + " 'write failed' >&2; exit 1; }\n";
  if (!validate.empty()) {
    Result<std::string> cmd = ValidateCommand(validate, temp);
    if (!cmd) return cmd.take_error();
    script += "__vo=$(" + *cmd +
              " 2>\"$__t.err\" </dev/null); __vr=$?\n"
              "if [ $__vr -ne 0 ]; then printf 'DROVER_VALIDATE|%s\\n' $__vr; printf '%s' "
              "\"$__vo\"; cat -- \"$__t.err\" >&2; rm -f -- \"$__t\" \"$__t.err\"; exit 0; fi\n"
              "rm -f -- \"$__t.err\"\n";
  }
  return script + "( " + connection::FinishInstallScript(temp, dest, attrs, expect) +
         "\n) || exit 1\n";
}

bool ParseValidateFailure(const connection::ExecResult& done, EditWriteResult* r) {
  const std::string& out = done.stdout_data;
  size_t at = out.find("DROVER_VALIDATE|");
  if (at == std::string::npos) return false;
  size_t nl = out.find('\n', at);
  r->validate_rc = std::atoi(out.substr(at + 16, nl - at - 16).c_str());
  r->validate_stdout = nl == std::string::npos ? "" : out.substr(nl + 1);
  r->validate_stderr = done.stderr_data;
  return true;
}

Result<EditWriteResult> WriteEdit(RunContext& ctx, const std::string& path,
                                  const EditTarget& target, const EditWrite& write,
                                  const AttrPlan& attrs) {
  EditWriteResult r;
  const std::string q = ShellQuote(path);
  std::string script;
  if (write.make_parent) {
    size_t slash = path.rfind('/');
    if (slash != std::string::npos && slash > 0)
      script += "mkdir -p -- " + ShellQuote(path.substr(0, slash)) + " || exit 1\n";
  }
  if (write.backup && target.st.exists && write.content) {
    script += "__b=" + q + ".$$.$(date +%Y-%m-%d@%H:%M:%S~); cp -p -- " + q +
              " \"$__b\" || exit 1; echo \"DROVER_BACKUP|$__b\"\n";
  }
  std::optional<std::string> stdin_data;
  if (write.content) {
    connection::FileAttributes fa{attrs.owner, attrs.group,
                                  attrs.mode ? OctalMode(*attrs.mode) : ""};
    Result<std::string> install =
        InstallScript(target.real_path, "cat > \"$__t\"", fa, write.validate,
                      connection::DigestOf(*write.content));
    if (!install) {
      r.failure = Failed(install.error().message);
      return r;
    }
    script += *install;
    stdin_data = *write.content;
  } else {
    script += AttrsScript(target.real_path, attrs.owner, attrs.group, attrs.mode);
  }
  Result<connection::ExecResult> done = ctx.Exec(script, stdin_data);
  if (!done) return done.take_error();
  const std::string& out = done->stdout_data;
  if (size_t at = out.find("DROVER_BACKUP|"); at != std::string::npos) {
    size_t nl = out.find('\n', at);
    r.backup_file = out.substr(at + 14, nl - at - 14);
  }
  if (ParseValidateFailure(*done, &r)) return r;
  if (done->exit_status != 0)
    r.failure = Failed(connection::InstallFailureMessage(target.real_path, done->stderr_data));
  return r;
}

}  // namespace drover::modules
