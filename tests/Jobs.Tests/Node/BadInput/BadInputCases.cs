using System.Text;

namespace Jobs.Tests.Node.BadInput;

/// <summary>Which credentials a case presents on the node with keys (the node without keys ignores them).</summary>
public enum Caller { Admin, Submit, Read, NoKey, UnknownKey, Malformed }

/// <summary>
/// One request the API must refuse: <paramref name="Status"/> the 4xx it must answer, and
/// <paramref name="Field"/> the field the problem must name (when there is one to name).
/// <c>{seed}</c> in the path is the node's completed job; <c>{batch}</c> its batch.
/// <paramref name="FillerHeaderChars"/> adds a header of that many characters.
/// </summary>
public sealed record BadCase(string Name, string Method, string Path, byte[]? Body, int Status, string? Field = null,
    string? ContentType = "application/json", Caller Caller = Caller.Admin, int FillerHeaderChars = 0)
{
    /// <summary>Cases about keys mean nothing on the node without keys.</summary>
    public bool KeyedOnly => Caller != Caller.Admin;

    /// <summary>What makes two cases the same request.</summary>
    public string Identity => $"{Method} {Path} {ContentType} {Caller} {FillerHeaderChars} {(Body is null ? "-" : Convert.ToBase64String(Body))}";

    public override string ToString() => Name;
}

