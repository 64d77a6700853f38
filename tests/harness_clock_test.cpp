// The latency clock (harness/clock). The machine decides which path
// calibrate() takes, so the TSC path is also exercised on its own through
// tsc_for_test(), and the fallback through monotonic(); each is checked
// against std::chrono::steady_clock, which the tests trust.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/measure/clock.hpp"

namespace qb {
namespace {

using nlohmann::json;
using std::chrono::steady_clock;

// clock.to_ns(elapsed ticks) over `ms` divided by steady_clock's elapsed ns.
double rate_against_steady_clock(const Clock& clock, int ms) {
  const std::uint64_t t0 = clock.now();
  const auto s0 = steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  const std::uint64_t t1 = clock.now();
  const auto s1 = steady_clock::now();
  const double steady_ns = std::chrono::duration<double, std::nano>(s1 - s0).count();
  return static_cast<double>(clock.to_ns(t1 - t0)) / steady_ns;
}

TEST(ClockEnvironment, refuses_the_tsc_for_each_missing_guarantee) {
  ClockEnvironment good{true, true, true, "tsc"};
  EXPECT_EQ(tsc_refusal(good), "");

  ClockEnvironment env = good;
  env.x86 = false;
  EXPECT_EQ(tsc_refusal(env), "not x86: no TSC");
  env = good;
  env.constant_tsc = false;
  EXPECT_EQ(tsc_refusal(env), "no constant_tsc flag");
  env = good;
  env.nonstop_tsc = false;
  EXPECT_EQ(tsc_refusal(env), "no nonstop_tsc flag");
  env = good;
  env.clocksource = "kvm-clock";
  EXPECT_EQ(tsc_refusal(env), "clocksource is kvm-clock, not tsc");
  env.clocksource = "";
  EXPECT_EQ(tsc_refusal(env), "clocksource unreadable, so not known to be tsc");
}

TEST(ClockEnvironment, detect_reads_the_current_clocksource) {
  std::ifstream in("/sys/devices/system/clocksource/clocksource0/current_clocksource");
  std::string expected;
  if (!(in >> expected)) GTEST_SKIP() << "no clocksource in sysfs";
  EXPECT_EQ(ClockEnvironment::detect().clocksource, expected);
}

TEST(Clock, monotonic_fallback_records_its_reason_and_counts_nanoseconds) {
  const Clock clock = Clock::monotonic("forced by test");
  EXPECT_FALSE(clock.is_tsc());
  EXPECT_EQ(clock.source(), ClockSource::clock_monotonic);
  EXPECT_EQ(clock.fallback_reason(), "forced by test");
  EXPECT_EQ(clock.ns_per_tick(), 1.0);
  for (std::uint64_t ticks : {0ull, 1ull, 999ull, 123'456'789'012ull, 0xffff'ffff'ffffull}) {
    EXPECT_EQ(clock.to_ns(ticks), ticks);
    EXPECT_EQ(clock.from_ns(ticks), ticks);
  }
  EXPECT_NEAR(rate_against_steady_clock(clock, 50), 1.0, 0.02);

  const json d = clock.describe();
  EXPECT_EQ(d["source"], "clock_monotonic");
  EXPECT_EQ(d["fallback_reason"], "forced by test");
  EXPECT_TRUE(d["tsc_ghz"].is_null());
  EXPECT_TRUE(d["calibration_spread_ppm"].is_null());
  EXPECT_EQ(d["calibration_windows"], 0);
}

TEST(Clock, tsc_path_converts_ticks_to_nanoseconds_within_two_percent) {
  const Clock clock = Clock::tsc_for_test();
  if (!clock.is_tsc()) GTEST_SKIP() << clock.fallback_reason();
  EXPECT_TRUE(clock.fallback_reason().empty());
  EXPECT_GT(clock.ns_per_tick(), 1.0 / 20.0);
  EXPECT_LT(clock.ns_per_tick(), 1.0 / 0.05);
  EXPECT_NEAR(rate_against_steady_clock(clock, 50), 1.0, 0.02);

  const json d = clock.describe();
  EXPECT_EQ(d["source"], "tsc");
  EXPECT_EQ(d["calibration_windows"], Clock::kCalibrationWindows);
  EXPECT_NEAR(d["tsc_ghz"].get<double>() * clock.ns_per_tick(), 1.0, 1e-12);
  EXPECT_GE(d["calibration_spread_ppm"].get<double>(), 0.0);
  EXPECT_NEAR(d["tsc_ghz_mean"].get<double>(), d["tsc_ghz"].get<double>(), d["tsc_ghz"].get<double>() * 0.01);
}

TEST(Clock, fixed_point_conversion_agrees_with_ns_per_tick) {
  const Clock clock = Clock::tsc_for_test();
  if (!clock.is_tsc()) GTEST_SKIP() << clock.fallback_reason();
  for (std::uint64_t ticks : {0ull, 1ull, 1000ull, 3'000'000'000ull, 1ull << 40, 1ull << 52}) {
    const double exact = static_cast<double>(ticks) * clock.ns_per_tick();
    EXPECT_NEAR(static_cast<double>(clock.to_ns(ticks)), exact, 1.0 + exact * 1e-8) << ticks;
    const double back = static_cast<double>(clock.from_ns(clock.to_ns(ticks)));
    EXPECT_NEAR(back, static_cast<double>(ticks), 2.0 / clock.ns_per_tick() + static_cast<double>(ticks) * 1e-8);
  }
}

TEST(Clock, calibrate_describes_its_choice_and_tracks_steady_clock) {
  const auto began = steady_clock::now();
  const Clock clock = Clock::calibrate();
  const double took_ms = std::chrono::duration<double, std::milli>(steady_clock::now() - began).count();
  // ~120 ms by design; a second would mean a sleep or loop has gone wrong.
  EXPECT_LT(took_ms, 1000.0);
  EXPECT_NEAR(rate_against_steady_clock(clock, 50), 1.0, 0.02);

  const json d = clock.describe();
  for (const char* key : {"source", "fallback_reason", "tsc_ghz", "tsc_ghz_mean", "ns_per_tick", "calibration_windows",
                          "calibration_window_ms", "calibration_spread_ppm", "read_cost_ns",
                          "clock_monotonic_read_cost_ns", "flags", "clocksource"})
    EXPECT_TRUE(d.contains(key)) << key;
  EXPECT_TRUE(d["flags"]["constant_tsc"].is_boolean());
  EXPECT_TRUE(d["flags"]["nonstop_tsc"].is_boolean());
  EXPECT_GT(d["read_cost_ns"].get<double>(), 0.0);
  EXPECT_LT(d["read_cost_ns"].get<double>(), 10'000.0);
  EXPECT_GT(d["clock_monotonic_read_cost_ns"].get<double>(), 0.0);

  if (clock.is_tsc()) {
    EXPECT_TRUE(d["fallback_reason"].is_null());
    EXPECT_EQ(d["source"], "tsc");
    EXPECT_EQ(d["clocksource"], "tsc");
    EXPECT_LE(clock.calibration_spread_ppm(), Clock::kMaxSpreadPpm);
  } else {
    EXPECT_EQ(d["source"], "clock_monotonic");
    ASSERT_TRUE(d["fallback_reason"].is_string());
    EXPECT_FALSE(d["fallback_reason"].get<std::string>().empty());
    EXPECT_EQ(clock.to_ns(12345), 12345u);
  }
  RecordProperty("clock", d.dump());
}

TEST(Clock, now_never_goes_backwards_on_one_thread) {
  for (const Clock& clock : {Clock::calibrate(), Clock::monotonic("test")}) {
    std::uint64_t previous = clock.now();
    for (int i = 0; i < 100'000; ++i) {
      const std::uint64_t t = clock.now();
      ASSERT_GE(t, previous) << "read " << i;
      previous = t;
    }
  }
}

// A stamp handed to another thread must not read as later than that
// thread's own now(): the property that makes the clock one shared clock.
// Both directions are tried, so a skew either way would show.
TEST(Clock, stamps_taken_on_another_thread_are_not_in_the_future) {
  const Clock clock = Clock::calibrate();
  constexpr int kRounds = 2000;
  std::atomic<std::uint64_t> stamp{0};
  std::atomic<int> turn{0};  // even: main stamps; odd: the helper stamps
  std::int64_t worst_helper = INT64_MAX;
  std::int64_t worst_main = INT64_MAX;

  std::thread helper([&] {
    for (int round = 0; round < kRounds; ++round) {
      // (1) acquire: pairs with the release in (2), so the stamp read is the one made this round.
      while (turn.load(std::memory_order_acquire) != 2 * round + 1) {
      }
      const std::int64_t delta = static_cast<std::int64_t>(clock.now() - stamp.load(std::memory_order_relaxed));
      worst_helper = std::min(worst_helper, delta);
      stamp.store(clock.now(), std::memory_order_relaxed);
      // (3) release: publishes the helper's stamp; pairs with the acquire in (4).
      turn.store(2 * round + 2, std::memory_order_release);
    }
  });
  for (int round = 0; round < kRounds; ++round) {
    stamp.store(clock.now(), std::memory_order_relaxed);
    // (2) release: publishes main's stamp; pairs with the acquire in (1).
    turn.store(2 * round + 1, std::memory_order_release);
    // (4) acquire: pairs with the release in (3).
    while (turn.load(std::memory_order_acquire) != 2 * round + 2) {
    }
    const std::int64_t delta = static_cast<std::int64_t>(clock.now() - stamp.load(std::memory_order_relaxed));
    worst_main = std::min(worst_main, delta);
  }
  helper.join();
  EXPECT_GE(worst_helper, 0) << clock.describe().dump();
  EXPECT_GE(worst_main, 0) << clock.describe().dump();
}

}  // namespace
}  // namespace qb
