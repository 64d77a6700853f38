#include "harness/console/summary.hpp"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/console/batch_line.hpp"
#include "harness/console/counter_line.hpp"
#include "harness/console/workload_lines.hpp"
#include "harness/measure/latency.hpp"
#include "harness/model/warnings.hpp"

namespace qb {

namespace {

// 3.14 -> "3.1x", 47935.2 -> "47,935x", 250000 -> "250Kx", 17608575 ->
// "17.6Mx": past 100,000x the digits say nothing more, and a warning line
// that names one must stay on one line of the console.
std::string times(double x) {
  if (x < 10) return fmt::format("{:.1f}x", x);
  if (x < 1e5) return grouped(x) + "x";
  if (x < 1e6) return fmt::format("{:.0f}Kx", x / 1e3);
  if (x < 1e9) return fmt::format("{:.1f}Mx", x / 1e6);
  return fmt::format("{:.1f}Gx", x / 1e9);
}

// Statuses shortened in the table that are given whole under it (each with its points).
constexpr std::size_t kShortenedLines = 3;
constexpr std::size_t kShortenedIds = 3;  // named a status; the rest counted

std::string plural(int n, std::string_view noun) { return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s"); }

// A line longer than `width` goes on under itself, indented two, broken at
// spaces: never cut mid-sentence. A word longer than a line stays whole.
void wrap_into(std::vector<std::string>& out, const std::string& line, std::size_t width) {
  std::string current;
  std::size_t at = 0;
  while (at < line.size()) {
    std::size_t end = line.find(' ', at);
    if (end == std::string::npos) end = line.size();
    const std::string word = line.substr(at, end - at);
    if (!current.empty() && current.size() + 1 + word.size() > width) {
      out.push_back(std::move(current));
      current = "  " + word;
    } else {
      current += (current.empty() ? "" : " ") + word;
    }
    at = end + 1;
  }
  if (!current.empty()) out.push_back(std::move(current));
}

// The point with a mark of `kind` that `worse` ranks first, and how many have one.
struct Worst {
  int points = 0;
  std::size_t at = 0;
};

Worst worst_of(const std::vector<PointMarks>& marks, const std::function<bool(const PointMarks&)>& has,
               const std::function<bool(std::size_t, std::size_t)>& worse) {
  Worst w;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    if (!has(marks[i])) continue;
    if (w.points == 0 || worse(i, w.at)) w.at = i;
    ++w.points;
  }
  return w;
}

std::string points_line(const std::vector<PointResult>& points, const SummaryTable& table) {
  int ok = 0, invalid = 0, failed = 0, skipped = 0, not_run = 0;
  std::set<std::size_t> reps;
  for (const PointResult& p : points) {
    switch (p.status) {
      case PointStatus::ok: ++ok; break;
      case PointStatus::invalid: ++invalid; break;
      case PointStatus::failed: ++failed; break;
      case PointStatus::skipped: ++skipped; break;
      case PointStatus::not_run:
      case PointStatus::planned: ++not_run; break;
    }
    if (p.status != PointStatus::skipped && p.params.workload.kind != WorkloadKind::pingpong) {
      reps.insert(p.repetitions.size());
    }
  }
  std::string line = fmt::format("points: {} measured ({} ok, {} invalid, {} failed)", ok + invalid + failed, ok,
                                 invalid, failed);
  if (skipped > 0) {
    line += fmt::format(", {} skipped by their traits{}", skipped, table.hidden_skipped > 0 ? " (--wide lists them)" : "");
  }
  if (not_run > 0) line += fmt::format(", {} not run (interrupted)", not_run);
  if (reps.size() == 1 && *reps.begin() > 0) line += fmt::format("; {} each", plural(static_cast<int>(*reps.begin()), "repetition"));
  return line;
}

// A saturated point's figures: what it achieved against its target.
std::string saturated_text(const PointResult& p) {
  const auto& m = p.workload_metrics;
  const double target = m.value("target_rate_per_s", 0.0), achieved = m.value("achieved_rate_per_s", 0.0);
  if (target <= 0) return "saturated";
  return fmt::format("saturated: achieved {} of the {} items/s target ({:.1f}%)", grouped(achieved), grouped(target),
                     100 * achieved / target);
}

// One line per kind of mark. Each is worded to fit 120 columns with the
// longest point id of a one-wait sweep of every queue
// (quick/crossbeam_channel_unbounded/p4c4, 38 characters) and its widest
// figures, so the marks cannot make the demo's summary wrap past its budget
// (tests/python/check_demo_report.py), whichever queue is worst.
void warning_lines(std::vector<std::string>& out, const std::vector<PointResult>& points,
                   const std::vector<PointMarks>& marks, const SummaryContext& context) {
  const auto has = [](WarningKind kind) { return [kind](const PointMarks& m) { return m.count(kind) > 0; }; };
  const auto id = [&](std::size_t i) -> const std::string& { return points[i].id; };

  if (auto w = worst_of(marks, [](const PointMarks& m) { return m.collapse; },
                        [&](std::size_t a, std::size_t b) { return marks[a].collapse_factor > marks[b].collapse_factor; });
      w.points > 0) {
    const auto& m = marks[w.at];
    out.push_back(fmt::format("X collapse: {} at <1/{:.0f} of their queue's best; worst {}: {} below {}",
                              plural(w.points, "point"), kCollapseFactor, id(w.at), times(m.collapse_factor),
                              m.best_shape));
  }
  if (auto w = worst_of(marks, has(WarningKind::unbalanced),
                        [&](std::size_t a, std::size_t b) { return marks[a].unbalanced_ratio > marks[b].unbalanced_ratio; });
      w.points > 0) {
    const auto& m = marks[w.at];
    out.push_back(fmt::format("B backlog: {} with pushes and pops >10% apart; worst {}: {} more {}",
                              plural(w.points, "point"), id(w.at), times(m.unbalanced_ratio),
                              m.pushed_more ? "pushes" : "pops"));
  }
  if (auto w = worst_of(marks, has(WarningKind::starved),
                        [&](std::size_t a, std::size_t b) { return marks[a].starved_share < marks[b].starved_share; });
      w.points > 0) {
    const auto& m = marks[w.at];
    out.push_back(fmt::format("S starved: {} with a thread <10% of fair share; worst {}: {} at {:.1f}%",
                              plural(w.points, "point"), id(w.at), m.starved_thread, 100 * m.starved_share));
  }
  const auto cv = [&](std::size_t i) { return points[i].aggregate ? points[i].aggregate->cv : 0.0; };
  if (auto w = worst_of(marks, has(WarningKind::noisy), [&](std::size_t a, std::size_t b) { return cv(a) > cv(b); });
      w.points > 0) {
    out.push_back(fmt::format("N noisy: {} whose repetitions' CV is over 5%; worst {}: CV {:.1f}%",
                              plural(w.points, "point"), id(w.at), 100 * cv(w.at)));
  }
  if (auto w = worst_of(marks, has(WarningKind::oversubscribed),
                        [&](std::size_t a, std::size_t b) { return marks[a].threads > marks[b].threads; });
      w.points > 0) {
    out.push_back(fmt::format("O oversubscribed: {} ran more threads than the {} usable CPUs (up to {}): the "
                              "scheduler is in those figures",
                              plural(w.points, "point"), context.usable_cpus, marks[w.at].threads));
  }
  std::set<std::string> ceilings;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (marks[i].count(WarningKind::reference) > 0) ceilings.insert(points[i].params.queue);
  }
  if (!ceilings.empty()) {
    out.push_back(fmt::format("R reference ceilings ({}) move nothing, so nothing is validated; never ranked",
                              fmt::join(ceilings, ", ")));
  }
  // Every other kind in one line: how many, and the first as written.
  int others = 0;
  std::string first;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& m = marks[i];
    if (m.count(WarningKind::sequence_limit) + m.count(WarningKind::saturated) == 0) continue;
    ++others;
    for (const auto& w : points[i].warnings) {
      if (first.empty() && (w.kind == WarningKind::sequence_limit || w.kind == WarningKind::saturated)) {
        first = fmt::format("{}: {}", points[i].id, w.kind == WarningKind::saturated ? saturated_text(points[i])
                                                                                     : warning_text(w));
      }
    }
  }
  if (others > 0) out.push_back(fmt::format("W other warnings on {}; first {}", plural(others, "point"), first));
}

