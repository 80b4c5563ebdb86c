// mount (ansible.posix.mount) on Linux: one round trip reads the fstab,
// /proc/self/mountinfo, whether the path is a mount point (os.path.ismount:
// another device than its parent, or the same inode) and the host's
// capabilities; the fstab's new text and the decision are made on the
// controller as Ansible's module makes them (lines rewritten as
// "src name fstype opts dump passno", fields escaped \040 \046 \134); a
// second round trip, outside check mode and only when something differs,
// makes the directories, writes the fstab (backup first with backup=true),
// and mounts, remounts (falling back to umount+mount) or unmounts. A failed
// mount puts the old fstab back and removes the directories it made, as
// Ansible does. Results are Ansible's: changed, name, src, fstype, opts,
// dump, passno, fstab, boot, backup_file, warnings.
//
// A host that may not mount (a container without CAP_SYS_ADMIN) fails with
// Ansible's message and a note naming the missing capability; fstab-only
// states (present, absent_from_fstab) work there.
//
// Partial: state=ephemeral is refused (not implemented yet); only Linux
// hosts.
#include <ctime>
#include <map>

#include "connection/atomic_install.h"
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/py_split.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::string Strip(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n\v\f");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n\v\f") - b + 1);
}

// Ansible's _escape_fstab.
std::string EscapeFstab(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\134";
    else if (c == ' ')
      out += "\\040";
    else if (c == '&')
      out += "\\046";
    else
      out += c;
  }
  return out;
}

// The mounts of /proc/self/mountinfo by mount point, with the source a
// bind mount shows (Ansible's get_linux_mounts).
struct LinuxMount {
  std::string src;
};
std::map<std::string, LinuxMount> LinuxMounts(const std::string& mountinfo) {
  struct Record {
    int64_t id, parent;
    std::string root, dst, src;
  };
  std::map<int64_t, Record> by_id;
  for (const Value& l : SplitLines(mountinfo)) {
    std::vector<std::string> f = PySplit(l.as_string());
    if (f.size() < 7) continue;
    Record r{std::stoll(f[0]), std::stoll(f[1]), f[3], f[4], f[f.size() - 2]};
    by_id[r.id] = r;
  }
  std::map<std::string, LinuxMount> mounts;
  for (auto& [id, m] : by_id) {
    std::string src = m.src;
    auto parent = by_id.find(m.parent);
    if (m.parent != 1 && parent != by_id.end()) {
      const Record& p = parent->second;
      if (p.root.size() > 1 && m.root.rfind(p.root + "/", 0) == 0)
        m.root = m.root.substr(p.root.size());
      if (p.dst != "/") m.root = p.dst + m.root;
      src = m.root;
    }
    mounts[m.dst] = LinuxMount{src};
  }
  return mounts;
}

// Ansible's args dict: what the fstab line is made of.
struct MountArgs {
  std::string name, opts = "defaults", dump = "0", passno = "0", fstab = "/etc/fstab", boot = "yes";
  std::optional<std::string> src, fstype;
  List warnings;
};

// _set_mount_save_old: the new fstab text and whether it changed.
std::pair<std::string, bool> SetMount(const std::string& text, const MountArgs& a) {
  const std::string name = EscapeFstab(a.name), src = EscapeFstab(a.src.value_or("")),
                    fstype = EscapeFstab(a.fstype.value_or("")), opts = EscapeFstab(a.opts),
                    dump = EscapeFstab(a.dump), passno = EscapeFstab(a.passno);
  std::string out;
  bool exists = false, changed = false;
  for (std::string line : LinesKeepEnds(text)) {
    if (line.back() != '\n') line += '\n';
    const std::string s = Strip(line);
    std::vector<std::string> f = PySplit(line);
    if (s.empty() || s[0] == '#' || f.size() < 4 || f.size() > 6) {
      out += line;
      continue;
    }
    // A missing dump or passno is Python's int 0: never equal to the text.
    std::optional<std::string> ld_dump, ld_passno;
    if (f.size() > 4) ld_dump = f[4];
    if (f.size() > 5) ld_passno = f[5];
    if (f[1] != name || (a.src && f[1] == "none" && f[2] == "swap" && f[0] != *a.src)) {
      out += line;
      continue;
    }
    exists = true;
    if (f[0] != src) f[0] = src, changed = true;
    if (f[2] != fstype) f[2] = fstype, changed = true;
    if (f[3] != opts) f[3] = opts, changed = true;
    if (ld_dump != dump) ld_dump = dump, changed = true;
    if (ld_passno != passno) ld_passno = passno, changed = true;
    if (changed)
      out += f[0] + " " + f[1] + " " + f[2] + " " + f[3] + " " + ld_dump.value_or("0") + " " +
             ld_passno.value_or("0") + "\n";
    else
      out += line;
  }
  if (!exists) {
    out += src + " " + name + " " + fstype + " " + opts + " " + dump + " " + passno + "\n";
    changed = true;
  }
  return {out, changed};
}

