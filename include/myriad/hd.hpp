// hd.hpp: the MYRIAD_HD qualifier that makes a rule callable from host loops and CUDA kernels.
// Every rule in include/myriad/rules/ is written once with it (architecture.md §1).
#pragma once
#if defined(__CUDACC__)
#define MYRIAD_HD __host__ __device__ __forceinline__
#else
#define MYRIAD_HD inline
#endif
