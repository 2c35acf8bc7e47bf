// checkpoint.cpp: encoding, validation and atomic I/O of checkpoint files (layout in
// checkpoint.hpp); every length read from a file is bounded by the bytes left before use.
#include "myriad/checkpoint.hpp"
#include "myriad/input_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>
#include <stdexcept>
#include <utility>

namespace myriad {

namespace {

// Smallest file: preamble (magic, version, total, header length), a header with empty strings and
// shape (4 + 4 + 4·8 + 4), the section count and the CRC.
constexpr size_t kMinFile = 28 + 44 + 4 + 4;

// Quoted for a one-line message: control bytes (a damaged file's names are any bytes) as \xNN.
std::string squote(const std::string& s) {
  std::string out = "'";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != 0x7f) {
      out += ch;
      continue;
    }
    char esc[8];
    std::snprintf(esc, sizeof esc, "\\x%02x", c);
    out += esc;
  }
  return out + "'";
}

// A section name read from a file, for a message: quoted, at most 80 bytes of it.
std::string section_name(const std::string& s) { return s.size() <= 80 ? squote(s) : squote(s.substr(0, 80)) + "..."; }

std::string sys_error(const std::string& what, const std::string& path) {
  return "checkpoint: cannot " + what + " " + squote(path) + ": " + std::strerror(errno);
}

uint32_t count32(size_t n, const char* what) {  // a count or length that must fit a u32 field
  if (n > std::numeric_limits<uint32_t>::max())
    throw std::invalid_argument(std::string("checkpoint: ") + what + " has over 2^32 entries");
  return static_cast<uint32_t>(n);
}

struct Fd {  // a file descriptor, closed on scope exit
  int fd;
  ~Fd() { if (fd >= 0) ::close(fd); }
};

// Little-endian writer.
struct Out {
  std::vector<uint8_t> b;
  Out& u32(uint32_t v) { for (int i = 0; i < 4; ++i) b.push_back(uint8_t(v >> (8 * i))); return *this; }
  Out& u64(uint64_t v) { for (int i = 0; i < 8; ++i) b.push_back(uint8_t(v >> (8 * i))); return *this; }
  Out& str(const std::string& s, const char* what) {
    u32(count32(s.size(), what)).b.insert(b.end(), s.begin(), s.end());
    return *this;
  }
};

uint32_t load_u32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24; }
uint64_t load_u64(const uint8_t* p) { return load_u32(p) | uint64_t(load_u32(p + 4)) << 32; }

// Bounded little-endian reader over [pos, end); every failure names the source and the field.
struct In {
  const std::vector<uint8_t>& b;
  const std::string& src;
  size_t pos, end;
  [[noreturn]] void fail(const std::string& msg) const {
    throw std::runtime_error(src + " is damaged: " + msg +
                             " (the checksum matched, so it was written wrong; regenerate it)");
  }
  void need(size_t n, const char* what) const {
    if (n > end - pos)
      fail(std::string(what) + " at byte " + std::to_string(pos) + " needs " + std::to_string(n) +
           " bytes but only " + std::to_string(end - pos) + " remain");
  }
  uint32_t u32(const char* what) { need(4, what); pos += 4; return load_u32(&b[pos - 4]); }
  uint64_t u64(const char* what) { need(8, what); pos += 8; return load_u64(&b[pos - 8]); }
  std::string str(const char* what) {
    const uint32_t n = u32(what);
    need(n, what);  // bounded before allocating
    pos += n;
    return std::string(reinterpret_cast<const char*>(&b[pos - n]), n);
  }
};

// The bytes of a section whose size must be `unit` (exact) or a multiple of it.
const std::vector<uint8_t>& sized(const Checkpoint& c, const std::string& name, size_t unit, bool exact,
                                  const char* type) {
  const std::vector<uint8_t>& b = c.get(name).bytes;
  if (exact ? b.size() == unit : b.size() % unit == 0) return b;
  throw std::runtime_error("checkpoint section " + squote(name) + " holds " + std::to_string(b.size()) +
                           " bytes, which is not " + type + "; use the get_* matching its put_*");
}

}  // namespace

