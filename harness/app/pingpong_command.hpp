// `qbench pingpong`: runs the round-trip measurement in a child process and
// prints and writes what it measured.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace qb {

struct PingpongRequest;

int pingpong_command(const PingpongRequest& request, const std::optional<std::filesystem::path>& out, bool force,
                     const std::vector<std::string>& argv);

}  // namespace qb
