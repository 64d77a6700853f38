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

inline std::filesystem::path scratch_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("qbench-cli-test-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs qbench with `args`; stderr and stdout are captured through files.
// `interrupt_after` > 0 sends `signo` (SIGINT) after that long.
inline Outcome run_qbench(const std::vector<std::string>& args, std::chrono::milliseconds interrupt_after = {},
                          int signo = SIGINT) {
  const auto err_path = scratch_dir() / "stderr.txt";
  const auto out_path = scratch_dir() / "stdout.txt";
  const pid_t pid = fork();
  if (pid == 0) {
    freopen(out_path.c_str(), "w", stdout);
    freopen(err_path.c_str(), "w", stderr);
    std::vector<char*> argv{const_cast<char*>(QB_QBENCH_PATH)};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(QB_QBENCH_PATH, argv.data());
    _exit(127);
  }
  if (interrupt_after.count() > 0) {
    std::this_thread::sleep_for(interrupt_after);
    kill(pid, signo);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const auto slurp = [](const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), slurp(err_path), slurp(out_path)};
}

}  // namespace qb::test
