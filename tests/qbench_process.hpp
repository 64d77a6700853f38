// Runs the real qbench binary in a child process, as a user would, for the
// command-line tests.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace qb::test {

struct Outcome {
  int status = -1;
  std::string err;
  std::string out;
};

// The lines of a process's output, without their newlines.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// This test process's scratch folder, removed when the process exits
// normally (a forked child that exits runs the same destructor, so only the
// process that made it removes it).
inline std::filesystem::path scratch_dir() {
  struct Scratch {
    pid_t owner = getpid();
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("qbench-cli-test-" + std::to_string(getpid()));
    ~Scratch() {
      std::error_code ignored;
      if (getpid() == owner) std::filesystem::remove_all(dir, ignored);
    }
  };
  static const Scratch scratch;
  std::filesystem::create_directories(scratch.dir);
  return scratch.dir;
}

struct Spawned {
  pid_t pid;
  std::filesystem::path out_path, err_path;
};

// Starts qbench with `args`; stderr and stdout are captured through files.
inline Spawned spawn_qbench(const std::vector<std::string>& args) {
  Spawned s{-1, scratch_dir() / "stdout.txt", scratch_dir() / "stderr.txt"};
  s.pid = fork();
  if (s.pid == 0) {
    freopen(s.out_path.c_str(), "w", stdout);
    freopen(s.err_path.c_str(), "w", stderr);
    std::vector<char*> argv{const_cast<char*>(QB_QBENCH_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(QB_QBENCH_PATH, argv.data());
    _exit(127);
  }
  return s;
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Outcome wait_for(const Spawned& s) {
  int status = 0;
  waitpid(s.pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(s.err_path), slurp(s.out_path)};
}

// Runs qbench with `args` to its end.
inline Outcome run_qbench(const std::vector<std::string>& args) { return wait_for(spawn_qbench(args)); }

// Runs qbench with `args` and sends it `signo` once `journal` holds a
// finished repetition, so that a slow build (a sanitizer's) or a loaded
// machine is interrupted after the same progress as a fast one, not after a
// fixed time that may end before the first repetition does. After 120 s
// without one it signals anyway, and the test's own checks fail.
inline Outcome run_qbench_until_a_repetition(const std::vector<std::string>& args,
                                             const std::filesystem::path& journal, int signo) {
  const Spawned s = spawn_qbench(args);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < give_up &&
         slurp(journal).find("\"repetition\"") == std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(s.pid, signo);
  return wait_for(s);
}

}  // namespace qb::test
