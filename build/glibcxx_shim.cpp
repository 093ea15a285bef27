// Provides std::ios_base_library_init(), which libstdc++ >= 13 (GLIBCXX_3.4.32) exports and
// TorchSharp's native library calls. Older libstdc++ initialises the standard streams through
// ios_base::Init objects instead, so constructing one here is the whole job.
#include <ios>

namespace std {
void ios_base_library_init() { static ios_base::Init init; }
}
