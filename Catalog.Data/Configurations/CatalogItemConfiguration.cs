using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Shop.Catalog.Data.Configurations;

internal sealed class CatalogItemConfiguration : IEntityTypeConfiguration<CatalogItem>
{
    public void Configure(EntityTypeBuilder<CatalogItem> builder)
    {
        builder.ToTable("catalog_items", table =>
        {
            // The API validates these first; the constraints keep any other writer honest.
            table.HasCheckConstraint("ck_catalog_items_price_positive", "price > 0");
            table.HasCheckConstraint("ck_catalog_items_stock_not_negative", "available_stock >= 0");
            table.HasCheckConstraint("ck_catalog_items_stock_version", "stock_version >= 0 AND stock_version <= version");
        });
        builder.Property(i => i.Name).HasMaxLength(CatalogItem.NameMaxLength);
        builder.Property(i => i.Description).HasMaxLength(CatalogItem.DescriptionMaxLength);
        builder.Property(i => i.Price).HasPrecision(12, 2);
        builder.Property(i => i.Version).IsConcurrencyToken();
        builder.HasOne(i => i.Category).WithMany().HasForeignKey(i => i.CategoryId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(i => i.Name).HasDatabaseName("ix_catalog_items_name_trgm").HasMethod("gin").HasOperators("gin_trgm_ops");
        builder.HasIndex(i => new { i.CategoryId, i.Name });
    }
}
