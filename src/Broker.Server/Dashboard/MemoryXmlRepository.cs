using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Broker.Server.Dashboard;

/// <summary>Data protection keys held in memory for the life of the process: the dashboard writes nothing to disk.</summary>
internal sealed class MemoryXmlRepository : IXmlRepository
{
    private readonly Lock _gate = new();
    private readonly List<XElement> _elements = [];

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        lock (_gate)
            return [.. _elements.Select(e => new XElement(e))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        lock (_gate)
            _elements.Add(new XElement(element));
    }
}
