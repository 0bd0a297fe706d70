using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Shop.ServiceDefaults.Health;

namespace Shop.ServiceDefaults.Telemetry;

/// <summary>
/// ASP.NET Core starts a server activity per request but (without OpenTelemetry.Instrumentation.AspNetCore,
/// which the feed lacks) puts no tags on it: every span would be called "Microsoft.AspNetCore.Hosting.HttpRequestIn".
/// This middleware adds the semantic-convention tags and a "{method} {route}" name, and drops the spans of
/// health probes, which would otherwise be most of the traces of an idle service.
/// </summary>
internal sealed class ServerActivityMiddleware(RequestDelegate next)
{
    private const string HostingActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    public Task InvokeAsync(HttpContext context)
    {
        var activity = Activity.Current;
        if (activity is null || activity.OperationName != HostingActivityName)
        {
            return next(context);
        }

        if (HealthEndpoints.IsProbe(context.Request.Path))
        {
            // Not recorded: exporters skip it, and children (a health check's PING or SELECT 1) are not
            // sampled either because the default sampler follows the parent.
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            activity.IsAllDataRequested = false;
            return next(context);
        }

        return activity.IsAllDataRequested ? InvokeRecordedAsync(activity, context) : next(context);
    }

    private async Task InvokeRecordedAsync(Activity activity, HttpContext context)
    {
        var request = context.Request;
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        activity.SetTag("server.address", request.Host.Host);
        if (request.Host.Port is int port)
        {
            activity.SetTag("server.port", port);
        }

        try
        {
            await next(context);
        }
        catch (Exception exception)
        {
            // Recorded, then rethrown: the exception handler (or Kestrel) still decides the response.
            activity.SetTag("error.type", exception.GetType().FullName);
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
        finally
        {
            SetResponseTags(activity, context);
        }
    }

    private static void SetResponseTags(Activity activity, HttpContext context)
    {
        var method = context.Request.Method;
        var route = context.GetEndpoint()?.Metadata.GetMetadata<IRouteDiagnosticsMetadata>()?.Route;
        if (route is not null)
        {
            activity.SetTag("http.route", route);
            activity.DisplayName = method + " " + route;
        }
        else
        {
            activity.DisplayName = method;
        }

        var status = context.Response.StatusCode;
        activity.SetTag("http.response.status_code", status);
        if (status >= StatusCodes.Status500InternalServerError && activity.Status != ActivityStatusCode.Error)
        {
            activity.SetTag("error.type", status.ToString(CultureInfo.InvariantCulture));
            activity.SetStatus(ActivityStatusCode.Error);
        }
    }
}

/// <summary>Puts <see cref="ServerActivityMiddleware"/> first in every web app's pipeline.</summary>
internal sealed class ServerActivityStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<ServerActivityMiddleware>();
        next(app);
    };
}
