// `qbench check QUEUE...`: the battery (check_battery.hpp) on each queue,
// a line per check on stdout, the verdicts as JSON with --out. Exit 0 when
// every queue passes, 1 when one fails.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/check_battery.hpp"

namespace qb {

struct CheckRequest {
  std::vector<std::string> queues;  // names in the table
  check::Options options;
};

int check_command(const CheckRequest& request, const std::optional<std::filesystem::path>& out, bool force,
                  const std::vector<std::string>& argv);

}  // namespace qb
