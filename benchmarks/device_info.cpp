// device_info.cpp: what a benchmark result must carry about the machine: host CPU, thread count,
// and for the CUDA backend the device name, compute capability, memory, driver and runtime versions.
#include <omp.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "myriad/dense_ops.hpp"

#ifdef MYRIAD_HAVE_CUDA
#include <cuda_runtime.h>
#endif

#include "device_info.hpp"
#include "myriad/world.hpp"

namespace myriad::bench {

namespace {

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) {
      const auto p = line.find(':');
      return p == std::string::npos ? line : line.substr(p + 2);
    }
  return "unknown";
}

#ifdef MYRIAD_HAVE_CUDA
// "550.54.15" from /proc/driver/nvidia/version ("NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15 ..."),
// "" when absent.
std::string nvidia_driver_version() {
  std::ifstream f("/proc/driver/nvidia/version");
  std::string line;
  if (!std::getline(f, line)) return "";
  const std::string key = "Kernel Module";
  const size_t at = line.find(key);
  if (at == std::string::npos) return "";
  size_t b = line.find_first_not_of(' ', at + key.size());
  if (b == std::string::npos) return "";
  return line.substr(b, line.find(' ', b) - b);
}

std::string cuda_version_string(int v) {
  return std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
}
#endif

std::string run_line(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return "";
  char buf[256] = {};
  std::string out;
  if (std::fgets(buf, sizeof buf, p)) out = buf;
  pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::string current_commit(const std::string& source_dir) {
  if (const char* env = std::getenv("MYRIAD_COMMIT"); env && *env) return env;
  const std::string git = "git -C '" + source_dir + "' ";
  std::string c = run_line(git + "rev-parse HEAD 2>/dev/null");
  if (c.size() != 40) return "unknown";
  if (!run_line(git + "status --porcelain --untracked-files=no 2>/dev/null").empty()) c += "-dirty";
  return c;
}

nlohmann::json host_info() {
  nlohmann::json j;
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  j["hostname"] = name;
  j["cpu_model"] = cpu_model();
  j["logical_cpus"] = static_cast<long>(sysconf(_SC_NPROCESSORS_ONLN));
  j["omp_max_threads"] = omp_get_max_threads();
  j["cpu_network_gemm"] = myriad::dense::library();  // what the CPU network's products run on
  for (const char* v : {"OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_PROC_BIND"})
    if (const char* e = std::getenv(v); e && *e) j["env"][v] = e;
  std::ifstream load("/proc/loadavg");
  std::string l1, l5, l15;
  if (load >> l1 >> l5 >> l15) j["loadavg"] = l1 + " " + l5 + " " + l15;  // other work sharing the CPUs
  return j;
}

// Device details for the CUDA backend; {"available": false} when no device answers.
nlohmann::json cuda_info() {
  nlohmann::json j;
  j["available"] = false;
#ifdef MYRIAD_HAVE_CUDA
  j["built"] = true;
  if (!cuda_device_available()) return j;
  int dev = 0;
  cudaDeviceProp p{};
  if (cudaGetDevice(&dev) != cudaSuccess || cudaGetDeviceProperties(&p, dev) != cudaSuccess) {
    cudaGetLastError();
    return j;
  }
  int driver = 0, runtime = 0;
  cudaDriverGetVersion(&driver);
  cudaRuntimeGetVersion(&runtime);
  j["available"] = true;
  j["device"] = dev;
  j["name"] = p.name;
  j["compute_capability"] = std::to_string(p.major) + "." + std::to_string(p.minor);
  j["sm_count"] = p.multiProcessorCount;
  j["global_mem_bytes"] = static_cast<unsigned long long>(p.totalGlobalMem);
  j["l2_bytes"] = p.l2CacheSize;
  j["driver_cuda_version"] = cuda_version_string(driver);
  j["driver_version"] = nvidia_driver_version();
  j["runtime_cuda_version"] = cuda_version_string(runtime);
#else
  j["built"] = false;
#endif
  return j;
}

}  // namespace myriad::bench
