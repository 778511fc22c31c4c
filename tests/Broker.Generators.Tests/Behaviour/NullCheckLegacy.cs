// A type written before nullable reference types: its members say nothing about null, so the codec writes a null as
// BSON null, as MongoDB.Bson does, and never refuses one.
#nullable disable

#pragma warning disable CA2227 // Settable collections are what MongoDB.Bson maps by default.
#pragma warning disable CA1002 // List<T> members are one of the shapes under test.

namespace Broker.Generators.Tests.Behaviour.NullChecks;

public sealed class Legacy
{
    public string Name { get; set; }

    public List<string> Aliases { get; set; }
}