uint32_t crc32(const uint8_t* data, size_t n, uint32_t crc) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      t[i] = i;
      for (int k = 0; k < 8; ++k) t[i] = (t[i] & 1u) ? 0xEDB88320u ^ (t[i] >> 1) : t[i] >> 1;
    }
    return t;
  }();
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

const Section* Checkpoint::find(const std::string& name) const {
  for (const Section& s : sections) if (s.name == name) return &s;
  return nullptr;
}

const Section& Checkpoint::get(const std::string& name) const {
  if (const Section* s = find(name)) return *s;
  std::string have;
  for (const Section& s : sections) have += (have.empty() ? "" : ", ") + section_name(s.name);
  throw std::runtime_error("checkpoint has no section " + squote(name) + " (sections present: " +
                           (have.empty() ? "none" : have) + "); was it written by a trainer that stores it?");
}

void Checkpoint::put_bytes(const std::string& name, std::vector<uint8_t> bytes) {
  if (name.empty()) throw std::invalid_argument("checkpoint: a section name must not be empty");
  for (Section& s : sections) if (s.name == name) { s.bytes = std::move(bytes); return; }
  sections.push_back(Section{name, std::move(bytes)});
}

void Checkpoint::put_floats(const std::string& name, const std::vector<float>& values) {
  Out o;
  o.b.reserve(values.size() * 4);
  for (float f : values) { uint32_t bits; std::memcpy(&bits, &f, 4); o.u32(bits); }
  put_bytes(name, std::move(o.b));
}

void Checkpoint::put_u64(const std::string& name, uint64_t value) { put_bytes(name, Out().u64(value).b); }

void Checkpoint::put_rng(const std::string& name, const RngCounter& rng) {
  put_bytes(name, Out().u64(rng.seed).u32(rng.stream).u64(rng.counter).b);
}

std::vector<float> Checkpoint::get_floats(const std::string& name) const {
  const std::vector<uint8_t>& b = sized(*this, name, 4, false, "a whole number of floats");
  std::vector<float> out(b.size() / 4);
  for (size_t i = 0; i < out.size(); ++i) {
    const uint32_t u = load_u32(&b[4 * i]);
    std::memcpy(&out[i], &u, 4);
  }
  return out;
}

