// Load client for `scripts/bench realtime`: N WebSocket subscribers on one epoll thread, plus publisher threads
// that POST room events over keep-alive HTTP/1.1 at a fixed rate. It measures publish-to-receipt latency,
// delivered frames, lost events and the server's CPU, RSS and threads (from /proc/<server-pid>), and prints one
// JSON line. It shares no code with Monti on purpose: raw sockets and a tiny RFC 6455 client codec.
//
//   BENCH_TOKEN=<access token> monti-realtime-load --port P --server-pid PID [--connections 1000] [--rooms 200]
//       [--rate 2000] [--warmup 3] [--duration 20] [--baseline 2] [--publishers 4] [--ramp-rate 5000]
//       [--ramp-inflight 64] [--room-prefix example:]
//
// Phases: connect every client (handshake only) → publish to rooms nobody joined yet, to measure the server's
// CPU for publishing alone (--baseline seconds) → subscribe every client to room i % rooms → publish at --rate
// (room k at phase k/rate within each period, so every client receives rate/rooms frames a second) → warm-up,
// measurement window → stop publishing, drain → compare what each client received with what its room was sent.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------------------------------
// Options

struct Options {
  int port = 0;
  int serverPid = 0;
  int connections = 1000;
  int rooms = 200;
  double rate = 2000;      // events per second, all rooms together
  double warmup = 3;       // seconds of publishing before the window
  double duration = 20;    // seconds of the measurement window
  double baseline = 2;     // seconds of publish-only CPU measurement (0: skip)
  double drain = 2;        // seconds to wait for the last frames after publishing stops
  int publishers = 4;      // publisher threads, one keep-alive connection each
  double rampRate = 5000;  // new connections (and subscribes) per second
  int rampInflight = 64;   // handshakes (or subscribes) awaiting an answer at once
  std::string roomPrefix = "example:";
  double batchMs = 10;  // a publisher sends the events that fell due within this long in one request (0: one each)
  std::string token;
};

[[noreturn]] void usage(const std::string& problem) {
  std::fprintf(stderr,
               "realtime-load: %s\nusage: BENCH_TOKEN=<token> monti-realtime-load --port P --server-pid PID "
               "[--connections N] [--rooms R] [--rate EV_PER_S] [--warmup S] [--duration S] [--baseline S] "
               "[--drain S] [--publishers N] [--ramp-rate N] [--ramp-inflight N] [--room-prefix P] [--batch-ms MS]\n",
               problem.c_str());
  std::exit(64);
}

double number(const std::string& flag, const char* text) {
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !std::isfinite(value) || value < 0) usage(flag + ": expected a number >= 0");
  return value;
}

int integer(const std::string& flag, const char* text, int least) {
  const double value = number(flag, text);
  if (value != std::floor(value) || value < least || value > 1e6)
    usage(flag + ": expected an integer >= " + std::to_string(least));
  return static_cast<int>(value);
}

Options parseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(flag + ": missing value");
    const char* value = argv[++i];
    if (flag == "--port") {
      o.port = integer(flag, value, 1);
    } else if (flag == "--server-pid") {
      o.serverPid = integer(flag, value, 1);
    } else if (flag == "--connections") {
      o.connections = integer(flag, value, 1);
    } else if (flag == "--rooms") {
      o.rooms = integer(flag, value, 1);
    } else if (flag == "--rate") {
      o.rate = number(flag, value);
    } else if (flag == "--warmup") {
      o.warmup = number(flag, value);
    } else if (flag == "--duration") {
      o.duration = number(flag, value);
    } else if (flag == "--baseline") {
      o.baseline = number(flag, value);
    } else if (flag == "--drain") {
      o.drain = number(flag, value);
    } else if (flag == "--publishers") {
      o.publishers = integer(flag, value, 1);
    } else if (flag == "--ramp-rate") {
      o.rampRate = number(flag, value);
    } else if (flag == "--ramp-inflight") {
      o.rampInflight = integer(flag, value, 1);
    } else if (flag == "--room-prefix") {
      o.roomPrefix = value;
    } else if (flag == "--batch-ms") {
      o.batchMs = number(flag, value);
    } else {
      usage("unknown option " + flag);
    }
  }
  if (o.port == 0 || o.serverPid == 0) usage("--port and --server-pid are required");
  if (o.rate <= 0 || o.duration <= 0 || o.rampRate <= 0) usage("--rate, --duration and --ramp-rate must be > 0");
  if (o.publishers > o.rooms) o.publishers = o.rooms;
  // From the environment, not argv: a token on the command line would show in ps.
  if (const char* token = std::getenv("BENCH_TOKEN"); token != nullptr) o.token = token;
  if (o.token.empty()) usage("BENCH_TOKEN (an access token allowed to publish) is not set");
  return o;
}

// ---------------------------------------------------------------------------------------------------------
// Clocks and the server's /proc figures

std::int64_t realtimeMicros() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

double monotonicSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void sleepUntil(double monotonic) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(monotonic);
  ts.tv_nsec = static_cast<long>((monotonic - static_cast<double>(ts.tv_sec)) * 1e9);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

/// utime + stime of a process, in microseconds; -1 when it is gone.
double processCpuMicros(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return -1;
  const auto close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(line.substr(close + 2));  // field 3 (state) onwards
  std::string field;
  double utime = 0;
  double stime = 0;
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index == 14) utime = std::strtod(field.c_str(), nullptr);
    if (index == 15) stime = std::strtod(field.c_str(), nullptr);
  }
  return (utime + stime) * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct ProcessStatus {
  double rssMiB = -1;
  double hwmMiB = -1;
  int threads = -1;
};

