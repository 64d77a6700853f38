// counter_availability (counters_totals.hpp): the probe behind the results
// file's context.counters.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/counters/totals.hpp"

namespace qb {

nlohmann::json counter_availability(const CounterSelection& selection, PerfBackend& backend) {
  ThreadCounters probe(selection, backend);
  probe.start();
  probe.stop();
  nlohmann::json events = nlohmann::json::object();
  for (const EventReading& r : probe.read().events) {
    nlohmann::json& e = events[std::string(event_name(r))];
    e = {{"status", to_string(r.status)},
         {"reason", r.reason},
         {"errno", r.error_number != 0 ? nlohmann::json(errno_name(r.error_number)) : nlohmann::json(nullptr)},
         {"source", r.source}};
    if (r.event != CounterEvent::native) continue;
    // What libpfm4 made of the name, so a reader can check it against the CPU's manual.
    for (const NativeEvent& n : selection.native) {
      if (n.name != r.native || n.encoded_as.empty()) continue;
      e["encoded_as"] = n.encoded_as;
      e["perf_event_attr"] = {{"type", n.type},
                              {"config", fmt::format("{:#x}", n.config)},
                              {"config1", fmt::format("{:#x}", n.config1)},
                              {"config2", fmt::format("{:#x}", n.config2)}};
    }
  }
  return {{"selection", selection.spec}, {"probe", "the parent process, one thread, before the first run"},
          {"events", events}};
}

}  // namespace qb
