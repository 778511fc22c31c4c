using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Broker.Packaging.Tests;

/// <summary>
/// Every package in the feed (every packable project, including ones added later) describes itself as nuget.org shows
/// it: license, project and repository with the commit, description and tags, a README of its own whose links work
/// outside the repository, and a symbol package beside it.
/// </summary>
[Collection(PackingCollection.Name)]
public sealed partial class PackageMetadataTests(PackedRepository packed)
{
    private const string RepositoryUrl = "https://github.com/broker-dotnet/broker";

    [Fact]
    public void EveryPackageHasLicenseUrlsRepositoryDescriptionAndTags()
    {
        var problems = EachPackage((id, package, metadata) => MetadataProblems(metadata));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryPackageHasItsOwnReadmeWithAbsoluteLinksOnly()
    {
        var problems = EachPackage((id, package, metadata) => ReadmeProblems(id, package, metadata));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void EveryPackageHasASymbolPackageWithThePdbOfEachAssembly()
    {
        var problems = EachPackage((id, package, metadata) => SymbolProblems(id, package));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static IEnumerable<string> MetadataProblems(XElement metadata)
    {
        var license = Element(metadata, "license");
        if ((string?)license?.Attribute("type") != "expression" || license.Value != "MIT")
            yield return "license expression is not MIT";
        if (Element(metadata, "projectUrl")?.Value != RepositoryUrl)
            yield return $"projectUrl is not {RepositoryUrl}";
        var repository = Element(metadata, "repository");
        if ((string?)repository?.Attribute("type") != "git" || (string?)repository.Attribute("url") != RepositoryUrl)
            yield return $"repository is not git at {RepositoryUrl}: {repository}";
        if (!CommitId().IsMatch((string?)repository?.Attribute("commit") ?? ""))
            yield return $"repository has no commit: {repository}";
        if (Element(metadata, "description")?.Value is not { Length: > 40 } description || description == "Package Description")
            yield return "description is missing or a placeholder";
        if (Element(metadata, "tags")?.Value.Split(' ') is not { } tags || !tags.Contains("broker"))
            yield return "tags are missing or do not include 'broker'";
    }

    private IEnumerable<string> ReadmeProblems(string id, ZipArchive package, XElement metadata)
    {
        var name = Element(metadata, "readme")?.Value;
        var entry = name is null ? null : package.GetEntry(name);
        if (entry is null)
        {
            yield return $"no readme in the package (nuspec names '{name}')";
            yield break;
        }
        string readme;
        using (var reader = new StreamReader(entry.Open()))
            readme = reader.ReadToEnd();
        if (!readme.Contains("dotnet add package " + id, StringComparison.Ordinal) && !readme.Contains("dotnet tool install -g " + id, StringComparison.Ordinal))
            yield return "the readme does not show how to install it";
        foreach (var target in MarkdownLinks.Targets(readme))
        {
            if (!MarkdownLinks.IsAbsolute(target))
                yield return $"the readme links to '{target}', which nuget.org cannot follow: links must be absolute";
            else if (RepositoryFile(target) is { } file && !File.Exists(file) && !Directory.Exists(file))
                yield return $"the readme links to '{target}', and the repository has no {file}";
        }
    }

    private IEnumerable<string> SymbolProblems(string id, ZipArchive package)
    {
        if (!File.Exists(packed.SymbolsPath(id)))
        {
            yield return $"no {Path.GetFileName(packed.SymbolsPath(id))} beside the package";
            yield break;
        }
        using var symbols = ZipFile.OpenRead(packed.SymbolsPath(id));
        var pdbs = symbols.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var assembly in package.Entries.Select(e => e.FullName).Where(n => n.StartsWith("lib/", StringComparison.Ordinal) && n.EndsWith(".dll", StringComparison.Ordinal)))
        {
            if (!pdbs.Contains(Path.ChangeExtension(assembly, ".pdb")))
                yield return $"the symbol package has no PDB for {assembly}";
        }
    }

    /// <summary>The file in this repository that a link to the GitHub repository's main branch points at, if any.</summary>
    private string? RepositoryFile(string target)
    {
        foreach (var prefix in new[] { RepositoryUrl + "/blob/main/", RepositoryUrl + "/tree/main/" })
        {
            if (target.StartsWith(prefix, StringComparison.Ordinal))
                return Path.Combine(packed.Repository, target[prefix.Length..].Split('#')[0]);
        }
        return null;
    }

    /// <summary>Runs <paramref name="check"/> on every package in the feed; its problems, each prefixed by the package id.</summary>
    private List<string> EachPackage(Func<string, ZipArchive, XElement, IEnumerable<string>> check)
    {
        var ids = packed.PackageIds();
        Assert.NotEmpty(ids);
        var problems = new List<string>();
        foreach (var id in ids)
        {
            using var package = packed.OpenPackage(id);
            var metadata = PackedRepository.Nuspec(package).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            problems.AddRange(check(id, package, metadata).Select(problem => $"{id}: {problem}"));
        }
        return problems;
    }

    private static XElement? Element(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitId();
}
