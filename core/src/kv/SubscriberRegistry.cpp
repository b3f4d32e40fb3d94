#include "kv/SubscriberRegistry.hpp"

#include <algorithm>
#include <exception>
#include <utility>

namespace monti::kv {
namespace {
// The registry whose handlers run on this thread right now: removing from inside a handler must not wait.
thread_local const SubscriberRegistry* tlsDispatching = nullptr;
}  // namespace

class SubscriberRegistry::Subscription final : public PubSub::Subscription {
 public:
  Subscription(std::shared_ptr<SubscriberRegistry> registry, std::string channel, std::uint64_t id)
      : registry_(std::move(registry)), channel_(std::move(channel)), id_(id) {}
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  ~Subscription() override { registry_->remove(channel_, id_); }

 private:
  std::shared_ptr<SubscriberRegistry> registry_;
  std::string channel_;
  std::uint64_t id_;
};

std::unique_ptr<PubSub::Subscription> SubscriberRegistry::add(std::string channel, PubSub::Handler handler) {
  bool first = false;
  std::uint64_t id = 0;
  {
    const std::lock_guard lock(mutex_);
    id = nextId_++;
    auto& entries = handlers_[channel];
    first = entries.empty();
    entries.push_back({id, std::make_shared<const PubSub::Handler>(std::move(handler))});
  }
  if (first) notifyChange();
  return std::make_unique<Subscription>(shared_from_this(), std::move(channel), id);
}

void SubscriberRegistry::remove(const std::string& channel, std::uint64_t id) {
  bool last = false;
  {
    const std::lock_guard lock(mutex_);
    if (auto it = handlers_.find(channel); it != handlers_.end()) {
      std::erase_if(it->second, [id](const Entry& e) { return e.id == id; });
      if (it->second.empty()) {
        handlers_.erase(it);
        last = true;
      }
    }
  }
  // A dispatch that copied the handler list before the erase may still call this handler: wait it out.
  if (tlsDispatching != this) {
    const std::lock_guard wait(dispatching_);
  }
  if (last) notifyChange();
}

void SubscriberRegistry::dispatch(const std::string& channel, const std::string& message,
                                  const std::function<void(const std::string&)>& onError) {
  const std::lock_guard running(dispatching_);
  std::vector<Entry> entries;
  {
    const std::lock_guard lock(mutex_);
    if (auto it = handlers_.find(channel); it != handlers_.end()) entries = it->second;
  }
  tlsDispatching = this;
  for (const Entry& entry : entries) {
    {
      // Skip handlers removed by an earlier handler of this same message.
      const std::lock_guard lock(mutex_);
      auto it = handlers_.find(channel);
      if (it == handlers_.end() ||
          std::none_of(it->second.begin(), it->second.end(), [&](const Entry& e) { return e.id == entry.id; })) {
        continue;
      }
    }
    try {
      (*entry.handler)(channel, message);
    } catch (const std::exception& e) {
      onError(e.what());
    }
  }
  tlsDispatching = nullptr;
}

std::vector<std::string> SubscriberRegistry::channels() const {
  const std::lock_guard lock(mutex_);
  std::vector<std::string> result;
  result.reserve(handlers_.size());
  for (const auto& entry : handlers_)
    result.push_back(entry.first);
  return result;
}

bool SubscriberRegistry::has(const std::string& channel) const {
  const std::lock_guard lock(mutex_);
  return handlers_.contains(channel);
}

void SubscriberRegistry::setChangeListener(ChangeListener listener) {
  const std::lock_guard lock(listenerMutex_);
  listener_ = std::move(listener);
}

void SubscriberRegistry::notifyChange() {
  generation_.fetch_add(1);
  const std::lock_guard lock(listenerMutex_);
  if (listener_) listener_();
}

}  // namespace monti::kv
