#include "harness/console/counter_line.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/console/table.hpp"
#include "harness/counters/counters.hpp"

namespace qb {

namespace {

// What the ok points say of one event.
struct EventSeen {
  std::string name;
  std::vector<double> per_item;  // one a point that counted it
  int points = 0;                // points that report it
  std::string reason;            // the first reason it was not counted
};

std::vector<std::string> selected_names(const CounterSelection& selection) {
  std::vector<std::string> names;
  for (const CounterEvent event : selection.events) names.emplace_back(event_name(event, {}));
  for (const NativeEvent& n : selection.native) names.push_back(n.name);
  return names;
}

// The reason's head ("no hardware PMU"), its details being in the results file.
std::string reason_head(const std::string& reason) {
  if (reason.empty()) return "not counted";
  return reason.substr(0, reason.find(": "));
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string figure(const EventSeen& e) {
  std::string text = per_item_text(median(e.per_item));
  // task-clock counts nanoseconds; every other event counts occurrences.
  text += e.name == event_name(CounterEvent::task_clock, {}) ? " ns/item" : "/item";
  if (static_cast<int>(e.per_item.size()) < e.points) {
    text += fmt::format(" ({} of {} points)", e.per_item.size(), e.points);
  }
  return fmt::format("{} {}", e.name, text);
}

}  // namespace

std::string per_item_text(double x) {
  if (!std::isfinite(x) || x < 0) return "?";
  if (x == 0) return "0";
  if (x >= 1000) return grouped(x);
  if (x >= 100) return fmt::format("{:.0f}", x);
  if (x >= 10) return fmt::format("{:.1f}", x);
  if (x >= 1) return fmt::format("{:.2f}", x);
  return fmt::format("{:.2g}", x);
}

std::string counter_line(const std::vector<PointResult>& points) {
  std::vector<EventSeen> seen;
  for (const PointResult& p : points) {
    if (p.status != PointStatus::ok || !p.counters.is_object() || !p.counters.contains("events")) continue;
    if (seen.empty()) {
      for (auto& name : selected_names(p.params.counters)) seen.push_back({std::move(name), {}, 0, {}});
    }
    std::uint64_t items = 0;
    for (const RepResult& r : p.repetitions) items += r.items;
    const auto& events = p.counters.at("events");
    for (EventSeen& e : seen) {
      const auto at = events.find(e.name);
      // A point none of whose threads reported it (a reference ceiling's) says nothing of it.
      if (at == events.end() || at->value("threads", 1) == 0) continue;
      ++e.points;
      const auto& value = at->contains("value") ? at->at("value") : nlohmann::json();
      if (at->value("status", "") == "ok" && value.is_number() && items > 0) {
        e.per_item.push_back(value.get<double>() / static_cast<double>(items));
      } else if (e.reason.empty()) {
        const auto& reason = at->contains("reason") ? at->at("reason") : nlohmann::json();
        e.reason = reason.is_string() ? reason.get<std::string>() : at->value("status", "not counted");
      }
    }
  }
  if (seen.empty()) return "";
  std::vector<std::string> counted;
  std::vector<std::pair<std::string, std::string>> by_reason;  // (events, reason)
  for (const EventSeen& e : seen) {
    if (e.points == 0) continue;  // no point reported it: nothing to say
    if (!e.per_item.empty()) {
      counted.push_back(figure(e));
      continue;
    }
    const std::string head = reason_head(e.reason);
    auto at = std::find_if(by_reason.begin(), by_reason.end(), [&](const auto& r) { return r.second == head; });
    if (at == by_reason.end()) {
      by_reason.emplace_back(e.name, head);
    } else {
      at->first += ", " + e.name;
    }
  }
  // Several points: each figure is their median (the per-point figures are in the results file).
  std::size_t points_counted = 0;
  for (const EventSeen& e : seen) points_counted = std::max(points_counted, e.per_item.size());
  std::string line = fmt::format("counted{}: {}", points_counted > 1 ? fmt::format(" (median of {} points)", points_counted) : "",
                                 counted.empty() ? "none" : fmt::format("{}", fmt::join(counted, ", ")));
  if (!by_reason.empty()) {
    line += "; not counted:";
    for (const auto& [events, reason] : by_reason) line += fmt::format(" {} ({});", events, reason);
    line.pop_back();
  }
  return line;
}

}  // namespace qb
