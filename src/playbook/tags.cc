#include "playbook/tags.h"

#include <algorithm>

namespace drover::playbook {

namespace {
void AddText(TagSet& out, const std::string& text) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string t = text.substr(start, comma == std::string::npos ? comma : comma - start);
    size_t b = t.find_first_not_of(' '), e = t.find_last_not_of(' ');
    if (b != std::string::npos) out.insert(t.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

bool Intersects(const TagSet& a, const TagSet& b) {
  return std::any_of(a.begin(), a.end(), [&](const std::string& t) { return b.count(t) > 0; });
}
}  // namespace

TagSet ParseTags(const Value& tags) {
  TagSet out;
  if (tags.is_list()) {
    for (const Value& t : tags.as_list()) {
      if (t.is_string())
        out.insert(t.as_string());
      else if (t.is_int())
        out.insert(std::to_string(t.as_int()));
    }
  } else if (tags.is_string()) {
    AddText(out, tags.as_string());
  } else if (tags.is_int()) {
    out.insert(std::to_string(tags.as_int()));
  }
  return out;
}

bool TagFilter::ShouldRun(const TagSet& own) const {
  static const TagSet kUntagged = {"untagged"};
  static const TagSet kAll = {"all"};
  const TagSet& tags = own.empty() ? kUntagged : own;
  const TagSet& only = this->only.empty() ? kAll : this->only;
  bool run = true;
  {
    if (tags.count("always"))
      run = true;
    else if (only.count("all") && !tags.count("never"))
      run = true;
    else if (Intersects(tags, only))
      run = true;
    else if (only.count("tagged") && tags != kUntagged && !tags.count("never"))
      run = true;
    else
      run = false;
  }
  if (run && !skip.empty()) {
    if (skip.count("all")) {
      if (!tags.count("always") || skip.count("always")) run = false;
    } else if (Intersects(tags, skip)) {
      run = false;
    } else if (skip.count("tagged") && tags != kUntagged) {
      run = false;
    }
  }
  return run;
}

TagSet KeywordTags(const Map& keywords) {
  const Value* t = keywords.find("tags");
  return t ? ParseTags(*t) : TagSet{};
}

}  // namespace drover::playbook
