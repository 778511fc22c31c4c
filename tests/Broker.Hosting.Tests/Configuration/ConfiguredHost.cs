using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Broker.Hosting.Tests.Configuration;

/// <summary>A generic host whose Broker settings come from configuration, as an application's would.</summary>
internal static class ConfiguredHost
{
    /// <summary>
    /// Builds a host over <paramref name="settings"/> (keys such as <c>Broker:Embedded:Path</c>) and any further
    /// sources, with Broker added from the <c>Broker</c> section and the adapter chosen by <paramref name="adapter"/>.
    /// </summary>
    public static IHost Build(
        IEnumerable<KeyValuePair<string, string?>> settings,
        Action<BrokerBuilder> adapter,
        Action<IServiceCollection>? services = null,
        Action<IConfigurationBuilder>? sources = null)
    {
        // The empty builder: no appsettings.json and no environment variables of this process, only what the test gives.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        sources?.Invoke(builder.Configuration);
        builder.Services.AddBroker(builder.Configuration.GetSection("Broker"), adapter).AddChannels();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TestHost.Generous);
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    public static KeyValuePair<string, string?> Setting(string key, string? value) => new(key, value);
}

/// <summary>A directory under the system's temporary one, deleted with everything in it.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "broker-config-" + Guid.NewGuid().ToString("N"));

    public long[] SegmentSizes() =>
        Directory.Exists(Path) ? Directory.GetFiles(Path, "*.seg").Select(f => new FileInfo(f).Length).Distinct().ToArray() : [];

    public bool IsUntouched => !Directory.Exists(Path) || !Directory.EnumerateFileSystemEntries(Path).Any();

    public void Dispose()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
