// `qbench list`: every registered queue with its traits, and the scenario
// files found under ./scenarios and the source tree's scenarios/.
#pragma once

namespace qb {

int list_command(bool json);

}  // namespace qb
