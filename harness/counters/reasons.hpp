// From a perf_event_open errno to the status and the sentence a user reads.
// The mapping follows perf's own (tools/perf stat_handle_error, evsel__fallback):
// missing hardware or kernel support is not_supported, the paranoid level or
// a capability is permission_denied, anything else is an error.
#pragma once

#include <optional>
#include <string>

#include "harness/counters/event_kinds.hpp"

namespace qb {

bool is_permission_errno(int error_number);  // EACCES or EPERM
CounterStatus status_for_open_errno(int error_number);

// Why `info` could not be opened. `wanted_kernel`: the decisive attempt
// counted kernel time too. `paranoid`: /proc/sys/kernel/perf_event_paranoid.
std::string open_failure_reason(const CounterEventInfo& info, int error_number, bool wanted_kernel,
                                std::optional<int> paranoid);

}  // namespace qb
