using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Shop.Ordering.Api.Admission;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Redis;
using StackExchange.Redis;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Problems;

namespace Shop.Ordering.Api.Apis;

/// <summary>
/// <c>GET /api/stock/items</c>: every item's regular stock as the gate sees it (what a checkout can take now).
/// Catalog shows it as the items' available stock (docs/checkout.md), polling it about once a second per replica:
/// the item ids come from the ledger, the figures from one pipelined round of gate reads.
/// </summary>
public static class ItemStockApi
{
    private const string ItemsSql = $"SELECT item_id, stock_id FROM stocks WHERE kind = '{ItemStocks.Kind}' AND status = 'Scheduled' ORDER BY item_id";

    public static RouteGroupBuilder MapItemStockApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/stock/items").AnswerUnavailableDependencies(SaleStockApi.StockUnavailable);
        group.MapGet("/", ListAsync).WithName("ListItemStock").WithSummary("The available stock of every item the shop sells.");
        group.MapGet("/{itemId:int}", GetAsync).WithName("GetItemStock").WithSummary("The available stock of one item.");
        return group;
    }

    public static async Task<Results<Ok<IReadOnlyList<ItemStockLevel>>, ProblemHttpResult>> ListAsync(
        NpgsqlDataSource dataSource, GateClient gate, HttpContext http, CancellationToken cancellationToken)
    {
        var items = new List<(int ItemId, Guid StockId)>();
        await using (var command = dataSource.CreateCommand(ItemsSql))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add((reader.GetInt32(0), reader.GetGuid(1)));
            }
        }
        var available = await gate.AvailableStockAsync([.. items.Select(i => i.StockId)]).ConfigureAwait(false);
        // An item the gate does not hold yet (being armed, or the gate being rebuilt) is left out, not shown as 0.
        IReadOnlyList<ItemStockLevel> levels = [.. items.Zip(available).Where(p => p.Second is not null)
            .Select(p => new ItemStockLevel(p.First.ItemId, p.Second!.Value))];
        return TypedResults.Ok(levels);
    }

    public static async Task<Results<Ok<ItemStockLevel>, ProblemHttpResult>> GetAsync(int itemId, GateClient gate, HttpContext http)
    {
        if (itemId is < 0 or > 999_999_999)
        {
            return NotFound(itemId);
        }
        if (await gate.StockFiguresAsync(ItemStocks.StockId(itemId)).ConfigureAwait(false) is not { Status: not "Cancelled" } figures)
        {
            return NotFound(itemId);
        }
        http.Response.Headers.CacheControl = "public, max-age=1";
        return TypedResults.Ok(new ItemStockLevel(itemId, figures.Available));
    }

    private static ProblemHttpResult NotFound(int itemId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.UnknownItem, detail: $"The shop does not sell item {itemId}.");
}
