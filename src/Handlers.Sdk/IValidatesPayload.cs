using System.Text.Json;

namespace Jobs.Handlers;

/// <summary>Optional: reject a bad payload at submission (HTTP 400) instead of at run time.</summary>
public interface IValidatesPayload
{
    /// <returns>null when valid, else what is wrong (shown to the caller).</returns>
    string? ValidatePayload(JsonElement? payload);
}
