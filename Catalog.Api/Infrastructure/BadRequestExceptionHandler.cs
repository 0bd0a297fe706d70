using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Shop.Catalog.Api.Infrastructure;

/// <summary>
/// Turns the framework's <see cref="BadHttpRequestException"/> (malformed JSON, a value of the wrong type, a
/// query value that does not bind, a body that is too large or of the wrong media type) into its own status
/// (400, 413, 415 …) with a problem+json body that says what was wrong, instead of the default 500. Minimal APIs
/// throw it because <c>RouteHandlerOptions.ThrowOnBadRequest</c> is on (Program.cs), in every environment.
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
