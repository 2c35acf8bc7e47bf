// network.hpp: the shared-parameter network of a team (MLP shape, flat parameter layout, Adam settings):
// a Q-network, an actor's logits or a critic, behind one Network interface (forward, and backward of
// whatever loss gradient the caller gives at its outputs) with a CPU reference and a CUDA (cuBLAS) backend.
// The losses themselves are rules of their own (rules/loss.hpp).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/backend.hpp"
#include "myriad/rules/net_input.hpp"
#include "myriad/rules/network.hpp"

namespace myriad {

// inputs → hidden[0] → … → outputs, ReLU after every hidden layer, identity on the output.
struct MlpShape {
  int inputs = 0;
  std::vector<int> hidden{128, 64};
  int outputs = 0;

  int layers() const { return static_cast<int>(hidden.size()) + 1; }
  int in_dim(int l) const { return l == 0 ? inputs : hidden[static_cast<size_t>(l - 1)]; }
  int out_dim(int l) const { return l == layers() - 1 ? outputs : hidden[static_cast<size_t>(l)]; }
  int max_width() const {
    int w = outputs;
    for (int h : hidden) w = h > w ? h : w;
    return w;
  }
  // Throws std::invalid_argument naming the first non-positive width.
  void validate() const {
    if (inputs <= 0) throw std::invalid_argument("MlpShape: inputs must be positive");
    if (outputs <= 0) throw std::invalid_argument("MlpShape: outputs must be positive");
    for (size_t i = 0; i < hidden.size(); ++i)
      if (hidden[i] <= 0)
        throw std::invalid_argument("MlpShape: hidden[" + std::to_string(i) + "] must be positive");
  }
};

// Layout of the flat float parameter vector: per layer l, W_l [out][in] row-major, then b_l [out].
struct MlpParams {
  MlpShape shape;
  std::vector<size_t> w_offset, b_offset;  // one per layer
  size_t count = 0;                        // total number of parameters

  MlpParams() = default;
  explicit MlpParams(const MlpShape& s) : shape(s) {
    s.validate();
    for (int l = 0; l < s.layers(); ++l) {
      w_offset.push_back(count);
      count += static_cast<size_t>(s.out_dim(l)) * static_cast<size_t>(s.in_dim(l));
      b_offset.push_back(count);
      count += static_cast<size_t>(s.out_dim(l));
    }
  }
  size_t weight_offset(int l) const { return w_offset[static_cast<size_t>(l)]; }
  size_t bias_offset(int l) const { return b_offset[static_cast<size_t>(l)]; }
  size_t size() const { return count; }
};

// Bytes one network holds when it runs batches of up to `rows`: parameters, gradient and Adam moments;
// activations (hidden layers, Q), backward scratch (dZ, dA) and the mask/loss vectors per row. The
// trainer's memory plan (plan_train_memory) and the played networks' check (players.cpp) count with it.
inline size_t network_bytes(const MlpShape& shape, size_t rows) {
  size_t hidden_sum = 0;
  for (int h : shape.hidden) hidden_sum += static_cast<size_t>(h);
  const size_t per_row = hidden_sum + static_cast<size_t>(shape.outputs) + 2 * static_cast<size_t>(shape.max_width()) + 2;
  return (4 * MlpParams(shape).size() + rows * per_row) * sizeof(float);
}

// He-uniform weights (U(±sqrt(6 / fan_in)), counter-based: parameter index → Philox draw), zero
// biases. Computed on the host for both backends, so they start from identical bits.
inline std::vector<float> init_mlp_params(const MlpShape& shape, uint64_t seed) {
  const MlpParams layout(shape);
  std::vector<float> p(layout.size(), 0.0f);
  for (int l = 0; l < shape.layers(); ++l) {
    const float limit = std::sqrt(6.0f / static_cast<float>(shape.in_dim(l)));
    const size_t w0 = layout.weight_offset(l), w1 = layout.bias_offset(l);
    for (size_t k = w0; k < w1; ++k) p[k] = he_uniform_weight(seed, static_cast<uint32_t>(k), limit);
  }
  return p;
}

struct AdamConfig {
  float lr = 1e-4f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, clip_norm = 10.0f;  // clip <= 0: off
};

// One MLP y(x) ∈ R^outputs with its gradient accumulator and Adam moments. Pointers of forward and
// backward live where the backend computes: host memory for the CPU backend, device memory for the
// CUDA one (the *_host variants take host vectors on either). The CUDA network runs on the backend's
// stream; forward, backward and adam_step are asynchronous (synchronize() waits).
class Network {
 public:
  virtual ~Network() = default;
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  const MlpShape& shape() const { return layout_.shape; }
  const MlpParams& layout() const { return layout_; }
  AdamConfig& adam() { return adam_; }
  const AdamConfig& adam() const { return adam_; }
  int64_t step() const { return step_; }  // Adam steps taken
  virtual bool on_device() const = 0;

