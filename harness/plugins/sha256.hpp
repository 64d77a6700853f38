// SHA-256 (FIPS 180-4) of a file, so that a results file names exactly which
// plugin build produced its numbers. Written here because no package the
// harness already links offers it; tested against FIPS's example vectors.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace qb {

// Lower-case hex digest of `bytes`.
std::string sha256_hex(std::string_view bytes);

// Of a file's contents; throws std::runtime_error when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace qb
