// The peers as the command line sees them: `qbench list` shows every compiled
// peer with the traits its adapter declares, and a catalogued peer that the
// build left out is named with its Debian package (or, in a ThreadSanitizer
// build that leaves it out on purpose, with the reason).
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/registry/peer_catalog.hpp"
#include "harness/registry/queue_table.hpp"
#include "queues/peers/catalog.hpp"
#include "queues/registry.hpp"

namespace qb {
namespace {

template <class... Ps>
std::vector<QueueTraits> traits_of(peers::TypeList<Ps...>) {
  return {Ps::traits...};
}

// The traits of every peer compiled into this build.
std::vector<QueueTraits> compiled_peers() { return traits_of(peers::PeerList<std::uint64_t>{}); }

struct Captured {
  int status = -1;
  std::string out;  // stdout; stderr is appended when `with_stderr`
};

Captured run_qbench(const std::string& args, bool with_stderr = false) {
  const std::string command = std::string(QB_QBENCH_PATH) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
  Captured c;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return c;
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) c.out.append(buffer, n);
  const int status = pclose(pipe);
  c.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return c;
}

using peers::find_peer;
using peers::kCatalog;

TEST(PeerCatalog, lists_every_compiled_peer) {
  for (const auto& t : compiled_peers()) {
    EXPECT_NE(find_peer(t.name), nullptr) << t.name << " is compiled but missing from queues/peers/catalog.hpp";
  }
}

TEST(PeerCatalog, names_each_peer_once_with_a_debian_dev_package) {
  std::set<std::string_view> names;
  for (const auto& peer : kCatalog) {
    EXPECT_TRUE(names.insert(peer.queue).second) << peer.queue << " is listed twice";
    EXPECT_TRUE(peer.package.ends_with("-dev")) << peer.queue << ": " << peer.package;
    EXPECT_FALSE(peer.library.empty()) << peer.queue;
  }
}

// What the message must name: the package, or in a TSan build that leaves
// the peer out on purpose, the reason.
std::string_view expected_in_message(const peers::PeerInfo& peer) {
  return peers::left_out_here(peer.queue) ? peer.tsan_blind : peer.package;
}

TEST(PeerCatalog, a_peer_left_out_of_the_build_is_one_line_naming_its_package) {
  for (const auto& peer : kCatalog) {
    const std::string message = missing_queue_message("--queue", peer.queue, {"mutex_deque"});
    EXPECT_TRUE(message.starts_with("--queue: ")) << message;
    EXPECT_NE(message.find(peer.queue), std::string::npos) << message;
    EXPECT_NE(message.find(expected_in_message(peer)), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  const std::string unknown = missing_queue_message("--queue", "no_such_queue", {"mutex_deque", "segmented"});
  EXPECT_NE(unknown.find("unknown queue 'no_such_queue'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("mutex_deque, segmented"), std::string::npos) << unknown;
}

TEST(PeerCatalog, a_tsan_build_leaves_out_exactly_the_peers_tsan_cannot_check) {
  if (!peers::kTsanBuild) GTEST_SKIP() << "not a ThreadSanitizer build";
  for (const auto& t : compiled_peers()) {
    EXPECT_TRUE(find_peer(t.name)->tsan_blind.empty()) << t.name << " is TSan-blind yet compiled";
  }
  for (const auto& peer : kCatalog) {
    if (!peer.tsan_blind.empty()) {
      EXPECT_EQ(find_queue(peer.queue), nullptr) << peer.queue;
    }
  }
}

// Every peer is compiled on a machine with all the packages (the tsan build
// leaves some out), so this checks the command line only where a build
// really left one out.
TEST(QbenchPeers, run_of_a_peer_left_out_exits_2_naming_its_package) {
  int checked = 0;
  for (const auto& peer : kCatalog) {
    if (find_queue(peer.queue) != nullptr) continue;
    const auto r = run_qbench("run --queue " + std::string(peer.queue) + " --duration 10ms", true);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_NE(r.out.find(expected_in_message(peer)), std::string::npos) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "every catalogued peer is compiled into this build";
}

TEST(QbenchPeers, list_shows_every_compiled_peer_with_its_traits) {
  const auto text = run_qbench("list");
  ASSERT_EQ(text.status, 0);
  const auto json = run_qbench("list --json");
  ASSERT_EQ(json.status, 0);
  const auto doc = nlohmann::json::parse(json.out);

  for (const auto& t : compiled_peers()) {
    SCOPED_TRACE(std::string(t.name));
    // The text row: the name, then the traits in the header's order.
    std::istringstream lines(text.out);
    std::string row;
    bool found = false;
    while (std::getline(lines, row)) {
      std::istringstream words(row);
      std::string name, bounded, producers, consumers, progress, order;
      words >> name >> bounded >> producers >> consumers >> progress >> order;
      if (name != t.name) continue;
      found = true;
      EXPECT_EQ(bounded, t.bounded ? "yes" : "no");
      EXPECT_EQ(producers, to_string(t.producers));
      EXPECT_EQ(consumers, to_string(t.consumers));
      EXPECT_EQ(progress, to_string(t.progress));
      EXPECT_EQ(order, to_string(t.order));
      EXPECT_NE(row.find(t.capacity_required ? "required" : "optional"), std::string::npos) << row;
    }
    EXPECT_TRUE(found) << "no row in `qbench list`:\n" << text.out;

    int in_json = 0;
    for (const auto& q : doc.at("queues")) {
      if (q.at("name") != t.name) continue;
      ++in_json;
      EXPECT_EQ(q.at("bounded"), t.bounded);
      EXPECT_EQ(q.at("producers"), to_string(t.producers));
      EXPECT_EQ(q.at("consumers"), to_string(t.consumers));
      EXPECT_EQ(q.at("progress"), to_string(t.progress));
      EXPECT_EQ(q.at("order"), to_string(t.order));
      EXPECT_EQ(q.at("capacity_required"), t.capacity_required);
    }
    EXPECT_EQ(in_json, 1) << "`qbench list --json` should list it once";
  }
}

}  // namespace
}  // namespace qb
