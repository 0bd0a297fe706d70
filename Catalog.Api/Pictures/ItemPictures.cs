using System.Globalization;
using System.Security;
using System.Text;
using Shop.Catalog.Api.Apis.Contracts;

namespace Shop.Catalog.Api.Pictures;

/// <summary>
/// Item pictures, drawn as SVG from the item itself (nothing is fetched or stored): a colour of its category, a
/// pattern that depends on its id, its name. The URL carries a version (the item's last change), so a picture can
/// be cached for a year and a renamed item still shows its new name.
/// </summary>
public static class ItemPictures
{
    public const string ContentType = "image/svg+xml";

    private static readonly string[] Palette =
    [
        "#2a6f97", "#c2553d", "#3d8b5a", "#8e5ea2", "#d08c1f", "#4b5d8a", "#b8466e", "#3f8f8f", "#7a6a4f", "#5a7d2a",
    ];

    public static string Url(int itemId, DateTimeOffset updatedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"/api/catalog/items/{itemId}/pic?v={Version(updatedAt)}");

    public static string Version(DateTimeOffset updatedAt) =>
        updatedAt.ToUnixTimeMilliseconds().ToString("x", CultureInfo.InvariantCulture);

    public static string Render(CatalogItemResponse item)
    {
        var baseColor = Palette[item.CategoryId % Palette.Length];
        var accent = Palette[(item.CategoryId + 3) % Palette.Length];
        var random = new Random(item.Id); // deterministic per item
        var svg = new StringBuilder(2048);
        svg.Append(CultureInfo.InvariantCulture, $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="{Escape(item.Name)}">
            <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{baseColor}"/><stop offset="1" stop-color="{accent}"/></linearGradient></defs>
            <rect width="400" height="400" fill="url(#g)"/>
            """);
        for (var i = 0; i < 6; i++)
        {
            var x = random.Next(0, 400);
            var y = random.Next(0, 260);
            var r = random.Next(20, 90);
            var opacity = 0.08 + (random.NextDouble() * 0.17);
            svg.Append(CultureInfo.InvariantCulture, $"""<circle cx="{x}" cy="{y}" r="{r}" fill="#ffffff" fill-opacity="{opacity:0.00}"/>""");
        }
        svg.Append("""<rect x="0" y="290" width="400" height="110" fill="#000000" fill-opacity="0.35"/>""");
        var lines = Wrap(item.Name, 24, 2);
        for (var i = 0; i < lines.Count; i++)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"""<text x="200" y="{330 + (i * 30)}" font-family="Helvetica, Arial, sans-serif" font-size="24" font-weight="600" fill="#ffffff" text-anchor="middle">{Escape(lines[i])}</text>""");
        }
        svg.Append(CultureInfo.InvariantCulture,
            $"""<text x="200" y="150" font-family="Helvetica, Arial, sans-serif" font-size="28" fill="#ffffff" fill-opacity="0.85" text-anchor="middle">{Escape(item.CategoryName)}</text>""");
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";

    private static List<string> Wrap(string text, int width, int maxLines)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.Length > 0 && current.Length + 1 + word.Length > width)
            {
                lines.Add(current.ToString());
                current.Clear();
            }
            if (current.Length > 0)
            {
                current.Append(' ');
            }
            current.Append(word);
        }
        if (current.Length > 0)
        {
            lines.Add(current.ToString());
        }
        if (lines.Count > maxLines)
        {
            lines = lines[..maxLines];
            lines[^1] = lines[^1].Length > width - 1 ? lines[^1][..(width - 1)] + "…" : lines[^1] + "…";
        }
        return lines;
    }
}
