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
    public async Task Demo_users_get_an_RS256_access_token_with_their_role_for_every_api_checked_with_the_published_key(string userName, string password, string role)
    {
        using var response = await fixture.SignInAsync(userName, password);
        var body = await IdentityAppFixture.ReadJsonAsync(response, HttpStatusCode.OK);

        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.False(body.TryGetProperty("refresh_token", out _), "shop-cli gets no session");
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(body.GetProperty("access_token").GetString(), new TokenValidationParameters
        {
            ValidIssuer = "http://identity-api/",
            ValidAudiences = ShopAudiences.All,
            IssuerSigningKeys = await fixture.PublishedKeysAsync(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.Equal(userName.ToLowerInvariant(), token.GetClaim("name").Value.ToLowerInvariant());
        Assert.Equal(role, token.GetClaim("role").Value);
        Assert.True(Guid.TryParse(token.Subject, out _));
        Assert.Equal(ShopAudiences.All.Order(), token.Audiences.Order());
    }

    [Fact]
    public async Task A_token_asked_for_one_api_names_only_that_api()
    {
        using var response = await fixture.SignInAsync("alice", IdentityAppFixture.ShopperPassword, scope: ShopAudiences.CatalogScope);
        var body = await IdentityAppFixture.ReadJsonAsync(response, HttpStatusCode.OK);

        var token = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal([ShopAudiences.CatalogApi], token.Audiences);
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
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = "http://identity-api/",
            ValidAudience = ShopAudiences.OrderingApi,
            IssuerSigningKeys = await fixture.PublishedKeysAsync(),
            ClockSkew = TimeSpan.Zero,
        };
        var token = new JsonWebToken(accessToken);

        Assert.Equal(IdentityAppFixture.AccessTokenLifetime, token.ValidTo - token.IssuedAt);
        Assert.True((await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, parameters)).IsValid);
        await Task.Delay(token.ValidTo - DateTime.UtcNow + TimeSpan.FromSeconds(1));
        var expired = await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, parameters);
        Assert.IsType<SecurityTokenExpiredException>(expired.Exception);
    }
}
