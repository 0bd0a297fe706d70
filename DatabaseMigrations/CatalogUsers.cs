using Microsoft.EntityFrameworkCore;
using Shop.Catalog.Data;
using Shop.Identity.Data.Seed;

namespace Shop.DatabaseMigrations;

/// <summary>
/// The accounts a catalogdb from before identity-api holds (its <c>users</c> table, dropped by the catalog migration
/// <c>UsersMovedToIdentity</c>): read before identitydb is seeded, so they move with their ids and password hashes.
/// Read again at every run until the table is gone, and imported only where missing, so a run cut short between the
/// two databases loses nobody.
/// </summary>
internal static class CatalogUsers
{
    public static async Task<IReadOnlyList<ImportedUser>> ReadLegacyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CatalogDbContext>();
        var exists = await db.Database.SqlQuery<bool>($"SELECT to_regclass('public.users') IS NOT NULL AS \"Value\"").SingleAsync(cancellationToken);
        if (!exists)
        {
            return [];
        }
        var rows = await db.Database
            .SqlQuery<LegacyUser>($"""
                SELECT id AS "Id", user_name AS "UserName", display_name AS "DisplayName", password_hash AS "PasswordHash",
                       roles AS "Roles", created_at AS "CreatedAt"
                FROM users
                """)
            .ToListAsync(cancellationToken);
        return [.. rows.OrderBy(u => u.CreatedAt).Select(u => new ImportedUser(u.Id, u.UserName, u.DisplayName, u.PasswordHash, u.Roles, u.CreatedAt))];
    }

    private sealed class LegacyUser
    {
        public Guid Id { get; set; }

        public string UserName { get; set; } = "";

        public string DisplayName { get; set; } = "";

        public string PasswordHash { get; set; } = "";

        public string[] Roles { get; set; } = [];

        public DateTimeOffset CreatedAt { get; set; }
    }
}
