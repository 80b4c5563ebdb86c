// find (ansible.builtin.find): one round trip lists every entry under the
// paths on the host (`find` + `stat`, NUL-separated, so any name works);
// drover then applies Ansible's filters (patterns as fnmatch globs or
// Python regexes, excludes, file_type, age, size, hidden, depth) and orders
// the files as os.walk visits them. `contains` and `get_checksum` need the
// files' bytes: they cost a second round trip over the candidates only
// (contains runs `grep -P`, falling back to `grep -E` where grep has no
// PCRE). Partial: paths are not expanded (~, $VAR) on the host.
#include <algorithm>
#include <ctime>
#include <set>

#include "connection/shell.h"
#include "modules/find_filter.h"
#include "modules/registry.h"
#include "modules/remote_file.h"
#include "template/runtime.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

struct Entry {
  std::string path;
  unsigned mode = 0;
  int64_t uid = 0, gid = 0, size = 0, inode = 0, dev = 0, nlink = 0;
  std::string owner, group;
  double mtime = 0, atime = 0, ctime = 0;
  bool IsDir() const { return (mode & 0170000) == 0040000; }
  bool IsReg() const { return (mode & 0170000) == 0100000; }
  bool IsLink() const { return (mode & 0170000) == 0120000; }
};

// Python's st_mtime: (double)sec + nsec * 1e-9, from stat's "%.9Y".
double PythonStatTime(const std::string& text) {
  const size_t dot = text.find('.');
  const double sec = std::strtod(text.substr(0, dot).c_str(), nullptr);
  if (dot == std::string::npos) return sec;
  return sec + std::strtod(text.substr(dot + 1).c_str(), nullptr) * 1e-9;
}

std::optional<Entry> ParseEntry(const std::string& record) {
  std::vector<std::string> f;
  size_t start = 0;
  while (f.size() < 12) {  // the path is last and may contain '|'
    size_t bar = record.find('|', start);
    if (bar == std::string::npos) return std::nullopt;
    f.push_back(record.substr(start, bar - start));
    start = bar + 1;
  }
  Entry e;
  e.mode = static_cast<unsigned>(std::strtoul(f[0].c_str(), nullptr, 16));
  e.uid = std::atoll(f[1].c_str());
  e.gid = std::atoll(f[2].c_str());
  e.owner = f[3] == "UNKNOWN" ? "" : f[3];
  e.group = f[4] == "UNKNOWN" ? "" : f[4];
  e.size = std::atoll(f[5].c_str());
  e.mtime = PythonStatTime(f[6]);
  e.atime = PythonStatTime(f[7]);
  e.ctime = PythonStatTime(f[8]);
  e.inode = std::atoll(f[9].c_str());
  e.dev = std::atoll(f[10].c_str());
  e.nlink = std::atoll(f[11].c_str());
  e.path = record.substr(start);
  return e;
}

Map StatInfo(const Entry& e) {
  const unsigned m = e.mode, type = m & 0170000;
  char mode[16];
  std::snprintf(mode, sizeof mode, "%04o", m & 07777);
  return Map{{"path", Value(e.path)},     {"mode", Value(std::string(mode))},
             {"isdir", type == 0040000},  {"ischr", type == 0020000},
             {"isblk", type == 0060000},  {"isreg", type == 0100000},
             {"isfifo", type == 0010000}, {"islnk", type == 0120000},
             {"issock", type == 0140000}, {"uid", Value(e.uid)},
             {"gid", Value(e.gid)},       {"size", Value(e.size)},
             {"inode", Value(e.inode)},   {"dev", Value(e.dev)},
             {"nlink", Value(e.nlink)},   {"atime", Value(e.atime)},
             {"mtime", Value(e.mtime)},   {"ctime", Value(e.ctime)},
             {"gr_name", Value(e.group)}, {"pw_name", Value(e.owner)},
             {"wusr", (m & 0200) != 0},   {"rusr", (m & 0400) != 0},
             {"xusr", (m & 0100) != 0},   {"wgrp", (m & 020) != 0},
             {"rgrp", (m & 040) != 0},    {"xgrp", (m & 010) != 0},
             {"woth", (m & 02) != 0},     {"roth", (m & 04) != 0},
             {"xoth", (m & 01) != 0},     {"isuid", (m & 04000) != 0},
             {"isgid", (m & 02000) != 0}};
}

