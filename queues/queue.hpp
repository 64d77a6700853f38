// The queue concept and traits live in include/qbench/queue.hpp, the header a
// queue author codes against; qbench's own code includes them from here.
#pragma once

#include "qbench/queue.hpp"
