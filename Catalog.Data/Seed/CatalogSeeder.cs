using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Shop.Catalog.Data.Seed;

/// <summary>
/// Seeds the demo data after the migrations, idempotently and safely when two runs overlap (two AppHosts on one
/// server): it runs in one transaction that first takes a transaction-scoped advisory lock, so a second run waits,
/// then finds the data there and adds nothing. Seeded sales are announced through the outbox like any other, and so is every
/// item never announced (<see cref="FirstItemAnnouncements"/>), whatever the settings.
/// </summary>
public sealed partial class CatalogSeeder(
    CatalogDbContext db,
    IOptions<CatalogSeedOptions> options,
    TimeProvider time,
    ILogger<CatalogSeeder> logger)
{
    /// <summary>Arbitrary, fixed: the key of the seeding advisory lock.</summary>
    private const long SeedLockKey = 0x53686f70_43617431; // "ShopCat1"

    /// <summary>Seeds what is missing. True when something was announced (sales or items: their announcements wait in the outbox).</summary>
    public async Task<bool> SeedAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async token =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(token).ConfigureAwait(false);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({SeedLockKey})", token).ConfigureAwait(false);

            var now = time.GetUtcNow();
            if (settings.Catalog)
            {
                await SeedCatalogAsync(now, token).ConfigureAwait(false);
            }
            var itemsAnnounced = await FirstItemAnnouncements.AddAsync(db, now, token).ConfigureAwait(false);
            if (itemsAnnounced > 0)
            {
                LogItemsAnnounced(logger, itemsAnnounced);
            }
            var salesAdded = settings.DemoSales && await SeedDemoSalesAsync(now, token).ConfigureAwait(false);

            await transaction.CommitAsync(token).ConfigureAwait(false);
            return salesAdded || itemsAnnounced > 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task SeedCatalogAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Categories.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }
        var categories = CatalogSeedData.CategoryNames.ToDictionary(n => n, n => new CatalogCategory { Name = n });
        db.Categories.AddRange(categories.Values);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        var items = CatalogSeedData.CreateItems(categories, now);
        db.Items.AddRange(items);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        LogCatalogSeeded(logger, categories.Count, items.Count);
    }

    /// <summary>When no sale is live or upcoming: one live now (2 h) and one starting in an hour (15 min).</summary>
    private async Task<bool> SeedDemoSalesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var anyCurrent = await db.FlashSales
            .AnyAsync(s => s.State == FlashSaleState.Scheduled && s.EndsAt > now, cancellationToken).ConfigureAwait(false);
        if (anyCurrent)
        {
            return false;
        }
        var live = await FirstItemOfAsync("Electronics", cancellationToken).ConfigureAwait(false);
        var upcoming = await FirstItemOfAsync("Footwear", cancellationToken).ConfigureAwait(false);
        if (live is null || upcoming is null)
        {
            return false;
        }

        var start = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        AddSale(live, decimal.Round(live.Price * 0.5m, 2), quantity: 1000, perBuyerLimit: 2, start, start.AddHours(2), now);
        AddSale(upcoming, decimal.Round(upcoming.Price * 0.6m, 2), quantity: 500, perBuyerLimit: 1, start.AddHours(1), start.AddHours(1).AddMinutes(15), now);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        LogSalesSeeded(logger, live.Id, upcoming.Id);
        return true;
    }

    private Task<CatalogItem?> FirstItemOfAsync(string category, CancellationToken cancellationToken) =>
        db.Items.Where(i => i.Category.Name == category).OrderBy(i => i.Id).FirstOrDefaultAsync(cancellationToken);

    private void AddSale(CatalogItem item, decimal salePrice, int quantity, int perBuyerLimit, DateTimeOffset startsAt, DateTimeOffset endsAt, DateTimeOffset now)
    {
        var sale = new FlashSale
        {
            Id = Guid.CreateVersion7(now),
            ItemId = item.Id,
            Item = item,
            SalePrice = salePrice,
            Quantity = quantity,
            PerBuyerLimit = perBuyerLimit,
            StartsAt = startsAt,
            EndsAt = endsAt,
            State = FlashSaleState.Scheduled,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.FlashSales.Add(sale);
        db.OutboxMessages.Add(OutboxMessages.FlashSaleChanged(sale, item, now));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the catalog: {Categories} categories, {Items} items.")]
    private static partial void LogCatalogSeeded(ILogger logger, int categories, int items);

    [LoggerMessage(Level = LogLevel.Information, Message = "Announced {Count} item(s) for the first time.")]
    private static partial void LogItemsAnnounced(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded demo flash sales: live on item {LiveItem}, upcoming on item {UpcomingItem}.")]
    private static partial void LogSalesSeeded(ILogger logger, int liveItem, int upcomingItem);
}
