// cli/render_command.cpp: FrameRecorder (World::render -> PNG files / ffmpeg) and the `render`
// subcommand, which is `run` with one episode and frames switched on.
#include "cli/render_command.hpp"

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "cli/run_command.hpp"
#include "png_writer.hpp"

namespace myriad::cli {

FrameRecorder::FrameRecorder(const RenderSettings& r, bool per_episode_names)
    : r_(r), per_episode_names_(per_episode_names) {
  if (!r_.dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(r_.dir, ec);
    if (ec) throw std::runtime_error("cannot create the frame folder " + r_.dir + ": " + ec.message());
  }
  if (!r_.video.empty())
    video_ = std::make_unique<VideoWriter>(r_.video, r_.params.width, r_.params.height, r_.fps);
}

void FrameRecorder::maybe_capture(World& w, int64_t episode) {
  const int64_t t = w.step_index();
  if (t % r_.every != 0 && !w.done()) return;
  const std::vector<uint8_t> rgb = w.render(r_.params);
  if (!r_.dir.empty()) {
    char name[64];
    if (per_episode_names_)
      std::snprintf(name, sizeof name, "episode_%03lld_frame_%06lld.png", static_cast<long long>(episode),
                    static_cast<long long>(t));
    else
      std::snprintf(name, sizeof name, "frame_%06lld.png", static_cast<long long>(t));
    write_png((std::filesystem::path(r_.dir) / name).string(), r_.params.width, r_.params.height, rgb);
  }
  if (video_) video_->add_frame(rgb);
  ++frames_;
}

void FrameRecorder::finish() {
  if (video_) video_->close();
}

std::string FrameRecorder::summary() const {
  const RenderParams& p = r_.params;
  std::string s = "wrote " + std::to_string(frames_) + " frame(s) of " + std::to_string(p.width) + "x" +
                  std::to_string(p.height) + " px (cells " + std::to_string(p.x0) + ".." +
                  std::to_string(p.x0 + p.crop_w - 1) + " x " + std::to_string(p.y0) + ".." +
                  std::to_string(p.y0 + p.crop_h - 1) + ", " +
                  (p.pool > 1 ? std::to_string(p.pool) + "x" + std::to_string(p.pool) + " cells per pixel"
                              : std::to_string(p.cell_px) + " px per cell") + ")";
  if (!r_.dir.empty()) s += " to " + r_.dir;
  if (!r_.video.empty()) s += std::string(r_.dir.empty() ? " to " : " and ") + r_.video;
  return s;
}

CLI::App* add_render_command(CLI::App& app, RunOptions& o) {
  CLI::App* r = app.add_subcommand("render", "Play one episode and write frames of the map (PNG and/or MP4)");
  add_world_options(*r, o);
  o.render_every = "10";
  r->add_option("--every", o.render_every, "Write a frame every K steps (step 0 and the last step included)")
      ->type_name("K")->capture_default_str();
  r->add_option("--out", o.render_dir, "Folder of the PNG frames frame_TTTTTT.png (default: frames, unless --video)")
      ->type_name("DIR");
  r->add_option("--video", o.video, "Also write the frames as an MP4 (needs ffmpeg on PATH)")->type_name("FILE.mp4");
  r->add_option("--fps", o.fps, "Frames per second of the video")->type_name("INT")->capture_default_str();
  r->add_option("--size", o.size,
                "Largest image side in pixels: larger maps are max-pooled, smaller ones enlarged (up to 8 px per cell)")
      ->type_name("PIXELS")->capture_default_str();
  r->add_option("--crop", o.crop, "Show only the cells [x, x+w) x [y, y+h) of the map")->type_name("x,y,w,h");
  r->add_flag("--quiet,-q", o.quiet, "No header and no progress line");
  return r;
}

RunOptions render_run_options(RunOptions o) {
  o.render_command = true;
  o.episodes = "1";
  if (o.render_dir.empty() && o.video.empty()) o.render_dir = "frames";
  return o;
}

int render_command(RunOptions o) { return run_command(render_run_options(std::move(o))); }

}  // namespace myriad::cli
