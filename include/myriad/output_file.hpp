// output_file.hpp: writing a result file so that a reader never sees half of it: the text goes to
// path + ".tmp", every write is checked through the close (a full disk may show only there), then the
// temporary is renamed over path; on any failure the temporary is removed and path is left as it was.
#pragma once
#include <string>

namespace myriad {

// Throws std::runtime_error naming the file and the system's reason.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace myriad
