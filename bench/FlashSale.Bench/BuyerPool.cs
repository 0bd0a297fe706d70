using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Identity;

namespace Shop.Bench;

/// <summary>
/// Distinct buyers, each with their own access token minted with the AppHost's signing key (as Shop's sign-in
/// does), in a fixed shuffled order of arrival: request i comes from buyer <c>Arrival[i mod count]</c>, so the
/// first <c>count</c> requests of a run come from <c>count</c> different buyers, and later ones are the same
/// buyers trying again.
/// </summary>
public sealed class BuyerPool
{
    private readonly string[] _ids;
    private readonly string[] _authorization;
    private readonly int[] _arrival;

    private BuyerPool(string[] ids, string[] authorization, int[] arrival) => (_ids, _authorization, _arrival) = (ids, authorization, arrival);

    public int Count => _ids.Length;

    public static BuyerPool Create(int count, string signingKey, string prefix = "bench-buyer", int seed = 6)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var ids = new string[count];
        var authorization = new string[count];
        var options = Options.Create(new ShopTokenOptions { SigningKey = signingKey });
        Parallel.For(0, count, () => new ShopTokenIssuer(options, TimeProvider.System), (i, _, issuer) =>
        {
            ids[i] = $"{prefix}-{i}";
            authorization[i] = "Bearer " + issuer.Issue(ids[i], ids[i], [ShopRoles.Shopper]).AccessToken;
            return issuer;
        }, _ => { });
        var arrival = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(arrival);
        return new BuyerPool(ids, authorization, arrival);
    }

    public int BuyerOf(long requestIndex) => _arrival[requestIndex % _arrival.Length];

    public string Id(int buyer) => _ids[buyer];

    /// <summary>The Authorization header value: <c>Bearer {token}</c>.</summary>
    public string Authorization(int buyer) => _authorization[buyer];
}
