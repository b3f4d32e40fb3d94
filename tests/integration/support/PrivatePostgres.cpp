#include "support/PrivatePostgres.hpp"

#include "support/Command.hpp"

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace monti::itest {
namespace {

namespace fs = std::filesystem;

constexpr const char* kServiceUser = "monti";

std::string pgBin(const std::string& tool) { return std::string(MONTI_PG_BIN) + "/" + tool; }

// A TCP port nobody listens on right now (the kernel's pick). Another process could take it before PostgreSQL
// binds it; acceptable for tests, as in scripts/lib/services.sh.
int freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API takes a sockaddr*
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (::bind(fd, generic, length) != 0 || ::getsockname(fd, generic, &length) != 0) {
    ::close(fd);
    throw std::runtime_error("bind failed");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string randomHex() {
  std::random_device device;
  std::ostringstream text;
  text << std::hex << device() << device() << device() << device();
  return text.str();
}

const passwd* serviceUser() { return getpwnam(kServiceUser); }  // NOLINT(concurrency-mt-unsafe): test setup only

}  // namespace

std::string PrivatePostgres::unavailableReason() {
  if (!fs::exists(pgBin("initdb"))) return pgBin("initdb") + " is not installed";
  if (geteuid() == 0 && serviceUser() == nullptr) {
    return std::string("running as root needs the system user ") + kServiceUser +
           " (scripts/lib/services.sh creates it)";
  }
  return "";
}

PrivatePostgres::PrivatePostgres() {
  const auto password = randomHex();
  std::ofstream(dir_.path() / "password") << password << "\n";
  if (geteuid() == 0) {
    const auto* user = serviceUser();
    if (user == nullptr) throw std::runtime_error(unavailableReason());
    ::chmod(dir_.path().c_str(), 0700);
    for (const auto& path : {dir_.path(), dir_.path() / "password"}) {
      if (::chown(path.c_str(), user->pw_uid, user->pw_gid) != 0) throw std::runtime_error("chown failed");
    }
  }
  run({pgBin("initdb"), "--pgdata=" + (dir_.path() / "data").string(), "--username=monti", "--auth-local=trust",
       "--auth-host=scram-sha-256", "--pwfile=" + (dir_.path() / "password").string(), "--encoding=UTF8",
       "--locale=C.UTF-8"});
  port_ = freePort();
  url_ = "postgresql://monti:" + password + "@127.0.0.1:" + std::to_string(port_) + "/postgres";
  start();
}

PrivatePostgres::~PrivatePostgres() {
  try {
    stop();
  } catch (const std::exception&) {
    // The temp folder goes anyway; a server left running would show in the log of the next run.
  }
}

void PrivatePostgres::run(std::vector<std::string> args) const {
  if (geteuid() == 0) {
    const std::string runuser = fs::exists("/usr/sbin/runuser") ? "/usr/sbin/runuser" : "runuser";
    args.insert(args.begin(), {runuser, "-u", kServiceUser, "--"});
  }
  const auto result = runCommand(args, 90s);
  if (result.exitCode != 0) {
    std::string command;
    for (const auto& a : args)
      command += a + " ";
    throw std::runtime_error("failed: " + command + "\n" + result.out + result.err + "\n" + log());
  }
}

void PrivatePostgres::start() {
  const auto dir = dir_.path().string();
  run({pgBin("pg_ctl"), "start", "--pgdata=" + dir + "/data", "--wait", "--timeout=60", "--log=" + dir + "/server.log",
       "--options=-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " + dir +
           " -c unix_socket_permissions=0700 -c fsync=off -c full_page_writes=off -c synchronous_commit=off"});
  running_ = true;
}

void PrivatePostgres::stop() {
  if (!running_) return;
  run({pgBin("pg_ctl"), "stop", "--pgdata=" + dir_.path().string() + "/data", "--mode=fast", "--wait"});
  running_ = false;
}

std::string PrivatePostgres::log() const {
  std::ifstream in(dir_.path() / "server.log");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace monti::itest
