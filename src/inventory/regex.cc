#include "inventory/regex.h"

#include <cctype>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace drover::inventory {

struct Regex::Code {
  pcre2_code* code = nullptr;
  ~Code() { pcre2_code_free(code); }
};

Result<Regex> Regex::Compile(std::string_view pattern, Options options) {
  uint32_t flags = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
  if (options.extended) flags |= PCRE2_EXTENDED;
  if (options.caseless) flags |= PCRE2_CASELESS;
  int err = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   flags, &err, &offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(err, buf, sizeof buf);
    return MakeError("invalid regular expression '" + std::string(pattern) +
                     "': " + reinterpret_cast<char*>(buf));
  }
  Regex r;
  r.code_ = std::make_shared<Code>();
  r.code_->code = code;
  return r;
}

std::optional<std::vector<std::string>> Regex::Match(std::string_view subject) const {
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code_->code, nullptr);
  int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
                       PCRE2_ANCHORED, md, nullptr);
  if (rc < 0) {
    pcre2_match_data_free(md);
    return std::nullopt;
  }
  uint32_t count = 0;
  pcre2_pattern_info(code_->code, PCRE2_INFO_CAPTURECOUNT, &count);
  PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
  std::vector<std::string> groups;
  for (uint32_t i = 0; i <= count; ++i) {
    if (static_cast<int>(i) < rc && ov[2 * i] != PCRE2_UNSET) {
      groups.emplace_back(subject.substr(ov[2 * i], ov[2 * i + 1] - ov[2 * i]));
    } else {
      groups.emplace_back();
    }
  }
  pcre2_match_data_free(md);
  return groups;
}

std::string FnmatchToRegex(std::string_view glob) {
  std::string out = "(?s:";
  auto escape = [&out](char c) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
          static_cast<unsigned char>(c) >= 0x80)) {
      out += '\\';
    }
    out += c;
  };
  for (size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (c == '*') {
      out += ".*";
    } else if (c == '?') {
      out += '.';
    } else if (c == '[') {
      size_t j = i + 1;
      if (j < glob.size() && glob[j] == '!') ++j;
      if (j < glob.size() && glob[j] == ']') ++j;
      while (j < glob.size() && glob[j] != ']') ++j;
      if (j >= glob.size()) {
        out += "\\[";
        continue;
      }
      std::string_view body = glob.substr(i + 1, j - i - 1);
      std::string cls = "[";
      size_t k = 0;
      if (!body.empty() && body[0] == '!') {
        cls += '^';
        k = 1;
      } else if (!body.empty() && body[0] == '^') {
        cls += "\\^";
        k = 1;
      }
      for (; k < body.size(); ++k) {
        if (body[k] == '\\' || body[k] == '[' || body[k] == ']') cls += '\\';
        cls += body[k];
      }
      cls += ']';
      out += cls;
      i = j;
    } else {
      escape(c);
    }
  }
  out += ")\\z";
  return out;
}

}  // namespace drover::inventory
