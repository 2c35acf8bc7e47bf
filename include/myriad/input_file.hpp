// input_file.hpp: reading a file the user names (config, checkpoint, conformance vector) without
// trusting it: only a regular file is read (a FIFO, device or directory is refused without blocking),
// and never more than a stated number of bytes, whatever the file is or claims.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace myriad {

// The whole content of `path`, a regular file of at most `max_bytes` bytes. `what` names the file in
// errors ("config", "checkpoint", ...). Throws std::runtime_error with a one-line message that says
// what is wrong (missing, not a regular file, too large, unreadable).
std::vector<uint8_t> read_input_file(const std::string& path, const std::string& what, uint64_t max_bytes);
std::string read_input_text(const std::string& path, const std::string& what, uint64_t max_bytes);

}  // namespace myriad
