// Tag selection (--tags / --skip-tags) with Ansible's rules: `always` runs
// unless skipped explicitly, `never` runs only when asked for, `tagged`,
// `untagged` and `all` are special.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/value.h"

namespace drover::playbook {

using TagSet = std::set<std::string>;

// Tags from a `tags:` keyword value: a list, a comma-separated string, or a
// scalar.
TagSet ParseTags(const Value& tags);

// The tags of an item's `tags:` keyword (none when it has no such key).
TagSet KeywordTags(const Map& keywords);

struct TagFilter {
  TagSet only;  // --tags (empty means "all", as Ansible's default)
  TagSet skip;  // --skip-tags

  // Whether an item with these effective tags runs (Taggable.evaluate_tags).
  bool ShouldRun(const TagSet& tags) const;
};

}  // namespace drover::playbook
