using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Shop.AppHost.Tests;

/// <summary>
/// The real AppHost's model, built and not started: one migrations resource migrates both databases once they are
/// up, and every service that uses a database waits for it to complete (docs/architecture.md, "Migrations").
/// </summary>
[Collection(OneAtATime.Name)]
public sealed class MigrationsCompositionTests
{
    [Fact]
    public async Task The_services_that_use_a_database_wait_for_the_migrations_to_complete_which_wait_for_every_database()
    {
        using var isolation = AppIsolation.Create();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([.. isolation.Arguments]);
        var resources = builder.Resources.ToDictionary(r => r.Name, StringComparer.Ordinal);

        var migrations = Assert.IsType<ProjectResource>(resources["migrations"]);
        Assert.Contains(("catalogdb", WaitType.WaitUntilHealthy), Waits(migrations));
        Assert.Contains(("orderingdb", WaitType.WaitUntilHealthy), Waits(migrations));
        Assert.Contains(("identitydb", WaitType.WaitUntilHealthy), Waits(migrations));
        Assert.DoesNotContain(Waits(migrations), w => w.Type == WaitType.WaitForCompletion);
        // It reads every database's connection string, as the services do (ConnectionStrings__{name}, as the databases'
        // owner role, with its password), the server's (the superuser's, to provision the roles, with every service
        // role's password), and the storefront's client secret, which it registers with identitydb's clients.
        Assert.Equal(["catalog-api-db-password", "catalogdb", "identity-api-db-password", "identitydb", "migrations-db-password", "ordering-api-db-password", "ordering-worker-db-password", "orderingdb", "postgres", "storefront-client-secret"],
            migrations.Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference").Select(r => r.Resource.Name).Distinct().Order(StringComparer.Ordinal));

        foreach (var (service, database) in new[] { ("catalog-api", "catalogdb"), ("identity-api", "identitydb"), ("ordering-api", "orderingdb"), ("ordering-worker", "orderingdb") })
        {
            var waits = Waits(resources[service]);
            Assert.Contains(("migrations", WaitType.WaitForCompletion), waits);
            Assert.Contains((database, WaitType.WaitUntilHealthy), waits);
            // Its database (and its server's endpoint) and its own role's password; never the superuser's password.
            var references = resources[service].Annotations.OfType<ResourceRelationshipAnnotation>().Where(r => r.Type == "Reference").Select(r => r.Resource.Name).ToList();
            Assert.Contains(database, references);
            Assert.Contains($"{service}-db-password", references);
            Assert.DoesNotContain("postgres-password", references);
            Assert.DoesNotContain("migrations-db-password", references);
        }
        // Nothing else migrates, and nothing else needs to wait: basket-api and the storefront use no database.
        Assert.Equal(["catalog-api", "identity-api", "ordering-api", "ordering-worker"],
            builder.Resources.Where(r => Waits(r).Contains(("migrations", WaitType.WaitForCompletion))).Select(r => r.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_test_app_of_one_service_starts_the_migrations_with_it_and_waits_for_their_completion()
    {
        using var isolation = AppIsolation.Create();
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([.. isolation.Arguments]);

        var started = Composition.StartOnly(builder, ["ordering-worker"]);

        Assert.Contains("migrations", started.Select(r => r.Name));
        Assert.Equal(["migrations"], Composition.RunningToCompletion(builder.Resources, started));
        // Transitively too: basket-api uses no database, but it waits for catalog-api, which waits for the migrations.
        await using var basket = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>([.. isolation.Arguments]);
        Assert.Contains("migrations", Composition.StartOnly(basket, ["basket-api"]).Select(r => r.Name));
    }

    private static List<(string Resource, WaitType Type)> Waits(IResource resource) =>
        [.. resource.Annotations.OfType<WaitAnnotation>().Select(w => (w.Resource.Name, w.WaitType))];
}
