// The registry, type-erased for the command line: one row per registered
// queue (harness/registry/queue_entry.hpp), plugins' queues, then the
// reference ceilings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/registry/queue_entry.hpp"

namespace qb {

// Every queue: the registry's, then any that plugins added, then the two
// reference ceilings.
const std::vector<QueueEntry>& queue_table();

// Adds queues (a plugin's) before the ceilings. Call it before anything keeps
// a pointer into the table: the command line loads plugins first of all.
void add_queues(std::vector<QueueEntry> entries);

// Why `capacity` cannot be given to the queue `e` for items of `item_bytes`,
// or an empty string: the queue's own rule, then, for a bounded queue, slots
// that would not fit in this machine's memory (one slot holds an item at least).
std::string capacity_problem(const QueueEntry& e, std::size_t capacity, std::size_t item_bytes);
const QueueEntry* find_queue(std::string_view name);

}  // namespace qb
