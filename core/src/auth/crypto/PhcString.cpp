#include "auth/crypto/PhcString.hpp"

#include "auth/crypto/Base64.hpp"

#include <charconv>
#include <vector>

namespace monti::auth::crypto {
namespace {

constexpr std::string_view kPrefix = "$pbkdf2-sha256$i=";
constexpr std::uint32_t kMaxIterations = 100'000'000;
constexpr std::size_t kMinSalt = 8;
constexpr std::size_t kMaxSalt = 64;
// Shorter than one SHA-256 block would let a truncated stored hash match a prefix of the real one.
constexpr std::size_t kMinHash = 32;
constexpr std::size_t kMaxHash = 64;

std::optional<std::uint32_t> parseIterations(std::string_view digits) {
  // No sign, no leading zero: one spelling per number.
  if (digits.empty() || digits.front() == '0') return std::nullopt;
  std::uint32_t value = 0;
  const auto* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (ec != std::errc{} || ptr != end || value > kMaxIterations) return std::nullopt;
  return value;
}

}  // namespace

std::string Pbkdf2Phc::format() const {
  return std::string{kPrefix} + std::to_string(iterations) + "$" + base64Encode(salt) + "$" + base64Encode(hash);
}

std::optional<Pbkdf2Phc> Pbkdf2Phc::parse(std::string_view text) {
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  const auto firstDollar = text.find('$');
  if (firstDollar == std::string_view::npos) return std::nullopt;
  const auto secondDollar = text.find('$', firstDollar + 1);
  if (secondDollar == std::string_view::npos || text.find('$', secondDollar + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const auto iterations = parseIterations(text.substr(0, firstDollar));
  auto salt = base64Decode(text.substr(firstDollar + 1, secondDollar - firstDollar - 1));
  auto hash = base64Decode(text.substr(secondDollar + 1));
  if (!iterations || !salt || !hash) return std::nullopt;
  if (salt->size() < kMinSalt || salt->size() > kMaxSalt || hash->size() < kMinHash || hash->size() > kMaxHash) {
    return std::nullopt;
  }
  return Pbkdf2Phc{*iterations, std::move(*salt), std::move(*hash)};
}

}  // namespace monti::auth::crypto
