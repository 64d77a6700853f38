// fuzz_scenario: bytes as a scenario file, parsed in memory the way
// load_scenario() parses a file (scenario.cpp). A UsageError is the answer to
// a bad file; anything else that escapes, and every crash or leak, is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "harness/model/usage_error.hpp"
#include "harness/sweep/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {  // load_scenario turns these into a UsageError
    return 0;
  }
  try {
    (void)qb::parse_scenario(doc, "fuzz.json");
  } catch (const qb::UsageError&) {
  }
  return 0;
}
