using Microsoft.AspNetCore.Http.HttpResults;
using Shop.Catalog.Api.Apis.Contracts;
using Shop.Catalog.Api.Identity;
using Shop.Catalog.Api.Infrastructure;
using Shop.Catalog.Data;
using Shop.ServiceDefaults.Identity;

namespace Shop.Catalog.Api.Apis;

/// <summary>
/// Sign-in for programmatic clients (tests, the load generator, scripts): user name and password in, a bearer
/// token out. Every Shop API accepts the token (same signing key, from the AppHost secret jwt-signing-key).
/// </summary>
public static class IdentityApi
{
    public const string RateLimiterPolicy = "sign-in";
    public const int MaxPasswordLength = 256;

    public static RouteGroupBuilder MapIdentityApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/identity").WithTags("Identity");

        api.MapPost("/token", IssueTokenAsync)
            .WithName("IssueToken")
            .WithSummary("Exchange a user name and password for a bearer token")
            .WithDescription("401 for a wrong password and for an unknown user alike. Send the token as 'Authorization: Bearer <accessToken>'.")
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequireRateLimiting(RateLimiterPolicy)
            .AllowAnonymous();

        return api;
    }

    public static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, UserAuthenticator authenticator, ShopTokenIssuer issuer, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        var userName = errors.RequiredText("userName", request.UserName, ShopUser.UserNameMaxLength);
        if (request.Password is null or "")
        {
            errors.Add("password", "'password' is required.");
        }
        else if (request.Password.Length > MaxPasswordLength)
        {
            errors.Add("password", $"'password' must be at most {MaxPasswordLength} characters long.");
        }
        if (!errors.IsValid)
        {
            return Problems.Validation(errors);
        }

        var user = await authenticator.AuthenticateAsync(userName!, request.Password!, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return Problems.Unauthorized("The user name or password is wrong.");
        }
        var token = issuer.Issue(user.Id.ToString(), user.UserName, user.Roles);
        return TypedResults.Ok(new TokenResponse(token.AccessToken, "Bearer", token.ExpiresAt));
    }
}
