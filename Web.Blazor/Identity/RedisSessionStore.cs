using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using StackExchange.Redis;

namespace Shop.Web.Identity;

/// <summary>
/// The shoppers' sessions, server-side: the cookie holds only a session id, the ticket (claims and tokens) lives in
/// the gate's Redis, which never evicts and keeps its data across restarts (the <c>cache</c> Redis may drop a key at
/// any time, which would sign a shopper out mid-checkout). Signing out deletes the entry, so a copied cookie is
/// worth nothing afterwards. Keys: <c>storefront:session:{id}</c>, expiring with the session.
/// </summary>
public sealed class RedisSessionStore(IConnectionMultiplexer redis, TimeProvider time) : ITicketStore
{
    private const string KeyPrefix = "storefront:session:";

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        var id = Guid.NewGuid().ToString("N");
        await RenewAsync(id, ticket).ConfigureAwait(false);
        return id;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        // Every session has an end (ShopperSession.SignInAsync sets it), so no entry outlives its session.
        var expiry = (ticket.Properties.ExpiresUtc ?? time.GetUtcNow() + ShopperSession.MaxLifetime) - time.GetUtcNow();
        if (expiry <= TimeSpan.Zero)
        {
            await RemoveAsync(key).ConfigureAwait(false);
            return;
        }
        await redis.GetDatabase().StringSetAsync(KeyPrefix + key, TicketSerializer.Default.Serialize(ticket), new Expiration(expiry)).ConfigureAwait(false);
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var value = await redis.GetDatabase().StringGetAsync(KeyPrefix + key).ConfigureAwait(false);
        return value.IsNull ? null : TicketSerializer.Default.Deserialize((byte[])value!);
    }

    public Task RemoveAsync(string key) => redis.GetDatabase().KeyDeleteAsync(KeyPrefix + key);
}

/// <summary>Puts <see cref="RedisSessionStore"/> behind the session cookie.</summary>
internal sealed class SessionStoreSetup(RedisSessionStore store) : Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name == ShopperSession.Scheme)
        {
            options.SessionStore = store;
        }
    }
}
