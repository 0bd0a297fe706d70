using System.Text.Json;

namespace Shop.Basket.Tests;

internal static class Problems
{
    /// <summary>A problem+json whose status matches the response's, with the type (if given) and a detail containing <paramref name="detail"/>.</summary>
    public static async Task AssertAsync(HttpResponseMessage response, string? type, string detail)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        if (type is not null)
        {
            Assert.Equal(type, problem.GetProperty("type").GetString());
        }
    }
}
