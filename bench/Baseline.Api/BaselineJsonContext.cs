using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shop.Baseline.Api;

/// <summary>A baseline sale, as the bench creates it with the same stock and limit as Shop's.</summary>
public sealed record BaselineSaleRequest(Guid SaleId, int Quantity, int PerBuyerLimit, decimal SalePrice, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary><c>{"quantity": n}</c>, as on Shop's buy path.</summary>
public sealed record BaselineBuyRequest(int Quantity);

/// <summary><c>{"orderId": …, "status": "confirmed"}</c>: the order is committed before the answer.</summary>
public sealed record BaselineBuyAccepted(Guid OrderId, string Status);

/// <summary>Source-generated JSON for the baseline's bodies and answers.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(BaselineSaleRequest))]
[JsonSerializable(typeof(BaselineBuyRequest))]
[JsonSerializable(typeof(BaselineBuyAccepted))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
public sealed partial class BaselineJsonContext : JsonSerializerContext;
