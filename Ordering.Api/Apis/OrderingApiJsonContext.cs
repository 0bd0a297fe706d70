using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Ordering.Api.Checkout;
using Shop.Ordering.Api.Orders;
using Shop.Ordering.Core.Checkout;
using Shop.Ordering.Core.Reconciliation;

namespace Shop.Ordering.Api.Apis;

public sealed record BuyRequest(int Quantity);

public sealed record OrderAccepted(Guid OrderId, string Status);

/// <summary>An item's regular stock as the gate sees it (<c>GET /api/stock/items</c>).</summary>
public sealed record ItemStockLevel(int ItemId, long Available);

public sealed record SaleStock(Guid SaleId, long Remaining, int Initial, string Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt, DateTimeOffset ServerTime);

/// <summary>Source-generated JSON for the hot path and the order endpoints.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BuyRequest))]
[JsonSerializable(typeof(OrderAccepted))]
[JsonSerializable(typeof(CheckoutRequest))]
[JsonSerializable(typeof(IReadOnlyList<RefusedLine>))]
[JsonSerializable(typeof(List<RefusedLine>))]
[JsonSerializable(typeof(ItemStockLevel))]
[JsonSerializable(typeof(IReadOnlyList<ItemStockLevel>))]
[JsonSerializable(typeof(SaleStock))]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(IReadOnlyList<OrderView>))]
[JsonSerializable(typeof(ReconciliationReport))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
public sealed partial class OrderingApiJsonContext : JsonSerializerContext;
