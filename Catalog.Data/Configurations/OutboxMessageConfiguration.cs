using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Shop.Catalog.Data.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.Property(m => m.Id).ValueGeneratedNever();
        builder.Property(m => m.Type).HasMaxLength(200);
        builder.Property(m => m.RoutingKey).HasMaxLength(200);
        builder.Property(m => m.LastError).HasMaxLength(1000);
        // The publisher only ever looks at pending rows: a small partial index instead of one over the history.
        builder.HasIndex(m => m.NextAttemptAt).HasDatabaseName("ix_outbox_messages_pending").HasFilter("sent_at IS NULL");
    }
}
