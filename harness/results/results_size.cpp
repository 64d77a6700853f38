#include "harness/results/results_size.hpp"

#include <string>

#include <fmt/format.h>

namespace qb {

namespace {

// Compact-JSON bytes of each part of a results file, measured on files that
// this build wrote (the 2-core VM, mutex_deque at 1x1, 2x2 and 4x2, 50 ms
// windows, three repetitions, every --latency mode with --counters default
// and none). The histograms' compressed size varies by a few hundred bytes
// from run to run; these are their middle.
constexpr double kHeader = 1750;            // schema, context, notes
constexpr double kHeaderPerEvent = 190;     // the context's counter availability
constexpr double kPoint = 1300;             // id, traits, params, aggregate, warnings
constexpr double kSkippedPoint = 700;       // id, traits, params and the reason
constexpr double kPointCounters = 140;      // a point's summed counters...
constexpr double kPointPerEvent = 160;      // ...and each event's total
constexpr double kRep = 700;                // figures, validation, status
constexpr double kRepPerThread = 95;        // a thread's items, CPU and failed tries
constexpr double kRepCountersPerThread = 57;
// A thread's reading of one event it could read (the VM, with no hardware
// PMU, reads 4 of the 10 default events; the others are left out of the
// readings).
constexpr double kRepPerEventPerThread = 73;

// The merged histogram(s) a point keeps, and each repetition's own.
double point_latency(LatencyMode mode) {
  switch (mode) {
    case LatencyMode::off: return 0;
    case LatencyMode::e2e: return 600;
    case LatencyMode::ops: return 900;
    case LatencyMode::all: return 1350;
  }
  return 0;
}
double rep_latency(LatencyMode mode) {
  switch (mode) {
    case LatencyMode::off: return 0;
    case LatencyMode::e2e: return 1450;
    case LatencyMode::ops: return 1600;
    case LatencyMode::all: return 3000;
  }
  return 0;
}

}  // namespace

std::uint64_t estimated_results_bytes(const std::vector<PointResult>& points, int repetitions,
                                      int readable_events) {
  double bytes = kHeader;
  if (!points.empty()) bytes += kHeaderPerEvent * static_cast<double>(points.front().params.counters.size());
  for (const PointResult& p : points) {
    if (p.status == PointStatus::skipped) {
      bytes += kSkippedPoint;
      continue;
    }
    const PointParams& params = p.params;
    const auto events = static_cast<double>(params.counters.size());
    const double threads = params.producers + params.consumers;
    bytes += kPoint + point_latency(params.latency);
    if (events > 0) bytes += kPointCounters + kPointPerEvent * events;
    double rep = kRep + kRepPerThread * threads + rep_latency(params.latency);
    if (events > 0) rep += threads * (kRepCountersPerThread + kRepPerEventPerThread * readable_events);
    // A pingpong point is one run, whatever the repetitions.
    const int runs = params.workload.kind == WorkloadKind::pingpong ? 1 : repetitions;
    bytes += rep * runs;
  }
  return static_cast<std::uint64_t>(bytes);
}

}  // namespace qb
