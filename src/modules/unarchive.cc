// unarchive (ansible.builtin.unarchive): unpacks a tar (plain, gz, bz2,
// xz) or zip archive into an existing directory on the host, in one round
// trip: a local src travels on the script's stdin (remote_src uses the
// host's file). The handler is named as Ansible picks it: ZipArchive,
// TgzArchive, else TarArchive (GNU tar reads bz2 and xz too). Idempotent as Ansible: tar archives
// are compared with `tar --diff` and only missing files, mode, mtime and (as root, without
// owner/group) uid/gid differences count; zip archives are unpacked into a
// temporary directory and compared file by file (content and type). The
// archive is extracted only when something differs; owner/group/mode are
// then applied to every member (mode may be octal or symbolic, as chmod
// takes it). Needs GNU tar, and unzip for zip files (a clear error when
// either is missing).
//
// Partial: include, a URL as src with remote_src, and the zip diff are not
// implemented (include and a URL fail clearly); keep_newer is passed to
// tar only; zip mtimes and modes are not compared.
#include <filesystem>

#include "connection/atomic_install.h"
#include "connection/shell.h"
#include "core/digest.h"
#include "core/file_util.h"
#include "modules/file_common.h"
#include "modules/http_fetch.h"
#include "modules/install.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

std::vector<std::string> StringList(const Value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_list()) return out;
  for (const Value& e : v->as_list())
    if (e.is_string()) out.push_back(e.as_string());
  return out;
}

// "<dir>/.<base>.drover-<hex>.tmp" without the path: the name beside each
// member under which its old version is kept during an extraction.
std::string BackupSuffix() {
  const std::string name = connection::TempNameBeside("x");
  return name.substr(name.find(".drover-"));
}

// A failed extraction must leave dest as it was: before extracting,
// __uprotect keeps every existing non-directory member under a hard link
// (tar and unzip unlink a file before writing it, so the link keeps the old
// bytes; a copy where links fail or --overwrite makes tar write in place)
// and lists the members that did not exist. __usettle, after the
// extraction, drops the kept versions when it succeeded (__urc = 0), else
// __uundo puts them back and removes what the extraction created. The EXIT
// trap (__uend) undoes an extraction that a signal or a dropped connection
// interrupted. Directories that existed keep what tar set on them.
constexpr const char* kGuardFunctions = R"SH(__ukept() { __ub="${1%/*}/.${1##*/}$__ubk"; }
__uprotect() {
  : > "$__ux/saved"; : > "$__ux/new"
  __ucopy=false
  case "${__utar_extra:-}" in *--overwrite*) __ucopy=true;; esac
  __uguard=undo
  while IFS= read -r __uf; do
    __up="$__ud/$__uf"; __up=${__up%/}
    if [ -d "$__up" ] && [ ! -L "$__up" ]; then continue; fi
    if [ -e "$__up" ] || [ -L "$__up" ]; then
      __ukept "$__up"
      if [ ! -e "$__ub" ] && [ ! -L "$__ub" ]; then
        { ! $__ucopy && ln -P -- "$__up" "$__ub" 2>/dev/null; } || __e=$(cp -pP -- "$__up" "$__ub" 2>&1) ||
          { rm -f -- "$__ub"; __ufail "failed to unpack $__usrc to $__ud: cannot keep the old $__up before extracting: $__e"; }
        printf '%s\n' "$__up" >> "$__ux/saved"
      fi
    else
      printf '%s\n' "$__up" >> "$__ux/new"
    fi
  done < "$__ux/list"
}
__uundo() {
  while IFS= read -r __up; do
    __ukept "$__up"
    [ -e "$__ub" ] || [ -L "$__ub" ] || continue
    if [ -d "$__up" ] && [ ! -L "$__up" ]; then rm -rf -- "$__up"; fi
    mv -f -- "$__ub" "$__up"
  done < "$__ux/saved"
  while IFS= read -r __up; do
    if [ ! -d "$__up" ] || [ -L "$__up" ]; then rm -f -- "$__up"; fi
  done < "$__ux/new"
  sort -r "$__ux/new" | while IFS= read -r __up; do
    if [ -d "$__up" ] && [ ! -L "$__up" ]; then rmdir -- "$__up" 2>/dev/null; fi
  done
  __uguard=
}
__usettle() {
  if [ "$__urc" != 0 ]; then __uundo; return; fi
  while IFS= read -r __up; do __ukept "$__up"; rm -f -- "$__ub"; done < "$__ux/saved"
  __uguard=
}
__uend() { [ "$__uguard" != undo ] || __uundo; rm -rf "$__ux"; }
__uattr() { __e=$("$@" 2>&1) || { printf 'DROVER_ATTRFAIL|%s\n' "$__e"; exit 1; }; }
)SH";

