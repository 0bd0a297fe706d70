using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shop.Catalog.Data.Migrations
{
    /// <summary>
    /// Items get the version they are announced with (CatalogItemChanged) and the version their stock was set at.
    /// Existing rows get 0, "never announced": the seeder announces each of them once at the next start (version 1).
    /// </summary>
    public partial class ItemVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "stock_version",
                table: "catalog_items",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "version",
                table: "catalog_items",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddCheckConstraint(
                name: "ck_catalog_items_stock_version",
                table: "catalog_items",
                sql: "stock_version >= 0 AND stock_version <= version");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_catalog_items_stock_version",
                table: "catalog_items");

            migrationBuilder.DropColumn(
                name: "stock_version",
                table: "catalog_items");

            migrationBuilder.DropColumn(
                name: "version",
                table: "catalog_items");
        }
    }
}
