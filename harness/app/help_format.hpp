// --help as qbench writes it: wrapped to the terminal, each option with the
// name of its value's type (N, DURATION, LIST, PATH, a choice's names), its
// default, and under the options what each value name means. CLI11 calls
// make_help(); the names and defaults are the ones the command line
// registered from the option table (app/cli.cpp).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace qb {

// The width help is wrapped to: $COLUMNS when it is a number, else the
// terminal's width when stdout is one, else 80; never under 40 nor over 120
// (prose past 120 columns is hard to read).
int help_width();

// "word word word" broken into lines of at most `width` columns, each after
// the first starting with `indent` spaces; a word longer than a line is cut.
std::string wrap(const std::string& text, int width, int indent);

class HelpFormatter : public CLI::FormatterBase {
 public:
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override;
};

}  // namespace qb
