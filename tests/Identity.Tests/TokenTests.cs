using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Shop.ServiceDefaults.Identity;

namespace Shop.Identity.Tests;

/// <summary>POST /connect/token: who gets a token, what it says, and whom it is for.</summary>
[Collection(IdentityCollection.Name)]
public sealed class TokenTests(IdentityAppFixture fixture)
{
    [Theory]
    [InlineData("admin", IdentityAppFixture.AdminPassword, ShopRoles.Admin)]
    [InlineData("alice", IdentityAppFixture.ShopperPassword, ShopRoles.Shopper)]
    [InlineData("BOB", IdentityAppFixture.ShopperPassword, ShopRoles.Shopper)]
    public async Task Demo_users_get_an_access_token_with_their_role_checked_with_the_apis_own_key(string userName, string password, string role)
    {
        using var response = await fixture.SignInAsync(userName, password);
        var body = await IdentityAppFixture.ReadJsonAsync(response, HttpStatusCode.OK);

        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.False(body.TryGetProperty("refresh_token", out _), "shop-cli gets no session");
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(body.GetProperty("access_token").GetString(), IdentityAppFixture.ApiValidation(ShopAudiences.OrderingApi));

        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal(userName.ToLowerInvariant(), token.GetClaim("name").Value.ToLowerInvariant());
        Assert.Equal(role, token.GetClaim("role").Value);
        Assert.True(Guid.TryParse(token.Subject, out _));
    }

    [Theory]
    [InlineData(ShopAudiences.CatalogApi)]
    [InlineData(ShopAudiences.BasketApi)]
    [InlineData(ShopAudiences.OrderingApi)]
    public async Task Each_apis_token_names_only_that_api_and_is_signed_with_its_key_and_no_other(string audience)
    {
        using var response = await fixture.SignInAsync("alice", IdentityAppFixture.ShopperPassword, scope: ShopAudiences.ScopeOf(audience));
        var accessToken = (await IdentityAppFixture.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("access_token").GetString();

        var token = new JsonWebToken(accessToken);
        Assert.Equal([audience], token.Audiences);
        Assert.Equal(SecurityAlgorithms.HmacSha256, token.Alg);
        Assert.True((await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, IdentityAppFixture.ApiValidation(audience))).IsValid);
        foreach (var other in ShopAudiences.All.Where(a => a != audience))
        {
            // Checked with another API's key (and that API's audience set aside): the signature alone fails.
            var withOtherKey = IdentityAppFixture.ApiValidation(audience, keyOf: other);
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, withOtherKey);
            Assert.False(result.IsValid, $"{audience}'s token passed with {other}'s key");
            Assert.IsAssignableFrom<SecurityTokenInvalidSignatureException>(result.Exception);
        }
    }

    [Fact]
    public async Task A_request_granted_several_apis_gets_the_token_of_the_resource_it_names_and_must_name_one()
    {
        const string CatalogAndBasket = "catalog basket";
        using var named = await fixture.SignInAsync("alice", IdentityAppFixture.ShopperPassword, scope: CatalogAndBasket, resource: ShopAudiences.ResourceOf(ShopAudiences.BasketApi));
        using var unnamed = await fixture.SignInAsync("alice", IdentityAppFixture.ShopperPassword, scope: CatalogAndBasket);
        using var notGranted = await fixture.SignInAsync("alice", IdentityAppFixture.ShopperPassword, scope: CatalogAndBasket, resource: ShopAudiences.ResourceOf(ShopAudiences.OrderingApi));
        using var unknown = await fixture.SignInAsync("alice", IdentityAppFixture.ShopperPassword, scope: CatalogAndBasket, resource: "urn:shop:payments-api");

        var token = new JsonWebToken((await IdentityAppFixture.ReadJsonAsync(named, HttpStatusCode.OK)).GetProperty("access_token").GetString());
        Assert.Equal([ShopAudiences.BasketApi], token.Audiences);
        var mustName = await IdentityAppFixture.ReadJsonAsync(unnamed, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_target", mustName.GetProperty("error").GetString());
        Assert.Contains("urn:shop:ordering-api", mustName.GetProperty("error_description").GetString());
        var refused = await IdentityAppFixture.ReadJsonAsync(notGranted, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_target", refused.GetProperty("error").GetString());
        Assert.Contains("'ordering'", refused.GetProperty("error_description").GetString());
        Assert.Equal("invalid_target", (await IdentityAppFixture.ReadJsonAsync(unknown, HttpStatusCode.BadRequest)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_invalid_grant()
    {
        using var wrongPassword = await fixture.SignInAsync("alice", "not-her-password");
        using var unknownUser = await fixture.SignInAsync("mallory", "whatever-it-is");

        var first = await IdentityAppFixture.ReadJsonAsync(wrongPassword, HttpStatusCode.BadRequest);
        var second = await IdentityAppFixture.ReadJsonAsync(unknownUser, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", first.GetProperty("error").GetString());
        Assert.Equal(first.GetProperty("error_description").GetString(), second.GetProperty("error_description").GetString());
    }

    [Theory]
    [InlineData("grant_type=password&client_id=shop-cli&username=alice")]
    [InlineData("grant_type=password&client_id=shop-cli&password=x")]
    [InlineData("grant_type=password&username=alice&password=x")]
    [InlineData("grant_type=password&client_id=nobody&username=alice&password=x")]
    [InlineData("grant_type=client_credentials&client_id=shop-cli")]
    [InlineData("grant_type=password&client_id=storefront&username=alice&password=Pass%40word1")]
    [InlineData("grant_type=password&client_id=shop-cli&username=alice&password=Pass%40word1&scope=everything")]
    public async Task Malformed_or_unauthorized_requests_get_an_oauth_error_and_no_token(string form)
    {
        using var http = new HttpClient { BaseAddress = fixture.Replicas[0] };
        using var response = await http.PostAsync("/connect/token", new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode is 400 or 401, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("\"error\"", body);
        Assert.DoesNotContain("access_token", body);
    }

    [Fact]
    public async Task An_access_token_stops_being_valid_when_its_short_lifetime_ends()
    {
        using var response = await fixture.SignInAsync("bob", IdentityAppFixture.ShopperPassword);
        var accessToken = (await IdentityAppFixture.ReadJsonAsync(response, HttpStatusCode.OK)).GetProperty("access_token").GetString();
        var parameters = IdentityAppFixture.ApiValidation(ShopAudiences.OrderingApi);
        var token = new JsonWebToken(accessToken);

        Assert.Equal(IdentityAppFixture.AccessTokenLifetime, token.ValidTo - token.IssuedAt);
        Assert.True((await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, parameters)).IsValid);
        await Task.Delay(token.ValidTo - DateTime.UtcNow + TimeSpan.FromSeconds(1));
        var expired = await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, parameters);
        Assert.IsType<SecurityTokenExpiredException>(expired.Exception);
    }
}
