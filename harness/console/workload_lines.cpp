#include "harness/console/workload_lines.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/console/table.hpp"

namespace qb {

namespace {

using nlohmann::json;

double number(const json& m, const char* key) {
  const auto at = m.find(key);
  return at != m.end() && at->is_number() ? at->get<double>() : 0.0;
}

std::string rate(double per_s) { return grouped(per_s) + "/s"; }

std::string percent(double part, double whole) {
  return whole > 0 ? fmt::format("{:.1f}%", 100 * part / whole) : std::string("-");
}

// 1234567 ns -> "1.2 ms".
std::string duration(double ns) {
  if (ns >= 1e9) return fmt::format("{:.2f} s", ns / 1e9);
  if (ns >= 1e6) return fmt::format("{:.1f} ms", ns / 1e6);
  if (ns >= 1e3) return fmt::format("{:.1f} us", ns / 1e3);
  return fmt::format("{:.0f} ns", ns);
}

double median_elapsed_s(const PointResult& p) {
  std::vector<double> s;
  for (const RepResult& r : p.repetitions) s.push_back(r.elapsed_s);
  if (s.empty()) return 0;
  std::sort(s.begin(), s.end());
  return s.size() % 2 == 1 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
}

std::string paced_figures(const json& m) {
  const double target = number(m, "target_rate_per_s"), achieved = number(m, "achieved_rate_per_s");
  return fmt::format("target {}, offered {}, achieved {} ({} of target{}), max lag {}", rate(target),
                     rate(number(m, "offered_rate_per_s")), rate(achieved), percent(achieved, target),
                     short_of_target(achieved, target) ? ": saturated" : "", duration(number(m, "max_lag_ns")));
}

std::string admission_figures(const json& m) {
  const double attempted = number(m, "attempted"), rejected = number(m, "rejections");
  return fmt::format("accepted {}, rejected {} ({}) of {} offered; max depth {} of {}", grouped(attempted - rejected),
                     grouped(rejected), percent(rejected, attempted), grouped(attempted), grouped(number(m, "max_depth")),
                     grouped(number(m, "soft_capacity")));
}

std::string lanes_figures(const json& m, double elapsed_s) {
  std::vector<std::string> lanes;
  for (const json& lane : m.value("lanes", json::array())) {
    const double delivered = number(lane, "delivered");
    lanes.push_back(fmt::format("{} {} (rejected {}{})", lane.value("name", "?"),
                                elapsed_s > 0 ? rate(delivered / elapsed_s) : grouped(delivered),
                                grouped(number(lane, "rejected")), lane.value("starved", false) ? ", starved" : ""));
  }
  return fmt::format("{} lanes delivered {}", m.value("policy", "?"), fmt::join(lanes, ", "));
}

std::string give_up_figures(const json& m) {
  const double attempted = number(m, "attempted"), given_up = number(m, "given_up");
  return fmt::format("gave up on {} of {} items ({}) after {} failed pushes in a row", grouped(given_up),
                     grouped(attempted), percent(given_up, attempted), grouped(number(m, "give_up_after")));
}

// The point's figures, "" for a kind with none of its own.
std::string figures(const PointResult& p) {
  const json& m = p.workload_metrics;
  std::vector<std::string> parts;
  switch (p.params.workload.kind) {
    case WorkloadKind::admission: parts.push_back(admission_figures(m)); break;
    case WorkloadKind::priority_lanes: parts.push_back(lanes_figures(m, median_elapsed_s(p))); break;
    case WorkloadKind::give_up: parts.push_back(give_up_figures(m)); break;
    case WorkloadKind::burst:
      parts.push_back(fmt::format("bursts of {} items a producer, {} ms idle between", grouped(number(m, "burst_items")),
                                  number(m, "idle_ms")));
      break;
    case WorkloadKind::throughput:
    case WorkloadKind::paced:
    case WorkloadKind::pingpong: break;
  }
  // A rate paces admission and lanes as well as paced.
  if (p.params.workload.paced()) parts.insert(parts.begin(), paced_figures(m));
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace

std::vector<std::string> workload_lines(const std::vector<PointResult>& points) {
  std::vector<std::string> out;
  std::size_t more = 0;
  for (const PointResult& p : points) {
    if (p.status != PointStatus::ok || !p.workload_metrics.is_object()) continue;
    const std::string text = figures(p);
    if (text.empty()) continue;
    if (out.size() == kWorkloadLines) {
      ++more;
      continue;
    }
    out.push_back(fmt::format("{}: {}", p.id, text));
  }
  if (more > 0) out.push_back(fmt::format("... and {} more workload points: the results file has them", more));
  return out;
}

}  // namespace qb
