#include "harness/machine/machine_state.hpp"

#include <algorithm>
#include <fstream>
#include <set>

#include <fmt/format.h>

namespace qb {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  while (!line.empty() && (line.back() == ' ' || line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

}  // namespace

std::optional<LoadAverage> load_average(const fs::path& proc) {
  std::ifstream in(proc / "loadavg");
  LoadAverage load;
  if (!(in >> load.one >> load.five >> load.fifteen)) return std::nullopt;
  return load;
}

nlohmann::json to_json(const std::optional<LoadAverage>& load) {
  if (!load) return nullptr;
  return {{"1m", load->one}, {"5m", load->five}, {"15m", load->fifteen}};
}

bool FrequencyScaling::scaling() const {
  const bool governed = std::any_of(governors.begin(), governors.end(), [](const std::string& g) {
    return g != "performance";
  });
  return governed || boost.value_or(false);
}

FrequencyScaling frequency_scaling(const fs::path& cpu_root) {
  FrequencyScaling f;
  std::set<std::string> governors;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(cpu_root, ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("cpu") || name.size() == 3 ||
        !std::all_of(name.begin() + 3, name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    if (const auto g = first_line(entry.path() / "cpufreq" / "scaling_governor")) governors.insert(*g);
  }
  f.governors.assign(governors.begin(), governors.end());
  if (const auto boost = first_line(cpu_root / "cpufreq" / "boost")) {
    f.boost = *boost == "1";
  } else if (const auto no_turbo = first_line(cpu_root / "intel_pstate" / "no_turbo")) {
    f.boost = *no_turbo == "0";
  }
  f.exposed = !f.governors.empty() || f.boost.has_value();
  return f;
}

nlohmann::json to_json(const FrequencyScaling& f) {
  if (!f.exposed) return {{"exposed", false}, {"note", "the kernel exposes no cpufreq (common in a VM)"}};
  nlohmann::json j{{"exposed", true}, {"governors", f.governors}, {"scaling", f.scaling()}};
  j["boost"] = f.boost ? nlohmann::json(*f.boost) : nlohmann::json(nullptr);
  return j;
}

std::vector<std::string> machine_state_warnings(const std::optional<LoadAverage>& start, const FrequencyScaling& f,
                                                int usable_cpus) {
  std::vector<std::string> out;
  if (start && start->one >= kBusyLoadPerCpu * std::max(usable_cpus, 1)) {
    out.push_back(fmt::format("warning: the machine is busy: load average {:.2f} over the last minute on {} usable "
                              "CPU{}; expect noisy figures",
                              start->one, usable_cpus, usable_cpus == 1 ? "" : "s"));
  }
  if (f.exposed && f.scaling()) {
    std::string governors;
    for (const auto& g : f.governors) governors += (governors.empty() ? "" : ", ") + g;
    out.push_back(fmt::format("warning: CPU frequency scaling is on (governor {}{}): the clock rate moves with "
                              "load, and so will the figures",
                              governors.empty() ? "not said" : governors,
                              f.boost.value_or(false) ? ", boost on" : ""));
  }
  return out;
}

}  // namespace qb