// unset_mount: the fstab without the path's (six-field) lines.
std::pair<std::string, bool> UnsetMount(const std::string& text, const MountArgs& a) {
  const std::string name = EscapeFstab(a.name);
  std::string out;
  bool changed = false;
  for (const std::string& line : LinesKeepEnds(text)) {
    const std::string s = Strip(line);
    std::vector<std::string> f = PySplit(line);
    if (s.empty() || s[0] == '#' || f.size() != 6 || f[1] != name ||
        (a.src && f[1] == "none" && f[2] == "swap" && f[0] != *a.src)) {
      out += line;
      continue;
    }
    changed = true;
  }
  return {out, changed};
}

std::string BackupSuffix() {
  char buf[64];
  std::time_t now = std::time(nullptr);
  std::strftime(buf, sizeof buf, "%Y-%m-%d@%H:%M:%S~", std::localtime(&now));
  return buf;
}

class Mount : public Module {
 public:
  std::string_view Name() const override { return "mount"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"boot", ArgType::kBool, Value(true), false, {}, {}},
        {"dump", ArgType::kStr, Value("0"), false, {}, {}},
        {"fstab", ArgType::kStr, {}, false, {}, {}},
        {"fstype", ArgType::kStr, {}, false, {}, {}},
        {"path", ArgType::kPath, {}, true, {"name"}, {}},
        {"opts", ArgType::kStr, {}, false, {}, {}},
        {"passno", ArgType::kStr, Value("0"), false, {}, {}},
        {"src", ArgType::kPath, {}, false, {}, {}},
        {"backup", ArgType::kBool, Value(false), false, {}, {}},
        {"state",
         ArgType::kStr,
         {},
         true,
         {},
         {"absent", "absent_from_fstab", "mounted", "present", "unmounted", "remounted",
          "ephemeral"}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string state = ArgText(args, "state");
    if (state == "ephemeral")
      return Failed("mount: state=ephemeral is not implemented by drover yet");
    if (state == "mounted" || state == "present") {
      std::vector<std::string> missing;
      for (const char* k : {"src", "fstype"})
        if (!OptionalArgText(args, k)) missing.push_back(k);
      if (!missing.empty()) {
        std::string m;
        for (const std::string& k : missing) m += (m.empty() ? "" : ", ") + k;
        return Failed("state is " + state + " but all of the following are missing: " + m);
      }
    }
    MountArgs a;
    a.name = ArgText(args, "path");
    for (auto [key, field] : {std::pair{"passno", &a.passno},
                              {"opts", &a.opts},
                              {"dump", &a.dump},
                              {"fstab", &a.fstab}})
      if (std::optional<std::string> v = OptionalArgText(args, key)) *field = *v;
    a.src = OptionalArgText(args, "src");
    a.fstype = OptionalArgText(args, "fstype");
    std::vector<std::string> opts;
    for (size_t b = 0;;) {
      size_t e = a.opts.find(',', b);
      opts.push_back(a.opts.substr(b, e - b));
      if (e == std::string::npos) break;
      b = e + 1;
    }
    auto has = [&](const char* o) { return std::find(opts.begin(), opts.end(), o) != opts.end(); };
    if (has("noauto")) {
      a.warnings.push_back(Value("Ignore the 'boot' due to 'opts' contains 'noauto'."));
    } else if (!args.find("boot")->as_bool()) {
      a.boot = "no";
      if (has("defaults")) {
        a.warnings.push_back(Value("Ignore the 'boot' due to 'opts' contains 'defaults'."));
      } else {
        a.opts += ",noauto";
      }
    }

    const std::string q_name = ShellQuote(a.name), q_fstab = ShellQuote(a.fstab);
    Result<connection::ExecResult> r = ctx.Exec(
        HostScriptPrelude(true) + "if [ -f " + q_fstab + " ]; then field fstab \"$(cat -- " +
        q_fstab + "; echo .)\"; fi\n" + "field mountinfo \"$(cat /proc/self/mountinfo)\"\n" +
        "if [ -e " + q_name + " ] || [ -L " + q_name + " ]; then field exists 1\n" + "  [ -L " +
        q_name + " ] || field ismount \"$(stat -c '%d %i' -- " + q_name + " " +
        ShellQuote(a.name + "/..") + " 2>/dev/null)\"\nfi\n" +
        "field cap \"$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)\"\n" +
        "command -v mount >/dev/null 2>&1 && field has_mount 1\n");
    if (!r) return r.take_error();
    const HostFields fields = ParseHostFields(r->stdout_data);
    std::string old_text = FieldValue(fields, "fstab").value_or(".");
    old_text.pop_back();  // the "." that kept trailing newlines
    const bool fstab_exists = FieldValue(fields, "fstab").has_value();
    const bool exists = FieldValue(fields, "exists").has_value();
    const std::map<std::string, LinuxMount> mounts =
        LinuxMounts(FieldValue(fields, "mountinfo").value_or(""));
    bool is_mount = false;  // os.path.ismount
    if (std::vector<std::string> st = PySplit(FieldValue(fields, "ismount").value_or(""));
        st.size() == 4)
      is_mount = st[0] != st[2] || st[1] == st[3];
    const bool in_mounts = mounts.count(a.name) > 0;
    const bool bind_mounted_src =
        in_mounts && a.src && mounts.at(a.name).src == *a.src;  // is_bind_mounted(src)
    const std::string caps = FieldValue(fields, "cap").value_or("");
    const bool may_mount = caps.empty() || (std::stoull(caps, nullptr, 16) >> 21 & 1) != 0;

    bool changed = false;
    std::optional<std::string> new_text;
    std::string action;  // shell text run after the fstab is written
    if (state == "absent_from_fstab" || state == "absent") {
      auto [text, c] = UnsetMount(old_text, a);
      changed = c;
      if (c) new_text = text;
      if (state == "absent" && c) {
        if (is_mount || in_mounts)
          action += "run umount " + q_name +
                    "\n[ \"$RC\" -eq 0 ] || fail \"Error unmounting $__n: $OUT$ERR\"\n";
        action += "if [ -e " + q_name + " ]; then __e=$(rmdir -- " + q_name +
                  " 2>&1) || fail \"Error rmdir $__n: $__e\"; fi\n";
      }
    } else if (state == "unmounted") {
      if (is_mount || in_mounts) {
        changed = true;
        action = "run umount " + q_name +
                 "\n[ \"$RC\" -eq 0 ] || fail \"Error unmounting $__n: $OUT$ERR\"\n";
      }
    } else if (state == "present") {
      auto [text, c] = SetMount(old_text, a);
      changed = c;
      if (c) new_text = text;
    } else if (state == "mounted") {
      auto [text, c] = SetMount(old_text, a);
      changed = c;
      if (c) new_text = text;
      if (is_mount || bind_mounted_src) {
        if (changed) action = RemountScript(a, state);
      } else {
        changed = true;
        action = MountScript(a);
      }
      if (!action.empty()) action = "__mounting=1\n" + action;
    } else {  // remounted
      changed = true;
      action = RemountScript(a, state);
    }

    Map result{{"changed", changed},    {"name", Value(a.name)},     {"opts", Value(a.opts)},
               {"dump", Value(a.dump)}, {"passno", Value(a.passno)}, {"fstab", Value(a.fstab)},
               {"boot", Value(a.boot)}, {"backup_file", Value("")}};
    // An empty list is dropped, as AnsibleModule drops it.
    if (!a.warnings.empty()) result.set("warnings", Value(a.warnings));
    if (a.src) result.set("src", Value(*a.src));
    if (a.fstype) result.set("fstype", Value(*a.fstype));
    if (ctx.check_mode || (!new_text && action.empty() && fstab_exists)) return result;

    // The write: directories, fstab (backup), then the mount action; a
    // failed mount restores the old fstab and removes the directories made.
    std::string script =
        HostScriptPrelude(true) + "__made=\n__n=" + q_name + "\n__f=" + q_fstab + "\n";
    if (!fstab_exists)
      script += "mkdir -p -- \"$(dirname -- " + q_fstab + ")\" && : >> " + q_fstab +
                " || fail \"Failed to open $__f due to permission issue\"\n";
    if (state == "mounted" && !exists) {
      std::string cur;
      for (const std::string& part : SplitPath(a.name)) {
        cur += (a.name[0] == '/' || !cur.empty() ? "/" : "") + part;
        script += "if [ ! -e " + ShellQuote(cur) + " ]; then mkdir -- " + ShellQuote(cur) +
                  " 2>/dev/null || [ -d " + ShellQuote(cur) +
                  " ] || fail \"Error making dir $__n: $(mkdir -- " + ShellQuote(cur) +
                  " 2>&1)\"; __made=" + ShellQuote(cur) + "\" $__made\"; fi\n";
      }
    }
    const bool backup = args.find("backup")->as_bool();
    if (new_text) {
      if (backup)
        script += "__b=" + q_fstab + ".$$." + ShellQuote(BackupSuffix()) + "; cp -p -- " + q_fstab +
                  " \"$__b\" && field backup \"$__b\"\n";
      script += "(" + connection::AtomicInstallInlineScript(*new_text, a.fstab, {}) +
                ") || fail \"Failed to write $__f\"\n";
    }
    script += "restore() {\n";
    if (new_text)
      script += "  (" + connection::AtomicInstallInlineScript(old_text, a.fstab, {}) + ")\n";
    script += "  for d in $__made; do rmdir -- \"$d\"; done 2>/dev/null\n  :\n}\n";
    script += action;
    Result<connection::ExecResult> w = ctx.Exec(script);
    if (!w) return w.take_error();
    const HostFields wf = ParseHostFields(w->stdout_data);
    if (std::optional<std::string> fail = FieldValue(wf, "fail")) {
      std::string msg = *fail;
      if (!may_mount && (msg.find("ermission denied") != std::string::npos ||
                         msg.find("must be superuser") != std::string::npos ||
                         msg.find("not permitted") != std::string::npos))
        msg +=
            " (this host lacks CAP_SYS_ADMIN, as an unprivileged container does: it cannot "
            "mount or unmount; the fstab-only states present and absent_from_fstab work)";
      return Failed(msg);
    }
    if (w->exit_status != 0) return Failed("mount: " + w->stderr_data);
    if (backup && new_text) result.set("backup_file", Value(FieldValue(wf, "backup").value_or("")));
    return result;
  }

