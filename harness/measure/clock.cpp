#include "harness/measure/clock.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <numeric>
#include <sstream>
#include <string_view>
#include <thread>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace qb {
namespace {

// Enough reads that the loop's own overhead and one preemption vanish in the
// mean, few enough (~5 ms per clock) that every run can afford to measure.
constexpr int kCostReads = 200'000;

// Plausible TSC rates; outside them the calibration itself went wrong.
constexpr double kMinGhz = 0.05;
constexpr double kMaxGhz = 20.0;

static_assert(Clock::kCalibrationWindows % 2 == 1, "the median rate is the middle window's, not an average of two");

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::uint64_t monotonic_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

#if QB_CLOCK_HAS_TSC
std::uint64_t read_tsc() {
  std::uint32_t lo = 0;
  std::uint32_t hi = 0;
  __asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
  return (std::uint64_t{hi} << 32) | lo;
}

struct PairedReading {
  std::uint64_t ticks;
  std::uint64_t raw_ns;
};

// A TSC reading and a CLOCK_MONOTONIC_RAW reading taken at (nearly) the same
// instant: the raw read is bracketed by two TSC reads and the tightest of a
// few brackets wins, so an interrupt inside one attempt cannot skew the
// window by microseconds.
PairedReading paired_reading() {
  PairedReading best{};
  std::uint64_t best_width = std::numeric_limits<std::uint64_t>::max();
  for (int attempt = 0; attempt < 8; ++attempt) {
    const std::uint64_t before = read_tsc();
    const std::uint64_t raw = monotonic_ns(CLOCK_MONOTONIC_RAW);
    const std::uint64_t after = read_tsc();
    if (after - before < best_width) {
      best_width = after - before;
      best = {before + (after - before) / 2, raw};
    }
  }
  return best;
}

struct Calibration {
  double ghz_median = 0.0;
  double ghz_mean = 0.0;
  double spread_ppm = 0.0;
};

// TSC ticks per ns in each window, against CLOCK_MONOTONIC_RAW: unlike
// CLOCK_MONOTONIC it is not slewed by NTP, so it is the oscillator the TSC
// is compared to. Sleeping is fine: both clocks run on through it.
Calibration calibrate_tsc() {
  std::array<double, Clock::kCalibrationWindows> ghz{};
  PairedReading start = paired_reading();
  for (double& rate : ghz) {
    std::this_thread::sleep_for(std::chrono::milliseconds(Clock::kCalibrationWindowMs));
    const PairedReading end = paired_reading();
    rate = static_cast<double>(end.ticks - start.ticks) / static_cast<double>(end.raw_ns - start.raw_ns);
    start = end;
  }
  Calibration c;
  c.ghz_mean = std::accumulate(ghz.begin(), ghz.end(), 0.0) / static_cast<double>(ghz.size());
  std::sort(ghz.begin(), ghz.end());
  c.ghz_median = ghz[ghz.size() / 2];
  c.spread_ppm = (ghz.back() - ghz.front()) / c.ghz_median * 1e6;
  return c;
}
#endif

// Mean ns per call of `read`, timed with steady_clock around the whole loop.
template <class Read>
double mean_cost_ns(Read read) {
  std::uint64_t sink = 0;
  const auto begin = std::chrono::steady_clock::now();
  for (int i = 0; i < kCostReads; ++i) sink += read();
  const auto end = std::chrono::steady_clock::now();
  // The sum feeds an asm input so the reads cannot be discarded as unused.
  __asm__ __volatile__("" : : "r"(sink) : "memory");
  return std::chrono::duration<double, std::nano>(end - begin).count() / kCostReads;
}

}  // namespace

ClockEnvironment ClockEnvironment::detect() {
  ClockEnvironment env;
  // The first "flags" line speaks for all CPUs; the kernel clears
  // constant_tsc/nonstop_tsc machine-wide, never per CPU.
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("flags", 0) != 0) continue;
    const auto colon = line.find(':');
    std::istringstream words(colon == std::string::npos ? std::string() : line.substr(colon + 1));
    for (std::string flag; words >> flag;) {
      if (flag == "constant_tsc") env.constant_tsc = true;
      if (flag == "nonstop_tsc") env.nonstop_tsc = true;
    }
    break;
  }
  std::ifstream source("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string line;
  if (source && std::getline(source, line)) env.clocksource = trim(line);
  return env;
}

