// video_writer.hpp: VideoWriter, an MP4 made of RGB8 frames by piping them to an `ffmpeg` process
// (raw rgb24 in, H.264/yuv420p out). Without ffmpeg on PATH it fails with the package to install.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace myriad {

// True when an executable `ffmpeg` is on PATH.
bool ffmpeg_available();

class VideoWriter {
 public:
  // Starts ffmpeg writing path + ".tmp", renamed over `path` when close() succeeds (removed when it
  // fails): a reader never sees half a video. Throws std::runtime_error when ffmpeg is missing
  // (naming `apt-get install ffmpeg`) or cannot start.
  VideoWriter(const std::string& path, int width, int height, int fps);
  ~VideoWriter();  // closes without throwing (errors are lost; call close() to see them)
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // One frame of width·height·3 bytes. Throws std::runtime_error when ffmpeg has gone.
  void add_frame(const std::vector<uint8_t>& rgb);
  // Waits for ffmpeg to finish the file and renames it into place; throws std::runtime_error (the
  // temporary removed, the message naming the free space) when it failed.
  void close();
  int64_t frames() const { return frames_; }

 private:
  std::string path_;
  int width_, height_;
  FILE* pipe_ = nullptr;
  int64_t frames_ = 0;
};

}  // namespace myriad
