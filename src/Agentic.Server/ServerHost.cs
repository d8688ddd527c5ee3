using System.Net;
using Agentic.Models.OpenAI;
using Agentic.Orleans;
using Agentic.Orleans.Postgres;
using Agentic.Orleans.Sqlite;
using Agentic.Runtime.Diagnostics;
using Agentic.Runtime.Journal;
using Agentic.Server.Api;
using Agentic.Storage.Blobs;
using Agentic.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Configuration;

namespace Agentic.Server;

/// <summary>Builds the silo host from configuration: the journal, the cluster, the silo's ports and its health endpoints.</summary>
public static class ServerHost
{
    /// <summary>Liveness: the process answers.</summary>
    public const string LivePath = "/health/live";

    /// <summary>Readiness: the silo is an active member and the journal answers.</summary>
    public const string ReadyPath = "/health/ready";

    public static WebApplication Build(string[] args)
    {
        // appsettings.json is read from beside the executable, whatever the working directory (relative paths in it,
        // such as the SQLite journal's, are the working directory's).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var settings = builder.Configuration.GetSection(ServerSettings.Section).Get<ServerSettings>() ?? new ServerSettings();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
        if (!IPAddress.TryParse(settings.AdvertisedAddress, out var advertised))
        {
            throw new InvalidOperationException($"Agentic:AdvertisedAddress '{settings.AdvertisedAddress}' is not an IP address");
        }

        PortGuard.EnsureFree(settings.SiloPort, "Agentic:SiloPort");
        PortGuard.EnsureFree(settings.GatewayPort, "Agentic:GatewayPort");
        var blobs = settings.Blobs ?? (settings.Journal == "sqlite" ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settings.JournalPath))!, "blobs") : null);
        if (blobs is not null)
        {
            builder.Services.AddLocalBlobStore(blobs);
        }

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
            silo.ConfigureEndpoints(advertised, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                // A dead silo is declared dead in about 1.5 s instead of Orleans' ~13 s (ORLEANS-FACTS), so its
                // lifetimes are re-activated on a survivor within seconds. Against false deaths (a long GC pause, a
                // starved VM): a suspect must also fail indirect probes through another silo, a silo that sees
                // itself degraded stretches its own probe timeout, and a death takes the votes of two silos.
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                o.EnableIndirectProbes = true;
                o.ExtendProbeTimeoutDuringDegradation = true;
                o.NumVotesForDeathDeclaration = 2;
                builder.Configuration.GetSection("Agentic:Membership").Bind(o);
            });
            switch (settings.Journal)
            {
                case "postgres":
                    var connection = builder.Configuration.GetConnectionString("Agentic") is { Length: > 0 } given
                        ? given
                        : throw new InvalidOperationException("Agentic:Journal is postgres but ConnectionStrings:Agentic is not set (or empty)");
                    silo.UseAgenticPostgres(connection, settings.Schema);
                    break;
                case "sqlite":
                    // The journal and the grain state (graphs, tenants, API keys) in one file: they outlive a restart.
                    silo.UseAgenticSqlite(settings.JournalPath);
                    silo.UseDevelopmentClustering(new IPEndPoint(advertised, settings.SiloPort));
                    break;
                case "memory":
                    silo.UseDevelopmentClustering(new IPEndPoint(advertised, settings.SiloPort));
                    break;
                default:
                    throw new InvalidOperationException($"Agentic:Journal '{settings.Journal}' is not one of sqlite, postgres, memory");
            }

            if (Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is { Length: > 0 })
            {
                // In a pod: the pod's IP and the orleans/serviceId and orleans/clusterId labels (ORLEANS_SERVICE_ID,
                // ORLEANS_CLUSTER_ID from the downward API) name the silo, and silos whose pods are gone are declared dead.
                silo.UseKubernetesHosting();
            }

            silo.AddAgentic(b =>
            {
                if (settings.Policies is { } policies)
                {
                    b.AddPolicies(policies);
                }

                if (Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } key)
                {
                    b.AddOpenAIChatClient(key, Environment.GetEnvironmentVariable("OPENAI_BASE_URL") is { Length: > 0 } url ? new Uri(url) : null);
                }
            });
            // Tenants upload their own policies (PUT /v1/policies): every silo enforces them beside the operator's file.
            silo.AddTenantPolicies();
        });
        // The runtime's settings on this silo (workers, blob offload, snapshots): Agentic:Runtime.
        builder.Services.Configure<Runtime.Hosting.AgenticRuntimeOptions>(builder.Configuration.GetSection("Agentic:Runtime"));
        builder.Services.Configure<ApiOptions>(builder.Configuration.GetSection(ApiOptions.Section));
        var api = builder.Configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new ApiOptions();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = api.MaxRequestBytes);
        // One naming for every body: snake_case, as the journal's records and the CLI's JSON.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ApiProblems>();
        builder.Services.AddOpenApi("v1");
        builder.Services.AddTenantRateLimits(api);
        // OpenTelemetry over OTLP when an endpoint is configured (the standard OTEL_EXPORTER_OTLP_* settings, from the
        // environment or any configuration source): the executions' spans, the runtime's, Orleans' and ASP.NET Core's meters.
        if (builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 })
        {
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("agentic", serviceInstanceId: $"{settings.AdvertisedAddress}:{settings.SiloPort}"))
                .WithTracing(t => t.AddSource(AgenticTelemetry.SourceName).AddAspNetCoreInstrumentation().AddOtlpExporter())
                .WithMetrics(m => m.AddMeter(AgenticTelemetry.MeterName, "Microsoft.Orleans").AddAspNetCoreInstrumentation().AddOtlpExporter())
                .WithLogging(l => l.AddOtlpExporter());
        }

        builder.Services.AddHealthChecks()
            .AddCheck<SiloJoinedCheck>("silo", tags: ["ready"])
            .AddCheck<JournalReachableCheck>("journal", tags: ["ready"])
            .AddCheck<PoliciesLoadedCheck>("policies", tags: ["ready"]);
        var app = builder.Build();
        // Liveness: the process answers. Readiness: the silo is an active member, the journal answers a query and the
        // policies in force are known.
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestSizeLimit>();
        app.UseTenantRateLimits();
        app.MapOpenApi("/v1/openapi.json");
        TenantEndpoints.Map(app);
        GraphEndpoints.Map(app);
        LifetimeEndpoints.Map(app);
        UsageEndpoints.Map(app);
        PolicyEndpoints.Map(app);
        QueueEndpoints.Map(app);
        TenantEventEndpoints.Map(app);
        DashboardEndpoints.Map(app);
        return app;
    }
}