ProcessStatus processStatus(int pid) {
  ProcessStatus s;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) s.rssMiB = std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    if (line.rfind("VmHWM:", 0) == 0) s.hwmMiB = std::strtod(line.c_str() + 6, nullptr) / 1024.0;
    if (line.rfind("Threads:", 0) == 0) s.threads = static_cast<int>(std::strtol(line.c_str() + 8, nullptr, 10));
  }
  return s;
}

/// CPU time every process of the machine spent (all cores, idle and iowait excluded), in microseconds.
double machineBusyMicros() {
  std::ifstream in("/proc/stat");
  std::string label;
  in >> label;  // "cpu": the sum over all cores
  double busy = 0;
  for (int field = 0; field < 8; ++field) {  // user nice system idle iowait irq softirq steal
    double ticks = 0;
    in >> ticks;
    if (field != 3 && field != 4) busy += ticks;
  }
  return busy * 1e6 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double ownCpuMicros() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto micros = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_usec);
  };
  return micros(usage.ru_utime) + micros(usage.ru_stime);
}

// ---------------------------------------------------------------------------------------------------------
// Sockets

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

int connectSocket(int port, bool blocking) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (blocking ? 0 : SOCK_NONBLOCK), 0);
  if (fd < 0) return -1;
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const auto address = loopback(port);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
    const int error = errno;
    close(fd);
    errno = error;
    return -1;
  }
  return fd;
}

/// Closes with a reset, so a run leaves no TIME_WAIT sockets that would eat the ephemeral ports of the next.
void abortSocket(int fd) {
  const linger reset{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
  close(fd);
}

// ---------------------------------------------------------------------------------------------------------
// The client half of RFC 6455: masked frames out, unmasked frames in.

enum Opcode : std::uint8_t { kContinuation = 0, kText = 1, kBinary = 2, kClose = 8, kPing = 9, kPong = 10 };

std::uint32_t nextMask() {
  thread_local std::uint32_t state = std::random_device{}() | 1U;
  state ^= state << 13;  // xorshift32: the mask only has to vary, not be unpredictable, in a benchmark
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

void appendClientFrame(std::string& out, Opcode opcode, std::string_view payload) {
  out.push_back(static_cast<char>(0x80 | opcode));
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(0x80 | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>((payload.size() >> 8) & 0xFF));
    out.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((payload.size() >> shift) & 0xFF));
  }
  const std::uint32_t mask = nextMask();
  const char key[4] = {static_cast<char>(mask >> 24), static_cast<char>(mask >> 16), static_cast<char>(mask >> 8),
                       static_cast<char>(mask)};
  out.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
}