std::vector<float> Checkpoint::get_finite_floats(const std::string& name) const {
  std::vector<float> v = get_floats(name);
  for (size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      throw std::runtime_error("checkpoint section " + squote(name) + " holds " + std::to_string(v[i]) + " at index " +
                               std::to_string(i) + "; a usable checkpoint has finite values (damaged file, or a "
                               "run that diverged: take an earlier checkpoint)");
  return v;
}

uint64_t Checkpoint::get_count(const std::string& name, uint64_t max) const {
  const uint64_t v = get_u64(name);
  if (v > max)
    throw std::runtime_error("checkpoint section " + squote(name) + " holds " + std::to_string(v) + ", above " +
                             std::to_string(max) + "; the file is damaged");
  return v;
}

uint64_t network_parameter_count(const std::vector<int>& shape) {
  constexpr uint64_t kMax = uint64_t{1} << 40;
  if (shape.size() < 2) return 0;
  uint64_t total = 0;
  for (size_t i = 0; i + 1 < shape.size(); ++i) {
    if (shape[i] < 1 || shape[i + 1] < 1) return 0;
    const uint64_t a = static_cast<uint64_t>(shape[i]), b = static_cast<uint64_t>(shape[i + 1]);
    total += a * b + b;  // each factor < 2^31: no overflow before the check
    if (total > kMax) return 0;
  }
  return total;
}

uint64_t Checkpoint::get_u64(const std::string& name) const {
  return load_u64(sized(*this, name, 8, true, "one uint64 (8 bytes)").data());
}

RngCounter Checkpoint::get_rng(const std::string& name) const {
  const uint8_t* p = sized(*this, name, 20, true, "an RNG counter (20 bytes)").data();
  return RngCounter{load_u64(p), load_u32(p + 8), load_u64(p + 12)};
}

std::vector<uint8_t> encode_checkpoint(const Checkpoint& ckpt) {
  const CheckpointHeader& h = ckpt.header;
  Out hd;
  hd.str(h.algorithm, "the algorithm name");
  hd.u32(count32(h.network_shape.size(), "network_shape"));
  for (int w : h.network_shape) hd.u32(static_cast<uint32_t>(w));
  hd.u64(static_cast<uint64_t>(h.episode)).u64(static_cast<uint64_t>(h.env_steps));
  hd.u64(static_cast<uint64_t>(h.updates)).u64(h.seed);
  hd.str(h.config_toml, "config_toml");

  Out o;
  o.b.insert(o.b.end(), kCheckpointMagic, kCheckpointMagic + 8);
  o.u32(kCheckpointVersion).u64(0).u64(hd.b.size());  // the total length (0) is patched below
  o.b.insert(o.b.end(), hd.b.begin(), hd.b.end());
  o.u32(count32(ckpt.sections.size(), "the section list"));
  std::set<std::string> names;
  for (size_t i = 0; i < ckpt.sections.size(); ++i) {
    const Section& s = ckpt.sections[i];
    if (s.name.empty() || !names.insert(s.name).second)
      throw std::invalid_argument("checkpoint: section " + std::to_string(i) + " has an empty or repeated"
                                  " name " + squote(s.name) + "; use the put_* helpers, which replace");
    o.str(s.name, "a section name").u64(s.bytes.size());
    o.b.insert(o.b.end(), s.bytes.begin(), s.bytes.end());
  }
  const uint64_t total = o.b.size() + 4;
  for (int i = 0; i < 8; ++i) o.b[12 + i] = static_cast<uint8_t>(total >> (8 * i));
  o.u32(crc32(o.b.data(), o.b.size()));
  return std::move(o.b);
}

// Checks in order: magic, version, length, checksum, then the structure (bounded field by field).

Checkpoint decode_checkpoint(const std::vector<uint8_t>& b, const std::string& source) {
  const std::string src = "checkpoint " + squote(source);
  const size_t size = b.size();
  auto truncated = [&](const std::string& of) {
    return std::runtime_error(src + " is truncated at byte " + std::to_string(size) + " of " + of +
                              " (an interrupted copy or a full disk?); use an earlier checkpoint");
  };
  if (size == 0) throw std::runtime_error(src + " is empty (0 bytes), not a Myriad checkpoint");
  if (std::memcmp(b.data(), kCheckpointMagic, std::min<size_t>(size, 8)) != 0)
    throw std::runtime_error(src + " is not a Myriad checkpoint (expected magic MYRIADCK at its start)");
  if (size < 12) throw truncated("at least " + std::to_string(kMinFile));
  const uint32_t version = load_u32(&b[8]);
  if (version != kCheckpointVersion)
    throw std::runtime_error(src + " was written by format version " + std::to_string(version) +
                             "; this build reads version " + std::to_string(kCheckpointVersion) +
                             (version > kCheckpointVersion ? " (load it with a newer Myriad build)"
                                                           : " (the file is damaged)"));
  if (size < 20) throw truncated("at least " + std::to_string(kMinFile));
  const uint64_t total = load_u64(&b[12]);
  if (size < total) throw truncated(std::to_string(total));
  if (size > total || total < kMinFile)
    throw std::runtime_error(src + " is damaged: it has " + std::to_string(size) + " bytes but declares " +
                             std::to_string(total) + " (a checkpoint has at least " +
                             std::to_string(kMinFile) + "); use an earlier checkpoint");
  const uint32_t stored = load_u32(&b[size - 4]), computed = crc32(b.data(), size - 4);
  char msg[160];
  std::snprintf(msg, sizeof msg, " is damaged: checksum mismatch (stored CRC-32 %08x, computed %08x): its "
                "bytes changed after writing; use an earlier checkpoint", stored, computed);
  if (stored != computed) throw std::runtime_error(src + msg);

  In in{b, src, 20, size - 4};
  Checkpoint c;
  CheckpointHeader& h = c.header;
  h.version = version;  // == kCheckpointVersion
  const uint64_t header_len = in.u64("the header length");
  in.need(header_len, "the header");
  const size_t header_end = in.pos + static_cast<size_t>(header_len);
  const size_t body_end = std::exchange(in.end, header_end);  // fields may not pass the header's end
  h.algorithm = in.str("the algorithm name");
  const uint32_t layers = in.u32("the network shape");
  in.need(size_t(layers) * 4, "the network shape");
  for (uint32_t i = 0; i < layers; ++i) h.network_shape.push_back(static_cast<int>(in.u32("a layer")));
  h.episode = static_cast<int64_t>(in.u64("the episode"));
  h.env_steps = static_cast<int64_t>(in.u64("env_steps"));
  h.updates = static_cast<int64_t>(in.u64("updates"));
  h.seed = in.u64("the seed");
  h.config_toml = in.str("config_toml");
  if (in.pos != header_end)
    in.fail("the header declares " + std::to_string(header_len) + " bytes but its fields use " +
            std::to_string(header_len - (header_end - in.pos)));
  in.end = body_end;
  const uint32_t count = in.u32("the section count");
  if (count > (in.end - in.pos) / 12)  // each section takes at least 12 bytes
    in.fail("it declares " + std::to_string(count) + " sections but only " +
            std::to_string(in.end - in.pos) + " bytes remain for them");
  c.sections.reserve(count);
  std::set<std::string> names;
  for (uint32_t i = 0; i < count; ++i) {
    Section s;
    s.name = in.str("a section name");
    const uint64_t n = in.u64("a section length");
    if (n > in.end - in.pos)
      in.fail("section " + section_name(s.name) + " declares " + std::to_string(n) +
              " bytes, more than the " + std::to_string(in.end - in.pos) + " left in the file");
    if (s.name.empty() || !names.insert(s.name).second)
      in.fail("section " + std::to_string(i) + " has an empty or repeated name " + section_name(s.name));
    s.bytes.assign(b.begin() + in.pos, b.begin() + in.pos + n);
    in.pos += n;
    c.sections.push_back(std::move(s));
  }
  if (in.pos != in.end)
    in.fail(std::to_string(in.end - in.pos) + " bytes between the last section and the checksum");
  return c;
}

void write_checkpoint(const std::string& path, const Checkpoint& ckpt) {
  const std::vector<uint8_t> data = encode_checkpoint(ckpt);
  const std::string tmp = path + ".tmp";
  Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (f.fd < 0)
    throw std::runtime_error(sys_error("create", tmp) + " (does the directory exist and is it writable?)");
  auto give_up = [&](const std::string& what) {
    const std::string msg = sys_error(what, tmp) + "; " + squote(path) + " was left unchanged";
    ::unlink(tmp.c_str());
    throw std::runtime_error(msg);
  };
  for (size_t done = 0; done < data.size();) {
    const ssize_t n = ::write(f.fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) give_up("write");
    done += static_cast<size_t>(n);
  }
  if (::fsync(f.fd) != 0) give_up("fsync");
  const int fd = std::exchange(f.fd, -1);
  if (::close(fd) != 0) give_up("close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) give_up("rename");
  // Make the rename itself durable (best effort: some filesystems refuse fsync on directories).
  const size_t slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, std::max<size_t>(slash, 1));
  Fd d{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (d.fd >= 0) ::fsync(d.fd);
}

Checkpoint read_checkpoint(const std::string& path) {
  // Networks of the sizes the trainer accepts take megabytes; 4 GiB leaves room and bounds a wrong path.
  constexpr uint64_t kMaxCheckpointBytes = uint64_t{4} << 30;
  return decode_checkpoint(read_input_file(path, "checkpoint", kMaxCheckpointBytes), path);
}

}  // namespace myriad
