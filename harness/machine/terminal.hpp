// How wide the terminal qbench prints to is, for the console table and
// anything else that lays text out to fit it.
#pragma once

#include <cstddef>

namespace qb {

// The columns a line on stdout may take: COLUMNS when it is set to a number
// (the user's or the shell's say), else the terminal's width when stdout is
// one (TIOCGWINSZ), else 80, the width nobody's terminal is narrower than.
// Never under 40: narrower than that no table reads anyway.
std::size_t terminal_columns();

}  // namespace qb
