// png_writer.cpp: write_png / read_png over libpng's simplified API (png_image), the write going
// to PATH.tmp first and renamed into place.
#include "png_writer.hpp"

#include <png.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "myriad/output_file.hpp"

namespace myriad {

void write_png(const std::string& path, int width, int height, const std::vector<uint8_t>& rgb) {
  if (width < 1 || height < 1 || rgb.size() != static_cast<size_t>(width) * height * 3)
    throw std::runtime_error("write_png " + path + ": " + std::to_string(rgb.size()) + " bytes for a " +
                             std::to_string(width) + "x" + std::to_string(height) + " RGB image");
  png_image img;
  std::memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  img.width = static_cast<png_uint_32>(width);
  img.height = static_cast<png_uint_32>(height);
  img.format = PNG_FORMAT_RGB;
  const std::string tmp = path + ".tmp";
  errno = 0;
  if (!png_image_write_to_file(&img, tmp.c_str(), 0, rgb.data(), 0, nullptr)) {
    const int err = errno;  // libpng says "Write Error"; the system says why
    std::string msg = img.message;
    if (err != 0 && msg.find(std::strerror(err)) == std::string::npos) msg += std::string(": ") + std::strerror(err);
    png_image_free(&img);
    std::remove(tmp.c_str());
    throw std::runtime_error("writing " + path + " failed: " + msg + free_space_note(path));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string msg = std::strerror(errno);
    std::remove(tmp.c_str());
    throw std::runtime_error("write_png " + path + ": cannot rename " + tmp + ": " + msg);
  }
}

std::vector<uint8_t> read_png(const std::string& path, int& width, int& height) {
  png_image img;
  std::memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&img, path.c_str()))
    throw std::runtime_error("read_png " + path + ": " + img.message);
  img.format = PNG_FORMAT_RGB;
  std::vector<uint8_t> rgb(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, nullptr, rgb.data(), 0, nullptr)) {
    const std::string msg = img.message;
    png_image_free(&img);
    throw std::runtime_error("read_png " + path + ": " + msg);
  }
  width = static_cast<int>(img.width);
  height = static_cast<int>(img.height);
  return rgb;
}

}  // namespace myriad
