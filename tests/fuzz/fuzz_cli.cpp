// fuzz_cli: bytes split at NUL into argv, through the command-line parser
// only (CommandLine::finish() parses and checks; it runs and writes nothing).
// The errors main.cpp catches are answers; anything else that escapes, and
// every crash, hang or leak, is a bug. CLI11's own errors, but for help and
// --version, must come out of parse() as UsageErrors, in qbench's words.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

#include "harness/app/cli.hpp"
#include "harness/model/usage_error.hpp"

// finish() reads the file that --scenario names. From scenarios/, with no
// '/' allowed in an argument (see below), a name reaches the repository's
// scenario files or nothing: never /dev/zero, a FIFO or a large file.
// libFuzzer's own paths would then resolve there too, and a crash's artifact
// land in scenarios/, so relative ones are refused.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  for (int i = 1; i < *argc; ++i) {
    const std::string arg = (*argv)[i];
    const auto value = arg.rfind("-artifact_prefix=", 0) == 0 ? arg.substr(17) : arg;
    if (value == arg && !arg.empty() && arg.front() == '-') continue;  // a flag
    if (!value.empty() && value.front() == '/') continue;
    std::fprintf(stderr, "fuzz_cli: '%s': paths must be absolute (it runs from scenarios/)\n", arg.c_str());
    std::exit(2);
  }
  if (chdir(QB_SOURCE_DIR "/scenarios") != 0) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"qbench"};
  std::string current;
  for (std::size_t i = 0; i < size; ++i) {
    const char c = static_cast<char>(data[i]);
    if (c == '/') return -1;  // -1: libFuzzer keeps the input out of the corpus
    if (c == '\0') {
      args.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  args.push_back(std::move(current));

  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  qb::CommandLine cli;
  try {
    cli.parse(static_cast<int>(args.size()), argv.data());
    cli.finish();
  } catch (const CLI::CallForHelp&) {
  } catch (const CLI::CallForAllHelp&) {
  } catch (const CLI::CallForVersion&) {
  } catch (const qb::UsageError&) {
  }
  return 0;
}
