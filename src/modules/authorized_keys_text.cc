#include "modules/authorized_keys_text.h"

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include "modules/edit_file.h"

namespace drover::modules {

namespace {

const char* const kKeyTypes[] = {
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp384-cert-v01@openssh.com",
    "ecdsa-sha2-nistp521",
    "ecdsa-sha2-nistp521-cert-v01@openssh.com",
    "sk-ssh-ed25519@openssh.com",
    "sk-ssh-ed25519-cert-v01@openssh.com",
    "ssh-ed25519",
    "ssh-ed25519-cert-v01@openssh.com",
    "ssh-dss",
    "ssh-rsa",
    "ssh-xmss@openssh.com",
    "ssh-xmss-cert-v01@openssh.com",
    "rsa-sha2-256",
    "rsa-sha2-512",
    "ssh-rsa-cert-v01@openssh.com",
    "rsa-sha2-256-cert-v01@openssh.com",
    "rsa-sha2-512-cert-v01@openssh.com",
    "ssh-dss-cert-v01@openssh.com",
};

// Ansible's keydict: options in order, a name may repeat.
using Options = std::vector<std::pair<std::string, std::optional<std::string>>>;

// keydict equality is dict equality: name -> its values, in order.
bool SameOptions(const Options& a, const Options& b) {
  auto as_map = [](const Options& o) {
    std::map<std::string, std::vector<std::optional<std::string>>> m;
    for (const auto& [k, v] : o) m[k].push_back(v);
    return m;
  };
  return as_map(a) == as_map(b);
}

// One parsed line: a key (type set) or a line kept as it is (skipped).
struct Entry {
  std::string id;  // the dict key: the key blob, or the whole line
  bool skipped = false;
  std::string text;  // skipped: the line; key: the blob
  std::string type;
  Options options;
  std::string comment;
  size_t rank = 0;
};

// Python's str.split() on shlex's whitespace (space, tab, CR, LF).
std::vector<std::string> SplitWhitespace(const std::string& s) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (!cur.empty()) parts.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(std::move(cur));
  return parts;
}

std::string Join(const std::vector<std::string>& parts, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += (i > from ? " " : "") + parts[i];
  return out;
}

// The length of the match of ((?:[^,"']|"[^"]*"|'[^']*')+) at `at` (0: none).
size_t OptionRunAt(const std::string& s, size_t at) {
  size_t i = at;
  while (i < s.size()) {
    char c = s[i];
    if (c != ',' && c != '"' && c != '\'') {
      ++i;
    } else if (c == '"' || c == '\'') {
      size_t close = s.find(c, i + 1);
      if (close == std::string::npos) break;
      i = close + 1;
    } else {
      break;
    }
  }
  return i - at;
}

// Ansible's parseoptions: re.split on the option regex, [1:-1], then
// name=value or a flag for every piece but ",".
Options ParseOptions(const std::string& text) {
  std::vector<std::string> pieces;  // re.split's result
  std::string between;
  for (size_t i = 0; i < text.size();) {
    size_t n = OptionRunAt(text, i);
    if (n == 0) {
      between += text[i++];
      continue;
    }
    pieces.push_back(between);
    between.clear();
    pieces.push_back(text.substr(i, n));
    i += n;
  }
  pieces.push_back(between);
  Options options;
  for (size_t i = 1; i + 1 < pieces.size(); ++i) {
    const std::string& part = pieces[i];
    if (size_t eq = part.find('='); eq != std::string::npos)
      options.emplace_back(part.substr(0, eq), part.substr(eq + 1));
    else if (part != ",")
      options.emplace_back(part, std::nullopt);
  }
  return options;
}

// Ansible's parsekey: nullopt when the line has no key type. A line whose
// type is its last word has no key: nullopt as well (Ansible crashes).
std::optional<Entry> ParseKey(std::string raw, size_t rank) {
  for (size_t at; (at = raw.find("\\#")) != std::string::npos;) raw.replace(at, 2, "#");
  std::vector<std::string> parts = SplitWhitespace(raw);
  Entry e;
  e.rank = rank;
  if (!parts.empty() && parts[0] == "#") {
    e.id = e.text = raw;
    e.skipped = true;
    return e;
  }
  size_t type_index = parts.size();
  for (size_t i = 0; i < parts.size() && type_index == parts.size(); ++i)
    for (const char* t : kKeyTypes)
      if (parts[i] == t) type_index = i;
  if (type_index + 1 >= parts.size()) return std::nullopt;
  e.type = parts[type_index];
  if (type_index > 0) e.options = ParseOptions(Join(parts, 0, type_index));
  e.id = e.text = parts[type_index + 1];
  e.comment = Join(parts, type_index + 2, parts.size());
  return e;
}

// A Python dict keyed by Entry::id, in insertion order.
class EntryDict {
 public:
  Entry* Find(const std::string& id) {
    for (Entry& e : entries_)
      if (e.id == id) return &e;
    return nullptr;
  }
  void Set(Entry e) {
    if (Entry* old = Find(e.id))
      *old = std::move(e);
    else
      entries_.push_back(std::move(e));
  }
  void Erase(const std::string& id) {
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [&](const Entry& e) { return e.id == id; }),
                   entries_.end());
  }
  size_t Size() const { return entries_.size(); }
  std::vector<Entry>& Entries() { return entries_; }

 private:
  std::vector<Entry> entries_;
};

