#include "cli/retry_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "cli/report.h"

namespace drover::cli {

namespace fs = std::filesystem;

std::string WriteRetryFile(const AnsibleSettings& settings, const std::string& playbook,
                           const output::Recap& recap) {
  if (!settings.Bool("RETRY_FILES_ENABLED").value_or(false)) return "";
  std::vector<std::string> hosts;
  for (const auto& [host, stats] : recap.hosts)
    if (stats.failed > 0 || stats.unreachable > 0) hosts.push_back(host);
  if (hosts.empty()) return "";
  std::sort(hosts.begin(), hosts.end());
  std::string dir = settings.Path("RETRY_FILES_SAVE_PATH");
  if (dir.empty()) dir = fs::absolute(playbook).parent_path().string();
  const std::string file =
      (fs::path(dir) / (fs::path(playbook).stem().string() + ".retry")).string();
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::ofstream out(file, std::ios::trunc);
  for (const std::string& h : hosts) out << h << "\n";
  out.close();
  if (ec || !out) {
    ReportWarning(MakeError("Could not create retry file '" + file + "'.\n\t" +
                            (ec ? ec.message() : std::string("cannot write it"))));
    return "";
  }
  return "\tto retry, use: --limit @" + file + "\n";
}

}  // namespace drover::cli
