using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Broker.Cli.Output;

/// <summary>Writes the one JSON document of <c>--json</c> to standard output, as it is: no colours, no wrapping.</summary>
internal static class JsonOutput
{
    // Text as people wrote it (accents, CJK, quotes in error messages) rather than \u escapes; still valid JSON.
    private static readonly CliJsonContext s_context = new(new JsonSerializerOptions(CliJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>The serializer settings of every document.</summary>
    public static CliJsonContext Context => s_context;

    /// <summary>Writes <paramref name="document"/> and a line break.</summary>
    public static void Write<T>(TextWriter output, T document, JsonTypeInfo<T> type)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(document, type));
        output.Flush();
    }
}
