using Microsoft.EntityFrameworkCore;

namespace Shop.Catalog.Data.Seed;

/// <summary>
/// Announces once every item that was never announced (version 0): the seeded items of a fresh database, and the
/// items of a database that predates announcements (the ItemVersions migration gave them 0). Each becomes version 1,
/// stock version 1, with its CatalogItemChanged in the outbox, saved together; so on a fresh start Ordering learns
/// every seeded item. Runs inside the seeder's locked transaction: a second run finds nothing left to announce.
/// </summary>
public static class FirstItemAnnouncements
{
    /// <summary>Adds the announcements and saves; returns how many items were announced.</summary>
    public static async Task<int> AddAsync(CatalogDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var items = await db.Items.Where(i => i.Version == 0).OrderBy(i => i.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            item.Version = 1;
            item.StockVersion = 1;
            db.OutboxMessages.Add(OutboxMessages.CatalogItemChanged(item, now));
        }
        if (items.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        return items.Count;
    }
}
