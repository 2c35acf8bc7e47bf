// fuzz/fuzz_entries.hpp: one fuzz input through the project's entry points for the checkpoint decoder,
// the training TOML and a conformance vector. The libFuzzer targets (fuzz/fuzz_*.cpp, clang) and the
// regression test (tests/fuzz_regressions_test.cpp, the normal build) both call these, so the two cannot
// drift. A std::exception is the input refused (the expected answer to a bad input: its one-line message
// is returned); anything else is a finding: a broken invariant throws Finding (no std::exception, so no
// catch of the project takes it: the fuzzer reports a crash, the test a failure), std::bad_alloc becomes
// one, and sanitizer reports, aborts and timeouts are the fuzzer's own findings.
#pragma once
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "myriad/checkpoint.hpp"
#include "myriad/checkpoint_learners.hpp"
#include "myriad/conformance.hpp"
#include "myriad/network.hpp"
#include "myriad/train_config.hpp"

namespace myriad::fuzz {

// A broken invariant (not a refusal): deliberately not derived from std::exception.
struct Finding {
  std::string what;
};

[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  throw Finding{what};
}

// Runs f: "" when it returned, the message of the std::exception it threw (a refusal) otherwise. A
// refusal must be one non-empty line (the project prints it as `myriad: MESSAGE`); std::bad_alloc is
// a finding (an input made the code allocate past the bounds it sets).
template <class F>
std::string refusal_of(F&& f) {
  try {
    f();
    return "";
  } catch (const std::bad_alloc&) {
    finding("std::bad_alloc: the input made the code allocate more than it may");
  } catch (const std::exception& e) {
    const std::string w = e.what();
    if (w.empty()) finding("a refusal without a message");
    if (w.find('\n') != std::string::npos) finding("a refusal of more than one line: " + w);
    return w;
  }
}

// ---- checkpoints -------------------------------------------------------------------------------

inline void store_u64(std::vector<uint8_t>& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}
inline void store_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}

// What restore (trainer_learn.cpp) and eval / run (players.cpp, evaluate.cpp) do with a decoded
// checkpoint, short of a world: its config read back, counters, every learner section, the network
// built from the header's shape and the section red.online, and one forward pass.
inline void use_checkpoint(const Checkpoint& ck) {
  refusal_of([&] {
    TrainConfig t;
    apply_toml(t, ck.header.config_toml, "checkpoint (its config)");
    resolve_defaults(t, false);
    validate_train_config(t);
  });
  constexpr uint64_t kMaxCount = uint64_t{1} << 48;  // as Trainer::restore
  for (const char* name : {"episode", "env_steps", "updates"})
    refusal_of([&] {
      if (ck.get_count(name, kMaxCount) > kMaxCount) finding(std::string("get_count passed its bound: ") + name);
    });
  for (const std::string p : {"red", "blue", "opponent"}) {
    for (const char* part : {".online", ".target", ".adam_m", ".adam_v", ".actor", ".actor_target", ".critic",
                             ".critic_target", ".actor.adam_m", ".actor.adam_v", ".critic.adam_m", ".critic.adam_v"})
      refusal_of([&] {
        for (float x : ck.get_finite_floats(p + part))
          if (!(x - x == 0.0f)) finding("get_finite_floats returned a NaN or an infinity from " + p + part);
      });
    for (const char* part : {".adam_step", ".actor.adam_step", ".critic.adam_step"})
      refusal_of([&] { ck.get_count(p + part, kMaxCount); });
    refusal_of([&] { ck.get_rng("rng." + p + ".replay"); });
  }
  for (const char* name : {"rng.select", "rng.keep"}) refusal_of([&] { ck.get_rng(name); });
  for (const Section& s : ck.sections) {
    refusal_of([&] { ck.get_u64(s.name); });
    refusal_of([&] { ck.get_floats(s.name); });
    if (&ck.get(s.name) != &s) finding("get(" + s.name + ") is another section");
  }

  // The learners a player or init_from finds (checkpoint_learners.cpp): names, shape sections.
  refusal_of([&] {
    for (const CheckpointLearner& l : checkpoint_learners(ck)) {
      if (l.section.empty() || !ck.has(l.section)) finding("a learner whose section is missing: " + l.section);
      if (!l.shape.empty() && l.shape.size() < 2) finding("a learner shape of one width");
      network_parameter_count(l.shape);
    }
  });

  // The network a player loads (players.cpp load_network): the header's shape must fit red.online.
  const std::vector<int>& shape = ck.header.network_shape;
  const uint64_t params = network_parameter_count(shape);
  if (shape.size() >= 2) {  // the count, recomputed without overflow
    unsigned __int128 n = 0;
    bool positive = true;
    for (size_t l = 0; l + 1 < shape.size(); ++l) {
      positive = positive && shape[l] > 0 && shape[l + 1] > 0;
      if (positive) n += static_cast<unsigned __int128>(shape[l]) * static_cast<unsigned>(shape[l + 1]) +
                         static_cast<unsigned>(shape[l + 1]);
    }
    const uint64_t want = positive && n <= (static_cast<unsigned __int128>(1) << 40) ? static_cast<uint64_t>(n) : 0;
    if (params != want)
      finding("network_parameter_count " + std::to_string(params) + ", expected " + std::to_string(want));
  } else if (params != 0) {
    finding("network_parameter_count of a shape of " + std::to_string(shape.size()) + " sizes is not 0");
  }
  const Section* sec = ck.find("red.online");
  if (shape.size() < 2 || params == 0 || !sec || sec->bytes.size() / 4 != params) return;  // players.cpp refuses
  refusal_of([&] {
    MlpShape s;
    s.inputs = shape.front();
    s.hidden.assign(shape.begin() + 1, shape.end() - 1);
    s.outputs = shape.back();
    auto net = make_cpu_network(s, 0);
    const std::vector<float> p = ck.get_finite_floats("red.online");
    if (p.size() != net->layout().size()) finding("the network's layout differs from network_parameter_count");
    net->set_params(p);
    const std::vector<float> q = net->forward_host(std::vector<float>(static_cast<size_t>(s.inputs), 0.5f), 1);
    if (q.size() != static_cast<size_t>(s.outputs)) finding("forward_host gave " + std::to_string(q.size()) + " values");
  });
}

