// The template loader of Ansible's template action: include, import and
// extends name templates relative to a search path (Jinja2's
// FileSystemLoader over the action's searchpath).
#pragma once

#include <string>
#include <vector>

#include "template/template.h"

namespace drover::tmpl {

// Ansible's template searchpath for `dirs` (ansible_search_path, the
// playbook dir, the template's own dir, in that order): each dir's
// `templates/` subdirectory, then the dir itself.
std::vector<std::string> TemplateSearchPath(const std::vector<std::string>& dirs);

// A loader that opens `name` in the first directory of `searchpath` that
// holds it (an absolute name as is); "template not found" otherwise.
Loader SearchPathLoader(std::vector<std::string> searchpath);

}  // namespace drover::tmpl