  // in: x [batch][inputs]; out: q [batch][outputs]. Keeps the activations for backward.
  virtual void forward(const float* x, int batch, float* q) = 0;
  // Q of `rows` agents first_id, first_id + 1, … whose inputs [view | features | ā] are read where
  // the world keeps them (s: the backend's pointers, as net_input reads them; s.width() must be the
  // input width), without materialising the rows: the CUDA network splits the first layer's product
  // by segment (the view straight from the world's f32 or, with tensor math, bf16 observations).
  // The world's buffers must be final (world synchronised). Not for backward.
  virtual void forward_inputs(const NetInputSource& s, int64_t first_id, int rows, float* q) = 0;
  // Accumulates into the gradient d/dθ of Σ_b Σ_o d_out[b][o]·y[b][o]: d_out [batch][outputs] is the
  // loss gradient at the outputs of the last forward, which must have been on these x and batch (its
  // activations are used).
  virtual void backward(const float* x, int batch, const float* d_out) = 0;
  // Clips the accumulated gradient by global norm, one Adam step (bias-corrected), zeroes the gradient.
  virtual void adam_step() = 0;
  virtual void zero_grad() = 0;
  // θ ← θ + τ (θ_online - θ) / θ ← θ_online; `online` must be of the same backend and shape.
  virtual void soft_update_from(const Network& online, float tau) = 0;
  virtual void copy_from(const Network& online) = 0;
  virtual void synchronize() {}
  // Allocates now the activations and scratch of forward_inputs over up to forward_rows rows and of
  // backward (and forward) over up to batch rows, so that none is allocated mid-step.
  virtual void prepare(int forward_rows, int batch) = 0;

  virtual std::vector<float> params() const = 0;  // host copy, MlpParams layout
  virtual void set_params(const std::vector<float>& p) = 0;
  virtual std::vector<float> grad() const = 0;  // host copy of the accumulated gradient
  // Adam state (checkpoints): host copies of the first and second moments; set_adam_state restores
  // them with the step counter (sizes must match the parameter count).
  virtual std::vector<float> adam_m() const = 0;
  virtual std::vector<float> adam_v() const = 0;
  virtual void set_adam_state(const std::vector<float>& m, const std::vector<float>& v, int64_t step) = 0;
  // Global gradient norm before clipping, of the last adam_step (the CUDA backend waits for it).
  virtual float last_grad_norm() const = 0;

  // Host-vector conveniences (tests, tools): forward, then backward of d_out on the same x (waits).
  virtual std::vector<float> forward_host(const std::vector<float>& x, int batch) = 0;
  virtual void forward_backward_host(const std::vector<float>& x, int batch, const std::vector<float>& d_out) = 0;

 protected:
  explicit Network(const MlpShape& shape) : layout_(shape) {}
  // The Adam scalars of the next step (advances the step counter): bias corrections in double.
  AdamScalars next_adam_scalars() {
    ++step_;
    const double t = static_cast<double>(step_);
    const double c1 = 1.0 / (1.0 - std::pow(static_cast<double>(adam_.beta1), t));
    const double c2 = 1.0 / (1.0 - std::pow(static_cast<double>(adam_.beta2), t));
    return AdamScalars{adam_.lr, adam_.beta1, adam_.beta2, adam_.eps, static_cast<float>(c1),
                       static_cast<float>(c2)};
  }
  void check_same_shape(const Network& other) const {
    if (other.layout_.size() != layout_.size() || other.on_device() != on_device())
      throw std::invalid_argument("Network: update from a network of another shape or backend");
  }
  void check_params_size(size_t n) const {
    if (n != layout_.size())
      throw std::invalid_argument("Network::set_params: " + std::to_string(n) + " values, expected " +
                                  std::to_string(layout_.size()));
  }

  MlpParams layout_;
  AdamConfig adam_{};
  int64_t step_ = 0;
};

// Matrix math of the CUDA network: true FP32 (CUDA cores; matches the CPU network to ~1e-5), or
// TF32 tensor cores (inputs of each product rounded to 10 mantissa bits: ~1e-3 relative error, ~7×
// the FP32 peak on an H100). The CPU network is always FP32.
enum class NetMath { kFp32, kTf32 };
const char* net_math_name(NetMath m);                     // "fp32" | "tf32"
NetMath parse_net_math(const std::string& s);             // throws std::invalid_argument

// The backend's network: the CPU reference (always FP32) or cuBLAS on the backend's stream and memory.
std::unique_ptr<Network> make_network(Backend& backend, const MlpShape& shape, uint64_t seed,
                                        NetMath math = NetMath::kFp32);
std::unique_ptr<Network> make_cpu_network(const MlpShape& shape, uint64_t seed);
// kernels/cuda_network.cu; throws std::invalid_argument unless the backend is a CUDA one (or, in a
// build without CUDA, std::runtime_error).
std::unique_ptr<Network> make_cuda_network(Backend& backend, const MlpShape& shape, uint64_t seed,
                                             NetMath math = NetMath::kFp32);

}  // namespace myriad
