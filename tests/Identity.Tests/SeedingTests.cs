using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Aspire.Hosting.Testing;
using Npgsql;
using Shop.Identity.Data;
using Shop.Identity.Data.Seed;
using Shop.ServiceDefaults.Identity;

namespace Shop.Identity.Tests;

/// <summary>
/// The migrations resource's part for identitydb (IdentityDatabaseInitializer), run here in-process against a
/// database of each test's own on the app's Postgres server: which accounts exist, with which passwords.
/// </summary>
[Collection(IdentityCollection.Name)]
public sealed class SeedingTests(IdentityAppFixture fixture)
{
    [Fact]
    public async Task Production_never_seeds_the_demo_users_even_when_asked()
    {
        await using var database = await ScratchDatabaseAsync();
        await using var services = Services(database.ConnectionString, Environments.Production, new() { ["Identity:Seed:DemoUsers"] = "true" });

        await IdentityDatabaseInitializer.InitializeAsync(services, [], NullLogger.Instance, CancellationToken.None);

        await using var scope = services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<ShopIdentityDbContext>().Users.ToListAsync());
    }

    [Fact]
    public async Task The_deployments_admin_account_takes_the_configured_password_and_a_changed_one_replaces_it()
    {
        await using var database = await ScratchDatabaseAsync();
        await using (var first = Services(database.ConnectionString, Environments.Production, new() { ["Identity:Seed:Admin:Password"] = "First@password1" }))
        {
            await IdentityDatabaseInitializer.InitializeAsync(first, [], NullLogger.Instance, CancellationToken.None);
            Assert.True(await PasswordWorksAsync(first, "admin", "First@password1"));
        }
        await using var second = Services(database.ConnectionString, Environments.Production, new() { ["Identity:Seed:Admin:Password"] = "Second@password2" });

        await IdentityDatabaseInitializer.InitializeAsync(second, [], NullLogger.Instance, CancellationToken.None);

        Assert.True(await PasswordWorksAsync(second, "admin", "Second@password2"));
        Assert.False(await PasswordWorksAsync(second, "admin", "First@password1"));
        await using var scope = second.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ShopUser>>();
        Assert.True(await users.IsInRoleAsync((await users.FindByNameAsync("admin"))!, ShopRoles.Admin));
    }

    [Fact]
    public async Task Development_seeds_the_demo_users_with_the_configured_passwords_and_a_changed_seed_password_takes_effect()
    {
        await using var database = await ScratchDatabaseAsync();
        await using (var first = Services(database.ConnectionString, Environments.Development, new() { ["Identity:Seed:DemoUsers"] = "true" }))
        {
            await IdentityDatabaseInitializer.InitializeAsync(first, [], NullLogger.Instance, CancellationToken.None);
            Assert.True(await PasswordWorksAsync(first, "alice", "Pass@word1"));
        }
        await using var changed = Services(database.ConnectionString, Environments.Development,
            new() { ["Identity:Seed:DemoUsers"] = "true", ["Identity:Seed:ShopperPassword"] = "Changed@word2" });

        await IdentityDatabaseInitializer.InitializeAsync(changed, [], NullLogger.Instance, CancellationToken.None);

        Assert.True(await PasswordWorksAsync(changed, "alice", "Changed@word2"));
        Assert.False(await PasswordWorksAsync(changed, "alice", "Pass@word1"));
        Assert.True(await PasswordWorksAsync(changed, "admin", "Admin@word1"));
    }

    [Fact]
    public async Task Accounts_from_catalogdb_move_with_their_ids_password_hashes_and_roles_before_any_demo_user_is_made()
    {
        await using var database = await ScratchDatabaseAsync();
        var aliceId = Guid.CreateVersion7();
        var hash = new PasswordHasher<object>().HashPassword(new object(), "Old@catalog1");
        ImportedUser[] legacy =
        [
            new(aliceId, "alice", "Alice Martin", hash, [ShopRoles.Shopper], DateTimeOffset.UtcNow.AddDays(-3)),
            new(Guid.CreateVersion7(), "olga", "Olga", hash, [ShopRoles.Admin], DateTimeOffset.UtcNow.AddDays(-2)),
        ];
        await using var services = Services(database.ConnectionString, Environments.Development, new() { ["Identity:Seed:DemoUsers"] = "true" });

        await IdentityDatabaseInitializer.InitializeAsync(services, legacy, NullLogger.Instance, CancellationToken.None);
        // Run again, as the next start of the app does while catalogdb still has the table: nothing doubles.
        await IdentityDatabaseInitializer.InitializeAsync(services, legacy, NullLogger.Instance, CancellationToken.None);

        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ShopUser>>();
        var alice = await users.FindByNameAsync("alice");
        Assert.Equal(aliceId, alice!.Id);
        // The seed password was set on the moved demo user (a changed seed password takes effect), its id kept.
        Assert.True(await users.CheckPasswordAsync(alice, "Pass@word1"));
        var olga = await users.FindByNameAsync("olga");
        Assert.True(await users.CheckPasswordAsync(olga!, "Old@catalog1"));
        Assert.True(await users.IsInRoleAsync(olga!, ShopRoles.Admin));
        Assert.Equal(7, await users.Users.CountAsync());
    }

    private static ServiceProvider Services(string connectionString, string environment, Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = environment, ApplicationName = "DatabaseMigrations" });
        services.AddLogging();
        services.AddDbContext<ShopIdentityDbContext>(options => options.UseNpgsql(connectionString));
        services.AddIdentitySeeding();
        return services.BuildServiceProvider();
    }

    private static async Task<bool> PasswordWorksAsync(IServiceProvider services, string userName, string password)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ShopUser>>();
        return await users.FindByNameAsync(userName) is { } user && await users.CheckPasswordAsync(user, password);
    }

    private async Task<ScratchDatabase> ScratchDatabaseAsync()
    {
        var server = await fixture.Shop.App.GetConnectionStringAsync("postgres") ?? throw new InvalidOperationException("postgres has no connection string");
        return await ScratchDatabase.CreateAsync(server);
    }

    /// <summary>A database of one test's own on the app's server, dropped afterwards.</summary>
    private sealed class ScratchDatabase(string server, string name) : IAsyncDisposable
    {
        public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;

        public static async Task<ScratchDatabase> CreateAsync(string server)
        {
            var name = "identity_seed_" + Guid.NewGuid().ToString("N")[..12];
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
            return new ScratchDatabase(server, name);
        }

        public async ValueTask DisposeAsync()
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
