// archive (community.general.archive): a tar (plain, gz, bz2, xz) or zip
// archive of paths and globs, or one file compressed, made with the host's
// tar, gzip, bzip2, xz and zip in one round trip. Paths, globs, exclusions
// (exclude_path, exclusion_patterns: fnmatch on the member name for tar,
// on the full path for zip, as the module), the archive root (the
// module's common_path), must-archive (force_archive, a glob, a directory
// or several paths), dest_state and remove are the module's.
//
// changed is decided as the module decides: the archive's members before
// and after, compared as sets (tar: name and header data, here the
// `tar -tv --full-time` line of each member, as the module compares the
// header checksums; zip: name and CRC from `unzip -v`; a compressed file:
// the checksum of its content). Unlike the module, which rewrites the
// archive on every run, drover builds the new archive beside the old one
// and replaces it only when it differs (keeping its owner and mode). In
// check mode, as in the module, a must-archive task always reports a
// change and a single file only when dest is missing.
//
// Partial: `archived` and `expanded_paths` follow sorted directory order
// (the module follows the file system's); tar members are written in GNU
// format, not Python's PAX, so an archive made by Ansible's module is
// rewritten once.
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// Variables: FORMAT, DEST (or empty), CHECK, FORCE, REMOVE, OWNER, GROUP,
// MODE; the files $T/pat (path patterns), $T/xpat (exclude_path
// patterns), $T/fpat (exclusion_patterns), one a line.
constexpr const char* kArchiveScript = R"SH(
changes=0
change() { changes=$((changes + 1)); }
lexists() { [ -e "$1" ] || [ -L "$1" ]; }
list_field() { field "$1" "$(cat "$2")"; }
need() { command -v "$1" >/dev/null 2>&1 || fail "Failed to find required executable \"$1\" on $(uname -n) (the $FORMAT format needs it): install it"; }
case $FORMAT in
  zip) need zip; need unzip ;;
  gz) need gzip ;; bz2) need bzip2 ;; xz) need xz ;;
esac
[ "$FORMAT" = zip ] || need tar
globby=0
expand() { # FILE OUT: patterns expanded as glob.glob (a pattern without * or ? as is)
  : >"$2"
  while IFS= read -r p; do
    case $p in
      *'*'*|*'?'*)
        globby=1
        IFS=''; set +f
        for m in $p; do lexists "$m" && printf '%s\n' "$m"; done >>"$2"
        unset IFS ;;
      *) printf '%s\n' "$p" >>"$2" ;;
    esac
  done <"$1"
}
expand "$T/pat" "$T/exp"; g=$globby
expand "$T/xpat" "$T/xexp"; globby=$g
list_field expanded "$T/exp"; list_field expanded_exclude "$T/xexp"
LC_ALL=C sort -u "$T/exp" | grep -vxF -f "$T/xexp" >"$T/paths"
[ -s "$T/paths" ] || { field nopaths 1; exit 0; }
# The module's common_path: the dirname of the character-wise common
# prefix of each path's dirname + "/", with a trailing "/".
ROOT=$(awk '
  function dn(p,  i, h) { h = p; sub(/[^\/]*$/, "", h); if (h != "" && h !~ /^\/+$/) sub(/\/+$/, "", h); return h }
  function jn(h) { return (h == "" || h ~ /\/$/) ? h : h "/" }
  { d = jn(dn($0)); if (NR == 1) c = d; else { n = 0; while (n < length(c) && n < length(d) && substr(c, n + 1, 1) == substr(d, n + 1, 1)) n++; c = substr(c, 1, n) } }
  END { print jn(dn(c)) }' "$T/paths")
field arcroot "$ROOT"
FIRST=$(head -n 1 "$T/paths")
must=$FORCE
{ [ $globby = 1 ] || [ -d "$FIRST" ] || [ "$(wc -l <"$T/paths")" -gt 1 ]; } && must=1
[ -z "$DEST" ] && [ $must = 0 ] && DEST="$FIRST.$FORMAT"
[ -z "$DEST" ] && { field nodest 1; exit 0; }
field dest "$DEST"
if [ "$REMOVE" = 1 ]; then
  while IFS= read -r p; do
    [ -d "$p" ] && case $DEST in "${p%/}/"*) field unsafe 1; exit 0 ;; esac
  done <"$T/paths"
fi
: >"$T/targets"; : >"$T/missing"
while IFS= read -r p; do
  if lexists "$p"; then printf '%s\n' "$p" >>"$T/targets"; else printf '%s\n' "$p" >>"$T/missing"; fi
