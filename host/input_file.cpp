// input_file.cpp: see input_file.hpp. O_NONBLOCK makes opening a FIFO return at once, so the type
// check after fstat refuses it instead of waiting for a writer.
#include "myriad/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace myriad {

namespace {

std::string quoted(const std::string& s) { return "'" + s + "'"; }

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "another kind of file";
}

}  // namespace

std::vector<uint8_t> read_input_file(const std::string& path, const std::string& what, uint64_t max_bytes) {
  const std::string name = what + " " + quoted(path);
  Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) throw std::runtime_error(name + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw std::runtime_error(name + ": cannot stat: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw std::runtime_error(name + " is not a regular file (" + kind_of(st.st_mode) + "); give a file's path");
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    throw std::runtime_error(name + " holds " + std::to_string(st.st_size) + " bytes; at most " +
                             std::to_string(max_bytes) + " are read for a " + what);
  // Read until end of file, but never past max_bytes: the file may grow while it is read.
  std::vector<uint8_t> data(static_cast<size_t>(st.st_size));
  size_t have = 0;
  for (;;) {
    if (have == data.size()) {
      if (data.size() >= max_bytes) {
        uint8_t probe;
        const ssize_t n = ::read(f.fd, &probe, 1);
        if (n == 0) break;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw std::runtime_error(name + ": cannot read: " + std::strerror(errno));
        throw std::runtime_error(name + " grew past " + std::to_string(max_bytes) + " bytes while it was read");
      }
      data.resize(std::min<uint64_t>(max_bytes, std::max<uint64_t>(4096, 2 * data.size())));
    }
    const ssize_t n = ::read(f.fd, data.data() + have, data.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(name + ": cannot read: " + std::strerror(errno));
    if (n == 0) break;
    have += static_cast<size_t>(n);
  }
  data.resize(have);
  return data;
}

std::string read_input_text(const std::string& path, const std::string& what, uint64_t max_bytes) {
  const std::vector<uint8_t> d = read_input_file(path, what, max_bytes);
  return std::string(d.begin(), d.end());
}

}  // namespace myriad
