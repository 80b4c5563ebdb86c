#include "core/ansible_cfg.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <optional>

#include "core/file_util.h"

namespace drover {

namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Home() {
  const char* home = std::getenv("HOME");
  return home ? home : "";
}

// os.path.expanduser + os.path.expandvars (unknown variables stay as written).
std::string Expand(const std::string& path) {
  std::string p = path;
  if (p == "~" || p.rfind("~/", 0) == 0) p = Home() + p.substr(1);
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '$' || i + 1 >= p.size()) {
      out += p[i];
      continue;
    }
    size_t start = i + 1;
    size_t end;
    bool braced = p[start] == '{';
    if (braced) {
      end = p.find('}', start);
      if (end == std::string::npos) {
        out += p[i];
        continue;
      }
      ++start;
    } else {
      end = start;
      while (end < p.size() &&
             (std::isalnum(static_cast<unsigned char>(p[end])) || p[end] == '_')) {
        ++end;
      }
      if (end == start) {
        out += p[i];
        continue;
      }
    }
    const std::string name = p.substr(start, end - start);
    const char* value = std::getenv(name.c_str());
    out += value ? std::string(value) : p.substr(i, end + (braced ? 1 : 0) - i);
    i = end - (braced ? 0 : 1);
  }
  return out;
}

std::string ResolvePathImpl(const std::string& value, const std::string& file) {
  std::string p = Expand(value);
  if (!p.empty() && p[0] != '/') {
    const size_t slash = file.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : file.substr(0, slash);
    p = dir + "/" + p;
  }
  return p;
}

bool Exists(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0;
}

bool IsDir(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::optional<std::string> FindConfigFile() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("ANSIBLE_CONFIG")) {
    std::string p = Expand(env);
    if (IsDir(p)) p += "/ansible.cfg";
    candidates.push_back(p);
  }
  char cwd[4096];
  struct stat st {};
  if (getcwd(cwd, sizeof(cwd)) != nullptr && stat(cwd, &st) == 0 && !(st.st_mode & S_IWOTH)) {
    candidates.push_back(std::string(cwd) + "/ansible.cfg");
  }
  if (!Home().empty()) candidates.push_back(Home() + "/.ansible.cfg");
  candidates.push_back("/etc/ansible/ansible.cfg");
  for (const std::string& c : candidates) {
    if (Exists(c)) return c;
  }
  return std::nullopt;
}

}  // namespace

std::string ResolveConfigPath(const std::string& value, const std::string& file) {
  return ResolvePathImpl(value, file);
}

AnsibleConfig ParseAnsibleConfig(const std::string& text, const std::string& file) {
  AnsibleConfig cfg;
  cfg.file = file;
  std::string section;
  size_t start = 0;
  int line_number = 0;
  while (start < text.size()) {
    ++line_number;
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    const std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#' || trimmed[0] == ';') continue;
    if (trimmed[0] == '[') {
      section = Trim(trimmed.substr(1, trimmed.find(']') - 1));
      continue;
    }
    const size_t sep = trimmed.find_first_of("=:");
    if (sep == std::string::npos) continue;
    const std::string key = Lower(Trim(trimmed.substr(0, sep)));
    std::string value = trimmed.substr(sep + 1);
    // configparser(inline_comment_prefixes=(';',)): " ;" starts a comment.
    for (size_t i = 0; i < value.size(); ++i) {
      if (value[i] == ';' && (i == 0 || value[i - 1] == ' ' || value[i - 1] == '\t')) {
        value.resize(i);
        break;
      }
    }
    cfg.values[section][key] = Trim(value);
    cfg.lines[section][key] = line_number;
  }
  return cfg;
}

AnsibleConfig ReadAnsibleConfig() {
  std::optional<std::string> file = FindConfigFile();
  if (!file) return {};
  Result<std::string> text = ReadFile(*file);
  if (!text) return {};
  return ParseAnsibleConfig(*text, *file);
}

std::string AnsibleConfig::Get(const std::string& section, const std::string& key) const {
  auto s = values.find(section);
  if (s == values.end()) return {};
  auto k = s->second.find(key);
  return k == s->second.end() ? std::string() : k->second;
}

std::string AnsibleConfig::GetPath(const std::string& section, const std::string& key) const {
  std::string v = Get(section, key);
  return v.empty() ? v : ResolveConfigPath(v, file);
}

std::vector<std::string> AnsibleConfig::GetPathList(const std::string& section,
                                                    const std::string& key) const {
  std::vector<std::string> out;
  std::string v = Get(section, key);
  size_t s = 0;
  while (s <= v.size()) {
    size_t sep = v.find_first_of(":,", s);
    if (sep == std::string::npos) sep = v.size();
    std::string item = Trim(v.substr(s, sep - s));
    if (!item.empty()) out.push_back(ResolveConfigPath(item, file));
    s = sep + 1;
  }
  return out;
}

}  // namespace drover
