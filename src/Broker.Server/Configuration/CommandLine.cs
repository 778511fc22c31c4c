using System.Text;

namespace Broker.Server.Configuration;

/// <summary>
/// Parses <c>broker-server [hash-password] [--switch value | --switch=value]...</c>. Every switch is one of
/// <see cref="ServerSetting.All"/>; anything else is an error, so a typo never silently falls back to a default.
/// </summary>
internal sealed class CommandLine
{
    private CommandLine(string command, IReadOnlyDictionary<string, string> settings)
    {
        Command = command;
        Settings = settings;
    }

    /// <summary><c>run</c> (default), <c>hash-password</c>, <c>help</c> or <c>version</c>.</summary>
    public string Command { get; }

    /// <summary>Values by configuration key.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <exception cref="FormatException">An unknown switch or a missing value; the message says which.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var command = "run";
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (i == 0 && arg is "hash-password" or "run")
            {
                command = arg;
                continue;
            }
            if (arg is "-h" or "--help" or "help")
                return new CommandLine("help", settings);
            if (arg is "--version" or "version")
                return new CommandLine("version", settings);
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new FormatException($"Unexpected argument '{arg}'. Settings are given as --name value; see --help.");
            var name = arg[2..];
            string? value = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }
            var setting = ServerSetting.All.FirstOrDefault(s => s.Switch.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new FormatException($"Unknown setting --{name}; see --help.");
            if (value is null)
            {
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new FormatException($"--{setting.Switch} needs a value.");
                value = args[++i];
            }
            settings[setting.Key] = value;
        }
        return new CommandLine(command, settings);
    }

    public static string Usage()
    {
        var text = new StringBuilder();
        text.AppendLine("broker-server: durable typed queues over TCP (Broker's server; Deepkit RPC framing).");
        text.AppendLine();
        text.AppendLine("Usage:");
        text.AppendLine("  broker-server --data <dir> [--listen 127.0.0.1:8811] [settings]");
        text.AppendLine("  broker-server hash-password     reads a password on stdin, prints a value for --password-hash");
        text.AppendLine();
        text.AppendLine("Settings (command line --name, environment BROKER_NAME, JSON key from --config):");
        // The column fits the longest switch, so a new long one can never run into its description.
        var width = ServerSetting.All.Max(s => s.Switch.Length) + 2;
        foreach (var setting in ServerSetting.All)
        {
            text.Append("  --").Append(setting.Switch.PadRight(width)).Append(setting.Help);
            if (setting.Default is not null) text.Append(" Default ").Append(setting.Default).Append('.');
            text.AppendLine();
        }
        text.AppendLine();
        text.AppendLine("Durations take a number and a unit (500ms, 10s, 2m, 1h); byte sizes take an optional KiB, MiB or GiB.");
        return text.ToString();
    }
}