done <"$T/paths"
list_field missing "$T/missing"
decompress() { case $FORMAT in gz) gzip -dc "$1" ;; bz2) bzip2 -dc "$1" ;; xz) xz -dc "$1" ;; *) cat "$1" ;; esac; }
sig() { # FILE: the members the module would compare, as sorted lines
  if [ "$FORMAT" = zip ]; then
    unzip -v "$1" 2>/dev/null | awk '/^-------- / { n++; next } n == 1 { c = $7; sub(/^ *([^ ]+ +){7}/, ""); print c " " $0 }' | LC_ALL=C sort
  elif decompress "$1" 2>/dev/null | tar -tv --full-time -f - 2>/dev/null >"$T/sig"; then
    LC_ALL=C sort "$T/sig"
  else
    decompress "$1" 2>/dev/null | cksum
  fi
}
excluded() { # NAME: matches an exclusion pattern (fnmatch)
  while IFS= read -r pat; do
    # shellcheck disable=SC2254
    case $1 in $pat) return 0 ;; esac
  done <"$T/fpat"
  return 1
}
: >"$T/members"; : >"$T/archived"
member() { # PATH: added under its name below ROOT unless excluded
  n=${1#"$ROOT"}
  if [ "$FORMAT" = zip ]; then excluded "$1" && return 0; else excluded "$n" && return 0; fi
  printf '%s\n' "$n" >>"$T/members"; printf '%s\n' "$1" >>"$T/archived"
}
walk() { # DIR: os.walk top-down (names sorted): subdirectories, files, then each subdirectory
  for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do lexists "$e" && [ -d "$e" ] && member "$e"; done
  for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do lexists "$e" && [ ! -d "$e" ] && member "$e"; done
  for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do [ -d "$e" ] && [ ! -L "$e" ] && walk "$e"; done
}
build() { # OUT: the archive of $T/members (tar, zip) or FIRST compressed
  if [ "$FORMAT" = zip ]; then
    (cd "${ROOT:-.}" && zip -q -X -nw "$1" -@ <"$T/members") >"$T/err" 2>&1
  elif [ -n "${SINGLE:-}" ]; then
    case $FORMAT in gz) gzip -c "$FIRST" ;; bz2) bzip2 -c "$FIRST" ;; xz) xz -c "$FIRST" ;; esac >"$1" 2>"$T/err"
  else
    tar -C "${ROOT:-.}" --no-recursion --verbatim-files-from -T "$T/members" -cf - 2>"$T/err" |
      case $FORMAT in gz) gzip -c ;; bz2) bzip2 -c ;; xz) xz -c ;; *) cat ;; esac >"$1"
  fi
}
state=absent
OLD=""
if lexists "$DEST" && [ -r "$DEST" ]; then OLD=$(sig "$DEST"; echo x); fi
if [ ! -s "$T/targets" ]; then
  [ -e "$DEST" ] && case $DEST in
    *.[tT][aA][rR]|*.[tT][aA][rR].[gG][zZ]|*.[tT][aA][rR].[bB][zZ]2|*.[tT][aA][rR].[xX][zZ]|*.[tT][gG][zZ]|*.[tT][bB][zZ]2|*.[zZ][iI][pP]) state=archive ;;
    *) state=compress ;;
  esac
elif [ "$CHECK" = 1 ]; then
  if [ $must = 1 ] || [ ! -e "$DEST" ]; then change; fi
else
  if [ $must = 1 ]; then
    while IFS= read -r t; do
      if [ -d "$t" ] && [ ! -L "$t" ]; then walk "$t"; else member "$t"; fi
    done <"$T/targets"
    state=archive; [ -s "$T/missing" ] && state=incomplete
  elif [ "$FORMAT" = zip ] || [ "$FORMAT" = tar ]; then
    member "$FIRST"; state=archive
  else
    SINGLE=1; printf '%s\n' "$FIRST" >"$T/archived"; state=compress
  fi
  NEW="$(dirname "$DEST")/.$(basename "$DEST").drover-new"
  rm -f "$NEW"
  build "$NEW" || { rm -f "$NEW"; fail "Error when writing $FORMAT archive at $DEST: $(cat "$T/err")"; }
  [ -s "$T/err" ] && [ "$FORMAT" != zip ] && { rm -f "$NEW"; fail "Errors when writing archive at $DEST: $(cat "$T/err")"; }
  differs=1
  if [ -n "$OLD" ]; then [ "$OLD" = "$(sig "$NEW"; echo x)" ] && differs=0
  elif lexists "$DEST"; then [ "$(stat -c %s "$DEST")" = "$(stat -c %s "$NEW")" ] && differs=0; fi
  if [ $differs = 1 ]; then
    if [ -e "$DEST" ]; then chmod --reference="$DEST" "$NEW"; chown --reference="$DEST" "$NEW" 2>/dev/null; fi
    mv -f "$NEW" "$DEST" || { rm -f "$NEW"; fail "cannot replace $DEST"; }
    change
  else rm -f "$NEW"; fi
  list_field archived "$T/archived"
  if [ "$REMOVE" = 1 ]; then
    if [ $must = 1 ]; then
      while IFS= read -r p; do lexists "$p" && { rm -rf "$p" || fail "Error deleting some source files: $p"; }; done <"$T/archived"
      while IFS= read -r p; do [ -d "$p" ] && { rm -rf "$p" || fail "Error deleting some source files: $p"; }; done <"$T/paths"
    else
      rm -f "$FIRST" || fail "Unable to remove source file: $FIRST"
    fi
  fi
