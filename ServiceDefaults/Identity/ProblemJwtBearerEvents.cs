using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// Answers 401 and 403 with problem+json like every other refusal of Shop's APIs (JwtBearer's own answers have
/// no body), with a detail that says what to do.
/// </summary>
internal sealed class ProblemJwtBearerEvents : JwtBearerEvents
{
    public override async Task Challenge(JwtBearerChallengeContext context)
    {
        // Replaces JwtBearer's answer, its WWW-Authenticate header included, so the header is set here.
        context.HandleResponse();
        var sentToken = context.Request.Headers.Authorization.Count > 0;
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = sentToken ? "Bearer error=\"invalid_token\"" : "Bearer";
        var detail = sentToken
            ? "The access token is invalid or expired: sign in again."
            : "This endpoint needs a signed-in user: send 'Authorization: Bearer <token>' (see the README for how to get a token).";
        await WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", detail).ConfigureAwait(false);
    }

    public override async Task Forbidden(ForbiddenContext context)
    {
        // JwtBearer has set 403 already; only the body is added.
        await WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "Your account is not allowed to do this.").ConfigureAwait(false);
    }

    private static async Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).ConfigureAwait(false);
    }
}
