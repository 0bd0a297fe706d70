using Microsoft.AspNetCore.Http;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;

namespace Shop.ServiceDefaults.Http;

/// <summary>
/// Reads a JSON request body in a handler rather than by binding, so that every bad body is a 400/413/415 with a
/// reason (a bound body's failure is a bare 400), and so that a chunked body is cut at the limit too.
/// </summary>
public static class JsonBodies
{
    /// <param name="example">The body's shape, quoted in every refusal (e.g. <c>{"quantity": 1}</c>).</param>
    public static async Task<(T? Body, int Status, string? Problem)> ReadAsync<T>(HttpContext http, int maxBytes, JsonTypeInfo<T> type, string example)
        where T : class
    {
        var expected = $"The body must be JSON like {example}.";
        if (!http.Request.HasJsonContentType())
        {
            return (null, StatusCodes.Status415UnsupportedMediaType, UnsupportedMediaTypeDetail(http, example));
        }
        var tooLarge = $"The body may be at most {maxBytes} bytes; it needs only {example}.";
        if (http.Request.ContentLength > maxBytes)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, tooLarge);
        }
        // A chunked body has no length to check up front: Kestrel stops reading it at the limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = maxBytes;
        }
        try
        {
            var body = await JsonSerializer.DeserializeAsync(http.Request.Body, type, http.RequestAborted).ConfigureAwait(false);
            return body is null ? (null, StatusCodes.Status400BadRequest, expected) : (body, StatusCodes.Status200OK, null);
        }
        catch (JsonException)
        {
            return (null, StatusCodes.Status400BadRequest, expected);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, StatusCodes.Status413PayloadTooLarge, tooLarge);
        }
    }

    public static string UnsupportedMediaTypeDetail(HttpContext http, string example) =>
        $"The body must be JSON like {example}, sent with Content-Type: application/json (got '{http.Request.ContentType ?? "none"}').";
}