fi
field dest_state "$state"
[ -e "$DEST" ] && attrs "$DEST" 0
__drover_stat "$DEST" >"$T/stat" 2>/dev/null && field stat "$(cat "$T/stat")"
field changes "$changes"
)SH";

List Lines(const std::optional<std::string>& text) {
  List out;
  if (!text || text->empty()) return out;
  for (const Value& line : SplitLines(*text)) out.push_back(line);
  return out;
}

std::string LinesText(const Value* list) {
  std::string out;
  if (!list || !list->is_list()) return out;
  for (const Value& v : list->as_list()) out += (v.is_string() ? v.as_string() : "") + "\n";
  return out;
}

std::string Joined(const List& list) {
  std::string out;
  for (const Value& v : list) out += (out.empty() ? "" : ", ") + v.as_string();
  return out;
}

class Archive : public Module {
 public:
  std::string_view Name() const override { return "archive"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"path", ArgType::kList, {}, true, {}, {}},
        {"format", ArgType::kStr, Value("gz"), false, {}, {"bz2", "gz", "tar", "xz", "zip"}},
        {"dest", ArgType::kPath, {}, false, {}, {}},
        {"exclude_path", ArgType::kList, Value(List{}), false, {}, {}},
        {"exclusion_patterns", ArgType::kList, {}, false, {}, {}},
        {"force_archive", ArgType::kBool, Value(false), false, {}, {}},
        {"remove", ArgType::kBool, Value(false), false, {}, {}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    Result<std::string> mode = HostModeText(args.find("mode"));
    if (!mode) return Failed(mode.error().message);
    std::string s = HostScriptPrelude(true) + StatShellFunction() + HostAttrsFunction();
    s += "FORMAT=" + ArgText(args, "format") + "; DEST=" + ShellQuote(ArgText(args, "dest")) +
         "; CHECK=" + (ctx.check_mode ? "1" : "0") +
         "; FORCE=" + (args.find("force_archive")->as_bool() ? "1" : "0") +
         "; REMOVE=" + (args.find("remove")->as_bool() ? "1" : "0") +
         "; OWNER=" + ShellQuote(ArgText(args, "owner")) +
         "; GROUP=" + ShellQuote(ArgText(args, "group")) + "; MODE=" + ShellQuote(*mode) + "\n";
    s += "printf %s " + ShellQuote(LinesText(args.find("path"))) + " >\"$T/pat\"\n";
    s += "printf %s " + ShellQuote(LinesText(args.find("exclude_path"))) + " >\"$T/xpat\"\n";
    s += "printf %s " + ShellQuote(LinesText(args.find("exclusion_patterns"))) + " >\"$T/fpat\"\n";
    s += kArchiveScript;
    Result<connection::ExecResult> r = ctx.Exec(s);
    if (!r) return r.take_error();
    HostFields f = ParseHostFields(r->stdout_data);
    if (auto fail = FieldValue(f, "fail")) return Failed(*fail);
    const List expanded = Lines(FieldValue(f, "expanded"));
    const List expanded_exclude = Lines(FieldValue(f, "expanded_exclude"));
    std::string given;
    for (const Value& v : args.find("path")->as_list())
      given += (given.empty() ? "" : ", ") + (v.is_string() ? v.as_string() : "");
    if (FieldValue(f, "nopaths")) {
      Map failed = Failed("Error, no source paths were found");
      failed.set("path", Value(given));
      failed.set("expanded_paths", Value(Joined(expanded)));
      failed.set("expanded_exclude_paths", Value(Joined(expanded_exclude)));
      return failed;
    }
    if (FieldValue(f, "nodest")) {
      Map failed = Failed("Error, must specify \"dest\" when archiving multiple files or trees");
      failed.set("dest", Value("None"));  // to_native(None)
      failed.set("path", Value(given));
      return failed;
    }
    if (FieldValue(f, "unsafe"))
      return Failed("Error, created archive can not be contained in source paths when remove=true");
    auto changes = FieldValue(f, "changes");
    if (!changes) return Failed("archive: the host failed: " + RStrip(r->stderr_data));
    Map result{{"archived", Value(Lines(FieldValue(f, "archived")))},
               {"dest", Value(FieldValue(f, "dest").value_or(""))},
               {"dest_state", Value(FieldValue(f, "dest_state").value_or("absent"))},
               {"changed", *changes != "0"},
               {"arcroot", Value(FieldValue(f, "arcroot").value_or(""))},
               {"missing", Value(Lines(FieldValue(f, "missing")))},
               {"expanded_paths", Value(expanded)},
               {"expanded_exclude_paths", Value(expanded_exclude)}};
    std::optional<RemoteStat> st = ParseStatOutput(FieldValue(f, "stat").value_or(""));
    if (st && st->exists) AddPathAttrs(*st, &result);
    return result;
  }
};

}  // namespace

const Module& ArchiveModule() {
  static const Archive m;
  return m;
}

}  // namespace drover::modules
