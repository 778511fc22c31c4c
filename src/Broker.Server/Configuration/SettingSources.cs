using Microsoft.Extensions.Configuration;

namespace Broker.Server.Configuration;

/// <summary>
/// Merges the three places settings come from: a JSON file (<c>--config</c>), then the <c>BROKER_*</c> environment
/// variables, then the command line, each overriding the one before.
/// </summary>
internal static class SettingSources
{
    /// <summary>Builds the merged configuration.</summary>
    /// <param name="commandLine">The parsed command line.</param>
    /// <param name="environment">Reads an environment variable (null when it is not set).</param>
    /// <exception cref="FormatException">A credential variable is set but empty or blank; the message names it.</exception>
    /// <exception cref="FileNotFoundException">The <c>--config</c> file does not exist.</exception>
    public static IConfiguration Build(CommandLine commandLine, Func<string, string?> environment)
    {
        var variables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in ServerSetting.All)
        {
            if (environment(setting.Environment) is not { } value)
                continue;
            // BROKER_TOKEN= (an export left empty by a template, say) must not quietly mean "no authentication":
            // the command line and the file refuse an empty credential, so the environment does too.
            if (ServerSetting.Credentials.Contains(setting) && string.IsNullOrWhiteSpace(value))
                throw new FormatException($"{setting.Environment} is empty (or only whitespace): give it a value, or unset it. An empty credential never turns authentication off.");
            // Any other empty variable counts as not set, as it always has.
            if (value.Length > 0)
                variables[setting.Key] = value;
        }
        var file = commandLine.Settings.GetValueOrDefault(ServerSetting.Config.Key) ?? variables.GetValueOrDefault(ServerSetting.Config.Key);
        var configuration = new ConfigurationBuilder();
        if (file is not null)
        {
            if (!File.Exists(file))
                throw new FileNotFoundException($"The configuration file '{file}' does not exist.");
            configuration.AddJsonFile(Path.GetFullPath(file), optional: false);
        }
        return configuration
            .AddInMemoryCollection(variables)
            .AddInMemoryCollection(commandLine.Settings.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value)))
            .Build();
    }
}
