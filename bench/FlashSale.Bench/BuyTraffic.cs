using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;

namespace Shop.Bench;

/// <summary>
/// The buy requests of one run: request i is buyer <see cref="BuyerPool.BuyerOf"/>(i) asking for
/// <see cref="Quantity"/> unit(s) with the key <c>{KeyPrefix}-{i}</c>, sent round-robin to the servers (the
/// API's replicas, addressed directly: a keep-alive connection through the L4 proxy would stick to one). It
/// classifies each answer, and remembers every accepted order id per request for the audit.
/// </summary>
public sealed class BuyTraffic
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly LoadHttpClient _http;
    private readonly Uri[] _targets;
    private readonly BuyerPool _buyers;
    private readonly byte[] _body;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;
    private readonly Guid[] _orders;
    private long _lastReserved;
    private long _reservedUnits;

    /// <param name="headers">Sent with every request besides the buyer's credentials (the storefront's client header).</param>
    public BuyTraffic(LoadHttpClient http, IReadOnlyList<Uri> servers, string path, BuyerPool buyers, string keyPrefix, long requests, int quantity = 1,
        IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        _headers = headers ?? [];
        _http = http;
        _targets = [.. servers.Select(s => new Uri(s, path))];
        _buyers = buyers;
        KeyPrefix = keyPrefix;
        Quantity = quantity;
        _body = System.Text.Encoding.UTF8.GetBytes($"{{\"quantity\":{quantity}}}");
        _orders = new Guid[requests];
    }

    public string KeyPrefix { get; }

    public int Quantity { get; }

    public BuyerPool Buyers => _buyers;

    /// <summary>Answers that were neither a buy decision nor a 429, by status code (0: no answer).</summary>
    public ConcurrentDictionary<string, long> Errors { get; } = new();

    /// <summary>Units reserved according to the answers (each 202 counts its quantity).</summary>
    public long ReservedUnits => Interlocked.Read(ref _reservedUnits);

    /// <summary>Stopwatch timestamp of the last 202 (0 if none).</summary>
    public long LastReservedTimestamp => Interlocked.Read(ref _lastReserved);

    /// <summary>Every accepted answer: the request, its buyer and key, and the order id that came back.</summary>
    public IEnumerable<AcceptedOrder> Accepted()
    {
        for (var i = 0L; i < _orders.Length; i++)
        {
            if (_orders[i] != Guid.Empty)
            {
                var buyer = _buyers.BuyerOf(i);
                yield return new AcceptedOrder(i, _orders[i], _buyers.Id(buyer), $"{KeyPrefix}-{i}", Quantity);
            }
        }
    }

    public async ValueTask<Outcome> SendAsync(long index, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _targets[index % _targets.Length]);
        request.Headers.TryAddWithoutValidation(_buyers.CredentialHeader, _buyers.Credentials(_buyers.BuyerOf(index)));
        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        request.Headers.TryAddWithoutValidation("Idempotency-Key", $"{KeyPrefix}-{index}");
        request.Content = new ByteArrayContent(_body);
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
                Interlocked.Add(ref _reservedUnits, Quantity);
                var now = Stopwatch.GetTimestamp();
                var last = Interlocked.Read(ref _lastReserved);
                while (now > last)
                {
                    var seen = Interlocked.CompareExchange(ref _lastReserved, now, last);
                    if (seen == last)
                    {
                        break;
                    }
                    last = seen;
                }
                return Outcome.Reserved;
            case 409 when body.IndexOf(ProblemTypeBytes.SoldOut) >= 0:
                return Outcome.SoldOut;
            case 409 when body.IndexOf(ProblemTypeBytes.OverLimit) >= 0:
                return Outcome.OverLimit;
            case 429:
                return Outcome.Shed;
            default:
                var type = AnswerBody.ProblemType(body);
                Errors.AddOrUpdate(type is null ? $"{status}" : $"{status} {type}", 1, (_, n) => n + 1);
                return Outcome.Error;
        }
    }
}

/// <summary>An accepted buy as the generator saw it.</summary>
public sealed record AcceptedOrder(long Request, Guid OrderId, string BuyerId, string IdempotencyKey, int Quantity);
