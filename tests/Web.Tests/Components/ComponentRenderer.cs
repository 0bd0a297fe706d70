using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Shop.Web.Tests.Components;

/// <summary>
/// Renders a Razor component to HTML with ASP.NET Core's own <see cref="HtmlRenderer"/> (the renderer static
/// server-side rendering uses) and parses the result with AngleSharp, for assertions on the markup. bUnit would
/// be the usual tool; it does not restore from this machine's feed, or fails on .NET 10 (docs/storefront.md).
/// </summary>
public static class ComponentRenderer
{
    private static readonly HtmlParser Parser = new();

    public static async Task<IDocument> RenderAsync<TComponent>(Dictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        await using var renderer = new HtmlRenderer(services, NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
            return output.ToHtmlString();
        });
        return await Parser.ParseDocumentAsync($"<!DOCTYPE html><html><body>{html}</body></html>");
    }
}
