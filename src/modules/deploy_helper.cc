// deploy_helper (community.general.deploy_helper): the releases/shared/
// current layout of a deployment, in one round trip. The host reports the
// release name the module would make (`date +%Y%m%d%H%M%S`, the host's
// local time, as time.strftime on the host) and the previous release
// (realpath of the current link) and, outside check mode, does what the
// module does for the state: present creates the project, releases and
// shared directories; finalize removes the unfinished marker, points the
// current link at the release (atomically, through a temporary link and a
// rename) and, with clean, cleans; clean removes unfinished builds and all
// but keep_releases releases by ctime; absent removes the project. The
// host counts changes as the module counts them (check mode counts
// without acting). present and query register the `deploy_helper` fact.
//
// Partial: a symbolic mode (u+rwx) is applied outside check mode but not
// foreseen in check mode; ~ and $VARS in paths are not expanded.
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/host_script.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// Python's os.path.join(a, b).
std::string PathJoin(const std::string& a, const std::string& b) {
  if (!b.empty() && b[0] == '/') return b;
  if (a.empty() || a.back() == '/') return a + b;
  return a + "/" + b;
}

// Variables: STATE, CHECK, PROJECT, CURRENT, RELEASES, SHARED (or empty),
// RELEASE (or empty), UNF, KEEP, CLEAN, and attrs' OWNER, GROUP, MODE.
constexpr const char* kDeployScript = R"SH(
changes=0
change() { changes=$((changes + 1)); }
lexists() { [ -e "$1" ] || [ -L "$1" ]; }
create_path() {
  new=0
  if ! lexists "$1"; then
    change; new=1
    [ "$CHECK" = 1 ] || mkdir -p "$1" || fail "cannot create $1"
  elif [ ! -d "$1" ]; then fail "$1 exists but is not a directory"; fi
  attrs "$1" $new
}
delete_path() {
  lexists "$1" || return 0
  [ -d "$1" ] || fail "$1 exists but is not a directory"
  [ "$CHECK" = 1 ] || rm -rf "$1" || fail "rmtree failed: $1"
  change
}
remove_unfinished_link() {
  [ -n "$RELEASE" ] || return 0
  l="$PROJECT/$RELEASE.$UNF"
  if [ "$CHECK" = 0 ] && [ -e "$l" ]; then rm -f "$l"; change; fi
}
remove_unfinished_builds() {
  [ -d "$RELEASES" ] || fail "[Errno 2] No such file or directory: '$RELEASES'"
  for r in "$RELEASES"/* "$RELEASES"/.*; do
    case ${r##*/} in .|..) continue ;; esac
    if [ -f "$r/$UNF" ]; then
      if [ "$CHECK" = 1 ]; then change; else delete_path "$r"; fi
    fi
  done
}
cleanup() {
  lexists "$RELEASES" || return 0
  n=0
  for r in "$RELEASES"/* "$RELEASES"/.*; do
    case ${r##*/} in .|..|"$RELEASE") continue ;; esac
    [ -d "$r" ] || continue
    n=$((n + 1))
    printf '%s %s\n' "$(stat -L -c %.9Z "$r")" "${r##*/}"
  done >"$T/releases"
  if [ "$CHECK" = 1 ]; then
    [ "$n" -gt "$KEEP" ] && changes=$((changes + n - KEEP))
    return 0
  fi
  sort -s -k1,1 -r -n "$T/releases" | tail -n +"$((KEEP + 1))" | cut -d' ' -f2- >"$T/old"
  while IFS= read -r r; do delete_path "$RELEASES/$r"; done <"$T/old"
}
if [ -z "$RELEASE" ] && { [ "$STATE" = query ] || [ "$STATE" = present ]; }; then RELEASE=$(date +%Y%m%d%H%M%S); fi
field release "$RELEASE"
lexists "$CURRENT" && field previous "$(readlink -m "$CURRENT")"
NEW="$RELEASES/$RELEASE"
case $STATE in
  present)
    lexists "$CURRENT" && [ ! -L "$CURRENT" ] && fail "$CURRENT exists but is not a symbolic link"
    create_path "$PROJECT"; create_path "$RELEASES"
    [ -n "$SHARED" ] && create_path "$SHARED" ;;
  finalize)
    if lexists "$NEW/$UNF"; then change; [ "$CHECK" = 1 ] || rm -f "$NEW/$UNF"; fi
    if [ -L "$CURRENT" ]; then
      if [ "$(readlink -m "$CURRENT")" != "$(readlink -m "$NEW")" ]; then
        change
        if [ "$CHECK" = 0 ]; then
          lexists "$NEW" || fail "the symlink target $NEW doesn't exists"
          [ -L "$CURRENT.$UNF" ] && rm -f "$CURRENT.$UNF"
          ln -s "$NEW" "$CURRENT.$UNF" && mv -T "$CURRENT.$UNF" "$CURRENT" || fail "cannot link $CURRENT to $NEW"
        fi
      fi
    else
      change
      [ "$CHECK" = 1 ] || ln -s -T "$NEW" "$CURRENT" || fail "cannot link $CURRENT to $NEW"
    fi
    if [ "$CLEAN" = 1 ]; then remove_unfinished_link; remove_unfinished_builds; cleanup; fi ;;
  clean) remove_unfinished_link; remove_unfinished_builds; cleanup ;;
  absent) delete_path "$PROJECT" ;;
