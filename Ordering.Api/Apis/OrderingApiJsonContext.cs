using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Ordering.Api.Orders;
using Shop.Ordering.Core.Reconciliation;

namespace Shop.Ordering.Api.Apis;

public sealed record BuyRequest(int Quantity);

public sealed record BuyAccepted(Guid OrderId, string Status);

public sealed record SaleStock(Guid SaleId, long Remaining, int Initial, string Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt, DateTimeOffset ServerTime);

/// <summary>Source-generated JSON for the hot path and the order endpoints.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BuyRequest))]
[JsonSerializable(typeof(BaselineSaleRequest))]
[JsonSerializable(typeof(BuyAccepted))]
[JsonSerializable(typeof(SaleStock))]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(IReadOnlyList<OrderView>))]
[JsonSerializable(typeof(ReconciliationReport))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
public sealed partial class OrderingApiJsonContext : JsonSerializerContext;
