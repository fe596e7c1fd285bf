using System.Text;

namespace Jobs.Sandbox;

/// <summary>Captures console output up to a number of characters; the rest is dropped and flagged.</summary>
public sealed class BoundedWriter(int max)
{
    private readonly StringBuilder _sb = new();

    public bool Truncated { get; private set; }

    public void WriteLine(string line)
    {
        if (Truncated) return;
        if (_sb.Length + line.Length + 1 > max)
        {
            _sb.Append(line.AsSpan(0, Math.Max(0, max - _sb.Length)));
            Truncated = true;
            return;
        }
        _sb.Append(line).Append('\n');
    }

    public override string ToString() => _sb.ToString();
}
