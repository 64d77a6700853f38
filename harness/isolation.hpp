// Runs one repetition in a forked child process, as JMH forks: a crash
// (signal), an exception or a hang past the timeout fails that repetition
// with the reason recorded, and the caller's sweep goes on.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "harness/run_types.hpp"

namespace qb {

// Set from a SIGINT handler; run_isolated then kills its child and returns a
// repetition whose status is "interrupted".
extern std::atomic<bool> g_interrupted;
void install_interrupt_handler();

// The caller must be single-threaded (fork copies only the calling thread).
RepResult run_isolated(const std::function<RepResult()>& body, std::chrono::nanoseconds timeout);

}  // namespace qb
