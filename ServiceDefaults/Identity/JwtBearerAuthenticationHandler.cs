using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// Bearer-token authentication: validates <c>Authorization: Bearer …</c> (signature, issuer, audience, lifetime,
/// HS256 only). Written here because Microsoft.AspNetCore.Authentication.JwtBearer 10 does not restore from this
/// machine's feed; the token checks themselves are Microsoft.IdentityModel's. Answers 401/403 as problem+json.
/// </summary>
public sealed partial class JwtBearerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    IOptions<ShopTokenOptions> tokenOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Bearer";

    private static readonly JsonWebTokenHandler TokenHandler = new() { MapInboundClaims = false };
    private TokenValidationParameters? _parameters;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var token = header["Bearer ".Length..].Trim();
        var result = await TokenHandler.ValidateTokenAsync(token, _parameters ??= CreateParameters(tokenOptions.Value)).ConfigureAwait(false);
        if (!result.IsValid)
        {
            LogRejected(Logger, result.Exception?.GetType().Name ?? "invalid token");
            return AuthenticateResult.Fail("The access token is invalid or expired.");
        }
        var principal = new ClaimsPrincipal(result.ClaimsIdentity);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var detail = Request.Headers.Authorization.Count == 0
            ? "This endpoint needs a signed-in user: send 'Authorization: Bearer <token>' (see the README for how to get a token)."
            : "The access token is invalid or expired: sign in again.";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", detail).ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "Your account is not allowed to do this.").ConfigureAwait(false);
    }

    private async Task WriteProblemAsync(int status, string title, string detail) =>
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).ConfigureAwait(false);

    internal static TokenValidationParameters CreateParameters(ShopTokenOptions options) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = ShopTokenKeys.Create(options.SigningKey),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = options.ClockSkew,
        NameClaimType = ShopClaimTypes.Name,
        RoleClaimType = ShopClaimTypes.Role,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a bearer token: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
