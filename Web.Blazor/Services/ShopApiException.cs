using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Shop.Web.Services;

/// <summary>
/// An API call that did not give the answer a page needs: the service could not be reached (no
/// <see cref="Status"/>), or it answered with an unexpected status. Pages turn it into a friendly message,
/// never an error page.
/// </summary>
public sealed class ShopApiException(string service, int? status, ApiProblem problem, TimeSpan? retryAfter, Exception? inner = null)
    : Exception($"{service} answered {(status is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "nothing")}: {problem.Detail ?? problem.Title}", inner)
{
    public string Service { get; } = service;

    public int? Status { get; } = status;

    public ApiProblem Problem { get; } = problem;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The service is down, overloaded or shedding load: worth trying again shortly.</summary>
    public bool IsUnavailable => Status is null or >= 500 or 429;

    /// <summary>The shopper's token was refused: the session has to start again.</summary>
    public bool IsUnauthorized => Status == 401;
}

/// <summary>Sending and reading for the typed API clients.</summary>
internal static class ApiHttp
{
    /// <summary>Sends, turning transport failures, timeouts and an open circuit into <see cref="ShopApiException"/>.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string service, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransportFailure(e, cancellationToken))
        {
            var retryAfter = e is BrokenCircuitException { RetryAfter: { } wait } ? wait : (TimeSpan?)null;
            throw new ShopApiException(service, null, ApiProblem.Empty with { Detail = e.Message }, retryAfter, e);
        }
    }

    public static bool IsTransportFailure(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or BrokenCircuitException or TimeoutRejectedException or IsolatedCircuitException
        || (e is TaskCanceledException or OperationCanceledException && !cancellationToken.IsCancellationRequested);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, string service, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, service, cancellationToken).ConfigureAwait(false);
        }
        var value = await response.Content.ReadFromJsonAsync(type, cancellationToken).ConfigureAwait(false);
        return value ?? throw new ShopApiException(service, (int)response.StatusCode, ApiProblem.Empty with { Detail = "empty body" }, null);
    }

    public static async Task<ShopApiException> FailureAsync(HttpResponseMessage response, string service, CancellationToken cancellationToken) =>
        new(service, (int)response.StatusCode, await ReadProblemAsync(response, cancellationToken).ConfigureAwait(false), RetryAfter(response));

    public static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return text.Length > 0 && text.TrimStart().StartsWith('{')
                ? JsonSerializer.Deserialize(text, ShopJsonContext.Default.ApiProblem) ?? ApiProblem.Empty
                : ApiProblem.Empty;
        }
        catch (JsonException)
        {
            return ApiProblem.Empty;
        }
    }

    public static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    public static HttpRequestMessage Request(HttpMethod method, string uri, string? accessToken = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, uri) { Content = content };
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }
        return request;
    }

    public static bool IsNotFound(HttpResponseMessage response) => response.StatusCode == HttpStatusCode.NotFound;
}