std::string latency_line(const std::vector<PointResult>& points) {
  for (const PointResult& p : points) {
    if (const auto head = latency_headline(p.latency)) {
      if (head->source != "e2e") return "latency: sampled try_pop cost";
      if (p.params.workload.paced()) {
        return "latency: end to end, from each item's intended send time to its pop (open loop: no coordinated "
               "omission)";
      }
      return "latency: end to end, push to pop, closed loop (includes time queued)";
    }
  }
  return "";
}

// The columns the table left out: to fit the width (--wide shows them), and
// those no row has a value for, with why (columns with the same reason
// together). cache-misses/item is left to the counters line when there is one.
std::string not_shown_line(const SummaryTable& table, bool counters_said) {
  std::vector<std::pair<std::string, std::string>> by_reason;  // (columns, reason)
  const auto add = [&](const std::string& column, const std::string& reason) {
    auto at = std::find_if(by_reason.begin(), by_reason.end(), [&](const auto& r) { return r.second == reason; });
    if (at == by_reason.end()) {
      by_reason.emplace_back(column, reason);
    } else {
      at->first += ", " + column;
    }
  };
  for (const auto& column : table.narrowed) add(column, fmt::format("to fit {} columns; --wide shows them", table.width));
  for (const auto& [column, why] : table.dropped) {
    if (counters_said && column == "cache-misses/item") continue;
    // The reason's head ("no hardware PMU"), its details being in the file.
    add(column, why.substr(0, why.find(": ")));
  }
  if (by_reason.empty()) return "";
  std::string line = "not shown:";
  for (const auto& [columns, reason] : by_reason) line += fmt::format(" {} ({});", columns, reason);
  line.pop_back();
  return line;
}

}  // namespace

