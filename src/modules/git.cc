// git (ansible.builtin.git): checks out a repository on the host with the
// host's own `git`, in one round trip: one generated sh script decides and
// acts, following Ansible's git module (clone, or update: local
// modifications, remote URL, fetch, switch to `version`) and prints the
// result as length-prefixed fields.
//
// Unchanged runs cost one `git ls-remote` and no fetch: when the checkout
// is clean, its remote URL is `repo`, HEAD already is the commit the remote
// has for `version` and HEAD is in the state switching would leave (on the
// branch for HEAD/branches, detached for tags and SHAs), nothing is run
// that could touch the working tree. Check mode compares HEAD with the
// remote (`git ls-remote`) and changes nothing; its diff is computed in a
// throwaway repository that borrows the checkout's objects (Ansible fetches
// into the checkout even in check mode; drover does not).
//
// Partial: submodules are updated (`git submodule update --init
// --recursive`) but `submodules_changed` is not reported; verify_commit,
// gpg_whitelist, archive, separate_git_dir and track_submodules are
// refused when set; umask is applied.
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

// The script's body. Parameters are shell variables set before it (see
// Run). Output: fields "NAME LENGTH\nVALUE\n" (LENGTH in bytes, LC_ALL=C).
constexpr const char* kGitScript = R"SH(
LANG=C LC_ALL=C LC_MESSAGES=C LC_CTYPE=C
export LANG LC_ALL LC_MESSAGES LC_CTYPE
field() { printf '%s %s\n%s\n' "$1" "${#2}" "$2"; }
T=$(mktemp -d "${TMPDIR:-/tmp}/drover-git.XXXXXX") || { field fail "cannot create a temporary directory"; exit 0; }
trap 'rm -rf "$T"' EXIT
# fail MSG [WITH_OUTPUT [CMD]]: the task fails (the fields printed before
# are dropped); WITH_OUTPUT=1 adds rc/stdout/stderr of the last run, CMD
# the command as Ansible's module shows it.
fail() {
  field fail "$1"
  if [ "${2:-}" = 1 ]; then field rc "$RC"; field stdout "$OUT"; field stderr "$ERR"; fi
  [ -n "${3:-}" ] && field cmd "$3"
  exit 0
}
# run CMD...: OUT, ERR (exact text) and RC of the command.
run() {
  "$@" >"$T/out" 2>"$T/err"
  RC=$?
  OUT=$(cat "$T/out"; printf x); OUT=${OUT%x}
  ERR=$(cat "$T/err"; printf x); ERR=${ERR%x}
}
# "$(chomp TEXT)": TEXT without its trailing newlines (Python's rstrip).
chomp() { printf '%s' "$1"; }
if [ -n "$umask" ]; then umask "$umask" || fail "umask must be an octal integer"; fi
if [ -z "$git" ]; then
  git=$(command -v git) || fail "Failed to find required executable \"git\" in paths: $PATH"
fi
# GIT_SSH_COMMAND as Ansible builds it.
if [ "$ssh_opts_set" = 1 ]; then o="${GIT_SSH_OPTS:-} $ssh_opts"; else o="${GIT_SSH_OPTS:-}"; fi
if [ "$accept_hostkey" = 1 ]; then
  case $o in *StrictHostKeyChecking=no*) ;; *) o="$o -o StrictHostKeyChecking=no" ;; esac
