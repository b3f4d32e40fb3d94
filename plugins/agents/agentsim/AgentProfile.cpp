#include "AgentProfile.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <random>
#include <string_view>

namespace monti::agentsim {
namespace {

constexpr std::array<std::string_view, 48> kFirstNames{
    "Anna",  "Ben",   "Carla",  "David", "Elif",  "Felix", "Grace",  "Hannah", "Ibrahim", "Julia",   "Kenji",  "Lena",
    "Marco", "Nadia", "Oliver", "Priya", "Quinn", "Rosa",  "Samuel", "Tereza", "Umar",    "Vera",    "Wei",    "Ximena",
    "Yusuf", "Zoe",   "Ana",    "Bruno", "Chloe", "Diego", "Emma",   "Farah",  "Gabriel", "Hiroshi", "Inês",   "Jonas",
    "Katya", "Luis",  "Maya",   "Noah",  "Olga",  "Pedro", "Rafael", "Sofia",  "Tomás",   "Uma",     "Victor", "Wen"};
constexpr std::array<std::string_view, 48> kLastNames{
    "Müller",   "Schmidt",   "Silva",   "Santos",     "Johnson",  "Williams", "Reyes",     "Cruz",
    "Garcia",   "Fischer",   "Weber",   "Costa",      "Ferreira", "Brown",    "Davis",     "Bautista",
    "Ramos",    "Martinez",  "Becker",  "Hoffmann",   "Oliveira", "Pereira",  "Miller",    "Wilson",
    "Mendoza",  "Aquino",    "Lopez",   "Schulz",     "Wagner",   "Almeida",  "Rodrigues", "Taylor",
    "Anderson", "Dela Cruz", "Flores",  "Nguyen",     "Koch",     "Richter",  "Carvalho",  "Sousa",
    "Thomas",   "Moore",     "Navarro", "Villanueva", "Kim",      "Klein",    "Wolf",      "Lima"};

// Country calling codes of the default locations; other locations get a +1 555 test number.
std::string_view phonePrefix(std::string_view location) {
  if (location == "Berlin") return "+49 30 555 ";
  if (location == "Lisbon") return "+351 21 555 ";
  if (location == "Austin") return "+1 512 555 ";
  if (location == "Manila") return "+63 2 555 ";
  return "+1 555 ";
}

// splitmix64: a fixed, portable mix, so the same n gives the same profile everywhere (std:: distributions
// are not specified bit-for-bit across standard libraries).
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30u)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27u)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31u);
}

std::uint64_t pick(int number, std::uint64_t salt) { return mix(static_cast<std::uint64_t>(number) * 1000 + salt); }

// Earlier departments get more agents: weights n, n-1, .., 1 (with the defaults Sales 33%, Support 27%,
// Billing 20%, Technical 13%, Retention 7%), the way a contact centre staffs its front line.
const std::string& weightedDepartment(const std::vector<std::string>& departments, int number) {
  const auto n = departments.size();
  auto ticket = pick(number, 2) % (n * (n + 1) / 2);
  for (std::size_t i = 0; i < n; ++i) {
    const auto weight = n - i;
    if (ticket < weight) return departments[i];
    ticket -= weight;
  }
  return departments.front();
}

}  // namespace

nlohmann::json AgentProfile::createBody() const {
  nlohmann::json body = {
      {"username", username},     {"email", email},       {"fullName", fullName},        {"role", role},
      {"department", department}, {"location", location}, {"password", randomPassword()}};
  if (!phone.empty()) body["phone"] = phone;
  return body;
}

AgentProfile profileFor(const Options& options, int number) {
  AgentProfile p;
  p.username = options.prefix + "_" + std::to_string(number);
  p.email = p.username + "@agentsim.test";
  p.fullName = std::string(kFirstNames[pick(number, 0) % kFirstNames.size()]) + " " +
               std::string(kLastNames[pick(number, 1) % kLastNames.size()]);
  p.role = number % 25 == 0 ? "viewer" : "cs";
  p.department = weightedDepartment(options.departments, number);
  p.location = options.locations[static_cast<std::size_t>(number - 1) % options.locations.size()];
  if (pick(number, 3) % 10 < 7) {  // 70% left a phone number
    const auto digits = std::to_string(10000 + number % 10000).substr(1);
    p.phone = std::string(phonePrefix(p.location)) + digits;
  }
  return p;
}

int agentNumberOf(const Options& options, const std::string& username) {
  const auto& prefix = options.prefix;
  if (username.size() <= prefix.size() + 1 || username.compare(0, prefix.size(), prefix) != 0 ||
      username[prefix.size()] != '_') {
    return 0;
  }
  const std::string_view digits(username.data() + prefix.size() + 1, username.size() - prefix.size() - 1);
  if (digits.front() == '0') return 0;
  int number = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return 0;
  return number >= 1 && number <= options.agents ? number : 0;
}

std::string randomPassword() {
  static constexpr std::string_view kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<std::size_t> index(0, kAlphabet.size() - 1);
  std::string password = "Aa1";
  for (int i = 0; i < 20; ++i)
    password += kAlphabet[index(rng)];
  return password;
}

}  // namespace monti::agentsim
