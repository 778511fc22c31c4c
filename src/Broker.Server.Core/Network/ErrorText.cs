namespace Broker.Server.Network;

/// <summary>
/// The text an Error frame carries for an argument the server refused. .NET appends " (Parameter 'name')" to an
/// <see cref="ArgumentException"/>'s message, and a line "Actual value was …" to an
/// <see cref="ArgumentOutOfRangeException"/>'s; a client should read the server's sentence, not the name of a C#
/// parameter it never saw.
/// </summary>
internal static class ErrorText
{
    /// <summary>The exception's own sentence, without what .NET appended to it.</summary>
    public static string Of(ArgumentException exception)
    {
        // The decoration as this runtime words it (it is localised), from an exception of the same kind whose own
        // message is empty: so only exactly what .NET appended is cut, never part of the sentence.
        var decoration = exception is ArgumentOutOfRangeException outOfRange
            ? new ArgumentOutOfRangeException(outOfRange.ParamName, outOfRange.ActualValue, string.Empty).Message
            : new ArgumentException(string.Empty, exception.ParamName).Message;
        var message = exception.Message;
        return decoration.Length > 0 && message.Length > decoration.Length && message.EndsWith(decoration, StringComparison.Ordinal)
            ? message[..^decoration.Length]
            : message;
    }
}
