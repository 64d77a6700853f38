// A plugin's queue as a row of the queue table: runners on the plugin's item
// sizes (plugin_entry.cpp instantiates the run skeleton for PluginQueue),
// erased ops for `qbench check`, and the plugin's capacity rule.
#pragma once

#include <string>

#include "harness/registry/queue_table.hpp"
#include "qbench/queue_plugin.h"

namespace qb {

// `ops` has been checked (plugin_loader.cpp) and outlives the table.
QueueEntry plugin_entry(const qbench_queue_ops* ops, const QueueTraits& traits, std::string origin);

}  // namespace qb
