using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Broker.Benchmarks.Codecs -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Broker.Benchmarks.Codecs.UserBenchmarks).Assembly).Run(args);
