using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Shop.ServiceDefaults.Http;

/// <summary>
/// Turns the framework's <see cref="BadHttpRequestException"/> (malformed JSON, a value of the wrong type, a
/// query value that does not bind, a body that is too large or of the wrong media type) into its own status
/// (400, 413, 415 …) with a problem+json body that says what was wrong, instead of the default 500. Minimal APIs
/// throw it because <c>RouteHandlerOptions.ThrowOnBadRequest</c> is on (<see cref="BadRequestProblems.AddBadRequestProblems"/>),
/// in every environment.
/// </summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problemDetails, ILogger<BadRequestExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        // The JSON reader's own message names .NET types; the position says enough and names the field.
        var detail = badRequest.InnerException is JsonException json
            ? $"The request body is not valid JSON for this endpoint, or a value has the wrong type, at '{json.Path ?? "$"}' (line {json.LineNumber}, byte {json.BytePositionInLine})."
            : badRequest.Message;
        LogRejected(logger, badRequest.StatusCode, httpContext.Request.Method, httpContext.Request.Path, detail);

        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                Title = badRequest.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "Request body too large",
                    StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
                    _ => "Bad request",
                },
                Detail = detail,
            },
        }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a bad request ({Status}) {Method} {Path}: {Detail}")]
    private static partial void LogRejected(ILogger logger, int status, string method, PathString path, string detail);
}

public static class BadRequestProblems
{
    /// <summary>
    /// Requests that do not bind (malformed JSON, wrong types, wrong media type, too large) get their own 4xx status
    /// and a problem+json that says what was wrong (<see cref="BadRequestExceptionHandler"/>); needs
    /// <c>app.UseExceptionHandler()</c>.
    /// </summary>
    public static IServiceCollection AddBadRequestProblems(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.Configure<ProblemDetailsOptions>(options =>
        {
            var earlier = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                earlier?.Invoke(context);
                DescribeFrameworkRefusal(context);
            };
        });
        return services;
    }

    /// <summary>
    /// Some refusals never reach a handler: routing answers 415 for a Content-Type an endpoint does not accept,
    /// Kestrel 413 for a declared length over the limit. Give them a reason too.
    /// </summary>
    private static void DescribeFrameworkRefusal(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Detail is not null)
        {
            return;
        }
        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status415UnsupportedMediaType =>
                $"This endpoint reads a JSON body: send it with the content type application/json (got '{context.HttpContext.Request.ContentType ?? "none"}').",
            StatusCodes.Status413PayloadTooLarge => "The request body is too large for this endpoint.",
            _ => null,
        };
    }
}