// Ansible's serialize: by rank (stable), options as name or name=value.
std::string Serialize(std::vector<Entry> entries) {
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.rank < b.rank; });
  std::string out;
  for (const Entry& e : entries) {
    if (e.skipped) {
      out += e.text;
      continue;
    }
    std::string opts;
    for (const auto& [name, value] : e.options)
      opts += (opts.empty() ? "" : ",") + name + (value ? "=" + *value : "");
    if (!opts.empty()) opts += " ";
    out += opts + e.type + " " + e.text + " " + e.comment + "\n";
  }
  return out;
}

bool SameKey(const Entry& a, const Entry& b) {
  return a.text == b.text && a.skipped == b.skipped && a.type == b.type &&
         SameOptions(a.options, b.options) && a.comment == b.comment;
}

}  // namespace

Result<AuthorizedKeysEdit> EditAuthorizedKeys(const std::string& existing,
                                              const AuthorizedKeysRequest& request) {
  EntryDict keys;
  std::vector<std::string> lines = SplitLinesKeepEnds(existing);
  for (size_t rank = 0; rank < lines.size(); ++rank) {
    std::optional<Entry> e = ParseKey(lines[rank], rank);
    if (!e) {
      e = Entry{};
      e->id = e->text = lines[rank];
      e->skipped = true;
      e->rank = rank;
    }
    keys.Set(std::move(*e));
  }

  std::vector<std::string> new_lines;
  for (const Value& l : SplitLines(request.keys)) {
    const std::string& s = l.as_string();
    if (!s.empty() && s[0] != '#') new_lines.push_back(s);
  }
  bool write = false;
  std::vector<std::string> keep;
  const size_t max_rank = keys.Size();
  for (size_t rank = 0; rank < new_lines.size(); ++rank) {
    std::optional<Entry> parsed = ParseKey(new_lines[rank], rank);
    if (!parsed) return MakeError("invalid key specified: " + new_lines[rank]);
    if (request.key_options) parsed->options = ParseOptions(*request.key_options);
    if (request.comment) parsed->comment = *request.comment;
    bool matched = false;
    if (Entry* old = keys.Find(parsed->id)) {
      if (!SameKey(*parsed, *old) && request.present) {
        keys.Erase(parsed->id);
        write = true;
      } else {
        matched = true;
      }
    }
    if (request.present) {
      keep.push_back(parsed->id);
      if (!matched) {
        parsed->rank = max_rank + rank;
        keys.Set(std::move(*parsed));
        write = true;
      }
    } else if (matched) {
      keys.Erase(parsed->id);
      write = true;
    }
  }
  if (request.present && request.exclusive) {
    std::vector<std::string> drop;
    for (const Entry& e : keys.Entries())
      if (std::find(keep.begin(), keep.end(), e.id) == keep.end()) drop.push_back(e.id);
    for (const std::string& id : drop) keys.Erase(id);
    if (!drop.empty()) write = true;
  }
  AuthorizedKeysEdit edit;
  edit.changed = write;
  if (write) edit.content = Serialize(keys.Entries());
  return edit;
}

}  // namespace drover::modules
