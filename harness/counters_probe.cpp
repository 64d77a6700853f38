// counter_availability (counters_totals.hpp): the probe behind the results
// file's context.counters.
#include <nlohmann/json.hpp>

#include "harness/counters_totals.hpp"

namespace qb {

nlohmann::json counter_availability(const CounterSelection& selection, PerfBackend& backend) {
  ThreadCounters probe(selection, backend);
  probe.start();
  probe.stop();
  nlohmann::json events = nlohmann::json::object();
  for (const EventReading& r : probe.read().events) {
    events[std::string(to_string(r.event))] = {
        {"status", to_string(r.status)},
        {"reason", r.reason},
        {"errno", r.error_number != 0 ? nlohmann::json(errno_name(r.error_number)) : nlohmann::json(nullptr)},
        {"source", r.source}};
  }
  return {{"selection", selection.spec}, {"probe", "the parent process, one thread, before the first run"},
          {"events", events}};
}

}  // namespace qb
