// cli/render_command.hpp: `myriad render`: plays one episode and writes frames of the map (PNG
// files and/or an MP4); FrameRecorder, the frame writer that `myriad run --render-every` shares.
#pragma once
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "cli/options.hpp"
#include "video_writer.hpp"

namespace myriad::cli {

// Writes World::render frames every `every` steps (and the last step) to DIR/frame_TTTTTT.png
// (episode_EEE_frame_TTTTTT.png when several episodes) and/or one video.
class FrameRecorder {
 public:
  FrameRecorder(const RenderSettings& r, bool per_episode_names);  // creates DIR, starts ffmpeg
  // Call after reset and after every step: captures when the step is a multiple of K or the last.
  void maybe_capture(World& w, int64_t episode);
  void finish();  // closes the video (throws when ffmpeg failed)
  std::string summary() const;  // "wrote N frames (WxH) to ..."

 private:
  RenderSettings r_;
  bool per_episode_names_;
  int64_t frames_ = 0;
  std::unique_ptr<VideoWriter> video_;
};

// Registers the `render` subcommand: the world options of `run` plus --every, --out, --video,
// --size, --crop, --fps.
CLI::App* add_render_command(CLI::App& app, RunOptions& o);
// The options of `render` as `run` takes them (one episode, frames into "frames" unless --video).
RunOptions render_run_options(RunOptions o);
// Runs after parsing (one episode, as `run` plays it); exit codes as run_command.
int render_command(RunOptions o);

}  // namespace myriad::cli
