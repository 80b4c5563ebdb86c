// fetch (ansible.builtin.fetch): copies a host file to the controller, laid
// out as Ansible lays it out (dest/<inventory_hostname>/<src>, or with flat
// dest itself, dest/ meaning dest/<basename>). One round trip: the
// controller sends the sha1 of its copy; the host sends the bytes only when
// its file differs. The local file is written atomically (temp + rename)
// and left untouched when unchanged. Check mode reports what would change
// and writes nothing (Ansible 2.14 skips fetch in check mode instead).
#include <filesystem>

#include "connection/local_connection.h"
#include "core/digest.h"
#include "core/file_util.h"
#include "modules/install.h"
#include "modules/registry.h"
#include "modules/remote_file.h"

namespace drover::modules {

namespace {

class Fetch : public Module {
 public:
  std::string_view Name() const override { return "fetch"; }
  const std::vector<ArgSpec>& Spec() const override {
    static const std::vector<ArgSpec> spec = {
        {"src", ArgType::kStr, {}, true, {}, {}},
        {"dest", ArgType::kStr, {}, true, {}, {}},
        {"flat", ArgType::kBool, Value(false), false, {}, {}},
        {"fail_on_missing", ArgType::kBool, Value(true), false, {}, {}},
        {"validate_checksum", ArgType::kBool, Value(true), false, {}, {}},
    };
    return spec;
  }

  Result<Map> Run(const Map& args, RunContext& ctx) const override {
    namespace fs = std::filesystem;
    const std::string src = args.find("src")->as_string();
    const std::string dest_arg = args.find("dest")->as_string();
    const bool flat = args.find("flat")->as_bool();
    const bool fail_on_missing = args.find("fail_on_missing")->as_bool();
    const bool validate = args.find("validate_checksum")->as_bool();
    if (src.empty() || dest_arg.empty()) return Failed("src and dest are required");

    std::error_code ec;
    if (flat && dest_arg.back() != '/' && fs::is_directory(dest_arg, ec))
      return Failed(
          "dest is an existing directory, use a trailing slash if you want to fetch src into "
          "that directory");
    std::string hostname;
    if (!flat) {
      if (!ctx.render) return Failed("fetch: no inventory_hostname to lay out dest with");
      Result<std::string> h = ctx.render("{{ inventory_hostname }}", "fetch");
      if (!h) return h.take_error();
      hostname = *h;
    }
    const std::string base_dir =
        ctx.search_paths.empty() ? fs::current_path(ec).string() : ctx.search_paths.back();
    const std::string dest = FetchLocalDest(src, dest_arg, flat, hostname, base_dir);

    // Ansible's checksum(): sha1 of an existing non-directory, else none.
    std::string local_sha1, local_md5;
    if (fs::exists(dest, ec) && !fs::is_directory(dest, ec)) {
      Result<FileDigests> local = DigestLocalFile(dest);
      if (!local) return Failed(local.error().message);
      local_sha1 = local->sha1;
      local_md5 = local->md5;
    }
    // The bytes stream into a temp file beside dest (constant memory),
    // renamed into place only when complete and verified.
    connection::LocalAtomicFile out;
    Digest sha1("sha1"), md5("md5");
    bool opened = false;
    auto open_dest = [&]() -> Status {
      opened = true;
      fs::create_directories(fs::path(dest).parent_path(), ec);
      if (ec) return MakeError("cannot create the directory of " + dest + ": " + ec.message());
      return out.Open(dest);
    };

    RemoteReadOptions options;
    options.checksum = true;
    options.unless_sha1 = local_sha1;
    options.send_content = !ctx.check_mode;
    options.content_sink = [&](std::string_view chunk) -> Status {
      if (!opened) {
        if (Status st = open_dest(); !st) return st;
      }
      sha1.Update(chunk);
      md5.Update(chunk);
      return out.Write(chunk);
    };
    Result<RemoteRead> read = ReadRemoteFile(ctx, src, options);
    if (!read) return read.take_error();
    using State = RemoteRead::State;
    switch (read->state) {
      case State::kDirectory: {
        const std::string msg = "remote file is a directory, fetch cannot work on directories";
        if (!fail_on_missing)
          return Map{{"changed", false}, {"msg", Value(msg + ", not transferring, ignored")}};
        return Failed(msg);
      }
      case State::kMissing: {
        const std::string msg = "the remote file does not exist, not transferring, ignored";
        if (!fail_on_missing)
          return Map{{"changed", false}, {"file", Value(src)}, {"msg", Value(msg)}};
        return Failed(msg);
      }
      case State::kUnreadable:
      case State::kError:
        if (!fail_on_missing) return Map{{"changed", false}, {"file", Value(src)}};
        return Failed(read->error);
      case State::kSame:
        return Map{{"changed", false},
                   {"md5sum", Value(local_md5)},
                   {"file", Value(src)},
                   {"dest", Value(dest)},
                   {"checksum", Value(local_sha1)}};
      case State::kDiffers:  // check mode
        return Map{{"changed", true},
                   {"dest", Value(dest)},
                   {"file", Value(src)},
                   {"remote_md5sum", Value()},
                   {"remote_checksum", Value(read->sha1)}};
      case State::kRead: break;
    }
    if (!opened) {  // an empty file: no chunk arrived
      if (Status st = open_dest(); !st)
        return Failed("Failed to fetch the file: " + st.error().message);
    }
    const std::string new_sha1 = sha1.HexFinal();
    const std::string new_md5 = md5.HexFinal();
    if (validate && new_sha1 != read->sha1) {
      Map f = Failed("checksum mismatch");
      f.set("md5sum", Value(new_md5));
      f.set("file", Value(src));
      f.set("dest", Value(dest));
      f.set("remote_md5sum", Value());
      f.set("checksum", Value(new_sha1));
      f.set("remote_checksum", Value(read->sha1));
      return f;
    }
    if (Status s = out.Commit(); !s)
      return Failed("Failed to fetch the file: " + s.error().message);
    return Map{{"changed", true},
               {"md5sum", Value(new_md5)},
               {"dest", Value(dest)},
               {"remote_md5sum", Value()},
               {"checksum", Value(new_sha1)},
               {"remote_checksum", Value(read->sha1)}};
  }
};

}  // namespace

const Module& FetchModule() {
  static const Fetch m;
  return m;
}

}  // namespace drover::modules
