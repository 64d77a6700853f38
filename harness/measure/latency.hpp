// Latency recording for a run: end-to-end, from a sample of items joined
// after the threads (latency_sample.hpp), and the sampled per-operation cost
// (one try_push / try_pop in N timed, successes and failures apart) in plain
// histograms, one set per thread, merged after the threads join; nothing here
// is shared while a run is measuring.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/measure/clock.hpp"
#include "harness/measure/histogram.hpp"
#include "harness/measure/latency_sample.hpp"
#include "queues/cache_line.hpp"

namespace qb {

enum class LatencyMode { off, e2e, ops, all };

inline constexpr std::array kLatencyModes{LatencyMode::off, LatencyMode::e2e, LatencyMode::ops, LatencyMode::all};

std::string_view to_string(LatencyMode m);
std::optional<LatencyMode> parse_latency_mode(std::string_view text);
inline bool wants_e2e(LatencyMode m) { return m == LatencyMode::e2e || m == LatencyMode::all; }
inline bool wants_ops(LatencyMode m) { return m == LatencyMode::ops || m == LatencyMode::all; }

// Default sampling period for per-operation timing: timing every call would
// double the cost of the cheapest queues; one in 64 keeps the clock's cost
// under 2% of a 20 ns operation while still giving ~10^5 samples a second.
inline constexpr std::uint32_t kDefaultOpSamplePeriod = 64;

// Aligned so that two threads' records, adjacent in the runner's vector,
// never share a line: each writes its histograms' count/min/max per sample.
struct alignas(kFalseSharingRange) ThreadLatency {
  Histogram op_ok;          // sampled successful try_push (producers) or try_pop (consumers), ns
  Histogram op_failed;      // sampled failed ones (full / empty), ns
};

// The JSON block for one repetition (histograms included, so that the parent
// can merge repetitions) or, via merge_latency, for a point.
// `e2e`: the joined sample, or null when e2e latency was not recorded.
nlohmann::json latency_json(LatencyMode mode, std::uint32_t sample_period, const std::vector<ThreadLatency>& producers,
                            const std::vector<ThreadLatency>& consumers, const E2eSample* e2e);

// Merges the histograms (the members with "hdr") of several repetition
// blocks into one point-level block of the same shape, each histogram as its
// summary only: the counts stay in the repetitions. Null if `reps` is empty.
nlohmann::json merge_latency(const std::vector<const nlohmann::json*>& reps);

// "p50 / p99 / p99.9" of a latency block's e2e (or, without e2e, its pop)
// histogram, for the console table; nullopt when the block has none.
struct LatencyHeadline {
  std::string source;  // "e2e" or "pop"
  nlohmann::json p50, p99, p99_9;
};
std::optional<LatencyHeadline> latency_headline(const nlohmann::json& block);

}  // namespace qb
