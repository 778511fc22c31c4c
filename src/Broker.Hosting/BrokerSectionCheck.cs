using Broker.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Hosting;

/// <summary>
/// Checks the shape of Broker's configuration section when the host starts: its children are the adapters' sections
/// and <c>Consumers</c>, and every key under <c>Consumers</c> names a channel of this application. The adapter in use
/// checks its own section's keys, and each consumer its channel's; sections of adapters not in use are not read, so a
/// file can hold the settings of several.
/// </summary>
internal static class BrokerSectionCheck
{
    /// <summary>The children of Broker's section, each with one of its settings for messages.</summary>
    private static readonly (string Name, string Example)[] Sections =
    [
        ("InMemory", "MaxMessageBytes"), ("Embedded", "Path"), ("Server", "Address"), ("Nats", "Url"), (ConsumerSettings.SectionName, "user/registered:MaxParallel"),
    ];

    public static void Register(BrokerBuilder builder)
    {
        var configuration = builder.Configuration!;
        ConfiguredOptions.Add<Shape>(
            builder.Services,
            "Broker",
            _ => [configuration],
            (section, _, provider) => Read(section, ChannelNames.Of(builder, provider)),
            configure: null,
            validate: static _ => { });
    }

    private static void Read(SettingsSection broker, IReadOnlyCollection<string> channels)
    {
        foreach (var (name, example) in Sections)
            broker.KnownSection(name, example);
        var consumers = broker.Section(ConsumerSettings.SectionName);
        foreach (var key in consumers.ChildKeys)
        {
            consumers.KnownSection(key, nameof(ConsumeOptions.MaxParallel));
            if (channels.Contains(key, StringComparer.OrdinalIgnoreCase) ||
                channels.Any(c => ConsumerSettings.EnvironmentSpelling(c).Equals(key, StringComparison.OrdinalIgnoreCase)))
                continue;
            var suggestion = KeySuggestion.Closest(key, channels.Concat(channels.Select(ConsumerSettings.EnvironmentSpelling)).Distinct());
            consumers.Problem(
                $"{consumers.Key(key)} names no channel of this application" +
                (suggestion is null ? "." : $"; did you mean {suggestion}?") +
                (channels.Count == 0 ? " It has none: call AddChannels() after AddBroker." : $" Its channels are: {string.Join(", ", channels.Order(StringComparer.Ordinal))}."));
        }
    }

    /// <summary>Nothing: the options type exists to hang the check on <c>ValidateOnStart</c>.</summary>
    private sealed class Shape;
}
