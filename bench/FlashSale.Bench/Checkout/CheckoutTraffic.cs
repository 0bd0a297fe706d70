using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;

namespace Shop.Bench.Checkout;

/// <summary>What one checkout request came back as, for the audit.</summary>
public enum CheckoutAnswerKind : byte
{
    /// <summary>Not sent (a generator overrun) or not answered yet.</summary>
    None,

    /// <summary>202 with an order id.</summary>
    Accepted,

    /// <summary>409 urn:shop:problem:insufficient-stock.</summary>
    Refused,

    /// <summary>429: shed by admission, no decision.</summary>
    Shed,

    /// <summary>Any other status, or no answer.</summary>
    Error,
}

/// <summary>One request's answer: which attempt it sent, and the order id of a 202.</summary>
public readonly record struct CheckoutAnswer(long Request, int Attempt, CheckoutAnswerKind Kind, Guid OrderId);

/// <summary>
/// The checkout requests of one run: request i sends <see cref="BasketPlan.AttemptOf"/>(i) — its buyer's token,
/// its key, its body — to the API's replicas alternately (addressed directly, like the buy traffic), and keeps
/// every answer per request for the audit.
/// </summary>
public sealed class CheckoutTraffic
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly LoadHttpClient _http;
    private readonly Uri[] _targets;
    private readonly BasketPlan _plan;
    private readonly BuyerPool _buyers;
    private readonly CheckoutAnswerKind[] _kinds;
    private readonly Guid[] _orders;
    private long _lastAccepted;

    public CheckoutTraffic(LoadHttpClient http, IReadOnlyList<Uri> servers, BasketPlan plan, BuyerPool buyers)
    {
        _http = http;
        _targets = [.. servers.Select(s => new Uri(s, "/api/orders"))];
        _plan = plan;
        _buyers = buyers;
        _kinds = new CheckoutAnswerKind[plan.Requests];
        _orders = new Guid[plan.Requests];
    }

    /// <summary>Answers that were neither a decision nor a 429, by status code and problem type (0: no answer).</summary>
    public ConcurrentDictionary<string, long> Errors { get; } = new();

    /// <summary>Stopwatch timestamp of the last 202 (0 if none).</summary>
    public long LastAcceptedTimestamp => Interlocked.Read(ref _lastAccepted);

    /// <summary>Every request that got an answer, with its attempt.</summary>
    public IReadOnlyList<CheckoutAnswer> Answers()
    {
        var answers = new List<CheckoutAnswer>();
        for (var i = 0L; i < _kinds.Length; i++)
        {
            if (_kinds[i] != CheckoutAnswerKind.None)
            {
                answers.Add(new CheckoutAnswer(i, _plan.AttemptOf(i).Index, _kinds[i], _orders[i]));
            }
        }
        return answers;
    }

    public async ValueTask<Outcome> SendAsync(long index, CancellationToken cancellationToken)
    {
        var attempt = _plan.AttemptOf(index);
        using var request = new HttpRequestMessage(HttpMethod.Post, _targets[index % _targets.Length]);
        request.Headers.TryAddWithoutValidation(_buyers.CredentialHeader, _buyers.Credentials(attempt.Buyer));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", attempt.Key);
        request.Content = new ByteArrayContent(attempt.Body);
        request.Content.Headers.ContentType = Json;
        var buffer = ArrayPool<byte>.Shared.Rent(1024);
        try
        {
            int status, length;
            try
            {
                (status, length) = await _http.SendAsync(request, buffer.AsMemory(0, 1024), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                Errors.AddOrUpdate(e is OperationCanceledException ? "no answer (cancelled at drain timeout)" : e.GetType().Name, 1, (_, n) => n + 1);
                _kinds[index] = CheckoutAnswerKind.Error;
                return Outcome.Error;
            }
            return Classify(index, status, buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Outcome Classify(long index, int status, ReadOnlySpan<byte> body)
    {
        switch (status)
        {
            case 202 when AnswerBody.TryReadOrderId(body, out var orderId):
                _orders[index] = orderId;
                _kinds[index] = CheckoutAnswerKind.Accepted;
                var now = Stopwatch.GetTimestamp();
                var last = Interlocked.Read(ref _lastAccepted);
                while (now > last)
                {
                    var seen = Interlocked.CompareExchange(ref _lastAccepted, now, last);
                    if (seen == last)
                    {
                        break;
                    }
                    last = seen;
                }
                return Outcome.Reserved;
            case 409 when body.IndexOf(ProblemTypeBytes.InsufficientStock) >= 0:
                _kinds[index] = CheckoutAnswerKind.Refused;
                return Outcome.Refused;
            case 429:
                _kinds[index] = CheckoutAnswerKind.Shed;
                return Outcome.Shed;
            default:
                var type = AnswerBody.ProblemType(body);
                Errors.AddOrUpdate(type is null ? $"{status}" : $"{status} {type}", 1, (_, n) => n + 1);
                _kinds[index] = CheckoutAnswerKind.Error;
                return Outcome.Error;
        }
    }
}
