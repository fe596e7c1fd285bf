using Jobs.Actors.Settings;
using Jobs.Tests.Support;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>The one settings model: JOBS_* variables bound through the alias table, checked at start with messages a deployer can act on.</summary>
public sealed class SettingsTests
{
    private static JobsOptions Load(IReadOnlyDictionary<string, string> env, IReadOnlyDictionary<string, string?>? appsettings = null) =>
        JobsOptionsValidator.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(appsettings ?? new Dictionary<string, string?>())
            .AddJobsEnvironment(name => env.GetValueOrDefault(name))
            .Build());

    private static string Problem(IReadOnlyDictionary<string, string> env, IReadOnlyDictionary<string, string?>? appsettings = null) =>
        Assert.Throws<InvalidOperationException>(() => Load(env, appsettings)).Message;

    [Fact]
    public void Nothing_set_binds_the_defaults_written_on_the_option_records()
    {
        var bound = Load(new Dictionary<string, string>());
        var defaults = new JobsOptions();
        Assert.Equal(defaults.Node.Capacity, bound.Node.Capacity);
        Assert.Equal(defaults.Partitions.Count, bound.Partitions.Count);
        Assert.Equal(defaults.Storage, bound.Storage);
        Assert.Equal(defaults.Cluster.Port, bound.Cluster.Port);
        Assert.Equal(defaults.Llm.TimeoutMs, bound.Llm.TimeoutMs);
        Assert.Equal(["default"], bound.Partitions.AllQueues);
    }

    [Fact]
    public void Environment_names_reach_their_settings_and_lists_are_split()
    {
        var o = Load(new Dictionary<string, string>
        {
            ["JOBS_CAPACITY"] = "7",
            ["JOBS_QUEUES"] = "gpu, email;batch",
            ["JOBS_CLUSTER_SEEDS"] = "10.0.0.1:4053,10.0.0.2:4053",
            ["JOBS_PERSISTENCE"] = "postgres",
            ["JOBS_DB"] = "Host=db;Database=jobs",
            ["JOBS_CANCEL_GRACE_MS"] = "300",
            ["JOBS_HTTP_ALLOWED_HOSTS"] = "api.example.com,*.hooks.example.org",
            ["JOBS_LLM_BASE_URL"] = "http://litellm:4000/v1",
            ["JOBS_LLM_PRICES"] = "small=1/2",
        });
        Assert.Equal(7, o.Node.Capacity);
        Assert.Equal(["default", "gpu", "email", "batch"], o.Partitions.AllQueues);
        Assert.Equal(["10.0.0.1:4053", "10.0.0.2:4053"], o.Cluster.Seeds);
        Assert.True(o.Storage.IsPostgres);
        Assert.Equal(TimeSpan.FromMilliseconds(300), o.Attempts.CancelGracePeriod);
        Assert.True(o.Http.AllowList.AllowsUrl(new Uri("https://a.hooks.example.org/")));
        Assert.Equal(new Uri("http://litellm:4000/v1"), o.Llm.Endpoint);
        Assert.Equal(1m, o.Llm.PriceTable["small"].InputPerMillion);
    }

    [Fact]
    public void A_variable_wins_over_the_same_setting_in_appsettings()
    {
        var appsettings = new Dictionary<string, string?> { ["Jobs:Node:Capacity"] = "3", ["Jobs:Node:DrainTimeoutMs"] = "1000" };
        var o = Load(new Dictionary<string, string> { ["JOBS_CAPACITY"] = "9" }, appsettings);
        Assert.Equal(9, o.Node.Capacity);
        Assert.Equal(1000, o.Node.DrainTimeoutMs);
    }

    [Theory]
    [InlineData("JOBS_CAPACITY", "0", "JOBS_CAPACITY=0 is invalid: expected an integer 1..10000")]
    [InlineData("JOBS_CAPACITY", "many", "JOBS_CAPACITY=many is invalid: expected an integer 1..10000")]
    [InlineData("JOBS_CLUSTER_PORT", "70000", "JOBS_CLUSTER_PORT=70000 is invalid: expected an integer 0..65535")]
    [InlineData("JOBS_PERSISTENCE", "mysql", "JOBS_PERSISTENCE=mysql is invalid: expected sqlite or postgres")]
    [InlineData("JOBS_DB_COMPRESSION", "zstd", "JOBS_DB_COMPRESSION=zstd is invalid: expected lz4, pglz or default")]
    [InlineData("JOBS_LOG_FORMAT", "xml", "JOBS_LOG_FORMAT=xml is invalid: expected simple or json")]
    [InlineData("JOBS_HEAP_TRIM_AFTER_MB", "-1", "JOBS_HEAP_TRIM_AFTER_MB=-1 is invalid: expected an integer 0..1048576")]
    [InlineData("JOBS_QUEUES", "GPU", "JOBS_QUEUES: queue 'GPU' is invalid: expected [a-z0-9-]{1,64}")]
    [InlineData("JOBS_CLUSTER_ROLES", "a b", "JOBS_CLUSTER_ROLES: role 'a b' is invalid")]
    [InlineData("JOBS_LLM_BASE_URL", "ftp://models", "JOBS_LLM_BASE_URL: 'ftp://models' is not an http(s) URL")]
    [InlineData("JOBS_LLM_PRICES", "gpt=1", "JOBS_LLM_PRICES entry 'gpt=1' is invalid")]
    [InlineData("JOBS_QUOTAS", "acme=cpu:3", "JOBS_QUOTAS entry 'acme=cpu:3': unknown limit 'cpu'")]
    [InlineData("JOBS_AKKA_HOCON", "akka.cluster.roles = }", "JOBS_AKKA_HOCON is not valid HOCON")]
    [InlineData("JOBS_TRUST_LOOPBACK", "false", "JOBS_TRUST_LOOPBACK=false requires API keys: set JOBS_API_KEYS")]
    public void A_bad_value_stops_the_start_naming_the_variable_and_what_it_accepts(string name, string value, string expected) =>
        Assert.Contains(expected, Problem(new Dictionary<string, string> { [name] = value }));

    [Fact]
    public void Rules_across_settings_name_both()
    {
        Assert.Contains("JOBS_DB: postgres needs a connection string", Problem(new Dictionary<string, string> { ["JOBS_PERSISTENCE"] = "postgres" }));
        Assert.Contains("JOBS_MEMORY_LOW_MB: needs JOBS_MEMORY_HIGH_MB and must not exceed it",
            Problem(new Dictionary<string, string> { ["JOBS_MEMORY_HIGH_MB"] = "100", ["JOBS_MEMORY_LOW_MB"] = "200" }));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var problem = Problem(new Dictionary<string, string> { ["JOBS_CAPACITY"] = "0", ["JOBS_STATS_INTERVAL_MS"] = "1" });
        Assert.Contains("JOBS_CAPACITY=0", problem);
        Assert.Contains("JOBS_STATS_INTERVAL_MS=1", problem);
    }

    [Theory]
    [InlineData("JOBS_RETENTION_COMPLETED", "24")]
    [InlineData("JOBS_RETENTION_FAILED", "7w")]
    [InlineData("JOBS_RETENTION_CANCELLED", "0s")]
    [InlineData("JOBS_RETENTION_COMPLETED", "-5s")]
    [InlineData("JOBS_RETENTION_FAILED", "4000d")]
    public void A_retention_that_is_not_a_duration_stops_the_node_naming_the_variable(string variable, string value)
    {
        var problem = Problem(new Dictionary<string, string> { [variable] = value });
        Assert.Contains($"{variable}={value} is invalid", problem);
        Assert.Contains("such as 5s, 10m, 24h or 7d", problem);
    }

    [Fact]
    public void Retention_durations_read_as_written()
    {
        var o = JobsOptionsValidator.Load(new ConfigurationBuilder().AddJobsEnvironment(n => n switch
        {
            "JOBS_RETENTION_COMPLETED" => "5s",
            "JOBS_RETENTION_FAILED" => "10m",
            "JOBS_RETENTION_CANCELLED" => "2d",
            _ => null,
        }).Build());
        Assert.Equal(new RetentionPeriods(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10), TimeSpan.FromDays(2)), o.Retention.Periods);
        Assert.Equal(RetentionPeriods.Default, new JobsOptions().Retention.Periods);
    }

    [Fact]
    public void A_misspelt_key_in_appsettings_is_refused_not_ignored() =>
        Assert.Contains("Capacty", Problem(new Dictionary<string, string>(), new Dictionary<string, string?> { ["Jobs:Node:Capacty"] = "4" }));

    [Fact]
    public void Every_variable_names_a_setting_of_the_model()
    {
        var dir = Directory.CreateTempSubdirectory("jobs-settings-").FullName;
        var tls = new Lazy<(string Cert, string Password, string Ca)>(() =>
        {
            using var authority = TestCertificates.Authority("CN=settings-ca");
            using var node = TestCertificates.IssuedBy(authority, "CN=settings-node");
            return (TestCertificates.WritePkcs12(node, dir, "node.p12", "pw"), "pw", TestCertificates.WritePem(authority, dir, "ca.pem"));
        });
        foreach (var alias in SettingNames.All)
        {
            var value = alias.Env switch
            {
                "JOBS_PERSISTENCE" => "sqlite",
                "JOBS_DB_COMPRESSION" => "pglz",
                "JOBS_LOG_FORMAT" => "json",
                "JOBS_LLM_BASE_URL" => "http://x",
                "JOBS_LLM_PRICES" => "m=1/2",
                "JOBS_QUOTAS" => "acme=jobs:5",
                "JOBS_API_KEYS" => "k:t:read",
                "JOBS_AKKA_HOCON" => "a = 1",
                "JOBS_CLUSTER_HOST" or "JOBS_DATA_DIR" or "JOBS_DB" or "JOBS_LLM_API_KEY" => "x",
                _ when alias.IsList => "a,b",
                "JOBS_MEMORY_LOW_MB" => "0",
                "JOBS_LLM_MAX_REASKS" => "3",
                "JOBS_TRUST_LOOPBACK" => "true",
                "JOBS_FAIR_SHARE" => "false",
                "JOBS_TENANT_WEIGHTS" => "acme=3;*=1",
                _ when alias.Env.StartsWith("JOBS_RETENTION_", StringComparison.Ordinal) => "90m",
                _ => "1000",
            };
            var env = new Dictionary<string, string> { [alias.Env] = value };
            if (alias.Env == "JOBS_MEMORY_LOW_MB") env["JOBS_MEMORY_HIGH_MB"] = "10";
            // the TLS variables name files that must hold a certificate, and only make sense together
            if (alias.Env.StartsWith("JOBS_CLUSTER_TLS_", StringComparison.Ordinal))
            {
                env["JOBS_CLUSTER_TLS_CERT"] = tls.Value.Cert;
                env["JOBS_CLUSTER_TLS_CERT_PASSWORD"] = tls.Value.Password;
                if (alias.Env == "JOBS_CLUSTER_TLS_CA") env["JOBS_CLUSTER_TLS_CA"] = tls.Value.Ca;
            }
            // binding with unknown keys refused proves the key exists; the value must come back
            var configuration = new ConfigurationBuilder().AddJobsEnvironment(n => env.GetValueOrDefault(n)).Build();
            Assert.True(configuration.GetSection(alias.Key).Exists(), $"{alias.Env} sets no key");
            var problems = Record.Exception(() => JobsOptionsValidator.Load(configuration));
            Assert.True(problems is null, $"{alias.Env}={value}: {problems?.Message}");
        }
        Directory.Delete(dir, recursive: true);
    }
}
