using System.Text.RegularExpressions;
using Jobs.Testing;
using Xunit;

namespace Jobs.Tests.Docs;

/// <summary>docs/architecture.md names only code that exists: a renamed or removed type or member fails here, not in a reader's head.</summary>
public sealed partial class ArchitectureDocsTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "architecture.md"));

    /// <summary>Project folders (src/…, tests/…) may be named like code (`Handlers.Sdk`).</summary>
    private static readonly HashSet<string> Projects = Directory.GetDirectories(Path.Combine(TestPaths.RepoRoot, "src"))
        .Concat(Directory.GetDirectories(Path.Combine(TestPaths.RepoRoot, "tests")))
        .Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Every_name_in_inline_code_exists()
    {
        var prose = FencedBlock().Replace(Page, "");
        var names = InlineCode().Matches(prose).Select(m => m.Groups[1].Value.Trim())
            .Select(Name).OfType<string>().Distinct().ToList();
        Assert.NotEmpty(names);
        var unknown = names.Where(n => !Projects.Contains(n) && !CodeNames.Instance.Exists(n)).ToList();
        Assert.True(unknown.Count == 0, "docs/architecture.md names what does not exist: " + string.Join(", ", unknown));
    }

    /// <summary>Prose in the flows that looks like code: units and names of languages.</summary>
    private static readonly HashSet<string> Prose = ["JavaScript", "KiB", "MiB", "GiB"];

    [Fact]
    public void Every_identifier_in_the_flows_exists()
    {
        var flows = string.Join("\n", FencedBlock().Matches(Page).Where(m => !m.Value.StartsWith("```mermaid", StringComparison.Ordinal)).Select(m => m.Value));
        // product names (PostgreSQL) carry acronyms; code names here never have three capitals in a row
        var names = Identifier().Matches(flows).Select(m => m.Value).Where(n => !Acronym().IsMatch(n) && !Prose.Contains(n)).Distinct().ToList();
        Assert.NotEmpty(names);
        var unknown = names.Where(n => !Projects.Contains(n) && !CodeNames.Instance.Exists(n)).ToList();
        Assert.True(unknown.Count == 0, "docs/architecture.md's flows name what does not exist: " + string.Join(", ", unknown));
    }

    /// <summary>A code name inside backticks (<c>Type</c>, <c>Type.Member</c>, <c>Type.Member()</c>, <c>Type&lt;T&gt;</c>), or null for anything else (paths, routes, settings).</summary>
    private static string? Name(string code)
    {
        var m = CodeToken().Match(code);
        return m.Success ? m.Groups["name"].Value : null;
    }

    [GeneratedRegex("[A-Z]{3}")]
    private static partial Regex Acronym();

    [GeneratedRegex("```.*?```", RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex("`([^`\n]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^(?<name>[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*)(?:<[A-Za-z, ]+>)?(?:\(\))?$")]
    private static partial Regex CodeToken();

    /// <summary>In the flows: words with a lower-case letter and at least two capitals (JobSupervisor, RetryPolicy.AfterFailure), dotted or not.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_/.-])[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*|(?<![A-Za-z0-9_/.-])[A-Z][a-z0-9]+\.[A-Z][A-Za-z0-9]*")]
    private static partial Regex Identifier();
}
