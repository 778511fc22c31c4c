using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Broker.Benchmarks.Generator;

// In process: the generator and Roslyn are ordinary libraries here, and building a separate benchmark executable per
// run would double the time on a 2-core machine. Pass BenchmarkDotNet's usual arguments (--filter, --job short, ...).
var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithId("InProcess"))
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(GeneratorBenchmarks).Assembly).Run(args, config);
