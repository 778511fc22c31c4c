using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Hosting;

/// <summary>The names of the channels an application has: those registered on the builder and those it consumes.</summary>
internal static class ChannelNames
{
    /// <summary>The name of a channel interface: its <see cref="ChannelAttribute"/>, else the type's name.</summary>
    public static string Of(Type channel) => channel.GetCustomAttribute<ChannelAttribute>()?.Name ?? channel.Name;

    public static IReadOnlyCollection<string> Of(BrokerBuilder? builder, IServiceProvider provider)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (builder is not null)
            names.UnionWith(builder.ChannelTypes.Select(Of));
        names.UnionWith(provider.GetServices<ConsumerRegistration>().Select(r => r.Channel));
        return names;
    }
}
