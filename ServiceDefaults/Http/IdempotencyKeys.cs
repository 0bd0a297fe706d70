using Microsoft.Extensions.Primitives;

namespace Shop.ServiceDefaults.Http;

/// <summary>
/// The <c>Idempotency-Key</c> header every decision endpoint requires (a buy, a checkout; the bench's comparison service too):
/// one key per attempt, chosen by the client, the same key for its retries.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    /// <summary>The request's key, once <see cref="IdempotencyKeyFilter"/> has let it through (so it is valid).</summary>
    public static string Of(Microsoft.AspNetCore.Http.HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Request.Headers[Header].ToString();
    }

    /// <summary>Null when the header is 1 to 64 of letters, digits and <c>-_.:</c>; else the reason, naming the <paramref name="attempt"/>.</summary>
    public static string? Validate(StringValues header, string attempt = "purchase")
    {
        if (header.Count == 0 || string.IsNullOrEmpty(header[0]))
        {
            return $"The Idempotency-Key header is required: send one new key (e.g. a GUID) per {attempt} attempt, and the same key when you retry it.";
        }
        var key = header[0]!;
        if (header.Count > 1 || key.Length > 64 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            return "The Idempotency-Key header must be one value of 1 to 64 letters, digits, '-', '_', '.' or ':'.";
        }
        return null;
    }
}
