using Broker.Protocol;

namespace Broker.Server.Deepkit;

/// <summary>
/// Turns the JavaScript numbers of a Deepkit QueuePublish into the native message's values without changing what they
/// mean: durations keep their size (the engine's MessageLimits then refuses what is out of range, as for any produce),
/// and a priority that is not a number in range is refused rather than clamped.
/// </summary>
internal static class DeepkitNumbers
{
    /// <summary>A delay in ms; Deepkit's server treats zero, negative and null as none.</summary>
    public static TimeSpan Delay(double milliseconds) => milliseconds > 0 ? Duration(milliseconds) : TimeSpan.Zero;

    /// <summary>A positive duration in ms, rounded up; one beyond what a TimeSpan holds becomes the largest TimeSpan.</summary>
    public static TimeSpan Duration(double milliseconds) =>
        milliseconds >= TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(Math.Ceiling(milliseconds));

    /// <summary>A priority: a whole part in int's range (a fraction is cut, as Deepkit's own server compares them).</summary>
    /// <exception cref="ProtocolException">Not a finite number, or out of range.</exception>
    public static int Priority(string channel, double value)
    {
        var whole = Math.Truncate(value);
        if (!double.IsFinite(value) || whole < int.MinValue || whole > int.MaxValue)
            throw new ProtocolException(ErrorCodes.InvalidRequest, $"The priority of a message for channel '{channel}' is {Wire.Describe(value)}; it must be a number between {int.MinValue} and {int.MaxValue}.");
        return (int)whole;
    }
}
