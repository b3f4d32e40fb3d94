#pragma once

#include <stdexcept>

namespace monti {

/// A declaration a registry refuses: twice, too late, or incomplete. Stops start-up with its message.
class RegistrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace monti