std::vector<std::string> TextList(const Value* v) {
  std::vector<std::string> out;
  if (!v || !v->is_list()) return out;
  for (const Value& x : v->as_list())
    out.push_back(x.is_string() ? x.as_string() : x.is_int() ? std::to_string(x.as_int()) : "");
  return out;
}

std::string Basename(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

class Find : public Module {
 public:
  std::string_view Name() const override { return "find"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"paths", ArgType::kList, {}, true, {"name", "path"}, {}},
        {"patterns", ArgType::kList, Value(List{}), false, {"pattern"}, {}},
        {"excludes", ArgType::kList, {}, false, {"exclude"}, {}},
        {"contains", ArgType::kStr, {}, false, {}, {}},
        {"read_whole_file", ArgType::kBool, Value(false), false, {}, {}},
        {"file_type",
         ArgType::kStr,
         Value("file"),
         false,
         {},
         {"any", "directory", "file", "link"}},
        {"age", ArgType::kStr, {}, false, {}, {}},
        {"age_stamp", ArgType::kStr, Value("mtime"), false, {}, {"atime", "ctime", "mtime"}},
        {"size", ArgType::kStr, {}, false, {}, {}},
        {"recurse", ArgType::kBool, Value(false), false, {}, {}},
        {"hidden", ArgType::kBool, Value(false), false, {}, {}},
        {"follow", ArgType::kBool, Value(false), false, {}, {}},
        {"get_checksum", ArgType::kBool, Value(false), false, {}, {}},
        {"use_regex", ArgType::kBool, Value(false), false, {}, {}},
        {"depth", ArgType::kInt, {}, false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::vector<std::string> paths = TextList(args.find("paths"));
    std::vector<std::string> patterns = TextList(args.find("patterns"));
    const std::vector<std::string> excludes = TextList(args.find("excludes"));
    const bool use_regex = args.find("use_regex")->as_bool();
    if (patterns.empty()) patterns.push_back(use_regex ? ".*" : "*");
    const std::string file_type = args.find("file_type")->as_string();
    const std::string age_stamp = args.find("age_stamp")->as_string();
    const bool recurse = args.find("recurse")->as_bool();
    const bool hidden = args.find("hidden")->as_bool();
    const bool follow = args.find("follow")->as_bool();
    const bool get_checksum = args.find("get_checksum")->as_bool();
    const Value* contains_v = args.find("contains");
    const std::optional<std::string> contains = contains_v && contains_v->is_string()
                                                    ? std::optional(contains_v->as_string())
                                                    : std::nullopt;
    const bool whole_file = args.find("read_whole_file")->as_bool();
    const Value* depth_v = args.find("depth");
    const int64_t depth = depth_v && depth_v->is_int() ? depth_v->as_int() : 0;

    std::optional<int64_t> age, size;
    if (const Value* a = args.find("age"); a && a->is_string()) {
      age = ParseFindAge(a->as_string());
      if (!age) {
        Map f = Failed("failed to process age");
        f.set("age", *a);
        return f;
      }
    }
    if (const Value* s = args.find("size"); s && s->is_string()) {
      size = ParseFindSize(s->as_string());
      if (!size) {
        Map f = Failed("failed to process size");
        f.set("size", *s);
        return f;
      }
    }

    // The listing: per path, its entries (lstat) down to the depth that
    // os.walk would list (a walked directory's entries are examined even
    // when they are deeper than `depth`).
    std::string maxdepth;
    if (!recurse)
      maxdepth = " -maxdepth 1";
    else if (depth > 0)
      maxdepth = " -maxdepth " + std::to_string(depth + 1);
    std::string script =
        "__n=$(date +%s.%N 2>/dev/null); case $__n in *N*|'') __n=$(date +%s);; esac\n"
        "printf 'N|%s\\0' \"$__n\"\n";
    std::vector<std::string> tops;
    for (size_t i = 0; i < paths.size(); ++i) {
      tops.push_back(PythonNormPath(paths[i]));
      const std::string q = ShellQuote(tops.back()), n = std::to_string(i);
      script += "if [ -d " + q + " ]; then printf 'P|" + n + "\\0'; find " + (follow ? "-L " : "") +
                q + " -mindepth 1" + maxdepth +
                " -exec stat --printf "
                "'E|%f|%u|%g|%U|%G|%s|%.9Y|%.9X|%.9Z|%i|%d|%h|%n\\0' -- {} + || printf 'W|" +
                n +
                "\\0'\n"
                // Symlinks to directories: os.walk lists them with the directories.
                "find " +
                q + " -mindepth 1" + maxdepth +
                " -type l -exec sh -c 'for f; do [ -d \"$f\" ] && printf \"L|%s\\0\" \"$f\"; "
                "done; exit 0' sh {} +\n"
                "else printf 'X|" +
                n + "\\0'; fi\n";
    }
    Result<connection::ExecResult> res = ctx.Exec(script);
    if (!res) return res.take_error();
    const std::string& out = res->stdout_data;

    double now = static_cast<double>(std::time(nullptr));
    Map skipped;
    List warnings;
    std::vector<std::vector<Entry>> listed(paths.size());
    std::set<std::string> dir_links;  // symlinks to directories
    int current = -1;
    for (size_t at = 0; at < out.size();) {
      size_t end = out.find('\0', at);
      if (end == std::string::npos) end = out.size();
      const std::string rec = out.substr(at, end - at);
      at = end + 1;
      if (rec.size() < 2 || rec[1] != '|') continue;
      const std::string body = rec.substr(2);
      switch (rec[0]) {
        case 'N': now = std::strtod(body.c_str(), nullptr); break;
        case 'P': current = std::atoi(body.c_str()); break;
        case 'L': dir_links.insert(body); break;
        case 'E':
          if (current >= 0)
            if (std::optional<Entry> e = ParseEntry(body)) listed[current].push_back(*e);
          break;
        case 'X':
        case 'W': {
          const size_t bar = body.find('|');
          const size_t i = static_cast<size_t>(std::atoi(body.substr(0, bar).c_str()));
          if (i >= paths.size()) break;
          std::string why =
              rec[0] == 'X' ? "'" + paths[i] + "' is not a directory" : res->stderr_data;
          while (!why.empty() && why.back() == '\n') why.pop_back();
          skipped.set(paths[i], Value(why));
          warnings.push_back(
              Value("Skipped '" + paths[i] + "' path due to this access issue: " + why + "\n"));
          break;
        }
        default: break;
      }
    }
    if (res->exit_status != 0 && listed.empty())
      return Failed("find: the listing failed on the host: " + res->stderr_data);

    int64_t examined = 0;
    std::vector<Entry> matched;
    std::vector<bool> needs_content;  // candidates for `contains`
    try {
      for (size_t p = 0; p < paths.size(); ++p) {
        std::vector<Entry>& entries = listed[p];
        examined += static_cast<int64_t>(entries.size());
        std::vector<std::string> names;
        std::vector<bool> is_dir;
        for (const Entry& e : entries) {
          names.push_back(e.path);
          is_dir.push_back(e.IsDir() || dir_links.count(e.path) > 0);
        }
        const std::string top = tops[p];
        const size_t top_slashes =
            std::count(top.begin(), top.end(), '/') + (top.empty() || top.back() != '/' ? 1 : 0);
        for (size_t i : WalkOrder(top, names, is_dir)) {
          const Entry& e = entries[i];
          if (depth > 0) {
            const int64_t d = static_cast<int64_t>(std::count(e.path.begin(), e.path.end(), '/')) -
                              static_cast<int64_t>(top_slashes) + 1;
            if (d > depth) continue;
          }
          const std::string name = Basename(e.path);
          if (!hidden && !name.empty() && name[0] == '.') continue;
          const double stamp = age_stamp == "atime"   ? e.atime
                               : age_stamp == "ctime" ? e.ctime
                                                      : e.mtime;
          auto common = [&] {
            return FindNameMatches(name, patterns, excludes, use_regex) &&
                   FindAgeMatches(now, stamp, age);
          };
          if (file_type == "any") {
            if (common() && (!e.IsReg() || FindSizeMatches(e.size, size))) {
              matched.push_back(e);
              needs_content.push_back(false);
            }
          } else if (file_type == "directory" ? e.IsDir()
                     : file_type == "link"    ? e.IsLink()
                                              : e.IsReg()) {
            if (common() && (file_type != "file" || FindSizeMatches(e.size, size))) {
              matched.push_back(e);
              needs_content.push_back(file_type == "file" && contains.has_value());
            }
          }
        }
      }
    } catch (const tmpl::RenderError& e) {
      return Failed("find: bad regular expression: " + e.message);
    }

    // Second round trip, only when file contents matter.
    std::vector<std::string> checksums(matched.size());
    std::vector<bool> keep(matched.size(), true);
    std::string content_script;
    for (size_t i = 0; i < matched.size(); ++i) {
      const bool sum = get_checksum && matched[i].IsReg();
      if (!needs_content[i] && !sum) continue;
      const std::string q = ShellQuote(matched[i].path), n = std::to_string(i);
      std::string line = sum ? "__c=$(sha1sum < " + q + " 2>/dev/null) && printf 'C|" + n +
                                   "|%s\\0' \"${__c%% *}\""
                             : "printf 'C|" + n + "|\\0'";
      if (needs_content[i]) line = "__drover_has " + q + " && { " + line + "; }";
      content_script += line + "\n";
    }
    if (!content_script.empty()) {
      if (contains) {
        const std::string pat = whole_file ? *contains : "^(?:" + *contains + ")";
        const std::string zflag = whole_file ? "z" : "";
        content_script = "__drover_has() { grep -q" + zflag + "P -e " + ShellQuote(pat) +
                         " -- \"$1\" 2>/dev/null; __r=$?; [ $__r -eq 2 ] || return $__r; grep -q" +
                         zflag + "E -e " + ShellQuote(pat) + " -- \"$1\" 2>/dev/null; }\n" +
                         content_script;
      }
      Result<connection::ExecResult> cres = ctx.Exec(content_script);
      if (!cres) return cres.take_error();
      std::vector<bool> seen(matched.size(), false);
      const std::string& cout = cres->stdout_data;
      for (size_t at = 0; at < cout.size();) {
        size_t end = cout.find('\0', at);
        if (end == std::string::npos) end = cout.size();
        const std::string rec = cout.substr(at, end - at);
        at = end + 1;
        if (rec.rfind("C|", 0) != 0) continue;
        const size_t bar = rec.find('|', 2);
        const size_t i = static_cast<size_t>(std::atoll(rec.substr(2, bar - 2).c_str()));
        if (i >= matched.size() || bar == std::string::npos) continue;
        seen[i] = true;
        checksums[i] = rec.substr(bar + 1);
      }
      for (size_t i = 0; i < matched.size(); ++i)
        if (needs_content[i] && !seen[i]) keep[i] = false;
    }

    List files;
    for (size_t i = 0; i < matched.size(); ++i) {
      if (!keep[i]) continue;
      Map info = StatInfo(matched[i]);
      if (get_checksum && matched[i].IsReg()) info.set("checksum", Value(checksums[i]));
      files.push_back(Value(std::move(info)));
    }
    const int64_t count = static_cast<int64_t>(files.size());
    Map r{{"files", Value(std::move(files))},
          {"changed", false},
          {"msg", skipped.empty() ? "All paths examined"
                                  : "Not all paths examined, check warnings for details"},
          {"matched", Value(count)},
          {"examined", Value(examined)},
          {"skipped_paths", Value(std::move(skipped))}};
    if (!warnings.empty()) r.set("warnings", Value(std::move(warnings)));
    return r;
  }
};

}  // namespace

const Module& FindFilesModule() {
  static const Find m;
  return m;
}

}  // namespace drover::modules
