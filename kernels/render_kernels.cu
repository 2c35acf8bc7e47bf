// render_kernels.cu: World::render on the device: one thin kernel over the output pixels that
// calls the shared render rule (rules/render.hpp), writing the RGB8 image into device memory.
#include "cuda_world.cuh"
#include "launch.cuh"
#include "myriad/rules/render.hpp"

namespace myriad::gpu {
namespace {

__global__ void render_kernel(int64_t n,
                              GridView g,       // in: occ
                              AgentView a,      // in: hp, group
                              GroupTable gt,    // in: hp_max per group
                              RenderParams rp,  // in: crop and scale
                              uint8_t* rgb)     // out: 3 bytes per pixel
{
  for (int64_t p = thread_index(); p < n; p += thread_stride()) render_pixel(p, g, a, gt, rp, rgb);
}

}  // namespace

void launch_render(const GridView& g, const AgentView& a, const GroupTable& gt, const RenderParams& rp,
                   uint8_t* d_rgb, cudaStream_t stream) {
  linear_kernel(render_kernel, 0, stream, rp.n_pixels(), g, a, gt, rp, d_rgb);
}

}  // namespace myriad::gpu
