// A mistake in what the user asked for (an unknown queue, a malformed range,
// an --out path that cannot be written), as opposed to a failure while
// running. main() prints what() as one line and exits with status 2; the
// message names the offending option and value, so it needs no context.
#pragma once

#include <stdexcept>

namespace qb {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace qb