esac
field changes "$changes"
)SH";

class DeployHelper : public Module {
 public:
  std::string_view Name() const override { return "deploy_helper"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = WithFileCommonArgs({
        {"path", ArgType::kPath, {}, true, {"dest"}, {}},
        {"release", ArgType::kStr, {}, false, {}, {}},
        {"releases_path", ArgType::kStr, Value("releases"), false, {}, {}},
        {"shared_path", ArgType::kPath, Value("shared"), false, {}, {}},
        {"current_path", ArgType::kPath, Value("current"), false, {}, {}},
        {"keep_releases", ArgType::kInt, Value(5), false, {}, {}},
        {"clean", ArgType::kBool, Value(true), false, {}, {}},
        {"unfinished_filename", ArgType::kStr, Value("DEPLOY_UNFINISHED"), false, {}, {}},
        {"state",
         ArgType::kStr,
         Value("present"),
         false,
         {},
         {"present", "absent", "clean", "finalize", "query"}},
    });
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string state = ArgText(args, "state");
    const std::string path = ArgText(args, "path");
    std::string release = ArgText(args, "release");
    if (state == "finalize" && release.empty())
      return Failed("state is finalize but all of the following are missing: release");
    const int64_t keep = args.find("keep_releases")->as_int();
    if (state == "finalize" && keep <= 0) return Failed("'keep_releases' should be at least 1");
    const std::string current = PathJoin(path, ArgText(args, "current_path"));
    const std::string releases = PathJoin(path, ArgText(args, "releases_path"));
    const std::string shared_arg = ArgText(args, "shared_path");
    const std::string shared = shared_arg.empty() ? "" : PathJoin(path, shared_arg);
    const std::string unfinished = ArgText(args, "unfinished_filename");

    Result<std::string> mode = HostModeText(args.find("mode"));
    if (!mode) return Failed(mode.error().message);
    std::string s = HostScriptPrelude(true) + HostAttrsFunction();
    s += "STATE=" + state + "; CHECK=" + (ctx.check_mode ? "1" : "0") +
         "; PROJECT=" + ShellQuote(path) + "; CURRENT=" + ShellQuote(current) +
         "; RELEASES=" + ShellQuote(releases) + "; SHARED=" + ShellQuote(shared) +
         "; RELEASE=" + ShellQuote(release) + "; UNF=" + ShellQuote(unfinished) +
         "; KEEP=" + std::to_string(keep) +
         "; CLEAN=" + (args.find("clean")->as_bool() ? "1" : "0") +
         "; OWNER=" + ShellQuote(ArgText(args, "owner")) +
         "; GROUP=" + ShellQuote(ArgText(args, "group")) + "; MODE=" + ShellQuote(*mode) + "\n";
    s += kDeployScript;
    Result<connection::ExecResult> r = ctx.Exec(s);
    if (!r) return r.take_error();
    HostFields f = ParseHostFields(r->stdout_data);
    if (auto fail = FieldValue(f, "fail")) return Failed(*fail);
    auto changes = FieldValue(f, "changes");
    if (!changes) return Failed("deploy_helper: the host failed: " + RStrip(r->stderr_data));
    release = FieldValue(f, "release").value_or("");

    Map result{{"state", Value(state)}, {"changed", *changes != "0"}};
    if (state == "absent") {
      result.set("ansible_facts", Value(Map{{"deploy_helper", Value(List{})}}));
    } else if (state == "present" || state == "query") {
      std::optional<std::string> previous = FieldValue(f, "previous");
      auto text_or_null = [](const std::optional<std::string>& v) {
        return v ? Value(*v) : Value();
      };
      std::optional<std::string> previous_name;
      if (previous) previous_name = previous->substr(previous->rfind('/') + 1);
      Map facts{
          {"project_path", Value(path)},
          {"current_path", Value(current)},
          {"releases_path", Value(releases)},
          {"shared_path", shared.empty() ? Value() : Value(shared)},
          {"previous_release", text_or_null(previous_name)},
          {"previous_release_path", text_or_null(previous)},
          {"new_release", release.empty() ? Value() : Value(release)},
          {"new_release_path", release.empty() ? Value() : Value(PathJoin(releases, release))},
          {"unfinished_filename", Value(unfinished)}};
      result.set("ansible_facts", Value(Map{{"deploy_helper", Value(std::move(facts))}}));
    }
    return result;
  }
};

}  // namespace

const Module& DeployHelperModule() {
  static const DeployHelper m;
  return m;
}

}  // namespace drover::modules
