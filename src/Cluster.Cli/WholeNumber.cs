using System.Globalization;
using Spectre.Console;

namespace Jobs.Cli;

/// <summary>
/// The numeric options (--depth, --limit, --priority) are read as text and checked here, so that
/// "abc" and "500" get the same usage error naming the option and its bounds.
/// </summary>
internal static class WholeNumber
{
    public static ValidationResult Check(string option, string? text, int min, int max) =>
        text is null || (TryParse(text, out var value) && value >= min && value <= max)
            ? ValidationResult.Success()
            : ValidationResult.Error($"{option} must be a whole number {min}..{max}, not '{text}'");

    /// <summary>The value of a checked option (null if not given).</summary>
    public static int? Of(string? text) => text is null ? null : int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static bool TryParse(string text, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
}
