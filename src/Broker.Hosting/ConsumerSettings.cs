using Broker.Settings;
using Broker.Transport;
using Microsoft.Extensions.Configuration;

namespace Broker.Hosting;

/// <summary>
/// The keys of <c>Broker:Consumers:&lt;channel&gt;</c>: <c>MaxParallel</c> and <c>LeaseDuration</c>, as the
/// <see cref="ConsumeOptions"/> properties. A channel is keyed by its name (<c>user/registered</c>) or by the same name
/// with <c>/</c> and <c>-</c> written as <c>_</c> (<c>user_registered</c>), which environment variables can carry:
/// <c>Broker__Consumers__user_registered__MaxParallel=8</c>.
/// </summary>
internal static class ConsumerSettings
{
    /// <summary>The child of Broker's section that holds one section per channel.</summary>
    public const string SectionName = "Consumers";

    /// <summary>The settings of a consumer section, for the check of keys no consumer in this process reads.</summary>
    public static readonly string[] Keys = [nameof(ConsumeOptions.MaxParallel), nameof(ConsumeOptions.LeaseDuration)];

    /// <summary>
    /// The sections that configure a consumer of <paramref name="channel"/>, in the order they apply: by its name, then
    /// by its environment spelling, so a variable overrides a file. The environment spelling is not read when another
    /// channel of the application has that very name.
    /// </summary>
    public static IReadOnlyList<IConfiguration> Sections(IConfiguration? broker, string channel, IReadOnlyCollection<string> channels)
    {
        if (broker is null)
            return [];
        var consumers = broker.GetSection(SectionName);
        var alias = EnvironmentSpelling(channel);
        return alias == channel || channels.Contains(alias, StringComparer.OrdinalIgnoreCase)
            ? [consumers.GetSection(channel)]
            : [consumers.GetSection(channel), consumers.GetSection(alias)];
    }

    /// <summary>The channel's name as an environment variable can carry it: <c>/</c> and <c>-</c> written as <c>_</c>.</summary>
    public static string EnvironmentSpelling(string channel) => channel.Replace('/', '_').Replace('-', '_');

    public static void Read(SettingsSection section, ConsumeOptions options)
    {
        options.MaxParallel = section.Int32(nameof(ConsumeOptions.MaxParallel), options.MaxParallel);
        options.LeaseDuration = section.Duration(nameof(ConsumeOptions.LeaseDuration), options.LeaseDuration);
    }

    /// <summary>
    /// <see cref="ConsumeOptions.Validate"/>, with the failing setting as the exception's parameter name so the start-up
    /// check can name its key: <see cref="SubscriptionLimits"/> reports both settings under one parameter, so each is
    /// checked with the other at a value known to pass.
    /// </summary>
    public static void Validate(ConsumeOptions options, string channel)
    {
        Check(nameof(ConsumeOptions.MaxParallel), options.MaxParallel, () => SubscriptionLimits.Validate(channel, new SubscriptionSettings(options.MaxParallel, ConsumeOptions.DefaultLeaseDuration)));
        Check(nameof(ConsumeOptions.LeaseDuration), options.LeaseDuration, () => SubscriptionLimits.Validate(channel, new SubscriptionSettings(1, options.LeaseDuration)));
    }

    private static void Check(string setting, object value, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentOutOfRangeException(setting, value, e.Message);
        }
    }
}
