using System.Text.Json;
using System.Text.Json.Serialization;
using Jobs.Messages.Serialization;

namespace Jobs.Node.Api;

public static class ApiJson
{
    /// <summary>camelCase, enums as camelCase strings, nulls written (the API shows every field).</summary>
    public static readonly JsonSerializerOptions Options = new(JobsSerializer.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
