namespace Broker.Server.Tests.Infrastructure;

/// <summary>One frame of a recorded Deepkit session: <c>c1&gt;s</c> (client 1 to server) or <c>s&gt;c1</c>.</summary>
public sealed record TranscriptFrame(string Direction, byte[] Bytes)
{
    public bool FromClient => Direction.EndsWith(">s", StringComparison.Ordinal);

    /// <summary>The client connection number, 1 for <c>c1</c>.</summary>
    public int Client => int.Parse(Direction.Replace("s>", "", StringComparison.Ordinal).Replace(">s", "", StringComparison.Ordinal)[1..], System.Globalization.CultureInfo.InvariantCulture);

    public string Hex => Convert.ToHexStringLower(Bytes);
}

/// <summary>Reads the byte-exact transcripts of Deepkit 1.0.19's client in <c>DeepkitWire/</c> (format in its README).</summary>
public static class Transcript
{
    public static IReadOnlyList<TranscriptFrame> Load(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "DeepkitWire", name + ".hex");
        return [.. File.ReadAllLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split(' ', 2))
            .Select(parts => new TranscriptFrame(parts[0], Convert.FromHexString(parts[1])))];
    }

    public static IEnumerable<TranscriptFrame> From(this IEnumerable<TranscriptFrame> frames, int client) =>
        frames.Where(f => f.FromClient && f.Client == client);

    public static IEnumerable<TranscriptFrame> To(this IEnumerable<TranscriptFrame> frames, int client) =>
        frames.Where(f => !f.FromClient && f.Client == client);
}
