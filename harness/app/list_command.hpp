// `qbench list`: every registered queue with its traits, and the scenarios
// by name, each once (scenario_catalog.hpp).
#pragma once

namespace qb {

int list_command(bool json);

}  // namespace qb
