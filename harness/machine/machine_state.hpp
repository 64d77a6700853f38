// What the machine was doing around a sweep, as the kernel says: the load
// average at the start and at the end, and how the CPUs' frequency is
// governed (the governor, and whether boost/turbo is on). A busy machine or a
// frequency that moves with load makes figures noisy and slow spells likely,
// so the context records both and the console warns (google/benchmark warns
// on CPU scaling the same way).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qb {

struct LoadAverage {
  double one = 0, five = 0, fifteen = 0;  // runnable tasks, averaged over 1, 5 and 15 minutes
};

// /proc/loadavg under `proc` (a fake tree in tests); nullopt where unreadable.
std::optional<LoadAverage> load_average(const std::filesystem::path& proc = "/proc");
nlohmann::json to_json(const std::optional<LoadAverage>& load);

struct FrequencyScaling {
  bool exposed = false;                // the kernel has cpufreq for this machine (a VM often has not)
  std::vector<std::string> governors;  // distinct scaling_governor values over the CPUs, sorted
  std::optional<bool> boost;           // boost (acpi-cpufreq) or turbo (intel_pstate) on; nullopt: not said
  // The frequency may move with load: a governor other than performance, or boost on.
  bool scaling() const;
};

// From cpu*/cpufreq/scaling_governor, cpufreq/boost and intel_pstate/no_turbo
// under `cpu_root` (/sys/devices/system/cpu, or a fake tree in tests).
FrequencyScaling frequency_scaling(const std::filesystem::path& cpu_root = "/sys/devices/system/cpu");
nlohmann::json to_json(const FrequencyScaling& f);

// Busy: a 1-minute load average of at least half the usable CPUs when the
// sweep starts, so its threads share CPUs with someone else's.
constexpr double kBusyLoadPerCpu = 0.5;

// One line each (without "qbench: "), for the start of a sweep: a busy
// machine, frequency scaling on. Empty when neither.
std::vector<std::string> machine_state_warnings(const std::optional<LoadAverage>& start, const FrequencyScaling& f,
                                                int usable_cpus);

}  // namespace qb
