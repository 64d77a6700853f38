// What a result needs to say about where and how it was made, so two result
// files can be compared honestly: the machine, the kernel, the build and the
// command. Read once per invocation, at the start of a sweep.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace qb {

// The JSON `context` object: host, cpu_model, cpus_online, topology, kernel
// {sysname, release, version, machine}, clocksource, cpu_flags_of_note,
// compiler, cxx_flags, build_type, sanitizer, libraries {fmt, nlohmann_json,
// cli11, hwloc, hwloc_headers, glibc}, git_sha, date_utc, command_line,
// plugins [{path, sha256, abi_version, version, queues, bundled}].
nlohmann::json machine_context(const std::vector<std::string>& command_line);

// True only for an optimised build (Release or RelWithDebInfo) without a
// sanitizer: anything else measures the build, not the queue.
bool is_measurement_build();

// "" for a measurement build, otherwise one loud line for stderr and for the
// results' warnings (google/benchmark's library_build_type).
std::string build_warning();

}  // namespace qb
