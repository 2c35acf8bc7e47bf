// dense_loops.cpp: the dense-layer products as OpenMP loops (dense_ops.hpp): the reference the tests
// hold the SGEMM path to, and the path of a build without OpenBLAS.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "myriad/dense_ops.hpp"
#include "myriad/rules/network.hpp"

namespace myriad::dense::loops {

// Each row accumulates outer products a[b][i] · W[:, i] in order of i (vectorised over o), skipping
// the zeros that fill most views.
void forward(const float* a, int batch, int in, const float* w, const float* bias, int out, bool relu, float* z,
             float* wt) {
#pragma omp parallel for schedule(static) if (static_cast<int64_t>(in) * out >= 16384)
  for (int i = 0; i < in; ++i)
    for (int o = 0; o < out; ++o) wt[static_cast<size_t>(i) * out + o] = w[static_cast<size_t>(o) * in + i];
#pragma omp parallel for schedule(static) if (batch >= 8)
  for (int b = 0; b < batch; ++b) {
    const float* ar = a + static_cast<size_t>(b) * in;
    float* zr = z + static_cast<size_t>(b) * out;
    std::fill(zr, zr + out, 0.0f);
    for (int i = 0; i < in; ++i) {
      const float av = ar[i];
      if (av == 0.0f) continue;
      const float* wc = wt + static_cast<size_t>(i) * out;
      for (int o = 0; o < out; ++o) zr[o] += av * wc[o];
    }
    for (int o = 0; o < out; ++o) zr[o] = bias_activation(zr[o], bias[o], relu);
  }
}

// A reduction over the batch, so the threads split the output rows instead.
void weight_grad(const float* dz, const float* a, int batch, int in, int out, float* dw, float* db) {
#pragma omp parallel for schedule(static)
  for (int o = 0; o < out; ++o) {
    float* row = dw + static_cast<size_t>(o) * in;
    float bsum = 0.0f;
    for (int b = 0; b < batch; ++b) {
      const float d = dz[static_cast<size_t>(b) * out + o];
      if (d == 0.0f) continue;
      bsum += d;
      const float* ar = a + static_cast<size_t>(b) * in;
      for (int i = 0; i < in; ++i) row[i] += d * ar[i];
    }
    db[o] += bsum;
  }
}

void input_grad(const float* dz, int batch, int out, const float* w, int in, const float* a, float* da) {
#pragma omp parallel for schedule(static)
  for (int b = 0; b < batch; ++b) {
    float* dr = da + static_cast<size_t>(b) * in;
    std::fill(dr, dr + in, 0.0f);
    for (int o = 0; o < out; ++o) {
      const float d = dz[static_cast<size_t>(b) * out + o];
      if (d == 0.0f) continue;
      const float* wr = w + static_cast<size_t>(o) * in;
      for (int i = 0; i < in; ++i) dr[i] += d * wr[i];
    }
    const float* ar = a + static_cast<size_t>(b) * in;
    for (int i = 0; i < in; ++i) dr[i] = relu_backward(dr[i], ar[i]);
  }
}

}  // namespace myriad::dense::loops
