using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Shop.Hosting.Dashboard;

/// <summary>One file of the dashboard page, read once from the assembly's manifest resources.</summary>
internal sealed record EmbeddedAsset(string Path, string ContentType, byte[] Content, EntityTagHeaderValue ETag);

/// <summary>
/// The page, its stylesheet and its script travel inside Shop.Hosting.dll (Dashboard/wwwroot/** is embedded),
/// so the dashboard works from any AppHost's output folder without static files on disk.
/// </summary>
internal static class EmbeddedAssets
{
    // Manifest names are RootNamespace + path with '/' turned into '.': the folder is flat, so the rest of
    // the name is the file name.
    private const string Prefix = "Shop.Hosting.Dashboard.wwwroot.";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
    };

    public static IReadOnlyList<EmbeddedAsset> Load()
    {
        var assembly = typeof(EmbeddedAssets).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => Read(assembly, n))];
    }

    /// <summary>Maps each asset at <c>/{file}</c>, and index.html also at <c>/</c>.</summary>
    public static void MapEmbeddedAssets(this IEndpointRouteBuilder endpoints, IReadOnlyList<EmbeddedAsset> assets)
    {
        foreach (var asset in assets)
        {
            endpoints.MapGet(asset.Path, (HttpContext context) => Serve(context, asset)).ExcludeFromDescription();
            if (asset.Path == "/index.html")
            {
                endpoints.MapGet("/", (HttpContext context) => Serve(context, asset)).ExcludeFromDescription();
            }
        }
    }

    private static FileContentHttpResult Serve(HttpContext context, EmbeddedAsset asset)
    {
        var headers = context.Response.Headers;
        // Revalidate every time (a cheap 304 thanks to the ETag): a rebuilt AppHost must not show a stale script.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        if (asset.ContentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            // Everything the page needs comes from this server; nothing inline, nothing from elsewhere.
            headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'";
        }
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag);
    }

    private static EmbeddedAsset Read(Assembly assembly, string resourceName)
    {
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{resourceName}' is listed but cannot be opened.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        var file = resourceName[Prefix.Length..];
        var contentType = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexString(SHA256.HashData(content), 0, 8)}\"");
        return new EmbeddedAsset("/" + file, contentType, content, etag);
    }
}
