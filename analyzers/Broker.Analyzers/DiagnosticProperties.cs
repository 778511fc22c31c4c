namespace Broker.Analyzers;

/// <summary>Keys of <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/> that the code fixes read.</summary>
internal static class DiagnosticProperties
{
    /// <summary>
    /// BRK0006: the valid channel name to write instead; BRK0008 and BRK0011: the interval text to write instead, when
    /// there is a confident guess; BRK0020: the one member name OrderBy most likely meant.
    /// </summary>
    public const string Suggestion = "Suggestion";

    /// <summary>
    /// BRK0013: which fix applies, one of <see cref="RemoveNullableFix"/> (the message type without its '?'),
    /// <see cref="MemberTypeFix"/> (the member's type in the additional location becomes the fully qualified
    /// <see cref="Suggestion"/>, in place of <see cref="Replaces"/>) or <see cref="ParameterNameFix"/> (the parameter at
    /// the additional location is renamed <see cref="Suggestion"/>) or <see cref="EnumBaseFix"/> (the enum's base type in
    /// the additional location becomes <see cref="Suggestion"/>); absent when the correction is not mechanical.
    /// </summary>
    public const string Fix = "Fix";

    /// <summary>BRK0013's <see cref="MemberTypeFix"/> and <see cref="EnumBaseFix"/>: the type to replace, in the fully qualified format.</summary>
    public const string Replaces = "Replaces";

    public const string RemoveNullableFix = "RemoveNullable";

    public const string MemberTypeFix = "MemberType";

    public const string ParameterNameFix = "ParameterName";

    public const string EnumBaseFix = "EnumBase";
}
