#include "harness/machine/version.hpp"

#include <string_view>

#include <fmt/format.h>

#include "harness/machine/build_info.hpp"

// QB_VERSION is defined on this file alone (harness/CMakeLists.txt), from
// project(VERSION) in the top CMakeLists.txt, so a version bump recompiles
// one file.
#if !defined(QB_VERSION) || !defined(QB_BUILD_TYPE) || !defined(QB_SANITIZER_NAME)
#error "version.cpp needs QB_VERSION, QB_BUILD_TYPE and QB_SANITIZER_NAME"
#endif

namespace qb {

std::string version_line() {
  constexpr std::string_view build_type = QB_BUILD_TYPE;
  constexpr std::string_view sanitizer = QB_SANITIZER_NAME;
  std::string build = build_type.empty() ? std::string("no build type") : std::string(build_type);
  if (!sanitizer.empty()) build += fmt::format(", sanitizer {}", sanitizer);
  return fmt::format("qbench {} (git {}, {})", QB_VERSION, kGitRevision, build);
}

}  // namespace qb
