using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Shop.Catalog.Data.Configurations;

internal sealed class FlashSaleConfiguration : IEntityTypeConfiguration<FlashSale>
{
    public void Configure(EntityTypeBuilder<FlashSale> builder)
    {
        builder.ToTable("flash_sales", table =>
        {
            table.HasCheckConstraint("ck_flash_sales_sale_price_positive", "sale_price > 0");
            table.HasCheckConstraint("ck_flash_sales_quantity_positive", "quantity > 0");
            table.HasCheckConstraint("ck_flash_sales_limit_at_least_one", "per_buyer_limit >= 1");
            table.HasCheckConstraint("ck_flash_sales_window", "ends_at > starts_at");
        });
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.SalePrice).HasPrecision(12, 2);
        builder.Property(s => s.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Version).IsConcurrencyToken();
        // Restrict: an item that has (or had) a sale keeps its history; the API answers 409.
        builder.HasOne(s => s.Item).WithMany().HasForeignKey(s => s.ItemId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(s => new { s.State, s.EndsAt });
    }
}
