using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.Web.Services;

/// <summary>
/// The calls that place orders — a flash-sale buy (<c>POST /api/flash-sales/{id}/orders</c>) and a basket checkout
/// (<c>POST /api/orders</c>) — on a client of their own, so that their answers under a crowd (429 shed, 409 sold
/// out) never open the circuit of the client that reads stock and orders. The standard handler would also retry
/// a 429 after its Retry-After while the shopper waits, multiplying load exactly when the API sheds it: so this
/// client's pipeline has no retries (Program.cs), and only a failure to reach a replica is sent again here, at
/// once and with the same Idempotency-Key (the next replica answers it; a repeated key never orders twice).
/// Shedding answers go straight back to the shopper with their Retry-After.
/// </summary>
public sealed class OrderingBuyClient(HttpClient httpClient)
{
    public const string ClientName = "ordering-buy";
    private const string Service = "ordering-api";
    private const int Attempts = 3;

    public HttpClient HttpClient { get; } = httpClient;

    public Task<HttpResponseMessage> BuyAsync(string accessToken, Guid saleId, string idempotencyKey, int quantity, CancellationToken cancellationToken = default) =>
        SendAsync(() => ApiHttp.Request(HttpMethod.Post, $"/api/flash-sales/{saleId}/orders", accessToken,
            JsonContent.Create(new Bff.BuyRequest(quantity), ShopJsonContext.Default.BuyRequest)), idempotencyKey, cancellationToken);

    /// <summary>
    /// Checks out <paramref name="items"/> as one attempt: the order (202), or the refusal with its problem
    /// (the short lines of a 409, the unknown ones of a 422) and Retry-After. Status 0: ordering-api could not be
    /// reached, and the same attempt (the same key) may be sent again.
    /// </summary>
    public async Task<CheckoutAnswer> CheckoutAsync(string accessToken, string idempotencyKey, IReadOnlyList<CheckoutItem> items, CancellationToken cancellationToken = default)
    {
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(() => ApiHttp.Request(HttpMethod.Post, "/api/orders", accessToken,
                JsonContent.Create(new CheckoutRequest(items), ShopJsonContext.Default.CheckoutRequest)), idempotencyKey, cancellationToken).ConfigureAwait(false);
        }
        catch (ShopApiException e)
        {
            return new CheckoutAnswer(0, null, null, e.RetryAfter);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var retryAfter = ApiHttp.RetryAfter(response);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return response.IsSuccessStatusCode
                    ? new CheckoutAnswer(status, JsonSerializer.Deserialize(text, ShopJsonContext.Default.OrderAccepted), null, retryAfter)
                    : new CheckoutAnswer(status, null, text.TrimStart().StartsWith('{') ? JsonSerializer.Deserialize(text, ShopJsonContext.Default.CheckoutProblem) : null, retryAfter);
            }
            catch (JsonException)
            {
                // A body that is not the contract's (a proxy's error page): the status still says what happened.
                return new CheckoutAnswer(status, null, null, retryAfter);
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> build, string idempotencyKey, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = build();
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
            try
            {
                return await ApiHttp.SendAsync(HttpClient, Service, request, cancellationToken).ConfigureAwait(false);
            }
            catch (ShopApiException e) when (attempt < Attempts && e.InnerException is HttpRequestException)
            {
                // Connection refused or reset: a replica is down or restarting. Same key, next replica.
            }
        }
    }
}

/// <summary>What ordering-api answered a checkout: <see cref="Status"/> 0 when it could not be reached.</summary>
public sealed record CheckoutAnswer(int Status, OrderAccepted? Accepted, CheckoutProblem? Problem, TimeSpan? RetryAfter);
