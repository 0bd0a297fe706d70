// WithoutHttpsCertificate is an evaluation API in Aspire 13.6; without it DCP warns of a missing dev certificate.
#pragma warning disable ASPIRECERTIFICATES001

using System.Reflection;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Shop.AppHost.LocalServers;

namespace Shop.Bench;

/// <summary>
/// What the bench adds to Shop's composition, and Shop itself never has: <c>baseline-api</c> (bench/Baseline.Api, the
/// textbook one-transaction-per-order buy path) and its database <c>baselinedb</c> on Shop's own Postgres server, so
/// that both systems write to the same server. The service checks the same tokens as ordering-api (the bench's own test
/// key, which BenchedShop gives every service of the composition) and runs like a Shop service: plain HTTP, healthy when its <c>/health</c> says so.
/// </summary>
public static class BaselineComposition
{
    public const string Resource = "baseline-api";

    public const string Database = "baselinedb";

    /// <summary>Adds the baseline to the composition before it is built.</summary>
    public static void Add(IDistributedApplicationTestingBuilder builder, int replicas, string environment)
    {
        // The bench runs the AppHost in run mode, whose Postgres is the machine's own (AppHost/LocalServers).
        var postgres = builder.Resources.OfType<LocalPostgresServerResource>().SingleOrDefault(r => r.Name == "postgres")
            ?? throw new InvalidOperationException("The composition has no local Postgres server named 'postgres'.");
        var database = builder.CreateResourceBuilder(postgres).AddDatabase(Database);
        builder.AddProject(Resource, ProjectPath)
            .WithReplicas(replicas)
            .WithoutHttpsCertificate()
            .WithHttpHealthCheck("/health")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", environment)
            .WithEnvironment("DOTNET_ENVIRONMENT", environment)
            .WithReference(database).WaitFor(database);
    }

    /// <summary>bench/Baseline.Api/Baseline.Api.csproj, as this project's build recorded it (FlashSale.Bench.csproj), which also builds it.</summary>
    private static string ProjectPath =>
        typeof(BaselineComposition).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "BaselineApiProject")?.Value
        ?? throw new InvalidOperationException("FlashSale.Bench was built without the BaselineApiProject metadata.");
}
