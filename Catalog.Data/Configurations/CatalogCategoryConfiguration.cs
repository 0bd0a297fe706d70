using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Shop.Catalog.Data.Configurations;

internal sealed class CatalogCategoryConfiguration : IEntityTypeConfiguration<CatalogCategory>
{
    public void Configure(EntityTypeBuilder<CatalogCategory> builder)
    {
        builder.ToTable("catalog_categories");
        builder.Property(c => c.Name).HasMaxLength(CatalogCategory.NameMaxLength);
        builder.HasIndex(c => c.Name).IsUnique();
    }
}
