using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Basket.Api.Catalog;

namespace Shop.Basket.Api.Apis;

/// <summary>The body of <c>PUT /api/basket/items/{itemId}</c>.</summary>
public sealed record SetQuantityRequest(int Quantity);

/// <summary>One line: the item as the catalog shows it now. <see cref="Available"/> is false for an item the catalog no longer has.</summary>
public sealed record BasketLine(int ItemId, string? Name, decimal? UnitPrice, int Quantity, decimal? LineTotal, string? PictureUrl, bool Available);

/// <summary>The buyer's basket; the totals count only available lines.</summary>
public sealed record BasketView(IReadOnlyList<BasketLine> Items, int Units, decimal Total);

/// <summary>Source-generated JSON for every body basket-api reads or writes.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SetQuantityRequest))]
[JsonSerializable(typeof(BasketView))]
[JsonSerializable(typeof(CatalogItem))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
public sealed partial class BasketJsonContext : JsonSerializerContext;
