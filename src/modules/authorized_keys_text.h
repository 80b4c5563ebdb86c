// authorized_key's decision, pure: Ansible's (ansible.posix 1.5)
// enforce_state on a file's text. Lines are parsed as its parsekey does
// (whitespace-split, the key blob identifies a key, options and comment
// normalised), and the file is re-serialised only when something changes,
// in its order: existing lines first by rank, new keys after them.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"

namespace drover::modules {

struct AuthorizedKeysRequest {
  std::string keys;  // the `key` argument's text: one key per line
  bool present = true;
  bool exclusive = false;
  std::optional<std::string> key_options;  // replaces each new key's options
  std::optional<std::string> comment;      // replaces each new key's comment
};

struct AuthorizedKeysEdit {
  bool changed = false;
  std::string content;  // the file's new text, when changed
};

// `existing` is the file's text ("" when there is none). Errors:
// "invalid key specified: LINE" (a line of `keys` with no key type).
Result<AuthorizedKeysEdit> EditAuthorizedKeys(const std::string& existing,
                                              const AuthorizedKeysRequest& request);

}  // namespace drover::modules
