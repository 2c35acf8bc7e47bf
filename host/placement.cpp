// placement.cpp: the wall grid and start positions shared by every game (placement.hpp): fixed and
// per-episode random walls, the game's own generator or uniform placement by Philox keys per cell.
#include "myriad/placement.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "myriad/games/game.hpp"
#include "myriad/rng.hpp"

namespace myriad {

namespace {

// Interior cells that are not walls, in the order of their key draw_u32(seed, cell, 0, kPlacement,
// draw): (key << 32) | cell, unique, so the order is total. Only the first `need` are sorted (more on
// demand through `sorted`).
class CellOrder {
 public:
  CellOrder(const WorldConfig& c, const std::vector<uint8_t>& wall, uint64_t seed, uint32_t draw) {
    keys_.reserve(static_cast<size_t>(c.width - 2) * static_cast<size_t>(c.height - 2));
    for (int y = 1; y < c.height - 1; ++y)
      for (int x = 1; x < c.width - 1; ++x) {
        const auto cell = static_cast<uint32_t>(static_cast<int64_t>(y) * c.width + x);
        if (wall[cell]) continue;
        keys_.push_back((static_cast<uint64_t>(draw_u32(seed, cell, 0, Stream::kPlacement, draw)) << 32) | cell);
      }
  }
  size_t size() const { return keys_.size(); }
  // The k-th cell in key order (sorts a longer prefix when k passes the sorted one).
  uint32_t at(size_t k) {
    if (k >= sorted_) {
      const size_t want = std::min(keys_.size(), std::max(k + 1, sorted_ + sorted_ / 2 + 1024));
      std::nth_element(keys_.begin() + static_cast<std::ptrdiff_t>(sorted_),
                       keys_.begin() + static_cast<std::ptrdiff_t>(want - 1), keys_.end());
      std::sort(keys_.begin() + static_cast<std::ptrdiff_t>(sorted_), keys_.begin() + static_cast<std::ptrdiff_t>(want));
      sorted_ = want;
    }
    return static_cast<uint32_t>(keys_[k]);
  }
  void prepare(size_t k) {
    if (k > 0 && k <= keys_.size()) at(k - 1);
  }

 private:
  std::vector<uint64_t> keys_;
  size_t sorted_ = 0;
};

std::vector<int> insertion_order(const WorldConfig& c) {
  if (!c.insertion_order.empty()) return c.insertion_order;
  std::vector<int> order(c.groups.size());
  for (size_t g = 0; g < order.size(); ++g) order[g] = static_cast<int>(g);
  return order;
}

}  // namespace

int block_side_for(int64_t n) {
  auto k = static_cast<int64_t>(std::sqrt(static_cast<double>(n)));
  while (k * k < n) ++k;
  return static_cast<int>(2 * k);
}

bool body_fits(const std::vector<uint8_t>& taken, int width, int height, int x, int y, int w, int h) {
  if (x < 0 || y < 0 || x + w > width || y + h > height) return false;
  for (int by = 0; by < h; ++by)
    for (int bx = 0; bx < w; ++bx)
      if (taken[static_cast<size_t>(y + by) * static_cast<size_t>(width) + static_cast<size_t>(x + bx)]) return false;
  return true;
}

std::vector<uint8_t> build_walls(const WorldConfig& c, uint64_t seed) {
  const int W = c.width, H = c.height;
  std::vector<uint8_t> wall(static_cast<size_t>(W) * static_cast<size_t>(H), 0);
  for (int x = 0; x < W; ++x) wall[static_cast<size_t>(x)] = wall[static_cast<size_t>(H - 1) * W + x] = 1;
  for (int y = 0; y < H; ++y) wall[static_cast<size_t>(y) * W] = wall[static_cast<size_t>(y) * W + W - 1] = 1;
  for (auto [x, y] : c.walls) {
    if (x < 0 || y < 0 || x >= W || y >= H)
      throw std::invalid_argument("walls: cell (" + std::to_string(x) + ", " + std::to_string(y) + ") is off the " +
                                  std::to_string(W) + "x" + std::to_string(H) + " map");
    wall[static_cast<size_t>(y) * W + x] = 1;
  }
  if (c.random_walls > 0) {
    CellOrder order(c, wall, seed, 1);
    if (static_cast<int64_t>(order.size()) < c.random_walls)
      throw std::invalid_argument("walls: " + std::to_string(c.random_walls) + " random walls but only " +
                                  std::to_string(order.size()) + " free interior cells");
    order.prepare(static_cast<size_t>(c.random_walls));
    std::vector<uint32_t> cells;
    for (int64_t k = 0; k < c.random_walls; ++k) cells.push_back(order.at(static_cast<size_t>(k)));
    for (uint32_t cell : cells) wall[cell] = 1;
  }
  return wall;
}

std::vector<Cell> random_anchors(const WorldConfig& c, const std::vector<uint8_t>& wall, uint64_t seed) {
  const int W = c.width, H = c.height;
  std::vector<uint8_t> taken(wall);
  std::vector<std::vector<Cell>> by_group(c.groups.size());
  CellOrder order(c, wall, seed, 0);
  order.prepare(static_cast<size_t>(std::min<int64_t>(c.n_agents(), static_cast<int64_t>(order.size()))));
  for (int g : insertion_order(c)) {
    const AgentType& t = c.groups[static_cast<size_t>(g)].type;
    const int64_t n = c.groups[static_cast<size_t>(g)].count;
    auto& out = by_group[static_cast<size_t>(g)];
    out.reserve(static_cast<size_t>(n));
    for (size_t k = 0; k < order.size() && static_cast<int64_t>(out.size()) < n; ++k) {
      const uint32_t cell = order.at(k);
      const int x = static_cast<int>(cell % static_cast<uint32_t>(W)), y = static_cast<int>(cell / static_cast<uint32_t>(W));
      if (!body_fits(taken, W, H, x, y, t.body_w, t.body_h)) continue;
      for (int by = 0; by < t.body_h; ++by)
        for (int bx = 0; bx < t.body_w; ++bx) taken[static_cast<size_t>(y + by) * W + x + bx] = 1;
      out.emplace_back(x, y);
    }
    if (static_cast<int64_t>(out.size()) < n)
      throw std::invalid_argument("map too small: " + std::to_string(n) + " " + c.groups[static_cast<size_t>(g)].name +
                                  " agents do not all find room on the " + std::to_string(W) + "x" +
                                  std::to_string(H) + " map (placed " + std::to_string(out.size()) + ")");
  }
  std::vector<Cell> pos;
  pos.reserve(static_cast<size_t>(c.n_agents()));
  for (const auto& v : by_group) pos.insert(pos.end(), v.begin(), v.end());
  return pos;
}

std::vector<Cell> place_agents(const WorldConfig& c, const std::vector<uint8_t>& wall, uint64_t seed) {
  if (c.placement == Placement::kRandom) return random_anchors(c, wall, seed);
  return game_spec(c.scenario).place(c, wall, seed);
}

}  // namespace myriad
