using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Broker.Generators.Emit;
using Broker.Generators.Model;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Broker.Generators;

/// <summary>
/// Implements every <c>[Channel]</c> interface, emits a BSON codec for every message type and the types it reaches,
/// and registers the channels for <c>AddChannels()</c>. Symbols become equatable models in the first step; everything
/// after it works on those models, so edits that change no model regenerate nothing.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ChannelGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var declarations = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                ChannelDeclarationRules.ChannelAttributeMetadataName,
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (syntax, cancellationToken) => ChannelParser.Parse(syntax, cancellationToken))
            .WithTrackingName(TrackingNames.ChannelDeclarations);

        // A name used twice is an error the analyzers report; generating either channel would hide it until run time.
        var channels = declarations
            .Collect()
            .WithTrackingName(TrackingNames.AllDeclarations)
            .Select(static (all, _) => ChannelsWithUniqueNames(all))
            .WithTrackingName(TrackingNames.Channels);

        // [assembly: BsonKnownSubtype]: subtypes of another assembly's message types, whose codecs this assembly generates.
        var subtypes = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                SubtypeParser.AttributeMetadataName,
                static (node, _) => node is CompilationUnitSyntax,
                static (syntax, cancellationToken) => SubtypeParser.Parse(syntax, cancellationToken))
            .Collect()
            .WithTrackingName(TrackingNames.SubtypeDeclarations)
            .Select(static (all, _) => all.SelectMany(s => s).ToEquatableArray())
            .WithTrackingName(TrackingNames.Subtypes);

        // Channels and subtypes that reach the same types share their codecs.
        var distinctCodecs = channels
            .Combine(subtypes)
            .WithTrackingName(TrackingNames.CodecSources)
            .Select(static (input, _) => DistinctCodecs(input.Left, input.Right).ToEquatableArray())
            .WithTrackingName(TrackingNames.DistinctCodecs);

        // Two codecs the naming scheme gives one name: one is renamed, and so is every reference to it. Almost always
        // empty, so an edit that changes a codec but no name leaves the channels and the subtypes' registrations cached.
        var renames = distinctCodecs
            .Select(static (all, _) => CodecNameCollisions.Find(all))
            .WithTrackingName(TrackingNames.CodecRenames);
        var allCodecs = distinctCodecs
            .Combine(renames)
            .WithTrackingName(TrackingNames.CodecsToName)
            .Select(static (input, _) => CodecNameCollisions.Apply(input.Left, input.Right))
            .WithTrackingName(TrackingNames.AllCodecs);

        // Without its codecs, so that editing a message type regenerates its codec but not the channel.
        var implementations = channels
            .Combine(renames)
            .WithTrackingName(TrackingNames.ChannelsToName)
            .SelectMany(static (input, _) => input.Left.Select(c => CodecNameCollisions.Apply(c with { Codecs = EquatableArray<CodecModel>.Empty }, input.Right)))
            .WithTrackingName(TrackingNames.ChannelImplementations);
        context.RegisterSourceOutput(implementations, ChannelEmitter.Emit);

        var codecs = allCodecs
            .SelectMany(static (all, _) => all)
            .WithTrackingName(TrackingNames.Codecs);
        context.RegisterSourceOutput(codecs, CodecEmitter.Emit);

        var assembly = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => AssemblyParser.Parse(compilation, cancellationToken))
            .WithTrackingName(TrackingNames.Assembly);

        var registry = channels
            .Select(static (all, _) => all.Select(c => new RegistryEntryModel(c.InterfaceTypeName, c.ChannelName)).ToEquatableArray())
            .WithTrackingName(TrackingNames.RegistryEntries)
            .Combine(assembly)
            .WithTrackingName(TrackingNames.Registry);
        context.RegisterSourceOutput(registry, RegistryEmitter.Emit);

        var addChannels = channels
            .Select(static (all, _) => all.Count > 0)
            .WithTrackingName(TrackingNames.HasChannels)
            .Combine(assembly)
            .WithTrackingName(TrackingNames.AddChannels);
        context.RegisterSourceOutput(addChannels, AddChannelsEmitter.Emit);

        var codecRegistrations = allCodecs
            .Select(static (all, _) => all.Select(c => new CodecRegistrationModel(c.TypeName, c.CodecTypeName)).ToEquatableArray())
            .WithTrackingName(TrackingNames.CodecRegistrationEntries)
            .Combine(assembly)
            .WithTrackingName(TrackingNames.CodecRegistrations);
        context.RegisterSourceOutput(codecRegistrations, CodecRegistrationsEmitter.Emit);

        // Looked for only in an assembly with assembly attributes; usually the first type it meets is public.
        var needsAnchor = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => AssemblyParser.MayNeedSubtypesAnchor(compilation, cancellationToken))
            .WithTrackingName(TrackingNames.SubtypesAnchor);
        var subtypeRegistrations = subtypes
            .Combine(renames)
            .WithTrackingName(TrackingNames.SubtypesToName)
            .Select(static (input, _) => CodecNameCollisions.Apply(input.Left, input.Right))
            .WithTrackingName(TrackingNames.NamedSubtypes)
            .Combine(assembly)
            .WithTrackingName(TrackingNames.SubtypeRegistrationInputs)
            .Combine(needsAnchor)
            .WithTrackingName(TrackingNames.SubtypeRegistrationsWithAnchor)
            .Select(static (input, _) => (input.Left.Left, input.Left.Right, input.Right))
            .WithTrackingName(TrackingNames.SubtypeRegistrations);
        context.RegisterSourceOutput(subtypeRegistrations, SubtypeRegistrationsEmitter.Emit);
    }

    private static EquatableArray<ChannelModel> ChannelsWithUniqueNames(ImmutableArray<ChannelDeclaration> declarations)
    {
        var uses = declarations
            .Where(d => d.ChannelName is not null)
            .GroupBy(d => d.ChannelName!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return declarations
            .Where(d => d.Model is not null && uses[d.ChannelName!] == 1)
            .Select(d => d.Model!)
            .OrderBy(m => m.DisplayName, StringComparer.Ordinal)
            .ToEquatableArray();
    }

    // Channels that share a message type, or reach the same types, share their codecs; so do declared subtypes.
    // Envelope<User?> sorts before Envelope<User> ('?' after '>'): the same run-time type, and BsonCodec.Register keeps
    // the first, so a codec looked up at run time, which cannot know the annotations, accepts a null as MongoDB.Bson does.
    private static List<CodecModel> DistinctCodecs(EquatableArray<ChannelModel> channels, EquatableArray<SubtypeModel> subtypes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return channels
            .SelectMany(c => c.Codecs)
            .Concat(subtypes.SelectMany(s => s.Codecs))
            .Where(c => seen.Add(c.TypeName))
            .OrderBy(c => c.DisplayName, StringComparer.Ordinal)
            .ThenByDescending(c => c.TypeName, StringComparer.Ordinal)
            .ToList();
    }
}
