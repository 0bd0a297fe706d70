namespace Shop.AppHost;

internal static class AccessTokenKeys
{
    /// <summary>
    /// The key of <paramref name="api"/>'s access tokens, shared by identity-api (which signs them, and only them,
    /// with it) and this API (which checks them with it) and no other resource: a secret parameter
    /// <c>{api}-token-key</c>, generated (and kept in the user secrets in run mode; azd generates it in a deployment).
    /// A symmetric key per API rather than identity-api's RSA key for all: docs/identity.md, "Signing keys".
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAccessTokensFrom(
        this IResourceBuilder<ProjectResource> api, IResourceBuilder<ProjectResource> identityApi, string scope)
    {
        var key = api.ApplicationBuilder.AddParameter(
            $"{api.Resource.Name}-token-key", new GenerateParameterDefault { MinLength = 48, Special = false }, secret: true, persist: true);
        identityApi.WithEnvironment($"Identity__ApiSigningKeys__{scope}", key);
        return api.WithEnvironment("Identity__SigningKey", key);
    }
}