/// <summary>The bad-input battery: requests over every route that must each be refused with a problem and store nothing.</summary>
public static class BadInputCases
{
    private static readonly string Ids101 = string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"dep-{i}\""));

    public static IReadOnlyList<BadCase> All { get; } = [.. JobSubmissions(), .. Batches(), .. Reads(), .. Commands(), .. Management(), .. Routing(), .. Keys()];

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static BadCase Job(string name, string json, int status = 400, string? field = null, string? contentType = "application/json") =>
        new($"POST /api/jobs: {name}", "POST", "/api/jobs", Utf8(json), status, field, contentType);

    private static BadCase Batch(string name, string json, int status = 400, string? field = null, string? contentType = "application/json") =>
        new($"POST /api/batches: {name}", "POST", "/api/batches", Utf8(json), status, field, contentType);

    private static BadCase Get(string name, string path, int status = 400, string? field = null) =>
        new($"GET {path}: {name}", "GET", path, null, status, field, null);

    private static BadCase Post(string name, string path, string? json, int status = 400, string? field = null, string? contentType = "application/json") =>
        new($"POST {path}: {name}", "POST", path, json is null ? null : Utf8(json), status, field, json is null ? null : contentType);

    private static IEnumerable<BadCase> JobSubmissions()
    {
        // the body as a whole
        yield return new("POST /api/jobs: empty body", "POST", "/api/jobs", [], 400);
        yield return Job("null", "null");
        yield return Job("an array", "[]");
        yield return Job("a string", "\"noop\"");
        yield return Job("a number", "42");
        yield return Job("no type", "{}", field: "type");
        yield return Job("truncated JSON", "{\"type\":");
        yield return Job("text after the object", "{\"type\":\"noop\"} x");
        yield return Job("single quotes", "{'type':'noop'}");
        yield return Job("a comment", "{\"type\":\"noop\" /* c */}");
        yield return Job("a trailing comma", "{\"type\":\"noop\",}");
        yield return new("POST /api/jobs: invalid UTF-8", "POST", "/api/jobs", [.. Utf8("{\"type\":\"noop\",\"metadata\":{\"a\":\""), 0xC3, 0x28, .. Utf8("\"}}")], 400);
        yield return new("POST /api/jobs: a UTF-8 encoded surrogate", "POST", "/api/jobs", [.. Utf8("{\"type\":\"noop\",\"metadata\":{\"a\":\""), 0xED, 0xA0, 0x80, .. Utf8("\"}}")], 400);
        yield return Job("JSON nested 65 deep", "{\"type\":\"noop\",\"payload\":" + new string('[', 65) + new string(']', 65) + "}");
        yield return Job("a field twice", "{\"type\":\"noop\",\"type\":\"noop\"}", field: "type");
        yield return Job("a misspelt field", "{\"type\":\"noop\",\"maxAttemps\":3}", field: "maxAttemps");
        yield return Job("text/plain", "{\"type\":\"noop\"}", 415, contentType: "text/plain");
        yield return Job("a form", "{\"type\":\"noop\"}", 415, contentType: "application/x-www-form-urlencoded");
        yield return Job("XML", "<job type=\"noop\"/>", 415, contentType: "application/xml");
        yield return new("POST /api/jobs: larger than 2 MiB", "POST", "/api/jobs", Utf8("{\"type\":\"noop\",\"payload\":\"" + new string('x', 2 * 1024 * 1024) + "\"}"), 413);

        // lone surrogates, wherever a string is
        yield return Job("type a lone high surrogate", "{\"type\":\"\\ud800\"}", field: "type");
        yield return Job("type a lone low surrogate", "{\"type\":\"\\udc00\"}", field: "type");
        yield return Job("a surrogate in payload", "{\"type\":\"noop\",\"payload\":\"\\ud800\"}", field: "payload");
        yield return Job("a surrogate deep in payload", "{\"type\":\"noop\",\"payload\":{\"a\":[1,{\"b\":\"x\\udfffy\"}]}}", field: "payload.a[1].b");
        yield return Job("a surrogate in a payload key", "{\"type\":\"noop\",\"payload\":{\"\\ud800\":1}}", field: "payload");
        yield return Job("a surrogate in metadata", "{\"type\":\"noop\",\"metadata\":{\"a\":\"\\ud800\"}}", field: "metadata.a");
        yield return Job("a surrogate in a metadata key", "{\"type\":\"noop\",\"metadata\":{\"\\udbff\":\"x\"}}", field: "metadata");
        yield return Job("a surrogate in a field name", "{\"type\":\"noop\",\"\\ud800\":1}");
        yield return Job("a surrogate in queue", "{\"type\":\"noop\",\"queue\":\"\\ud800\"}", field: "queue");
        yield return Job("a surrogate in runAt", "{\"type\":\"noop\",\"runAt\":\"\\ud800\"}", field: "runAt");
        yield return Job("a surrogate in idempotencyKey", "{\"type\":\"noop\",\"idempotencyKey\":\"k\\ud800\"}", field: "idempotencyKey");
        yield return Job("a surrogate in dependsOn", "{\"type\":\"noop\",\"dependsOn\":[\"\\ud800\"]}", field: "dependsOn[0]");
        yield return Job("a surrogate in tenant", "{\"type\":\"noop\",\"tenant\":\"\\ud800\"}", field: "tenant");
        yield return Job("a surrogate in a dedupe payload", "{\"type\":\"noop\",\"dedupe\":true,\"payload\":{\"k\":\"\\ud800\"}}", field: "payload.k");
        yield return Job("a reversed surrogate pair", "{\"type\":\"noop\",\"metadata\":{\"a\":\"\\udc00\\ud800\"}}", field: "metadata.a");

        // type, queue, tenant
        yield return Job("type a number", "{\"type\":42}", field: "type");
        yield return Job("type unknown", "{\"type\":\"nope\"}", field: "type");
        yield return Job("type empty", "{\"type\":\"\"}", field: "type");
        yield return Job("type null", "{\"type\":null}", field: "type");
        yield return Job("queue upper case", "{\"type\":\"noop\",\"queue\":\"Default\"}", field: "queue");
        yield return Job("limitKey with a space", "{\"type\":\"noop\",\"limitKey\":\"a b\"}", field: "limitKey");
        yield return Job("limitKey empty", "{\"type\":\"noop\",\"limitKey\":\"\"}", field: "limitKey");
        yield return Job("limitKey a number", "{\"type\":\"noop\",\"limitKey\":7}", field: "limitKey");
        yield return Job("limitKey of 65 characters", "{\"type\":\"noop\",\"limitKey\":\"" + new string('k', 65) + "\"}", field: "limitKey");
        yield return Job("queue unknown", "{\"type\":\"noop\",\"queue\":\"nope\"}", field: "queue");
        yield return Job("queue a number", "{\"type\":\"noop\",\"queue\":5}", field: "queue");
        yield return Job("queue 65 characters", "{\"type\":\"noop\",\"queue\":\"" + new string('q', 65) + "\"}", field: "queue");
        yield return Job("tenant with a space", "{\"type\":\"noop\",\"tenant\":\"Bad Tenant\"}", field: "tenant");
        yield return Job("tenant a number", "{\"type\":\"noop\",\"tenant\":5}", field: "tenant");
        yield return Job("tenant empty", "{\"type\":\"noop\",\"tenant\":\"\"}", field: "tenant");

        // numbers
        yield return Job("priority 101", "{\"type\":\"noop\",\"priority\":101}", field: "priority");
        yield return Job("priority -101", "{\"type\":\"noop\",\"priority\":-101}", field: "priority");
        yield return Job("priority 1.5", "{\"type\":\"noop\",\"priority\":1.5}", field: "priority");
        yield return Job("priority a string", "{\"type\":\"noop\",\"priority\":\"1\"}", field: "priority");
        yield return Job("priority past long", "{\"type\":\"noop\",\"priority\":99999999999999999999999}", field: "priority");
        yield return Job("priority 1e400", "{\"type\":\"noop\",\"priority\":1e400}", field: "priority");
        yield return Job("maxAttempts 0", "{\"type\":\"noop\",\"maxAttempts\":0}", field: "maxAttempts");
        yield return Job("maxAttempts 101", "{\"type\":\"noop\",\"maxAttempts\":101}", field: "maxAttempts");
        yield return Job("maxAttempts true", "{\"type\":\"noop\",\"maxAttempts\":true}", field: "maxAttempts");
        yield return Job("timeoutMs 0", "{\"type\":\"noop\",\"timeoutMs\":0}", field: "timeoutMs");
        yield return Job("timeoutMs past a day", "{\"type\":\"noop\",\"timeoutMs\":86400001}", field: "timeoutMs");
        yield return Job("timeoutMs negative", "{\"type\":\"noop\",\"timeoutMs\":-5}", field: "timeoutMs");
        yield return Job("backoff a string", "{\"type\":\"noop\",\"backoff\":\"fast\"}", field: "backoff");
        yield return Job("backoff initialMs negative", "{\"type\":\"noop\",\"backoff\":{\"initialMs\":-1}}", field: "backoff.initialMs");
        yield return Job("backoff maxMs past a day", "{\"type\":\"noop\",\"backoff\":{\"maxMs\":86400001}}", field: "backoff.maxMs");
        yield return Job("backoff maxMs below initialMs", "{\"type\":\"noop\",\"backoff\":{\"initialMs\":1000,\"maxMs\":10}}", field: "backoff.maxMs");
        yield return Job("backoff jitter 2", "{\"type\":\"noop\",\"backoff\":{\"jitter\":2}}", field: "backoff.jitter");
        yield return Job("backoff jitter a string", "{\"type\":\"noop\",\"backoff\":{\"jitter\":\"a\"}}", field: "backoff.jitter");
        yield return Job("backoff unknown field", "{\"type\":\"noop\",\"backoff\":{\"factor\":2}}", field: "backoff.factor");

        // runAt: ISO-8601 only
        yield return Job("runAt 1/2/2030", "{\"type\":\"noop\",\"runAt\":\"1/2/2030\"}", field: "runAt");
        yield return Job("runAt 2030/01/02", "{\"type\":\"noop\",\"runAt\":\"2030/01/02 10:00\"}", field: "runAt");
        yield return Job("runAt an RFC 1123 date", "{\"type\":\"noop\",\"runAt\":\"Wed, 02 Jan 2030 00:00:00 GMT\"}", field: "runAt");
        yield return Job("runAt a word", "{\"type\":\"noop\",\"runAt\":\"tomorrow\"}", field: "runAt");
        yield return Job("runAt a number", "{\"type\":\"noop\",\"runAt\":1893456000}", field: "runAt");
        yield return Job("runAt month 13", "{\"type\":\"noop\",\"runAt\":\"2030-13-01T00:00:00Z\"}", field: "runAt");
        yield return Job("runAt hour 25", "{\"type\":\"noop\",\"runAt\":\"2030-01-01T25:00:00Z\"}", field: "runAt");
        yield return Job("runAt a space for the T", "{\"type\":\"noop\",\"runAt\":\"2030-01-01 00:00:00Z\"}", field: "runAt");
        yield return Job("runAt an offset too large", "{\"type\":\"noop\",\"runAt\":\"2030-01-01T00:00:00+15:00\"}", field: "runAt");

        // the other fields
        yield return Job("idempotencyKey empty", "{\"type\":\"noop\",\"idempotencyKey\":\"\"}", field: "idempotencyKey");
        yield return Job("idempotencyKey 257 characters", "{\"type\":\"noop\",\"idempotencyKey\":\"" + new string('k', 257) + "\"}", field: "idempotencyKey");
        yield return Job("idempotencyKey a number", "{\"type\":\"noop\",\"idempotencyKey\":5}", field: "idempotencyKey");
        yield return Job("retention without a unit", "{\"type\":\"noop\",\"retention\":\"5\"}", field: "retention");
        yield return Job("retention of weeks", "{\"type\":\"noop\",\"retention\":\"2w\"}", field: "retention");
        yield return Job("retention 0s", "{\"type\":\"noop\",\"retention\":\"0s\"}", field: "retention");
        yield return Job("retention past the cap", "{\"type\":\"noop\",\"retention\":\"91d\"}", field: "retention");
        yield return Job("retention negative", "{\"type\":\"noop\",\"retention\":\"-5s\"}", field: "retention");
        yield return Job("retention a number", "{\"type\":\"noop\",\"retention\":60}", field: "retention");
        yield return Job("dependsOn a string", "{\"type\":\"noop\",\"dependsOn\":\"x\"}", field: "dependsOn");
        yield return Job("dependsOn numbers", "{\"type\":\"noop\",\"dependsOn\":[1]}", field: "dependsOn");
        yield return Job("dependsOn 101 ids", "{\"type\":\"noop\",\"dependsOn\":[" + Ids101 + "]}", field: "dependsOn");
        yield return Job("dependsOn not an id", "{\"type\":\"noop\",\"dependsOn\":[\"bad id!\"]}", field: "dependsOn[0]");
        yield return Job("dependsOn an unknown job", "{\"type\":\"noop\",\"dependsOn\":[\"no-such-job\"]}", field: "dependsOn[0]");
        yield return Job("dedupe a string", "{\"type\":\"noop\",\"dedupe\":\"yes\"}", field: "dedupe");
        yield return Job("dedupe 1", "{\"type\":\"noop\",\"dedupe\":1}", field: "dedupe");
        yield return Job("metadata a string", "{\"type\":\"noop\",\"metadata\":\"x\"}", field: "metadata");
        yield return Job("metadata an array", "{\"type\":\"noop\",\"metadata\":[1]}", field: "metadata");
        yield return Job("metadata over 64 KiB", "{\"type\":\"noop\",\"metadata\":{\"a\":\"" + new string('m', 65 * 1024) + "\"}}", 413, "metadata");
        yield return Job("payload over 1 MiB", "{\"type\":\"noop\",\"payload\":\"" + new string('p', 1024 * 1024 + 1) + "\"}", 413, "payload");

        // payloads a type checks at submission
        yield return Job("noop delayMs negative", "{\"type\":\"noop\",\"payload\":{\"delayMs\":-1}}", field: "payload");
        yield return Job("noop delayMs past 10 minutes", "{\"type\":\"noop\",\"payload\":{\"delayMs\":600001}}", field: "payload");
        yield return Job("script without code", "{\"type\":\"script\",\"payload\":{}}", field: "payload");
        yield return Job("script code a number", "{\"type\":\"script\",\"payload\":{\"code\":5}}", field: "payload");
        yield return Job("http to a host not allowed", "{\"type\":\"http\",\"payload\":{\"url\":\"http://169.254.169.254/latest/meta-data\"}}", field: "payload");
        yield return Job("http url not a URL", "{\"type\":\"http\",\"payload\":{\"url\":\"not a url\"}}", field: "payload");
    }

    private static IEnumerable<BadCase> Batches()
    {
        yield return new("POST /api/batches: empty body", "POST", "/api/batches", [], 400);
        yield return Batch("an array", "[]");
        yield return Batch("no jobs", "{}", field: "jobs");
        yield return Batch("two jobs with one idempotencyKey", "{\"jobs\":[{\"type\":\"noop\",\"idempotencyKey\":\"k\"},{\"type\":\"noop\",\"idempotencyKey\":\"k\"}]}", field: "jobs[1].idempotencyKey");
        yield return Batch("dependsOn an unknown job", "{\"jobs\":[{\"type\":\"noop\",\"dependsOn\":[\"no-such-job\"]}]}", field: "jobs[0].dependsOn[0]");
        yield return Batch("jobs a string", "{\"jobs\":\"x\"}", field: "jobs");
        yield return Batch("jobs empty", "{\"jobs\":[]}", field: "jobs");
        yield return Batch("10,001 jobs", "{\"jobs\":[" + string.Join(",", Enumerable.Repeat("{\"type\":\"noop\"}", 10_001)) + "]}", field: "jobs");
        yield return Batch("jobs of numbers", "{\"jobs\":[1]}", field: "jobs[0]");
        yield return Batch("id with a space", "{\"id\":\"bad id\",\"jobs\":[{\"type\":\"noop\"}]}", field: "id");
        yield return Batch("id a number", "{\"id\":5,\"jobs\":[{\"type\":\"noop\"}]}", field: "id");
        yield return Batch("id 129 characters", "{\"id\":\"" + new string('b', 129) + "\",\"jobs\":[{\"type\":\"noop\"}]}", field: "id");
        yield return Batch("id a lone surrogate", "{\"id\":\"b\\ud800\",\"jobs\":[{\"type\":\"noop\"}]}", field: "id");
        yield return Batch("an unknown field", "{\"job\":[{\"type\":\"noop\"}]}", field: "job");
        yield return Batch("a job of an unknown type", "{\"jobs\":[{\"type\":\"noop\"},{\"type\":\"nope\"}]}", field: "jobs[1].type");
        yield return Batch("a job with priority 500", "{\"jobs\":[{\"type\":\"noop\"},{\"type\":\"noop\",\"priority\":500}]}", field: "jobs[1].priority");
        yield return Batch("jobs of two tenants", "{\"jobs\":[{\"type\":\"noop\"},{\"type\":\"noop\",\"tenant\":\"other\"}]}", field: "jobs");
        yield return Batch("a job's runAt 1/2/2030", "{\"jobs\":[{\"type\":\"noop\",\"runAt\":\"1/2/2030\"}]}", field: "jobs[0].runAt");
        yield return Batch("a surrogate in a job's metadata", "{\"jobs\":[{\"type\":\"noop\",\"metadata\":{\"a\":\"\\ud800\"}}]}", field: "jobs[0].metadata.a");
        yield return Batch("a surrogate in a job's payload key", "{\"jobs\":[{\"type\":\"noop\",\"payload\":{\"\\ud800\":1}}]}", field: "jobs[0].payload");
        yield return Batch("a surrogate in a job's type", "{\"jobs\":[{\"type\":\"\\udc00\"}]}", field: "jobs[0].type");
        yield return Batch("a field twice", "{\"jobs\":[{\"type\":\"noop\"}],\"jobs\":[{\"type\":\"noop\"}]}", field: "jobs");
        yield return Batch("text/plain", "{\"jobs\":[{\"type\":\"noop\"}]}", 415, contentType: "text/plain");
        yield return Batch("truncated JSON", "{\"jobs\":[{\"type\":\"noop\"}");
    }

    private static IEnumerable<BadCase> Reads()
    {
        yield return Get("limit 0", "/api/jobs?limit=0", field: "limit");
        yield return Get("limit 1001", "/api/jobs?limit=1001", field: "limit");
        yield return Get("limit a word", "/api/jobs?limit=many", field: "limit");
        yield return Get("limit past int", "/api/jobs?limit=99999999999999999999", field: "limit");
        yield return Get("limit negative", "/api/jobs?limit=-1", field: "limit");
        yield return Get("status unknown", "/api/jobs?status=done", field: "status");
        yield return Get("status a number", "/api/jobs?status=1", field: "status");
        yield return Get("cursor not base64", "/api/jobs?cursor=%25%25%25", field: "cursor");
        yield return Get("cursor without a colon", "/api/jobs?cursor=" + Cursor("12345"), field: "cursor");
        yield return Get("cursor whose number overflows", "/api/jobs?cursor=" + Cursor("99999999999999999999999:x"), field: "cursor");
        yield return Get("cursor whose number is negative past long", "/api/jobs?cursor=" + Cursor("-99999999999999999999999:x"), field: "cursor");
        yield return Get("cursor without a number", "/api/jobs?cursor=" + Cursor(":x"), field: "cursor");
        yield return Get("cursor with a word for the number", "/api/jobs?cursor=" + Cursor("soon:x"), field: "cursor");
        yield return Get("cursor one character", "/api/jobs?cursor=a", field: "cursor");
        yield return Get("job id with a space", "/api/jobs/bad%20id", 404);
        yield return Get("job id 129 characters", "/api/jobs/" + new string('j', 129), 404);
        yield return Get("job unknown", "/api/jobs/no-such-job", 404);
        yield return Get("events of an unknown job", "/api/jobs/no-such-job/events", 404);
        yield return Get("events of a bad id", "/api/jobs/bad%21id/events", 404);
        yield return Get("usage of a tenant that is not a name", "/api/usage?tenant=Not%20A%20Tenant", 400, "tenant");
        yield return Get("usage of a tenant that is a lone surrogate", "/api/usage?tenant=%ED%A0%80", 400, "tenant");
        yield return Get("batch unknown", "/api/batches/no-such-batch", 404);
        yield return Get("batch id with a space", "/api/batches/bad%20id", 404);
        yield return Get("dlq limit 0", "/api/dlq?limit=0", field: "limit");
        yield return Get("dlq limit a word", "/api/dlq?limit=x", field: "limit");
        yield return Get("dlq cursor not one the API returned", "/api/dlq?cursor=" + Cursor("nope"), field: "cursor");
        yield return Get("dlq cursor whose number overflows", "/api/dlq?cursor=" + Cursor("99999999999999999999:x"), field: "cursor");
        yield return Get("usage without a tenant for an admin", "/api/usage", field: "tenant");
        yield return Get("usage from month 13", "/api/usage?tenant=acme&from=2026-13-01", field: "from");
        yield return Get("usage from a word", "/api/usage?tenant=acme&from=yesterday", field: "from");
        yield return Get("usage from without padding", "/api/usage?tenant=acme&from=2026-1-1", field: "from");
        yield return Get("usage to a word", "/api/usage?tenant=acme&to=later", field: "to");
        yield return Get("usage to before from", "/api/usage?tenant=acme&from=2026-02-01&to=2026-01-01", field: "to");
        yield return Get("usage over 92 days", "/api/usage?tenant=acme&from=2026-01-01&to=2026-06-01", field: "to");
        yield return Get("actors depth 0", "/api/actors?depth=0", field: "depth");
        yield return Get("actors depth 11", "/api/actors?depth=11", field: "depth");
        yield return Get("actors depth a word", "/api/actors?depth=deep");
        yield return Get("actors depth past int", "/api/actors?depth=99999999999");
        yield return Get("actors depth 1.5", "/api/actors?depth=1.5");
        yield return Get("sharding region unknown", "/api/cluster/sharding?region=nope", 404);
        yield return Get("q over 256 characters", "/api/jobs?q=" + new string('q', 257), field: "q");
        yield return Get("q given twice", "/api/jobs?q=a&q=b", field: "q");
        yield return Get("from a word", "/api/jobs?from=yesterday", field: "from");
        yield return Get("from a day without a time", "/api/jobs?from=2030-01-01", field: "from");
        yield return Get("from month 13", "/api/jobs?from=2030-13-01T00:00Z", field: "from");
        yield return Get("from a number", "/api/jobs?from=1700000000", field: "from");
        yield return Get("to a culture's form", "/api/jobs?to=1/2/2030", field: "to");
        yield return Get("to before from", "/api/jobs?from=2030-01-02T00:00Z&to=2030-01-01T00:00Z", field: "to");
        yield return Get("to equal to from", "/api/jobs?from=2030-01-01T00:00Z&to=2030-01-01T00:00Z", field: "to");
        yield return Get("batches limit 0", "/api/batches?limit=0", field: "limit");
        yield return Get("batches limit a word", "/api/batches?limit=many", field: "limit");
        yield return Get("batches cursor not one the API returned", "/api/batches?cursor=" + Cursor("12:no-slash"), field: "cursor");
        yield return Get("batches cursor not base64", "/api/batches?cursor=%25%25", field: "cursor");
        yield return Get("batches cursor whose number overflows", "/api/batches?cursor=" + Cursor("99999999999999999999:t/b"), field: "cursor");
        yield return Get("limit given twice", "/api/jobs?limit=1&limit=x", field: "limit");
        yield return Get("status given twice", "/api/jobs?status=pending&status=failed", field: "status");
        yield return Get("dlq cursor given twice", "/api/dlq?cursor=a&cursor=b", field: "cursor");
        yield return Get("usage tenant given twice", "/api/usage?tenant=acme&tenant=other", field: "tenant");
        yield return Get("actors depth given twice", "/api/actors?depth=1&depth=2", field: "depth");
        yield return Get("sharding region given twice", "/api/cluster/sharding?region=partitions&region=partitions", field: "region");
    }

    private static IEnumerable<BadCase> Commands()
    {
        yield return Post("cancel an unknown job", "/api/jobs/no-such-job/cancel", null, 404);
        yield return Post("cancel a bad id", "/api/jobs/bad%21id/cancel", null, 404);
        yield return Post("cancel a completed job", "/api/jobs/{seed}/cancel", null, 409);
        yield return Post("pause a queue that does not exist", "/api/queues/nope/pause", null, 404);
        yield return new("PUT /api/limits/k: no limit given", "PUT", "/api/limits/k", Utf8("{}"), 400);
        yield return new("PUT /api/limits/k: an unknown field", "PUT", "/api/limits/k", Utf8("{\"concurrency\":1,\"max\":2}"), 400, "max");
        yield return new("PUT /api/limits/k: concurrency 0", "PUT", "/api/limits/k", Utf8("{\"concurrency\":0}"), 400, "concurrency");
        yield return new("PUT /api/limits/k: ratePerSecond negative", "PUT", "/api/limits/k", Utf8("{\"ratePerSecond\":-1}"), 400, "ratePerSecond");
        yield return new("PUT /api/limits/k: burst without a rate", "PUT", "/api/limits/k", Utf8("{\"concurrency\":1,\"burst\":5}"), 400, "burst");
        yield return new("PUT /api/limits/k: tokensPerMinute a string", "PUT", "/api/limits/k", Utf8("{\"tokensPerMinute\":\"many\"}"), 400, "tokensPerMinute");
        yield return new("PUT /api/limits/k: an array", "PUT", "/api/limits/k", Utf8("[]"), 400);
        yield return new("PUT /api/limits/bad%20key: a key with a space", "PUT", "/api/limits/bad%20key", Utf8("{\"concurrency\":1}"), 400, "key");
        yield return new("PUT /api/limits/k: larger than 4 KiB", "PUT", "/api/limits/k", Utf8("{\"concurrency\":1,\"x\":\"" + new string('x', 5000) + "\"}"), 413);
        yield return new("DELETE /api/limits/none: no limits", "DELETE", "/api/limits/none", null, 404, ContentType: null);
        yield return Get("limit with no limits", "/api/limits/none", 404);
        yield return new("PUT /api/queues/nope/limits: an unknown queue", "PUT", "/api/queues/nope/limits", Utf8("{\"concurrency\":1}"), 404);
        yield return new("PUT /api/queues/default/limits: concurrency 0", "PUT", "/api/queues/default/limits", Utf8("{\"concurrency\":0}"), 400, "concurrency");
        yield return new("DELETE /api/queues/default/limits: no limits", "DELETE", "/api/queues/default/limits", null, 404, ContentType: null);
        yield return Post("resume a queue that does not exist", "/api/queues/nope/resume", null, 404);
        yield return Post("requeue an unknown job", "/api/dlq/no-such-job/requeue", null, 404);
        yield return Post("requeue a completed job", "/api/dlq/{seed}/requeue", null, 409);
        yield return new("DELETE /api/dlq/no-such-job: purge an unknown job", "DELETE", "/api/dlq/no-such-job", null, 404, ContentType: null);
        yield return new("DELETE /api/dlq/{seed}: purge a completed job", "DELETE", "/api/dlq/{seed}", null, 409, ContentType: null);
        yield return new("DELETE /api/dlq/bad%20id: purge a bad id", "DELETE", "/api/dlq/bad%20id", null, 404, ContentType: null);
        foreach (var bulk in new[] { "/api/dlq/requeue", "/api/dlq/purge" })
        {
            yield return Post("bulk without a body", bulk, null);
            yield return Post("bulk an array", bulk, "[]");
            yield return Post("bulk an unknown field", bulk, "{\"typ\":\"script\"}", field: "typ");
            yield return Post("bulk type empty", bulk, "{\"type\":\"\"}", field: "type");
            yield return Post("bulk type a number", bulk, "{\"type\":5}", field: "type");
            yield return Post("bulk failedAfter not a time", bulk, "{\"failedAfter\":\"yesterday\"}", field: "failedAfter");
            yield return Post("bulk failedBefore before failedAfter", bulk, "{\"failedAfter\":\"2030-01-02T00:00:00Z\",\"failedBefore\":\"2030-01-01T00:00:00Z\"}", field: "failedBefore");
            yield return Post("bulk dryRun a string", bulk, "{\"dryRun\":\"yes\"}", field: "dryRun");
            yield return Post("bulk text/plain", bulk, "{}", 415, contentType: "text/plain");
        }
    }

    private static IEnumerable<BadCase> Management()
    {
        yield return Post("leave an address that does not parse", "/api/cluster/leave", "{\"address\":\"nope\"}", field: "address");
        yield return Post("leave an address a number", "/api/cluster/leave", "{\"address\":5}", field: "address");
        yield return Post("leave an unknown field", "/api/cluster/leave", "{\"node\":\"x\"}", field: "node");
        yield return Post("leave an array", "/api/cluster/leave", "[]");
        yield return Post("leave truncated JSON", "/api/cluster/leave", "{\"address\":");
        yield return Post("leave a member that is not one", "/api/cluster/leave", "{\"address\":\"akka.tcp://jobs@127.0.0.1:1\"}", 404);
        yield return Post("leave a surrogate", "/api/cluster/leave", "{\"address\":\"\\ud800\"}", field: "address");
        yield return Post("leave text/plain", "/api/cluster/leave", "{\"address\":\"nope\"}", 415, contentType: "text/plain");
        yield return Post("down without a body", "/api/cluster/down", null, field: "address");
        yield return Post("down an empty object", "/api/cluster/down", "{}", field: "address");
        yield return Post("down an address null", "/api/cluster/down", "{\"address\":null}", field: "address");
        yield return Post("down an address that does not parse", "/api/cluster/down", "{\"address\":\"akka.tcp://jobs@host:port\"}", field: "address");
        yield return Post("down an address without a scheme", "/api/cluster/down", "{\"address\":\"host:1\"}", 404);
        yield return Post("down a member that is not one", "/api/cluster/down", "{\"address\":\"akka.tcp://jobs@127.0.0.1:1\"}", 404);
        yield return Post("down an unknown field", "/api/cluster/down", "{\"address\":\"akka.tcp://jobs@127.0.0.1:1\",\"force\":true}", field: "force");
        yield return Post("memory-guard without a body", "/api/nodes/memory-guard", null);
        yield return Post("memory-guard an empty object", "/api/nodes/memory-guard", "{}", field: "highMb");
        yield return Post("memory-guard highMb negative", "/api/nodes/memory-guard", "{\"highMb\":-1}", field: "highMb");
        yield return Post("memory-guard highMb a string", "/api/nodes/memory-guard", "{\"highMb\":\"a\"}", field: "highMb");
        yield return Post("memory-guard highMb 1.5", "/api/nodes/memory-guard", "{\"highMb\":1.5}", field: "highMb");
        yield return Post("memory-guard highMb past long", "/api/nodes/memory-guard", "{\"highMb\":99999999999999999999}", field: "highMb");
        yield return Post("memory-guard highMb past what fits in bytes", "/api/nodes/memory-guard", "{\"highMb\":9223372036854775807}", field: "highMb");
        yield return Post("memory-guard lowMb above highMb", "/api/nodes/memory-guard", "{\"highMb\":10,\"lowMb\":20}", field: "lowMb");
        yield return Post("memory-guard an unknown field", "/api/nodes/memory-guard", "{\"highMb\":10,\"low\":5}", field: "low");
        yield return Post("memory-guard an array", "/api/nodes/memory-guard", "[10]");
        yield return Post("memory-guard text/plain", "/api/nodes/memory-guard", "{\"highMb\":-1}", 415, contentType: "text/plain");
    }

    private static IEnumerable<BadCase> Routing()
    {
        yield return Get("no such route", "/api/nope", 404);
        yield return Get("no such route under a job", "/api/jobs/x/y/z", 404);
        yield return Get("no such route outside /api", "/nope", 404);
        yield return new("PUT /api/jobs: method not allowed", "PUT", "/api/jobs", Utf8("{\"type\":\"noop\"}"), 405);
        yield return new("DELETE /api/jobs/{seed}: method not allowed", "DELETE", "/api/jobs/{seed}", null, 405, ContentType: null);
        yield return new("GET /api/jobs/{seed}/cancel: method not allowed", "GET", "/api/jobs/{seed}/cancel", null, 405, ContentType: null);
        yield return new("PATCH /api/batches/{batch}: method not allowed", "PATCH", "/api/batches/{batch}", Utf8("{}"), 405);
        yield return new("DELETE /api/batches: method not allowed", "DELETE", "/api/batches", null, 405, ContentType: null);
        yield return new("POST /api/job-counts: method not allowed", "POST", "/api/job-counts", Utf8("{}"), 405);
        yield return new("POST /api/types: method not allowed", "POST", "/api/types", Utf8("{}"), 405);
        yield return new("DELETE /api/cluster: method not allowed", "DELETE", "/api/cluster", null, 405, ContentType: null);
        yield return new("GET /api/cluster/leave: method not allowed", "GET", "/api/cluster/leave", null, 405, ContentType: null);
        yield return new("GET /api/cluster/down-unreachable: method not allowed", "GET", "/api/cluster/down-unreachable", null, 405, ContentType: null);
        yield return new("PUT /api/nodes: method not allowed", "PUT", "/api/nodes", Utf8("{}"), 405);
        yield return new("GET /api/nodes/memory-guard: method not allowed", "GET", "/api/nodes/memory-guard", null, 405, ContentType: null);
        yield return new("POST /api/actors: method not allowed", "POST", "/api/actors", Utf8("{}"), 405);
        yield return new("POST /api/usage: method not allowed", "POST", "/api/usage", Utf8("{}"), 405);
        yield return new("POST /api/dlq: method not allowed", "POST", "/api/dlq", Utf8("{}"), 405);
        yield return new("POST /healthz: method not allowed", "POST", "/healthz", Utf8("{}"), 405);
        yield return Get("a path of 9,000 characters", "/api/jobs/" + new string('u', 9000), 414);
        yield return Get("a query of 9,000 characters", "/api/jobs?type=" + new string('t', 9000), 414);
        yield return new("POST /api/jobs: a query of 9,000 characters", "POST", "/api/jobs?x=" + new string('t', 9000), Utf8("{\"type\":\"noop\"}"), 414);
        yield return new("GET /api/jobs: 40 KB of headers", "GET", "/api/jobs", null, 431, ContentType: null, FillerHeaderChars: 40_000);
        yield return new("POST /api/jobs: 40 KB of headers", "POST", "/api/jobs", Utf8("{\"type\":\"noop\"}"), 431, FillerHeaderChars: 40_000);
        yield return new("GET /healthz: 40 KB of headers", "GET", "/healthz", null, 431, ContentType: null, FillerHeaderChars: 40_000);
    }

    private static IEnumerable<BadCase> Keys()
    {
        yield return new("GET /api/jobs without a key", "GET", "/api/jobs", null, 401, ContentType: null, Caller: Caller.NoKey);
        yield return new("GET /api/jobs with an unknown key", "GET", "/api/jobs", null, 401, ContentType: null, Caller: Caller.UnknownKey);
        yield return new("GET /api/batches without a key", "GET", "/api/batches", null, 401, ContentType: null, Caller: Caller.NoKey);
        yield return new("GET /api/job-counts without a key", "GET", "/api/job-counts", null, 401, ContentType: null, Caller: Caller.NoKey);
        yield return new("GET /api/jobs with a Basic header", "GET", "/api/jobs", null, 401, ContentType: null, Caller: Caller.Malformed);
        yield return new("POST /api/jobs without a key", "POST", "/api/jobs", Utf8("{\"type\":\"noop\"}"), 401, Caller: Caller.NoKey);
        yield return new("POST /api/jobs with an unknown key", "POST", "/api/jobs", Utf8("{\"type\":\"noop\"}"), 401, Caller: Caller.UnknownKey);
        yield return new("POST /api/jobs with a read key", "POST", "/api/jobs", Utf8("{\"type\":\"noop\"}"), 403, Caller: Caller.Read);
        yield return new("POST /api/jobs naming another tenant with a submit key", "POST", "/api/jobs", Utf8("{\"type\":\"noop\",\"tenant\":\"other\"}"), 403, "tenant", Caller: Caller.Submit);
        yield return new("POST /api/batches with a read key", "POST", "/api/batches", Utf8("{\"jobs\":[{\"type\":\"noop\"}]}"), 403, Caller: Caller.Read);
        yield return new("POST /api/dlq/requeue naming another tenant with a submit key", "POST", "/api/dlq/requeue", Utf8("{\"tenant\":\"other\"}"), 403, "tenant", Caller: Caller.Submit);
        yield return new("POST /api/queues/default/pause with a submit key", "POST", "/api/queues/default/pause", null, 403, ContentType: null, Caller: Caller.Submit);
        yield return new("PUT /api/limits/k with a submit key", "PUT", "/api/limits/k", Utf8("{\"concurrency\":1}"), 403, Caller: Caller.Submit);
        yield return new("GET /api/limits with a read key", "GET", "/api/limits", null, 403, ContentType: null, Caller: Caller.Read);
        yield return new("GET /api/queues with a read key", "GET", "/api/queues", null, 403, ContentType: null, Caller: Caller.Read);
        yield return new("POST /api/dlq/purge with a read key", "POST", "/api/dlq/purge", Utf8("{}"), 403, Caller: Caller.Read);
        yield return new("POST /api/batches naming another tenant with a submit key", "POST", "/api/batches", Utf8("{\"jobs\":[{\"type\":\"noop\",\"tenant\":\"other\"}]}"), 403, "jobs[0].tenant", Caller: Caller.Submit);
        yield return new("POST /api/batches without a key", "POST", "/api/batches", Utf8("{\"jobs\":[{\"type\":\"noop\"}]}"), 401, Caller: Caller.NoKey);
        yield return new("POST /api/jobs/{seed}/cancel with a read key", "POST", "/api/jobs/{seed}/cancel", null, 403, ContentType: null, Caller: Caller.Read);
        yield return new("DELETE /api/dlq/{seed} with a read key", "DELETE", "/api/dlq/{seed}", null, 403, ContentType: null, Caller: Caller.Read);
        yield return new("POST /api/cluster/down with a submit key", "POST", "/api/cluster/down", Utf8("{\"address\":\"akka.tcp://jobs@127.0.0.1:1\"}"), 403, Caller: Caller.Submit);
        yield return new("POST /api/cluster/down-unreachable with a submit key", "POST", "/api/cluster/down-unreachable", null, 403, ContentType: null, Caller: Caller.Submit);
        yield return new("POST /api/cluster/leave with a read key", "POST", "/api/cluster/leave", Utf8("{\"address\":\"akka.tcp://jobs@127.0.0.1:1\"}"), 403, Caller: Caller.Read);
        yield return new("POST /api/nodes/memory-guard with a submit key", "POST", "/api/nodes/memory-guard", Utf8("{\"highMb\":0}"), 403, Caller: Caller.Submit);
        yield return new("GET /api/nope without a key", "GET", "/api/nope", null, 401, ContentType: null, Caller: Caller.NoKey);
        yield return new("GET /api/usage of another tenant with a read key", "GET", "/api/usage?tenant=other", null, 404, ContentType: null, Caller: Caller.Read);
        yield return new("GET /api/cluster without a key", "GET", "/api/cluster", null, 401, ContentType: null, Caller: Caller.NoKey);
        yield return new("GET /api/actors with an unknown key", "GET", "/api/actors", null, 401, ContentType: null, Caller: Caller.UnknownKey);
        // management reads need admin, like the management commands
        yield return new("GET /api/cluster with a read key", "GET", "/api/cluster", null, 403, ContentType: null, Caller: Caller.Read);
        yield return new("GET /api/cluster/sharding with a submit key", "GET", "/api/cluster/sharding", null, 403, ContentType: null, Caller: Caller.Submit);
        yield return new("GET /api/nodes with a read key", "GET", "/api/nodes", null, 403, ContentType: null, Caller: Caller.Read);
        yield return new("GET /api/actors with a submit key", "GET", "/api/actors", null, 403, ContentType: null, Caller: Caller.Submit);
    }

    /// <summary>A cursor in the API's encoding (base64url without padding) around any text.</summary>
    private static string Cursor(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
