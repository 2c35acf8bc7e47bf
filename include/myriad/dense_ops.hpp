// dense_ops.hpp: the CPU network's three dense-layer products. With OpenBLAS (built with OpenMP, found
// at configure time: MYRIAD_BLAS) they are SGEMMs; without it, and always as the reference the tests
// compare against, OpenMP loops. The element-wise parts (bias + activation, ReLU derivative) are the
// shared rules of myriad/rules/network.hpp in both.
#pragma once
#include <string>

namespace myriad::dense {

// Layouts (row-major): a [batch][in] a layer's input, w [out][in] its weights, bias [out],
// z [batch][out] its output, dz [batch][out] the loss gradient at z, da [batch][in] at a.

// z = act(a · wᵀ + bias), act = ReLU when relu, else identity. wt: scratch of in × out floats (the
// loops use it for wᵀ; the SGEMM does not).
void forward(const float* a, int batch, int in, const float* w, const float* bias, int out, bool relu, float* z,
             float* wt);
// dw += dzᵀ · a; db += Σ_b dz[b].
void weight_grad(const float* dz, const float* a, int batch, int in, int out, float* dw, float* db);
// da = relu'(a) ⊙ (dz · w), a being the layer's input (a ReLU output).
void input_grad(const float* dz, int batch, int out, const float* w, int in, const float* a, float* da);

// What the three above run on: OpenBLAS's configuration and core ("OpenBLAS 0.3.21 ... USE_OPENMP Zen
// MAX_THREADS=64, core Zen") or "built-in loops (OpenMP)" (and why, when an OpenBLAS was there).
std::string library();

// The OpenMP loops, whatever the build: the reference for the tests and the path without BLAS.
namespace loops {
void forward(const float* a, int batch, int in, const float* w, const float* bias, int out, bool relu, float* z,
             float* wt);
void weight_grad(const float* dz, const float* a, int batch, int in, int out, float* dw, float* db);
void input_grad(const float* dz, int batch, int out, const float* w, int in, const float* a, float* da);
}  // namespace loops

}  // namespace myriad::dense
