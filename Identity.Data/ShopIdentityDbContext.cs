using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Shop.Identity.Data;

/// <summary>
/// The identity database (resource <c>identitydb</c>): ASP.NET Core Identity's users and roles, OpenIddict's
/// applications, authorizations and tokens (the refresh tokens that sign-out revokes), the sign-in throttle and the
/// issuer's keys. The schema is the migrations' in <c>Migrations/</c>, applied by the migrations resource.
/// </summary>
public sealed class ShopIdentityDbContext(DbContextOptions<ShopIdentityDbContext> options)
    : IdentityDbContext<ShopUser, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<SignInThrottleEntry> SignInThrottle => Set<SignInThrottleEntry>();

    public DbSet<IssuerKey> IssuerKeys => Set<IssuerKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();

        builder.Entity<ShopUser>().Property(u => u.DisplayName).HasMaxLength(100);

        builder.Entity<SignInThrottleEntry>(entry =>
        {
            entry.ToTable("sign_in_throttle");
            entry.HasKey(e => e.Key);
            entry.Property(e => e.Key).HasColumnName("key").HasMaxLength(300);
            entry.Property(e => e.Failures).HasColumnName("failures");
            entry.Property(e => e.LockedUntil).HasColumnName("locked_until");
            entry.Property(e => e.LastAttemptAt).HasColumnName("last_attempt_at");
        });

        builder.Entity<IssuerKey>(key =>
        {
            key.ToTable("issuer_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasColumnName("id").HasMaxLength(50);
            key.Property(k => k.Material).HasColumnName("material");
            key.Property(k => k.CreatedAt).HasColumnName("created_at");
        });
    }
}
