// render.cpp: fit_render, the choice of scale for World::render: max-pooling factor or pixels per
// cell so that a map (or a crop of it) fits a maximum image side.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "myriad/world.hpp"

namespace myriad {

namespace {
constexpr int kMaxCellPx = 8;  // small maps are enlarged up to this many pixels per cell
}

RenderParams fit_render(const WorldConfig& cfg, int max_side, int crop_x, int crop_y, int crop_w, int crop_h) {
  if (max_side < 1)
    throw std::invalid_argument("render size must be >= 1 pixel (got " + std::to_string(max_side) + ")");
  RenderParams rp;
  if (crop_w == 0 && crop_h == 0 && crop_x == 0 && crop_y == 0) {
    crop_w = cfg.width;
    crop_h = cfg.height;
  }
  if (crop_w < 1 || crop_h < 1 || crop_x < 0 || crop_y < 0 || crop_x > cfg.width - crop_w ||
      crop_y > cfg.height - crop_h)
    throw std::invalid_argument("crop " + std::to_string(crop_x) + "," + std::to_string(crop_y) + "," +
                                std::to_string(crop_w) + "," + std::to_string(crop_h) + " is not inside the " +
                                std::to_string(cfg.width) + "x" + std::to_string(cfg.height) +
                                " map; use x,y,w,h with w,h >= 1, x+w <= " + std::to_string(cfg.width) +
                                ", y+h <= " + std::to_string(cfg.height));
  rp.x0 = crop_x;
  rp.y0 = crop_y;
  rp.crop_w = crop_w;
  rp.crop_h = crop_h;
  const int side = std::max(crop_w, crop_h);
  if (side > max_side) {
    rp.pool = (side + max_side - 1) / max_side;
    rp.width = (crop_w + rp.pool - 1) / rp.pool;
    rp.height = (crop_h + rp.pool - 1) / rp.pool;
  } else {
    rp.cell_px = std::min(kMaxCellPx, max_side / side);
    rp.width = crop_w * rp.cell_px;
    rp.height = crop_h * rp.cell_px;
  }
  return rp;
}

}  // namespace myriad
