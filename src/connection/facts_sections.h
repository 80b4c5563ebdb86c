// Internal to fact gathering: the script's output split into sections, the
// helpers the parsers share, and the parsers of each collector (facts.cc,
// facts_hardware.cc, facts_network.cc, facts_system.cc). Each Add* reads
// its sections and sets facts (names without "ansible_") as Ansible 2.14's
// collector of the same name does on Linux.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connection/facts_subset.h"
#include "core/value.h"

namespace drover::connection::facts {

// Section name -> its non-empty lines.
using Sections = std::map<std::string, std::vector<std::string>>;

Sections SplitSections(const std::string& out);
const std::vector<std::string>& Lines(const Sections& s, const std::string& name);
std::string Line(const Sections& s, const std::string& name, size_t index = 0);
std::string Trim(const std::string& s);
std::vector<std::string> Words(const std::string& s);
// A section of `r` output: path -> first line; nullopt when empty or
// unreadable (Ansible's get_file_content default). Absent paths are absent.
std::map<std::string, std::optional<std::string>> FileValues(const std::vector<std::string>& lines);
// The value of `path` in FileValues, or `fallback` when absent or empty.
std::string FileValue(const std::map<std::string, std::optional<std::string>>& files,
                      const std::string& path, const std::string& fallback = "");
// Python's "%.2f %s" bytes_to_human (1.00 GB, 0.00 Bytes).
std::string BytesToHuman(double bytes);

void AddHardware(const Sections& s, Map& f);
void AddDmi(const Sections& s, Map& f);
void AddNetwork(const Sections& s, Map& f);
void AddNetworkExtras(const Sections& s, const FactsRequest& r, Map& f);
void AddVirtual(const Sections& s, Map& f);
void AddSmallCollectors(const Sections& s, const FactsRequest& r, Map& f);
void AddLocal(const Sections& s, const FactsRequest& r, Map& f);

}  // namespace drover::connection::facts
