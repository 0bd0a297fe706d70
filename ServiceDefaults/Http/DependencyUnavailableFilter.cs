using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Shop.ServiceDefaults.Problems;

namespace Shop.ServiceDefaults.Http;

/// <summary>
/// A dependency out of reach (a database, a Redis, another service, after the resilience handler's retries) is the
/// shop's fault and passing: the endpoint answers 503 problem+json with <c>Retry-After</c>, never a 500, and the
/// handler holds only its decision and its answer. What counts as "out of reach" beyond the cases every service
/// shares (below) is registered by the service with <see cref="DependencyFailureExtensions.AddDependencyFailure"/>
/// (its Redis client's exceptions, say), so ServiceDefaults depends on no client library.
/// </summary>
public sealed partial class DependencyUnavailableFilter(string detail) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (IsDependencyDown(e, context.HttpContext))
        {
            var http = context.HttpContext;
            LogUnavailable(http.RequestServices.GetRequiredService<ILogger<DependencyUnavailableFilter>>(), http.Request.Method, http.Request.Path, e);
            http.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, type: ProblemTypes.Unavailable, detail: detail);
        }
    }

    private static bool IsDependencyDown(Exception e, HttpContext http) =>
        e is DbException or HttpRequestException or BrokenCircuitException or TimeoutRejectedException or TimeoutException
        // A timeout of our own call, not the client going away.
        || (e is TaskCanceledException && !http.RequestAborted.IsCancellationRequested)
        || http.RequestServices.GetServices<DependencyFailure>().Any(failure => failure.Matches(e));

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path}: a dependency is unavailable")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, Exception exception);
}

/// <summary>An exception a service's own client library throws when its server is out of reach.</summary>
public sealed record DependencyFailure(Func<Exception, bool> Matches);

public static class DependencyFailureExtensions
{
    /// <summary>Counts exceptions that <paramref name="matches"/> as a dependency out of reach (503), in every <see cref="DependencyUnavailableFilter"/>.</summary>
    public static IServiceCollection AddDependencyFailure(this IServiceCollection services, Func<Exception, bool> matches) =>
        services.AddSingleton(new DependencyFailure(matches));

    /// <summary>Answers 503 problem+json with <paramref name="detail"/> when a dependency of the endpoints is out of reach.</summary>
    public static TBuilder AnswerUnavailableDependencies<TBuilder>(this TBuilder builder, string detail) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new DependencyUnavailableFilter(detail));
}
