// The pure part of find (ansible.builtin.find): the filters Ansible's find
// module applies to each entry (name patterns, age, size), the parsing of
// its age and size arguments, and os.walk's visiting order. The host only
// lists entries; drover filters them here with Python's semantics.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace drover::modules {

// "-1d", "2w", "30" (seconds) -> seconds; nullopt when not
// ^(-?\d+)(s|m|h|d|w)?$ (case-insensitive), as Ansible's find.
std::optional<int64_t> ParseFindAge(const std::string& text);
// "10k", "-2m", "5" (bytes) -> bytes (units b k m g t, powers of 1024).
std::optional<int64_t> ParseFindSize(const std::string& text);

// Python's fnmatch.translate body (without the (?s: ... )\Z wrapper).
std::string FnmatchTranslate(const std::string& glob);

// Ansible's pfilter: whether basename `name` matches one of `patterns`
// (fnmatch globs, or Python regexes matched at the start with use_regex)
// and none of `excludes`. Throws tmpl::RenderError on a bad regex.
bool FindNameMatches(const std::string& name, const std::vector<std::string>& patterns,
                     const std::vector<std::string>& excludes, bool use_regex);

// Ansible's agefilter (age >= 0: at least that old; < 0: at most) and
// sizefilter (size >= 0: at least; < 0: at most).
bool FindAgeMatches(double now, double stamp, std::optional<int64_t> age);
bool FindSizeMatches(int64_t size, std::optional<int64_t> want);

// Orders entries listed depth-first (each directory's entries in readdir
// order, a directory's contents right after it, as `find` prints them) the
// way os.walk(top) visits them: a directory's non-directories, then its
// directories, then each directory's contents in turn. `is_dir[i]` says
// whether paths[i] is a directory. Returns indexes into `paths`.
std::vector<size_t> WalkOrder(const std::string& top, const std::vector<std::string>& paths,
                              const std::vector<bool>& is_dir);

}  // namespace drover::modules
