#include "template/search_path_loader.h"

#include <filesystem>

#include "core/file_util.h"

namespace drover::tmpl {

std::vector<std::string> TemplateSearchPath(const std::vector<std::string>& dirs) {
  std::vector<std::string> out;
  for (const std::string& d : dirs) {
    if (d.empty()) continue;
    out.push_back((std::filesystem::path(d) / "templates").string());
    out.push_back(d);
  }
  return out;
}

Loader SearchPathLoader(std::vector<std::string> searchpath) {
  return [searchpath = std::move(searchpath)](const std::string& name,
                                              const std::string&) -> Result<LoadedTemplate> {
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    if (fs::path(name).is_absolute())
      candidates.emplace_back(name);
    else
      for (const std::string& d : searchpath) candidates.push_back(fs::path(d) / name);
    for (const fs::path& p : candidates) {
      std::error_code ec;
      if (!fs::is_regular_file(p, ec)) continue;
      Result<std::string> text = ReadFile(p.string());
      if (!text) return text.take_error();
      return LoadedTemplate{name, std::move(*text)};
    }
    return MakeError("template not found: " + name);
  };
}

}  // namespace drover::tmpl
