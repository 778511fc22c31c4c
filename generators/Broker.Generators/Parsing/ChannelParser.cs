using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Broker.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Broker.Generators.Parsing;

/// <summary>Turns one [Channel] interface into a <see cref="ChannelDeclaration"/>, the only place the generator looks at its symbol.</summary>
internal static class ChannelParser
{
    /// <summary>The generated class nested in the interface; a member of that name would clash with it.</summary>
    public const string ImplementationName = "Implementation";

    public static ChannelDeclaration Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var channel = (INamedTypeSymbol)context.TargetSymbol;
        var attribute = context.Attributes[0];
        var values = ChannelDeclarationRules.ReadAttribute(attribute);
        var name = ChannelNameRules.IsValid(values.Name, out _) ? values.Name : null;

        // The analyzers report every problem; the generator only stays out of the way of those that block it.
        if (ChannelDeclarationRules.Validate(channel, attribute, cancellationToken).Any(p => p.BlocksGeneration))
            return new ChannelDeclaration(name, null);
        // The shared rules already refused non-partial containers (BRK0016); this reads their declarations.
        if (!TryGetContainingTypes(channel, cancellationToken, out var containingTypes))
            return new ChannelDeclaration(name, null);

        var messageType = ChannelDeclarationRules.GetMessageType(channel)!;
        if (!CodecParser.TryParse(messageType, context.SemanticModel.Compilation, cancellationToken, out var codecs, out _))
            return new ChannelDeclaration(name, null);

        // Validate refused any number but 0 and 1 (InvalidProcess blocks generation), so anything but ExactlyOnce is AtLeastOnce.
        var process = values.Process == ChannelDeclarationRules.ExactlyOnce ? ChannelProcessing.ExactlyOnce : ChannelProcessing.AtLeastOnce;
        var exactlyOnce = process == ChannelProcessing.ExactlyOnce;
        long dedupTicks = 0;
        if (exactlyOnce && values.HasDedup && IntervalGrammar.TryParse(values.Dedup, out var dedup, out _))
            dedupTicks = dedup.Ticks;
        long retryTicks = 0;
        if (values.HasRetryDelay && IntervalGrammar.TryParse(values.RetryDelay, out var retry, out _))
            retryTicks = retry.Ticks;

        // Validate refused an OrderBy that names no key member (BRK0020 to BRK0022), so this finds one.
        OrderingKeyModel? orderBy = null;
        if (values.OrderBy is not null && OrderByRules.TryFindKey(messageType, values.OrderBy, channel.ContainingAssembly, out var key))
            orderBy = new OrderingKeyModel(key.Member.Name, key.Format, key.IsNullableValue, key.IntegerKeyword);

        var model = new ChannelModel(
            Names.NamespaceOf(channel),
            containingTypes,
            channel.Name,
            Names.TypeName(channel),
            Names.DisplayName(channel),
            values.Name!,
            process,
            values.HasDedup ? values.Dedup : null,
            dedupTicks,
            values.MaxAttempts,
            values.HasRetryDelay ? values.RetryDelay : null,
            retryTicks,
            Names.TypeName(messageType.WithNullableAnnotation(NullableAnnotation.NotAnnotated)),
            codecs[0].CodecTypeName,
            codecs,
            values.IsOrdered,
            orderBy);
        return new ChannelDeclaration(name, model);
    }

    private static bool TryGetContainingTypes(INamedTypeSymbol channel, CancellationToken cancellationToken, out EquatableArray<ContainingTypeModel> containingTypes)
    {
        var types = new List<ContainingTypeModel>();
        containingTypes = EquatableArray<ContainingTypeModel>.Empty;
        for (var container = channel.ContainingType; container is not null; container = container.ContainingType)
        {
            var declaration = container.DeclaringSyntaxReferences
                .Select(r => r.GetSyntax(cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .FirstOrDefault(d => d.Modifiers.Any(m => m.Text == "partial"));
            if (declaration is null)
                return false;
            var keyword = declaration switch
            {
                RecordDeclarationSyntax record => record.ClassOrStructKeyword.Text.Length > 0 ? "record " + record.ClassOrStructKeyword.Text : "record",
                _ => declaration.Keyword.Text,
            };
            types.Insert(0, new ContainingTypeModel(keyword, container.Name));
        }
        containingTypes = types.ToEquatableArray();
        return true;
    }
}
