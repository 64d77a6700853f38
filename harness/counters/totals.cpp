#include "harness/counters/totals.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace qb {
namespace {

std::size_t role_index(CounterRole role) { return role == CounterRole::producer ? 0 : 1; }

nlohmann::json or_null(const std::optional<double>& x) {
  return x ? nlohmann::json(*x) : nlohmann::json(nullptr);
}

std::optional<double> ratio(std::optional<double> num, std::optional<double> den) {
  if (!num || !den || *den <= 0) return std::nullopt;
  return *num / *den;
}

}  // namespace

CounterStatus EventTotal::status() const {
  if (threads == 0) return CounterStatus::not_counted;
  return failure;
}

std::string EventTotal::reason() const {
  if (threads == 0) return "no worker thread reported this event";
  if (failure == CounterStatus::ok) return note;
  const std::string why = failure_reason.empty() ? "no reason given" : failure_reason;
  if (threads_counted == 0) return why;
  return fmt::format("{} of {} threads could not count it: {}", threads - threads_counted, threads, why);
}

std::optional<double> EventTotal::value() const {
  if (status() != CounterStatus::ok) return std::nullopt;
  return sum;
}

std::optional<double> EventTotal::role_value(CounterRole role) const {
  if (status() != CounterStatus::ok || role_threads[role_index(role)] == 0) return std::nullopt;
  return role_sum[role_index(role)];
}

std::optional<double> EventTotal::running_fraction() const {
  if (status() != CounterStatus::ok || time_enabled_ns == 0) return std::nullopt;
  return static_cast<double>(time_running_ns) / static_cast<double>(time_enabled_ns);
}

CounterTotals::CounterTotals(CounterSelection selected) : selection(std::move(selected)) {
  for (const CounterEvent event : selection.events) {
    EventTotal total;
    total.event = event;
    events.push_back(total);
  }
  for (const NativeEvent& n : selection.native) {
    EventTotal total;
    total.event = CounterEvent::native;
    total.native = n.name;
    events.push_back(total);
  }
}

void CounterTotals::add(CounterRole role, const ThreadCounterReading& reading) {
  const std::size_t r = role_index(role);
  for (const EventReading& e : reading.events) {
    auto it =
        std::find_if(events.begin(), events.end(), [&](const EventTotal& t) { return t.event == e.event && t.native == e.native; });
    if (it == events.end()) continue;
    EventTotal& t = *it;
    ++t.threads;
    ++t.role_threads[r];
    t.exclude_kernel = t.exclude_kernel || e.exclude_kernel;
    if (t.source.empty()) {
      t.source = e.source;
    } else if (t.source.find(e.source) == std::string::npos) {
      t.source += "+" + e.source;
    }
    if (e.status == CounterStatus::ok && e.value) {
      ++t.threads_counted;
      t.sum += *e.value;
      t.role_sum[r] += *e.value;
      t.raw += e.raw;
      t.time_enabled_ns += e.time_enabled_ns;
      t.time_running_ns += e.time_running_ns;
      if (t.note.empty()) t.note = e.reason;
    } else if (t.failure == CounterStatus::ok) {
      // An "ok" without a value is malformed; not_counted is the honest name for it.
      t.failure = e.status == CounterStatus::ok ? CounterStatus::not_counted : e.status;
      t.failure_reason = e.reason;
      t.failure_errno = e.error_number;
    }
  }
}

const EventTotal* CounterTotals::find(CounterEvent event) const {
  auto it = std::find_if(events.begin(), events.end(), [&](const EventTotal& t) { return t.event == event; });
  return it == events.end() ? nullptr : &*it;
}

std::optional<double> CounterTotals::value(CounterEvent event) const {
  const EventTotal* t = find(event);
  return t == nullptr ? std::nullopt : t->value();
}

nlohmann::json repetition_counters(const CounterSelection& selection,
                                   const std::vector<std::optional<ThreadCounters>>& counters, int producers,
                                   std::uint64_t items) {
  nlohmann::json readings = nlohmann::json::array();
  CounterTotals totals(selection);
  for (std::size_t i = 0; i < counters.size(); ++i) {
    if (!counters[i]) continue;
    const auto role = static_cast<int>(i) < producers ? CounterRole::producer : CounterRole::consumer;
    const ThreadCounterReading reading = counters[i]->read();
    totals.add(role, reading);
    readings.push_back({{"role", role == CounterRole::producer ? "producer" : "consumer"}, {"reading", reading}});
  }
  const nlohmann::json all = counters_json(totals, items);
  nlohmann::json block = {{"selection", selection.spec}, {"readings", readings}, {"per_item", all.at("per_item")}};
  if (all.contains("per_item_native")) block["per_item_native"] = all.at("per_item_native");
  return block;
}

nlohmann::json counters_json(const CounterTotals& totals, std::uint64_t items) {
  nlohmann::json events = nlohmann::json::object();
  for (const EventTotal& t : totals.events) {
    const bool ok = t.status() == CounterStatus::ok;
    const std::string reason = t.reason();
    events[std::string(event_name(t.event, t.native))] = {
        {"status", to_string(t.status())},
        {"reason", reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(reason)},
        {"errno",
         t.failure_errno != 0 ? nlohmann::json(errno_name(t.failure_errno)) : nlohmann::json(nullptr)},
        {"source", t.source.empty() ? nlohmann::json(nullptr) : nlohmann::json(t.source)},
        {"exclude_kernel", t.exclude_kernel},
        {"value", or_null(t.value())},
        {"raw", ok ? nlohmann::json(t.raw) : nlohmann::json(nullptr)},
        {"time_enabled_ns", ok ? nlohmann::json(t.time_enabled_ns) : nlohmann::json(nullptr)},
        {"time_running_ns", ok ? nlohmann::json(t.time_running_ns) : nlohmann::json(nullptr)},
        {"running_fraction", or_null(t.running_fraction())},
        {"threads", t.threads},
        {"threads_counted", t.threads_counted},
        {"by_role",
         {{"producers", or_null(t.role_value(CounterRole::producer))},
          {"consumers", or_null(t.role_value(CounterRole::consumer))}}},
    };
  }
  auto per_item_of = [&](const std::optional<double>& v) -> nlohmann::json {
    if (!v || items == 0) return nullptr;
    return *v / static_cast<double>(items);
  };
  auto per_item = [&](CounterEvent event) { return per_item_of(totals.value(event)); };
  nlohmann::json block = {
      {"selection", totals.selection.spec},
      // Each worker counts itself over its own window; the coordinator is not counted.
      {"scope", "worker_threads"},
      {"events", events},
      {"per_item",
       {{"cycles", per_item(CounterEvent::cycles)},
        {"instructions", per_item(CounterEvent::instructions)},
        {"ipc", or_null(ratio(totals.value(CounterEvent::instructions), totals.value(CounterEvent::cycles)))},
        {"cache_misses", per_item(CounterEvent::cache_misses)},
        {"l1d_misses", per_item(CounterEvent::l1d_load_misses)},
        {"llc_misses", per_item(CounterEvent::llc_load_misses)},
        {"context_switches", per_item(CounterEvent::context_switches)}}},
  };
  // Native events per item under their own names (apart, so no name can
  // shadow a generic figure's key).
  if (!totals.selection.native.empty()) {
    nlohmann::json native = nlohmann::json::object();
    for (const EventTotal& t : totals.events) {
      if (t.event != CounterEvent::native) continue;
      native[t.native] = per_item_of(t.value());
    }
    block["per_item_native"] = std::move(native);
  }
  return block;
}

}  // namespace qb
