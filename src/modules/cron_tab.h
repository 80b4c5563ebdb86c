// The pure side of the cron module: a crontab's lines and the edits
// Ansible's cron module (CronTab) makes to them, line for line, so that
// unit tests pin the decisions without a host. The module (cron.cc) reads
// the text on the host, edits it here and writes it back only when it
// changed.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace drover::modules {

class CronTab {
 public:
  // `cron_file`: the text is a file of /etc/cron.d (its jobs name a user).
  // A user crontab (`crontab -l` output) loses the header lines crontab
  // may print (at most the first three), as Ansible's read drops them.
  CronTab(const std::string& text, bool cron_file, std::string user);

  // The text as read (after the header lines were removed): the diff's
  // "before".
  const std::string& Existing() const { return existing_; }
  const std::vector<std::string>& Lines() const { return lines_; }

  // The job line: "[#]MIN HOUR DAY MONTH WEEKDAY [USER ]JOB" or
  // "[#]@SPECIAL [USER ]JOB" (USER only in a cron_file).
  std::string JobLine(const std::string& minute, const std::string& hour, const std::string& day,
                      const std::string& month, const std::string& weekday, std::string job,
                      const std::string& special, bool disabled) const;

  // Ansible's find_job: {comment name, job line} of the job named `name`;
  // else, when `job` is given and some line equals it, that line gets the
  // name's comment (inserted, or replacing "#Ansible: None") and the result
  // has a third element. Empty when not found.
  std::vector<std::string> FindJob(const std::string& name, const std::string* job = nullptr);
  void AddJob(const std::string& name, const std::string& job);
  void UpdateJob(const std::string& name, const std::string& job);
  void RemoveJob(const std::string& name);

  // The index of the first "NAME=" line, or nullopt.
  std::optional<size_t> FindEnv(const std::string& name) const;
  // Inserts `decl` first, or after/before the variable named; false when
  // that variable is not there.
  bool AddEnv(const std::string& decl, const std::string& insertafter,
              const std::string& insertbefore);
  void UpdateEnv(const std::string& name, const std::string& decl);
  void RemoveEnv(const std::string& name);

  std::vector<std::string> JobNames() const;
  std::vector<std::string> EnvNames() const;
  // No line with anything but whitespace.
  bool IsEmpty() const;
  // The lines joined, with one final newline ("" when there is nothing).
  std::string Render() const;

 private:
  std::string existing_;
  std::vector<std::string> lines_;
  bool cron_file_;
  std::string user_;
};

}  // namespace drover::modules