class Unarchive : public Module {
 public:
  std::string_view Name() const override { return "unarchive"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"src", ArgType::kPath, {}, true, {}, {}},
        {"dest", ArgType::kPath, {}, true, {}, {}},
        {"remote_src", ArgType::kBool, Value(false), false, {}, {}},
        {"creates", ArgType::kPath, {}, false, {}, {}},
        {"list_files", ArgType::kBool, Value(false), false, {}, {}},
        {"keep_newer", ArgType::kBool, Value(false), false, {}, {}},
        {"exclude", ArgType::kList, Value(List{}), false, {}, {}},
        {"include", ArgType::kList, Value(List{}), false, {}, {}},
        {"extra_opts", ArgType::kList, Value(List{}), false, {}, {}},
        {"validate_certs", ArgType::kBool, Value(true), false, {}, {}},
        {"io_buffer_size", ArgType::kInt, Value(65536), false, {}, {}},
        {"copy", ArgType::kBool, Value(true), false, {}, {}},
        {"decrypt", ArgType::kBool, Value(true), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string src = ArgText(args, "src");
    const std::string dest = ArgText(args, "dest");
    const bool remote_src = args.find("remote_src")->as_bool() || !args.find("copy")->as_bool();
    const std::string creates = ArgText(args, "creates");
    const std::vector<std::string> excludes = StringList(args.find("exclude"));
    const std::vector<std::string> opts = StringList(args.find("extra_opts"));
    if (!StringList(args.find("include")).empty())
      return Failed("unarchive: include is not implemented by drover yet");
    if (remote_src && src.find("://") != std::string::npos)
      return Failed("unarchive: a URL as src is not implemented by drover yet");
    // A local archive is streamed on stdin (constant memory) and checked
    // on the host against its length and sha1 before anything is unpacked.
    std::optional<std::string> archive;
    std::optional<connection::ContentDigest> archive_digest;
    if (!remote_src) {
      Result<std::string> local = FindLocalFile(ctx, "files", src);
      if (!local) return Failed(local.error().message);
      Result<FileDigests> d = DigestLocalFile(*local);
      if (!d) return Failed(d.error().message);
      archive = *local;
      archive_digest = connection::ContentDigest{d->size, d->sha1};
    }
    std::string mode;
    if (const Value* m = args.find("mode"); m && !m->is_null())
      mode = m->is_int() ? OctalMode(static_cast<unsigned>(m->as_int())) : ArgText(args, "mode");

    std::string s = "__ud=" + ShellQuote(dest) + "\n__usrc=" + ShellQuote(src) +
                    "\n__uowner=" + ShellQuote(ArgText(args, "owner")) +
                    "\n__ugroup=" + ShellQuote(ArgText(args, "group")) +
                    "\n__umode=" + ShellQuote(mode) + "\n__ucheck=" + (ctx.check_mode ? "1" : "0") +
                    "\n__ukeep=" + (args.find("keep_newer")->as_bool() ? "1" : "0") + "\n";
    // Extra options and excludes, as positional parameters of the tar/unzip
    // calls (set -- keeps them quoted).
    std::string tar_opts, zip_opts, zip_excl;
    for (const std::string& o : opts) tar_opts += " " + ShellQuote(o);
    zip_opts = tar_opts;
    if (!opts.empty()) tar_opts = " --show-transformed-names" + tar_opts;
    for (const std::string& e : excludes) {
      tar_opts += " " + ShellQuote("--exclude=" + e);
      zip_excl += " " + ShellQuote(e);
    }
    if (!zip_excl.empty()) zip_excl = " -x" + zip_excl;
    s += "__utaropts() { __utar_extra=" + ShellQuote(tar_opts) + "; }\n";
    s += "__ubk=" + ShellQuote(BackupSuffix()) + "\n" + kGuardFunctions;
    s += R"SH(__ux=$(mktemp -d "${TMPDIR:-/tmp}/drover-unarchive.XXXXXX") || exit 1
__uguard=
trap '__uend' EXIT
trap 'exit 1' HUP INT TERM PIPE
__ufail() { printf 'DROVER_FAIL|%s\n' "$1"; exit 0; }
__uxfer() { __ufail "Source '$__usrc' failed to transfer: $1"; }
)SH";
    if (archive_digest) {
      s += "__e=$(cat 2>&1 > \"$__ux/source\") || __uxfer \"${__e:-write failed}\"\n" +
           connection::VerifyArrivalScript("\"$__ux/source\"", *archive_digest, "__uxfer") +
           "__uarc=\"$__ux/source\"\n";
    } else {
      s += "__uarc=$__usrc\n";
    }
    if (!creates.empty())
      s += "if [ -e " + ShellQuote(creates) + " ]; then echo 'DROVER_CREATES|'; exit 0; fi\n";
    s += R"SH(if [ ! -e "$__uarc" ]; then __ufail "Source '$__usrc' does not exist"; fi
if [ ! -r "$__uarc" ]; then __ufail "Source '$__usrc' not readable"; fi
if [ ! -s "$__uarc" ]; then __ufail "Invalid archive '$__usrc', the file is 0 bytes"; fi
if [ ! -d "$__ud" ]; then __ufail "Destination '$__ud' is not a directory"; fi
__umagic=$(od -An -tx1 -N6 "$__uarc" | tr -d ' \n')
__uz=; __uh=TarArchive
case $__umagic in
  504b0304*|504b0506*) __uh=ZipArchive;;
  1f8b*) __uz=-z; __uh=TgzArchive;;
  425a68*) __uz=-j;;
  fd377a585a00*) __uz=-J;;
