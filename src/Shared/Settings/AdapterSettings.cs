// Compiled into the adapters (Broker.Engine, Broker.Client, Broker.Nats; see src/Shared/README.md).
using System;

namespace Broker.Settings;

/// <summary>How every adapter's <c>Use...</c> call gets its options, so that they all behave alike.</summary>
internal static class AdapterSettings
{
    /// <summary>
    /// Without configuration (<c>AddBroker(b => ...)</c>): the code's options, checked now, so a bad value fails at the
    /// <c>Use...</c> call as it always has. With configuration (<c>AddBroker(configuration, b => ...)</c>): the
    /// adapter's section of it, then the code's options, checked when the host starts and named by key.
    /// </summary>
    /// <typeparam name="T">The adapter's options.</typeparam>
    /// <param name="builder">The Broker builder.</param>
    /// <param name="section">The adapter's child section of Broker's, such as <c>Embedded</c>.</param>
    /// <param name="read">Reads the section into the options.</param>
    /// <param name="configure">The code's settings; null for none.</param>
    /// <param name="validate">The options' check: throws an <see cref="ArgumentException"/> named after the setting.</param>
    /// <returns>Returns the options when the adapter is created.</returns>
    public static Func<IServiceProvider, T> Resolve<T>(BrokerBuilder builder, string section, Action<SettingsSection, T> read, Action<T>? configure, Action<T> validate)
        where T : class, new()
    {
        if (builder.Configuration is not { } configuration)
        {
            var options = new T();
            configure?.Invoke(options);
            validate(options);
            return _ => options;
        }
        var adapterSection = configuration.GetSection(section);
        return ConfiguredOptions.Add(builder.Services, "Broker:" + section, _ => [adapterSection], (reader, options, _) => read(reader, options), configure, validate);
    }
}
