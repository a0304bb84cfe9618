using System.CommandLine;
using System.Reflection;
using Workbench.Cli;

// The process's entry only (tests call WorkbenchCli.Run in their own process): start again with the Scalar guard if missing.
return Cmd.Runtime.ScalarLifetimeGuard.ShouldRelaunch() ? Cmd.Runtime.ScalarLifetimeGuard.Relaunch(args) : WorkbenchCli.Run(args);

namespace Workbench.Cli
{
    public static class WorkbenchCli
    {
        public static RootCommand BuildRoot()
        {
            var root = new RootCommand("CMD Workbench: content-frame motion-latent video diffusion (ICLR 2024) on TorchSharp");
            root.Options.Add(GlobalOptions.Device);
            root.Options.Add(GlobalOptions.Fp32Matmul);
            var groups = typeof(WorkbenchCli).Assembly.GetTypes()
                .Where(t => typeof(ICommandGroup).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                .Select(t => ((ICommandGroup)Activator.CreateInstance(t)!).Build())
                .OrderBy(c => c.Name);
            foreach (var command in groups) root.Subcommands.Add(command);
            return root;
        }

        /// <summary>Runs the CLI; any failure is one line on stderr (WORKBENCH_DEBUG=1 shows the stack trace) and exit code 1.</summary>
        public static int Run(string[] args)
        {
            Cmd.Runtime.MklDispatch.Apply();          // before libtorch loads: MKL's fast matmul paths on non-Intel CPUs too
            Cmd.Runtime.KernelCapability.Apply();     // libtorch's kernels at AVX2 on AMD: no AVX-512 slow state
            Cmd.Runtime.NativeMemory.KeepFreedMemory(); // no page-fault storm re-mapping each step's activations
            Cmd.Runtime.ConvolutionCheck.Apply();     // oneDNN off where its convolution gradients are wrong on this CPU
            var parse = BuildRoot().Parse(args);
            var products = Cmd.Runtime.MatmulPrecision.Current;
            try
            {
                if (parse.Errors.Count == 0) GlobalOptions.ApplyFp32Matmul(parse);
                return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException or TypeInitializationException && e.InnerException != null ? e.InnerException : e;
                Console.Error.WriteLine($"error: {inner.Message}");
                if (Environment.GetEnvironmentVariable("WORKBENCH_DEBUG") == "1") Console.Error.WriteLine(inner);
                return 1;
            }
            finally
            {
                // in-process callers (tests, notebooks) get the precision back
                if (Cmd.Runtime.MatmulPrecision.Current != products) Cmd.Runtime.MatmulPrecision.Set(products);
            }
        }
    }
}
