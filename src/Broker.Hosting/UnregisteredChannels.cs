using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Broker.Hosting;

/// <summary>
/// What to say when a channel interface is not registered: dependency injection's own error ("Unable to resolve service
/// for type ...") does not say that channels come from a generated <c>AddChannels()</c>, nor which assembly's. Checked
/// when the host starts, over the constructors of the services registered by type: a service that injects a channel
/// nobody registered fails with this error, naming the interface, the assembly that declares it and what to call.
/// </summary>
/// <remarks>
/// The check runs with ValidateOnStart, before the host starts anything. The host has created its hosted services by
/// then, so one of those that needs a missing channel still fails first with dependency injection's error, as does
/// <c>ValidateOnBuild</c> (on by default in Development); BRK0019 reports the missing <c>AddChannels()</c> at compile
/// time. A channel resolved by hand (<c>GetRequiredService</c>) or in a handler's parameters is not seen here.
/// </remarks>
internal static class UnregisteredChannels
{
    public static void Register(BrokerBuilder builder)
    {
        builder.Services.AddOptions<Check>().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<Check>>(new Validator(builder.Services));
    }

    /// <summary>The error for <paramref name="channel"/>, which <paramref name="dependent"/> needs, not being registered.</summary>
    public static string Message(Type channel, string dependent)
    {
        var assembly = channel.Assembly.GetName().Name;
        var name = ChannelNames.Of(channel);
        return $"{channel.FullName} (channel '{name}', declared in assembly {assembly}) is not registered, so {dependent}: channels are " +
               $"registered by the generated AddChannels(), which adds the channels of its own assembly and of the assemblies it " +
               $"references. Call AddChannels() on the builder AddBroker returns, in {assembly} or a project that references it, as in " +
               "services.AddBroker(b => b.UseInMemory()).AddChannels().";
    }

    private static bool IsChannel(Type type) => type.IsInterface && type.GetCustomAttribute<ChannelAttribute>() is not null;

    /// <summary>Nothing: the options type exists to hang the check on <c>ValidateOnStart</c>.</summary>
    private sealed class Check;

    private sealed class Validator(IServiceCollection services) : IValidateOptions<Check>
    {
        public ValidateOptionsResult Validate(string? name, Check options)
        {
            var descriptors = services.ToArray();
            var registered = descriptors.Where(d => !d.IsKeyedService).Select(d => d.ServiceType).ToHashSet();
            foreach (var descriptor in descriptors)
            {
                var missing = descriptor.IsKeyedService
                    ? MissingChannel(descriptor.KeyedImplementationType, registered)
                    : MissingChannel(descriptor.ImplementationType, registered);
                if (missing is not null)
                    throw new InvalidOperationException(Message(missing.Value.Channel, $"{missing.Value.Service.FullName} cannot be created"));
            }
            return ValidateOptionsResult.Skip;
        }

        // The container picks a constructor it can satisfy; only when every one lacks a channel is that the reason.
        private static (Type Service, Type Channel)? MissingChannel(
            [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type? type, HashSet<Type> registered)
        {
            if (type is null || type.IsGenericTypeDefinition)
                return null;
            Type? missing = null;
            foreach (var constructor in type.GetConstructors().OrderByDescending(c => c.GetParameters().Length))
            {
                // A parameter with a default is passed the default when nothing is registered, and a keyed one is
                // resolved from keyed registrations: neither makes the constructor unusable.
                var channel = constructor.GetParameters()
                    .Where(p => !p.HasDefaultValue && p.GetCustomAttribute<FromKeyedServicesAttribute>() is null)
                    .Select(p => p.ParameterType)
                    .FirstOrDefault(p => IsChannel(p) && !registered.Contains(p));
                if (channel is null)
                    return null;
                missing ??= channel;
            }
            return missing is null ? null : (type, missing);
        }
    }
}
