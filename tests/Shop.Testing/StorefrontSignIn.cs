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
        var signIn = await SignInAsync(storefront, userName, password, headers: null, cancellationToken).ConfigureAwait(false);
        var session = CookieHeader(signIn.SessionSetCookies);
        if (signIn.Status != HttpStatusCode.Redirect || !session.Contains("shop.session", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Signing {userName} in on the storefront answered {(int)signIn.Status} without a session cookie.");
        }
        return session;
    }

    /// <summary>What a sign-in's two requests were answered: every <c>Set-Cookie</c> of the form page and of the post.</summary>
    public sealed record Answers(HttpStatusCode Status, IReadOnlyList<string> PageSetCookies, IReadOnlyList<string> SessionSetCookies);

    /// <summary>The sign-in, each request also carrying <paramref name="headers"/> (e.g. what an ingress forwards).</summary>
    public static async Task<Answers> SignInAsync(Uri storefront, string userName, string password, IReadOnlyDictionary<string, string>? headers, CancellationToken cancellationToken = default)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = storefront,
            Timeout = TimeSpan.FromSeconds(60),
        };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }
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
        post.Headers.TryAddWithoutValidation("Cookie", CookieHeader(SetCookies(page)));
        using var answer = await client.SendAsync(post, cancellationToken).ConfigureAwait(false);
        return new Answers(answer.StatusCode, SetCookies(page), SetCookies(answer));
    }

    private static IReadOnlyList<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? [.. values] : [];

    /// <summary>The cookies <paramref name="setCookies"/> set, as a request's <c>Cookie</c> header (name=value; ...).</summary>
    private static string CookieHeader(IEnumerable<string> setCookies) =>
        string.Join("; ", setCookies.Select(v => v.Split(';', 2)[0]).Where(v => !v.EndsWith('=')));

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*value="(?<value>[^"]+)"|value="(?<value>[^"]+)"[^>]*name="__RequestVerificationToken"\b""")]
    private static partial Regex AntiforgeryField();
}