inline void decode_and_use(const std::vector<uint8_t>& file) {
  Checkpoint ck;
  if (!refusal_of([&] { ck = decode_checkpoint(file, "fuzz.bin"); }).empty()) return;
  // A checkpoint the decoder accepts is one the encoder writes back byte for byte (the format has one
  // encoding of each checkpoint).
  std::vector<uint8_t> again;
  const std::string r = refusal_of([&] { again = encode_checkpoint(ck); });
  if (!r.empty()) finding("a decoded checkpoint does not encode: " + r);
  if (again != file) finding("decode then encode changed the checkpoint's bytes");
  use_checkpoint(ck);
}

// The bytes as given, then with the length field and the CRC-32 made to agree with them (so that the
// fuzzer's changes reach the header and the sections, past the checksum).
inline std::string checkpoint_entry(const uint8_t* data, size_t size) {
  std::vector<uint8_t> file(data, data + size);
  decode_and_use(file);
  if (size >= 24) {
    store_u64(file, 12, size);
    store_u32(file, size - 4, crc32(file.data(), size - 4));
    decode_and_use(file);
  }
  return "";
}

// ---- the training config -------------------------------------------------------------------------

// The config resolved as `myriad train` does, then to_toml -> apply_toml must give the same config.
inline void check_round_trip(TrainConfig c) {
  if (!refusal_of([&] { resolve_defaults(c, false); }).empty()) return;
  const bool valid = refusal_of([&] { validate_train_config(c); }).empty();
  std::string text;
  const std::string r = refusal_of([&] { text = to_toml(c); });
  if (!r.empty()) finding("to_toml refused a config apply_toml accepted: " + r);
  TrainConfig back;
  const std::string r2 = refusal_of([&] { apply_toml(back, text, "to_toml's output"); });
  if (!r2.empty()) finding("to_toml's output does not read back: " + r2 + "\n" + text);
  std::string again;
  refusal_of([&] { again = to_toml(back); });
  if (again != text) finding("to_toml -> apply_toml changed the config:\n" + text + "---\n" + again);
  if (valid && !refusal_of([&] { validate_train_config(back); }).empty())
    finding("a valid config is invalid after to_toml -> apply_toml:\n" + text);
}

// The input as a TOML file, and its lines as --set KEY=VALUE overrides (in order, on the defaults).
inline std::string train_config_entry(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  TrainConfig c;
  const std::string refused = refusal_of([&] { apply_toml(c, text, "fuzz.toml"); });
  if (refused.empty()) check_round_trip(c);
  TrainConfig o;
  bool any = false;
  size_t start = 0;
  for (int lines = 0; start <= text.size() && lines < 64; ++lines) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    if (refusal_of([&] { apply_override(o, line); }).empty()) any = true;
    start = end + 1;
  }
  if (any) check_round_trip(o);
  return refused;
}

// ---- conformance vectors -------------------------------------------------------------------------

// The vector replayed on the CPU backend (what `myriad conform FILE --backend cpu` does with a file).
inline std::string conformance_entry(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  ConformanceResult res;
  const std::string refused = refusal_of([&] { res = run_conformance_text(text, "fuzz.json", BackendKind::kCpu); });
  if (refused.empty() && res.checked < 0) finding("a negative count of values checked");
  return refused;
}

}  // namespace myriad::fuzz
