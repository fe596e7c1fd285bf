using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Jobs.Client;

/// <summary>Registers <see cref="JobsClient"/> as a typed client of IHttpClientFactory.</summary>
public static class JobsClientServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="JobsClient"/> for injection, its HttpClient from IHttpClientFactory with
    /// <see cref="JobsRetryHandler"/> in the pipeline. The builder it returns adds more handlers or
    /// configures the primary one.
    /// </summary>
    public static IHttpClientBuilder AddJobsClient(this IServiceCollection services, Action<JobsClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        var builder = services.AddHttpClient(nameof(JobsClient))
            .ConfigureHttpClient((sp, http) => http.Timeout = Options(sp).Timeout)
            .AddHttpMessageHandler(sp => new JobsRetryHandler(Options(sp)));
        builder.AddTypedClient((http, sp) => new JobsClient(http, Options(sp)));
        return builder;
    }

    private static JobsClientOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<JobsClientOptions>>().Value;
}
