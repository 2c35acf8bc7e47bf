// dense_ops.cpp: the dense-layer products on OpenBLAS's SGEMM when the build found it (MYRIAD_HAVE_BLAS),
// else on the loops of dense_loops.cpp. The threads are the program's OpenMP threads (OMP_NUM_THREADS,
// the waiting policy), sharing fixed blocks of each product; OpenBLAS itself runs single-threaded.
#include "myriad/dense_ops.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "myriad/rules/network.hpp"

#if MYRIAD_HAVE_BLAS
#include <cblas.h>
#endif

namespace myriad::dense {

#if MYRIAD_HAVE_BLAS

namespace {

// The products are cut into blocks whose size depends on the product's shape only, and the OpenMP
// threads share the blocks, each an SGEMM on one thread: every output element is summed in the same order whatever the thread count,
// so a run gives the same bits on 1 or 64 threads (OpenBLAS's own threading does not promise that).
// OpenBLAS built with OpenMP runs single-threaded inside an active parallel region, which is why the
// regions below have no `if` clause: one block still runs in a region. (openblas_set_num_threads
// would not do: in that build it sets the program's OpenMP thread count.)
// Rows per block: a 32nd of the batch, a multiple of 64 from 64 to 512; it depends on the batch only
// (never on the thread count). Small batches (a training batch of 256) still give many threads a block
// each; large ones (a team's forward) keep blocks big enough that re-packing the weights for every
// block costs little beside the product.
int row_block(int batch) {
  const int b = ((batch / 32 + 63) / 64) * 64;
  return std::min(512, std::max(64, b));
}
constexpr int kColumnBlock = 32;  // columns of the weight gradient per block (its K is the whole batch)

int blocks(int n, int block) { return (n + block - 1) / block; }

// The OpenBLAS the program loaded must be the OpenMP build (the pthread build, which a system's
// alternatives may select for libopenblas.so.0, would start threads of its own inside each block):
// otherwise the loops run.
bool blas_usable() {
  static const bool usable = openblas_get_parallel() == 2;
  return usable;
}

}  // namespace

void forward(const float* a, int batch, int in, const float* w, const float* bias, int out, bool relu, float* z,
             float* wt) {
  if (!blas_usable()) return loops::forward(a, batch, in, w, bias, out, relu, z, wt);
  if (batch <= 0 || out <= 0) return;
  const int rb = row_block(batch), nb = blocks(batch, rb);
#pragma omp parallel for schedule(static)
  for (int k = 0; k < nb; ++k) {
    const int b0 = k * rb, rows = std::min(rb, batch - b0);
    float* zb = z + static_cast<size_t>(b0) * out;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, out, in, 1.0f, a + static_cast<size_t>(b0) * in, in,
                w, in, 0.0f, zb, out);
    for (int r = 0; r < rows; ++r)
      for (int o = 0; o < out; ++o) zb[static_cast<size_t>(r) * out + o] = bias_activation(zb[static_cast<size_t>(r) * out + o], bias[o], relu);
  }
}

void weight_grad(const float* dz, const float* a, int batch, int in, int out, float* dw, float* db) {
  if (!blas_usable()) return loops::weight_grad(dz, a, batch, in, out, dw, db);
  if (batch <= 0 || out <= 0) return;
  const int nc = blocks(in, kColumnBlock);
#pragma omp parallel for schedule(static)
  for (int k = 0; k < nc; ++k) {
    const int i0 = k * kColumnBlock, cols = std::min(kColumnBlock, in - i0);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, cols, batch, 1.0f, dz, out, a + i0, in, 1.0f, dw + i0,
                in);
  }
  // The bias gradient in the loops' order (over b), one output per thread.
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(batch) * out >= 65536)
  for (int o = 0; o < out; ++o) {
    float bsum = 0.0f;
    for (int b = 0; b < batch; ++b) bsum += dz[static_cast<size_t>(b) * out + o];
    db[o] += bsum;
  }
}

void input_grad(const float* dz, int batch, int out, const float* w, int in, const float* a, float* da) {
  if (!blas_usable()) return loops::input_grad(dz, batch, out, w, in, a, da);
  if (batch <= 0 || in <= 0) return;
  const int rb = row_block(batch), nb = blocks(batch, rb);
#pragma omp parallel for schedule(static)
  for (int k = 0; k < nb; ++k) {
    const int b0 = k * rb, rows = std::min(rb, batch - b0);
    const size_t first = static_cast<size_t>(b0) * in;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, in, out, 1.0f, dz + static_cast<size_t>(b0) * out,
                out, w, in, 0.0f, da + first, in);
    const size_t n = static_cast<size_t>(rows) * in;
    for (size_t j = 0; j < n; ++j) da[first + j] = relu_backward(da[first + j], a[first + j]);
  }
}

std::string library() {
  const char* config = openblas_get_config();
  const char* core = openblas_get_corename();
  const std::string what = std::string(config ? config : "OpenBLAS") + (core ? std::string(", core ") + core : "");
  if (!blas_usable()) return "built-in loops (OpenMP): the loaded OpenBLAS is not its OpenMP build (" + what + ")";
  return what;
}

#else

void forward(const float* a, int batch, int in, const float* w, const float* bias, int out, bool relu, float* z,
             float* wt) {
  loops::forward(a, batch, in, w, bias, out, relu, z, wt);
}
void weight_grad(const float* dz, const float* a, int batch, int in, int out, float* dw, float* db) {
  loops::weight_grad(dz, a, batch, in, out, dw, db);
}
void input_grad(const float* dz, int batch, int out, const float* w, int in, const float* a, float* da) {
  loops::input_grad(dz, batch, out, w, in, a, da);
}
std::string library() { return "built-in loops (OpenMP)"; }

#endif

}  // namespace myriad::dense