 private:
  static std::vector<std::string> SplitPath(const std::string& path) {
    std::vector<std::string> parts;
    std::string cur;
    for (char c : path) {
      if (c == '/') {
        if (!cur.empty()) parts.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) parts.push_back(cur);
    return parts;
  }

  static std::string FstabArgs(const MountArgs& a) {
    return a.fstab != "/etc/fstab" ? " -T " + ShellQuote(a.fstab) : "";
  }

  // mount(): `mount [-T FSTAB] NAME`; a failure restores and fails.
  static std::string MountScript(const MountArgs& a) {
    return "run mount" + FstabArgs(a) + " " + ShellQuote(a.name) +
           "\nif [ \"$RC\" -ne 0 ]; then restore; fail \"Error mounting $__n: $OUT$ERR\"; fi\n";
  }

  // remount(): `mount -o remount[,OPTS]`, else umount then mount.
  static std::string RemountScript(const MountArgs& a, const std::string& state) {
    const bool with_opts = state == "remounted" && a.opts != "defaults";
    std::string s = "run mount -o " + ShellQuote(with_opts ? "remount," + a.opts : "remount") +
                    FstabArgs(a) + " " + ShellQuote(a.name) + "\nif [ \"$RC\" -ne 0 ]; then\n";
    const std::string what = state == "remounted" ? "Error remounting " : "Error mounting ";
    if (with_opts)
      s += "  fail 'Options were specified with remounted, but the remount command failed. "
           "Failing in order to prevent an unexpected mount result. Try replacing this command "
           "with a \"state: unmounted\" followed by a \"state: mounted\" using the full desired "
           "mount options instead.'\n";
    s += "  run umount " + ShellQuote(a.name) + "\n  if [ \"$RC\" -eq 0 ]; then run mount" +
         FstabArgs(a) + " " + ShellQuote(a.name) +
         "; fi\n  if [ \"$RC\" -ne 0 ]; then [ -z \"$__mounting\" ] || restore; fail \"" + what +
         "$__n: $OUT$ERR\"; fi\nfi\n";
    return s;
  }
};

}  // namespace

const Module& MountModule() {
  static const Mount m;
  return m;
}

}  // namespace drover::modules
