#include "harness/results/context.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <hwloc.h>

#include <chrono>
#include <climits>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#if __has_include(<CLI/Version.hpp>)
#include <CLI/Version.hpp>
#else
#include <CLI/CLI.hpp>  // single-header installs carry the version macros here
#endif
#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif

#include "harness/machine/build_info.hpp"
#include "harness/machine/topology.hpp"
#include "harness/plugins/plugin_loader.hpp"

// The build defines these (harness/CMakeLists.txt and qb_options); a result
// that cannot say how its binary was built is worse than no result.
#if !defined(QB_CXX_FLAGS) || !defined(QB_BUILD_TYPE) || !defined(QB_SANITIZER_NAME)
#error "context.cpp needs QB_CXX_FLAGS, QB_BUILD_TYPE and QB_SANITIZER_NAME"
#endif

namespace qb {
namespace {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::string read_first_line(const char* path, const char* fallback) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return fallback;
  line = trim(line);
  return line.empty() ? fallback : line;
}

struct CpuInfo {
  std::string model = "unknown";
  std::set<std::string, std::less<>> flags;
};

// The first processor's entry speaks for all: a machine mixing CPU models is
// rare enough that the topology's cache list is the better place to see it.
CpuInfo read_cpuinfo() {
  CpuInfo info;
  std::ifstream in("/proc/cpuinfo");
  bool have_model = false, have_flags = false;
  for (std::string line; (!have_model || !have_flags) && std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(std::string_view(line).substr(0, colon));
    const std::string value = trim(std::string_view(line).substr(colon + 1));
    if (key == "model name" && !have_model) {
      info.model = value;
      have_model = true;
    } else if ((key == "flags" || key == "Features") && !have_flags) {  // Features: arm64
      std::istringstream words(value);
      for (std::string word; words >> word;) info.flags.insert(word);
      have_flags = true;
    }
  }
  return info;
}

nlohmann::json flags_of_note(const CpuInfo& cpu) {
  auto has = [&](std::string_view flag) { return cpu.flags.find(flag) != cpu.flags.end(); };
  // Linux sets both constant_tsc and nonstop_tsc from CPUID's invariant-TSC
  // bit; with it the TSC ticks at one rate through frequency and C-states,
  // which is what makes a TSC clocksource trustworthy for timing.
  return {{"constant_tsc", has("constant_tsc")},
          {"nonstop_tsc", has("nonstop_tsc")},
          {"invariant_tsc", has("constant_tsc") && has("nonstop_tsc")},
          {"tsc_known_freq", has("tsc_known_freq")},
          {"tsc_reliable", has("tsc_reliable")},
          // A guest's vCPUs share physical cores with others; its numbers are noisier.
          {"hypervisor", has("hypervisor")}};
}

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

nlohmann::json kernel() {
  utsname u{};
  if (uname(&u) != 0)
    return {{"sysname", "unknown"}, {"release", "unknown"}, {"version", "unknown"}, {"machine", "unknown"}};
  return {{"sysname", u.sysname}, {"release", u.release}, {"version", u.version}, {"machine", u.machine}};
}

std::string compiler() {
#if defined(__clang__)
  return "clang " __clang_version__;
#elif defined(__GNUC__)
  return "g++ " __VERSION__;
#else
  return "unknown " __VERSION__;
#endif
}

nlohmann::json libraries() {
  const unsigned hwloc_api = hwloc_get_api_version();
  nlohmann::json libs = {
      {"fmt", fmt::format("{}.{}.{}", FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
      {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                                    NLOHMANN_JSON_VERSION_PATCH)},
      {"cli11", CLI11_VERSION},
      // The runtime library's API version: it moves only with API changes, so
      // hwloc 2.9.0 reports 2.8.0. The header's release number follows.
      {"hwloc", fmt::format("{}.{}.{}", hwloc_api >> 16, (hwloc_api >> 8) & 0xff, hwloc_api & 0xff)},
#if defined(HWLOC_VERSION)
      {"hwloc_headers", HWLOC_VERSION},
#endif
  };
#if defined(__GLIBC__)
  libs["glibc"] = gnu_get_libc_version();
#endif
  return libs;
}

std::string date_utc() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  char text[32] = {};
  if (gmtime_r(&now, &utc) == nullptr || std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0)
    return "unknown";
  return text;
}

}  // namespace

nlohmann::json machine_context(const std::vector<std::string>& command_line) {
  const CpuInfo cpu = read_cpuinfo();
  return {
      {"host", host_name()},
      {"cpu_model", cpu.model},
      {"cpus_online", sysconf(_SC_NPROCESSORS_ONLN)},
      {"topology", Topology::detect().describe()},
      {"kernel", kernel()},
      {"clocksource", read_first_line("/sys/devices/system/clocksource/clocksource0/current_clocksource", "unknown")},
      {"cpu_flags_of_note", flags_of_note(cpu)},
      {"compiler", compiler()},
      // CMake joins CMAKE_CXX_FLAGS and the per-type flags with a space that
      // is left dangling when either is empty.
      {"cxx_flags", trim(QB_CXX_FLAGS)},
      {"build_type", QB_BUILD_TYPE},
      {"sanitizer", QB_SANITIZER_NAME},
      {"libraries", libraries()},
      {"git_sha", kGitRevision},
      {"date_utc", date_utc()},
      {"command_line", command_line},
      // Each loaded plugin: path, sha256, abi_version, version, queues, bundled.
      {"plugins", plugins_json()},
  };
}

bool is_measurement_build() {
  constexpr std::string_view build_type = QB_BUILD_TYPE;
  constexpr std::string_view sanitizer = QB_SANITIZER_NAME;
  return (build_type == "Release" || build_type == "RelWithDebInfo") && sanitizer.empty();
}

std::string build_warning() {
  if (is_measurement_build()) return {};
  constexpr std::string_view build_type = QB_BUILD_TYPE;
  constexpr std::string_view sanitizer = QB_SANITIZER_NAME;
  const std::string what = build_type.empty()
                               ? std::string("build with no CMAKE_BUILD_TYPE (no optimisation flags)")
                               : fmt::format("{} build", build_type);
  const std::string with = sanitizer.empty() ? std::string() : fmt::format(" (sanitizer: {})", sanitizer);
  return fmt::format("WARNING: this qbench is a {}{}: its numbers are not measurements", what, with);
}

}  // namespace qb
