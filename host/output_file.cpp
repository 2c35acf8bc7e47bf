// output_file.cpp: see output_file.hpp.
#include "myriad/output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace myriad {

namespace fs = std::filesystem;

std::string free_space_note(const std::string& path) {
  std::error_code ec;
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const fs::space_info sp = fs::space(dir, ec);
  if (ec) return "";
  return " (" + std::to_string(sp.available >> 20) + " MiB free on its file system)";
}

void write_text_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0;
  const int err = errno;
  const bool closed = std::fclose(f) == 0;  // a full disk may show only here
  std::error_code ec;
  if (!written || !closed) {
    fs::remove(tmp, ec);
    throw std::runtime_error("writing " + path + " failed: " + std::strerror(written ? errno : err) +
                             free_space_note(path));
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
  }
}

}  // namespace myriad
