// video_writer.cpp: VideoWriter over popen("ffmpeg ... -i - out.mp4.tmp", "w"), renamed when done; SIGPIPE is ignored
// while writing so that a dead ffmpeg is an error message, not a killed process.
#include "video_writer.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "myriad/output_file.hpp"

namespace myriad {

namespace {

// 'text' for a POSIX shell.
std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Ignores SIGPIPE for its lifetime (a write to a closed pipe then fails with EPIPE).
class IgnoreSigpipe {
 public:
  IgnoreSigpipe() : old_(std::signal(SIGPIPE, SIG_IGN)) {}
  ~IgnoreSigpipe() { std::signal(SIGPIPE, old_); }

 private:
  void (*old_)(int);
};

}  // namespace

bool ffmpeg_available() {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  const std::string dirs = path;
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t colon = std::min(dirs.find(':', start), dirs.size());
    const std::string dir = colon > start ? dirs.substr(start, colon - start) : ".";
    const std::string exe = dir + "/ffmpeg";
    struct stat st {};
    if (::stat(exe.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(exe.c_str(), X_OK) == 0) return true;
    start = colon + 1;
  }
  return false;
}

VideoWriter::VideoWriter(const std::string& path, int width, int height, int fps)
    : path_(path), width_(width), height_(height) {
  if (!ffmpeg_available())
    throw std::runtime_error("--video needs ffmpeg, which is not on PATH; install it (Debian/Ubuntu: "
                             "apt-get install ffmpeg) or write PNG frames with --out");
  if (width < 1 || height < 1 || fps < 1) throw std::runtime_error("video " + path + ": bad size or frame rate");
  const std::string cmd = "ffmpeg -hide_banner -loglevel error -y -f rawvideo -pix_fmt rgb24 -s " +
                          std::to_string(width) + "x" + std::to_string(height) + " -r " + std::to_string(fps) +
                          " -i - -pix_fmt yuv420p -vf 'pad=ceil(iw/2)*2:ceil(ih/2)*2' -f mp4 " +
                          shell_quote(path + ".tmp");
  // In a session of its own (setsid, where there is one), so that Ctrl-C on the terminal stops the
  // program, which then closes the video with the frames so far, rather than killing ffmpeg first.
  const bool own_session = ::access("/usr/bin/setsid", X_OK) == 0;
  pipe_ = ::popen(((own_session ? "exec /usr/bin/setsid " : "exec ") + cmd).c_str(), "w");
  if (!pipe_) throw std::runtime_error("video " + path + ": cannot start ffmpeg");
}

VideoWriter::~VideoWriter() {
  try {
    close();
  } catch (...) {
  }
}

void VideoWriter::add_frame(const std::vector<uint8_t>& rgb) {
  if (!pipe_) throw std::runtime_error("video " + path_ + ": already closed");
  if (rgb.size() != static_cast<size_t>(width_) * height_ * 3)
    throw std::runtime_error("video " + path_ + ": frame of " + std::to_string(rgb.size()) + " bytes for " +
                             std::to_string(width_) + "x" + std::to_string(height_));
  IgnoreSigpipe guard;
  if (std::fwrite(rgb.data(), 1, rgb.size(), pipe_) != rgb.size() || std::fflush(pipe_) != 0)
    throw std::runtime_error("video " + path_ + ": ffmpeg stopped reading frames (see its message above)" +
                             free_space_note(path_));
  ++frames_;
}

void VideoWriter::close() {
  if (!pipe_) return;
  IgnoreSigpipe guard;
  const int status = ::pclose(pipe_);
  pipe_ = nullptr;
  const std::string tmp = path_ + ".tmp";
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::remove(tmp.c_str());
    throw std::runtime_error("video " + path_ + ": ffmpeg failed (exit status " +
                             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")" +
                             free_space_note(path_));
  }
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    std::remove(tmp.c_str());
    throw std::runtime_error("video " + path_ + ": cannot rename " + tmp + ": " + std::strerror(err));
  }
}

}  // namespace myriad
