using Shop.Hosting.ApplicationModel;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting;

public static class ParameterExtensions
{
    /// <summary>
    /// A value from configuration <c>Parameters:{name}</c>. A missing secret is generated once and kept in the
    /// app data folder (<c>parameters.json</c>); a missing plain value is an error when it is first needed.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, bool secret = false)
    {
        var configured = builder.Configuration[$"Parameters:{name}"];
        var parameter = new ParameterResource(name, secret, generated: secret && configured is null);
        parameter.SetValueSource(() => configured
            ?? (secret
                ? GeneratedSecretStore.For(builder.AppDataPath).GetOrCreate(name)
                : throw new DistributedApplicationException($"Parameter '{name}' has no value: set configuration key 'Parameters:{name}' (environment variable Parameters__{name}).")));
        return builder.AddResource(parameter);
    }

    /// <summary>An existing connection string from configuration <c>ConnectionStrings:{name}</c>.</summary>
    public static IResourceBuilder<ConnectionStringResource> AddConnectionString(this IDistributedApplicationBuilder builder, string name)
    {
        var value = new ParameterResource($"{name}-connection", secret: true, generated: false);
        value.SetValueSource(() => builder.Configuration.GetConnectionStringOrThrow(name));
        return builder.AddResource(new ConnectionStringResource(name, value));
    }

    internal static ParameterResource AddGeneratedPassword(this IDistributedApplicationBuilder builder, string resourceName) =>
        builder.AddParameter($"{resourceName}-password", secret: true).Resource;

    private static string GetConnectionStringOrThrow(this Microsoft.Extensions.Configuration.IConfiguration configuration, string name) =>
        configuration[$"ConnectionStrings:{name}"]
        ?? throw new DistributedApplicationException($"Connection string '{name}' is missing: set configuration key 'ConnectionStrings:{name}'.");
}
