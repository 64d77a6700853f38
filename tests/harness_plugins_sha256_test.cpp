// The plugin loader records each plugin's SHA-256 in the results' context;
// the digest is ours (harness/plugins/sha256.cpp), so it is checked against
// FIPS 180-4's example vectors and against a file read in 64 KiB blocks.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness/plugins/sha256.hpp"

namespace {

TEST(PluginSha256, matches_the_fips_example_vectors) {
  EXPECT_EQ(qb::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(qb::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(qb::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(PluginSha256, a_file_hashes_as_its_bytes_across_block_boundaries) {
  // A million 'a's: FIPS's long vector, and 15 reads of 64 KiB and a tail.
  const std::string text(1000000, 'a');
  const auto path = std::filesystem::temp_directory_path() / "qb_sha256_test.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  EXPECT_EQ(qb::sha256_file(path), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(qb::sha256_hex(text), qb::sha256_file(path));
  std::filesystem::remove(path);
  EXPECT_THROW(qb::sha256_file(path), std::runtime_error);
}

}  // namespace