std::vector<std::string> summary_lines(const std::vector<PointResult>& points, const std::vector<PointMarks>& marks,
                                       const SummaryTable& table, const SummaryContext& context) {
  std::vector<std::string> out;
  out.push_back(points_line(points, table));
  warning_lines(out, points, marks, context);
  if (auto line = latency_line(points); !line.empty()) out.push_back(std::move(line));
  if (auto line = batch_line(points); !line.empty()) out.push_back(std::move(line));
  if (std::any_of(points.begin(), points.end(),
                  [](const PointResult& p) { return p.params.workload.kind == WorkloadKind::pingpong; })) {
    out.push_back("pingpong rows: the p50/p99/p99.9 columns are round trips between the pair's two CPUs");
  }
  if (std::any_of(points.begin(), points.end(),
                  [&](const PointResult& p) { return p.params.wait != points.front().params.wait; })) {
    out.push_back("(spin), (pause), (backoff) beside a queue: its threads polled a full or empty queue; (block): "
                  "they slept in blocking calls (--wait lists several: each point runs once per wait)");
  }
  // Points with the same status, together: "failed: ...: a, b, c".
  std::vector<std::pair<std::string, std::vector<std::string>>> shortened;  // (status, ids)
  for (const auto& point : table.shortened) {  // (id, status); clang 14 captures no structured binding
    auto at = std::find_if(shortened.begin(), shortened.end(), [&](const auto& s) { return s.first == point.second; });
    if (at == shortened.end()) at = shortened.insert(shortened.end(), {point.second, {}});
    at->second.push_back(point.first);
  }
  for (std::size_t i = 0; i < shortened.size() && i < kShortenedLines; ++i) {
    const auto& ids = shortened[i].second;
    const std::size_t named = std::min(ids.size(), kShortenedIds);
    out.push_back(fmt::format("{}: {}{}", shortened[i].first,
                              fmt::join(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(named), ", "),
                              ids.size() > named ? fmt::format(" and {} more", ids.size() - named) : ""));
  }
  if (shortened.size() > kShortenedLines) {
    out.push_back(fmt::format("... {} more statuses shortened to fit: --wide prints them whole",
                              shortened.size() - kShortenedLines));
  }
  for (auto& line : workload_lines(points)) out.push_back(std::move(line));
  const std::string counters = counter_line(points);
  if (!counters.empty()) out.push_back(counters);
  if (auto line = not_shown_line(table, !counters.empty()); !line.empty()) out.push_back(std::move(line));
  if (context.results) {
    out.push_back(fmt::format("results: {} (every warning, point by point: runs[].warnings)", *context.results));
  }
  std::vector<std::string> wrapped;
  for (const auto& line : out) wrap_into(wrapped, line, table.width);
  return wrapped;
}

}  // namespace qb
