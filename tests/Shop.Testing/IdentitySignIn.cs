using System.Net.Http.Json;
using System.Text.Json;
using Shop.ServiceDefaults.Identity;

namespace Shop.Testing;

/// <summary>
/// Signs a user in at identity-api as a programmatic client does (README, "Getting a token"): the password grant of
/// the public client <c>shop-cli</c>, asking for one API's scope: the access token is for that API (<paramref name="api"/>,
/// an audience of <see cref="ShopAudiences"/>) and no other, as each API's tokens are signed with its own key.
/// </summary>
public static class IdentitySignIn
{
    public static async Task<string> AccessTokenAsync(Uri identityApi, string userName, string password, string api)
    {
        using var http = new HttpClient { BaseAddress = identityApi };
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["client_id"] = "shop-cli", ["username"] = userName, ["password"] = password, ["scope"] = ShopAudiences.ScopeOf(api),
        };
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Signing {userName} in at identity-api answered {(int)response.StatusCode}: {body}");
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }
}
