#include "inventory/host_pattern.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>
#include <unordered_set>

#include "core/file_util.h"
#include "inventory/host_address.h"
#include "inventory/regex.h"

namespace drover::inventory {
namespace {

std::string Strip(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

// Plain first, then &, then !; with no plain pattern, `all` is implied.
std::vector<std::string> OrderPatterns(const std::vector<std::string>& patterns) {
  std::vector<std::string> regular, intersection, exclusion;
  for (const std::string& p : patterns) {
    if (p.empty()) continue;
    if (p[0] == '!') {
      exclusion.push_back(p);
    } else if (p[0] == '&') {
      intersection.push_back(p);
    } else {
      regular.push_back(p);
    }
  }
  if (regular.empty()) regular.push_back("all");
  regular.insert(regular.end(), intersection.begin(), intersection.end());
  regular.insert(regular.end(), exclusion.begin(), exclusion.end());
  return regular;
}

struct Subscript {
  long start = 0;
  std::optional<long> end;  // nullopt: a single index
};

// PATTERN_WITH_SUBSCRIPT: ^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$
std::optional<Subscript> SplitSubscript(std::string* pattern) {
  if ((*pattern)[0] == '~') return std::nullopt;
  static const Regex re = [] {
    Result<Regex> r = Regex::Compile(R"(^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$)");
    return std::move(r).value();
  }();
  auto m = re.Match(*pattern);
  if (!m) return std::nullopt;
  Subscript sub;
  const auto& g = *m;
  if (!g[2].empty()) {
    sub.start = std::stol(g[2]);
  } else {
    sub.start = std::stol(g[3]);
    sub.end = g[5].empty() ? -1 : std::stol(g[5]);
  }
  *pattern = g[1];
  return sub;
}

}  // namespace

std::vector<std::string> SplitHostPattern(std::string_view pattern) {
  std::vector<std::string> parts;
  if (pattern.find(',') != std::string_view::npos) {
    size_t start = 0;
    while (start <= pattern.size()) {
      size_t comma = pattern.find(',', start);
      parts.push_back(std::string(
          pattern.substr(start, comma == std::string_view::npos ? comma : comma - start)));
      start = comma == std::string_view::npos ? pattern.size() + 1 : comma + 1;
    }
  } else if (ParseAddress(pattern, /*allow_ranges=*/true)) {
    parts.emplace_back(pattern);
  } else {
    // (?:[^\s:\[\]]|\[[^\]]*\])+
    size_t i = 0;
    std::string cur;
    auto flush = [&] {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    };
    while (i < pattern.size()) {
      char c = pattern[i];
      if (c == '[') {
        size_t close = pattern.find(']', i + 1);
        if (close == std::string_view::npos) {
          flush();
          ++i;
          continue;
        }
        cur += pattern.substr(i, close - i + 1);
        i = close + 1;
      } else if (c == ':' || c == ']' || std::isspace(static_cast<unsigned char>(c))) {
        flush();
        ++i;
      } else {
        cur += c;
        ++i;
      }
    }
    flush();
  }
  std::vector<std::string> out;
  for (const std::string& p : parts) {
    std::string s = Strip(p);
    if (!s.empty()) out.push_back(std::move(s));
  }
  return out;
}

Status HostMatcher::SetLimit(std::string_view limit) {
  limit_.clear();
  for (const std::string& x : SplitHostPattern(limit)) {
    if (x[0] != '@') {
      limit_.push_back(x);
      continue;
    }
    const std::string file = x.substr(1);
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return MakeError("Unable to find limit file " + file);
    if (!std::filesystem::is_regular_file(file, ec)) {
      return MakeError("Limit starting with \"@\" must be a file, not a directory: " + file);
    }
    Result<std::string> text = ReadFile(file);
    if (!text) return text.take_error();
    size_t start = 0;
    while (start <= text->size()) {
      size_t nl = text->find('\n', start);
      limit_.push_back(
          Strip(std::string_view(*text).substr(start, nl == std::string::npos ? nl : nl - start)));
      start = nl == std::string::npos ? text->size() + 1 : nl + 1;
    }
  }
  return {};
}

void HostMatcher::SetSlice(HostSlice slice) {
  slice_ = slice;
  sliced_names_.clear();
  for (const Host* h : inventory_->hosts()) sliced_names_.insert(h->name);
}

bool HostMatcher::InSlice(const Host& host) const {
  if (!host.implicit && !sliced_names_.count(host.name)) return true;  // added by the run
  return SliceOfHost(host.name, slice_->count) == slice_->index;
}

Result<std::vector<Host*>> HostMatcher::Match(std::string_view pattern,
                                              std::vector<Error>* warnings, bool ignore_limit) {
  Result<std::vector<Host*>> hosts = Evaluate(SplitHostPattern(pattern), warnings);
  if (!hosts) return hosts;
  if (!ignore_limit && !limit_.empty()) {
    Result<std::vector<Host*>> allowed = Evaluate(limit_, warnings);
    if (!allowed) return allowed;
    std::unordered_set<const Host*> keep(allowed->begin(), allowed->end());
    std::vector<Host*> filtered;
    for (Host* h : *hosts) {
      if (keep.count(h)) filtered.push_back(h);
    }
    *hosts = std::move(filtered);
  }
  if (!ignore_limit && slice_) {
    std::erase_if(*hosts, [&](const Host* h) { return !InSlice(*h); });
  }
  // deduplicate_list
  std::unordered_set<const Host*> seen;
  std::vector<Host*> unique;
  for (Host* h : *hosts) {
    if (seen.insert(h).second) unique.push_back(h);
  }
  return unique;
}

Result<std::vector<Host*>> HostMatcher::Evaluate(const std::vector<std::string>& patterns,
                                                 std::vector<Error>* warnings) {
  std::vector<Host*> hosts;
  for (const std::string& p : OrderPatterns(patterns)) {
    if (Host* h = inventory_->FindHost(p)) {
      hosts.push_back(h);
      continue;
    }
    Result<std::vector<Host*>> that = MatchOne(p, warnings);
    if (!that) return that;
    std::unordered_set<const Host*> set(that->begin(), that->end());
    if (p[0] == '!') {
      std::erase_if(hosts, [&](Host* h) { return set.count(h) > 0; });
    } else if (p[0] == '&') {
      std::erase_if(hosts, [&](Host* h) { return set.count(h) == 0; });
    } else {
      std::unordered_set<std::string> existing;
      for (Host* h : hosts) existing.insert(h->name);
      for (Host* h : *that) {
        if (!existing.count(h->name)) hosts.push_back(h);
      }
    }
  }
  return hosts;
}

Result<std::vector<Host*>> HostMatcher::MatchOne(std::string pattern,
                                                 std::vector<Error>* warnings) {
  if (pattern[0] == '&' || pattern[0] == '!') pattern.erase(0, 1);
  if (pattern.empty()) return std::vector<Host*>{};
  const std::string original = pattern;
  std::optional<Subscript> sub = SplitSubscript(&pattern);
  Result<std::vector<Host*>> hosts = Enumerate(pattern, warnings);
  if (!hosts || !sub || hosts->empty()) return hosts;
  const long n = static_cast<long>(hosts->size());
  std::vector<Host*> picked;
  if (sub->end && *sub->end != 0) {
    long end = *sub->end == -1 ? n - 1 : *sub->end;
    // hosts[start:end + 1] with Python's clamping.
    long b = std::clamp(sub->start, 0L, n);
    long e = std::clamp(end + 1, 0L, n);
    for (long i = b; i < e; ++i) picked.push_back((*hosts)[i]);
  } else {
    long i = sub->start < 0 ? n + sub->start : sub->start;
    if (i < 0 || i >= n) {
      return MakeError("No hosts matched the subscripted pattern '" + original + "'");
    }
    picked.push_back((*hosts)[i]);
  }
  return picked;
}

Result<std::vector<Host*>> HostMatcher::Enumerate(const std::string& pattern,
                                                  std::vector<Error>* warnings) {
  Result<Regex> re = pattern[0] == '~' ? Regex::Compile(pattern.substr(1))
                                       : Regex::Compile(FnmatchToRegex(pattern));
  if (!re) return MakeError("Invalid host list pattern: " + pattern);
  std::vector<Host*> results;
  bool matched_group = false;
  for (const Group* g : inventory_->groups()) {
    if (!re->Matches(g->name)) continue;
    matched_group = true;
    for (Host* h : inventory_->GroupHosts(*g)) results.push_back(h);
  }
  if (!matched_group || pattern[0] == '~' || pattern.find_first_of(".?*[") != std::string::npos) {
    for (Host* h : inventory_->hosts()) {
      if (re->Matches(h->name)) results.push_back(h);
    }
  }
  if (results.empty() && IsLocalhostName(pattern)) {
    if (Host* h = inventory_->GetHost(pattern)) results.push_back(h);
  }
  if (results.empty() && !matched_group && pattern != "all" && warnings != nullptr) {
    warnings->push_back(MakeError("Could not match supplied host pattern, ignoring: " + pattern));
  }
  return results;
}

}  // namespace drover::inventory
