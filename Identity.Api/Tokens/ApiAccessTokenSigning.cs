using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Shop.ServiceDefaults.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.Identity.Api.Tokens;

/// <summary>
/// Signs each access token with the key of the one API it is for (HS256, <see cref="ApiSigningKeysOptions"/>), in
/// place of OpenIddict's signing key (the RSA key, which still signs what only identity-api reads: its refresh
/// tokens). An API holding its own key can check its tokens, and mint none for another API. Why not RS256 for all:
/// verifying it cost at least 17 % more of ordering-api's CPU per buy (docs/identity.md, "Signing keys").
/// </summary>
public sealed class ApiAccessTokenSigning : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
{
    private readonly Dictionary<string, SigningCredentials> _byAudience;

    public ApiAccessTokenSigning(IOptions<ApiSigningKeysOptions> options)
    {
        _byAudience = ShopAudiences.ByScope.ToDictionary(
            pair => pair.Value,
            pair => new SigningCredentials(ApiSigningKeys.FromSecret(options.Value.ApiSigningKeys[pair.Key], pair.Value), SecurityAlgorithms.HmacSha256));
    }

    /// <summary>Right after OpenIddict picked its own credentials, before the token is created.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.GenerateTokenContext>()
            .UseSingletonHandler<ApiAccessTokenSigning>()
            .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
    {
        if (context.TokenType != TokenTypeIdentifiers.AccessToken)
        {
            return ValueTask.CompletedTask;
        }
        // TokenEndpoint gives every access token exactly one API; anything else is a bug, not a request to answer.
        var audiences = context.Principal.GetAudiences();
        if (audiences is not [var audience] || !_byAudience.TryGetValue(audience, out var credentials))
        {
            throw new InvalidOperationException($"An access token must be for exactly one API, not [{string.Join(", ", audiences)}].");
        }
        context.SigningCredentials = credentials;
        return ValueTask.CompletedTask;
    }
}
