using Shop.ServiceDefaults.Identity;

using Shop.Testing.Tokens;

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
    private readonly string[] _credentials;
    private readonly int[] _arrival;

    private BuyerPool(string[] ids, string credentialHeader, string[] credentials, int[] arrival) =>
        (_ids, CredentialHeader, _credentials, _arrival) = (ids, credentialHeader, credentials, arrival);

    public int Count => _ids.Length;

    /// <summary>The header that says who the buyer is: <c>Authorization</c> for the APIs, <c>Cookie</c> for the storefront.</summary>
    public string CredentialHeader { get; }

    public static BuyerPool Create(int count, string signingKey, string prefix = "bench-buyer", int seed = 6)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var ids = new string[count];
        var authorization = new string[count];
        Parallel.For(0, count, () => new TestTokenIssuer(signingKey), (i, _, issuer) =>
        {
            ids[i] = $"{prefix}-{i}";
            authorization[i] = "Bearer " + issuer.Issue(ids[i], ids[i], [ShopRoles.Shopper]).AccessToken;
            return issuer;
        }, _ => { });
        return new BuyerPool(ids, "Authorization", authorization, Arrival(count, seed));
    }

    /// <summary>Shoppers signed in on the storefront: their session cookies (<c>Cookie</c> header values).</summary>
    public static BuyerPool FromSessions(IReadOnlyList<string> ids, IReadOnlyList<string> cookies, int seed = 6) =>
        new([.. ids], "Cookie", [.. cookies], Arrival(ids.Count, seed));

    /// <summary>The same shoppers with access tokens minted for their user names, for the same buys on the API.</summary>
    public BuyerPool WithTokens(string signingKey)
    {
        var issuer = new TestTokenIssuer(signingKey);
        return new BuyerPool(_ids, "Authorization", [.. _ids.Select(id => "Bearer " + issuer.Issue(id, id, [ShopRoles.Shopper]).AccessToken)], _arrival);
    }

    private static int[] Arrival(int count, int seed)
    {
        var arrival = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(arrival);
        return arrival;
    }

    public int BuyerOf(long requestIndex) => _arrival[requestIndex % _arrival.Length];

    public string Id(int buyer) => _ids[buyer];

    /// <summary>The <see cref="CredentialHeader"/> value: <c>Bearer {token}</c> or the session cookie.</summary>
    public string Credentials(int buyer) => _credentials[buyer];
}
