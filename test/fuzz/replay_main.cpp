// Runs the Direct Sockets backend fuzz target without libFuzzer (any compiler, every native build,
// also under ASan/UBSan): a fixed set of pseudo-random inputs, plus any files named in
// ASIO_DS_FUZZ_INPUTS (colon-separated: a libFuzzer crash file or corpus entries) to replay.
#define BOOST_TEST_MODULE ds_fuzz_replay
#include <boost/test/included/unit_test.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

BOOST_AUTO_TEST_CASE(pseudo_random_inputs) {
  const char* env = std::getenv("ASIO_DS_FUZZ_RUNS");
  const int runs = env ? std::atoi(env) : 20000;
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  std::vector<std::uint8_t> data;
  for (int run = 0; run < runs; ++run) {
    data.resize(64 + static_cast<std::size_t>(state % 4000));
    for (auto& b : data) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      b = static_cast<std::uint8_t>(state >> 24);
    }
    LLVMFuzzerTestOneInput(data.data(), data.size());
  }
  BOOST_TEST(runs > 0);
}

BOOST_AUTO_TEST_CASE(named_inputs) {
  const char* env = std::getenv("ASIO_DS_FUZZ_INPUTS");
  std::stringstream list(env ? env : "");
  std::string path;
  int replayed = 0;
  while (std::getline(list, path, ':')) {
    if (path.empty()) continue;
    std::ifstream f(path, std::ios::binary);
    BOOST_TEST_REQUIRE(f.good(), "cannot read " << path);
    const std::vector<std::uint8_t> data((std::istreambuf_iterator<char>(f)), {});
    LLVMFuzzerTestOneInput(data.data(), data.size());
    ++replayed;
  }
  BOOST_TEST_MESSAGE("replayed " << replayed << " named inputs");
}