esac
printf 'DROVER_HANDLER|%s\n' "$__uh"
__uchanged=0
if [ $__uh = ZipArchive ]; then
  command -v unzip >/dev/null 2>&1 || __ufail "Failed to find handler for \"$__usrc\". Make sure the required command to extract the file is installed. Unable to find required 'unzip' binary in the path."
  LC_ALL=C unzip -Z1 "$__uarc" > "$__ux/list" 2>"$__ux/err" || __ufail "unzip could not list $__usrc: $(cat "$__ux/err")"
  mkdir "$__ux/tree"
)SH";
    // A comparison tree that could not be unpacked (e.g. no space in
    // TMPDIR) counts as a difference: the real extraction then reports.
    s += "  LC_ALL=C unzip -qq -o \"$__uarc\"" + zip_opts + " -d \"$__ux/tree\"" + zip_excl +
         " >/dev/null 2>\"$__ux/err\"; [ $? -le 1 ] || __uchanged=1\n";
    s += R"SH(  while IFS= read -r __uf; do
    case $__uf in */) [ -d "$__ud/$__uf" ] || { __uchanged=1; break; }; continue;; esac
    [ -e "$__ux/tree/$__uf" ] || continue
    if [ ! -f "$__ud/$__uf" ] || ! cmp -s "$__ux/tree/$__uf" "$__ud/$__uf"; then __uchanged=1; break; fi
  done < "$__ux/list"
  if [ $__uchanged = 1 ] && [ $__ucheck = 0 ]; then
    __uprotect
)SH";
    s += "    __ucmd=\"unzip -o $__uarc" + zip_opts + " -d $__ud" + zip_excl + "\"\n";
    s += "    LC_ALL=C unzip -o \"$__uarc\"" + zip_opts + " -d \"$__ud\"" + zip_excl +
         " > \"$__ux/out\" 2> \"$__ux/err\"; __urc=$?\n";
    s += R"SH(    __usettle
    printf 'DROVER_EXTRACTED|%s|%s\n' "$__urc" "$__ucmd"
  fi
