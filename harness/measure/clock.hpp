// The clock that latency stamps are taken with: the invariant TSC where the
// kernel trusts it, CLOCK_MONOTONIC otherwise.
//
// Stamps cross cores (a producer stamps an item, a consumer subtracts that
// stamp from its own now()), so the TSC is used only when it is one shared
// clock: the constant_tsc and nonstop_tsc flags say it ticks at a fixed rate
// through every power state, and a current clocksource of "tsc" says the
// kernel checked at boot that the cores agree. Residual skew shows up as
// now() - stamp "negative" (a huge unsigned value); callers clamp and count it.
//
// A Clock is a small value: calibrate() once, copy it into every worker.
#pragma once

#include <time.h>

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#if defined(__x86_64__) || defined(__i386__)
#define QB_CLOCK_HAS_TSC 1
#else
#define QB_CLOCK_HAS_TSC 0
#endif

namespace qb {

// What the machine says about its TSC; read from /proc and /sys, or made up
// by tests to check each refusal reason.
struct ClockEnvironment {
  bool x86 = QB_CLOCK_HAS_TSC != 0;
  bool constant_tsc = false;  // /proc/cpuinfo flag: the rate ignores P-states
  bool nonstop_tsc = false;   // /proc/cpuinfo flag: it keeps ticking in deep C-states
  std::string clocksource;    // clocksource0/current_clocksource; empty when unreadable

  static ClockEnvironment detect();
};

// Why the TSC must not be used here ("no constant_tsc flag", "clocksource is
// kvm-clock, not tsc", ...), or empty when it may be.
std::string tsc_refusal(const ClockEnvironment& env);

enum class ClockSource { tsc, clock_monotonic };

class Clock {
 public:
  // A TSC calibration is refused above this spread between windows: a clock
  // whose rate wanders by more than 0.05% is not one to compute tails with.
  static constexpr double kMaxSpreadPpm = 500.0;
  static constexpr int kCalibrationWindows = 5;
  static constexpr int kCalibrationWindowMs = 20;

  // Checks the environment, calibrates the TSC against CLOCK_MONOTONIC_RAW
  // (kCalibrationWindows windows; the median rate is used, the mean and
  // spread recorded) and measures the read cost. Falls back to
  // CLOCK_MONOTONIC, saying why, when any check fails. About 120 ms.
  static Clock calibrate();

  // CLOCK_MONOTONIC, with `reason` recorded as the fallback reason: for tests
  // and for a --clock flag that forbids the TSC.
  static Clock monotonic(std::string reason);

  // The TSC, calibrated without the flag and clocksource checks, even when
  // the spread is too wide (it is recorded): lets tests exercise the TSC path
  // on machines where calibrate() would refuse it. On non-x86 it is
  // monotonic("not x86: no TSC"); check source().
  static Clock tsc_for_test();

  // Ticks: TSC cycles, or nanoseconds under CLOCK_MONOTONIC. Only the
  // difference of two readings means anything.
  // On the TSC path, lfence keeps rdtsc from executing before earlier
  // instructions finish, so a consumer's reading cannot precede the pop
  // that delivered the stamp; the "memory" clobber stops the compiler moving
  // loads and stores across it for the same reason.
  std::uint64_t now() const noexcept {
#if QB_CLOCK_HAS_TSC
    if (source_ == ClockSource::tsc) {
      std::uint32_t lo = 0;
      std::uint32_t hi = 0;
      __asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
      return (std::uint64_t{hi} << 32) | lo;
    }
#endif
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
  }

  // now() without the lfence, for the hot path of a measured run: the read
  // may execute a few instructions early, which shifts a stamp by a few ns,
  // far below the latencies it measures, while the fence would stall the
  // pipeline on every item (it halved 1P1C throughput in a measured run).
  std::uint64_t now_unfenced() const noexcept {
#if QB_CLOCK_HAS_TSC
    if (source_ == ClockSource::tsc) {
      std::uint32_t lo = 0;
      std::uint32_t hi = 0;
      __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
      return (std::uint64_t{hi} << 32) | lo;
    }
#endif
    return now();
  }

  // Fixed point (32 fractional bits) so a conversion is one multiply and a
  // shift; exact under CLOCK_MONOTONIC, within 1 ns + 1 ppb on the TSC.
  std::uint64_t to_ns(std::uint64_t ticks) const noexcept { return scale(ticks, ns_per_tick_fx_); }
  std::uint64_t from_ns(std::uint64_t ns) const noexcept { return scale(ns, ticks_per_ns_fx_); }

  double ns_per_tick() const noexcept { return ns_per_tick_; }
  ClockSource source() const noexcept { return source_; }
  bool is_tsc() const noexcept { return source_ == ClockSource::tsc; }
  const std::string& fallback_reason() const noexcept { return fallback_reason_; }  // empty on the TSC
  double read_cost_ns() const noexcept { return read_cost_ns_; }                    // one now()
  double clock_monotonic_read_cost_ns() const noexcept { return monotonic_cost_ns_; }
  double calibration_spread_ppm() const noexcept { return spread_ppm_; }            // 0 when not calibrated

  // {"source":"tsc"|"clock_monotonic","fallback_reason":null|"...",
  //  "tsc_ghz":median|null,"tsc_ghz_mean":...|null,"ns_per_tick",
  //  "calibration_windows":N,"calibration_window_ms","calibration_spread_ppm":...|null,
  //  "read_cost_ns","clock_monotonic_read_cost_ns",
  //  "flags":{"constant_tsc","nonstop_tsc"},"clocksource":"..."|null}
  // The tsc_* figures appear whenever a calibration ran, also when its
  // spread caused the fallback.
  nlohmann::json describe() const;

 private:
  static constexpr int kFixedShift = 32;

  Clock() = default;
  void set_ns_per_tick(double ns_per_tick);
  void measure_read_costs();

  static std::uint64_t scale(std::uint64_t value, std::uint64_t factor_fx) noexcept {
    __extension__ using Wide = unsigned __int128;  // __extension__: no -Wpedantic for __int128
    return static_cast<std::uint64_t>((static_cast<Wide>(value) * factor_fx) >> kFixedShift);
  }

  ClockSource source_ = ClockSource::clock_monotonic;
  double ns_per_tick_ = 1.0;
  std::uint64_t ns_per_tick_fx_ = std::uint64_t{1} << kFixedShift;
  std::uint64_t ticks_per_ns_fx_ = std::uint64_t{1} << kFixedShift;
  std::string fallback_reason_;
  ClockEnvironment env_;
  int windows_ = 0;             // calibration windows run; 0 when none
  double ghz_median_ = 0.0;
  double ghz_mean_ = 0.0;
  double spread_ppm_ = 0.0;     // (max - min) / median of the window rates
  double read_cost_ns_ = 0.0;
  double monotonic_cost_ns_ = 0.0;
};

}  // namespace qb
