using System.Net;
using System.Text.RegularExpressions;

namespace Shop.Testing;

/// <summary>
/// Signs a shopper in on the storefront the way a browser does, over plain HTTP: GET /signin for the form's
/// antiforgery token and cookie, POST the form, keep the session cookie it sets. Used by the tests of the storefront's
/// sessions and by the bench's storefront shoppers.
/// </summary>
public static partial class StorefrontSignIn
{
    /// <summary>The <c>Cookie</c> header value of the new session.</summary>
    /// <exception cref="InvalidOperationException">The form had no antiforgery token, or the sign-in set no session cookie.</exception>
    public static async Task<string> SessionCookieAsync(Uri storefront, string userName, string password, CancellationToken cancellationToken = default)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = storefront,
            Timeout = TimeSpan.FromSeconds(60),
        };
        using var page = await client.GetAsync("/signin", cancellationToken).ConfigureAwait(false);
        page.EnsureSuccessStatusCode();
        var html = await page.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var token = AntiforgeryField().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups["value"].Value)
            : throw new InvalidOperationException("The sign-in page has no antiforgery token.");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/signin")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "signin",
                ["__RequestVerificationToken"] = token,
                ["Input.UserName"] = userName,
                ["Input.Password"] = password,
                ["Input.ReturnUrl"] = "/",
            }),
        };
        post.Headers.TryAddWithoutValidation("Cookie", CookieHeader(page));
        using var answer = await client.SendAsync(post, cancellationToken).ConfigureAwait(false);
        var session = CookieHeader(answer);
        if (answer.StatusCode != HttpStatusCode.Redirect || !session.Contains("shop.session", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Signing {userName} in on the storefront answered {(int)answer.StatusCode} without a session cookie.");
        }
        return session;
    }

    /// <summary>The cookies a response sets, as a request's <c>Cookie</c> header (name=value; ...).</summary>
    private static string CookieHeader(HttpResponseMessage response) =>
        string.Join("; ", response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';', 2)[0]).Where(v => !v.EndsWith('=')) : []);

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*value="(?<value>[^"]+)"|value="(?<value>[^"]+)"[^>]*name="__RequestVerificationToken"\b""")]
    private static partial Regex AntiforgeryField();
}
