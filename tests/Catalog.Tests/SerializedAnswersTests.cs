using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Shop.Catalog.Api.Apis.Contracts;
using Shop.Catalog.Api.Caching;
using Shop.Catalog.Api.Infrastructure;
using Shop.Catalog.Api.Stock;

namespace Shop.Catalog.Tests;

/// <summary>
/// The catalog's answers kept as JSON: serialized again exactly when the cached value or Ordering's figures change,
/// and byte for byte what the API's JSON options write for the same object. No servers: pure logic.
/// </summary>
public sealed class SerializedAnswersTests
{
    private readonly JsonOptions _json = ApiJsonOptions();
    private readonly SerializedAnswers _answers;
    private readonly ItemStockSnapshot _snapshot = new();

    public SerializedAnswersTests() => _answers = new SerializedAnswers(Options.Create(_json));

    private static JsonOptions ApiJsonOptions()
    {
        var options = new JsonOptions();
        options.SerializerOptions.TypeInfoResolverChain.Insert(0, CatalogJsonContext.Default);
        return options;
    }

    private static CatalogItemResponse Item(int id, int stock) => new(id, $"Item {id}", "", 1m, 1, "Books", stock, $"/api/catalog/items/{id}/pic?v=1");

    private byte[] PageJson(CatalogItemsPage cached) => _answers.Json(cached, _snapshot.Current, static (page, figures) => figures.Overlay(page));

    [Fact]
    public void The_same_cached_page_and_figures_give_the_same_bytes_without_serializing_again()
    {
        var cached = new CatalogItemsPage(0, 10, 2, [Item(1, 7), Item(2, 3)]);
        _snapshot.Replace([new ItemStockLevel(1, 5)]);

        var first = PageJson(cached);
        Assert.Same(first, PageJson(cached));

        // The figures are reported again unchanged: the same set, so still the same bytes.
        var figures = _snapshot.Current;
        _snapshot.Replace([new ItemStockLevel(1, 5)]);
        Assert.Same(figures, _snapshot.Current);
        Assert.Same(first, PageJson(cached));

        // And they are the bytes the API's own JSON options write for the page with the figure over it.
        Assert.Equal(JsonSerializer.Serialize(cached with { Data = [Item(1, 5), Item(2, 3)] }, _json.SerializerOptions),
            System.Text.Encoding.UTF8.GetString(first));
    }

    [Fact]
    public void A_changed_figure_or_another_cached_value_is_serialized_again()
    {
        var cached = new CatalogItemsPage(0, 10, 1, [Item(1, 7)]);
        _snapshot.Replace([new ItemStockLevel(1, 5)]);
        var before = PageJson(cached);

        _snapshot.Replace([new ItemStockLevel(1, 4)]);
        var after = PageJson(cached);
        Assert.NotSame(before, after);
        Assert.Equal(4, JsonDocument.Parse(after).RootElement.GetProperty("data")[0].GetProperty("availableStock").GetInt32());

        // The read cache reloaded the page (a new instance, here with a new name): its own JSON, not the old page's.
        var reloaded = cached with { Data = [Item(1, 7) with { Name = "Renamed" }] };
        var json = PageJson(reloaded);
        Assert.Equal("Renamed", JsonDocument.Parse(json).RootElement.GetProperty("data")[0].GetProperty("name").GetString());
        Assert.Same(after, PageJson(cached));
    }
}