/// Reads the integer after `key` at or after `from`; npos-safe. Sets `next` past the number.
bool findNumber(std::string_view text, std::string_view key, std::size_t from, std::int64_t& value, std::size_t& next) {
  const auto at = text.find(key, from);
  if (at == std::string_view::npos) return false;
  std::size_t i = at + key.size();
  std::int64_t n = 0;
  const std::size_t digits = i;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
    n = n * 10 + (text[i] - '0');
  next = i;
  if (i == digits) return false;
  value = n;
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// Shared counters

/// Latencies and counts collected by the receiving loop; read by main when the run ends.
struct Tally {
  std::vector<std::uint32_t> latencyMicros;  // events received inside the window
  std::uint64_t windowFrames = 0;            // event/batch frames received inside the window
  std::uint64_t windowEvents = 0;
  std::uint64_t otherFrames = 0;  // subscribed, join/leave, pong, …
  std::uint64_t serverErrors = 0;
  std::uint64_t pings = 0;
  std::uint64_t duplicates = 0;  // an event whose offset the client already had
  std::uint64_t gaps = 0;        // offsets skipped between two received events
  std::uint64_t connectErrors = 0;
  std::uint64_t connectRetries = 0;
  std::uint64_t closes = 0;  // connections the server ended (close frame or EOF) after the upgrade
  std::map<std::string, std::uint64_t> handshakeStatus;  // non-101 answers by status code
  std::map<int, std::uint64_t> closeCodes;
  std::map<std::string, std::uint64_t> errorCodes;
  /// One entry per second of the window: frames, p99 and max latency (ms), to show a growing backlog.
  struct Second {
    std::uint64_t frames = 0;
    double p99Ms = 0;
    double maxMs = 0;
  };
  std::vector<Second> timeline;
};

/// What the publisher threads did; the per-room counts decide which events were lost.
struct PublishState {
  enum Mode : int { kIdle = 0, kBaseline = 1, kMeasure = 2, kStop = 3 };
  std::atomic<int> mode{kIdle};
  std::atomic<int> generation{0};                   // bumped with every mode change
  std::vector<std::atomic<int>> acked;              // per publisher: the generation it has settled into
  std::vector<std::atomic<std::uint64_t>> perRoom;  // 202s in measure mode
  std::atomic<bool> inWindow{false};
  std::atomic<std::uint64_t> windowPublished{0};
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::int64_t> maxLagMicros{0};  // how far behind its schedule a publisher fell (measure mode)
  std::mutex rttMutex;
  std::vector<std::uint32_t> rttMicros;  // POST round trips inside the window
  std::string firstError;

  PublishState(int publishers, int rooms)
      : acked(static_cast<std::size_t>(publishers)), perRoom(static_cast<std::size_t>(rooms)) {}

  void setMode(int m) {
    mode.store(m);
    generation.fetch_add(1);
  }
  bool allSettled() const {
    const int g = generation.load();
    return std::all_of(acked.begin(), acked.end(), [g](const std::atomic<int>& a) { return a.load() == g; });
  }
  void recordError(const std::string& what) {
    if (errors.fetch_add(1) == 0) {
      std::lock_guard lock(rttMutex);
      firstError = what;
    }
  }
};

// ---------------------------------------------------------------------------------------------------------
// Publisher: one blocking keep-alive HTTP/1.1 connection, a fixed schedule over its share of the rooms.

class Publisher {
 public:
  Publisher(const Options& options, PublishState& state, int index) : options_(options), state_(state), index_(index) {
    for (int k = index; k < options.rooms; k += options.publishers)
      rooms_.push_back(k);
  }

  void run() {
    int seenGeneration = -1;
    double start = 0;
    std::uint64_t tick = 0;  // index into this publisher's endless schedule
    std::uint64_t seq = 0;
    std::vector<std::uint32_t> rtts;
    std::vector<int> pending;  // rooms whose events fell due and wait for the batch to leave
    double firstDue = 0;
    while (true) {
      const int generation = state_.generation.load();
      const int mode = state_.mode.load();
      if (generation != seenGeneration) {
        flushRtts(rtts);
        seenGeneration = generation;
        start = monotonicSeconds();
        tick = 0;
        pending.clear();  // events of the previous phase are not this one's
        state_.acked[static_cast<std::size_t>(index_)].store(generation);
      }
      if (mode == PublishState::kStop) {  // read after `generation`: it may be the newer one, so settle on it
        state_.acked[static_cast<std::size_t>(index_)].store(state_.generation.load());
        break;
      }
      if (mode == PublishState::kIdle) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      const double period = options_.rooms / options_.rate;
      const std::size_t slot = tick % rooms_.size();
      const int room = rooms_[slot];
      const std::uint64_t round = tick / rooms_.size();  // whole periods before this tick
      const double due =
          start + static_cast<double>(round) * period + period * room / static_cast<double>(options_.rooms);
      const double now = monotonicSeconds();
      const double batchSeconds = options_.batchMs / 1000.0;
      if (due <= now && pending.size() < kMaxBatch) {  // due: it joins the batch
        if (pending.empty()) firstDue = due;
        pending.push_back(room);
        ++tick;
        if (batchSeconds > 0) continue;
      }
      if (pending.empty() || (now < firstDue + batchSeconds && pending.size() < kMaxBatch)) {
        const double wake = pending.empty() ? due : std::min(due, firstDue + batchSeconds);
        sleepUntil(std::min(wake, now + 0.005));  // wake at least every 5 ms to notice a mode change
        continue;
      }
      const bool measuring = mode == PublishState::kMeasure;
      if (measuring) {
        const auto lag = static_cast<std::int64_t>((now - firstDue - batchSeconds) * 1e6);
        std::int64_t seen = state_.maxLagMicros.load();
        while (lag > seen && !state_.maxLagMicros.compare_exchange_weak(seen, lag)) {
        }
      }
      const bool inWindow = state_.inWindow.load();
      std::int64_t sent = 0;
      const bool ok = publish(pending, seq, sent);
      seq += pending.size();
      if (ok && measuring) {
        for (const int r : pending)
          state_.perRoom[static_cast<std::size_t>(r)].fetch_add(1);
        if (inWindow) {
          state_.windowPublished.fetch_add(pending.size());
          rtts.push_back(static_cast<std::uint32_t>(std::max<std::int64_t>(0, realtimeMicros() - sent)));
        }
      }
      pending.clear();
    }
    flushRtts(rtts);
    if (fd_ >= 0) close(fd_);
  }

 private:
  const Options& options_;
  PublishState& state_;
  int index_;
  std::vector<int> rooms_;
  int fd_ = -1;
  std::string in_;

  void flushRtts(std::vector<std::uint32_t>& rtts) {
    if (rtts.empty()) return;
    std::lock_guard lock(state_.rttMutex);
    state_.rttMicros.insert(state_.rttMicros.end(), rtts.begin(), rtts.end());
    rtts.clear();
  }

  void reconnect() {
    if (fd_ >= 0) close(fd_);
    in_.clear();
    fd_ = connectSocket(options_.port, true);
    if (fd_ < 0) return;
    const timeval timeout{5, 0};  // bounded: a stuck server fails the request instead of the run
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  }

  static constexpr std::size_t kMaxBatch = 500;  // the server's limit per request

  /// One event's JSON, stamped with the time its request is sent.
  std::string eventJson(int room, std::uint64_t seq, std::int64_t stamp) const {
    return R"({"room":")" + options_.roomPrefix + std::to_string(room) + R"(","event":"bench.tick","data":{"ts":)" +
           std::to_string(stamp) + ",\"seq\":" + std::to_string(seq) + "}}";
  }

  /// POSTs the events of `rooms` (one request; the batch form when there are several), stamped with the
  /// time the request is sent (`stamp`); true on 202.
  bool publish(const std::vector<int>& rooms, std::uint64_t seq, std::int64_t& stamp) {
    for (int attempt = 0; attempt < 2; ++attempt) {  // a keep-alive connection the server closed: once more
      if (fd_ < 0) reconnect();
      stamp = realtimeMicros();
      std::string body;
      if (rooms.size() == 1) {
        body = eventJson(rooms.front(), seq + 1, stamp);
      } else {
        body = R"({"events":[)";
        for (std::size_t i = 0; i < rooms.size(); ++i) {
          if (i > 0) body.push_back(',');
          body += eventJson(rooms[i], seq + 1 + i, stamp);
        }
        body += "]}";
      }
      const std::string request =
          "POST /api/v1/admin/realtime/publish HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(options_.port) +
          "\r\nAuthorization: Bearer " + options_.token +
          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      if (fd_ < 0) {
        state_.recordError(std::string("connect: ") + std::strerror(errno));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return false;
      }
      if (!sendAll(request)) {
        reconnect();
        continue;
      }
      int status = 0;
      bool keepAlive = true;
      std::string answer;
      if (!readResponse(status, keepAlive, answer)) {
        if (attempt == 0 && answer.empty()) {
          reconnect();
          continue;
        }
        state_.recordError("no complete response to a publish");
        reconnect();
        return false;
      }
      if (!keepAlive) {
        close(fd_);
        fd_ = -1;
      }
      if (status == 202) return true;
      state_.recordError("publish answered " + std::to_string(status) + ": " + answer.substr(0, 300));
      return false;
    }
    state_.recordError("publish: the connection failed twice");
    return false;
  }

  bool sendAll(std::string_view data) {
    while (!data.empty()) {
      const auto n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  bool fill() {
    char buffer[4096];
    while (true) {
      const auto n = recv(fd_, buffer, sizeof buffer, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      in_.append(buffer, static_cast<std::size_t>(n));
      return true;
    }
  }

  bool readResponse(int& status, bool& keepAlive, std::string& body) {
    std::size_t end = 0;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return false;
    const std::string head = in_.substr(0, end);
    status = head.size() > 12 ? static_cast<int>(std::strtol(head.c_str() + 9, nullptr, 10)) : 0;
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    std::size_t length = 0;
    if (const auto at = lower.find("\r\ncontent-length:"); at != std::string::npos)
      length = std::strtoul(lower.c_str() + at + 17, nullptr, 10);
    keepAlive = lower.find("\r\nconnection: close") == std::string::npos;
    while (in_.size() < end + 4 + length)
      if (!fill()) return false;
    body = in_.substr(end + 4, length);
    in_.erase(0, end + 4 + length);
    return true;
  }
};

// ---------------------------------------------------------------------------------------------------------
// Subscribers: every WebSocket connection on one epoll loop.

struct Client {
  enum class State : std::uint8_t { idle, connecting, handshaking, open, closed, failed };
  int fd = -1;
  State state = State::idle;
  bool subscribeSent = false;
  bool subscribed = false;
  std::uint8_t attempts = 0;
  std::uint8_t fragmentOpcode = 0;
  int room = 0;
  std::int64_t lastOffset = 0;  // the room offset of the last event received (from `subscribed` on)
  std::uint64_t events = 0;     // events received after `subscribed`
  std::string in;               // bytes of an incomplete frame (or handshake)
  std::string out;              // bytes the socket would not take yet
  std::string fragments;        // a fragmented message being assembled
};

class Subscribers {
 public:
  Subscribers(const Options& options, PublishState& publish) : options_(options), publish_(publish) {
    clients_.resize(static_cast<std::size_t>(options.connections));
    for (std::size_t i = 0; i < clients_.size(); ++i)
      clients_[i].room = static_cast<int>(i % options.rooms);
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
    readBuffer_.resize(std::size_t{256} * 1024);
    tally_.latencyMicros.reserve(static_cast<std::size_t>(
        std::min(5e7, options.connections * options.rate / options.rooms * (options.duration + 1))));
  }
  ~Subscribers() {
    for (auto& c : clients_)
      if (c.fd >= 0) abortSocket(c.fd);
    close(epoll_);
  }
  Subscribers(const Subscribers&) = delete;
  Subscribers& operator=(const Subscribers&) = delete;

  /// One pass of the loop: waits up to `timeoutMs` for socket events and handles them.
  void poll(int timeoutMs) {
    epoll_event events[512];
    const int n = epoll_wait(epoll_, events, 512, timeoutMs);
    if (n <= 0) return;
    for (int i = 0; i < n; ++i) {
      Client& c = clients_[events[i].data.u64];
      if (c.fd < 0) continue;  // ended by an earlier event of this batch
      if (c.state == Client::State::connecting) {
        connected(c);
      } else {
        if ((events[i].events & EPOLLOUT) != 0U) writeOut(c);
        if ((events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0U) readIn(c);
      }
    }
  }

  /// Starts connections, at most `rampRate` a second since `since` and `rampInflight` unanswered at once.
  void rampConnections(double since, double now) {
    auto allowed = static_cast<std::size_t>((now - since) * options_.rampRate) + 1;
    while (nextConnect_ < clients_.size() && started_ < allowed &&
           inflight_ < static_cast<std::size_t>(options_.rampInflight)) {
      startConnect(clients_[nextConnect_++]);
      ++started_;
    }
    // Retries of connections refused before the upgrade (a full backlog), after everyone else had a go.
    if (nextConnect_ == clients_.size() && !retry_.empty() &&
        inflight_ < static_cast<std::size_t>(options_.rampInflight)) {
      Client& c = clients_[retry_.back()];
      retry_.pop_back();
      ++tally_.connectRetries;
      startConnect(c);
    }
  }

  /// Sends subscribe messages at the same bounded rate and concurrency.
  void rampSubscribes(double since, double now) {
    auto allowed = static_cast<std::size_t>((now - since) * options_.rampRate) + 1;
    while (nextSubscribe_ < clients_.size() && subscribesSent_ < allowed &&
           subscribesSent_ - subscribedCount_ - subscribeFailures_ < static_cast<std::size_t>(options_.rampInflight)) {
      Client& c = clients_[nextSubscribe_++];
      if (c.state != Client::State::open) continue;
      c.subscribeSent = true;
      ++subscribesSent_;
      std::string message = R"({"type":"subscribe","room":")" + options_.roomPrefix + std::to_string(c.room) + "\"}";
      appendClientFrame(c.out, kText, message);
      writeOut(c);
    }
  }

  bool connectDone() const { return nextConnect_ == clients_.size() && inflight_ == 0 && retry_.empty(); }
  bool subscribeDone() const {
    return nextSubscribe_ == clients_.size() && subscribedCount_ + subscribeFailures_ >= subscribesSent_;
  }
  std::size_t openCount() const { return openCount_; }
  std::size_t subscribedCount() const { return subscribedCount_; }

  void setWindow(bool on) {
    inWindow_ = on;
    secondStart_ = tally_.latencyMicros.size();
    secondFrames_ = tally_.windowFrames;
  }

  /// Ends one second of the window: its frames and latency percentiles go to the timeline.
  void closeSecond() {
    std::vector<std::uint32_t> slice(tally_.latencyMicros.begin() + static_cast<std::ptrdiff_t>(secondStart_),
                                     tally_.latencyMicros.end());
    Tally::Second second;
    second.frames = tally_.windowFrames - secondFrames_;
    if (!slice.empty()) {
      const auto p99 = slice.begin() + static_cast<std::ptrdiff_t>((slice.size() - 1) * 99 / 100);
      std::nth_element(slice.begin(), p99, slice.end());
      second.p99Ms = *p99 / 1000.0;
      second.maxMs = *std::max_element(p99, slice.end()) / 1000.0;
    }
    tally_.timeline.push_back(second);
    secondStart_ = tally_.latencyMicros.size();
    secondFrames_ = tally_.windowFrames;
  }
  Tally& tally() { return tally_; }
  const std::vector<Client>& clients() const { return clients_; }

 private:
  const Options& options_;
  PublishState& publish_;
  std::vector<Client> clients_;
  std::vector<char> readBuffer_;
  std::vector<std::size_t> retry_;
  int epoll_ = -1;
  std::size_t nextConnect_ = 0;
  std::size_t started_ = 0;
  std::size_t inflight_ = 0;  // connecting or handshaking
  std::size_t openCount_ = 0;
  std::size_t nextSubscribe_ = 0;
  std::size_t subscribesSent_ = 0;
  std::size_t subscribedCount_ = 0;
  std::size_t subscribeFailures_ = 0;
  std::int64_t receivedAt_ = 0;
  bool inWindow_ = false;
  std::size_t secondStart_ = 0;
  std::uint64_t secondFrames_ = 0;
  Tally tally_;

  std::uint64_t indexOf(const Client& c) const { return static_cast<std::uint64_t>(&c - clients_.data()); }

  void startConnect(Client& c) {
    ++c.attempts;
    c.in.clear();
    c.out.clear();
    c.fd = connectSocket(options_.port, false);
    if (c.fd < 0) {
      fail(c, std::string("connect: ") + std::strerror(errno), true);
      return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.u64 = indexOf(c);
    epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev);
    c.state = Client::State::connecting;
    ++inflight_;
  }

  void connected(Client& c) {
    int error = 0;
    socklen_t length = sizeof error;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      fail(c, std::string("connect: ") + std::strerror(error), true);
      return;
    }
    c.state = Client::State::handshaking;
    c.out = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(options_.port) +
            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " +
            options_.token + "\r\n\r\n";
    writeOut(c);
  }

  /// Ends a client. `retryable`: refused before the upgrade, tried again later (up to 3 times).
  void fail(Client& c, const std::string& why, bool retryable) {
    if (c.state == Client::State::connecting || c.state == Client::State::handshaking) --inflight_;
    if (c.fd >= 0) {
      epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
      abortSocket(c.fd);
      c.fd = -1;
    }
    if (retryable && c.attempts < 3) {
      c.state = Client::State::idle;
      retry_.push_back(indexOf(c));
      return;
    }
    if (c.state == Client::State::open) --openCount_;
    if (c.subscribeSent && !c.subscribed) ++subscribeFailures_;
    c.state = retryable ? Client::State::failed : Client::State::closed;
    if (retryable && tally_.connectErrors++ == 0) std::fprintf(stderr, "realtime-load: %s\n", why.c_str());
  }

  void closed(Client& c, const std::string& why) {
    if (tally_.closes++ < 3) std::fprintf(stderr, "realtime-load: connection ended: %s\n", why.c_str());
    fail(c, why, false);
  }

  void writeOut(Client& c) {
    if (c.fd < 0) return;
    while (!c.out.empty()) {
      const auto n = send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n <= 0) {
        closed(c, std::string("send: ") + std::strerror(errno));
        return;
      }
      c.out.erase(0, static_cast<std::size_t>(n));
    }
    epoll_event ev{};
    ev.events = EPOLLIN | (c.out.empty() ? 0U : static_cast<std::uint32_t>(EPOLLOUT));
    ev.data.u64 = indexOf(c);
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void readIn(Client& c) {
    while (c.fd >= 0) {
      const auto n = recv(c.fd, readBuffer_.data(), readBuffer_.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (n <= 0) {
        if (c.state == Client::State::handshaking) {
          fail(c, n == 0 ? "the server closed before the upgrade" : std::strerror(errno), true);
        } else {
          closed(c, n == 0 ? "EOF" : std::strerror(errno));
        }
        return;
      }
      receivedAt_ = realtimeMicros();
      const auto size = static_cast<std::size_t>(n);
      if (c.in.empty()) {
        const std::size_t used = consume(c, std::string_view(readBuffer_.data(), size));
        if (c.fd >= 0 && used < size) c.in.assign(readBuffer_.data() + used, size - used);
      } else {
        c.in.append(readBuffer_.data(), size);
        const std::size_t used = consume(c, c.in);
        if (c.fd >= 0) c.in.erase(0, used);
      }
      if (size < readBuffer_.size()) return;
    }
  }

  /// Handles every complete unit (the handshake answer, then frames) in `data`; returns the bytes used.
  std::size_t consume(Client& c, std::string_view data) {
    std::size_t used = 0;
    if (c.state == Client::State::handshaking) {
      const auto end = data.find("\r\n\r\n");
      if (end == std::string_view::npos) return 0;
      if (data.substr(0, 12) != "HTTP/1.1 101") {
        const std::string status(end >= 12 ? data.substr(9, 3) : std::string_view("???"));
        ++tally_.handshakeStatus[status];
        if (tally_.handshakeStatus[status] == 1)
          std::fprintf(stderr, "realtime-load: handshake answered %s\n",
                       std::string(data.substr(0, std::min<std::size_t>(end, 200))).c_str());
        fail(c, "handshake refused", false);
        return data.size();
      }
      c.state = Client::State::open;
      --inflight_;
      ++openCount_;
      used = end + 4;
    }
    while (c.fd >= 0) {
      const std::string_view rest = data.substr(used);
      if (rest.size() < 2) break;
      const auto b0 = static_cast<std::uint8_t>(rest[0]);
      const auto b1 = static_cast<std::uint8_t>(rest[1]);
      std::uint64_t length = b1 & 0x7FU;
      std::size_t header = 2;
      if (length == 126) {
        if (rest.size() < 4) break;
        length =
            (static_cast<std::uint64_t>(static_cast<std::uint8_t>(rest[2])) << 8) | static_cast<std::uint8_t>(rest[3]);
        header = 4;
      } else if (length == 127) {
        if (rest.size() < 10) break;
        length = 0;
        for (int i = 2; i < 10; ++i)
          length = (length << 8) | static_cast<std::uint8_t>(rest[static_cast<std::size_t>(i)]);
        header = 10;
      }
      if ((b1 & 0x80U) != 0) {
        closed(c, "the server sent a masked frame");
        return data.size();
      }
      if (rest.size() < header + length) break;
      const std::string_view payload = rest.substr(header, length);
      used += header + length;
      frame(c, (b0 & 0x80U) != 0, static_cast<Opcode>(b0 & 0x0FU), payload);
    }
    return used;
  }

  void frame(Client& c, bool fin, Opcode opcode, std::string_view payload) {
    switch (opcode) {
      case kPing:
        ++tally_.pings;
        appendClientFrame(c.out, kPong, payload);
        writeOut(c);
        return;
      case kPong:
        ++tally_.otherFrames;
        return;
      case kClose: {
        const int code = payload.size() >= 2
                             ? (static_cast<std::uint8_t>(payload[0]) << 8) | static_cast<std::uint8_t>(payload[1])
                             : 1005;
        ++tally_.closeCodes[code];
        closed(c, "close frame " + std::to_string(code) + " " +
                      std::string(payload.substr(std::min<std::size_t>(2, payload.size()))));
        return;
      }
      case kContinuation:
        c.fragments.append(payload);
        if (fin) {
          const std::string whole = std::move(c.fragments);
          c.fragments.clear();
          if (c.fragmentOpcode == kText) message(c, whole);
        }
        return;
      default:
        if (!fin) {
          c.fragmentOpcode = opcode;
          c.fragments.assign(payload);
          return;
        }
        if (opcode == kText) message(c, payload);
        return;
    }
  }

  /// One text message. Events are read with string searches: the hot path parses no JSON.
  void message(Client& c, std::string_view text) {
    constexpr std::string_view kPrefix = R"({"type":")";
    if (text.substr(0, kPrefix.size()) != kPrefix) {
      ++tally_.otherFrames;
      return;
    }
    const std::string_view type = text.substr(kPrefix.size(), 6);
    if (type == "event\"" || type == "batch\"") {
      events(c, text);
      return;
    }
    ++tally_.otherFrames;
    std::size_t next = 0;
    if (type == "subscr") {
      std::int64_t offset = 0;
      // `subscribed` ends with "offset":N; the room name holds no digits-after-"offset": of its own.
      if (!findNumber(text, "\"offset\":", 0, offset, next)) offset = 0;
      c.lastOffset = offset;
      if (!c.subscribed) {
        c.subscribed = true;
        ++subscribedCount_;
      }
    } else if (type == "error\"") {
      ++tally_.serverErrors;
      const auto at = text.find("\"code\":\"");
      const std::string code =
          at == std::string_view::npos ? "?" : std::string(text.substr(at + 8, text.find('"', at + 8) - at - 8));
      if (tally_.errorCodes[code]++ == 0)
        std::fprintf(stderr, "realtime-load: server error: %s\n", std::string(text.substr(0, 300)).c_str());
      if (c.subscribeSent && !c.subscribed) {
        ++subscribeFailures_;
        c.subscribeSent = false;
      }
    }
  }

  void events(Client& c, std::string_view text) {
    // Every event carries {"offset":N, …, "data":{"seq":…,"ts":T}}; a batch ends with its own "offset".
    std::size_t from = 0;
    std::size_t count = 0;
    while (true) {
      std::int64_t offset = 0;
      std::int64_t stamp = 0;
      std::size_t next = 0;
      if (!findNumber(text, "\"offset\":", from, offset, next)) break;
      if (!findNumber(text, "\"ts\":", next, stamp, next)) break;  // the batch's trailing offset
      from = next;
      ++count;
      if (offset <= c.lastOffset) {
        ++tally_.duplicates;
        continue;
      }
      if (offset > c.lastOffset + 1 && c.lastOffset > 0)
        tally_.gaps += static_cast<std::uint64_t>(offset - c.lastOffset - 1);
      c.lastOffset = offset;
      if (c.subscribed) ++c.events;
      if (inWindow_)
        tally_.latencyMicros.push_back(
            static_cast<std::uint32_t>(std::clamp<std::int64_t>(receivedAt_ - stamp, 0, UINT32_MAX)));
    }
    if (inWindow_) {
      ++tally_.windowFrames;
      tally_.windowEvents += count;
    }
  }
};

// ---------------------------------------------------------------------------------------------------------
// Results

double percentile(std::vector<std::uint32_t>& values, double p) {
  if (values.empty()) return -1;
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size()))) - 1;
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(std::min(rank, values.size() - 1));
  std::nth_element(values.begin(), at, values.end());
  return *at / 1000.0;
}