else
  __ut=tar; command -v gtar >/dev/null 2>&1 && __ut=gtar
  command -v $__ut >/dev/null 2>&1 || __ufail "Failed to find handler for \"$__usrc\". Make sure the required command to extract the file is installed. Unable to find required 'gtar' or 'tar' binary in the path"
  $__ut --version 2>/dev/null | grep -q 'GNU tar' || __ufail "Failed to find handler for \"$__usrc\". Make sure the required command to extract the file is installed. Command \"$(command -v $__ut)\" detected as tar type bsd. GNU tar required."
  __utaropts
  __utar() { eval "LC_ALL=C $__ut \"\$@\" $__utar_extra -f \"\$__uarc\""; }
  __uown=
  [ -z "$__uowner" ] || __uown="--owner=$__uowner"
  __ugrp=
  [ -z "$__ugroup" ] || __ugrp="--group=$__ugroup"
  __ukn=
  [ $__ukeep = 0 ] || __ukn=--keep-newer-files
  __utar --list -C "$__ud" $__uz > "$__ux/rawlist" 2>"$__ux/err" || __ufail "Failed to find handler for \"$__usrc\". Make sure the required command to extract the file is installed. Command \"$(command -v $__ut)\" could not handle archive: $(cat "$__ux/err")"
  sed 's|^/||' "$__ux/rawlist" > "$__ux/list"
  [ -s "$__ux/list" ] || __ufail "Failed to find handler for \"$__usrc\". Make sure the required command to extract the file is installed. Command \"$(command -v $__ut)\" found no files in archive. Empty archive files are not supported."
  (cd "$__ud" && __utar --diff -C "$__ud" $__uz $__uown $__ugrp $__ukn) > "$__ux/diff" 2>&1
  __ure=': Mod time differs$|: Warning: Cannot stat: No such file or directory$|: Invalid owner|: Invalid group'
  [ -n "$__umode" ] || __ure="$__ure|: Mode differs\$"
  if [ "$(id -u)" = 0 ]; then
    [ -n "$__uowner" ] || __ure="$__ure|: Uid differs\$"
    [ -n "$__ugroup" ] || __ure="$__ure|: Gid differs\$"
  fi
  grep -v ': : Warning: Cannot stat: No such file or directory$' "$__ux/diff" | grep -qE -- "$__ure" && __uchanged=1
  if [ $__uchanged = 1 ] && [ $__ucheck = 0 ]; then
    __uprotect
    (cd "$__ud" && __utar --extract -C "$__ud" $__uz $__uown $__ugrp $__ukn) > "$__ux/out" 2> "$__ux/err"; __urc=$?
    __usettle
    printf 'DROVER_EXTRACTED|%s|%s\n' "$__urc" "$__ut --extract -C $__ud $__uz $__uown $__ugrp $__ukn$__utar_extra -f $__uarc"
  fi
fi
# Owner, group and mode of every member and top folder (not in check mode).
if [ $__ucheck = 0 ] && { [ -n "$__uowner" ] || [ -n "$__ugroup" ] || [ -n "$__umode" ]; }; then
  { cat "$__ux/list"; sed -n 's|^\([^/]*\)/.*|\1|p' "$__ux/list" | sort -u; } | while IFS= read -r __uf; do
    __up="$__ud/$__uf"; __up=${__up%/}
    [ -e "$__up" ] || [ -L "$__up" ] || continue
    __ub=$(stat -c '%a:%U:%G:%u:%g' -- "$__up")
    [ -z "$__uowner" ] || __uattr chown -h -- "$__uowner" "$__up"
    [ -z "$__ugroup" ] || __uattr chgrp -h -- "$__ugroup" "$__up"
    if [ -n "$__umode" ] && [ ! -L "$__up" ]; then __uattr chmod -- "$__umode" "$__up"; fi
    [ "$(stat -c '%a:%U:%G:%u:%g' -- "$__up")" = "$__ub" ] || echo 'DROVER_ATTRS|'
  done
