using System.Reflection;
using System.Runtime.Loader;
using Broker.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// Two projects as a solution builds them: a library (A) and one that references it (B), each compiled with the
/// generator (and, optionally, an application referencing both), then all loaded into one load context that shares Broker's runtime with this test, as an application
/// that references both does.
/// </summary>
internal sealed class TwoAssemblies : AssemblyLoadContext
{
    private readonly Dictionary<string, Assembly> _loaded = new(StringComparer.Ordinal);

    public TwoAssemblies(string nameA, string sourceA, string nameB, string sourceB, IEnumerable<MetadataReference>? references = null, (string Name, string Source)? application = null)
        : base($"{nameA}+{nameB}")
    {
        var extra = references?.ToList() ?? [];
        var a = GeneratorHarness.Run(GeneratorHarness.Compile(nameA, extra, sourceA));
        GeneratorHarness.AssertCompilesCleanly(a.Output);
        var b = GeneratorHarness.Run(GeneratorHarness.Compile(nameB, [.. extra, a.Output.ToMetadataReference()], sourceB));
        GeneratorHarness.AssertCompilesCleanly(b.Output);
        RunB = b;
        A = Load(a.Output);
        B = Load(b.Output);
        if (application is { } app)
        {
            // An application referencing both, as the process that runs them.
            var c = GeneratorHarness.Run(GeneratorHarness.Compile(app.Name, [.. extra, a.Output.ToMetadataReference(), b.Output.ToMetadataReference()], app.Source));
            GeneratorHarness.AssertCompilesCleanly(c.Output);
            RunApplication = c;
            Application = Load(c.Output);
        }
    }

    /// <summary>The application, when one was given.</summary>
    public Assembly? Application { get; }

    /// <summary>The generator's run over the application, when one was given.</summary>
    public GeneratorRun? RunApplication { get; }

    public Assembly A { get; }

    public Assembly B { get; }

    /// <summary>The generator's run over B, for what it emitted.</summary>
    public GeneratorRun RunB { get; }

    public Type TypeA(string name) => A.GetType(name, throwOnError: true)!;

    public Type TypeB(string name) => B.GetType(name, throwOnError: true)!;

    /// <summary>Runs B's module initializers, as touching any of its types would.</summary>
    public void InitializeB() => System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(B.ManifestModule.ModuleHandle);

    protected override Assembly? Load(AssemblyName assemblyName) =>
        _loaded.TryGetValue(assemblyName.Name!, out var assembly) ? assembly : null;

    private Assembly Load(Compilation compilation)
    {
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        image.Position = 0;
        var assembly = LoadFromStream(image);
        _loaded.Add(compilation.AssemblyName!, assembly);
        return assembly;
    }
}
