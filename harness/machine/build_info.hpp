// How the running binary was built, for every result's context.
#pragma once

namespace qb {

// The source tree's git revision when the binary was built: 12 hex digits,
// "-dirty" when tracked files differed from that commit, or "unknown"
// outside a git checkout. Defined in a file the build writes
// (harness/git_revision.cmake).
extern const char* const kGitRevision;

}  // namespace qb
