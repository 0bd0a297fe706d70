using Microsoft.AspNetCore.Http;

namespace Shop.Hosting.Dashboard;

/// <summary>
/// Guards the dashboard's commands against other web pages: any site open in the developer's browser can send
/// a form POST to 127.0.0.1, and the browser then names that site in the <c>Origin</c> header. Scripts and
/// tools send no <c>Origin</c> and are let through; the port is loopback-only, so they run on this machine.
/// </summary>
internal static class SameOrigin
{
    public static async ValueTask<object?> Require(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0
            && !(Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                 && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            return TypedResults.Problem(
                title: "Cross-origin request refused",
                detail: $"Commands are accepted only from the dashboard page itself, not from '{origin}'.",
                statusCode: StatusCodes.Status403Forbidden);
        }
        return await next(context).ConfigureAwait(false);
    }
}
