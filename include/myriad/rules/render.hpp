// rules/render.hpp: the raster of the map, one output pixel at a time (RGB8): a crop window of the
// map, max-pooled (agent > wall > empty) when it is larger than the image, or upscaled by cell_px.
#pragma once
#include <cstdint>

#include "myriad/views.hpp"

namespace myriad {

// Which cells the image shows and at what scale. Exactly one of pool and cell_px may exceed 1.
struct RenderParams {
  int x0 = 0, y0 = 0;            // crop origin (cells)
  int crop_w = 0, crop_h = 0;    // crop size (cells)
  int pool = 1;                  // cells per pixel side when shrinking (max-pooling of pool×pool)
  int cell_px = 1;               // pixels per cell side when enlarging
  int width = 0, height = 0;     // image size (pixels)
  int64_t n_pixels() const { return static_cast<int64_t>(width) * height; }
};

struct Rgb8 {
  uint8_t r, g, b;
};

MYRIAD_HD Rgb8 render_empty_color() { return Rgb8{18, 20, 28}; }
MYRIAD_HD Rgb8 render_wall_color() { return Rgb8{128, 128, 128}; }

// A group's colour (0xRRGGBB, the game's table) shaded by hp / hp_max: full brightness at full hp,
// 3/8 of it near death (never black). Integer shading so both backends agree exactly.
MYRIAD_HD Rgb8 render_agent_color(uint32_t rgb, float hp, float hp_max) {
  const Rgb8 base{static_cast<uint8_t>(rgb >> 16), static_cast<uint8_t>(rgb >> 8), static_cast<uint8_t>(rgb)};
  const float frac = hp_max > 0.0f ? hp / hp_max : 1.0f;
  int q = static_cast<int>(frac * 256.0f);  // 0..256
  q = q < 0 ? 0 : (q > 256 ? 256 : q);
  const int shade = 96 + (q * 160) / 256;   // 96..256 (of 256)
  return Rgb8{static_cast<uint8_t>(base.r * shade / 256), static_cast<uint8_t>(base.g * shade / 256),
              static_cast<uint8_t>(base.b * shade / 256)};
}

// Per output pixel p (row-major, y down): the cells it covers, the winner among them (the agent
// with the smallest id, else a wall, else empty), its colour into rgb[3p .. 3p+2].
// Reads occ (built by the index: alive agents, walls), and hp and group of the winning agent.
MYRIAD_HD void render_pixel(int64_t p, const GridView& g, const AgentView& a, const GroupTable& gt,
                            const RenderParams& rp, uint8_t* rgb) {
  const int px = static_cast<int>(p % rp.width), py = static_cast<int>(p / rp.width);
  int cx0, cy0, span;
  if (rp.cell_px > 1) {
    cx0 = rp.x0 + px / rp.cell_px;
    cy0 = rp.y0 + py / rp.cell_px;
    span = 1;
  } else {
    cx0 = rp.x0 + px * rp.pool;
    cy0 = rp.y0 + py * rp.pool;
    span = rp.pool;
  }
  int cx1 = cx0 + span, cy1 = cy0 + span;  // clipped to the crop and the map
  if (cx1 > rp.x0 + rp.crop_w) cx1 = rp.x0 + rp.crop_w;
  if (cy1 > rp.y0 + rp.crop_h) cy1 = rp.y0 + rp.crop_h;
  if (cx1 > g.dims.width) cx1 = g.dims.width;
  if (cy1 > g.dims.height) cy1 = g.dims.height;
  int32_t best = kEmpty;  // smallest agent id in the block, if any
  bool wall = false;
  for (int y = cy0; y < cy1; ++y)
    for (int x = cx0; x < cx1; ++x) {
      const int32_t v = g.occ[g.dims.cell(x, y)];
      if (v >= 0) best = (best < 0 || v < best) ? v : best;
      else if (v == kWall) wall = true;
    }
  // From 4 px per cell on, an agent is a square with a one-pixel gutter (right, bottom) of background
  // so that neighbours stay apart; a multi-cell body has none between its own cells; walls stay solid.
  bool gutter = false;
  if (rp.cell_px >= 4 && best >= 0) {
    const bool right = px % rp.cell_px == rp.cell_px - 1, bottom = py % rp.cell_px == rp.cell_px - 1;
    auto same_body = [&](int x, int y) { return g.dims.inside(x, y) && g.occ[g.dims.cell(x, y)] == best; };
    gutter = (right && !same_body(cx0 + 1, cy0)) || (bottom && !same_body(cx0, cy0 + 1)) ||
             (right && bottom && !same_body(cx0 + 1, cy0 + 1));
  }
  Rgb8 c;
  if (best >= 0 && !gutter) {
    const int grp = a.group[best];
    c = render_agent_color(gt.color[grp], a.hp[best], gt.type[grp].hp_max);
  } else {
    c = wall ? render_wall_color() : render_empty_color();  // an agent's gutter is never a wall cell
  }
  rgb[3 * p] = c.r;
  rgb[3 * p + 1] = c.g;
  rgb[3 * p + 2] = c.b;
}

// nullptr when rp can render a width×height map, else what is wrong (host side, before a launch).
inline const char* render_params_error(const RenderParams& rp, int map_w, int map_h) {
  if (rp.crop_w < 1 || rp.crop_h < 1) return "render: the crop window is empty";
  if (rp.x0 < 0 || rp.y0 < 0 || rp.x0 + rp.crop_w > map_w || rp.y0 + rp.crop_h > map_h)
    return "render: the crop window leaves the map";
  if (rp.pool < 1 || rp.cell_px < 1 || (rp.pool > 1 && rp.cell_px > 1))
    return "render: pool and cell_px must be >= 1 and not both > 1";
  if (rp.width < 1 || rp.height < 1) return "render: empty image";
  const int64_t need_w = rp.cell_px > 1 ? int64_t{rp.crop_w} * rp.cell_px : (rp.crop_w + rp.pool - 1) / rp.pool;
  const int64_t need_h = rp.cell_px > 1 ? int64_t{rp.crop_h} * rp.cell_px : (rp.crop_h + rp.pool - 1) / rp.pool;
  if (rp.width != need_w || rp.height != need_h) return "render: the image size does not match crop and scale";
  return nullptr;
}

}  // namespace myriad
