// checkpoint.hpp: the trainer's checkpoint file: a header plus named byte sections, written
// atomically and read back with every length bounded and a CRC-32 over the whole file.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace myriad {

// Binary layout, version 1 (all integers little-endian; str = u32 length + bytes, no NUL):
//   offset 0   magic "MYRIADCK" (8 bytes)
//   offset 8   u32 format version
//   offset 12  u64 total file length in bytes (checksum included)
//   offset 20  u64 header length H
//   offset 28  header (H bytes): str algorithm, u32 n + n × i32 network_shape,
//              i64 episode, i64 env_steps, i64 updates, u64 seed, str config_toml
//   28 + H     u32 section count, then per section: str name, u64 byte length, the bytes
//   end - 4    u32 CRC-32 (IEEE 802.3, reflected 0xEDB88320) over every byte before it
// Floats are stored as the little-endian bit pattern of the IEEE-754 binary32 (bit-exact).
inline constexpr char kCheckpointMagic[8] = {'M', 'Y', 'R', 'I', 'A', 'D', 'C', 'K'};
inline constexpr uint32_t kCheckpointVersion = 1;

struct CheckpointHeader {
  uint32_t version = kCheckpointVersion;  // format version; read_checkpoint fills it from the file
  std::string algorithm;                  // e.g. "mfq", "iql"
  std::vector<int> network_shape;         // layer widths of the shared network
  int64_t episode = 0, env_steps = 0, updates = 0;
  uint64_t seed = 0;
  std::string config_toml;                // the run's full configuration, verbatim
};

struct Section {
  std::string name;  // unique within a checkpoint, non-empty
  std::vector<uint8_t> bytes;
};

// State of a counter-based (Philox) stream: draws are a pure function of (seed, stream, counter).
struct RngCounter {
  uint64_t seed = 0;
  uint32_t stream = 0;
  uint64_t counter = 0;
  bool operator==(const RngCounter& o) const {
    return seed == o.seed && stream == o.stream && counter == o.counter;
  }
};

struct Checkpoint {
  CheckpointHeader header;
  std::vector<Section> sections;

  // Lookup; find returns nullptr when absent, get throws std::runtime_error naming the missing
  // section and listing the ones present.
  bool has(const std::string& name) const { return find(name) != nullptr; }
  const Section* find(const std::string& name) const;
  const Section& get(const std::string& name) const;

  // Typed helpers. put_* replaces a section of the same name (or appends one); get_* throws
  // std::runtime_error when the section is missing or its size does not fit the type.
  void put_bytes(const std::string& name, std::vector<uint8_t> bytes);
  void put_floats(const std::string& name, const std::vector<float>& values);
  void put_u64(const std::string& name, uint64_t value);
  void put_rng(const std::string& name, const RngCounter& rng);
  const std::vector<uint8_t>& get_bytes(const std::string& name) const { return get(name).bytes; }
  std::vector<float> get_floats(const std::string& name) const;
  uint64_t get_u64(const std::string& name) const;
  RngCounter get_rng(const std::string& name) const;
  // get_floats, refusing a NaN or an infinity (a damaged file, or a run that diverged).
  std::vector<float> get_finite_floats(const std::string& name) const;
  // get_u64, refusing a value above `max` (a counter that would wrap when signed).
  uint64_t get_count(const std::string& name, uint64_t max) const;
};

// The number of parameters of a fully connected network of this shape (inputs, hidden..., outputs),
// weights and biases; 0 when the shape has fewer than two sizes, a size below 1, or the count
// passes 2^40 (no network a checkpoint may hold is that large).
uint64_t network_parameter_count(const std::vector<int>& shape);

// CRC-32 (IEEE, as zlib's crc32); pass the previous value to continue a running checksum.
uint32_t crc32(const uint8_t* data, size_t n, uint32_t crc = 0);

// Serialise / parse in memory. encode throws std::invalid_argument for an unwritable checkpoint
// (empty or duplicate section names, strings over 4 GiB). decode throws std::runtime_error whose
// message starts with `source` (a file name) and says what is wrong and what would work.
std::vector<uint8_t> encode_checkpoint(const Checkpoint& ckpt);
Checkpoint decode_checkpoint(const std::vector<uint8_t>& file, const std::string& source);

// Writes path + ".tmp", fsyncs it, renames it over path and fsyncs the directory: an existing
// file at path is replaced only when the new one is complete. Throws std::runtime_error (the
// .tmp removed) on any I/O failure.
void write_checkpoint(const std::string& path, const Checkpoint& ckpt);

// Reads and validates a whole file; throws std::runtime_error naming the file and the problem.
Checkpoint read_checkpoint(const std::string& path);

}  // namespace myriad
