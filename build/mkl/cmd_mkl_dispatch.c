/*
 * oneMKL, linked into libtorch_cpu, takes its AVX2 / AVX-512 code paths only on CPUs it identifies as Intel; on other
 * x86-64 CPUs (the AMD EPYCs some of our machines are) it runs a generic path at about half the fp32 matmul rate
 * (measured here: 1024^3 sgemm, one core, 100 vs 169-200 GFLOP/s). MKL asks mkl_serv_intel_cpu_true() through the
 * PLT, so a library loaded with RTLD_GLOBAL before libtorch answers for it; MKL then picks its code path from the CPU's
 * own feature bits (cpuid), exactly as it does on an Intel CPU with the same instruction sets.
 * Built by build/MklDispatch.targets (gcc), loaded by Cmd.Runtime.MklDispatch.Apply() on non-Intel CPUs only.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
