#include "harness/results/point_marks.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace qb {

namespace {

// Pushed and popped inside the window, from the threads' own counts:
// producers come first in a repetition's threads.
void mark_unbalanced(PointMarks& marks, const PointResult& point, const RepResult& rep) {
  std::uint64_t pushed = 0, popped = 0;
  for (std::size_t i = 0; i < rep.threads.size(); ++i) {
    (static_cast<int>(i) < point.params.producers ? pushed : popped) += rep.threads[i].items;
  }
  const auto small = std::max<std::uint64_t>(1, std::min(pushed, popped));
  const double ratio = static_cast<double>(std::max(pushed, popped)) / static_cast<double>(small);
  if (ratio > marks.unbalanced_ratio) {
    marks.unbalanced_ratio = ratio;
    marks.pushed_more = pushed >= popped;
  }
}

void mark_starved(PointMarks& marks, const PointResult& point, const RepResult& rep) {
  const int producers = point.params.producers;
  for (int side = 0; side < 2; ++side) {
    const std::size_t first = side == 0 ? 0 : static_cast<std::size_t>(producers);
    const std::size_t last = side == 0 ? std::min<std::size_t>(rep.threads.size(), first + producers) : rep.threads.size();
    if (last <= first + 1) continue;
    std::uint64_t total = 0;
    for (std::size_t i = first; i < last; ++i) total += rep.threads[i].items;
    const double fair = static_cast<double>(total) / static_cast<double>(last - first);
    for (std::size_t i = first; i < last; ++i) {
      if (!rep.threads[i].starved || fair <= 0) continue;
      const double share = static_cast<double>(rep.threads[i].items) / fair;
      if (share < marks.starved_share || marks.starved_thread.empty()) {
        marks.starved_share = share;
        marks.starved_thread = fmt::format("{} {}", side == 0 ? "producer" : "consumer", i - first);
      }
    }
  }
}

std::string shape(const PointResult& p) { return fmt::format("{}x{}", p.params.producers, p.params.consumers); }

// Points of one queue and workload share the id up to the shape: "quick/segmented".
std::string family(const PointResult& p) { return p.id.substr(0, p.id.rfind('/')); }

bool measured(const PointResult& p) {
  return p.status == PointStatus::ok && !p.reference && p.aggregate && p.aggregate->samples > 0 &&
         p.params.workload.kind != WorkloadKind::pingpong;
}

}  // namespace

bool PointMarks::any_warning() const {
  return collapse || std::any_of(warnings.begin(), warnings.end(), [](int n) { return n > 0; });
}

std::vector<PointMarks> point_marks(const std::vector<PointResult>& points) {
  std::vector<PointMarks> all(points.size());
  std::map<std::string, std::size_t> best;  // family -> index of its fastest measured point
  for (std::size_t i = 0; i < points.size(); ++i) {
    const PointResult& p = points[i];
    PointMarks& marks = all[i];
    marks.threads = p.params.producers + p.params.consumers;
    for (const auto& w : p.warnings) ++marks.warnings[static_cast<std::size_t>(w.kind)];
    for (const RepResult& rep : p.repetitions) {
      for (const auto& w : rep.warnings) {
        if (w.kind == WarningKind::unbalanced) mark_unbalanced(marks, p, rep);
        if (w.kind == WarningKind::starved) mark_starved(marks, p, rep);
      }
    }
    if (!measured(p)) continue;
    auto [at, fresh] = best.try_emplace(family(p), i);
    if (!fresh && points[at->second].aggregate->median < p.aggregate->median) at->second = i;
  }
  for (std::size_t i = 0; i < points.size(); ++i) {
    const PointResult& p = points[i];
    if (!measured(p)) continue;
    const PointResult& top = points[best.at(family(p))];
    const double factor = top.aggregate->median / std::max(p.aggregate->median, 1e-9);
    if (factor > kCollapseFactor) {
      all[i].collapse = true;
      all[i].collapse_factor = factor;
      all[i].best_shape = shape(top);
    }
  }
  return all;
}

std::string flag_letters(const PointMarks& m) {
  std::string flags;
  if (m.collapse) flags += 'X';
  if (m.count(WarningKind::unbalanced) > 0) flags += 'B';
  if (m.count(WarningKind::starved) > 0) flags += 'S';
  if (m.count(WarningKind::noisy) > 0) flags += 'N';
  if (m.count(WarningKind::oversubscribed) > 0) flags += 'O';
  if (m.count(WarningKind::reference) > 0) flags += 'R';
  if (m.count(WarningKind::sequence_limit) + m.count(WarningKind::saturated) > 0) {
    flags += 'W';
  }
  return flags;
}

}  // namespace qb
