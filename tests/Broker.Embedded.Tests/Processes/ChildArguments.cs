using System.Globalization;

namespace Broker.Embedded.Tests.Processes;

/// <summary>How a child process produces: one mode for every message, or ExactlyOnce for even numbers and AtLeastOnce for odd.</summary>
public enum ProduceMode
{
    AtLeastOnce,
    ExactlyOnce,
    Mixed,
}

/// <summary>
/// A child's command line (see <see cref="ChildProgram"/>): its role, the shared directory, its name (unique per
/// incarnation: a restarted process gets a new one, so its numbers never collide with its predecessor's), the channel,
/// and for producers the mode and how many messages to produce (0: until stopped).
/// </summary>
public sealed record ChildArguments(bool Produces, bool Consumes, string Directory, string Name, string Channel, ProduceMode Mode, long Count)
{
    public const string Usage =
        "usage: producer <dir> <name> <channel> <AtLeastOnce|ExactlyOnce|Mixed> [count] | consumer <dir> <name> <channel> | both <dir> <name> <channel> <mode> [count]";

    public static ChildArguments? Parse(string[] args) => args switch
    {
        ["producer", var dir, var name, var channel, var mode] => new(true, false, dir, name, channel, Enum.Parse<ProduceMode>(mode), 0),
        ["producer", var dir, var name, var channel, var mode, var count] => new(true, false, dir, name, channel, Enum.Parse<ProduceMode>(mode), Number(count)),
        ["consumer", var dir, var name, var channel] => new(false, true, dir, name, channel, ProduceMode.AtLeastOnce, 0),
        ["both", var dir, var name, var channel, var mode] => new(true, true, dir, name, channel, Enum.Parse<ProduceMode>(mode), 0),
        ["both", var dir, var name, var channel, var mode, var count] => new(true, true, dir, name, channel, Enum.Parse<ProduceMode>(mode), Number(count)),
        _ => null,
    };

    /// <summary>The command line that <see cref="Parse"/> reads back.</summary>
    public IEnumerable<string> ToArgs()
    {
        var role = (Produces, Consumes) switch
        {
            (true, true) => "both",
            (true, false) => "producer",
            _ => "consumer",
        };
        yield return role;
        yield return Directory;
        yield return Name;
        yield return Channel;
        if (!Produces)
            yield break;
        yield return Mode.ToString();
        yield return Count.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Whether message <paramref name="number"/> is produced ExactlyOnce.</summary>
    public bool IsExactlyOnce(long number) => Mode == ProduceMode.ExactlyOnce || (Mode == ProduceMode.Mixed && number % 2 == 0);

    private static long Number(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
