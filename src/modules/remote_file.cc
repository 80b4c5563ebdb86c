#include "modules/remote_file.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <vector>

#include "connection/shell.h"

namespace drover::modules {

using connection::ShellQuote;

namespace {
constexpr std::string_view kTag = "DROVER_READ|";
}  // namespace

std::string RemoteReadScript(const std::string& path, const RemoteReadOptions& options) {
  std::string s = "__f=" + ShellQuote(path) +
                  "\n"
                  "if [ -d \"$__f\" ]; then echo 'DROVER_READ|directory'; exit 0; fi\n"
                  "if [ ! -e \"$__f\" ]; then echo 'DROVER_READ|missing'; exit 0; fi\n"
                  "if [ ! -r \"$__f\" ]; then echo 'DROVER_READ|unreadable'; exit 0; fi\n"
                  "__c=\n";
  if (options.checksum) {
    s += "__c=$(sha1sum < \"$__f\") || { echo 'DROVER_READ|error'; exit 1; }; __c=${__c%% *}\n";
    if (!options.unless_sha1.empty())
      s += "if [ \"$__c\" = " + ShellQuote(options.unless_sha1) +
           " ]; then printf 'DROVER_READ|same|%s\\n' \"$__c\"; exit 0; fi\n";
  }
  if (!options.send_content) return s + "printf 'DROVER_READ|differs|%s\\n' \"$__c\"\n";
  return s + "printf 'DROVER_READ|data|%s\\n' \"$__c\"; exec cat -- \"$__f\"\n";
}

Result<RemoteRead> ReadRemoteFile(RunContext& ctx, const std::string& path,
                                  const RemoteReadOptions& options) {
  // With a content sink, the head line is kept here and the bytes after it
  // go to the sink.
  std::string head_line;
  bool head_done = false;
  connection::OutputSink splitter;
  if (options.content_sink) {
    splitter = [&](std::string_view chunk) -> Status {
      if (!head_done) {
        const size_t nl = chunk.find('\n');
        head_line.append(chunk.substr(0, nl == std::string_view::npos ? chunk.size() : nl + 1));
        if (nl == std::string_view::npos) return {};
        head_done = true;
        chunk.remove_prefix(nl + 1);
      }
      return chunk.empty() ? Status() : options.content_sink(chunk);
    };
  }
  Result<connection::ExecResult> res = ctx.ExecStreaming(RemoteReadScript(path, options), splitter);
  if (!res) return res.take_error();
  RemoteRead r;
  if (options.content_sink) res->stdout_data = head_line;
  std::string& out = res->stdout_data;
  const size_t nl = out.find('\n');
  const std::string head = out.substr(0, nl);
  auto fail = [&](RemoteRead::State state, std::string msg) {
    r.state = state;
    r.error = std::move(msg);
    return r;
  };
  if (head.rfind(kTag, 0) != 0 || res->exit_status != 0) {
    std::string why = res->stderr_data;
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return fail(RemoteRead::State::kError, "unable to slurp file: " + why);
  }
  const std::string what = head.substr(kTag.size());
  if (what == "directory")
    return fail(RemoteRead::State::kDirectory, "source is a directory and must be a file: " + path);
  if (what == "missing") return fail(RemoteRead::State::kMissing, "file not found: " + path);
  if (what == "unreadable")
    return fail(RemoteRead::State::kUnreadable, "file is not readable: " + path);
  const size_t bar = what.find('|');
  const std::string state = what.substr(0, bar);
  if (bar != std::string::npos) r.sha1 = what.substr(bar + 1);
  if (state == "same") {
    r.state = RemoteRead::State::kSame;
  } else if (state == "differs") {
    r.state = RemoteRead::State::kDiffers;
  } else if (state == "data") {
    r.state = RemoteRead::State::kRead;
    r.content = out.substr(nl + 1);
  } else {
    return fail(RemoteRead::State::kError, "unable to slurp file: unexpected reply from the host");
  }
  return r;
}

std::string PythonNormPath(const std::string& path) {
  if (path.empty()) return ".";
  size_t slashes = 0;
  while (slashes < path.size() && path[slashes] == '/') ++slashes;
  // POSIX keeps exactly two leading slashes; one or three and more become one.
  const std::string lead = slashes == 0 ? "" : slashes == 2 ? "//" : "/";
  std::vector<std::string> parts;
  size_t at = 0;
  while (at <= path.size()) {
    size_t next = path.find('/', at);
    if (next == std::string::npos) next = path.size();
    const std::string comp = path.substr(at, next - at);
    at = next + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp != ".." || (lead.empty() && parts.empty()) ||
        (!parts.empty() && parts.back() == "..")) {
      parts.push_back(comp);
    } else if (!parts.empty()) {
      parts.pop_back();
    }
  }
  std::string out = lead;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
  return out.empty() ? "." : out;
}

std::string FetchLocalDest(const std::string& src, const std::string& dest, bool flat,
                           const std::string& hostname, const std::string& base_dir) {
  auto dwim = [&](const std::string& p) {
    if (!p.empty() && p[0] == '/') return p;
    if (p.rfind("~", 0) == 0) {
      const char* home = std::getenv("HOME");
      if (home && (p.size() == 1 || p[1] == '/')) return std::string(home) + p.substr(1);
      return p;
    }
    return base_dir + "/" + p;
  };
  std::string out;
  if (flat) {
    out = dest;
    if (!out.empty() && out.back() == '/') {
      const size_t slash = src.rfind('/');
      out += slash == std::string::npos ? src : src.substr(slash + 1);
    }
    if (out.empty() || out[0] != '/') out = dwim(out);
  } else {
    out = dwim(dest) + "/" + hostname + "/" + src;
  }
  return PythonNormPath(out);
}

std::string Base64Encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace drover::modules
