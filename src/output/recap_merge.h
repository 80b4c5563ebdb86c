// `drover recap`: reads the --json-log files of runs (usually the N slices
// of one run, `drover playbook --slice K/N`) and merges their recaps into
// the recap one run over all their hosts would have printed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "output/events.h"

namespace drover::output {

// What one finished run's JSON log says.
struct RunLog {
  std::string path;
  std::optional<std::pair<int, int>> slice;  // (K, N) from the "slice" event
  Recap recap;                               // hosts in the log's order
};

// Reads a complete log. Errors, naming `path`: it cannot be read; it is
// empty; a line is not a JSON event or the last one is cut off (the writer
// was killed); it has no recap at the end (the run stopped on an error, was
// killed, or is still running); it was interrupted (SIGINT).
Result<RunLog> ReadRunLog(const std::string& path);

// Merges the logs' recaps: hosts sorted by name (as Ansible's recap). Errors:
// a host in two logs (naming both files); logs of slices that are not the
// complete set 1..N of one N (a slice missing, given twice, of another N, or
// a sliced log mixed with an unsliced one).
Result<Recap> MergeRunLogs(const std::vector<RunLog>& logs);

}  // namespace drover::output
