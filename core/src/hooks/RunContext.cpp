#include "hooks/RunContext.hpp"

namespace monti::hooks {
namespace {

thread_local const RunContext* currentRun = nullptr;

}  // namespace

const RunContext* RunContext::current() noexcept { return currentRun; }

RunScope::RunScope(const RunContext& context) noexcept : previous_(currentRun) { currentRun = &context; }

RunScope::~RunScope() { currentRun = previous_; }

}  // namespace monti::hooks
