// What `qbench --version` prints: the project's version, the git revision and
// how the binary was built, so that a bug report or a results file's reader
// can tell which build said what.
#pragma once

#include <string>

namespace qb {

// "qbench 0.1.0 (git 1a2b3c4d5e6f, Release)"; a sanitizer build adds it
// ("Debug, sanitizer address"), a build without CMAKE_BUILD_TYPE says so.
std::string version_line();

}  // namespace qb
