namespace Shop.AppHost.LocalServers;

/// <summary>
/// The connection properties Aspire's server resources expose, in Aspire's order: Host, Port, Username (when
/// the server has one), Password, Uri. Aspire turns them into <c>{NAME}_HOST</c>, <c>{NAME}_PORT</c>, … for a
/// referencing service; the contract test compares ours with Aspire's own.
/// </summary>
internal static class ServerConnectionProperties
{
    public static IEnumerable<KeyValuePair<string, ReferenceExpression>> Of(
        EndpointReferenceExpression host, EndpointReferenceExpression port, string? userName, ParameterResource password, ReferenceExpression uri)
    {
        yield return new("Host", ReferenceExpression.Create($"{host}"));
        yield return new("Port", ReferenceExpression.Create($"{port}"));
        if (userName is not null)
        {
            yield return new("Username", ReferenceExpression.Create($"{userName}"));
        }
        yield return new("Password", ReferenceExpression.Create($"{password}"));
        yield return new("Uri", uri);
    }
}
