using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.Testing;

/// <summary>
/// Signs a user in at identity-api as a programmatic client does (README, "Getting a token"): the password grant of
/// the public client <c>shop-cli</c>; the access token it gets is for every API unless <paramref name="scope"/> narrows it.
/// </summary>
public static class IdentitySignIn
{
    public static async Task<string> AccessTokenAsync(Uri identityApi, string userName, string password, string? scope = null)
    {
        using var http = new HttpClient { BaseAddress = identityApi };
        var form = new Dictionary<string, string> { ["grant_type"] = "password", ["client_id"] = "shop-cli", ["username"] = userName, ["password"] = password };
        if (scope is not null)
        {
            form["scope"] = scope;
        }
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Signing {userName} in at identity-api answered {(int)response.StatusCode}: {body}");
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }
}
