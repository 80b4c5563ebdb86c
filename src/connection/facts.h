// Fact gathering without Python: one POSIX sh script, run in one round
// trip, prints raw sections (/etc/os-release, uname, /proc, id, ip, env,
// date); ParseFacts turns them into the facts Ansible's setup module
// reports for the same host (the subset real playbooks use; see facts.cc).
#pragma once

#include <optional>
#include <string>

#include "connection/connection.h"
#include "connection/facts_subset.h"
#include "core/error.h"
#include "core/value.h"

namespace drover::connection {

// The sh script for `request` (facts_script.cc). Needs only sh, uname, id,
// awk, date; uses hostname, getent, ip, lsb_release, findmnt, lsblk, stat,
// capsh, ethtool, vgs and systemctl when present. FactsScript() gathers all.
std::string FactsScript(const FactsRequest& request);
const std::string& FactsScript();

// Parses the script's output into facts without the "ansible_" prefix
// (hostname, distribution, default_ipv4, env, date_time, ...), the
// collectors of `request` only (all without it).
Result<Map> ParseFacts(const std::string& script_output, const FactsRequest& request);
Result<Map> ParseFacts(const std::string& script_output);

// Runs the script on `connection` (one round trip) and parses it.
Result<Map> GatherFacts(Connection& connection, const FactsRequest& request,
                        const std::optional<BecomeSpec>& become = std::nullopt);
Result<Map> GatherFacts(Connection& connection,
                        const std::optional<BecomeSpec>& become = std::nullopt);

// The host variables facts become: every fact as "ansible_<name>", plus
// "ansible_facts" holding the unprefixed map (as Ansible injects them).
Map FactsAsHostVars(const Map& facts);

// setup's result "ansible_facts" map: every fact with the ansible_ prefix.
Map PrefixedFacts(const Map& facts);

}  // namespace drover::connection
