using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jobs.Node.Hosting;
using Jobs.Tests.Support;
using Microsoft.AspNetCore.Routing;
using NJsonSchema;
using Xunit;

namespace Jobs.Tests.Node;

/// <summary>A node with an admin key: the OpenAPI document it serves, checked against its routes and its answers.</summary>
public sealed class OpenApiNodeFixture : IAsyncLifetime
{
    public const string AdminKey = "openapi-admin-key-0123456789";
    public const string DocumentPath = "/openapi/v1.json";

    public NodeProcess Node { get; private set; } = null!;
    public JsonObject Document { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-openapi"), env: new Dictionary<string, string>
        {
            ["JOBS_API_KEYS"] = $"{AdminKey}:default:admin",
        });
        var response = await Node.Http.GetAsync(DocumentPath);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

[Collection(NodeCollection.Name)]
public sealed class OpenApiDocumentTests(OpenApiNodeFixture fixture) : IClassFixture<OpenApiNodeFixture>
{
    private NodeProcess Node => fixture.Node;
    private JsonObject Document => fixture.Document;

    [Fact]
    public async Task Document_is_served_without_a_key_while_api_routes_need_one()
    {
        var document = await Node.CallAsync(HttpMethod.Get, OpenApiNodeFixture.DocumentPath, key: null);
        Assert.Equal(HttpStatusCode.OK, document.Status);
        Assert.StartsWith("3.", document.Body.GetProperty("openapi").GetString());

        var route = await Node.CallAsync(HttpMethod.Get, "/api/types", key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, route.Status);
        // and the document says so: every /api operation asks for the bearer scheme
        Assert.Equal("bearer", Document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_route_the_node_maps_is_in_the_document_with_its_method_and_nothing_else_is()
    {
        var mapped = await MappedRoutesAsync();
        Assert.Contains(("/api/jobs", "post"), mapped); // the enumeration found the routes at all
        var paths = Document["paths"]!.AsObject();

        var missing = mapped.Where(r => paths[r.Path] is not JsonObject item || (r.Method is { } m ? item[m] is null : item.Count == 0))
            .Select(r => $"{r.Method ?? "any"} {r.Path}").ToList();
        Assert.True(missing.Count == 0, "mapped but not in the document: " + string.Join(", ", missing));

        var documented = paths.SelectMany(p => p.Value!.AsObject().Select(op => (Path: p.Key, Method: op.Key))).ToList();
        var stale = documented.Where(d => !mapped.Any(r => r.Path == d.Path && (r.Method is null || r.Method == d.Method)))
            .Select(d => $"{d.Method} {d.Path}").ToList();
        Assert.True(stale.Count == 0, "in the document but not mapped: " + string.Join(", ", stale));
    }

    public static TheoryData<string, string> AcceptedJobs => new()
    {
        { "minimal", """{"type":"noop"}""" },
        {
            "every field",
            """
            {"type":"noop","payload":{"delayMs":0},"queue":"default","priority":-100,"maxAttempts":100,
             "backoff":{"initialMs":0,"maxMs":86400000,"jitter":1},"timeoutMs":86400000,"runAt":"2030-01-01T09:30:00.5+02:00",
             "idempotencyKey":"openapi-every-field","dependsOn":[],"dedupe":true,"tenant":"default","metadata":{"note":"x","n":[1,2]}}
            """
        },
        {
            "nulls for every optional field",
            """
            {"type":"noop","payload":null,"queue":null,"priority":null,"maxAttempts":null,"backoff":null,"timeoutMs":null,
             "runAt":null,"idempotencyKey":null,"dependsOn":null,"dedupe":null,"tenant":null,"metadata":null}
            """
        },
        { "runAt without seconds or offset, a backoff of initialMs only", """{"type":"noop","runAt":"2030-01-01T09:30","backoff":{"initialMs":5}}""" },
        { "a float jitter and an empty metadata", """{"type":"noop","priority":100,"maxAttempts":1,"timeoutMs":1,"backoff":{"initialMs":1,"maxMs":1,"jitter":0.25},"metadata":{}}""" },
    };

    [Theory]
    [MemberData(nameof(AcceptedJobs))]
    public async Task Documented_job_schema_accepts_a_job_the_api_accepts(string shape, string body)
    {
        var (status, answer, _) = await Node.CallAsync(HttpMethod.Post, "/api/jobs", OpenApiNodeFixture.AdminKey, body);
        Assert.True(status is HttpStatusCode.Accepted or HttpStatusCode.OK, $"{shape}: the API answered {(int)status} {answer}");

        Assert.Empty(await ErrorsAsync(RequestSchema("/api/jobs"), body));
        // and the documented answer describes the answer
        Assert.Empty(await ErrorsAsync(ResponseSchema("/api/jobs", "post", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture)), answer.GetRawText()));
    }

    [Fact]
    public async Task Documented_job_schema_accepts_a_job_that_depends_on_another()
    {
        var (_, first, _) = await Node.CallAsync(HttpMethod.Post, "/api/jobs", OpenApiNodeFixture.AdminKey, """{"type":"noop"}""");
        var body = $$"""{"type":"noop","dependsOn":["{{first.GetProperty("id").GetString()}}"]}""";
        var (status, answer, _) = await Node.CallAsync(HttpMethod.Post, "/api/jobs", OpenApiNodeFixture.AdminKey, body);
        Assert.True(status == HttpStatusCode.Accepted, $"the API answered {(int)status} {answer}");
        Assert.Empty(await ErrorsAsync(RequestSchema("/api/jobs"), body));
    }

    public static TheoryData<string, string> RefusedJobs => new()
    {
        { "maxAttempts as a string", """{"type":"noop","maxAttempts":"3"}""" },
        { "a misspelt field", """{"type":"noop","maxAttemps":3}""" },
        { "no type", """{"payload":{"delayMs":1}}""" },
        { "priority out of range", """{"type":"noop","priority":101}""" },
        { "timeoutMs a fraction", """{"type":"noop","timeoutMs":1.5}""" },
        { "dependsOn not an array", """{"type":"noop","dependsOn":"job-1"}""" },
        { "an unknown backoff field", """{"type":"noop","backoff":{"initialMs":1,"factor":2}}""" },
        { "runAt in a culture's format", """{"type":"noop","runAt":"1/2/2030"}""" },
        { "metadata not an object", """{"type":"noop","metadata":[1]}""" },
        { "dedupe as a string", """{"type":"noop","dedupe":"yes"}""" },
        { "not an object", """["noop"]""" },
    };

    [Theory]
    [MemberData(nameof(RefusedJobs))]
    public async Task Documented_job_schema_refuses_a_job_the_api_refuses_for_its_shape(string shape, string body)
    {
        var (status, answer, _) = await Node.CallAsync(HttpMethod.Post, "/api/jobs", OpenApiNodeFixture.AdminKey, body);
        Assert.True(status == HttpStatusCode.BadRequest, $"{shape}: the API answered {(int)status} {answer}");
        Assert.NotEmpty(await ErrorsAsync(RequestSchema("/api/jobs"), body));
        Assert.Empty(await ErrorsAsync(ResponseSchema("/api/jobs", "post", "400"), answer.GetRawText()));
    }

    [Fact]
    public async Task Documented_job_fields_are_the_fields_the_api_knows()
    {
        var (status, problem, _) = await Node.CallAsync(HttpMethod.Post, "/api/jobs", OpenApiNodeFixture.AdminKey, """{"type":"noop","bogus":1}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = problem.GetProperty("detail").GetString()!;
        const string known = "known fields: ";
        var fields = detail[(detail.IndexOf(known, StringComparison.Ordinal) + known.Length)..].Split(", ").Order().ToArray();

        var schema = Resolve(Document["paths"]!["/api/jobs"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.Equal(fields, schema["properties"]!.AsObject().Select(p => p.Key).Order().ToArray());
        Assert.Equal(["type"], schema["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray());
    }

    [Fact]
    public async Task Documented_batch_schema_accepts_a_batch_the_api_accepts_and_refuses_one_it_refuses()
    {
        var body = $$"""{"id":"openapi-{{Guid.NewGuid():N}}","jobs":[{"type":"noop"},{"type":"noop","priority":3,"idempotencyKey":"b1"}]}""";
        var (status, answer, _) = await Node.CallAsync(HttpMethod.Post, "/api/batches", OpenApiNodeFixture.AdminKey, body);
        Assert.True(status == HttpStatusCode.Accepted, $"the API answered {(int)status} {answer}");
        Assert.Empty(await ErrorsAsync(RequestSchema("/api/batches"), body));
        Assert.Empty(await ErrorsAsync(ResponseSchema("/api/batches", "post", "202"), answer.GetRawText()));

        var (read, view, _) = await Node.CallAsync(HttpMethod.Get, "/api/batches/" + answer.GetProperty("id").GetString(), OpenApiNodeFixture.AdminKey);
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Empty(await ErrorsAsync(ResponseSchema("/api/batches/{id}", "get", "200"), view.GetRawText()));

        const string refused = """{"jobs":[{"type":"noop","maxAttempts":"2"}]}""";
        Assert.Equal(HttpStatusCode.BadRequest, (await Node.CallAsync(HttpMethod.Post, "/api/batches", OpenApiNodeFixture.AdminKey, refused)).Status);
        Assert.NotEmpty(await ErrorsAsync(RequestSchema("/api/batches"), refused));
        const string empty = """{"jobs":[]}""";
        Assert.Equal(HttpStatusCode.BadRequest, (await Node.CallAsync(HttpMethod.Post, "/api/batches", OpenApiNodeFixture.AdminKey, empty)).Status);
        Assert.NotEmpty(await ErrorsAsync(RequestSchema("/api/batches"), empty));
    }

    [Fact]
    public async Task Documented_answers_describe_the_job_view_lists_types_and_usage()
    {
        var (_, job, _) = await Node.CallAsync(HttpMethod.Post, "/api/jobs", OpenApiNodeFixture.AdminKey, """{"type":"noop","metadata":{"k":"v"}}""");
        var id = job.GetProperty("id").GetString()!;
        await Eventually.Until(async () => (await Node.CallAsync(HttpMethod.Get, $"/api/jobs/{id}", OpenApiNodeFixture.AdminKey)).Body,
            view => view.GetProperty("status").GetString() == "completed", TimeSpan.FromSeconds(30), $"job {id} to complete");

        foreach (var (path, route) in new[]
                 {
                     ($"/api/jobs/{id}", "/api/jobs/{id}"), ("/api/jobs?limit=5", "/api/jobs"), ("/api/dlq", "/api/dlq"),
                     ("/api/types", "/api/types"), ("/api/usage?tenant=default", "/api/usage"), ("/api/cluster", "/api/cluster"),
                     ("/api/nodes", "/api/nodes"),
                 })
        {
            var (status, answer, _) = await Node.CallAsync(HttpMethod.Get, path, OpenApiNodeFixture.AdminKey);
            Assert.Equal(HttpStatusCode.OK, status);
            var errors = await ErrorsAsync(ResponseSchema(route, "get", "200"), answer.GetRawText());
            Assert.True(errors.Count == 0, $"GET {path}: {string.Join("; ", errors)}");
        }
        Assert.NotEmpty(await ErrorsAsync(ResponseSchema("/api/jobs/{id}", "get", "200"), "{}")); // the check can fail
    }

    [Fact]
    public void Problem_answers_are_documented_on_the_routes()
    {
        var paths = Document["paths"]!.AsObject();
        foreach (var (path, item) in paths.Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal)))
            foreach (var (method, operation) in item!.AsObject())
                foreach (var status in new[] { "401", "403" })
                    Assert.True(IsProblem(operation!["responses"]![status]), $"{method} {path} does not document its {status}");

        foreach (var (path, method, statuses) in new (string, string, string[])[]
                 {
                     ("/api/jobs", "post", ["400", "413", "415", "429", "503"]),
                     ("/api/jobs", "get", ["400"]),
                     ("/api/jobs/{id}", "get", ["404"]),
                     ("/api/jobs/{id}/cancel", "post", ["404", "409"]),
                     ("/api/jobs/{id}/events", "get", ["404", "429"]),
                     ("/api/dlq/{id}/requeue", "post", ["404", "409"]),
                     ("/api/dlq/{id}", "delete", ["404", "409"]),
                     ("/api/batches", "post", ["400", "409", "413", "429", "503"]),
                     ("/api/batches/{id}", "get", ["404"]),
                     ("/api/usage", "get", ["400", "404"]),
                     ("/api/cluster/leave", "post", ["400", "404", "409"]),
                     ("/readyz", "get", ["503"]),
                 })
            foreach (var status in statuses)
                Assert.True(IsProblem(paths[path]![method]!["responses"]![status]), $"{method} {path} does not document its {status}");
    }

    /// <summary>(path, lowercase method or null for any) of every endpoint NodeApp maps, but the document's own and the dashboard's.</summary>
    private static async Task<List<(string Path, string? Method)>> MappedRoutesAsync()
    {
        await using var app = NodeApp.Build([]);
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (Path: "/" + e.RoutePattern.RawText!.Trim('/'), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods))
            .Where(e => !e.Path.StartsWith("/openapi/", StringComparison.Ordinal))
            // the dashboard's pages and files are HTML, script and style, not API
            .Where(e => !Jobs.Node.Dashboard.DashboardEndpoints.IsDashboardRoute(e.Path))
            .SelectMany(e => e.Methods is { Count: > 0 } methods
                ? methods.Select(m => (e.Path, (string?)m.ToLowerInvariant()))
                : [(e.Path, (string?)null)])
            .ToList();
    }

    private bool IsProblem(JsonNode? response) =>
        response?["content"]?[Jobs.Node.Api.Problems.ContentType]?["schema"] is { } schema && Resolve(schema)["properties"]?["detail"] is not null;

    private JsonNode RequestSchema(string path) => Document["paths"]![path]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;

    private JsonNode ResponseSchema(string path, string method, string status)
    {
        var content = Document["paths"]![path]![method]!["responses"]![status]!["content"]!.AsObject();
        return content.Single().Value!["schema"]!;
    }

    private JsonObject Resolve(JsonNode schema) =>
        schema["$ref"] is { } reference
            ? Document["components"]!["schemas"]![reference.GetValue<string>()["#/components/schemas/".Length..]]!.AsObject()
            : schema.AsObject();

    /// <summary>Validates JSON against a schema of the document, its references resolved in the document's components.</summary>
    private async Task<List<string>> ErrorsAsync(JsonNode schema, string json)
    {
        var root = new JsonObject
        {
            ["allOf"] = new JsonArray(schema.DeepClone()),
            ["definitions"] = Document["components"]!["schemas"]!.DeepClone(),
        };
        var text = root.ToJsonString().Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
        var compiled = await JsonSchema.FromJsonAsync(text);
        return compiled.Validate(json).Select(e => e.ToString()).ToList();
    }
}
