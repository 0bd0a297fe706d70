using Microsoft.EntityFrameworkCore;

namespace Shop.Ordering.Worker.Data;

/// <summary>
/// The worker's view of the ordering database (resource <c>orderingdb</c>), where it persists orders in
/// batches. Empty until the ordering features arrive; when both Ordering projects need the same entities,
/// they move to a shared library.
/// </summary>
public sealed class OrderingDbContext(DbContextOptions<OrderingDbContext> options) : DbContext(options);
