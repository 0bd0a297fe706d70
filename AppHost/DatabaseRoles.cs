using Shop.AppHost.LocalServers;

namespace Shop.AppHost;

/// <summary>
/// Least privilege on Postgres (#22; docs/architecture.md, "Database roles"): every service connects to its one
/// database as a login role of its own, and the migrations as <see cref="MigrationsRole"/>, which owns the schema
/// objects; only the migrations' role-provisioning step connects as the server's superuser. The AppHost decides the
/// names and passwords; the <c>migrations</c> resource creates the roles and grants their rights
/// (DatabaseMigrations/DatabaseRoleProvisioner.cs, which also says what each role may do), in run mode and in a
/// deployment alike (there is no AppHost at deploy time, so the provisioning cannot live here).
/// </summary>
internal static class DatabaseRoles
{
    /// <summary>The role the migrations connect to every database as: it owns their tables and runs their DDL.</summary>
    public const string MigrationsRole = "shop_migrations";

    /// <summary>
    /// The migrations resource connects to each of <paramref name="databases"/> as <see cref="MigrationsRole"/>
    /// (<c>ConnectionStrings__{database}</c>, with the generated secret parameter <c>{migrations}-db-password</c>),
    /// and to <paramref name="server"/> as its superuser (<c>ConnectionStrings__{server}</c>), which it uses only to
    /// provision the roles before it migrates.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMigrationsRole(
        this IResourceBuilder<ProjectResource> migrations,
        IResourceBuilder<IResourceWithConnectionString> server,
        params IResourceBuilder<IResourceWithConnectionString>[] databases)
    {
        var password = RolePassword(migrations);
        migrations.WithReference(server);
        foreach (var database in databases)
        {
            migrations.WithDatabaseConnection(database, MigrationsRole, password);
        }
        return migrations;
    }

    /// <summary>
    /// <paramref name="service"/> connects to <paramref name="database"/> as the login role <paramref name="role"/>
    /// (<c>ConnectionStrings__{database}</c>: the server's host and port, the role, its password, the database; the
    /// service reads the same key as before), with the generated secret parameter <c>{service}-db-password</c>;
    /// <paramref name="migrations"/> is told the role's database and password
    /// (<c>Postgres__Roles__{role}__Database</c>, <c>…__Password</c>) and provisions it.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDatabaseRole(
        this IResourceBuilder<ProjectResource> service,
        IResourceBuilder<IResourceWithConnectionString> database,
        string role,
        IResourceBuilder<ProjectResource> migrations)
    {
        var password = RolePassword(service);
        migrations
            .WithEnvironment($"Postgres__Roles__{role}__Database", database.Resource.Name)
            .WithEnvironment($"Postgres__Roles__{role}__Password", password);
        return service.WithDatabaseConnection(database, role, password);
    }

    // Generated once and kept like the servers' passwords (the user secrets in run mode; azd generates it in a
    // deployment). No special characters: the value goes into a connection string unquoted.
    private static IResourceBuilder<ParameterResource> RolePassword(IResourceBuilder<ProjectResource> resource) =>
        resource.ApplicationBuilder.AddParameter(
            $"{resource.Resource.Name}-db-password", new GenerateParameterDefault { MinLength = 22, Special = false }, secret: true, persist: true);

    private static IResourceBuilder<ProjectResource> WithDatabaseConnection(
        this IResourceBuilder<ProjectResource> resource,
        IResourceBuilder<IResourceWithConnectionString> database,
        string role,
        IResourceBuilder<ParameterResource> password)
    {
        var (endpoint, databaseName) = database.Resource switch
        {
            LocalPostgresDatabaseResource local => (local.Parent.PrimaryEndpoint, local.DatabaseName),
            PostgresDatabaseResource container => (container.Parent.PrimaryEndpoint, container.DatabaseName),
            _ => throw new ArgumentException($"'{database.Resource.Name}' is not a Postgres database", nameof(database)),
        };
        // The shape of Aspire's own Postgres connection strings, with the role instead of the superuser.
        var connectionString = ReferenceExpression.Create(
            $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username={role};Password={password.Resource};Database={databaseName}");
        return resource
            .WithEnvironment($"ConnectionStrings__{database.Resource.Name}", connectionString)
            .WithReferenceRelationship(database);
    }
}
