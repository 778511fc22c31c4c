using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Broker.Generators;
using Broker.Generators.Model;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace Broker.Analyzers;

/// <summary>
/// The message type of every [Channel] interface a compilation declares, parsed once: what fails is BRK0013 at that
/// channel, what parses tells <see cref="UnknownSubtypes"/> which classes messages carry (BRK0018). Built on first use by
/// <see cref="MessageTypeAnalyzer"/>, since a derived class anywhere needs every channel's codecs to be checked.
/// </summary>
internal sealed class ChannelParses
{
    private readonly Dictionary<INamedTypeSymbol, (ITypeSymbol MessageType, UnsupportedType? Problem)> _byChannel;

    private ChannelParses(Dictionary<INamedTypeSymbol, (ITypeSymbol, UnsupportedType?)> byChannel, UnknownSubtypes subtypes)
    {
        _byChannel = byChannel;
        Subtypes = subtypes;
    }

    public UnknownSubtypes Subtypes { get; }

    /// <summary>The channel's message type and why it cannot be encoded; false for a channel with no message type to parse.</summary>
    public bool TryGet(INamedTypeSymbol channel, out ITypeSymbol messageType, out UnsupportedType? problem)
    {
        var found = _byChannel.TryGetValue(channel, out var parse);
        (messageType, problem) = parse;
        return found;
    }

    public static ChannelParses Build(Compilation compilation, INamedTypeSymbol channelAttributeType, CancellationToken cancellationToken)
    {
        var byChannel = new Dictionary<INamedTypeSymbol, (ITypeSymbol, UnsupportedType?)>(SymbolEqualityComparer.Default);
        var carried = new List<(string, EquatableArray<CodecModel>)>();
        foreach (var type in SourceTypes(compilation.Assembly.GlobalNamespace))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ChannelSymbols.GetChannelAttribute(type, channelAttributeType) is null) continue;
            // No single IQueueChannel<T>, or a T the compiler cannot resolve, is reported elsewhere (BRK0002, BRK0003, CS0246).
            if (ChannelDeclarationRules.GetMessageType(type) is not { TypeKind: not TypeKind.Error } messageType) continue;
            if (CodecParser.TryParse(messageType, compilation, cancellationToken, out var codecs, out var problem))
                carried.Add((type.Name, codecs));
            byChannel.Add(type, (messageType, problem));
        }
        return new ChannelParses(byChannel, new UnknownSubtypes(carried, compilation));
    }

    private static IEnumerable<INamedTypeSymbol> SourceTypes(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers().OfType<INamespaceOrTypeSymbol>())
        {
            if (member is INamedTypeSymbol type)
                yield return type;
            foreach (var nested in SourceTypes(member))
                yield return nested;
        }
    }
}
