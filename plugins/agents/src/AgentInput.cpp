#include "AgentInput.hpp"

#include "Agent.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace monti::agents {
namespace {

constexpr std::size_t kMaxAvatarBytes = 2048;
constexpr std::size_t kMaxLocationBytes = 100;

using Problems = std::vector<http::FieldError>;

/// Length in characters (UTF-8 code points), as the seed's limits are meant.
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool validUsername(const std::string& s) {
  return s.size() >= 3 && s.size() <= 50 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

bool validEmail(const std::string& s) {
  static const std::regex pattern(R"(^[^\s@]+@[^\s@]+\.[^\s@]+$)");
  return s.size() <= 255 && std::regex_match(s, pattern);
}

bool validPhone(const std::string& s) {
  static const std::regex pattern(R"(^\+?[\d\s\-\(\)]+$)");
  return s.size() <= 20 && std::regex_match(s, pattern);
}

bool strongPassword(const std::string& s) {
  const auto has = [&s](int (*test)(int)) {
    return std::any_of(s.begin(), s.end(), [test](char c) { return test(static_cast<unsigned char>(c)) != 0; });
  };
  return s.size() >= 8 && has(std::islower) && has(std::isupper) && has(std::isdigit);
}

class Reader {
 public:
  Reader(const nlohmann::json& body, std::string_view prefix) : body_(body), prefix_(prefix) {}

  /// The string at `key`: nullopt when absent; a problem when present but not a string.
  std::optional<std::string> text(const char* key, bool required) {
    const auto it = body_.find(key);
    if (it == body_.end() || (it->is_null() && required)) {
      if (required) fail(key, "is required");
      return std::nullopt;
    }
    if (!it->is_string()) {
      fail(key, "must be a string");
      return std::nullopt;
    }
    return it->get<std::string>();
  }
  /// A nullable string: absent → nullopt; null → optional holding nullopt.
  std::optional<std::optional<std::string>> nullable(const char* key) {
    const auto it = body_.find(key);
    if (it == body_.end()) return std::nullopt;
    if (it->is_null()) return std::optional<std::string>{};
    if (!it->is_string()) {
      fail(key, "must be a string or null");
      return std::nullopt;
    }
    return std::optional<std::string>{it->get<std::string>()};
  }
  void check(const char* key, const std::optional<std::string>& value, bool ok, const char* message) {
    if (value && !ok) fail(key, message);
  }
  void fail(std::string_view key, std::string message) {
    problems_.push_back({std::string(prefix_) + std::string(key), std::move(message)});
  }
  void finish() const {
    if (!problems_.empty()) throw http::BadRequest("invalid agent data", problems_);
  }

 private:
  const nlohmann::json& body_;
  std::string_view prefix_;
  Problems problems_;
};

void checkCommon(Reader& in, const std::optional<std::string>& username, const std::optional<std::string>& email,
                 const std::optional<std::string>& fullName, const std::optional<std::string>& role,
                 const std::optional<std::string>& department, const std::optional<std::string>& location) {
  in.check("username", username, username && validUsername(*username),
           "must be 3 to 50 letters, digits or underscores");
  in.check("email", email, email && validEmail(*email), "is not a valid email address");
  in.check("fullName", fullName, fullName && characters(*fullName) >= 2 && characters(*fullName) <= 255,
           "must have 2 to 255 characters");
  in.check("role", role, role && oneOf(kRoles, *role), "must be admin, cs or viewer");
  in.check("department", department, department && characters(*department) >= 2 && characters(*department) <= 100,
           "must have 2 to 100 characters");
  in.check("location", location, location && characters(*location) <= kMaxLocationBytes,
           "must have at most 100 characters");
}

void checkNullable(Reader& in, const std::optional<std::optional<std::string>>& phone,
                   const std::optional<std::optional<std::string>>& avatar) {
  if (phone && *phone && !validPhone(**phone)) {
    in.fail("phone", "may hold digits, spaces, -, ( ) and a leading +, at most 20 characters");
  }
  if (avatar && *avatar && (*avatar)->size() > kMaxAvatarBytes) in.fail("avatar", "must be at most 2048 bytes");
}

}  // namespace

bool AgentChanges::empty() const noexcept {
  return !username && !email && !fullName && !role && !department && !location && !phone && !avatar && !isActive;
}

bool AgentChanges::onlySelfEditable() const noexcept {
  return !username && !email && !role && !department && !location && !isActive;
}

NewAgent parseNewAgent(const nlohmann::json& body) {
  if (!body.is_object()) throw http::BadRequest("expected a JSON object");
  Reader in(body, "");
  NewAgent agent;
  const auto username = in.text("username", true);
  const auto email = in.text("email", true);
  const auto fullName = in.text("fullName", true);
  const auto role = in.text("role", true);
  const auto department = in.text("department", true);
  const auto password = in.text("password", true);
  const auto location = in.text("location", false);
  const auto phone = in.nullable("phone");
  const auto avatar = in.nullable("avatar");
  checkCommon(in, username, email, fullName, role, department, location);
  checkNullable(in, phone, avatar);
  in.check("password", password, password && strongPassword(*password),
           "must have at least 8 characters with a lowercase letter, an uppercase letter and a digit");
  in.finish();
  agent.username = *username;
  agent.email = *email;
  agent.fullName = *fullName;
  agent.role = *role;
  agent.department = *department;
  agent.password = *password;
  agent.location = location.value_or("");
  if (phone) agent.phone = *phone;
  if (avatar) agent.avatar = *avatar;
  return agent;
}

AgentChanges parseChanges(const nlohmann::json& body, std::string_view prefix) {
  if (!body.is_object()) throw http::BadRequest("expected a JSON object");
  static const std::array<std::string_view, 9> kKnown{"username", "email", "fullName", "role",    "department",
                                                      "location", "phone", "avatar",   "isActive"};
  Reader in(body, prefix);
  for (const auto& [key, value] : body.items()) {
    if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) in.fail(key, "is not a field you can update");
  }
  AgentChanges changes;
  changes.username = in.text("username", false);
  changes.email = in.text("email", false);
  changes.fullName = in.text("fullName", false);
  changes.role = in.text("role", false);
  changes.department = in.text("department", false);
  changes.location = in.text("location", false);
  changes.phone = in.nullable("phone");
  changes.avatar = in.nullable("avatar");
  if (const auto it = body.find("isActive"); it != body.end()) {
    if (it->is_boolean()) {
      changes.isActive = it->get<bool>();
    } else {
      in.fail("isActive", "must be true or false");
    }
  }
  checkCommon(in, changes.username, changes.email, changes.fullName, changes.role, changes.department,
              changes.location);
  checkNullable(in, changes.phone, changes.avatar);
  in.finish();
  return changes;
}

}  // namespace monti::agents
