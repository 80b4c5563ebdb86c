#include "vault/ansible_cfg.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <optional>

#include "core/file_util.h"

namespace drover::vault {

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

std::string ResolvePath(const std::string& value, const std::string& file) {
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

VaultConfig ParseVaultConfig(const std::string& text, const std::string& file) {
  VaultConfig cfg;
  cfg.file = file;
  std::string section;
  size_t start = 0;
  while (start < text.size()) {
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
    if (section != "defaults") continue;
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
    value = Trim(value);
    if (key == "vault_password_file" && !value.empty()) {
      cfg.password_file = ResolvePath(value, file);
    } else if (key == "vault_identity_list") {
      cfg.identity_list.clear();
      size_t s = 0;
      while (s <= value.size()) {
        size_t comma = value.find(',', s);
        if (comma == std::string::npos) comma = value.size();
        const std::string item = Trim(value.substr(s, comma - s));
        if (!item.empty()) cfg.identity_list.push_back(item);
        s = comma + 1;
      }
    } else if (key == "vault_encrypt_identity") {
      cfg.encrypt_identity = value;
    }
  }
  return cfg;
}

VaultConfig ReadVaultConfig() {
  std::optional<std::string> file = FindConfigFile();
  if (!file) return {};
  Result<std::string> text = ReadFile(*file);
  if (!text) return {};
  return ParseVaultConfig(*text, *file);
}

}  // namespace drover::vault
