// The event table, --counters parsing, status names, and the JSON form of a
// thread's reading (the forked child sends it to the parent as text).
#include <linux/perf_event.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/counters/edit_distance.hpp"
#include "harness/counters/counters.hpp"
#include "harness/counters/native_names.hpp"

namespace qb {
namespace {

constexpr std::uint64_t cache_config(std::uint64_t cache) {
  // perf's HW_CACHE encoding: cache id | (operation << 8) | (result << 16).
  return cache | (std::uint64_t{PERF_COUNT_HW_CACHE_OP_READ} << 8) |
         (std::uint64_t{PERF_COUNT_HW_CACHE_RESULT_MISS} << 16);
}

constexpr std::array<CounterEventInfo, 10> kEvents{{
    {CounterEvent::cycles, "cycles", CounterGroup::hardware, PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES,
     false},
    {CounterEvent::instructions, "instructions", CounterGroup::hardware, PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_INSTRUCTIONS, false},
    {CounterEvent::cache_references, "cache-references", CounterGroup::hardware, PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_CACHE_REFERENCES, false},
    {CounterEvent::cache_misses, "cache-misses", CounterGroup::hardware, PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_CACHE_MISSES, false},
    {CounterEvent::l1d_load_misses, "L1-dcache-load-misses", CounterGroup::cache, PERF_TYPE_HW_CACHE,
     cache_config(PERF_COUNT_HW_CACHE_L1D), false},
    {CounterEvent::llc_load_misses, "LLC-load-misses", CounterGroup::cache, PERF_TYPE_HW_CACHE,
     cache_config(PERF_COUNT_HW_CACHE_LL), false},
    {CounterEvent::task_clock, "task-clock", CounterGroup::software, PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_TASK_CLOCK, false},
    // Switches and migrations are accounted in kernel context: with
    // exclude_kernel they read 0 however often they happen.
    {CounterEvent::context_switches, "context-switches", CounterGroup::software, PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_CONTEXT_SWITCHES, true},
    {CounterEvent::cpu_migrations, "cpu-migrations", CounterGroup::software, PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_CPU_MIGRATIONS, true},
    {CounterEvent::page_faults, "page-faults", CounterGroup::software, PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_PAGE_FAULTS, false},
}};

constexpr std::array<std::string_view, 5> kStatusNames{"ok", "not_supported", "permission_denied",
                                                       "not_counted", "error"};

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
  });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string valid_values() {
  std::string names;
  for (const auto& info : kEvents) names += fmt::format("{}{}", names.empty() ? "" : ", ", info.name);
  return fmt::format("expected default, none, or a comma-separated list of {}, or native PMU events as "
                     "libpfm4 names them (MEM_LOAD_RETIRED.L3_MISS, r003c)",
                     names);
}

// The characters of libpfm4's event syntax: pmu::EVENT:UMASK:mod=value, perf's
// EVENT.UMASK, raw rNNNN.
bool native_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == ':' || c == '=' ||
         c == '-' || c == '+';
}

// The generic event `name` is probably a misspelling of: a lower-case name
// within two edits of one (native names are upper case or carry a PMU prefix).
std::optional<std::string_view> near_miss(std::string_view name) {
  if (std::any_of(name.begin(), name.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)); }) ||
      name.find(':') != std::string_view::npos)
    return std::nullopt;
  for (const auto& info : kEvents)
    if (edit_distance(name, info.name) <= 2) return info.name;
  return std::nullopt;
}

}  // namespace

std::span<const CounterEventInfo> counter_events() { return kEvents; }

const CounterEventInfo& counter_event_info(CounterEvent event) {
  if (event == CounterEvent::native) throw std::logic_error("counter_event_info: a native event has no table row");
  return kEvents[static_cast<std::size_t>(event)];
}

std::string_view to_string(CounterEvent event) {
  return event == CounterEvent::native ? "native" : counter_event_info(event).name;
}

std::string_view event_name(CounterEvent event, const std::string& native) {
  return event == CounterEvent::native ? std::string_view(native) : to_string(event);
}

std::optional<CounterEvent> counter_event_from_name(std::string_view name) {
  for (const auto& info : kEvents)
    if (iequals(info.name, name)) return info.event;
  return std::nullopt;
}

bool CounterSelection::has(CounterEvent event) const {
  return std::find(events.begin(), events.end(), event) != events.end();
}

CounterSelection default_counter_selection() {
  CounterSelection selection{"default", {}, {}};
  for (const auto& info : kEvents) selection.events.push_back(info.event);
  return selection;
}

CounterSelection none_counter_selection() { return CounterSelection{"none", {}, {}}; }

