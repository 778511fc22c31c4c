using Broker;
using Sample.Channels;

namespace Sample.App;

/// <summary>The seed's <c>Service</c>: registers users by producing them onto the channel.</summary>
public sealed class RegistrationService(IRegistrationChannel channel)
{
    /// <summary>Produces one registration. The result says whether it was enqueued or dropped as a duplicate.</summary>
    public async Task<ProduceResult> RegisterAsync(User user, CancellationToken cancellationToken = default) =>
        await channel.ProduceAsync(user, cancellationToken: cancellationToken);
}