std::string jsonString(std::string_view text) {
  std::string out = "\"";
  for (const char ch : text) {
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      out.push_back(' ');
    } else {
      out.push_back(ch);
    }
  }
  return out + "\"";
}

template <typename Key>
std::string jsonCounts(const std::map<Key, std::uint64_t>& counts) {
  std::string out = "{";
  for (const auto& [key, count] : counts) {
    if (out.size() > 1) out += ",";
    if constexpr (std::is_same_v<Key, std::string>) {
      out += jsonString(key);
    } else {
      out += "\"" + std::to_string(key) + "\"";
    }
    out += ":" + std::to_string(count);
  }
  return out + "}";
}

std::string fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

struct Window {
  double seconds = 0;
  double serverCpuMicros = 0;
  double clientCpuMicros = 0;
  double machineBusyMicros = 0;
  double baselineServerCores = -1;
  ProcessStatus status;
  int peakThreads = 0;
  double connectSeconds = 0;
  double subscribeSeconds = 0;
};

void printResults(const Options& o, Subscribers& subscribers, PublishState& publish, const Window& w,
                  const std::string& error) {
  Tally& t = subscribers.tally();
  std::uint64_t expected = 0;
  std::uint64_t received = 0;
  std::uint64_t lost = 0;
  std::uint64_t extra = 0;
  std::size_t held = 0;
  for (const auto& c : subscribers.clients()) {
    if (c.state == Client::State::open) ++held;
    if (!c.subscribed) continue;
    const std::uint64_t sent = publish.perRoom[static_cast<std::size_t>(c.room)].load();
    expected += sent;
    received += c.events;
    if (c.events < sent) lost += sent - c.events;
    if (c.events > sent) extra += c.events - sent;
  }
  const double frames = static_cast<double>(t.windowFrames);
  std::vector<std::uint32_t> rtts;
  {
    std::lock_guard lock(publish.rttMutex);
    rtts = publish.rttMicros;
  }
  const double baselineMicrosPerSecond = w.baselineServerCores >= 0 ? w.baselineServerCores * 1e6 : 0;
  const double fanoutMicros = w.serverCpuMicros - baselineMicrosPerSecond * w.seconds;
  std::string out = "{";
  const auto field = [&out](const std::string& name, const std::string& value) {
    if (out.size() > 1) out += ",";
    out += "\"" + name + "\":" + value;
  };
  field("connections", std::to_string(o.connections));
  field("rooms", std::to_string(o.rooms));
  field("targetEventsPerSecond", fixed(o.rate, 0));
  field("windowSeconds", fixed(w.seconds, 2));
  field("connectSeconds", fixed(w.connectSeconds, 2));
  field("subscribeSeconds", fixed(w.subscribeSeconds, 2));
  field("connected", std::to_string(subscribers.openCount()));
  field("subscribed", std::to_string(subscribers.subscribedCount()));
  field("held", std::to_string(held));
  field("publishedPerSecond", fixed(static_cast<double>(publish.windowPublished.load()) / w.seconds, 1));
  field("framesPerSecond", fixed(frames / w.seconds, 1));
  field("eventsPerSecond", fixed(static_cast<double>(t.windowEvents) / w.seconds, 1));
  field("eventsPerFrame", fixed(frames > 0 ? static_cast<double>(t.windowEvents) / frames : 0, 3));
  field("samples", std::to_string(t.latencyMicros.size()));
  field("p50Ms", fixed(percentile(t.latencyMicros, 0.50), 2));
  field("p95Ms", fixed(percentile(t.latencyMicros, 0.95), 2));
  field("p99Ms", fixed(percentile(t.latencyMicros, 0.99), 2));
  field("p999Ms", fixed(percentile(t.latencyMicros, 0.999), 2));
  field("maxMs", fixed(percentile(t.latencyMicros, 1.0), 2));
  field("publishRttP50Ms", fixed(percentile(rtts, 0.50), 2));
  field("publishRttP99Ms", fixed(percentile(rtts, 0.99), 2));
  field("publishRttMaxMs", fixed(percentile(rtts, 1.0), 2));
  field("publisherMaxLagMs", fixed(static_cast<double>(publish.maxLagMicros.load()) / 1000.0, 2));
  field("serverCpuCores", fixed(w.serverCpuMicros / w.seconds / 1e6, 3));
  field("serverCpuUsPerFrame", fixed(frames > 0 ? w.serverCpuMicros / frames : -1, 2));
  field("baselineServerCpuCores", fixed(w.baselineServerCores, 3));
  field("fanoutCpuUsPerFrame", fixed(frames > 0 && w.baselineServerCores >= 0 ? fanoutMicros / frames : -1, 2));
  field("clientCpuCores", fixed(w.clientCpuMicros / w.seconds / 1e6, 3));
  field("machineBusyCores", fixed(w.machineBusyMicros / w.seconds / 1e6, 3));
  field("serverRssMiB", fixed(w.status.rssMiB, 1));
  field("serverHwmMiB", fixed(w.status.hwmMiB, 1));
  field("serverThreads", std::to_string(w.status.threads));
  field("serverThreadsPeak", std::to_string(w.peakThreads));
  field("expectedEvents", std::to_string(expected));
  field("receivedEvents", std::to_string(received));
  field("lostEvents", std::to_string(lost));
  field("extraEvents", std::to_string(extra));
  field("duplicateEvents", std::to_string(t.duplicates));
  field("offsetGaps", std::to_string(t.gaps));
  field("otherFrames", std::to_string(t.otherFrames));
  field("pings", std::to_string(t.pings));
  field("connectErrors", std::to_string(t.connectErrors));
  field("connectRetries", std::to_string(t.connectRetries));
  field("closes", std::to_string(t.closes));
  field("closeCodes", jsonCounts(t.closeCodes));
  field("handshakeStatus", jsonCounts(t.handshakeStatus));
  field("serverErrors", jsonCounts(t.errorCodes));
  field("publishErrors", std::to_string(publish.errors.load()));
  field("firstPublishError", jsonString(publish.firstError));
  std::string frames1s = "[";
  std::string p99s = "[";
  std::string maxs = "[";
  for (const auto& second : t.timeline) {
    const char* comma = frames1s.size() > 1 ? "," : "";
    frames1s += comma + std::to_string(second.frames);
    p99s += comma + fixed(second.p99Ms, 1);
    maxs += comma + fixed(second.maxMs, 1);
  }
  field("framesBySecond", frames1s + "]");
  field("p99MsBySecond", p99s + "]");
  field("maxMsBySecond", maxs + "]");
  field("error", jsonString(error));
  std::printf("%s}\n", out.c_str());
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------------------------
// The run

int run(const Options& o) {
  PublishState publish(o.publishers, o.rooms);
  Subscribers subscribers(o, publish);
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<Publisher>> publishers;
  for (int i = 0; i < o.publishers; ++i) {
    publishers.push_back(std::make_unique<Publisher>(o, publish, i));
    threads.emplace_back([p = publishers.back().get()] { p->run(); });
  }
  Window w;
  std::string error;
  double nextSample = 0;
  // Runs the loop until `done` says so or `limit` seconds pass; samples the server's threads once a second.
  const auto loopUntil = [&](double limit, const auto& done) {
    const double until = monotonicSeconds() + limit;
    while (true) {
      const double now = monotonicSeconds();
      if (done(now)) return true;
      if (now >= until) return false;
      if (now >= nextSample) {
        nextSample = now + 1;
        w.peakThreads = std::max(w.peakThreads, processStatus(o.serverPid).threads);
      }
      subscribers.poll(1);
    }
  };
  const auto settle = [&](double limit) { return loopUntil(limit, [&](double) { return publish.allSettled(); }); };
  const auto log = [](const std::string& text) { std::fprintf(stderr, "realtime-load: %s\n", text.c_str()); };

  double start = monotonicSeconds();
  const double rampLimit = 30 + o.connections / o.rampRate * 4;
  if (!loopUntil(rampLimit, [&](double now) {
        subscribers.rampConnections(start, now);
        return subscribers.connectDone();
      }))
    error = "connecting did not finish within " + fixed(rampLimit, 0) + " s";
  w.connectSeconds = monotonicSeconds() - start;
  log(std::to_string(subscribers.openCount()) + "/" + std::to_string(o.connections) + " connected in " +
      fixed(w.connectSeconds, 2) + " s");

  if (o.baseline > 0 && error.empty()) {
    publish.setMode(PublishState::kBaseline);
    loopUntil(1, [](double) { return false; });
    const double cpu0 = processCpuMicros(o.serverPid);
    const double t0 = monotonicSeconds();
    loopUntil(o.baseline, [](double) { return false; });
    w.baselineServerCores = (processCpuMicros(o.serverPid) - cpu0) / (monotonicSeconds() - t0) / 1e6;
    publish.setMode(PublishState::kIdle);
    settle(10);
    loopUntil(0.5, [](double) { return false; });
    log("publishing alone costs the server " + fixed(w.baselineServerCores, 3) + " cores");
  }

  start = monotonicSeconds();
  if (!loopUntil(rampLimit,
                 [&](double now) {
                   subscribers.rampSubscribes(start, now);
                   return subscribers.subscribeDone();
                 }) &&
      error.empty())
    error = "subscribing did not finish within " + fixed(rampLimit, 0) + " s";
  w.subscribeSeconds = monotonicSeconds() - start;
  log(std::to_string(subscribers.subscribedCount()) + " subscribed in " + fixed(w.subscribeSeconds, 2) + " s");
  if (subscribers.subscribedCount() < static_cast<std::size_t>(o.connections) && error.empty())
    error = "only " + std::to_string(subscribers.subscribedCount()) + " of " + std::to_string(o.connections) +
            " connections subscribed";

  publish.setMode(PublishState::kMeasure);
  loopUntil(o.warmup, [](double) { return false; });
  const double cpu0 = processCpuMicros(o.serverPid);
  const double own0 = ownCpuMicros();
  const double machine0 = machineBusyMicros();
  const double t0 = monotonicSeconds();
  publish.inWindow.store(true);
  subscribers.setWindow(true);
  const auto seconds = static_cast<int>(std::ceil(o.duration));
  for (int second = 0; second < seconds; ++second) {
    loopUntil(std::min(1.0, o.duration - second), [](double) { return false; });
    subscribers.closeSecond();
  }
  subscribers.setWindow(false);
  publish.inWindow.store(false);
  w.seconds = monotonicSeconds() - t0;
  w.serverCpuMicros = processCpuMicros(o.serverPid) - cpu0;
  w.clientCpuMicros = ownCpuMicros() - own0;
  w.machineBusyMicros = machineBusyMicros() - machine0;
  w.status = processStatus(o.serverPid);
  w.peakThreads = std::max(w.peakThreads, w.status.threads);
  if (w.status.threads < 0 && error.empty()) error = "the server process is gone";

  publish.setMode(PublishState::kStop);
  settle(10);
  loopUntil(o.drain, [](double) { return false; });
  for (auto& t : threads)
    t.join();
  printResults(o, subscribers, publish, w, error);
  return error.empty() ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parseOptions(argc, argv);
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "realtime-load: %s\n", e.what());
    return 1;
  }
}
