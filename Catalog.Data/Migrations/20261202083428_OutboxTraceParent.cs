using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shop.Catalog.Data.Migrations
{
    /// <summary>
    /// Outbox rows keep the W3C traceparent of the request that made the change (null when untraced), so that the
    /// publish and the subscriber's handling continue its trace (issue #12). Existing rows get null.
    /// </summary>
    public partial class OutboxTraceParent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "trace_parent",
                table: "outbox_messages",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "trace_parent",
                table: "outbox_messages");
        }
    }
}