std::optional<CounterSelection> parse_counter_selection(std::string_view text, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<CounterSelection> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  const std::string_view whole = trim(text);
  if (iequals(whole, "default")) return default_counter_selection();
  if (iequals(whole, "none")) return none_counter_selection();
  if (whole.empty()) return fail(fmt::format("--counters: empty value; {}", valid_values()));

  std::vector<bool> chosen(kEvents.size(), false);
  std::vector<NativeEvent> native;
  std::string_view rest = whole;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view name = trim(rest.substr(0, comma));
    if (name.empty())
      return fail(fmt::format("--counters '{}': empty event name; {}", whole, valid_values()));
    if (const auto event = counter_event_from_name(name)) {
      chosen[static_cast<std::size_t>(*event)] = true;
    } else {
      if (iequals(name, "all") || iequals(name, "default") || iequals(name, "none"))
        return fail(fmt::format("--counters: '{}' is not an event; say default (every generic event) or none "
                                "alone, or list events",
                                name));
      if (name.size() > 200 || !std::all_of(name.begin(), name.end(), native_name_char))
        return fail(fmt::format("--counters: '{}' is not an event name (letters, digits and _ . : = - + only); {}",
                                name, valid_values()));
      const bool seen =
          std::any_of(native.begin(), native.end(), [&](const NativeEvent& n) { return n.name == name; });
      if (!seen) {
        // Encoded once, here, for the whole run.
        NativeEvent encoded = encode_native_event(name);
        if (!encoded.problem.empty()) {
          if (const auto meant = near_miss(name))
            return fail(fmt::format("--counters: unknown event '{}' (did you mean {}?); {}", name, *meant,
                                    valid_values()));
          // Known to libpfm4 but not countable here is a status; known to
          // no table of libpfm4's is a mistake.
          if (!libpfm4_knows(name))
            return fail(fmt::format("--counters {}: libpfm4 knows no such event; closest: {}", name,
                                    fmt::join(libpfm4_closest(name), ", ")));
        }
        native.push_back(std::move(encoded));
      }
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (native.size() > kMaxNativeEvents)
    return fail(fmt::format("--counters: {} native events; at most {} can be counted together", native.size(),
                            kMaxNativeEvents));
  // Canonical order, so the same set always opens the same groups and reads the same in JSON.
  CounterSelection selection;
  for (const auto& info : kEvents) {
    if (!chosen[static_cast<std::size_t>(info.event)]) continue;
    selection.events.push_back(info.event);
    selection.spec += fmt::format("{}{}", selection.spec.empty() ? "" : ",", info.name);
  }
  // Native events as given, after the generic ones.
  for (const NativeEvent& n : native) selection.spec += fmt::format("{}{}", selection.spec.empty() ? "" : ",", n.name);
  selection.native = std::move(native);
  return selection;
}

std::string_view to_string(CounterStatus status) { return kStatusNames[static_cast<std::size_t>(status)]; }

std::optional<CounterStatus> counter_status_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i)
    if (kStatusNames[i] == name) return static_cast<CounterStatus>(i);
  return std::nullopt;
}

const EventReading* ThreadCounterReading::find(CounterEvent event) const {
  for (const auto& r : events)
    if (r.event == event) return &r;
  return nullptr;
}

const EventReading* ThreadCounterReading::find(std::string_view name) const {
  for (const auto& r : events)
    if (event_name(r) == name) return &r;
  return nullptr;
}

// Compact: a key whose value follows from the others is left out (a
// repetition has ten events per thread; spelled out, they were 30% of a
// demo's results file). Left out, and what from_json then takes:
//   source "perf_event"; reason ""; errno 0; exclude_kernel false;
//   raw, time_enabled_ns, time_running_ns 0 (time_running_ns: time_enabled_ns);
//   value: raw when ok and time_running_ns == time_enabled_ns, else null;
//   running_fraction: time_running_ns / time_enabled_ns when ok, else null.
void to_json(nlohmann::json& j, const EventReading& r) {
  j = nlohmann::json{{"event", event_name(r)}, {"status", to_string(r.status)}};
  if (r.source != "perf_event") j["source"] = r.source;
  if (!r.reason.empty()) j["reason"] = r.reason;
  if (r.error_number != 0) j["errno"] = r.error_number;
  if (r.exclude_kernel) j["exclude_kernel"] = true;
  if (r.raw != 0) j["raw"] = r.raw;
  if (r.time_enabled_ns != 0) j["time_enabled_ns"] = r.time_enabled_ns;
  if (r.time_running_ns != r.time_enabled_ns) j["time_running_ns"] = r.time_running_ns;
  EventReading implied;
  from_json(j, implied);
  if (r.value != implied.value) j["value"] = r.value ? nlohmann::json(*r.value) : nlohmann::json(nullptr);
  if (r.running_fraction != implied.running_fraction) {
    j["running_fraction"] = r.running_fraction ? nlohmann::json(*r.running_fraction) : nlohmann::json(nullptr);
  }
}

void from_json(const nlohmann::json& j, EventReading& r) {
  const auto name = j.at("event").get<std::string>();
  const auto event = counter_event_from_name(name);
  const auto status = counter_status_from_name(j.at("status").get<std::string>());
  if (name.empty() || !status) throw std::invalid_argument("counter reading: empty event or unknown status name");
  r.event = event.value_or(CounterEvent::native);
  r.native = event ? std::string() : name;
  r.status = *status;
  r.source = j.value("source", std::string("perf_event"));
  r.reason = j.value("reason", std::string());
  r.error_number = j.value("errno", 0);
  r.exclude_kernel = j.value("exclude_kernel", false);
  r.raw = j.value("raw", std::uint64_t{0});
  r.time_enabled_ns = j.value("time_enabled_ns", std::uint64_t{0});
  r.time_running_ns = j.value("time_running_ns", r.time_enabled_ns);
  const bool ok = r.status == CounterStatus::ok;
  auto optional_double = [&](const char* key, std::optional<double> implied) -> std::optional<double> {
    if (!j.contains(key)) return implied;
    return j.at(key).is_null() ? std::nullopt : std::optional(j.at(key).get<double>());
  };
  r.value = optional_double("value", ok && r.time_running_ns == r.time_enabled_ns
                                         ? std::optional(static_cast<double>(r.raw))
                                         : std::nullopt);
  r.running_fraction = optional_double(
      "running_fraction", ok && r.time_enabled_ns != 0 ? std::optional(static_cast<double>(r.time_running_ns) /
                                                                       static_cast<double>(r.time_enabled_ns))
                                                       : std::nullopt);
}

void to_json(nlohmann::json& j, const ThreadCounterReading& r) { j = nlohmann::json{{"events", r.events}}; }

void from_json(const nlohmann::json& j, ThreadCounterReading& r) {
  r.events = j.at("events").get<std::vector<EventReading>>();
}

}  // namespace qb
