using System.Net;
using System.Text;

namespace Shop.Web.Components.Tests;

/// <summary>
/// A stand-in for basket-api and ordering-api: answers each request with what the test says (by method and path)
/// and keeps every request it got, with its body, for the test to check what was sent.
/// </summary>
public sealed class StubApi : HttpMessageHandler
{
    private readonly List<(string Method, string Path, Func<HttpRequestMessage, Task<HttpResponseMessage>> Answer)> _routes = [];

    public List<SentRequest> Requests { get; } = [];

    public StubApi On(string method, string path, Func<HttpRequestMessage, Task<HttpResponseMessage>> answer)
    {
        _routes.Insert(0, (method, path, answer)); // the latest rule for a route wins
        return this;
    }

    public StubApi On(string method, string path, int status, string? json = null, string contentType = "application/json", Action<HttpResponseMessage>? headers = null) =>
        On(method, path, _ =>
        {
            var response = Json(status, json, contentType);
            headers?.Invoke(response);
            return Task.FromResult(response);
        });

    public IEnumerable<SentRequest> To(string method, string path) => Requests.Where(r => r.Method == method && r.Path == path);

    public static HttpResponseMessage Json(int status, string? json, string contentType = "application/json") => new((HttpStatusCode)status)
    {
        Content = new StringContent(json ?? "", Encoding.UTF8, contentType),
    };

    public static HttpResponseMessage Problem(int status, string type, string? extra = null) =>
        Json(status, $$"""{"type":"{{type}}","status":{{status}},"detail":"refused"{{(extra is null ? "" : "," + extra)}}}""", "application/problem+json");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        lock (Requests)
        {
            Requests.Add(new SentRequest(request.Method.Method, path, body,
                request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null,
                request.Headers.Authorization?.Parameter));
        }
        foreach (var (method, route, answer) in _routes)
        {
            if (method == request.Method.Method && route == path)
            {
                return await answer(request);
            }
        }
        return Json(404, "");
    }
}

public sealed record SentRequest(string Method, string Path, string? Body, string? IdempotencyKey, string? Token);
