using System.Data.Common;

namespace Shop.AppHost.LocalServers;

/// <summary>
/// A database in a <see cref="LocalPostgresServerResource"/>, with Aspire's <c>PostgresDatabaseResource</c>
/// contract: the server's connection string plus <c>;Database=…</c>. Its state follows its server's (Aspire
/// propagates a parent's state to its children); it is healthy once the database accepts connections.
/// </summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};{new DbConnectionStringBuilder { ["Database"] = DatabaseName }.ToString()}");

    public ReferenceExpression UriExpression => Parent.BuildUri(DatabaseName);

    IEnumerable<KeyValuePair<string, ReferenceExpression>> IResourceWithConnectionString.GetConnectionProperties() =>
        Parent.CombineProperties(
        [
            new("DatabaseName", ReferenceExpression.Create($"{DatabaseName}")),
            new("Uri", UriExpression),
            new("JdbcConnectionString", Parent.BuildJdbcConnectionString(DatabaseName)),
        ]);
}
