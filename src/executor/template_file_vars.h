// The variables Ansible's template module and template lookup add for the
// file they render (ansible/template/__init__.py,
// generate_ansible_template_vars): template_host, template_path (the source
// as written), template_fullpath, template_uid (the file owner's name),
// template_mtime and template_run_date (as Python prints a datetime:
// "YYYY-MM-DD HH:MM:SS[.ffffff]"), template_destpath, and ansible_managed:
// ansible.cfg's `[defaults] ansible_managed` (default "Ansible managed")
// with {host}, {uid} and {file} replaced as str.format does, then passed
// through strftime with the source's modification time.
#pragma once

#include <string>

#include "core/error.h"
#include "core/value.h"

namespace drover::executor {

// DEFAULT_MANAGED_STR: set once by the command before the run.
void SetManagedFormat(std::string format);

// The variables for rendering `fullpath`, written `path` in the task;
// `dest` empty for the lookup (template_destpath is then None).
Result<Map> TemplateFileVars(const std::string& path, const std::string& fullpath,
                             const std::string& dest);

}  // namespace drover::executor
