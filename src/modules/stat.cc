// stat (ansible.builtin.stat): one round trip that lstat()s (or stat()s,
// with follow) the path, checksums a readable regular file, and tests
// access for the connecting (or become) user. Partial: mimetype/charset
// and attributes (lsattr) are not reported yet.
#include "connection/shell.h"
#include "modules/file_common.h"
#include "modules/registry.h"

namespace drover::modules {

namespace {

using connection::ShellQuote;

class Stat : public Module {
 public:
  std::string_view Name() const override { return "stat"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"path", ArgType::kPath, {}, true, {"dest", "name"}, {}},
        {"follow", ArgType::kBool, Value(false), false, {}, {}},
        {"get_checksum", ArgType::kBool, Value(true), false, {}, {}},
        {"checksum_algorithm",
         ArgType::kStr,
         Value("sha1"),
         false,
         {"checksum", "checksum_algo"},
         {"md5", "sha1", "sha224", "sha256", "sha384", "sha512"}},
        {"get_mime", ArgType::kBool, Value(true), false, {"mime", "mime_type", "mime-type"}, {}},
        {"get_attributes", ArgType::kBool, Value(true), false, {"attr", "attributes"}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    const std::string path = ArgText(args, "path");
    const bool follow = args.find("follow")->as_bool();
    const std::string algo =
        args.find("get_checksum")->as_bool() ? ArgText(args, "checksum_algorithm") : "";
    const std::string q = ShellQuote(path);
    std::string script = StatShellFunction(follow) + "__drover_stat " + q + " " + ShellQuote(algo) +
                         " || exit 1\n"
                         "__a=; [ -r " +
                         q + " ] && __a=${__a}r; [ -w " + q + " ] && __a=${__a}w; [ -x " + q +
                         " ] && __a=${__a}x\n"
                         "printf 'DROVER_ACCESS|%s\\n' \"$__a\"\n"
                         "if [ -L " +
                         q + " ]; then printf 'DROVER_REAL|%s\\n' \"$(readlink -f -- " + q +
                         ")\"; fi\n";
    Result<connection::ExecResult> res = ctx.Exec(script);
    if (!res) return res.take_error();
    std::optional<RemoteStat> st = ParseStatOutput(res->stdout_data);
    if (!st || res->exit_status != 0)
      return Failed("stat: could not stat " + path + ": " + res->stderr_data);
    Map s;
    if (!st->exists) {
      s.set("exists", false);
      return Map{{"changed", false}, {"stat", Value(std::move(s))}};
    }
    auto line_value = [&](const std::string& tag) {
      size_t at = res->stdout_data.find(tag);
      if (at == std::string::npos) return std::string();
      at += tag.size();
      size_t nl = res->stdout_data.find('\n', at);
      return res->stdout_data.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    };
    const std::string access = line_value("DROVER_ACCESS|");
    const unsigned m = st->st_mode;
    const unsigned type = m & 0170000;
    s.set("exists", true);
    s.set("path", Value(path));
    s.set("mode", Value(OctalMode(m & 07777)));
    s.set("isdir", type == 0040000);
    s.set("ischr", type == 0020000);
    s.set("isblk", type == 0060000);
    s.set("isreg", type == 0100000);
    s.set("isfifo", type == 0010000);
    s.set("islnk", type == 0120000);
    s.set("issock", type == 0140000);
    s.set("uid", Value(st->uid));
    s.set("gid", Value(st->gid));
    s.set("size", Value(st->size));
    s.set("inode", Value(st->inode));
    s.set("dev", Value(st->dev));
    s.set("nlink", Value(st->nlink));
    s.set("atime", Value(st->atime));
    s.set("mtime", Value(st->mtime));
    s.set("ctime", Value(st->ctime));
    s.set("wusr", (m & 0200) != 0);
    s.set("rusr", (m & 0400) != 0);
    s.set("xusr", (m & 0100) != 0);
    s.set("wgrp", (m & 020) != 0);
    s.set("rgrp", (m & 040) != 0);
    s.set("xgrp", (m & 010) != 0);
    s.set("woth", (m & 02) != 0);
    s.set("roth", (m & 04) != 0);
    s.set("xoth", (m & 01) != 0);
    s.set("isuid", (m & 04000) != 0);
    s.set("isgid", (m & 02000) != 0);
    s.set("blocks", Value(st->blocks));
    s.set("block_size", Value(st->block_size));
    s.set("device_type", 0);
    s.set("readable", access.find('r') != std::string::npos);
    s.set("writeable", access.find('w') != std::string::npos);
    s.set("executable", access.find('x') != std::string::npos);
    s.set("pw_name", Value(st->owner));
    s.set("gr_name", Value(st->group));
    if (!st->checksum.empty()) s.set("checksum", Value(st->checksum));
    if (type == 0120000) {
      s.set("lnk_source", Value(line_value("DROVER_REAL|")));
      s.set("lnk_target", Value(st->link_target));
    }
    return Map{{"changed", false}, {"stat", Value(std::move(s))}};
  }
};

}  // namespace

const Module& StatModule() {
  static const Stat m;
  return m;
}

}  // namespace drover::modules
