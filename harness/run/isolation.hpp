// Runs one repetition in a forked child process, as JMH forks: a crash
// (signal), an exception or a hang past the timeout fails that repetition
// with the reason recorded, and the caller's sweep goes on.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "harness/model/run_types.hpp"

namespace qb {

// Set from the handler of SIGINT, SIGTERM (what timeout, batch schedulers and
// systemd send) or SIGHUP; run_isolated then kills its child and returns a
// repetition whose status is interrupted. The sweep keeps what finished.
extern std::atomic<bool> g_interrupted;
void install_interrupt_handler();
// The signal that interrupted ("SIGINT", "SIGTERM", "SIGHUP"), and the exit
// status that reports it as a shell does: 128 + its number (130, 143, 129).
const char* interrupt_signal_name();
int interrupt_exit_status();

// What came back from a child: its JSON document, or why there is none.
struct ChildOutcome {
  RepStatus status = RepStatus::ok;  // ok, failed or interrupted
  std::string failure;
  std::string json_text;      // the body's result, when status is "ok"
  long peak_rss_kib = 0;
};

// Runs `body` in a forked child and returns the JSON text it produced. An
// exception in the body, a crash, a non-zero exit or the timeout fail it.
// The caller must be single-threaded (fork copies only the calling thread).
ChildOutcome run_in_child(const std::function<std::string()>& body, std::chrono::nanoseconds timeout);

// One repetition as it crossed from the child: the record, and its JSON text
// as the child wrote it, which the journal stores as it is (so a repetition
// is serialised once on its way to the file). `json` is empty when the parent
// made the record itself (a crash, a timeout, an interrupt): the child wrote
// nothing usable.
struct RepRecord {
  RepResult rep;
  std::string json;
};

// run_in_child for one repetition: the RepResult travels as JSON, with the
// child's peak RSS (getrusage) filled in by the child; a record the parent
// makes for a failed child gets the RSS wait4 reported.
RepRecord run_isolated_record(const std::function<RepResult()>& body, std::chrono::nanoseconds timeout);
inline RepResult run_isolated(const std::function<RepResult()>& body, std::chrono::nanoseconds timeout) {
  return run_isolated_record(body, timeout).rep;
}

}  // namespace qb