std::string tsc_refusal(const ClockEnvironment& env) {
  if (!env.x86) return "not x86: no TSC";
  if (!env.constant_tsc) return "no constant_tsc flag";
  if (!env.nonstop_tsc) return "no nonstop_tsc flag";
  if (env.clocksource.empty()) return "clocksource unreadable, so not known to be tsc";
  if (env.clocksource != "tsc") return fmt::format("clocksource is {}, not tsc", env.clocksource);
  return {};
}

void Clock::set_ns_per_tick(double ns_per_tick) {
  ns_per_tick_ = ns_per_tick;
  const double one = static_cast<double>(std::uint64_t{1} << kFixedShift);
  ns_per_tick_fx_ = static_cast<std::uint64_t>(std::llround(ns_per_tick * one));
  ticks_per_ns_fx_ = static_cast<std::uint64_t>(std::llround(one / ns_per_tick));
}

void Clock::measure_read_costs() {
  read_cost_ns_ = mean_cost_ns([this] { return now(); });
  monotonic_cost_ns_ = mean_cost_ns([] { return monotonic_ns(CLOCK_MONOTONIC); });
}

Clock Clock::monotonic(std::string reason) {
  Clock clock;
  clock.env_ = ClockEnvironment::detect();
  clock.fallback_reason_ = std::move(reason);
  clock.measure_read_costs();
  return clock;
}

Clock Clock::tsc_for_test() {
#if QB_CLOCK_HAS_TSC
  const Calibration c = calibrate_tsc();
  Clock clock;
  clock.env_ = ClockEnvironment::detect();
  clock.source_ = ClockSource::tsc;
  clock.windows_ = kCalibrationWindows;
  clock.ghz_median_ = c.ghz_median;
  clock.ghz_mean_ = c.ghz_mean;
  clock.spread_ppm_ = c.spread_ppm;
  clock.set_ns_per_tick(1.0 / c.ghz_median);
  clock.measure_read_costs();
  return clock;
#else
  return monotonic("not x86: no TSC");
#endif
}

Clock Clock::calibrate() {
  const ClockEnvironment env = ClockEnvironment::detect();
  if (std::string why = tsc_refusal(env); !why.empty()) return monotonic(std::move(why));

  Clock clock = tsc_for_test();
  std::string why;
  if (clock.ghz_median_ < kMinGhz || clock.ghz_median_ > kMaxGhz)
    why = fmt::format("calibrated TSC rate {:.3f} GHz is implausible", clock.ghz_median_);
  else if (clock.spread_ppm_ > kMaxSpreadPpm)
    why = fmt::format("calibration spread {:.0f} ppm > {:.0f} ppm", clock.spread_ppm_, kMaxSpreadPpm);
  if (why.empty()) return clock;

  // Keep the calibration figures: they are the evidence for the fallback.
  clock.source_ = ClockSource::clock_monotonic;
  clock.fallback_reason_ = std::move(why);
  clock.set_ns_per_tick(1.0);
  clock.measure_read_costs();
  return clock;
}

nlohmann::json Clock::describe() const {
  using nlohmann::json;
  const bool calibrated = windows_ > 0;
  return json{
      {"source", is_tsc() ? "tsc" : "clock_monotonic"},
      {"fallback_reason", fallback_reason_.empty() ? json(nullptr) : json(fallback_reason_)},
      {"tsc_ghz", calibrated ? json(ghz_median_) : json(nullptr)},
      {"tsc_ghz_mean", calibrated ? json(ghz_mean_) : json(nullptr)},
      {"ns_per_tick", ns_per_tick_},
      {"calibration_windows", windows_},
      {"calibration_window_ms", kCalibrationWindowMs},
      {"calibration_spread_ppm", calibrated ? json(spread_ppm_) : json(nullptr)},
      {"read_cost_ns", read_cost_ns_},
      {"clock_monotonic_read_cost_ns", monotonic_cost_ns_},
      {"flags", {{"constant_tsc", env_.constant_tsc}, {"nonstop_tsc", env_.nonstop_tsc}}},
      {"clocksource", env_.clocksource.empty() ? json(nullptr) : json(env_.clocksource)},
  };
}

}  // namespace qb
