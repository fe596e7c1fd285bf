using System.Text.Json.Nodes;
using Jobs.Node.Api.Schemas;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Jobs.Node.Api;

/// <summary>
/// The OpenAPI 3.1 document of every route the node maps, at <see cref="Path"/>. It is served
/// without a key, like /healthz: it describes routes, not data (<see cref="Security.ApiKeyMiddleware"/>
/// guards /api only). The routes' own metadata gives names, bodies, answers and problems; the
/// transformers here add what holds for many routes at once: the key every /api route needs (401,
/// 403), query parameters a route reads by hand, enums written as strings (as <see cref="ApiJson"/>
/// writes them), and /metrics, which is not a route handler.
/// </summary>
public static class ApiDocument
{
    public const string Name = "v1";
    public const string Path = "/openapi/" + Name + ".json";
    private const string BearerScheme = "bearer";

    public static IServiceCollection AddApiDocument(this IServiceCollection services) => services.AddOpenApi(Name, o =>
    {
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo { Title = "jobs node", Version = Name, Description = "The HTTP API of a node (docs/api.md)." };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key (JOBS_API_KEYS). Without keys configured, loopback callers need none.",
            };
            document.Paths ??= new OpenApiPaths();
            document.Paths["/metrics"] = Metrics();
            return Task.CompletedTask;
        });
        o.AddOperationTransformer(async (operation, context, ct) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            foreach (var q in metadata.OfType<QueryParameter>())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = q.Name,
                    In = ParameterLocation.Query,
                    Description = q.Description,
                    Schema = new OpenApiSchema { Type = q.Type, Minimum = q.Minimum, Maximum = q.Maximum, Pattern = q.Pattern },
                });
            }
            if (context.Description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                var problem = await ProblemSchema(context, ct);
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", ProblemResponse("no key, or a key that is not valid (keys configured)", problem));
                operation.Responses.TryAdd("403", ProblemResponse("the key's role does not allow the route, or the key names another tenant; without keys, a caller not on loopback", problem));
            }
        });
        o.AddSchemaTransformer((schema, context, _) =>
        {
            // Numbers are JSON numbers both ways: ApiJson writes them so and the parsers refuse "3" for 3,
            // while the web defaults the document is generated with would also allow a numeric string.
            if (schema.Type is { } t && (t & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (t & JsonSchemaType.String) != 0)
            {
                schema.Type = t & ~JsonSchemaType.String;
                schema.Pattern = null;
            }
            // ApiJson writes enums as camelCase strings; the document's serializer options would say integers.
            var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
            if (type.IsEnum)
            {
                schema.Type = JsonSchemaType.String;
                schema.Format = null;
                schema.Enum = [.. Enum.GetNames(type).Select(n => (JsonNode)JsonValue.Create(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(n)))];
            }
            return Task.CompletedTask;
        });
    });

    public static IEndpointConventionBuilder MapApiDocument(this IEndpointRouteBuilder app) => app.MapOpenApi(Path.Replace(Name, "{documentName}", StringComparison.Ordinal));

    /// <summary>The route answers these statuses with a <see cref="Schemas.Problem"/> (401 and 403 of /api routes are added for all).</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses) route.Produces<Problem>(status, Problems.ContentType);
        return route;
    }

    /// <summary>A query parameter the route reads from the request itself rather than binding it.</summary>
    public static RouteHandlerBuilder WithQuery(this RouteHandlerBuilder route, string name, string description,
        JsonSchemaType type = JsonSchemaType.String, int? minimum = null, int? maximum = null, string? pattern = null) =>
        route.WithMetadata(new QueryParameter(name, description, type, minimum?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            maximum?.ToString(System.Globalization.CultureInfo.InvariantCulture), pattern));

    private sealed record QueryParameter(string Name, string Description, JsonSchemaType Type, string? Minimum, string? Maximum, string? Pattern);

    private static async Task<IOpenApiSchema> ProblemSchema(OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var id = nameof(Problem);
        if (context.Document?.Components?.Schemas?.ContainsKey(id) != true)
            context.Document!.AddComponent(id, await context.GetOrCreateSchemaAsync(typeof(Problem), null, ct));
        return new OpenApiSchemaReference(id, context.Document);
    }

    private static OpenApiResponse ProblemResponse(string description, IOpenApiSchema schema) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType> { [Problems.ContentType] = new() { Schema = schema } },
    };

    private static OpenApiPathItem Metrics() => new()
    {
        Operations = new Dictionary<HttpMethod, OpenApiOperation>
        {
            [HttpMethod.Get] = new()
            {
                OperationId = "metrics",
                Summary = "Prometheus metrics (docs/operations.md lists them); no key needed",
                Tags = new HashSet<OpenApiTagReference> { new("health") },
                Responses = new OpenApiResponses
                {
                    ["200"] = new OpenApiResponse
                    {
                        Description = "the Prometheus text exposition format",
                        Content = new Dictionary<string, OpenApiMediaType> { ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
                    },
                },
            },
        },
    };
}
