namespace Broker.Analyzers;

/// <summary>Keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/> that the code fixes read.</summary>
internal static class DiagnosticProperties
{
    /// <summary>
    /// BRK0006: the valid channel name to write instead; BRK0008 and BRK0011: the interval text to write instead, when
    /// there is a confident guess; BRK0020: the one member name OrderBy most likely meant.
    /// </summary>
    public const string Suggestion = "Suggestion";
}
