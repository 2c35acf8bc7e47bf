// png_writer.hpp: RGB8 images to and from PNG files (libpng), for World::render's frames. A file
// is written to PATH.tmp and renamed, so a reader never sees half an image.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace myriad {

// Writes width×height RGB8 pixels (row-major, 3 bytes each). Throws std::runtime_error naming the path.
void write_png(const std::string& path, int width, int height, const std::vector<uint8_t>& rgb);

// Reads a PNG as RGB8 (any PNG libpng reads: alpha dropped over black, grey widened).
// Throws std::runtime_error naming the path.
std::vector<uint8_t> read_png(const std::string& path, int& width, int& height);

}  // namespace myriad
