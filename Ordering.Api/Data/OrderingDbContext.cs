using Microsoft.EntityFrameworkCore;

namespace Shop.Ordering.Api.Data;

/// <summary>
/// The ordering database (resource <c>orderingdb</c>): orders, sale stock ledgers, payments. The entities come
/// with the ordering features; the context exists now so that the connection, pooling, retries and the health
/// check are in place from the start.
/// </summary>
public sealed class OrderingDbContext(DbContextOptions<OrderingDbContext> options) : DbContext(options);