fi
case $o in *BatchMode=yes*) ;; *) o="$o -o BatchMode=yes" ;; esac
if [ -n "$key_file" ]; then
  case $key_file in "~"/*) key_file="$HOME/${key_file#"~/"}" ;; esac
  case $o in *"-i $key_file"*) ;; *) o="$o  -i $key_file" ;; esac
  case $o in *IdentitiesOnly=yes*) ;; *) o="$o -o IdentitiesOnly=yes" ;; esac
fi
GIT_SSH_COMMAND="${GIT_SSH:-${GIT_SSH_COMMAND:-ssh}} $o"
export GIT_SSH_COMMAND
case $repo in "~"/*) r="$HOME/${repo#"~/"}" ;; *) r=$repo ;; esac
case $r in /*) repo="file://$r" ;; esac
if [ -n "$dest" ]; then
  case $dest in "~") dest=$HOME ;; "~"/*) dest="$HOME/${dest#"~/"}" ;; esac
  case $dest in /*) ;; *) dest="$PWD/$dest" ;; esac
  while [ "${dest%/}" != "$dest" ] && [ "$dest" != / ]; do dest=${dest%/}; done
  if [ "$bare" = 1 ]; then gitdir=$dest; else gitdir=$dest/.git; fi
  if [ -f "$gitdir" ]; then
    g=$(sed -n 's/^gitdir: //p' "$gitdir")
    case $g in /*) gitdir=$g ;; *) gitdir=$dest/$g ;; esac
    [ -d "$gitdir" ] || fail "Current repo does not have a valid reference to a separate Git dir or it refers to the invalid path"
  fi
fi
G() { "$git" -C "$dest" "$@"; }
# The branch HEAD is on, or when detached the remote's default branch.
head_branch() {
  b=$(G symbolic-ref -q --short HEAD 2>/dev/null) && { printf '%s' "$b"; return 0; }
  b=$(G symbolic-ref -q "refs/remotes/$remote/HEAD" 2>/dev/null) && { printf '%s' "${b#refs/remotes/$remote/}"; return 0; }
  return 1
}
# remote_head REMOTE CLONING: RH (the commit REMOTE has for $version) and
# KIND (head, branch, tag or sha), from one ls-remote.
remote_head() {
  hb=
  if [ "$version" = HEAD ] && [ "$2" != 1 ]; then
    hb=$(head_branch) || fail "Unable to determine the branch of HEAD in $dest"
  fi
  if [ "$2" = 1 ] || [ ! -d "$dest" ]; then
    run "$git" ls-remote "$1" HEAD "refs/heads/$version" "refs/tags/$version" "refs/tags/$version^{}" ${hb:+"refs/heads/$hb"}
  else
    run G ls-remote "$1" HEAD "refs/heads/$version" "refs/tags/$version" "refs/tags/$version^{}" ${hb:+"refs/heads/$hb"}
  fi
  [ "$RC" = 0 ] || fail "$(chomp "$ERR")" 1 "$git ls-remote $1 -h refs/heads/$version"
  pick() { printf '%s' "$OUT" | awk -v r="$1" '$2 == r { print $1; exit }'; }
  RH=
  if [ "$version" = HEAD ]; then
    KIND=head
    if [ -n "$hb" ]; then RH=$(pick "refs/heads/$hb"); else RH=$(pick HEAD); fi
  elif [ -n "$(pick "refs/heads/$version")" ]; then
    KIND=branch RH=$(pick "refs/heads/$version")
  elif [ -n "$(pick "refs/tags/$version")" ]; then
    KIND=tag RH=$(pick "refs/tags/$version^{}")
    [ -n "$RH" ] || RH=$(pick "refs/tags/$version")
  else
    KIND=sha RH=$version
  fi
  [ -n "$RH" ] || fail "Could not determine remote revision for $version" 1
}
# diff_of BEFORE AFTER [GIT_DIR]: Ansible's get_diff text in DIFF.
diff_of() {
  if [ -z "$1" ]; then DIFF=">> Newly checked out $2"; return; fi
  [ "$1" = "$2" ] && { DIFF=; return; }
  if [ -n "${3:-}" ]; then run "$git" --git-dir="$3" diff "$1" "$2"; else run G diff "$1" "$2"; fi
  if [ "$RC" = 0 ] && [ -n "$OUT" ]; then DIFF=$OUT
  elif [ "$RC" = 0 ]; then DIFF=">> No visual differences between $1 and $2"
  elif [ -n "$ERR" ]; then DIFF=">> Failed to get proper diff between $1 and $2:
>> $ERR"
  else DIFF=">> Failed to get proper diff between $1 and $2"; fi
}
# check_diff BEFORE AFTER: the diff without changing the checkout: the new
# objects are fetched into a throwaway repository borrowing its objects.
check_diff() {
  if [ -n "$1" ] && [ "$1" != "$2" ]; then
    "$git" init -q --bare "$T/peek" >/dev/null 2>&1
    objects=$(cd "$gitdir" && cd "$("$git" rev-parse --git-path objects)" && pwd)
    echo "$objects" >"$T/peek/objects/info/alternates"
    "$git" --git-dir="$T/peek" fetch -q "$repo" '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*' >/dev/null 2>&1
    diff_of "$1" "$2" "$T/peek"
  else
    diff_of "$1" "$2"
  fi
  [ -n "$DIFF" ] && field diff "$DIFF"
}
is_local_branch() { G show-ref --verify -q "refs/heads/$1"; }
switch_version() {
  if [ "$version" = HEAD ]; then
    branch=$(head_branch) || fail "Unable to determine the branch of HEAD in $dest"
    run G checkout --force "$branch"
    [ "$RC" = 0 ] || fail "Failed to checkout branch $branch" 1
    run G reset --hard "$remote/$branch" --
    [ "$RC" = 0 ] || fail "Failed to checkout branch $branch" 1
  elif [ "$KIND" = branch ]; then
    if [ -n "$depth" ] && ! is_local_branch "$version"; then
      run G fetch "--depth=$depth" "$remote" "+refs/heads/$version:refs/heads/$version" "+refs/heads/$version:refs/remotes/$remote/$version"
      [ "$RC" = 0 ] || fail "Failed to fetch branch from remote: $version" 1
    fi
    if ! is_local_branch "$version"; then
      run G checkout --track -b "$version" "$remote/$version"
    else
      run G checkout --force "$version"
      [ "$RC" = 0 ] || fail "Failed to checkout branch $version" 1
      run G reset --hard "$remote/$version"
    fi
    [ "$RC" = 0 ] || fail "Failed to checkout $version" 1
  else
    run G checkout --force "$version"
    [ "$RC" = 0 ] || fail "Failed to checkout $version" 1 "$git checkout --force $version"
  fi
}
submodules() {
  [ "$recursive" = 1 ] && [ "$bare" != 1 ] && [ -f "$dest/.gitmodules" ] || return 0
  run G submodule sync
  [ "$RC" = 0 ] || fail "$(chomp "$ERR")" 1
  if [ "$force" = 1 ]; then run G submodule update --init --recursive --force
  else run G submodule update --init --recursive; fi
  [ "$RC" = 0 ] || fail "Failed to init/update submodules: $OUT$ERR" 1
}
# unfrackgitpath: the absolute, symlink-free form of a path.
unfrack() { (cd "$dest" 2>/dev/null; realpath -m -- "$1" 2>/dev/null || printf '%s' "$1"); }
url_differs() {  # URL: whether URL (the remote's) is another place than $repo
  [ -n "$1" ] && [ "$1" != "$repo" ] && [ "$(unfrack "$1")" != "$(unfrack "$repo")" ]
}

if [ -z "$dest" ] || [ ! -e "$gitdir/config" ]; then
  # No checkout: clone (in check mode or with clone=no only look).
  if [ "$check" = 1 ] || [ "$clone" = 0 ]; then
    remote_head "$repo" 1
    field changed 1
    field after "$RH"
    if [ "$diff" = 1 ]; then diff_of "" "$RH"; field diff "$DIFF"; fi
    exit 0
  fi
  parent=$(dirname "$dest")
  mkdir -p "$parent" 2>/dev/null
  set --
  if [ "$bare" = 1 ]; then set -- --bare; else set -- --origin "$remote"; fi
  # Ansible asks the remote what `version` is before every clone.
  remote_head "$repo" 1
  if [ -n "$depth" ]; then
    if [ "$version" = HEAD ] || [ -n "$refspec" ]; then set -- "$@" --depth "$depth"
    elif [ "$KIND" = branch ] || [ "$KIND" = tag ]; then set -- "$@" --depth "$depth" --branch "$version"
    else field warning "Ignoring depth argument. Shallow clones are only available for HEAD, branches, tags or in combination with refspec."; fi
  fi
  [ -n "$reference" ] && set -- "$@" --reference "$reference"
  if [ "$single_branch" = 1 ]; then
    set -- "$@" --single-branch
    if [ "$KIND" = branch ] || [ "$KIND" = tag ]; then set -- "$@" --branch "$version"; fi
  fi
  run "$git" -C "$parent" clone "$@" "$repo" "$dest"
  [ "$RC" = 0 ] || fail "$(chomp "$ERR")" 1
  if [ "$bare" = 1 ] && [ "$remote" != origin ]; then
    run G remote add "$remote" "$repo"
    [ "$RC" = 0 ] || fail "$(chomp "$ERR")" 1
  fi
  if [ -n "$refspec" ]; then
    if [ -n "$depth" ]; then run G fetch --depth "$depth" "$remote" "$refspec"
    else run G fetch "$remote" "$refspec"; fi
    [ "$RC" = 0 ] || fail "$(chomp "$ERR")" 1
  fi
  [ "$bare" != 1 ] && switch_version
  submodules
  after=$(G rev-parse HEAD)
  field changed 1
  field after "$after"
  if [ "$diff" = 1 ]; then diff_of "" "$after"; field diff "$DIFF"; fi
  exit 0
fi

KIND=
before=$(G rev-parse HEAD 2>/dev/null)
field before "$before"
if [ "$update" = 0 ]; then
  field after "$before"
  exit 0
fi
local_mods=0
if [ "$bare" != 1 ] && [ -n "$(G status --porcelain | grep -v '^??')" ]; then local_mods=1; fi
if [ "$local_mods" = 1 ]; then
  if [ "$force" != 1 ]; then
    field fail "Local modifications exist in the destination: $dest (force=no)."
    field before "$before"
    exit 0
  fi
fi
remote_url=$(G ls-remote --get-url "$remote" 2>/dev/null)
url_changed=0
url_differs "$remote_url" && url_changed=1
if [ "$check" = 1 ]; then
  remote_head "$remote" 0
  field remote_url_changed "$url_changed"
  if [ "$before" != "$RH" ] || [ "$url_changed" = 1 ]; then field changed 1; else field changed 0; fi
  field after "$RH"
  [ "$diff" = 1 ] && check_diff "$before" "$RH"
  exit 0
fi
# Unchanged: nothing that could touch the checkout runs.
if [ "$local_mods" = 0 ] && [ "$url_changed" = 0 ] && [ ! -f "$dest/.gitmodules" ]; then
  remote_head "$remote" 0
  at=$RH
  [ "$KIND" = sha ] && at=$(G rev-parse -q --verify "$version^{commit}" 2>/dev/null)
  current=$(G symbolic-ref -q --short HEAD 2>/dev/null)
  case $KIND in
    head) state_ok=$([ -n "$current" ] && echo 1) ;;
    branch) state_ok=$([ "$current" = "$version" ] && echo 1) ;;
    *) state_ok=$([ -z "$current" ] && echo 1) ;;
  esac
  if [ "$at" = "$before" ] && [ "$state_ok" = 1 ]; then
    field remote_url_changed 0
    field changed 0
    field after "$before"
    exit 0
  fi
fi
if [ "$local_mods" = 1 ]; then
  run G reset --hard HEAD
  [ "$RC" = 0 ] || fail "$(chomp "$ERR")" 1
  field msg "Local modifications exist in the destination: $dest"
fi
if [ "$url_changed" = 1 ]; then
  run G remote set-url "$remote" "$repo"
  [ "$RC" = 0 ] || fail "Failed to set a new url $repo for $remote: $OUT $ERR"
fi
field remote_url_changed "$url_changed"
[ -n "$KIND" ] || remote_head "$remote" 0
# fetch, as Ansible's
set --
if [ -n "$depth" ]; then
  if [ -n "$refspec" ]; then set -- "$refspec"
  elif [ "$version" = HEAD ]; then set -- "$(head_branch)"
  elif [ "$KIND" = branch ]; then
    [ "$(head_branch)" != "$version" ] && set -- "+refs/heads/$version:refs/heads/$version"
    set -- "$@" "+refs/heads/$version:refs/remotes/$remote/$version"
  elif [ "$KIND" = tag ]; then set -- "+refs/tags/$version:refs/tags/$version"
  fi
fi
if [ $# -gt 0 ]; then
  set -- --depth "$depth" "$@"
else
  if [ "$bare" = 1 ]; then set -- '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'; else set -- --tags; fi
  [ -n "$refspec" ] && set -- "$@" "$refspec"
fi
if [ "$force" = 1 ]; then
  run G fetch --force "$remote" "$@"
else
  run G fetch "$remote" "$@"
fi
[ "$RC" = 0 ] || fail "Failed to download remote objects and refs: $OUT $ERR"
[ "$bare" != 1 ] && switch_version
submodules
after=$(G rev-parse HEAD)
field after "$after"
if [ "$before" != "$after" ] || [ "$local_mods" = 1 ] || [ "$url_changed" = 1 ]; then
  field changed 1
  if [ "$diff" = 1 ]; then diff_of "$before" "$after"; [ -n "$DIFF" ] && field diff "$DIFF"; fi
else
  field changed 0
fi
)SH";

// Fields "NAME LENGTH\nVALUE\n" as the script prints them.
std::vector<std::pair<std::string, std::string>> ParseFields(const std::string& out) {
  std::vector<std::pair<std::string, std::string>> fields;
  size_t at = 0;
  while (at < out.size()) {
    size_t nl = out.find('\n', at);
    if (nl == std::string::npos) break;
    std::string head = out.substr(at, nl - at);
    size_t sp = head.rfind(' ');
    if (sp == std::string::npos) break;
    size_t len = std::strtoull(head.c_str() + sp + 1, nullptr, 10);
    if (nl + 1 + len > out.size()) break;
    fields.emplace_back(head.substr(0, sp), out.substr(nl + 1, len));
    at = nl + 1 + len + 1;
  }
  return fields;
}

class Git : public Module {
 public:
  std::string_view Name() const override { return "git"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"dest", ArgType::kPath, {}, false, {}, {}},
        {"repo", ArgType::kStr, {}, true, {"name"}, {}},
        {"version", ArgType::kStr, Value("HEAD"), false, {}, {}},
        {"remote", ArgType::kStr, Value("origin"), false, {}, {}},
        {"refspec", ArgType::kStr, {}, false, {}, {}},
        {"reference", ArgType::kStr, {}, false, {}, {}},
        {"force", ArgType::kBool, Value(false), false, {}, {}},
        {"depth", ArgType::kInt, {}, false, {}, {}},
        {"clone", ArgType::kBool, Value(true), false, {}, {}},
        {"update", ArgType::kBool, Value(true), false, {}, {}},
        {"verify_commit", ArgType::kBool, Value(false), false, {}, {}},
        {"gpg_whitelist", ArgType::kList, Value(List{}), false, {}, {}},
        {"accept_hostkey", ArgType::kBool, Value(false), false, {}, {}},
        {"accept_newhostkey", ArgType::kBool, Value(false), false, {}, {}},
        {"key_file", ArgType::kPath, {}, false, {}, {}},
        {"ssh_opts", ArgType::kStr, {}, false, {}, {}},
        {"executable", ArgType::kPath, {}, false, {}, {}},
        {"bare", ArgType::kBool, Value(false), false, {}, {}},
        {"recursive", ArgType::kBool, Value(true), false, {}, {}},
        {"single_branch", ArgType::kBool, Value(false), false, {}, {}},
        {"track_submodules", ArgType::kBool, Value(false), false, {}, {}},
        {"umask", ArgType::kRaw, {}, false, {}, {}},
        {"archive", ArgType::kPath, {}, false, {}, {}},
        {"archive_prefix", ArgType::kStr, {}, false, {}, {}},
        {"separate_git_dir", ArgType::kPath, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    auto text = [&](const char* key) {
      const Value* v = args.find(key);
      return v && !v->is_null() ? ArgText(args, key) : std::string();
    };
    auto flag = [&](const char* key) { return args.find(key)->as_bool(); };
    if (flag("accept_hostkey") && flag("accept_newhostkey"))
      return Failed("parameters are mutually exclusive: accept_hostkey|accept_newhostkey");
    if (flag("bare") && !text("separate_git_dir").empty())
      return Failed("parameters are mutually exclusive: separate_git_dir|bare");
    for (const char* unsupported : {"archive", "separate_git_dir"})
      if (!text(unsupported).empty())
        return Failed(std::string("git: '") + unsupported + "' is not supported by drover yet");
    for (const char* unsupported : {"verify_commit", "track_submodules"})
      if (flag(unsupported))
        return Failed(std::string("git: '") + unsupported + "' is not supported by drover yet");
    if (!text("archive_prefix").empty())
      return Failed("missing parameter(s) required by 'archive_prefix': archive");
    const std::string dest = text("dest");
    if (dest.empty() && flag("clone"))
      return Failed("the destination directory must be specified unless clone=no");
    std::string umask;
    if (const Value* u = args.find("umask"); u && !u->is_null()) {
      if (!u->is_string()) return Failed("umask must be defined as a quoted octal integer");
      umask = u->as_string();
      if (umask.empty() || umask.find_first_not_of("01234567") != std::string::npos)
        return Failed("umask must be an octal integer");
    }
    // Ansible's main(): the accept_* options become ssh options.
    const Value* ssh_opts_v = args.find("ssh_opts");
    const bool ssh_opts_set = ssh_opts_v && !ssh_opts_v->is_null();
    std::string ssh_opts = text("ssh_opts");
    auto add_strict = [&](const char* value) {
      if (ssh_opts.find("-o StrictHostKeyChecking=no") != std::string::npos ||
          ssh_opts.find("-o StrictHostKeyChecking=accept-new") != std::string::npos)
        return;
      ssh_opts = ssh_opts_set || !ssh_opts.empty()
                     ? ssh_opts + " -o StrictHostKeyChecking=" + value
                     : std::string("-o StrictHostKeyChecking=") + value;
    };
    bool opts_set = ssh_opts_set;
    if (flag("accept_hostkey")) {
      add_strict("no");
      opts_set = true;
    }
    if (flag("accept_newhostkey")) {
      add_strict("accept-new");
      opts_set = true;
    }
    const Value* depth_v = args.find("depth");
    const std::string depth = depth_v && depth_v->is_int() && depth_v->as_int() != 0
                                  ? std::to_string(depth_v->as_int())
                                  : "";

    std::string script;
    auto param = [&](const char* name, const std::string& value) {
      script += std::string(name) + "=" + ShellQuote(value) + "\n";
    };
    auto bit = [&](const char* name, bool value) { param(name, value ? "1" : "0"); };
    param("git", text("executable"));
    param("repo", text("repo"));
    param("dest", dest);
    param("version", text("version"));
    param("remote", text("remote"));
    param("refspec", text("refspec"));
    param("reference", text("reference"));
    param("depth", depth);
    param("ssh_opts", ssh_opts);
    bit("ssh_opts_set", opts_set);
    param("key_file", text("key_file"));
    param("umask", umask);
    bit("accept_hostkey", flag("accept_hostkey"));
    bit("force", flag("force"));
    bit("update", flag("update"));
    bit("clone", flag("clone"));
    bit("bare", flag("bare"));
    bit("recursive", flag("recursive"));
    bit("single_branch", flag("single_branch"));
    bit("check", ctx.check_mode);
    bit("diff", ctx.diff_mode);
    script += kGitScript;

    Result<connection::ExecResult> res = ctx.Exec(script);
    if (!res) return res.take_error();
    std::vector<std::pair<std::string, std::string>> fields = ParseFields(res->stdout_data);
    if (fields.empty())
      return Failed("git: the script on the host failed (exit " + std::to_string(res->exit_status) +
                    "): " + res->stderr_data);

    Map r{{"changed", false}};
    bool has_before = false;
    List warnings;
    for (const auto& [name, value] : fields) {
      if (name == "fail") {
        // A failure result has only what the failing step reports.
        r = Map{{"changed", false}, {"failed", true}, {"msg", Value(value)}};
        has_before = false;
      } else if (name == "before") {
        has_before = true;
        r.set("before", Value(value));
      } else if (name == "after") {
        r.set("after", Value(value));
      } else if (name == "changed" || name == "remote_url_changed") {
        r.set(name, value == "1");
      } else if (name == "rc") {
        r.set("rc", Value(static_cast<int64_t>(std::strtoll(value.c_str(), nullptr, 10))));
      } else if (name == "stdout" || name == "stderr" || name == "msg" || name == "cmd") {
        r.set(name, Value(value));
      } else if (name == "warning") {
        warnings.push_back(Value(value));
      } else if (name == "diff") {
        r.set("diff", Value(Map{{"prepared", Value(value)}}));
        std::string shown = value;
        if (!shown.empty() && shown.back() == '\n') shown.pop_back();
        r.set("_drover_diff", Value(shown));
      }
    }
    // Ansible: `before` is null on a fresh clone (and when the task fails
    // before looking at the checkout, it is absent).
    if (!has_before && !r.contains("failed")) r.set("before", Value());
    if (!warnings.empty()) r.set("warnings", Value(std::move(warnings)));
    return r;
  }
};

}  // namespace

const Module& GitModule() {
  static const Git m;
  return m;
}

}  // namespace drover::modules
