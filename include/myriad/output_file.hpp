// output_file.hpp: writing a result file so that a reader never sees half of it: the text goes to
// path + ".tmp", every write is checked through the close (a full disk may show only there), then the
// temporary is renamed over path; on any failure the temporary is removed and path is left as it was.
#pragma once
#include <string>

namespace myriad {

// Throws std::runtime_error naming the file, the system's reason and the free space.
void write_text_file(const std::string& path, const std::string& text);

// " (12 MiB free on its file system)" for the folder that holds path, "" when that cannot be read: a
// failed write's message says how much room there was.
std::string free_space_note(const std::string& path);

}  // namespace myriad
