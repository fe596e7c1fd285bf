using System.Text.Json;
using Spectre.Console;

namespace Jobs.Cli;

/// <summary>What a command prints: Spectre tables, plain lines, or (with --json) the node's JSON as is.</summary>
public sealed class Output(IAnsiConsole console, TextWriter writer, bool json, TableBorder table, bool live)
{
    public bool Json => json;

    /// <summary>stdout is a terminal that can redraw: progress is shown as a live bar instead of a line per update.</summary>
    public bool Live => live;

    public IAnsiConsole Console => console;

    /// <summary>A line as is (never wrapped: ids, addresses and JSON stay copyable).</summary>
    public void Line(string text = "") => writer.WriteLine(text);

    public void JsonValue(JsonElement value) =>
        writer.WriteLine(JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>
    /// A table with a header row; cells are plain text (never markup). On a terminal narrower than the
    /// table the other columns wrap, not the first (the row's address or id).
    /// </summary>
    public void Table(IReadOnlyList<Column> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var t = new Table().Border(table);
        for (var i = 0; i < columns.Count; i++)
        {
            var column = new TableColumn(new Text(columns[i].Header)) { NoWrap = i == 0 };
            t.AddColumn(columns[i].Numeric ? column.RightAligned() : column);
        }
        foreach (var r in rows) t.AddRow(r.Select(cell => new Text(cell)));
        console.Write(t);
    }

    /// <summary>"[#########.........]  45%" for a fraction 0..1.</summary>
    public static string Bar(double fraction, int width = 30)
    {
        var f = Math.Clamp(double.IsFinite(fraction) ? fraction : 0, 0, 1);
        var filled = (int)Math.Round(f * width);
        return $"[{new string('#', filled)}{new string('.', width - filled)}] {f * 100,3:0}%";
    }
}

/// <summary>A table column: its header, and whether it holds numbers (right-aligned).</summary>
public sealed record Column(string Header, bool Numeric = false)
{
    public static implicit operator Column(string header) => new(header);

    public static Column Number(string header) => new(header, Numeric: true);
}
