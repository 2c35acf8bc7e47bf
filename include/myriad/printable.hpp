// printable.hpp: text the user typed (a key, a value, an argument), made safe for a one-line message.
#pragma once
#include <string>
#include <string_view>

namespace myriad {

// Control bytes (a newline would split the message, a NUL end it) become \xNN; every other byte,
// UTF-8 included, is kept.
inline std::string printable(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != 0x7f) {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace myriad
