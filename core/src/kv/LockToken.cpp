#include "kv/LockToken.hpp"

#include <array>
#include <cstdint>
#include <random>

namespace monti::kv {

std::string newLockToken() {
  // Uniqueness, not secrecy, is what matters: a per-thread engine seeded from the OS is plenty.
  thread_local std::mt19937_64 engine{[] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }()};
  constexpr std::array<char, 16> kHex{'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  std::string token;
  token.reserve(32);
  for (int word = 0; word < 2; ++word) {
    std::uint64_t bits = engine();
    for (int i = 0; i < 16; ++i, bits >>= 4)
      token.push_back(kHex[bits & 0xfU]);
  }
  return token;
}

}  // namespace monti::kv