fi
printf 'DROVER_CHANGED|%s\n' "$__uchanged"
__drover_stat "$__ud"
if [ -n "${__urc:-}" ]; then
  printf 'DROVER_OUT|%s\n' "$(wc -c < "$__ux/out")"; cat "$__ux/out"
  printf 'DROVER_ERR|%s\n' "$(wc -c < "$__ux/err")"; cat "$__ux/err"
fi
printf 'DROVER_LIST|\n'; cat "$__ux/list"
)SH";
    s = StatShellFunction(false) + s;

    Result<connection::ExecResult> res = archive ? ctx.ExecWithFile(s, *archive) : ctx.Exec(s);
    if (!res) return res.take_error();
    const std::string& out = res->stdout_data;
    if (TaggedLine(out, "DROVER_CREATES"))
      return Map{{"changed", false},
                 {"msg", Value("skipped, since " + creates + " exists")},
                 {"skipped", true}};
    if (std::optional<std::string> f = TaggedLine(out, "DROVER_FAIL")) return Failed(*f);
    std::optional<std::string> changed_line = TaggedLine(out, "DROVER_CHANGED");
    if (!changed_line || res->exit_status != 0)
      return Failed("unarchive: the script failed on the host: " + res->stderr_data);

    Map r;
    r.set("handler", Value(TaggedLine(out, "DROVER_HANDLER").value_or("")));
    r.set("dest", Value(dest));
    r.set("src", Value(remote_src ? src : std::string("(copied to the host)")));
    bool changed = *changed_line == "1";
    auto block = [&](const std::string& tag) {
      size_t at = out.find("\n" + tag + "|");
      if (at == std::string::npos) return std::string();
      at += tag.size() + 2;
      size_t nl = out.find('\n', at);
      size_t n = std::strtoull(out.c_str() + at, nullptr, 10);
      return out.substr(nl + 1, n);
    };
    if (std::optional<std::string> ex = TaggedLine(out, "DROVER_EXTRACTED")) {
      int rc = std::atoi(ex->c_str());
      std::string cmd = ex->substr(ex->find('|') + 1);
      r.set("extract_results", Value(Map{{"cmd", Value(cmd)},
                                         {"rc", Value(rc)},
                                         {"out", Value(block("DROVER_OUT"))},
                                         {"err", Value(block("DROVER_ERR"))}}));
      if (rc != 0) {
        r.set("failed", true);
        r.set("changed", false);
        r.set("msg", Value("failed to unpack " + src + " to " + dest));
        return r;
      }
    }
    if (std::optional<std::string> e = TaggedLine(out, "DROVER_ATTRFAIL")) {
      r.set("failed", true);
      r.set("changed", changed);
      r.set("msg", Value("Unexpected error when accessing exploded file: " + *e));
      return r;
    }
    if (TaggedLine(out, "DROVER_ATTRS")) changed = true;
    r.set("changed", changed);
    if (std::optional<RemoteStat> st = ParseStatOutput(out); st && st->exists)
      AddPathAttrs(*st, &r);
    if (args.find("list_files")->as_bool()) {
      List files;
      size_t at = out.find("DROVER_LIST|\n");
      if (at != std::string::npos) {
        for (const Value& line : SplitLines(out.substr(at + 13))) files.push_back(line);
      }
      r.set("files", Value(std::move(files)));
    }
    return r;
  }
};

}  // namespace

const Module& UnarchiveModule() {
  static const Unarchive m;
  return m;
}

}  // namespace drover::modules
